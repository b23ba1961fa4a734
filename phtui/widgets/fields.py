"""One-line text fields that are safe with server text: drop-in replacements for `Input`.

- `SafeInput` draws unsafe characters (controls, ESC, bidi overrides, zero-width and other format
  characters; see `phtui.core.text`) as dim escapes such as ``\\x1b`` and ``\\u202e``, so a theme
  named ``"\\x1b]52;c;…"`` cannot write to the clipboard or colour the field, while `value` keeps
  them: an untouched field saves nothing, and what the user types or pastes is stored as typed.
  Cursor, selection, scrolling and mouse clicks follow the drawn escapes. Keys take effect in
  the order they arrive (`KeysInOrder`). A paste is read as its first line, NULs dropped.
- `SecretInput` is the same as a password field whose value no log ever shows (Textual writes
  every message it handles, with its repr, to ``TEXTUAL_LOG``).

Both have `Input`'s constructor, messages (`Input.Changed`, `Input.Submitted`, `Input.Blurred`
handlers and ``on_input_changed`` methods receive theirs) and methods.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Input

from phtui.compat import MappedInput, hide_event_text
from phtui.core.text import EscapedLine, first_line
from phtui.widgets.keys_in_order import KeysInOrder

__all__ = ["SafeInput", "SecretInput"]


class SafeInput(KeysInOrder, MappedInput):
    """`Input` that shows unsafe characters as visible escapes without changing `value`."""

    DEFAULT_CSS = """
    SafeInput > .safe-input--escape {
        text-style: dim;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = Input.COMPONENT_CLASSES | {"safe-input--escape"}

    _escaped: EscapedLine | None = None

    @property
    def escaped(self) -> EscapedLine:
        """The value as drawn (built once per value)."""
        value = self.value
        if self._escaped is None or self._escaped.text is not value:
            self._escaped = EscapedLine(value)
        return self._escaped

    def _drawn_plainly(self) -> bool:
        # Bullets (password) and the placeholder are one safe cell per character.
        return self.password or not self.value

    # -- geometry: where each position of the value is drawn ---------------------------------

    def cell_of(self, position: int) -> int:
        if self._drawn_plainly():
            return min(position, len(self.value))
        return self.escaped.cell(position)

    def position_at_cell(self, cell: int) -> int:
        if self._drawn_plainly():
            return max(0, min(cell, len(self.value)))
        return self.escaped.position_at_cell(max(0, cell))

    @property
    def content_width(self) -> int:
        if self._drawn_plainly():
            return super().content_width
        return self.escaped.cell_length + 1  # a cell for the cursor at the end

    # -- drawing ------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        if self._drawn_plainly() or not self.escaped.has_escapes:
            return super().render_line(y)  # nothing to escape: Textual's own drawing
        if y != 0:
            return Strip.blank(self.size.width, self.rich_style)
        width = self.scrollable_content_region.width + 1  # + the cursor's cell at the end
        console = self.app.console
        segments = console.render(
            self._shown_text(), self.app.console_options.update_width(self.content_width)
        )
        scroll_x = self.scroll_offset.x
        strip = Strip(segments).crop(scroll_x, scroll_x + width).extend_cell_length(width)
        return strip.apply_style(self.rich_style)

    def _shown_text(self) -> Text:
        """The value with its escapes styled, and the selection and cursor laid over it."""
        line = self.escaped
        escape_style = self.get_component_rich_style("safe-input--escape", partial=True)
        text = Text(no_wrap=True, overflow="ignore", end="")
        for run in line.runs:
            piece = line.shown[run.shown_start : run.shown_end]
            text.append(piece, escape_style if run.escaped else None)
        if not self.has_focus:
            return text
        start, end = sorted(self.selection)
        if start != end:
            selection_style = self.get_component_rich_style("input--selection")
            text.stylize_before(selection_style, line.shown_index(start), line.shown_index(end))
        if self.cursor_shown:
            cursor = self.cursor_position
            if cursor >= len(self.value):
                text.pad_right(1)
                cursor_from, cursor_to = len(line.shown), len(line.shown) + 1
            else:  # the whole escape carries the cursor
                cursor_from, cursor_to = line.shown_index(cursor), line.shown_index(cursor + 1)
            text.stylize(self.get_component_rich_style("input--cursor"), cursor_from, cursor_to)
        return text

    # -- pasting ------------------------------------------------------------------------------

    def _on_paste(self, event: events.Paste) -> None:
        if self.keep_in_order(event):
            return
        event.stop()
        event.prevent_default()  # Input's own handler would cut at any line separator
        line = first_line(event.text)
        if not line:
            return
        start, end = sorted(self.selection)
        if start == end:
            self.insert_text_at_cursor(line)
        else:
            self.replace(line, start, end)


class _HidesValue(Message):
    """A field message whose repr (what Textual's log writes) names no value."""

    input: Input

    def __rich_repr__(self) -> Any:
        yield "input", self.input
        yield "value", "<hidden>"

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}(input={self.input!r}, value=<hidden>)"


class SecretInput(SafeInput):
    """A password field for a credential: its value never appears in a log.

    Its Changed, Submitted and Blurred messages print their value as hidden, and the Key and
    Paste events it handles print no characters. `SecretInput(...)` is `password=True` unless
    told otherwise.
    """

    # namespace="input": handlers named on_input_changed (and @on(Input.Changed)) receive them.
    class Changed(_HidesValue, Input.Changed, namespace="input"):
        """`Input.Changed`, printed without the value."""

    class Submitted(_HidesValue, Input.Submitted, namespace="input"):
        """`Input.Submitted`, printed without the value."""

    class Blurred(_HidesValue, Input.Blurred, namespace="input"):
        """`Input.Blurred`, printed without the value."""

    def __init__(
        self,
        value: str | None = None,
        placeholder: str = "",
        *,
        password: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(value, placeholder, password=password, **kwargs)

    async def on_event(self, event: events.Event) -> None:
        # Every event this field handles passes here before Textual logs it: those the App
        # hands over, and those held while a binding ran.
        await super().on_event(hide_event_text(event))
