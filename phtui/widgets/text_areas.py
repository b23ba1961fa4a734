"""`SafeTextArea`: the one base of every multi-line text field in phtui (drop-in for `TextArea`).

What it adds to Textual's TextArea, and why:

- Pastes are normalised: CRLF and CR line ends become LF (terminals send CR inside a bracketed
  paste) and NULs are dropped. Unsafe characters in a paste (controls, ESC, bidi overrides,
  zero-width and other format characters) are written as visible escapes (`prepare_paste`:
  ``\\x1b`` here, ``\\u001b`` in JSON editors, where the escape keeps the value).
- Nothing unsafe is ever drawn raw: a text loaded with such characters keeps them, and each is
  drawn as a one-cell stand-in (``␛`` for ESC, ``�`` for the others), so the terminal never
  receives an escape sequence from a document.
- Undo and redo cannot crash. Textual restores the cursor only after it has re-measured the
  undone text; when that shows or hides the scrollbar, Textual scrolls to the old cursor, which
  may point past the end of the shorter text (``ValueError: The document line index 4 is out of
  bounds``: paste four lines, paste three, ctrl+z). The cursor first moves to where the undone
  edits begin, a place that exists before and after them.
- Keys take effect in the order they arrive (`KeysInOrder`).
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widgets import TextArea
from textual.widgets.text_area import Edit, Selection

from phtui.core.text import escape_char, normalise_paste, unsafe_characters
from phtui.widgets.keys_in_order import KeysInOrder

__all__ = ["SafeTextArea", "stand_in"]

# TextArea draws a tab itself, as spaces; every other unsafe character needs a stand-in.
_DRAWN_BY_TEXTAREA = "\t"
_STAND_IN_STYLE = Style(reverse=True, dim=True)


def stand_in(char: str) -> str:
    """One visible cell for an unsafe character: its Unicode control picture (``␛``) for C0
    controls and DEL, the replacement character for the others."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


class SafeTextArea(KeysInOrder, TextArea):
    """`TextArea` with safe pastes and drawing, crash-free undo/redo and keys in order."""

    # -- keys and pastes ----------------------------------------------------------------------

    def consumes_key(self, event: events.Key) -> bool:
        if self.read_only:
            return False
        if event.key in ("tab", "escape"):
            return self.tab_behavior == "indent"  # indent: tab indents, escape leaves
        return event.is_printable or event.key == "enter"

    def prepare_paste(self, text: str) -> str:
        """The text a paste inserts: line ends normalised, unsafe characters escaped."""
        text = normalise_paste(text)
        unsafe = unsafe_characters(text, keep="\n\t")
        if not unsafe:
            return text
        return text.translate({ord(char): escape_char(char) for char in unsafe})

    async def _on_paste(self, event: events.Paste) -> None:
        if not self.keep_in_order(event):
            event.text = self.prepare_paste(event.text)  # TextArea's own handler inserts it

    # -- drawing ------------------------------------------------------------------------------

    def get_line(self, line_index: int) -> Text:
        line = self.document.get_line(line_index)
        unsafe = unsafe_characters(line, keep=_DRAWN_BY_TEXTAREA)
        if not unsafe:
            return super().get_line(line_index)
        # One character for one: TextArea styles the line (cursor, selection) by column.
        shown = Text(
            line.translate({ord(char): stand_in(char) for char in unsafe}), end="", no_wrap=True
        )
        pattern = re.compile("[" + "".join(re.escape(char) for char in unsafe) + "]")
        for match in pattern.finditer(line):
            shown.stylize(_STAND_IN_STYLE, match.start(), match.end())
        return shown

    # -- undo and redo ------------------------------------------------------------------------

    def undo(self) -> None:
        self._move_cursor_above(self.history.undo_stack)
        super().undo()

    def redo(self) -> None:
        self._move_cursor_above(self.history.redo_stack)
        super().redo()

    def _move_cursor_above(self, stack: list[list[Edit]]) -> None:
        """Put the cursor where the next batch's edits begin, if it is further down: that
        place exists in the text before the batch is undone (or redone) and after."""
        if not stack:
            return
        top = min(edit.top for edit in stack[-1])
        if max(self.selection) > top:
            self.selection = Selection.cursor(top)
