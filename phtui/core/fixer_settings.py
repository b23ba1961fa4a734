"""What the palette fixer's user chooses (threshold, which pairs, locked colours) and how a check
is described to them, in the TUI and on the command line alike.

The threshold is CIEDE2000, the metric of ``palette_check``, applied to normal and simulated
dichromat vision alike; 10 is its default, from the literature that module cites (chroma.js's
"not perceivably different" below 9, raised for thin chart marks after Stone, Szafir & Setlur
2014). Pure: no Textual.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from phtui.core.palette_check import NORMAL, PairScope, PaletteCheck
from phtui.core.palette_fix import FixProposal, propose_fix

__all__ = [
    "DEFAULT_THRESHOLD",
    "MAX_THRESHOLD",
    "FixSettings",
    "backgrounds_label",
    "check_summary",
    "vision_label",
]

DEFAULT_THRESHOLD = PaletteCheck().min_distance
# Beyond this no palette of more than a handful of colours can pass: the search only burns time.
MAX_THRESHOLD = 40.0


@dataclass(frozen=True)
class FixSettings:
    """The fixer's knobs. ``threshold`` is CIEDE2000 for every condition (normal and CVD)."""

    threshold: float = DEFAULT_THRESHOLD
    pairs: PairScope = "all"
    locked: frozenset[int] = frozenset()

    def check(self) -> PaletteCheck:
        return PaletteCheck(
            min_distance=self.threshold, min_cvd_distance=self.threshold, pairs=self.pairs
        )

    def step_threshold(self, steps: int) -> FixSettings:
        """The threshold ``steps`` whole units up (or down), within 0 to ``MAX_THRESHOLD``."""
        threshold = min(MAX_THRESHOLD, max(0.0, round(self.threshold) + steps))
        return replace(self, threshold=threshold)

    def toggle_pairs(self) -> FixSettings:
        return replace(self, pairs="adjacent" if self.pairs == "all" else "all")

    def toggle_lock(self, index: int) -> FixSettings:
        return replace(self, locked=self.locked ^ {index})

    def propose(self, colors: Sequence[object]) -> FixProposal:
        """The fixer's proposal for ``colors`` under these settings (CPU-bound: ~0.1 s for 15)."""
        return propose_fix(colors, self.check(), locked=self.locked)


def vision_label(check: PaletteCheck) -> str:
    """``"normal vision"`` or ``"normal vision and simulated protanopia, deuteranopia, ..."``."""
    kinds = [kind for kind in check.conditions if kind != NORMAL]
    return "normal vision" + (f" and simulated {', '.join(kinds)}" if kinds else "")


def backgrounds_label(check: PaletteCheck) -> str:
    """``"dark #1d1f27 and light #ffffff"`` (the checked chart backgrounds)."""
    if not check.modes:
        return "no background"
    return " and ".join(f"{mode} {check.background(mode)}" for mode in check.modes)


def check_summary(check: PaletteCheck) -> str:
    """The whole check in one line, saying which metric the threshold is in."""
    distances = f"ΔE2000 ≥ {check.min_distance:g}"
    if check.min_cvd_distance != check.min_distance and check.cvd_kinds:
        distances += f" (≥ {check.min_cvd_distance:g} simulated)"
    scope = "neighbours and wrap-around only" if check.pairs == "adjacent" else "every pair"
    return (
        f"{distances} under {vision_label(check)}, {scope}; "
        f"contrast ≥ {check.min_contrast:g}:1 on {backgrounds_label(check)}"
    )
