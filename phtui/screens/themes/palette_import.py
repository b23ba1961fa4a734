"""Import a palette from pasted text: hex codes with any common separator, or a JSON array.

The text is parsed on every change (``core.palette.parse_palette``), so the user sees the swatches
or the first bad entry before importing. Dismisses with the colours, or None when cancelled.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from phtui.core.palette import ColorParseError, parse_palette
from phtui.screens.base import PhModal
from phtui.widgets.text_areas import SafeTextArea
from phtui.widgets.themes.swatches import SwatchGrid

__all__ = ["PaletteImportScreen"]

_HELP = (
    "Paste colours: #1d4aff #f14f58, one per line, comma separated, rgb(29, 74, 255), CSS "
    "names, or a JSON array. ctrl+s imports, escape cancels."
)


class PaletteImportScreen(PhModal[list[str] | None]):
    DEFAULT_CSS = """
    PaletteImportScreen { align: center middle; }
    PaletteImportScreen > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    PaletteImportScreen TextArea { height: 6; }
    PaletteImportScreen #import-result { height: auto; max-height: 3; margin-top: 1; }
    PaletteImportScreen SwatchGrid { max-height: 8; }
    """

    BINDINGS = [
        Binding("ctrl+s", "apply", "Import", id="palette_import.apply"),
        Binding("escape", "cancel", "Cancel", id="palette_import.cancel"),
    ]

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._initial = text
        self._colors: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Import palette"
            yield Static(_HELP, markup=False)
            yield SafeTextArea(
                self._initial, id="import-text", soft_wrap=True, show_line_numbers=False
            )
            yield Static("", id="import-result", markup=False)
            yield SwatchGrid(id="import-preview")

    def on_mount(self) -> None:
        self.query_one(SwatchGrid).tall = False
        self._parse(self._initial)
        self.query_one(TextArea).focus()

    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        self._parse(event.text_area.text)

    def _parse(self, text: str) -> None:
        result = self.query_one("#import-result", Static)
        try:
            self._colors = parse_palette(text)
        except ColorParseError as error:
            self._colors = []
            result.update(str(error))
            result.set_class(True, "-error")
        else:
            count = len(self._colors)
            result.update(f"{count} colour{'s' if count != 1 else ''} read." if count else "")
            result.set_class(False, "-error")
        self.query_one(SwatchGrid).palette = tuple(self._colors)
        self.refresh_bindings()

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply":
            return True if self._colors else None
        return True

    def action_apply(self) -> None:
        if self._colors:
            self.dismiss(list(self._colors))

    def action_cancel(self) -> None:
        self.dismiss(None)
