"""A palette applied to a chart the way PostHog insights apply it: series N takes ``preset-N``.

Two kinds, drawn on a character grid: a grouped bar chart with eighth-block tops
(``▁▂▃▄▅▆▇█``) and a line chart on a braille canvas (2x4 dots per cell). The grid layout is pure
(``bar_grid``, ``line_grid``) and unit-tested; the widget only maps series to colours, so a hex
edit re-colours without re-laying out.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rich.segment import Segment
from rich.style import Style
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from phtui.core.palette import DARK_CHART_BG, LIGHT_CHART_BG, series_color

__all__ = [
    "MAX_SERIES",
    "ChartGrid",
    "ChartKind",
    "PaletteChart",
    "bar_grid",
    "chart_caption",
    "demo_value",
    "line_grid",
]

ChartKind = Literal["bar", "line"]
MAX_SERIES = 40
_EIGHTHS = " ▁▂▃▄▅▆▇█"
_BAR_GROUPS = 6
_LINE_POINTS = 12
# Braille dot bit for (x, y) inside a 2x4 cell (Unicode's dot numbering 1-8).
_BRAILLE_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
_MISSING_COLOR = "#808080"  # a series whose colour is not valid yet (mid-edit)


def demo_value(series: int, point: int) -> float:
    """A fixed, varied value in [0.08, 0.95] so every series is visible and tests are stable."""
    wave = math.sin(point * 0.75 + series * 1.9) * 0.5 + math.sin(point * 0.31 + series * 0.7) * 0.3
    return 0.08 + 0.87 * (wave + 0.8) / 1.6


@dataclass(frozen=True)
class ChartGrid:
    """Characters and, per cell, the series that owns it (None: background)."""

    chars: tuple[str, ...]  # one string per row, each exactly ``width`` long
    owners: tuple[tuple[int | None, ...], ...]
    shown_series: int  # how many series fit on screen

    @property
    def width(self) -> int:
        return len(self.chars[0]) if self.chars else 0

    @property
    def height(self) -> int:
        return len(self.chars)


def _empty(width: int, height: int) -> tuple[list[list[str]], list[list[int | None]]]:
    return [[" "] * width for _ in range(height)], [[None] * width for _ in range(height)]


def _freeze(chars: list[list[str]], owners: list[list[int | None]], shown: int) -> ChartGrid:
    return ChartGrid(
        tuple("".join(row) for row in chars), tuple(tuple(row) for row in owners), shown
    )


@lru_cache(maxsize=64)
def bar_grid(series_count: int, width: int, height: int) -> ChartGrid:
    """Groups of bars, one bar per series, bars two cells wide when there is room."""
    chars, owners = _empty(width, height)
    if width <= 0 or height <= 0 or series_count <= 0:
        return _freeze(chars, owners, 0)
    bar_width, gap = 2, 2
    if (series_count * bar_width + gap) * 2 > width + gap:
        bar_width, gap = 1, 1
    shown = min(series_count, width)
    group_width = shown * bar_width
    groups = max(1, min(_BAR_GROUPS, (width + gap) // (group_width + gap)))
    used = groups * group_width + (groups - 1) * gap
    left = (width - used) // 2
    for group in range(groups):
        origin = left + group * (group_width + gap)
        for series in range(shown):
            eighths = max(1, round(demo_value(series, group) * height * 8))
            full, part = divmod(eighths, 8)
            for dx in range(bar_width):
                x = origin + series * bar_width + dx
                for level in range(full):
                    chars[height - 1 - level][x] = "█"
                    owners[height - 1 - level][x] = series
                if part and full < height:
                    chars[height - 1 - full][x] = _EIGHTHS[part]
                    owners[height - 1 - full][x] = series
    return _freeze(chars, owners, shown)


def _line_pixels(x0: int, y0: int, x1: int, y1: int) -> list[tuple[int, int]]:
    """Bresenham's line between two dots, both ends included."""
    pixels = []
    dx, dy = abs(x1 - x0), -abs(y1 - y0)
    step_x, step_y = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
    error = dx + dy
    while True:
        pixels.append((x0, y0))
        if x0 == x1 and y0 == y1:
            return pixels
        doubled = 2 * error
        if doubled >= dy:
            error += dy
            x0 += step_x
        if doubled <= dx:
            error += dx
            y0 += step_y


