"""Chart layout (pure grids) and the widgets that colour it: bar, line, swatches, analysis."""

from __future__ import annotations

from rich.style import Style
from textual.app import App, ComposeResult

from phtui.core.palette import DARK_CHART_BG, LIGHT_CHART_BG, analyse_palette, best_text_color
from phtui.widgets.themes.palette_analysis import analysis_summary, analysis_text
from phtui.widgets.themes.palette_chart import (
    MAX_SERIES,
    PaletteChart,
    bar_grid,
    chart_caption,
    demo_value,
    line_grid,
)
from phtui.widgets.themes.swatches import SwatchGrid

PALETTE = ("#1d4aff", "#621da6", "#42827e")
BLOCKS = set(" ▁▂▃▄▅▆▇█")


def column_height_in_eighths(grid_chars: tuple[str, ...], x: int) -> int:
    eighths = 0
    for row in grid_chars:
        char = row[x]
        eighths += " ▁▂▃▄▅▆▇█".index(char)
    return eighths


def test_demo_values_stay_in_range() -> None:
    values = [demo_value(s, p) for s in range(MAX_SERIES) for p in range(12)]
    assert min(values) >= 0.08 and max(values) <= 0.95


def test_bar_grid_shape_and_heights() -> None:
    grid = bar_grid(3, 60, 10)
    assert grid.width == 60 and grid.height == 10
    assert set("".join(grid.chars)) <= BLOCKS
    assert grid.shown_series == 3
    # Each bar's height (in eighths of a cell) is its value, rounded.
    first_columns: dict[int, int] = {}
    for x in range(60):
        owners = {grid.owners[y][x] for y in range(10)} - {None}
        assert len(owners) <= 1
        if owners:
            first_columns.setdefault(owners.pop(), x)
    assert set(first_columns) == {0, 1, 2}
    for series, x in first_columns.items():
        expected = round(demo_value(series, 0) * 10 * 8)
        assert column_height_in_eighths(grid.chars, x) == expected


def test_bar_grid_uses_thin_bars_when_many_series() -> None:
    wide = bar_grid(4, 60, 6)
    thin = bar_grid(30, 60, 6)
    wide_columns = sum(1 for x in range(60) if wide.owners[5][x] == 0)
    thin_columns = sum(1 for x in range(60) if thin.owners[5][x] == 0)
    assert wide_columns > thin_columns >= 1


def test_bar_grid_clips_series_to_width() -> None:
    grid = bar_grid(40, 20, 4)
    assert grid.shown_series == 20


def test_empty_grids() -> None:
    assert bar_grid(0, 10, 4).shown_series == 0
    assert line_grid(3, 0, 0).height == 0


def test_line_grid_is_braille_and_every_series_is_drawn() -> None:
    grid = line_grid(4, 40, 8)
    cells = "".join(grid.chars).replace(" ", "")
    assert cells and all(0x2800 < ord(char) <= 0x28FF for char in cells)
    owners = {owner for row in grid.owners for owner in row} - {None}
    assert owners == {0, 1, 2, 3}


def test_line_grid_lines_are_continuous() -> None:
    grid = line_grid(1, 30, 6)
    for x in range(30):  # one series spans the whole width with no gap
        assert any(grid.chars[y][x] != " " for y in range(6)), x


def style_of_char(strip_segments: list[tuple[str, Style | None]], char: str) -> Style | None:
    for text, style in strip_segments:
        if char in text:
            return style
    return None


class Host(App[None]):
    def __init__(self, *widgets: object) -> None:
        super().__init__()
        self._widgets = widgets

    def compose(self) -> ComposeResult:
        yield from self._widgets  # type: ignore[misc]


async def test_series_wrap_around_like_posthog() -> None:
    chart = PaletteChart(PALETTE)
    async with Host(chart).run_test(size=(60, 12)):
        assert [chart.series_colour(i) for i in range(7)] == [*PALETTE, *PALETTE, PALETTE[0]]
        chart.series_count = 5
        assert chart_caption(chart) == "Bar chart · 5 series · dark · series 4+ reuse preset-1…"
        chart.series_count = 1000
        assert chart.series_count == MAX_SERIES
        chart.series_count = 0
        assert chart.series_count == 1


async def test_chart_paints_series_colours_on_the_chosen_background() -> None:
    chart = PaletteChart(PALETTE)
    async with Host(chart).run_test(size=(60, 12)) as pilot:
        chart.series_count = 3
        await pilot.pause()
        bottom = chart.render_line(chart.size.height - 2)
        colours = {seg.style.color.name for seg in bottom if seg.text.strip() and seg.style}
        assert colours == {c.lstrip() for c in PALETTE}
        assert all(seg.style.bgcolor.name == DARK_CHART_BG for seg in bottom if seg.style)
        legend = "".join(seg.text for seg in chart.render_line(chart.size.height - 1))
        assert legend.startswith("■1 ■2 ■3")
        chart.dark = False
        chart.kind = "line"
        await pilot.pause()
        row = chart.render_line(3)
        assert all(seg.style.bgcolor.name == LIGHT_CHART_BG for seg in row if seg.style)
        assert chart_caption(chart) == "Line chart · 3 series · light"


async def test_invalid_entry_draws_grey_and_empty_palette_says_so() -> None:
    chart = PaletteChart(("#1d4aff", None))
    async with Host(chart).run_test(size=(40, 8)) as pilot:
        assert chart.series_colour(1) == "#808080"
        chart.palette = ()
        await pilot.pause()
        assert "No colours in this palette" in "".join(s.text for s in chart.render_line(0))


async def test_swatches_show_token_and_hex_in_the_wcag_text_colour() -> None:
    colours = ("#1d4aff", "#e4a604", "oops\x1b[31m")
    grid = SwatchGrid(colours)
    async with Host(grid).run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        assert grid.size.height == 3  # one row of three tall swatches
        lines = ["".join(s.text for s in grid.render_line(y)) for y in range(3)]
        assert "preset-1" in lines[1] and "#1d4aff" in lines[2]
        assert "oops\\x1b[31m" in lines[2]  # control characters are shown escaped
        for segment in grid.render_line(2):
            if "#1d4aff" in segment.text:
                assert segment.style.color.name == best_text_color("#1d4aff") == "#ffffff"
            if "#e4a604" in segment.text:
                assert segment.style.color.name == best_text_color("#e4a604") == "#000000"
        grid.tall = False
        await pilot.pause()
        assert grid.size.height == 2


def test_analysis_text_flags_low_contrast_and_close_pairs() -> None:
    report = analyse_palette(["#1d4aff", "#1d4afe", "#ffffff", "nope"])
    text = analysis_text(report).plain
    assert "WCAG contrast on the chart background (⚠ below 3:1)" in text
    assert "preset-1  #1d4aff    2.72 ⚠    6.04\n" in text  # 2.72:1 on the dark background
    assert "Closest pair:  1↔ 2 ΔE 0.1  too close" in text  # chips are coloured spaces
    assert "preset-4  not a colour" in text
    for kind in ("Protanopia", "Deuteranopia", "Tritanopia"):
        assert kind in text
    assert analysis_summary(report).plain == (
        "contrast <3:1: 2 dark, 1 light · ΔE<10 pairs: 1 · CVD confusable (p/d/t): 1/1/1"
        " · closest: 1↔2 ΔE 0.1"
    )
