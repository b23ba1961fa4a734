"""Large colour swatches: each shows its ``preset-N`` token and hex in a WCAG-chosen text colour.

The text colour is whichever of black and white has the higher WCAG contrast on the swatch
(``core.palette.best_text_color``); Textual's ``get_contrast_text`` is not a WCAG measure.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from phtui.core.colordepth import approximation_note, depth_from_color_system
from phtui.core.palette import ColorParseError, best_text_color, parse_color, token_name
from phtui.core.text import visible

__all__ = [
    "SWATCH_MIN_WIDTH",
    "DepthNote",
    "SwatchGrid",
    "chip",
    "normalised_colors",
    "swatch_style",
]

# "preset-15" plus a space each side.
SWATCH_MIN_WIDTH = 11
_INVALID = Style(color="#e0e0e0", bgcolor="#5a1e1e")


@lru_cache(maxsize=1024)
def swatch_style(color: str) -> Style:
    """Background ``color`` with the text colour that passes WCAG best on it."""
    return Style(color=best_text_color(color), bgcolor=color)


def chip(color: str | None, width: int = 2) -> Text:
    """A small solid block of ``color`` (a hatched block when it is not a colour)."""
    if color is None:
        return Text("░" * width, style="#808080")
    return Text(" " * width, style=Style(bgcolor=color))


def normalised_colors(entries: Sequence[object]) -> list[str | None]:
    """Stored palette entries as ``#rrggbb``, None where an entry is not a colour.

    The server stores any JSON in ``colors``, so entries may be numbers or garbage.
    """
    colors: list[str | None] = []
    for entry in entries:
        try:
            colors.append(parse_color(entry) if isinstance(entry, str) else None)
        except ColorParseError:
            colors.append(None)
    return colors


class DepthNote(Static):
    """One line saying the swatches are approximated and how to fix it; hidden in truecolor.

    It takes one row at any width (the fix is cut with "…"; the whole note is its tooltip) and
    goes away on a click, or on the key its screen binds to `hide` (the Themes screen: escape,
    named by `hint`). Screens where escape means something else pass no hint.
    """

    DEFAULT_CSS = """
    DepthNote {
        height: 1;
        padding: 0 1;
        color: $text-warning;
        background: $warning-muted;
    }
    """
    HINT = " esc ✕"

    def __init__(self, *, id: str | None = None, markup: bool = False, hint: str = HINT) -> None:
        super().__init__(id=id, markup=markup)
        self._note = ""
        self._hint = hint

    def on_mount(self) -> None:
        rendered = depth_from_color_system(self.app.console.color_system)
        note = approximation_note(rendered, os.environ)
        self._note = note or ""
        self.tooltip = note
        self.display = note is not None

    def render(self) -> Content:
        room = max(0, self.content_size.width - len(self._hint))
        text = Content(self._note).truncate(room, ellipsis=True)
        return Content.assemble(text.pad_right(room - text.cell_length), self._hint)

    def hide(self) -> None:
        self.display = False
        self.screen.refresh_bindings()

    def on_click(self) -> None:
        self.hide()


class SwatchGrid(Widget):
    """Swatches laid out in as many columns as fit, rows as needed (height follows content).

    ``colors`` holds the palette as stored: entries that are not colours (the server accepts any
    JSON) are shown as a red "invalid" swatch with the raw text.
    """

    DEFAULT_CSS = """
    SwatchGrid { height: auto; }
    """

    palette: reactive[tuple[object, ...]] = reactive(tuple)
    tall: reactive[bool] = reactive(True, layout=True)

    def __init__(
        self,
        colors: Sequence[object] = (),
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.set_reactive(SwatchGrid.palette, tuple(colors))

    def watch_palette(self, old: tuple[object, ...], new: tuple[object, ...]) -> None:
        # Re-layout only when the height can change: a full layout pass costs milliseconds.
        self.refresh(layout=len(old) != len(new))

    @property
    def swatch_height(self) -> int:
        return 3 if self.tall else 2

    def columns_for(self, width: int) -> int:
        return max(1, width // SWATCH_MIN_WIDTH)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self.palette:
            return 1
        return math.ceil(len(self.palette) / self.columns_for(width)) * self.swatch_height

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if not self.palette:
            return Strip([Segment("No colours."[:width].ljust(width), base)], width)
        columns = self.columns_for(width)
        cell = width // columns
        row, line = divmod(y, self.swatch_height)
        segments = []
        for column in range(columns):
            index = row * columns + column
            if index >= len(self.palette):
                break
            segments.extend(self._cell(index, line, cell - 1))
            segments.append(Segment(" ", base))
        used = sum(segment.cell_length for segment in segments)
        segments.append(Segment(" " * max(0, width - used), base))
        return Strip(segments, width).crop(0, width)

    def _cell(self, index: int, line: int, width: int) -> list[Segment]:
        entry = self.palette[index]
        color = normalised_colors((entry,))[0]
        style = swatch_style(color) if color else _INVALID
        raw = entry if isinstance(entry, str) else json.dumps(entry)
        shown = color if color else visible(raw, keep_newlines=False)
        # Tall swatches keep a blank first line so the text sits low, like a paint chip.
        texts = (token_name(index), shown) if not self.tall else ("", token_name(index), shown)
        text = texts[line] if line < len(texts) else ""
        if len(text) > width:
            text = text[: max(0, width - 1)] + "…"
        return [Segment(text.center(width), style)]
