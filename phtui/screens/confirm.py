"""A yes/no modal for destructive actions. Cancel has the focus, so a stray Enter is safe."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from phtui.screens.base import PhModal


class ConfirmScreen(PhModal[bool]):
    """`push_screen(ConfirmScreen("Delete theme", "Delete 'Ocean'?"), callback)` -> bool."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 60; max-width: 100%; height: auto; max-height: 100%;
        border: thick $error; background: $surface; padding: 1 2;
    }
    ConfirmScreen .confirm-title { text-style: bold; margin-bottom: 1; max-height: 25vh; }
    ConfirmScreen .dialog-body { height: auto; max-height: 50vh; }
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    ConfirmScreen Button { margin-left: 2; }
    """

    BINDINGS = [
        Binding("escape,n", "cancel", "Cancel", id="confirm.cancel"),
        Binding("y", "confirm", "Confirm", id="confirm.confirm"),
    ]

    def __init__(self, title: str, message: str, confirm_label: str = "Delete") -> None:
        super().__init__()
        self._title = title
        self._message = message
        self._confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical():
            # Titles and messages often quote server data (names): never interpret markup.
            yield Static(self._title, classes="confirm-title", markup=False)
            with VerticalScroll(classes="dialog-body"):  # long text scrolls; buttons stay
                yield Static(self._message, markup=False)
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button(self._confirm_label, id="confirm", variant="error")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_confirm(self) -> None:
        self.dismiss(True)
