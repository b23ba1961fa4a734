"""A labelled JSON editor: TextArea, live validation with line/column, a dirty marker.

Highlighting a 1 MB JSON document costs about a second per keystroke here (tree-sitter re-parses
and re-highlights), so above `LARGE_VALUE_BYTES` highlighting and soft wrapping are switched off
and the label says so. Validation of a large text is debounced for the same reason.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static, TextArea

from phtui.compat.text_area import LargeTextArea
from phtui.core.jsondoc import (
    JsonError,
    byte_size,
    check_json,
    escape_unsafe,
    format_text,
    parse_json,
)
from phtui.core.text import normalise_paste
from phtui.widgets.text_areas import SafeTextArea

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


class JsonTextArea(SafeTextArea, LargeTextArea):
    """The editing area of a `JsonEditor`: safe (`SafeTextArea`) and responsive on megabyte
    documents (`LargeTextArea`)."""

    def prepare_paste(self, text: str) -> str:
        # JSON escapes: inside a string \u001b is the pasted character itself.
        return escape_unsafe(normalise_paste(text))


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
