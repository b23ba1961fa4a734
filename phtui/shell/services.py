"""What screens may ask of the app, as a protocol below both.

Screens never import `phtui.app`: they reach the app's services through `Services`, which
`PhTuiApp` implements structurally. That keeps the import graph one-way (app -> screens ->
shell), and lets a test stand in a small app of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from phtui.api.errors import PostHogError

if TYPE_CHECKING:
    from phtui.api import PostHogClient

__all__ = ["NotConnectedError", "Services", "humanise"]


class NotConnectedError(PostHogError):
    """The app has no client yet (the connect screen is open)."""

    def __init__(self) -> None:
        super().__init__("Not connected to PostHog yet.")


class Services(Protocol):
    """The app as a screen sees it."""

    @property
    def client(self) -> PostHogClient | None:
        """The one client, or None until a connection is made."""

    @property
    def read_only(self) -> bool:
        """Read-only mode: actions that change data are shown disabled. Changes at run time."""

    def show_error(self, error: BaseException, *, action: str) -> None:
        """The one place an error becomes a message, a reconnect, the offline state or a modal."""


def humanise(worker_name: str) -> str:
    """`load_themes` -> `Load themes`: a worker's name as the action that failed."""
    text = worker_name.replace("_", " ").strip() or "A background task"
    return text[0].upper() + text[1:]
