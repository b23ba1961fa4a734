"""TextArea hooks for megabyte documents (see `phtui.compat` for why hooks live here)."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Offset, Size
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets.text_area import (
    Document,
    DocumentBase,
    Edit,
    EditResult,
    Location,
    WrappedDocument,
)

__all__ = ["LargeTextArea"]


# -- TextArea: megabyte documents -----------------------------------------------------------------
# Internals: `WrappedDocument._offset_to_line_info`, `WrappedDocument._width` (0: no wrapping),
# the module global `textual.document._wrapped_document.get_tab_widths`,
# `TextArea._refresh_size` (called by `edit` after every change), `TextArea._refresh_scrollbars`,
# `TextArea._render_line` (what `render_line` draws and caches) and the state it reads: `_theme`,
# `_has_cursor`, `_draw_cursor`, `_highlights`; `Document.replace_range` being the only way a
# Document changes.

# A line up to this long is cheap to measure whatever it holds.
_SHORT_LINE = 2_000


def _tab_widths_without_tabs(original: Any) -> Any:
    """Textual's `get_tab_widths`, answering at once for a line without tabs (the same answer:
    the whole line with no tab after it)."""

    def get_tab_widths(line: str, tab_size: int = 4) -> list[tuple[str, int]]:
        if "\t" not in line:
            return [(line, 0)] if line else []
        result: list[tuple[str, int]] = original(line, tab_size)
        return result

    get_tab_widths.fast = True  # type: ignore[attr-defined]
    return get_tab_widths


def _skip_tab_scan_of_lines_without_tabs() -> None:
    """WrappedDocument splits each edited line at its tabs with a regular expression, ~16 ms on
    a 1 MB line per keystroke even when the line has no tab. Replace the function in that
    module only (its global is looked up at each call); idempotent."""
    from textual.document import _wrapped_document

    module = vars(_wrapped_document)
    if not getattr(module["get_tab_widths"], "fast", False):
        module["get_tab_widths"] = _tab_widths_without_tabs(module["get_tab_widths"])


class _OneCellEach:
    """Whether a line is drawn one cell per character (printable ASCII: no tabs, no controls,
    no wide characters), remembered for the last line asked about: several steps of one
    keystroke ask about the same line, and asking costs ~2 ms a megabyte."""

    def __init__(self) -> None:
        self._line: str | None = None
        self._answer = False

    def __call__(self, line: str) -> bool:
        if line is not self._line:
            self._line = line
            self._answer = line.isascii() and line.isprintable()
        return self._answer


_one_cell_each = _OneCellEach()


class _CountedWrappedDocument(WrappedDocument):
    """Textual's WrappedDocument, with `height` read in O(1) and an unwrapped printable-ASCII
    cursor placed without measuring its line.

    Textual recomputes `height` by summing over every line each time it renders one line, which
    costs ~15 ms per rendered line at 1 MB (36,000 lines). `_offset_to_line_info` holds one entry
    per wrapped row and is kept current by `wrap` and `wrap_range`, so its length is the height.
    """

    @property
    def height(self) -> int:
        return len(self._offset_to_line_info)

    def location_to_offset(self, location: Location) -> Offset:
        # Textual measures the text before the cursor, building a rich Text of the whole line
        # to cut it: ~10 ms on a 1 MB line, several times a keystroke. Unwrapped, a line of
        # printable ASCII puts the cursor at its column, each line on its own row.
        row, column = location
        if self._width == 0 and 0 <= row < self.document.line_count:
            line = self.document[row]
            if _one_cell_each(line):
                return Offset(max(0, min(column, len(line))), row)
        return super().location_to_offset(location)


class _TextKeptDocument(Document):
    """Textual's Document, with `text` joined once per change rather than on every read.

    `TextArea.render_line` reads `text` for every row it draws (to know whether to show the
    placeholder): joining 33,000 lines each time costs ~30 ms a keystroke. `replace_range` is
    the only way a Document changes, so the joined text stays right until it runs.
    """

    _joined: str | None = None

    @property
    def text(self) -> str:
        if self._joined is None:
            self._joined = super().text
        return self._joined

    def replace_range(self, start: Location, end: Location, text: str) -> EditResult:
        self._joined = None
        return super().replace_range(start, end, text)


class LargeTextArea(TextArea):
    """A TextArea whose per-keystroke costs do not grow with the whole document, nor (unwrapped,
    printable ASCII) with the longest line.

    Costs cut: the wrapped height (`_CountedWrappedDocument`), bracket matching, the widest-line
    scan behind the virtual size (measured incrementally over the edited rows), and, without
    soft wrap, measuring the cursor's line and drawing rows wider than the view.
    """

    _edit_top_row: int | None = None
    _widest: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _skip_tab_scan_of_lines_without_tabs()
        super().__init__(*args, **kwargs)

    @property  # type: ignore[override]
    def document(self) -> DocumentBase:
        return self._kept_document

    @document.setter
    def document(self, document: DocumentBase) -> None:
        # As for wrapped_document below; a syntax-aware document (highlighting on) is kept as
        # it is: it is only used for small texts.
        if type(document) is Document:
            document.__class__ = _TextKeptDocument
        self._kept_document = document

    @property  # type: ignore[override]
    def wrapped_document(self) -> WrappedDocument:
        return self._counted_document

    @wrapped_document.setter
    def wrapped_document(self, document: WrappedDocument) -> None:
        # TextArea builds its WrappedDocument in several places; upgrade each as it is assigned.
        # The subclass only adds a property, so switching the class keeps all state intact.
        if type(document) is WrappedDocument:
            document.__class__ = _CountedWrappedDocument
        self._counted_document = document

    def edit(self, edit: Edit) -> EditResult:
        self._edit_top_row = edit.top[0]
        try:
            return super().edit(edit)
        finally:
            self._edit_top_row = None

    def _refresh_size(self) -> None:
        # Called by `edit` after every change. Without soft wrap Textual measures every line to
        # find the widest (33 ms at 1 MB); after an edit only the edited rows can have grown.
        top = self._edit_top_row
        if self.soft_wrap or top is None or self._widest is None:
            super()._refresh_size()
            if not self.soft_wrap:
                self._widest = self.virtual_size.width - self.gutter_width - 1
            return
        bottom = max(top, self.cursor_location[0])
        rows = self.document.lines[top : bottom + 1]
        edited = max((self._cell_width(row) for row in rows), default=0)
        # Deleting text never narrows the view here: at worst a little spare scroll room.
        self._widest = max(self._widest, edited)
        self.virtual_size = Size(self._widest + self.gutter_width + 1, self.document.line_count)
        self._refresh_scrollbars()

    def _cell_width(self, row: str) -> int:
        if _one_cell_each(row):
            return len(row)  # measuring a 1 MB line takes ~8 ms
        return cell_len(row.expandtabs(self.indent_width))

    def _render_line(self, y: int) -> Strip:
        # Unwrapped, Textual draws each row as wide as the widest line (padding short rows to
        # it) and draws a long line whole before cropping it: a 1 MB line costs ~60 ms of
        # drawing and cropping a keystroke, on whichever row the cursor is. Here a row is drawn
        # as wide as the view, from the characters in view.
        if not self.soft_wrap:
            strip = self._render_visible_part(y)
            if strip is not None:
                return strip
        return super()._render_line(y)

    def _render_visible_part(self, y: int) -> Strip | None:
        """Row ``y`` as Textual draws it, but only the columns in view (None: not drawn here,
        when a feature this does not draw is on or the line is long and not one cell a
        character)."""
        if self._highlights or self.match_cursor_bracket or self.suggestion:
            return None
        theme = self._theme
        base_style = theme.base_style if theme and theme.base_style is not None else None
        base_style = base_style or self.rich_style
        scroll_x, scroll_y = self.scroll_offset
        row = y + scroll_y
        if row >= self.document.line_count:
            return Strip.blank(self.size.width, base_style)
        gutter_width = self.gutter_width
        width = max(0, self.scrollable_content_region.width - gutter_width)
        line = self.document[row]
        if len(line) <= _SHORT_LINE:
            start, text = 0, self.get_line(row)  # drawn whole, cropped below
        elif _one_cell_each(line):
            start = min(scroll_x, len(line))  # column = cell
            text = Text(line[start : start + width], end="", no_wrap=True)
        else:
            return None
        if start + len(text) >= len(line):
            text.set_length(len(text) + 1)  # the cell for the cursor at the end

        selection = self.selection
        (top_row, top_column), (bottom_row, bottom_column) = sorted(selection)
        cursor_row, cursor_column = selection.end
        on_cursor_row = cursor_row == row
        cursor_line_style = None
        if theme and self.highlight_cursor_line and self._has_cursor:
            cursor_line_style = theme.cursor_line_style
        if on_cursor_row and cursor_line_style:
            text.stylize(cursor_line_style)
        selection_style = theme.selection_style if theme else None
        if selection_style and selection.start != selection.end and top_row <= row <= bottom_row:
            if not line and row != cursor_row:
                text.plain = "▌"  # an empty line inside the selection
                text.stylize(Style(color=selection_style.bgcolor))
            else:
                first = top_column if row == top_row else 0
                last = bottom_column if row == bottom_row else len(line)
                text.stylize(selection_style, max(0, first - start), max(0, last - start))
        if on_cursor_row and self._draw_cursor and theme and theme.cursor_style:
            at = cursor_column - start
            if 0 <= at <= len(text):
                text.stylize(theme.cursor_style, at, at + 1)
        text.expand_tabs(self.indent_width)

        text_strip = Strip(text.render(self.app.console), text.cell_len)
        if start == 0:
            text_strip = text_strip.crop(scroll_x, scroll_x + width)
        line_style = cursor_line_style if on_cursor_row and self.highlight_cursor_line else None
        if line_style is None and theme:
            line_style = theme.base_style
        text_strip = text_strip.adjust_cell_length(width, line_style)
        if self.show_line_numbers and theme:
            on_cursor_line = on_cursor_row and self.highlight_cursor_line and self._has_cursor
            gutter_style = theme.cursor_line_gutter_style if on_cursor_line else theme.gutter_style
            number = f"{row + self.line_number_start:>{gutter_width - 2}}  "
            gutter = Strip([Segment(number, gutter_style)], gutter_width)
            text_strip = Strip.join([gutter, text_strip])
        return text_strip.apply_style(base_style)

    def find_matching_bracket(self, bracket: str, search_from: Location) -> Location | None:
        # Textual runs this on every cursor move even with matching off; on the outer brace of a
        # 1 MB document it scans the whole text. Skip it when matching is off (large values).
        if not self.match_cursor_bracket:
            return None
        return super().find_matching_bracket(bracket, search_from)
