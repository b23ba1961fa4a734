"""The fixer's settings: threshold steps stay in range, locks and pair scope reach the check."""

from __future__ import annotations

from phtui.core.fixer_settings import (
    DEFAULT_THRESHOLD,
    MAX_THRESHOLD,
    FixSettings,
    check_summary,
)
from phtui.core.palette_check import PaletteCheck


def test_the_default_is_the_checks_literature_threshold() -> None:
    settings = FixSettings()
    assert settings.threshold == DEFAULT_THRESHOLD == 10.0
    assert settings.check() == PaletteCheck()


def test_threshold_steps_by_whole_units_within_range() -> None:
    settings = FixSettings()
    assert settings.step_threshold(2).threshold == 12
    assert settings.step_threshold(-100).threshold == 0
    assert settings.step_threshold(100).threshold == MAX_THRESHOLD
    check = settings.step_threshold(-3).check()
    assert (check.min_distance, check.min_cvd_distance) == (7, 7)


def test_locks_and_pairs_toggle() -> None:
    settings = FixSettings().toggle_lock(2).toggle_lock(4).toggle_lock(2)
    assert settings.locked == {4}
    assert settings.toggle_pairs().check().pairs == "adjacent"
    assert settings.toggle_pairs().toggle_pairs().pairs == "all"


def test_a_locked_colour_never_moves() -> None:
    colors = ["#1d4aff", "#1e4bff", "#000000"]
    proposal = FixSettings(locked=frozenset({0})).propose(colors)
    assert proposal.changes and all(change.index != 0 for change in proposal.changes)


def test_summary_names_the_metric_and_every_condition() -> None:
    assert check_summary(PaletteCheck()) == (
        "ΔE2000 ≥ 10 under normal vision and simulated protanopia, deuteranopia, tritanopia, "
        "every pair; contrast ≥ 3:1 on light #ffffff and dark #1d1f27"
    )
    adjacent = PaletteCheck(min_distance=12, cvd_kinds=(), modes=("dark",), pairs="adjacent")
    assert check_summary(adjacent) == (
        "ΔE2000 ≥ 12 under normal vision, neighbours and wrap-around only; "
        "contrast ≥ 3:1 on dark #1d1f27"
    )
