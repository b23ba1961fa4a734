"""The "judge" view of a palette: WCAG contrast, CIEDE2000 distinctness, colour-vision simulation.

All numbers come from ``core.palette.analyse_palette``; this module only lays them out.
``analysis_text`` is pure (a ``PaletteReport`` in, a Rich ``Text`` out) so it is unit-tested.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from phtui.core.palette import ColorPair, PaletteReport, token_name
from phtui.widgets.themes.swatches import chip

__all__ = ["PaletteAnalysis", "analysis_summary", "analysis_text"]

_HEADING = Style(bold=True)
_WARN = Style(color="#ffb000", bold=True)
_GOOD = Style(color="#3fb950")
_DIM = Style(dim=True)
_MAX_PAIRS = 8  # beyond this a list of pairs stops being readable; the count is still given


def _pair_text(pair: ColorPair, colors: tuple[str | None, ...]) -> Text:
    text = Text()
    text.append_text(chip(colors[pair.i], 1))
    text.append(f"{pair.i + 1}↔")
    text.append_text(chip(colors[pair.j], 1))
    text.append(f"{pair.j + 1} ΔE {pair.distance:.1f}")
    return text


def _pairs_line(pairs: tuple[ColorPair, ...], colors: tuple[str | None, ...]) -> Text:
    if not pairs:
        return Text("none", style=_GOOD)
    line = Text()
    for number, pair in enumerate(pairs[:_MAX_PAIRS]):
        if number:
            line.append("  ")
        line.append_text(_pair_text(pair, colors))
    if len(pairs) > _MAX_PAIRS:
        line.append(f"  +{len(pairs) - _MAX_PAIRS} more", style=_DIM)
    return line


def analysis_summary(report: PaletteReport) -> Text:
    """One line: how many colours fail each check (for the editor's status line)."""
    low_dark = sum(c.low_on_dark for c in report.contrast)
    low_light = sum(c.low_on_light for c in report.contrast)
    confusable = "/".join(str(len(report.cvd[kind].confusable)) for kind in report.cvd)
    text = Text()
    text.append(
        f"contrast <{report.min_contrast:g}:1: {low_dark} dark, {low_light} light",
        _WARN if (low_dark or low_light) else _GOOD,
    )
    text.append(" · ")
    similar = len(report.similar)
    limit = f"ΔE<{report.distinct_threshold:g}"
    text.append(f"{limit} pairs: {similar}", _WARN if similar else _GOOD)
    text.append(f" · CVD confusable (p/d/t): {confusable}")
    if report.closest is not None:
        closest = report.closest
        text.append(f" · closest: {closest.i + 1}↔{closest.j + 1} ΔE {closest.distance:.1f}")
    return text


def analysis_text(report: PaletteReport) -> Text:
    """The full analysis as lines of text with colour chips."""
    out = Text()
    threshold = f"{report.min_contrast:g}:1"
    out.append(f"WCAG contrast on the chart background (⚠ below {threshold})\n", _HEADING)
    out.append(" " * 22 + f"{'dark':>6}    {'light':>6}\n", _DIM)
    for contrast in report.contrast:
        out.append_text(chip(contrast.color, 2))
        out.append(f" {token_name(contrast.index):<9} {contrast.color}  ")
        out.append(f"{contrast.on_dark:6.2f}", _WARN if contrast.low_on_dark else None)
        out.append(" ⚠  " if contrast.low_on_dark else "    ", _WARN)
        out.append(f"{contrast.on_light:6.2f}", _WARN if contrast.low_on_light else None)
        out.append(" ⚠" if contrast.low_on_light else "", _WARN)
        out.append("\n")
    for index in report.invalid:
        out.append(f"░░ {token_name(index):<9} not a colour: left out of every check\n", _WARN)

    limit = f"ΔE {report.distinct_threshold:g}"
    out.append(f"\nDistinctness (CIEDE2000; under {limit} is hard to tell apart)\n", _HEADING)
    out.append("Closest pair: ")
    if report.closest is None:
        out.append("fewer than two colours\n", _DIM)
    else:
        close = report.closest.distance < report.distinct_threshold
        out.append_text(_pair_text(report.closest, report.colors))
        out.append("  too close\n" if close else "\n", _WARN if close else None)
    out.append(f"Under ΔE {report.distinct_threshold:g}: ")
    out.append_text(_pairs_line(report.similar, report.colors))
    out.append("\n")

    out.append(f"\nColour-vision deficiency (simulated; pairs under {limit})\n", _HEADING)
    out.append(f"{'As designed':<14}")
    for color in report.colors:
        out.append_text(chip(color, 3))
    out.append("\n")
    for kind, cvd in report.cvd.items():
        out.append(f"{kind.capitalize():<14}")
        for color in cvd.simulated:
            out.append_text(chip(color, 3))
        out.append("\n  hard to tell apart: ")
        out.append_text(_pairs_line(cvd.confusable, cvd.simulated))
        out.append("\n")
    out.append(f"Backgrounds: dark {report.dark_bg}, light {report.light_bg}", _DIM)
    out.rstrip()
    return out


class PaletteAnalysis(VerticalScroll):
    """Scrollable analysis of the selected palette (``show(report)``; None clears it).

    Lines keep their layout (chips and columns) and scroll sideways when the pane is narrower
    (80 columns), rather than being cut."""

    DEFAULT_CSS = """
    PaletteAnalysis { height: 1fr; overflow-x: auto; }
    PaletteAnalysis > Static { width: auto; min-width: 100%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text("")

    def compose(self) -> ComposeResult:
        yield Static(self._text, id="analysis-body", markup=False)

    def show(self, report: PaletteReport | None) -> None:
        """Lay out `report`; works before the widget is mounted (it is mounted on demand)."""
        self._text = (
            Text("No palette selected.", style=_DIM) if report is None else analysis_text(report)
        )
        for body in self.query("#analysis-body").results(Static):
            body.update(self._text)
