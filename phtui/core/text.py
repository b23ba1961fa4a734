"""Text safety: server text made inert before it reaches the terminal.

Any string that came from PostHog (a theme name, an item value, an error detail) can hold
terminal escape sequences, bells, bidi overrides or zero-width characters. Drawn raw, they can
restyle the terminal, write to the clipboard (OSC 52) or reorder what the user reads. Every
widget draws server text through one of these functions, which turn such characters into
visible escapes (``\\x1b``, ``\\u202e``): the user sees that they are there, and nothing acts.
Rich markup needs no escaping here: widgets draw these strings as plain text, never markup.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator

from rich.cells import get_character_cell_size

__all__ = [
    "ELLIPSIS",
    "clip",
    "collapse_whitespace",
    "escape_char",
    "fit",
    "is_unsafe",
    "one_line",
    "visible",
]

ELLIPSIS = "…"
# Characters that could move the cursor, change the terminal's state, reorder text or have no
# known width: C0/C1 controls (ESC among them), format characters (bidi overrides, zero-width
# joiners), line and paragraph separators, surrogates, private-use and unassigned code points.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def is_unsafe(char: str) -> bool:
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def escape_char(char: str) -> str:
    """The visible spelling of one unsafe character: ``\\x1b``, ``\\u202e``, ``\\U000e0001``."""
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` with every unsafe character escaped visibly; newlines kept unless told not to."""
    if text.isprintable():
        return text  # the common case: nothing to do
    return "".join(
        char if (keep_newlines and char == "\n") or not is_unsafe(char) else escape_char(char)
        for char in text
    )


def one_line(text: str) -> str:
    """For a list row, a title or a label: whitespace runs (newlines too) become one space, none
    at the ends, and unsafe characters are escaped visibly."""
    return "".join(
        escape_char(char) if is_unsafe(char) else char for char in collapse_whitespace(text)
    )


def fit(chars: Iterable[str], width: int, *, escape: Callable[[str], str] = escape_char) -> str:
    """The characters, unsafe ones escaped, cut to ``width`` terminal cells with "…" when cut.

    Reads only as far as needed, so the preview of a megabyte string costs a few hundred steps.
    ``escape`` spells an unsafe character (JSON previews use ``\\u001b``).
    """
    if width <= 0:
        return ""
    pieces: list[str] = []
    used = 0
    cut: int | None = None  # pieces kept when an ellipsis is needed
    for char in chars:
        if is_unsafe(char):
            piece = escape(char)
            size = len(piece)
        else:
            piece, size = char, get_character_cell_size(char)
        if cut is None and used + size > width - 1:
            cut = len(pieces)
        used += size
        if used > width:
            return "".join(pieces[:cut]) + ELLIPSIS
        pieces.append(piece)
    return "".join(pieces)


def clip(text: str, width: int) -> str:
    """``text`` on one line (whitespace runs as one space), unsafe characters escaped, at most
    ``width`` cells: a name or an id in a table cell or a title."""
    return fit(collapse_whitespace(text), width)


def collapse_whitespace(text: str) -> Iterator[str]:
    """The characters of ``text`` with each whitespace run as one space, none at the ends."""
    pending_space = False
    started = False
    for char in text:
        if char.isspace():
            pending_space = started
            continue
        if pending_space:
            yield " "
            pending_space = False
        started = True
        yield char
