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
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from rich.cells import cell_len, get_character_cell_size

__all__ = [
    "ELLIPSIS",
    "EscapedLine",
    "Run",
    "clip",
    "collapse_whitespace",
    "escape_char",
    "first_line",
    "fit",
    "is_unsafe",
    "normalise_paste",
    "one_line",
    "unsafe_characters",
    "visible",
]

ELLIPSIS = "…"
# Characters that could move the cursor, change the terminal's state, reorder text or have no
# known width: C0/C1 controls (ESC among them), format characters (bidi overrides, zero-width
# joiners), line and paragraph separators, surrogates, private-use and unassigned code points.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def is_unsafe(char: str) -> bool:
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def unsafe_characters(text: str, *, keep: str = "") -> frozenset[str]:
    """The distinct unsafe characters of ``text``, except those in ``keep``.

    Looks at each distinct character once, so a megabyte of text costs a few milliseconds.
    """
    if text.isprintable():
        return frozenset()
    return frozenset(char for char in set(text) if char not in keep and is_unsafe(char))


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


def normalise_paste(text: str) -> str:
    """Pasted text as a field stores it: CRLF and CR line ends as LF, NUL characters dropped.

    Terminals send line ends as CR inside a bracketed paste (tmux's ``paste-buffer`` does), and
    Windows clipboards as CRLF; a NUL can only be noise.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def first_line(text: str) -> str:
    """What a one-line field takes from a paste: the first line, once blank lines at the ends
    are dropped (a copied line often ends, or starts, with a line end)."""
    return normalise_paste(text).strip("\n").split("\n", 1)[0]


@dataclass(frozen=True)
class Run:
    """A stretch of an `EscapedLine`: safe characters drawn as they are, or one escaped one."""

    start: int  # index in the text
    end: int
    shown_start: int  # index in the shown string
    shown_end: int
    cell: int  # cell offset where the run starts
    escaped: bool


class EscapedLine:
    """One line as a field draws it, unsafe characters escaped, and the way back to the text.

    A field keeps its value as typed but shows ``shown``; cursor and selection positions in the
    value map onto ``shown`` (`shown_index`) and onto terminal cells (`cell`), and a mouse
    click's cell maps back to a position (`position_at_cell`). An escape is one unit: the
    cursor sits before or after it, never inside. Works by runs, so a long safe value costs one
    run whatever its length.
    """

    def __init__(self, text: str, *, escape: Callable[[str], str] = escape_char) -> None:
        self.text = text
        unsafe = unsafe_characters(text)
        runs: list[Run] = []
        pieces: list[str] = []
        shown_at = cell_at = 0
        safe_from = 0

        def add(start: int, end: int, piece: str, escaped: bool) -> None:
            nonlocal shown_at, cell_at
            runs.append(Run(start, end, shown_at, shown_at + len(piece), cell_at, escaped))
            pieces.append(piece)
            shown_at += len(piece)
            cell_at += cell_len(piece)

        for index, char in enumerate(text) if unsafe else ():
            if char not in unsafe:
                continue
            if safe_from < index:
                add(safe_from, index, text[safe_from:index], False)
            add(index, index + 1, escape(char), True)
            safe_from = index + 1
        if safe_from < len(text) or not runs:
            add(safe_from, len(text), text[safe_from:], False)
        self.runs: tuple[Run, ...] = tuple(runs)
        self.shown = "".join(pieces)
        self.cell_length = cell_at
        self._starts = [run.start for run in runs]
        self._cells = [run.cell for run in runs]

    @property
    def has_escapes(self) -> bool:
        return len(self.runs) > 1 or self.runs[0].escaped

    def _run_at(self, position: int) -> Run:
        return self.runs[max(0, bisect_right(self._starts, position) - 1)]

    def shown_index(self, position: int) -> int:
        """Where ``text[position]`` starts in ``shown`` (``len(shown)`` at the end)."""
        if position >= len(self.text):
            return len(self.shown)
        run = self._run_at(position)
        return run.shown_start + (0 if run.escaped else position - run.start)

    def cell(self, position: int) -> int:
        """The cell offset where ``text[position]`` is drawn (the total width at the end)."""
        if position >= len(self.text):
            return self.cell_length
        run = self._run_at(position)
        if run.escaped:
            return run.cell
        return run.cell + cell_len(self.text[run.start : position])

    def position_at_cell(self, cell: int) -> int:
        """The position whose character covers ``cell`` (the end beyond the last one)."""
        if cell >= self.cell_length:
            return len(self.text)
        run = self.runs[max(0, bisect_right(self._cells, cell) - 1)]
        if run.escaped:
            return run.start
        used = run.cell
        for position in range(run.start, run.end):
            used += get_character_cell_size(self.text[position])
            if used > cell:
                return position
        return run.end
