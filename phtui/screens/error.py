"""The modal for failures a toast cannot explain: what happened and what to do next."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Static

from phtui.screens.base import PhModal


class ErrorScreen(PhModal[None]):
    DEFAULT_CSS = """
    ErrorScreen { align: center middle; }
    ErrorScreen > Vertical {
        width: 70; max-width: 100%; height: auto; max-height: 100%;
        border: thick $error; background: $surface; padding: 1 2;
    }
    ErrorScreen .error-title {
        text-style: bold; color: $text-error; margin-bottom: 1; max-height: 25vh;
    }
    ErrorScreen .dialog-body { height: auto; max-height: 50vh; }
    ErrorScreen Button { margin-top: 1; }
    """

    BINDINGS = [Binding("escape,enter", "close", "Close", id="error.close")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self._title = title
        self._message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, classes="error-title", markup=False)
            with VerticalScroll(classes="dialog-body"):  # long text scrolls; OK stays
                yield Static(self._message, markup=False)
            yield Button("OK", id="ok", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
