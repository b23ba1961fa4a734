"""Check a palette the way PostHog charts use it: series pairs, colour vision, both backgrounds.

PostHog gives series ``i`` the colour ``i mod n``, so neighbouring positions are adjacent series
(bars, stacked areas, legend rows) and the last and first positions meet once a chart has more
series than colours. Every pair is checked, under normal vision and simulated dichromacy, and
failures are weighted by how often the two colours end up side by side.

The metric is the one ``palette.analyse_palette`` reports: CIEDE2000 between the colours (or
between their ``color_math.simulate_dichromat`` simulations, rounded to displayable ``#rrggbb``:
Viénot 1999 for protanopia and deuteranopia, Brettel 1997 for tritanopia, full severity), and
WCAG 2.x contrast against PostHog's chart backgrounds. CIEDE2000 rather than ΔEOK because it is
the CIE's colour-difference formula, the one chroma.js's palette helper and Colorgorical
(Gramazio, Laidlaw & Schloss 2017) score palettes with, and what the Themes screen already
shows; the fixer pays for it with caching, and uses OKLCH only to choose its moves.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, get_args

from phtui.core.color_math import CVD_KINDS, simulate_dichromat
from phtui.core.palette import (
    DARK_CHART_BG,
    LIGHT_CHART_BG,
    contrast_ratio,
    delta_e_2000_hex,
    parse_color,
    relative_luminance,
    valid_entries,
)

__all__ = [
    "ADJACENCY_WEIGHTS",
    "CONTRAST_WEIGHT",
    "NORMAL",
    "NORMAL_VISION_FACTOR",
    "Adjacency",
    "CheckResult",
    "ContrastFailure",
    "Mode",
    "PairFailure",
    "PaletteCheck",
    "PaletteScorer",
    "adjacency",
    "check_palette",
]

NORMAL = "normal"  # the condition name for normal colour vision, beside the CVD kinds

Adjacency = Literal["neighbour", "wrap-around", "distant"]
Mode = Literal["light", "dark"]
PairScope = Literal["all", "adjacent"]

# How much a failing pair counts, by where PostHog puts the two colours: neighbours are adjacent
# series in every chart with two or more series; the last and first colours meet only in charts
# with more series than colours; other pairs meet in legends and tooltips.
ADJACENCY_WEIGHTS: Mapping[Adjacency, float] = MappingProxyType(
    {"neighbour": 3.0, "wrap-around": 2.0, "distant": 1.0}
)
# A clash under normal vision is seen by every viewer, a CVD clash by a few percent of them.
NORMAL_VISION_FACTOR = 2.0
# A series below 3:1 on the chart background is hard for anyone to see: as bad as a neighbour
# clash under normal vision (3 x 2).
CONTRAST_WEIGHT = 6.0
# How much more than a colour's own move a pair distance is assumed able to shrink by.
_METRIC_SLACK = 1.5


@dataclass(frozen=True)
class PaletteCheck:
    """What "distinct enough" and "visible enough" mean for a palette.

    Defaults, and where they come from:

    - ``min_distance = 10`` (CIEDE2000, normal vision) and ``min_cvd_distance = 10`` (between
      the dichromat simulations): the Themes screen's ``analyse_palette`` threshold. Gregor
      Aisch's palette helper (chroma.js, vis4.net/palettes) calls CIEDE2000 below 9 not
      perceivably different in its colour-blindness check, and Stone, Szafir & Setlur (2014,
      "An Engineering Model for Color Difference as a Function of Size") show that thin lines
      and small marks need more difference than the 2-degree patches CIEDE2000 was fitted on,
      so 10, a little above 9, for chart lines. CIEDE2000 of about 1 is just noticeable.
    - ``min_contrast = 3.0``: WCAG 2.1 success criterion 1.4.11 (non-text contrast) for
      graphical objects, against the chart background of each checked mode.
    - every CVD kind (protanopia, deuteranopia, tritanopia, full severity) and both modes.

    ``pairs="adjacent"`` checks only neighbours and the wrap-around pair; ``"all"`` (the default)
    checks every pair, weighting neighbours most. Backgrounds are normalised on creation;
    invalid values raise ``ValueError`` (``ColorParseError`` for a bad background).
    """

    min_distance: float = 10.0
    min_cvd_distance: float = 10.0
    min_contrast: float = 3.0
    cvd_kinds: tuple[str, ...] = CVD_KINDS
    modes: tuple[Mode, ...] = ("light", "dark")
    light_bg: str = LIGHT_CHART_BG
    dark_bg: str = DARK_CHART_BG
    pairs: PairScope = "all"

    def __post_init__(self) -> None:
        if not (self.min_distance >= 0 and self.min_cvd_distance >= 0):
            raise ValueError("distance thresholds must be 0 or more")
        if not 1.0 <= self.min_contrast <= 21.0:
            raise ValueError(f"min_contrast must be between 1 and 21, not {self.min_contrast}")
        unknown = [kind for kind in self.cvd_kinds if kind not in CVD_KINDS]
        if unknown:
            raise ValueError(f"unknown colour-vision deficiency {unknown[0]!r}: use {CVD_KINDS}")
        if len(set(self.cvd_kinds)) != len(self.cvd_kinds):
            raise ValueError("cvd_kinds lists a kind twice")
        unknown_modes = [mode for mode in self.modes if mode not in get_args(Mode)]
        if unknown_modes or len(set(self.modes)) != len(self.modes):
            raise ValueError(f"modes must be distinct values of {get_args(Mode)}")
        if self.pairs not in get_args(PairScope):
            raise ValueError(f"pairs must be one of {get_args(PairScope)}")
        object.__setattr__(self, "light_bg", parse_color(self.light_bg))
        object.__setattr__(self, "dark_bg", parse_color(self.dark_bg))

    @property
    def conditions(self) -> tuple[str, ...]:
        """``"normal"`` then the checked CVD kinds, in the order given."""
        return (NORMAL, *self.cvd_kinds)

    def threshold(self, condition: str) -> float:
        """The minimum CIEDE2000 between two colours as seen under ``condition``."""
        return self.min_distance if condition == NORMAL else self.min_cvd_distance

    def background(self, mode: Mode) -> str:
        return self.light_bg if mode == "light" else self.dark_bg

    def passing_luminances(self) -> tuple[tuple[float, float], ...]:
        """The WCAG relative luminances (as closed intervals) with ``min_contrast`` against every
        checked background; empty when none has. For 3:1 on #ffffff and #1d1f27, about 0.14 to
        0.30: every series colour must be a mid-tone to show in both modes."""
        allowed = [(0.0, 1.0)]
        for mode in self.modes:
            background = relative_luminance(self.background(mode))
            darker = (background + 0.05) / self.min_contrast - 0.05  # at or below: dark enough
            lighter = self.min_contrast * (background + 0.05) - 0.05  # at or above: light enough
            sides = [(0.0, darker)] if darker >= 0 else []
            if lighter <= 1:
                sides.append((lighter, 1.0))
            allowed = [
                (max(low, side_low), min(high, side_high))
                for low, high in allowed
                for side_low, side_high in sides
                if max(low, side_low) <= min(high, side_high)
            ]
        return tuple(allowed)

    def target_luminance(self, current: float) -> float:
        """The relative luminance nearest ``current`` that passes contrast on every checked
        background or, when none does, the one with the least contrast severity (to 0.001)."""
        allowed = self.passing_luminances()
        if allowed:
            return min(
                (min(max(current, low), high) for low, high in allowed),
                key=lambda luminance: (abs(luminance - current), luminance),
            )
        backgrounds = [relative_luminance(self.background(mode)) for mode in self.modes]

        def severity(luminance: float) -> float:
            total = 0.0
            for background in backgrounds:
                ratio = (max(luminance, background) + 0.05) / (min(luminance, background) + 0.05)
                if ratio < self.min_contrast:
                    total += _contrast_severity(ratio, self.min_contrast)
            return total

        grid = (step / 1000 for step in range(1001))
        return min(grid, key=lambda luminance: (severity(luminance), abs(luminance - current)))


def _contrast_severity(ratio: float, minimum: float) -> float:
    return CONTRAST_WEIGHT * (1 + (minimum - ratio) / (minimum - 1))


@dataclass(frozen=True)
class PairFailure:
    """Positions ``i < j`` (0-based) are closer than ``threshold`` under ``condition``."""

    i: int
    j: int
    condition: str  # "normal" or a CVD kind
    distance: float  # CIEDE2000 between the two colours as seen under ``condition``
    threshold: float
    adjacency: Adjacency

    @property
    def weight(self) -> float:
        factor = NORMAL_VISION_FACTOR if self.condition == NORMAL else 1.0
        return ADJACENCY_WEIGHTS[self.adjacency] * factor

    @property
    def severity(self) -> float:
        """``weight`` x (1 + shortfall), the shortfall as a fraction of the threshold (0-1]."""
        return self.weight * (2 - self.distance / self.threshold)


@dataclass(frozen=True)
class ContrastFailure:
    """Position ``index`` has less than ``minimum`` WCAG contrast on the ``mode`` background."""

    index: int
    color: str
    mode: Mode
    background: str
    ratio: float
    minimum: float

    @property
    def weight(self) -> float:
        return CONTRAST_WEIGHT

    @property
    def severity(self) -> float:
        """``weight`` x (1 + shortfall), the shortfall a fraction of ``minimum - 1`` (0-1]."""
        return _contrast_severity(self.ratio, self.minimum)


@dataclass(frozen=True)
class CheckResult:
    """Everything that fails ``check`` in a palette, most severe first.

    ``colors`` is aligned with the input: normalised hex, or ``None`` for an entry that is not a
    colour (listed in ``invalid`` and skipped). ``score`` sums the failures' severities: 0 when
    the palette passes, lower is better; each failure adds at least its weight, so fixing one
    outweighs making others a little worse.
    """

    check: PaletteCheck
    colors: tuple[str | None, ...]
    pair_failures: tuple[PairFailure, ...]
    contrast_failures: tuple[ContrastFailure, ...]
    score: float = field(init=False)

    def __post_init__(self) -> None:
        severities = [f.severity for f in self.pair_failures]
        severities += [f.severity for f in self.contrast_failures]
        object.__setattr__(self, "score", math.fsum(severities))  # exact: order-independent

    @property
    def passed(self) -> bool:
        return not self.pair_failures and not self.contrast_failures

    @property
    def invalid(self) -> tuple[int, ...]:
        return tuple(index for index, color in enumerate(self.colors) if color is None)

    @property
    def failure_count(self) -> int:
        return len(self.pair_failures) + len(self.contrast_failures)

    def describe(self) -> list[str]:
        """One line per failure, positions 1-based as the Themes screen shows them."""
        lines = [
            f"{f.i + 1}↔{f.j + 1} ({f.adjacency}) {f.condition}: "
            f"ΔE {_under(f.distance, f.threshold, 1)} < {f.threshold:g}"
            for f in self.pair_failures
        ]
        lines += [
            f"{f.index + 1} on {f.mode} {f.background}: "
            f"{_under(f.ratio, f.minimum, 2)}:1 < {f.minimum:g}:1"
            for f in self.contrast_failures
        ]
        return lines


def _under(value: float, limit: float, digits: int) -> str:
    """``value`` (below ``limit``) to ``digits`` decimals, rounded down where rounding to nearest
    would show the limit itself ("9.98 < 10" must not read "10.0 < 10")."""
    if round(value, digits) < limit:
        return f"{value:.{digits}f}"
    return f"{math.floor(value * 10**digits) / 10**digits:.{digits}f}"


def adjacency(i: int, j: int, length: int) -> Adjacency:
    """Where positions ``i < j`` of a ``length``-colour palette meet in PostHog's charts."""
    if j - i == 1:
        return "neighbour"
    if i == 0 and j == length - 1:
        return "wrap-around"
    return "distant"


