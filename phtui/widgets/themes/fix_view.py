"""How the palette fixer shows a palette before and after a fix.

- ``change_row``: one colour as a list row: position, old swatch and hex, and either the
  proposed swatch, hex and distance moved (ΔEOK), "locked" or "kept";
- ``BeforeAfterStrip``: the palette in series order, the current colours over the proposed ones,
  wrapped into blocks as wide as the widget, so neighbours sit next to each other as in a chart;
- ``failures_text``: what fails, a line per pair (its conditions together, neighbour and
  wrap-around pairs marked) and a line per colour below the contrast minimum.

The text functions are pure (tested without a terminal); widgets only lay them out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from phtui.core.palette_check import CheckResult, ContrastFailure, PairFailure
from phtui.core.palette_fix import ColorChange
from phtui.core.text import visible
from phtui.widgets.themes.swatches import chip

__all__ = ["BeforeAfterStrip", "change_row", "failures_text", "strip_lines"]

_CHANGED = Style(bold=True, color="#58a6ff")
_LOCKED = Style(color="#e4a604")
_DIM = Style(dim=True)
_WARN = Style(color="#ffb000", bold=True)
_GOOD = Style(color="#3fb950")
_HEX_WIDTH = 7  # "#rrggbb"
_STRIP_LABEL = 7  # "before " / "after  "
_STRIP_CELL = 3  # a two-cell chip and a space


def change_row(
    index: int,
    entry: object,
    color: str | None,
    change: ColorChange | None,
    *,
    locked: bool,
    known: bool = True,
) -> Text:
    """One colour of the fixer's list (``color`` None: the entry is not a colour; ``known``
    False: no proposal yet, so nothing is said about the colour's fate)."""
    row = Text(no_wrap=True, overflow="ellipsis")
    row.append(f"{index + 1:>2} ")
    row.append_text(chip(color, 2))
    row.append(" ")
    if color is None:
        raw = entry if isinstance(entry, str) else repr(entry)
        row.append(visible(raw, keep_newlines=False)[:_HEX_WIDTH].ljust(_HEX_WIDTH), _WARN)
        row.append("  not a colour", _DIM)
        return row
    row.append(color)
    if locked:
        row.append("  locked", _LOCKED)
    elif change is not None:
        row.append(" → ")
        row.append_text(chip(change.new_hex, 2))
        row.append(f" {change.new_hex}", _CHANGED)
        row.append(f" {change.distance:.3f}", _DIM)
    elif known:
        row.append("  kept", _DIM)
    return row


def strip_lines(
    before: Sequence[str | None],
    after: Sequence[str | None],
    width: int,
    *,
    changed: frozenset[int] = frozenset(),
    locked: frozenset[int] = frozenset(),
) -> list[Text]:
    """Series numbers, then the ``before`` and ``after`` swatches, in blocks that fit ``width``."""
    per_block = max(1, (width - _STRIP_LABEL) // _STRIP_CELL)
    lines: list[Text] = []
    for start in range(0, len(before), per_block):
        indices = range(start, min(len(before), start + per_block))
        numbers = Text(" " * _STRIP_LABEL, no_wrap=True)
        for index in indices:
            style = _LOCKED if index in locked else _CHANGED if index in changed else _DIM
            numbers.append(f"{index + 1:>2}", style)
            numbers.append(" ")
        if lines:
            lines.append(Text(""))
        lines.append(numbers)
        for label, colors in (("before", before), ("after", after)):
            line = Text(f"{label:<{_STRIP_LABEL}}", style=_DIM, no_wrap=True)
            for index in indices:
                line.append_text(chip(colors[index] if index < len(colors) else None, 2))
                line.append(" ")
            lines.append(line)
    return lines


class BeforeAfterStrip(Widget):
    """``strip_lines`` for the current palettes; its height follows its width."""

    DEFAULT_CSS = """
    BeforeAfterStrip { height: auto; }
    """

    palettes: reactive[tuple[tuple[str | None, ...], tuple[str | None, ...]]] = reactive(
        ((), ()), layout=True
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._changed: frozenset[int] = frozenset()
        self._locked: frozenset[int] = frozenset()

    def show(
        self,
        before: Sequence[str | None],
        after: Sequence[str | None],
        *,
        changed: frozenset[int],
        locked: frozenset[int],
    ) -> None:
        self._changed, self._locked = changed, locked
        self.palettes = (tuple(before), tuple(after))
        self.refresh(layout=True)

    def _lines(self, width: int) -> list[Text]:
        before, after = self.palettes
        return strip_lines(before, after, width, changed=self._changed, locked=self._locked)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self._lines(width)))

    def render(self) -> Text:
        return Text("\n").join(self._lines(self.size.width))


def _pair_head(failure: PairFailure, colors: Sequence[str | None]) -> Text:
    head = Text()
    head.append_text(chip(colors[failure.i], 1))
    head.append(f"{failure.i + 1}↔")
    head.append_text(chip(colors[failure.j], 1))
    head.append(f"{failure.j + 1}")
    if failure.adjacency != "distant":
        head.append(f" {failure.adjacency}", _WARN)
    return head


def _contrast_line(failures: list[ContrastFailure], colors: Sequence[str | None]) -> Text:
    first = failures[0]
    line = Text()
    line.append_text(chip(colors[first.index], 1))
    line.append(f"{first.index + 1} {first.color}: ")
    line.append(
        ", ".join(f"{_floor(f.ratio, 2)}:1 on {f.mode} {f.background}" for f in failures),
        _WARN,
    )
    return line


def _floor(value: float, digits: int) -> str:
    """Rounded down: a failing value must not print as the threshold ("9.96" is not "10.0")."""
    return f"{math.floor(value * 10**digits) / 10**digits:.{digits}f}"


def failures_text(result: CheckResult, *, heading: str) -> Text:
    """``heading (N)``, then a line per failing pair and per colour with too little contrast."""
    text = Text()
    text.append(heading, Style(bold=True))
    if result.passed:
        text.append(": every checked pair and contrast passes", _GOOD)
        return text
    text.append(f" ({result.failure_count})")
    pairs: dict[tuple[int, int], list[PairFailure]] = {}
    for pair in result.pair_failures:  # most severe first: so are the groups
        pairs.setdefault((pair.i, pair.j), []).append(pair)
    for group in pairs.values():
        text.append("\n")
        text.append_text(_pair_head(group[0], result.colors))
        text.append(": ")
        text.append(", ".join(f"{f.condition} {_floor(f.distance, 1)}" for f in group))
    contrasts: dict[int, list[ContrastFailure]] = {}
    for low in result.contrast_failures:
        contrasts.setdefault(low.index, []).append(low)
    for group_ in contrasts.values():
        text.append("\n")
        text.append_text(_contrast_line(group_, result.colors))
    return text
