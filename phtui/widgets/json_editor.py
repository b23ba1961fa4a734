"""A labelled JSON editor: TextArea, live validation with line/column, a dirty marker.

Highlighting a 1 MB JSON document costs about a second per keystroke here (tree-sitter re-parses
and re-highlights), so above `LARGE_VALUE_BYTES` highlighting and soft wrapping are switched off
and the label says so. Validation of a large text is debounced for the same reason.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.document._document import EditResult, Location
from textual.document._edit import Edit
from textual.document._wrapped_document import WrappedDocument
from textual.geometry import Size
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static, TextArea

from phtui.core.jsondoc import JsonError, byte_size, check_json, format_text, parse_json

LARGE_VALUE_BYTES = 200_000
# Below this size validation runs on every change; above it, after a pause in typing.
INSTANT_CHECK_BYTES = 32_000
CHECK_DELAY_S = 0.3


def human_size(size: int) -> str:
    if size < 1_000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{size / 1_000:.0f} KB"
    return f"{size / 1_000_000:.1f} MB"


class _CountedWrappedDocument(WrappedDocument):
    """Textual's WrappedDocument, with `height` read in O(1).

    Textual recomputes `height` by summing over every line each time it renders one line, which
    costs ~15 ms per rendered line at 1 MB (36,000 lines). `_offset_to_line_info` holds one entry
    per wrapped row and is kept current by `wrap` and `wrap_range`, so its length is the height.
    """

    @property
    def height(self) -> int:
        return len(self._offset_to_line_info)


class JsonTextArea(TextArea):
    """A TextArea that stays responsive on megabyte documents.

    Three per-keystroke costs of Textual's TextArea grow with the whole document; each is cut
    here: the wrapped height (`_CountedWrappedDocument`), bracket matching, and the widest-line
    scan behind the virtual size (measured incrementally over the edited rows).
    """

    _edit_top_row: int | None = None
    _widest: int | None = None

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
        edited = max((cell_len(row.expandtabs(self.indent_width)) for row in rows), default=0)
        # Deleting text never narrows the view here: at worst a little spare scroll room.
        self._widest = max(self._widest, edited)
        self.virtual_size = Size(self._widest + self.gutter_width + 1, self.document.line_count)
        self._refresh_scrollbars()

    def find_matching_bracket(self, bracket: str, search_from: Location) -> Location | None:
        # Textual runs this on every cursor move even with matching off; on the outer brace of a
        # 1 MB document it scans the whole text. Skip it when matching is off (large values).
        if not self.match_cursor_bracket:
            return None
        return super().find_matching_bracket(bracket, search_from)


class JsonEditor(Vertical):
    """One JSON field. `value` parses the text; `dirty` compares it with the loaded text."""

    DEFAULT_CSS = """
    JsonEditor {
        height: 1fr;
        min-height: 4;
    }
    JsonEditor > .json-editor--label {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    JsonEditor:focus-within > .json-editor--label {
        background: $primary-muted;
    }
    JsonEditor > TextArea, JsonEditor > TextArea:focus {
        height: 1fr;
        border: none;
        padding: 0;
    }
    """

    class Changed(Message):
        """Validation settled after an edit: dirty state and error are current."""

        def __init__(self, editor: JsonEditor) -> None:
            super().__init__()
            self.editor = editor

        @property
        def control(self) -> JsonEditor:
            return self.editor

    def __init__(
        self, label: str, text: str, *, field: str, allow_empty: bool = False, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.label = label
        self.field = field
        self.allow_empty = allow_empty  # blank text is valid and means "no value"
        self._original = text
        self._bytes = byte_size(text)
        self._error: JsonError | None = self._check(text)
        self._dirty = False
        self._timer: Timer | None = None
        self._area = JsonTextArea(
            text,
            language=None if self.large else "json",
            soft_wrap=not self.large,
            show_line_numbers=True,
            tab_behavior="focus",
        )
        # Bracket matching scans from the cursor to the partner bracket on every move: a whole
        # document when the cursor sits on the outer brace.
        self._area.match_cursor_bracket = not self.large

    def compose(self) -> ComposeResult:
        yield Static(self._label_text(), classes="json-editor--label")
        yield self._area

    # ------------------------------------------------------------------------ state

    @property
    def text_area(self) -> TextArea:
        return self._area

    @property
    def text(self) -> str:
        return self._area.text

    @property
    def large(self) -> bool:
        return self._bytes > LARGE_VALUE_BYTES

    @property
    def highlighting(self) -> bool:
        return self._area.language is not None

    @property
    def dirty(self) -> bool:
        """Whether the text differs from the loaded one, now (the marker may lag on large text)."""
        return self.text != self._original

    @property
    def error(self) -> JsonError | None:
        return self._error

    def value(self) -> Any:
        """The parsed value; raises `JsonDocError` when the text is invalid."""
        text = self.text
        if self.allow_empty and not text.strip():
            return None
        return parse_json(text)

    def load(self, text: str, *, original: bool) -> None:
        """Replace the text. `original=True` makes it the new clean state (after a save/reload)."""
        if original:
            self._original = text
        if text != self.text:
            # replace() rather than load_text(): keeps undo across a format or editor round trip.
            self._area.replace(text, (0, 0), self._area.document.end)
        self.check_now()

    def format(self) -> bool:
        """Pretty-print in place; False (nothing changed) when the text is not valid JSON."""
        if self._error is not None:
            self.check_now()
        if self._error is not None:
            return False
        formatted = format_text(self.text)
        if formatted != self.text:
            self._area.replace(formatted, (0, 0), self._area.document.end)
            self.check_now()
        return True

    def focus_editor(self) -> None:
        self._area.focus()

    # ------------------------------------------------------------------- validation

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._bytes <= INSTANT_CHECK_BYTES and len(self._area.document.lines) < 2_000:
            self.check_now()
        else:
            self._timer = self.set_timer(CHECK_DELAY_S, self.check_now)

    def _set_heavy_features(self, on: bool) -> None:
        """Highlighting, soft wrap and bracket matching: fine when small, slow when large."""
        self._area.language = "json" if on else None
        self._area.soft_wrap = on
        self._area.match_cursor_bracket = on

    def _check(self, text: str) -> JsonError | None:
        if self.allow_empty and not text.strip():
            return None
        return check_json(text)

    def check_now(self) -> None:
        """Validate, update the dirty marker and highlighting mode, and post `Changed`."""
        self._timer = None
        text = self.text
        self._bytes = byte_size(text)
        self._error = self._check(text)
        self._dirty = text != self._original
        if self.large and self.highlighting:
            self._set_heavy_features(False)
        elif not self.large and not self.highlighting:
            self._set_heavy_features(True)
        if self.is_mounted:
            self.query_one(".json-editor--label", Static).update(self._label_text())
        self.post_message(self.Changed(self))

    def _label_text(self) -> Content:
        parts: list[str | tuple[str, str]] = [(self.label, "bold")]
        parts.append((" ●", "$warning bold") if self._dirty else "  ")
        parts.append("  ")
        if self._error is None:
            empty = self.allow_empty and not self._bytes
            parts.append(("empty", "$text-muted") if empty else ("✓ valid", "$success"))
        else:
            where = f"line {self._error.line}, col {self._error.column}: "
            parts.append((f"✗ {where}{self._error.message}", "$error"))
        if self.large:
            parts.append((f"  · {human_size(self._bytes)}: highlighting off", "italic"))
        return Content.assemble(*parts)
