"""What the dataset screens share: reaching the app's client, read-only mode and error handler."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.app import App

from phtui.api.errors import PostHogError

if TYPE_CHECKING:
    from phtui.api import PostHogClient
    from phtui.app import PhTuiApp

# Actions that change data: disabled (shown dimmed) in read-only mode.
MUTATING_ACTIONS = frozenset({"new", "edit", "delete", "undo", "import_items", "save", "save_add"})


class NotConnectedError(PostHogError):
    """The app has no client yet (the connect screen is open)."""

    def __init__(self) -> None:
        super().__init__("Not connected to PostHog yet.")


def phtui_app(app: App[Any]) -> PhTuiApp:
    return cast("PhTuiApp", app)


def client_of(app: App[Any]) -> PostHogClient:
    client = phtui_app(app).client
    if client is None:
        raise NotConnectedError()
    return client


def is_read_only(app: App[Any]) -> bool:
    return bool(getattr(app, "read_only", False))


def report(app: App[Any], error: BaseException, *, action: str) -> None:
    """Hand an error to the app's one handler (falls back to a toast outside PhTuiApp)."""
    show_error = getattr(app, "show_error", None)
    if callable(show_error):
        show_error(error, action=action)
    else:
        app.notify(str(error), title=action, severity="error", markup=False)


def mutation_allowed(app: App[Any], action: str) -> bool | None:
    """`check_action` answer for `action`: None (shown, disabled) when read-only forbids it."""
    if action in MUTATING_ACTIONS and is_read_only(app):
        return None
    return True
