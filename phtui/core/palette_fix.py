"""Propose the smallest change that makes a palette pass a ``PaletteCheck``, or the best there is.

The search works in OKLCH and prefers moves that keep each colour's hue (the brand): lightness
first, then chroma, and a small hue turn only for a clash nothing else improves. It is greedy
and deterministic:

1. contrast: each colour below the minimum on a checked background moves to the nearest
   lightness (same hue and chroma, chroma reduced to fit sRGB) that passes on every background,
   even if that makes it clash for now: the answer must lie in that band;
2. pairs: the most severe remaining failure is tried first; the move (of either of its colours,
   among a few lightness, chroma and then hue steps) that lowers the palette's score most is
   taken, and the search starts over, until no failure can be improved;
3. pull back: each moved colour is brought as close to where it started as it can be without
   the score getting worse, which undoes overshoot from the fixed step sizes.

After the first stage, a step is taken only if the palette's score (``CheckResult.score``)
does not get worse; if the result still scores worse than the input, the search is run again
without forcing contrast, every step then improving. So a proposal is never worse than the
input, and a palette that passes comes back unchanged. Locked positions and entries that are
not colours never move.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from phtui.core.color_math import (
    delta_e_ok,
    hex_to_oklch,
    lightness_for_luminance,
    oklch_to_hex,
)
from phtui.core.palette import relative_luminance, valid_entries
from phtui.core.palette_check import CheckResult, PaletteCheck, PaletteScorer, check_palette

__all__ = ["ColorChange", "FixProposal", "propose_fix"]

# Candidate steps from a colour's current OKLCH position: (lightness, chroma, hue in degrees).
# Lightness moves come first because they separate colours for every kind of colour vision.
_KEEP_HUE_STEPS = (
    (0.03, 0.0, 0.0),
    (-0.03, 0.0, 0.0),
    (0.07, 0.0, 0.0),
    (-0.07, 0.0, 0.0),
    (0.0, 0.04, 0.0),
    (0.0, -0.04, 0.0),
)
_HUE_STEPS = ((0.0, 0.0, 8.0), (0.0, 0.0, -8.0), (0.0, 0.0, 16.0), (0.0, 0.0, -16.0))
_STEP_TIERS = (_KEEP_HUE_STEPS, _HUE_STEPS)  # a later tier is tried only if none before helps
# The furthest a hue may turn from where it started: beyond it, the brand colour is another.
MAX_HUE_SHIFT = 25.0
# Chroma steps never take a colour below this share of its starting chroma: a faded colour stops
# being the brand's (lightness moves may still lose chroma where sRGB has no room for it).
_CHROMA_KEPT = 0.6
# Below this chroma a colour reads as grey: its hue is noise, so chroma is never added to it.
_GREY_CHROMA = 0.02
# How far back towards its start each moved colour is tried, as fractions of its move.
_PULL_BACK = (0.0, 0.25, 0.5, 0.75)
# How many of the best-estimated candidates are confirmed exactly before giving up on a step.
_CONFIRMED = 3
# How many times the failure search starts afresh once every failure is stuck.
_SWEEPS = 3
# A change must lower the score by more than rounding noise to count as an improvement.
_EPSILON = 1e-9


@dataclass(frozen=True)
class ColorChange:
    """Position ``index`` changes from ``old_hex`` to ``new_hex``, ``distance`` apart (ΔEOK,
    Euclidean OKLab: about 0.02 is just noticeable)."""

    index: int
    old_hex: str
    new_hex: str
    distance: float


@dataclass(frozen=True)
class FixProposal:
    """A proposed palette and how it compares with the original.

    ``palette`` is the original with every change applied: entries that are not colours stay as
    they were, and so does the notation of every colour that does not change. ``after`` names
    what still fails (``after.describe()``); it is empty when the fix succeeded.
    """

    original: tuple[object, ...]
    palette: tuple[object, ...]
    changes: tuple[ColorChange, ...]
    before: CheckResult
    after: CheckResult
    locked: frozenset[int]

    @property
    def solved(self) -> bool:
        return self.after.passed

    def apply_all(self) -> list[object]:
        """The proposed palette (accept every change)."""
        return list(self.palette)

    def apply(self, indices: Iterable[int]) -> list[object]:
        """The original palette with only the changes at ``indices`` (others are rejected).

        Changes interact, so a subset may fix less than the whole: check the result again.
        """
        wanted = set(indices)
        unknown = wanted - {change.index for change in self.changes}
        if unknown:
            raise ValueError(f"no proposed change at position {min(unknown)}")
        colors = list(self.original)
        for change in self.changes:
            if change.index in wanted:
                colors[change.index] = change.new_hex
        return colors

    def apply_one(self, index: int) -> list[object]:
        """The original palette with only the change at ``index`` accepted."""
        return self.apply((index,))


def propose_fix(
    colors: Sequence[object],
    check: PaletteCheck | None = None,
    *,
    locked: Iterable[int] = frozenset(),
) -> FixProposal:
    """The smallest change (see the module docstring) that makes ``colors`` pass ``check``.

    ``locked`` positions (brand colours) never change. When no palette within reach passes, the
    proposal is the best found and ``after`` names what still fails. Deterministic.
    """
    check = check or PaletteCheck()
    frozen = frozenset(locked)
    if any(index < 0 or index >= len(colors) for index in frozen):
        raise ValueError(f"locked positions must be 0 to {len(colors) - 1}")
    original = tuple(colors)
    before = check_palette(original, check)
    unchanged = FixProposal(original, original, (), before, before, frozen)
    if before.passed:
        return unchanged
    movable = [p for p, _ in valid_entries(original) if p not in frozen]
    if not movable:
        return unchanged
    # Forcing every colour into the contrast band first lets the pair search start where the
    # answer must lie, though the first step may clash more; if that ends worse than the input,
    # a search that only ever improves is run instead (it cannot end worse).
    for force_contrast in (True, False):
        scorer = PaletteScorer(original, check)
        start = dict(scorer.current)
        _Search(scorer, movable, force_contrast=force_contrast).run()
        changes = tuple(
            ColorChange(p, start[p], scorer.current[p], delta_e_ok(start[p], scorer.current[p]))
            for p in scorer.positions
            if scorer.current[p] != start[p]
        )
        palette = list(original)
        for change in changes:
            palette[change.index] = change.new_hex
        after = check_palette(palette, check)
        if changes and after.score <= before.score:
            return FixProposal(original, tuple(palette), changes, before, after, frozen)
    return unchanged


class _Search:
    def __init__(self, scorer: PaletteScorer, movable: list[int], *, force_contrast: bool) -> None:
        self.scorer = scorer
        self.movable = movable
        self.force_contrast = force_contrast
        self.start = {p: scorer.current[p] for p in movable}
        self.start_lch = {p: hex_to_oklch(color) for p, color in self.start.items()}
        # Enough for every colour to take several steps; a bound on time, not a target.
        self.max_moves = 12 * len(movable)
        self._candidate_lists: dict[tuple[int, str, int], list[str]] = {}  # (p, colour, tier)
        self._moves = 0  # steps taken by the failure search
        self._no_gain: dict[int, int] = {}  # position -> self._moves when it had no better step

    def run(self) -> None:
        self.fix_contrast()
        self.fix_failures()
        self.pull_back()

    # --- 1. contrast ---------------------------------------------------------------------------

    def fix_contrast(self) -> None:
        scorer = self.scorer
        for p in self.movable:
            color = scorer.current[p]
            if scorer.passes_contrast(color):
                continue
            target = self._contrast_target(color)
            if target == color:
                continue
            if self.force_contrast or scorer.delta(p, target) < -_EPSILON:
                scorer.set(p, target)

    def _contrast_target(self, color: str) -> str:
        """``color`` at the nearest lightness (same hue and chroma) that passes contrast on
        every checked background, or the least failing one if none does."""
        scorer = self.scorer
        lightness, chroma, hue = hex_to_oklch(color)
        current = relative_luminance(color)
        wanted = scorer.check.target_luminance(current)
        best = color
        for inset in (0.0, 0.002, 0.005, 0.01, 0.02):  # 8-bit rounding may land just outside
            target_luminance = wanted + (inset if wanted > current else -inset)
            lightness = lightness_for_luminance(target_luminance, chroma, hue)
            best = oklch_to_hex(lightness, chroma, hue)
            if scorer.passes_contrast(best):
                break
        return best

    # --- 2. failing pairs ----------------------------------------------------------------------

    def fix_failures(self) -> None:
        # A failure none of whose colours could improve stays "stuck" until one of them moves;
        # other colours moving can free it too, so a few sweeps start afresh.
        stuck: set[tuple[object, ...]] = set()
        sweeps = 0
        moved_this_sweep = False
        while self._moves < self.max_moves:
            progressed = False
            for key, positions in self._failing():
                stamp = (*key, *(self.scorer.current[p] for p in positions))
                if stamp in stuck:
                    continue
                if self._improve(positions):
                    progressed = moved_this_sweep = True
                    break
                stuck.add(stamp)
            if progressed:
                continue
            sweeps += 1
            if not moved_this_sweep or sweeps >= _SWEEPS:
                return
            stuck.clear()
            moved_this_sweep = False

    def _failing(self) -> list[tuple[tuple[object, ...], tuple[int, ...]]]:
        """Failures with a movable colour, most severe first: (key, movable positions)."""
        movable = set(self.movable)
        failing: list[tuple[float, tuple[object, ...], tuple[int, ...]]] = []
        for pair in self.scorer.pair_failures(movable):
            positions = tuple(p for p in (pair.i, pair.j) if p in movable)
            failing.append((pair.severity, (pair.i, pair.j, pair.condition), positions))
        for low in self.scorer.contrast_failures():
            if low.index in movable:
                failing.append((low.severity, (low.index, low.mode), (low.index,)))
        failing.sort(key=lambda item: (-item[0], item[1]))
        return [(key, positions) for _, key, positions in failing]

    def _improve(self, positions: tuple[int, ...]) -> bool:
        """Take the best score-lowering step for one of ``positions``; False if there is none.

        Hue-keeping steps are tried first; hue steps only when none of those helps. Candidates
        are ranked by the scorer's quick estimate; the move taken is confirmed exactly.
        """
        # A colour with no better step now has none for any failure it is in, until something
        # moves: many failures share colours, so this saves most of the work.
        trying = [p for p in positions if self._no_gain.get(p) != self._moves]
        estimators = {p: self.scorer.estimator(p) for p in trying}
        for tier in range(len(_STEP_TIERS)):
            options: list[tuple[float, float, int, str]] = []
            for p in trying:
                for candidate in self._candidates(p, tier):
                    gain = estimators[p](candidate)
                    if gain < -_EPSILON:
                        options.append((gain, self._moved(p, candidate), p, candidate))
            for _, _, p, candidate in sorted(options)[:_CONFIRMED]:
                if self.scorer.delta(p, candidate) < -_EPSILON:
                    self.scorer.set(p, candidate)
                    self._moves += 1
                    return True
        for p in trying:
            self._no_gain[p] = self._moves
        return False

    def _candidates(self, p: int, tier: int) -> list[str]:
        key = (p, self.scorer.current[p], tier)
        if key not in self._candidate_lists:
            self._candidate_lists[key] = self._new_candidates(p, _STEP_TIERS[tier])
        return self._candidate_lists[key]

    def _new_candidates(self, p: int, steps: tuple[tuple[float, float, float], ...]) -> list[str]:
        scorer = self.scorer
        color = scorer.current[p]
        lightness, chroma, hue = hex_to_oklch(color)
        _, start_c, start_h = self.start_lch[p]
        grey = start_c < _GREY_CHROMA
        if grey:
            hue = start_h
        keep_contrast = scorer.passes_contrast(color)
        seen = {color}
        candidates = []
        for d_lightness, d_chroma, d_hue in steps:
            if grey and (d_chroma > 0 or d_hue):
                continue
            if d_chroma < 0 and chroma + d_chroma < _CHROMA_KEPT * start_c:
                continue
            new_hue = (hue + d_hue) % 360
            if d_hue and abs(_hue_difference(new_hue, start_h)) > MAX_HUE_SHIFT:
                continue
            candidate = oklch_to_hex(lightness + d_lightness, chroma + d_chroma, new_hue)
            if candidate in seen:
                continue
            seen.add(candidate)
            # A colour that is visible on every background stays so.
            if keep_contrast and not scorer.passes_contrast(candidate):
                continue
            candidates.append(candidate)
        return candidates

    def _moved(self, p: int, color: str) -> float:
        """How far ``color`` is from where ``p`` started, hue turns counting double."""
        lightness, chroma, hue = hex_to_oklch(color)
        start_l, start_c, start_h = self.start_lch[p]
        mean_chroma = (chroma + start_c) / 2
        turn = 2 * mean_chroma * math.sin(math.radians(_hue_difference(hue, start_h)) / 2)
        return math.sqrt((lightness - start_l) ** 2 + (chroma - start_c) ** 2 + (2 * turn) ** 2)

    # --- 3. pull back --------------------------------------------------------------------------

    def pull_back(self) -> None:
        scorer = self.scorer
        for p in self.movable:
            color = scorer.current[p]
            if color == self.start[p]:
                continue
            start = self.start_lch[p]
            now = hex_to_oklch(color)
            estimate = scorer.estimator(p)
            for fraction in _PULL_BACK:
                candidate = oklch_to_hex(*_between(start, now, fraction))
                if candidate == color:
                    break
                if estimate(candidate) <= _EPSILON and scorer.delta(p, candidate) <= 0.0:
                    scorer.set(p, candidate)
                    break


def _hue_difference(a: float, b: float) -> float:
    """``a - b`` in degrees, the short way round (-180 to 180)."""
    return (a - b + 180) % 360 - 180


def _between(
    start: tuple[float, float, float], end: tuple[float, float, float], fraction: float
) -> tuple[float, float, float]:
    """The OKLCH colour ``fraction`` of the way from ``start`` to ``end`` (hue the short way)."""
    lightness = start[0] + (end[0] - start[0]) * fraction
    chroma = start[1] + (end[1] - start[1]) * fraction
    hue = (start[2] + _hue_difference(end[2], start[2]) * fraction) % 360
    return lightness, chroma, hue
