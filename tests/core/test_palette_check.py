"""check_palette: PostHog's series order, the analysis's metric, and an incremental scorer that
agrees with a from-scratch check."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phtui.core.palette import (
    CVD_KINDS,
    ColorParseError,
    analyse_palette,
    contrast_ratio,
    delta_e_2000,
    simulate_cvd,
)
from phtui.core.palette_check import (
    ADJACENCY_WEIGHTS,
    CONTRAST_WEIGHT,
    NORMAL,
    NORMAL_VISION_FACTOR,
    PaletteCheck,
    PaletteScorer,
    adjacency,
    check_palette,
)
from phtui.server.seed import DEFAULT_THEME_COLORS

channels = st.integers(min_value=0, max_value=255)
hex_colors = st.tuples(channels, channels, channels).map(
    lambda rgb: "#{:02x}{:02x}{:02x}".format(*rgb)
)
checks = st.builds(
    PaletteCheck,
    min_distance=st.sampled_from([0.0, 5.0, 10.0, 20.0]),
    min_cvd_distance=st.sampled_from([0.0, 5.0, 10.0, 20.0]),
    min_contrast=st.sampled_from([1.0, 2.0, 3.0, 4.5]),
    cvd_kinds=st.sampled_from([(), ("deuteranopia",), CVD_KINDS]),
    modes=st.sampled_from([(), ("light",), ("dark",), ("light", "dark")]),
    pairs=st.sampled_from(["all", "adjacent"]),
)


def expected_failures(
    colors: list[str], check: PaletteCheck
) -> tuple[set[tuple[int, int, str]], set[tuple[int, str]]]:
    """The failures, recomputed from the public per-colour functions, pair by pair."""
    pairs = set()
    for i in range(len(colors)):
        for j in range(i + 1, len(colors)):
            if check.pairs == "adjacent" and adjacency(i, j, len(colors)) == "distant":
                continue
            if delta_e_2000(colors[i], colors[j]) < check.min_distance:
                pairs.add((i, j, NORMAL))
            for kind in check.cvd_kinds:
                seen = simulate_cvd(colors[i], kind), simulate_cvd(colors[j], kind)
                if delta_e_2000(*seen) < check.min_cvd_distance:
                    pairs.add((i, j, kind))
    contrast: set[tuple[int, str]] = {
        (index, mode)
        for index, color in enumerate(colors)
        for mode in check.modes
        if contrast_ratio(color, check.background(mode)) < check.min_contrast
    }
    return pairs, contrast


# --- PaletteCheck --------------------------------------------------------------------------------


def test_defaults_are_the_analysis_thresholds_and_wcag_non_text_contrast() -> None:
    check = PaletteCheck()
    assert check.min_distance == check.min_cvd_distance == 10.0
    assert check.min_contrast == 3.0
    assert check.cvd_kinds == CVD_KINDS
    assert check.modes == ("light", "dark")
    assert (check.light_bg, check.dark_bg) == ("#ffffff", "#1d1f27")
    assert check.conditions == (NORMAL, *CVD_KINDS)
    assert check.pairs == "all"


@pytest.mark.parametrize(
    "arguments",
    [
        {"min_distance": -1},
        {"min_cvd_distance": float("nan")},
        {"min_contrast": 0.5},
        {"min_contrast": 22},
        {"cvd_kinds": ("achromatopsia",)},
        {"cvd_kinds": ("tritanopia", "tritanopia")},
        {"modes": ("dim",)},
        {"modes": ("light", "light")},
        {"pairs": "some"},
    ],
)
def test_invalid_checks_are_refused(arguments: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        PaletteCheck(**arguments)  # type: ignore[arg-type]


def test_backgrounds_are_normalised_and_must_be_colours() -> None:
    assert PaletteCheck(dark_bg="black", light_bg="#EEE").dark_bg == "#000000"
    with pytest.raises(ColorParseError):
        PaletteCheck(dark_bg="dark")


def test_the_contrast_band_for_both_chart_backgrounds() -> None:
    # 3:1 on white and on #1d1f27 leaves relative luminance of about 0.14 to 0.30.
    ((low, high),) = PaletteCheck().passing_luminances()
    assert low == pytest.approx(0.1416, abs=1e-4)
    assert high == pytest.approx(0.30)
    ((light_low, light_high),) = PaletteCheck(modes=("light",)).passing_luminances()
    assert light_low == 0.0
    assert light_high == pytest.approx(0.30)
    assert PaletteCheck(modes=()).passing_luminances() == ((0.0, 1.0),)
    assert PaletteCheck().target_luminance(0.05) == pytest.approx(low)
    assert PaletteCheck().target_luminance(0.2) == 0.2
    assert PaletteCheck().target_luminance(0.9) == pytest.approx(high)
    # 4.5:1 against both cannot be had: one failure (on the side nearer) beats two.
    impossible = PaletteCheck(min_contrast=4.5)
    assert impossible.passing_luminances() == ()
    dark_enough = impossible.target_luminance(0.1)
    assert contrast_ratio_for(dark_enough, 1.0) >= 4.5 > contrast_ratio_for(dark_enough, 0.0137)


def contrast_ratio_for(luminance: float, background: float) -> float:
    return (max(luminance, background) + 0.05) / (min(luminance, background) + 0.05)


# --- Adjacency in PostHog's order ----------------------------------------------------------------


def test_adjacency_follows_series_order() -> None:
    assert adjacency(3, 4, 15) == "neighbour"
    assert adjacency(0, 14, 15) == "wrap-around"
    assert adjacency(0, 1, 2) == "neighbour"  # two colours: neighbours both ways
    assert adjacency(2, 9, 15) == "distant"
    assert ADJACENCY_WEIGHTS["neighbour"] > ADJACENCY_WEIGHTS["wrap-around"]
    assert ADJACENCY_WEIGHTS["wrap-around"] > ADJACENCY_WEIGHTS["distant"]


def test_failures_carry_adjacency_and_neighbours_count_more() -> None:
    near = ["#ff0000", "#fe0101", "#0000ff", "#00ff00", "#ff0101"]
    result = check_palette(near, PaletteCheck(cvd_kinds=(), modes=()))
    kinds = {(f.i, f.j): f.adjacency for f in result.pair_failures}
    assert kinds == {(0, 1): "neighbour", (0, 4): "wrap-around", (1, 4): "distant"}
    first, second, third = result.pair_failures
    assert (first.i, first.j) == (0, 1)  # most severe first
    assert first.weight == ADJACENCY_WEIGHTS["neighbour"] * NORMAL_VISION_FACTOR
    assert first.severity > second.severity > third.severity


def test_adjacent_scope_checks_only_neighbours_and_the_wrap_around() -> None:
    near = ["#ff0000", "#fe0101", "#0000ff", "#00ff00", "#ff0101"]
    result = check_palette(near, PaletteCheck(cvd_kinds=(), modes=(), pairs="adjacent"))
    assert {(f.i, f.j) for f in result.pair_failures} == {(0, 1), (0, 4)}


def test_invalid_entries_are_skipped_but_keep_their_positions() -> None:
    colors: list[object] = ["#ff0000", None, "oops", "#FE0101", 7]
    result = check_palette(colors, PaletteCheck(cvd_kinds=(), modes=()))
    assert result.colors == ("#ff0000", None, None, "#fe0101", None)
    assert result.invalid == (1, 2, 4)
    (failure,) = result.pair_failures
    assert (failure.i, failure.j, failure.adjacency) == (0, 3, "distant")


# --- The same metric as analyse_palette ----------------------------------------------------------


def test_default_theme_failures_are_what_the_analysis_reports() -> None:
    result = check_palette(DEFAULT_THEME_COLORS)
    report = analyse_palette(DEFAULT_THEME_COLORS)
    by_condition = {
        condition: {(f.i, f.j) for f in result.pair_failures if f.condition == condition}
        for condition in PaletteCheck().conditions
    }
    assert by_condition[NORMAL] == {(p.i, p.j) for p in report.similar}
    for kind in CVD_KINDS:
        assert by_condition[kind] == {(p.i, p.j) for p in report.cvd[kind].confusable}
    low = {(c.index, "dark") for c in report.low_contrast if c.low_on_dark}
    low |= {(c.index, "light") for c in report.low_contrast if c.low_on_light}
    assert {(f.index, f.mode) for f in result.contrast_failures} == low
    assert not result.passed
    assert result.failure_count == 28


def test_score_is_the_sum_of_severities_and_zero_only_when_passing() -> None:
    result = check_palette(DEFAULT_THEME_COLORS)
    severities = [f.severity for f in result.pair_failures]
    severities += [f.severity for f in result.contrast_failures]
    assert result.score == pytest.approx(sum(severities))
    assert all(f.weight <= f.severity <= 2 * f.weight for f in result.pair_failures)
    navy = next(f for f in result.contrast_failures if f.index == 9)
    assert navy.weight == CONTRAST_WEIGHT
    assert navy.severity == pytest.approx(CONTRAST_WEIGHT * (1 + (3 - navy.ratio) / 2))
    passing = check_palette(["#ff0000", "#0000ff"], PaletteCheck(cvd_kinds=(), modes=()))
    assert passing.passed and passing.score == 0.0


def test_describe_names_every_failure_with_one_based_positions() -> None:
    result = check_palette(DEFAULT_THEME_COLORS)
    lines = result.describe()
    assert len(lines) == result.failure_count
    assert "11↔15 (distant) normal: ΔE 3.2 < 10" in lines
    assert "10 on dark #1d1f27: 1.66:1 < 3:1" in lines
    # Rounded down: a distance just under the limit never reads as the limit.
    assert all("ΔE 10.0 < 10" not in line for line in lines)


@settings(max_examples=60)
@given(st.lists(hex_colors, max_size=7), checks)
def test_reported_failures_are_exactly_what_fails_under_the_metric(
    colors: list[str], check: PaletteCheck
) -> None:
    result = check_palette(colors, check)
    pairs, contrast = expected_failures(colors, check)
    assert {(f.i, f.j, f.condition) for f in result.pair_failures} == pairs
    assert {(f.index, f.mode) for f in result.contrast_failures} == contrast
    assert result.passed == (not pairs and not contrast)
    assert (result.score == 0) == result.passed


@settings(max_examples=40)
@given(
    st.lists(hex_colors, min_size=2, max_size=6),
    st.lists(st.tuples(st.integers(min_value=0, max_value=5), hex_colors), max_size=6),
    checks,
)
def test_the_incremental_scorer_agrees_with_a_fresh_check(
    colors: list[str], edits: list[tuple[int, str]], check: PaletteCheck
) -> None:
    scorer = PaletteScorer(colors, check)
    for position, color in edits:
        position %= len(colors)
        before = check_palette(list(scorer.result().colors), check).score
        delta = scorer.delta(position, color)
        scorer.set(position, color)
        colors[position] = color
        after = check_palette(colors, check)
        assert scorer.result() == after
        assert after.score - before == pytest.approx(delta, abs=1e-9)
