"""Every hook phtui has on a private Textual internal, in one place.

Each exists for a measured reason (named beside it) that Textual's public API cannot serve.
`tests/test_compat.py` checks every internal named here, so an upgrade that changes one fails
there, by name, instead of misbehaving somewhere in the app. pyproject pins Textual to the
minor release these were checked against; re-check them before widening the pin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Offset, Size
from textual.strip import Strip
from textual.widgets import Input, TextArea
from textual.widgets.text_area import (
    Document,
    DocumentBase,
    Edit,
    EditResult,
    Location,
    WrappedDocument,
)

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.screen import Screen

__all__ = [
    "CrashWithoutLocals",
    "LargeTextArea",
    "MappedInput",
    "forward_event",
    "hide_event_text",
    "mark_forwarded",
    "open_without_css_refresh",
    "run_key_binding",
]

# -- app: a crash report that shows no local variables -----------------------------------------
# Internals: `App._fatal_error` (called for an unhandled exception), `App._exit_renderables`,
# `App._close_messages_no_wait`, `App.bell` (Textual 8.2).


class CrashWithoutLocals:
    """Mixed into the App: its crash traceback leaves out local variables.

    Textual prints an unhandled exception's traceback with `show_locals=True`, so a crash in code
    holding the API key in a local (the client, the connect screen, config loading) would print
    the key to the terminal, and into whatever records the session. The traceback stays; the
    locals go.
    """

    def _fatal_error(self) -> None:
        from rich.segment import Segments
        from rich.traceback import Traceback

        app = cast("App[Any]", self)
        app.bell()
        traceback = Traceback(show_locals=False, width=None)
        app._exit_renderables.append(Segments(app.console.render(traceback, app.console.options)))
        app._close_messages_no_wait()


# -- app: opening a mode without an app-wide CSS refresh ---------------------------------------
# Internals: `App._css_update_count`, `Screen._css_update_count` (Textual 8.2).


def open_without_css_refresh(screen: Screen[Any]) -> Screen[Any]:
    """Let a mode's screen open without Textual's app-wide CSS refresh.

    Textual opens a mode whose screen has not seen the app's latest CSS update with a full
    refresh: every stylesheet parsed again (twice) and the whole app restyled, ~25 ms of startup
    (benchmarks/startup_bench.py) and again when the other mode first opens. While the app's
    stylesheet is the one built at startup (no update since: count 0), all that refresh
    contributes is styling the App node itself before the screen composes; that matters, as
    widgets cache their text colour from their ancestors. So style the App node and mark the
    screen current. After a theme change, Textual's refresh runs as usual.
    """
    app: App[Any] = screen.app
    if app._css_update_count == 0:
        app.stylesheet.apply(app)
        screen._css_update_count = app._css_update_count
    return screen


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


# -- fields: key bindings in the order keys arrive ------------------------------------------------
# Internals: `App._check_bindings` (what `App._on_key` runs once a key has bubbled up to it),
# `Widget._forward_event` (how the App hands an input event to the focused widget) and
# `Message._set_forwarded` (the mark that stops the App routing a bubbled event again).


async def run_key_binding(app: App[Any], key: str) -> bool:
    """Run the (non-priority) binding ``key`` reaches from the focused widget now; True if one
    ran. The same lookup the App makes once the Key event has bubbled up to it."""
    return await app._check_bindings(key)


def forward_event(target: DOMNode, event: events.Key | events.Paste) -> None:
    """Hand an input event to ``target`` as the App hands one to the focused widget (marked
    forwarded, so the App does not route it again when it bubbles back up)."""
    from textual.widget import Widget

    assert isinstance(target, Widget)
    target._forward_event(event)


def mark_forwarded(event: events.Key | events.Paste) -> None:
    """Mark an input event as handed on by the App, for a widget that handles it directly."""
    event._set_forwarded()


# -- fields: events that never show their text ----------------------------------------------------
# Internals: `Message.handler_name` (which handler a message reaches) and the layout of event
# instances (a subclass that adds no attributes can take over an instance).


class _HiddenKey(events.Key):
    """A Key event whose repr (what Textual's log writes) shows no character."""

    def __rich_repr__(self) -> Any:
        yield "key", "<hidden>" if self.is_printable else self.key


class _HiddenPaste(events.Paste):
    """A Paste event whose repr shows how long the text is, not the text."""

    def __rich_repr__(self) -> Any:
        yield "text", f"<{len(self.text)} characters hidden>"


# Subclasses get a handler name of their own; these must reach the handlers of the original.
_HiddenKey.handler_name = events.Key.handler_name
_HiddenPaste.handler_name = events.Paste.handler_name


def hide_event_text(event: Any) -> Any:
    """The same event, which Textual's log can no longer show with its characters.

    Textual logs every message a widget handles, with its repr, to ``TEXTUAL_LOG``: a Key event
    shows its character and a Paste its text. Switching the class in place keeps the event's
    state (sender, time, forwarded, stopped) exactly as it was.
    """
    if type(event) is events.Key:
        event.__class__ = _HiddenKey
    elif type(event) is events.Paste:
        event.__class__ = _HiddenPaste
    return event


# -- fields: an Input that draws some characters wider than they are ------------------------------
# Internals: `Input._position_to_cell` (the cursor's cell, behind `cursor_screen_offset` and the
# scrolling that keeps the cursor in view), `Input._cell_offset_to_index` (a mouse click) and
# `Input._cursor_visible` (the blink phase a subclass's `render_line` must follow).


class MappedInput(Input):
    """An Input whose subclass says where each position of the value is drawn.

    Textual measures the cursor's cell as the width of the value before it, so any widget that
    draws a character wider (an escape such as ``\\x1b`` for ESC) would put the terminal cursor,
    the scrolling and mouse clicks in the wrong place. Subclasses define `cell_of` and
    `position_at_cell`.
    """

    def cell_of(self, position: int) -> int:
        """The cell offset at which the character at ``position`` is drawn."""
        return super()._position_to_cell(position)

    def position_at_cell(self, cell: int) -> int:
        """The position drawn at cell ``cell`` of the value (scrolling already added)."""
        return super()._cell_offset_to_index(cell - self.scroll_offset.x)

    @property
    def cursor_shown(self) -> bool:
        """Whether the blinking cursor is in its visible phase."""
        return self._cursor_visible

    def _position_to_cell(self, position: int) -> int:
        return self.cell_of(position)

    def _cell_offset_to_index(self, offset: int) -> int:
        return self.position_at_cell(offset + self.scroll_offset.x)