def _identity(color: str) -> str:
    return color


def _simulator(kind: str) -> Callable[[str], str]:
    def view(color: str) -> str:
        return simulate_dichromat(color, kind)

    return view


class PaletteScorer:
    """A palette's failures under a check, kept up to date as single colours change.

    The engine behind ``check_palette``, the fixer and the generator. It keeps every checked
    pair's distances, so moving one colour re-judges only the pairs it is in; distances come
    from ``delta_e_2000_hex``, cached by the two displayed hexes.
    """

    def __init__(self, colors: Sequence[object], check: PaletteCheck) -> None:
        self.check = check
        self.length = len(colors)
        entries = valid_entries(colors)
        self.positions: tuple[int, ...] = tuple(index for index, _ in entries)
        self.current: dict[int, str] = dict(entries)
        self.conditions = check.conditions
        self._views = [
            _identity if condition == NORMAL else _simulator(condition)
            for condition in self.conditions
        ]
        self._thresholds = tuple(check.threshold(condition) for condition in self.conditions)
        self._factors = tuple(NORMAL_VISION_FACTOR if c == NORMAL else 1.0 for c in self.conditions)
        self._backgrounds = tuple((mode, check.background(mode)) for mode in check.modes)
        # partner -> pair weight (before the condition factor), for each position.
        self._partners: dict[int, dict[int, float]] = {p: {} for p in self.positions}
        for a, p in enumerate(self.positions):
            for q in self.positions[a + 1 :]:
                kind = adjacency(p, q, self.length)
                if check.pairs == "adjacent" and kind == "distant":
                    continue
                self._partners[p][q] = self._partners[q][p] = ADJACENCY_WEIGHTS[kind]
        self._seen = {p: self.views(color) for p, color in self.current.items()}
        # partner -> distances under each condition, for each position (both ways round).
        self._rows: dict[int, dict[int, tuple[float, ...]]] = {p: {} for p in self.positions}
        for p in self.positions:
            for q in self._partners[p]:
                if q > p:
                    self._rows[p][q] = self._rows[q][p] = self._distances(
                        self._seen[p], self._seen[q]
                    )

    def _distances(self, mine: tuple[str, ...], theirs: tuple[str, ...]) -> tuple[float, ...]:
        return tuple(map(delta_e_2000_hex, mine, theirs))

    # --- judging one colour ----------------------------------------------------------------

    def views(self, color: str) -> tuple[str, ...]:
        """``color`` as seen under each condition, in ``conditions`` order."""
        return tuple(view(color) for view in self._views)

    def contrast_cost(self, color: str) -> float:
        """Summed severity of ``color``'s contrast failures (0 when it passes)."""
        minimum = self.check.min_contrast
        cost = 0.0
        for _, background in self._backgrounds:
            ratio = contrast_ratio(color, background)
            if ratio < minimum:
                cost += _contrast_severity(ratio, minimum)
        return cost

    def passes_contrast(self, color: str) -> bool:
        minimum = self.check.min_contrast
        return all(contrast_ratio(color, bg) >= minimum for _, bg in self._backgrounds)

    def pair_severity(self, mine: tuple[str, ...], theirs: tuple[str, ...]) -> tuple[float, float]:
        """Two colours (as ``views`` gives them): the summed severity of their clashes before
        the adjacency weight, and their least distance as a share of its threshold (of 10, the
        default, where the threshold is 0)."""
        severity, closest = 0.0, math.inf
        for distance, threshold, factor in zip(
            self._distances(mine, theirs), self._thresholds, self._factors, strict=True
        ):
            share = distance / (threshold or 10.0)
            closest = min(closest, share)
            if share < 1 and threshold > 0:
                severity += factor * (2 - share)
        return severity, closest

    def _pair_cost(self, position: int, distances: Callable[[int], Sequence[float]]) -> float:
        thresholds, factors = self._thresholds, self._factors
        total = 0.0
        for partner, weight in self._partners[position].items():
            for distance, threshold, factor in zip(
                distances(partner), thresholds, factors, strict=True
            ):
                if distance < threshold:
                    total += weight * factor * (2 - distance / threshold)
        return total

    def cost(self, position: int, color: str) -> float:
        """Severity of every failure ``position`` would be in if it were ``color``."""
        if color == self.current[position]:
            return self.contrast_cost(color) + self._pair_cost(
                position, self._rows[position].__getitem__
            )
        seen = self.views(color)
        return self.contrast_cost(color) + self._pair_cost(
            position, lambda partner: self._distances(seen, self._seen[partner])
        )

    def delta(self, position: int, color: str) -> float:
        """How much the score would change if ``position`` became ``color``."""
        return self.cost(position, color) - self.cost(position, self.current[position])

    def estimator(self, position: int) -> Callable[[str], float]:
        """A quick estimate of ``delta(position, color)`` for colours near the current one.

        Distances to partners far enough away are assumed to stay passing: a pair currently
        ``d`` apart cannot come closer than about ``d - m`` when one colour moves ``m`` (CIEDE2000
        is close to, not exactly, a metric, hence the slack). That skips most of the work for a
        search trying many small moves; the search confirms the move it takes with ``delta``.
        """
        mine = self._seen[position]
        thresholds, factors = self._thresholds, self._factors
        conditions = range(len(mine))
        rows = self._rows[position]
        # (weight, condition, the partner's view, current distance, threshold) of every pair.
        pairs = [
            (weight * factors[c], c, self._seen[partner][c], rows[partner][c], thresholds[c])
            for partner, weight in self._partners[position].items()
            for c in conditions
        ]
        now = self.cost(position, self.current[position])

        def estimate(color: str) -> float:
            seen = self.views(color)
            reach = [
                _METRIC_SLACK * delta_e_2000_hex(seen[c], mine[c]) + thresholds[c] + 0.5
                for c in conditions
            ]
            total = self.contrast_cost(color)
            for weight, c, theirs, distance, threshold in pairs:
                if distance >= reach[c]:
                    continue
                moved = delta_e_2000_hex(seen[c], theirs)
                if moved < threshold:
                    total += weight * (2 - moved / threshold)
            return total - now

        return estimate

    def set(self, position: int, color: str) -> None:
        """Make ``position`` ``color`` and re-judge the pairs it is in."""
        self.current[position] = color
        seen = self._seen[position] = self.views(color)
        rows = self._rows
        for partner in self._partners[position]:
            rows[position][partner] = rows[partner][position] = self._distances(
                seen, self._seen[partner]
            )

    # --- the whole palette -------------------------------------------------------------------

    def pair_failures(self, positions: Iterable[int] | None = None) -> list[PairFailure]:
        """Failing pairs (involving ``positions``, or all), most severe first."""
        wanted = None if positions is None else set(positions)
        failures = []
        for p in self.positions:
            for q, distances in self._rows[p].items():
                if q < p or (wanted is not None and p not in wanted and q not in wanted):
                    continue
                for c, distance in enumerate(distances):
                    threshold = self._thresholds[c]
                    if distance < threshold:
                        kind = adjacency(p, q, self.length)
                        condition = self.conditions[c]
                        failures.append(PairFailure(p, q, condition, distance, threshold, kind))
        order = {condition: c for c, condition in enumerate(self.conditions)}
        failures.sort(key=lambda f: (-f.severity, f.i, f.j, order[f.condition]))
        return failures

    def contrast_failures(self) -> list[ContrastFailure]:
        minimum = self.check.min_contrast
        failures = [
            ContrastFailure(p, self.current[p], mode, background, ratio, minimum)
            for p in self.positions
            for mode, background in self._backgrounds
            if (ratio := contrast_ratio(self.current[p], background)) < minimum
        ]
        order = {mode: m for m, mode in enumerate(self.check.modes)}
        failures.sort(key=lambda f: (-f.severity, f.index, order[f.mode]))
        return failures

    def result(self) -> CheckResult:
        colors = tuple(self.current.get(index) for index in range(self.length))
        return CheckResult(
            self.check, colors, tuple(self.pair_failures()), tuple(self.contrast_failures())
        )


def check_palette(colors: Sequence[object], check: PaletteCheck | None = None) -> CheckResult:
    """Every pair and contrast of ``colors`` that fails ``check`` (default ``PaletteCheck()``).

    Entries that are not colours (PostHog stores any JSON) are skipped; positions stay positions
    in ``colors``, so adjacency counts them.
    """
    return PaletteScorer(colors, check or PaletteCheck()).result()
