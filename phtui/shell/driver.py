"""The terminal driver, never in Textual's debug mode.

With `TEXTUAL_DEBUG` set, Textual's driver appends every byte read from the terminal to
`keys.log` in the current directory: an API key typed or pasted into the connect screen would
land in a file. phtui keeps Textual's other debugging aids (`TEXTUAL_LOG`, devtools), whose
key and paste events it hides (`phtui.compat.hide_event_text`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.driver import Driver

__all__ = ["without_key_log"]


def without_key_log(driver_class: type[Driver]) -> type[Driver]:
    """`driver_class`, but created with `debug=False` whatever the environment says."""

    class QuietDriver(driver_class):  # type: ignore[valid-type,misc]
        def __init__(
            self,
            app: App[Any],
            *,
            debug: bool = False,
            mouse: bool = True,
            size: tuple[int, int] | None = None,
        ) -> None:
            super().__init__(app, debug=False, mouse=mouse, size=size)

    QuietDriver.__name__ = QuietDriver.__qualname__ = driver_class.__name__
    return QuietDriver