@lru_cache(maxsize=64)
def line_grid(series_count: int, width: int, height: int) -> ChartGrid:
    """One braille polyline per series; where lines cross, the later series owns the cell."""
    chars, owners = _empty(width, height)
    if width <= 0 or height <= 0 or series_count <= 0:
        return _freeze(chars, owners, 0)
    dots_x, dots_y = width * 2, height * 4
    points = max(2, min(_LINE_POINTS, dots_x // 4))
    bits = [[0] * width for _ in range(height)]
    for series in range(series_count):
        xy = [
            (
                round(point * (dots_x - 1) / (points - 1)),
                round((1 - demo_value(series, point)) * (dots_y - 1)),
            )
            for point in range(points)
        ]
        for (x0, y0), (x1, y1) in itertools.pairwise(xy):
            for x, y in _line_pixels(x0, y0, x1, y1):
                column, row = x // 2, y // 4
                bits[row][column] |= _BRAILLE_BITS[y % 4][x % 2]
                owners[row][column] = series
    for row in range(height):
        for column in range(width):
            if bits[row][column]:
                chars[row][column] = chr(0x2800 + bits[row][column])
    return _freeze(chars, owners, series_count)


class PaletteChart(Widget):
    """Preview of a palette on a bar or line chart, on PostHog's dark or light chart surface.

    ``palette`` may hold None for an entry that is not a colour yet (mid-edit): its series are
    drawn grey. The bottom row is a legend of series numbers in their colours.
    """

    DEFAULT_CSS = """
    PaletteChart { height: 1fr; min-height: 4; }
    """

    kind: reactive[ChartKind] = reactive("bar")
    series_count: reactive[int] = reactive(8)
    dark: reactive[bool] = reactive(True)
    palette: reactive[tuple[str | None, ...]] = reactive(tuple)

    def __init__(
        self,
        colors: Sequence[str | None] = (),
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.set_reactive(PaletteChart.palette, tuple(colors))
        self._strips: list[Strip] | None = None

    @property
    def background(self) -> str:
        return DARK_CHART_BG if self.dark else LIGHT_CHART_BG

    def series_colour(self, series: int) -> str:
        """PostHog's rule: series N (0-based) takes ``preset-(N mod n + 1)``."""
        if not self.palette:
            return _MISSING_COLOR
        return series_color([c or _MISSING_COLOR for c in self.palette], series)

    def validate_series_count(self, value: int) -> int:
        return max(1, min(MAX_SERIES, value))

    def watch_kind(self) -> None:
        self._invalidate()

    def watch_series_count(self) -> None:
        self._invalidate()

    def watch_dark(self) -> None:
        self._invalidate()

    def watch_palette(self) -> None:
        self._invalidate()

    def on_resize(self) -> None:
        self._invalidate()

    def _invalidate(self) -> None:
        self._strips = None
        self.refresh()

    def render_line(self, y: int) -> Strip:
        if self._strips is None or len(self._strips) != self.size.height:
            self._strips = self._build(self.size.width, self.size.height)
        return self._strips[y] if y < len(self._strips) else Strip.blank(self.size.width)

    def _build(self, width: int, height: int) -> list[Strip]:
        background = Style(bgcolor=self.background)
        if not self.palette:
            message = " No colours in this palette"[:width].ljust(width)
            blank = Strip([Segment(" " * width, background)], width)
            return [Strip([Segment(message, background)], width)] + [blank] * (height - 1)
        plot_height = max(1, height - 1)
        builder = bar_grid if self.kind == "bar" else line_grid
        grid = builder(self.series_count, width, plot_height)
        resolved = [c or _MISSING_COLOR for c in self.palette]
        styles = [
            Style(color=series_color(resolved, s), bgcolor=self.background)
            for s in range(grid.shown_series)
        ]
        strips = [self._row_strip(grid, row, styles, background) for row in range(grid.height)]
        if height > 1:
            strips.append(self._legend(width, grid.shown_series, styles, background))
        return strips

    @staticmethod
    def _row_strip(grid: ChartGrid, row: int, styles: list[Style], background: Style) -> Strip:
        # Merge runs of cells with the same owner into one segment: far fewer segments to render.
        segments = []
        text, owners = grid.chars[row], grid.owners[row]
        start = 0
        for column in range(1, len(text) + 1):
            if column == len(text) or owners[column] != owners[start]:
                owner = owners[start]
                style = background if owner is None else styles[owner]
                segments.append(Segment(text[start:column], style))
                start = column
        return Strip(segments, len(text))

    def _legend(self, width: int, shown: int, styles: list[Style], background: Style) -> Strip:
        segments = []
        used = 0
        for series in range(shown):
            label = f"■{series + 1} "
            if used + len(label) > width - 4 and series < shown - 1:
                more = f"+{shown - series}"
                segments.append(Segment(more, background))
                used += len(more)
                break
            segments.append(Segment(label, styles[series]))
            used += len(label)
        segments.append(Segment(" " * max(0, width - used), background))
        return Strip(segments, width).crop(0, width)


def chart_caption(chart: PaletteChart) -> str:
    """What the chart shows, including where series start reusing colours (PostHog wraps)."""
    count = len(chart.palette)
    background = "dark" if chart.dark else "light"
    caption = f"{chart.kind.capitalize()} chart · {chart.series_count} series · {background}"
    if count and chart.series_count > count:
        caption += f" · series {count + 1}+ reuse preset-1…"
    return caption
