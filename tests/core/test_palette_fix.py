"""propose_fix: known palettes, and properties checked against an independent recomputation."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phtui.core.color_math import delta_e_ok, hex_to_oklch
from phtui.core.palette import CVD_KINDS, contrast_ratio, delta_e_2000, parse_color, simulate_cvd
from phtui.core.palette_check import NORMAL, PaletteCheck, adjacency, check_palette
from phtui.core.palette_fix import MAX_HUE_SHIFT, propose_fix
from phtui.server.seed import DEFAULT_THEME_COLORS

HEX = re.compile(r"#[0-9a-f]{6}")

channels = st.integers(min_value=0, max_value=255)
hex_colors = st.tuples(channels, channels, channels).map(
    lambda rgb: "#{:02x}{:02x}{:02x}".format(*rgb)
)
checks = st.builds(
    PaletteCheck,
    min_distance=st.sampled_from([0.0, 10.0, 20.0]),
    min_cvd_distance=st.sampled_from([0.0, 5.0, 10.0]),
    min_contrast=st.sampled_from([1.0, 3.0, 4.5]),
    cvd_kinds=st.sampled_from([(), ("deuteranopia",), CVD_KINDS]),
    modes=st.sampled_from([(), ("light",), ("dark",), ("light", "dark")]),
    pairs=st.sampled_from(["all", "adjacent"]),
)
# Palettes as PostHog may store them: mostly colours, now and then any JSON value.
entries = st.one_of(
    hex_colors, hex_colors, hex_colors, st.sampled_from([None, 7, "oops", "#12345", "RED"])
)


Pairs = set[tuple[int, int, str]]
Contrasts = set[tuple[int, str]]


def passing_under_the_metric(colors: list[object], check: PaletteCheck) -> tuple[Pairs, Contrasts]:
    """Every checked pair and contrast that passes, recomputed with the per-colour functions."""
    valid = {}
    for index, color in enumerate(colors):
        try:
            valid[index] = parse_color(color)  # type: ignore[arg-type]
        except (ValueError, TypeError):
            continue
    pairs: Pairs = set()
    for i in valid:
        for j in valid:
            if j <= i or (check.pairs == "adjacent" and adjacency(i, j, len(colors)) == "distant"):
                continue
            if delta_e_2000(valid[i], valid[j]) >= check.min_distance:
                pairs.add((i, j, NORMAL))
            for kind in check.cvd_kinds:
                seen = simulate_cvd(valid[i], kind), simulate_cvd(valid[j], kind)
                if delta_e_2000(*seen) >= check.min_cvd_distance:
                    pairs.add((i, j, kind))
    contrast: Contrasts = {
        (index, mode)
        for index, color in valid.items()
        for mode in check.modes
        if contrast_ratio(color, check.background(mode)) >= check.min_contrast
    }
    return pairs, contrast


def all_checked(colors: list[object], check: PaletteCheck) -> tuple[Pairs, Contrasts]:
    valid = [index for index, color in enumerate(colors) if _is_color(color)]
    pairs = {
        (i, j, condition)
        for i in valid
        for j in valid
        if j > i and not (check.pairs == "adjacent" and adjacency(i, j, len(colors)) == "distant")
        for condition in check.conditions
    }
    return pairs, {(index, mode) for index in valid for mode in check.modes}


def _is_color(value: object) -> bool:
    try:
        parse_color(value)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return False
    return True


# --- Known palettes ------------------------------------------------------------------------------


def test_a_passing_palette_comes_back_unchanged() -> None:
    colors = ["#1d4aff", "RED", None]
    proposal = propose_fix(colors, PaletteCheck(cvd_kinds=(), modes=()))
    assert proposal.changes == ()
    assert proposal.palette == tuple(colors)
    assert proposal.before.passed and proposal.after is proposal.before
    assert proposal.apply_all() == colors


def test_the_default_theme_becomes_visible_in_both_modes_and_clashes_far_less() -> None:
    proposal = propose_fix(DEFAULT_THEME_COLORS)
    assert proposal.before.contrast_failures
    assert proposal.after.contrast_failures == ()
    assert proposal.after.score < proposal.before.score / 3
    # Under normal vision every pair is now distinct; what remains are distant pairs that full
    # dichromats confuse: fifteen mid-tones cannot all differ for them.
    assert all(f.condition != NORMAL for f in proposal.after.pair_failures)
    assert all(f.adjacency == "distant" for f in proposal.after.pair_failures)
    assert not proposal.solved
    assert proposal.after.describe()  # named


def test_the_default_theme_passes_for_adjacent_series() -> None:
    proposal = propose_fix(DEFAULT_THEME_COLORS, PaletteCheck(pairs="adjacent"))
    assert proposal.solved
    assert check_palette(proposal.apply_all(), PaletteCheck(pairs="adjacent")).passed


def test_changes_keep_each_colours_hue_close_to_the_brand() -> None:
    proposal = propose_fix(DEFAULT_THEME_COLORS)
    for change in proposal.changes:
        _, old_chroma, old_hue = hex_to_oklch(change.old_hex)
        _, new_chroma, new_hue = hex_to_oklch(change.new_hex)
        if min(old_chroma, new_chroma) > 0.05:  # hue is noise for near-greys
            turn = abs((new_hue - old_hue + 180) % 360 - 180)
            assert turn <= MAX_HUE_SHIFT + 3  # + 8-bit rounding


def test_changes_describe_the_proposed_palette() -> None:
    proposal = propose_fix(DEFAULT_THEME_COLORS)
    assert proposal.changes
    changed = {change.index for change in proposal.changes}
    for index, (old, new) in enumerate(zip(DEFAULT_THEME_COLORS, proposal.palette, strict=True)):
        assert (old != new) == (index in changed)
    for change in proposal.changes:
        assert change.old_hex == DEFAULT_THEME_COLORS[change.index]
        assert proposal.palette[change.index] == change.new_hex
        assert change.distance == pytest.approx(delta_e_ok(change.old_hex, change.new_hex))
        assert change.distance > 0


def test_accept_all_one_or_some_changes() -> None:
    proposal = propose_fix(DEFAULT_THEME_COLORS)
    first, second = proposal.changes[0], proposal.changes[1]
    one = proposal.apply_one(first.index)
    assert one[first.index] == first.new_hex
    assert [c for i, c in enumerate(one) if i != first.index] == [
        c for i, c in enumerate(DEFAULT_THEME_COLORS) if i != first.index
    ]
    some = proposal.apply([first.index, second.index])
    assert some[first.index] == first.new_hex and some[second.index] == second.new_hex
    assert proposal.apply([]) == DEFAULT_THEME_COLORS  # reject
    with pytest.raises(ValueError, match="no proposed change"):
        propose_fix(DEFAULT_THEME_COLORS, locked={0}).apply_one(0)


def test_locked_brand_colours_never_move_and_their_failures_are_named() -> None:
    # #1d4aff, PostHog blue, is 2.72:1 on the dark chart background: locked, it stays so.
    proposal = propose_fix(DEFAULT_THEME_COLORS, locked={0, 3})
    assert proposal.palette[0] == "#1d4aff" and proposal.palette[3] == "#ce0e74"
    assert all(change.index not in {0, 3} for change in proposal.changes)
    assert [(f.index, f.mode) for f in proposal.after.contrast_failures] == [(0, "dark")]
    assert proposal.locked == frozenset({0, 3})


def test_everything_locked_means_no_change() -> None:
    proposal = propose_fix(DEFAULT_THEME_COLORS, locked=range(15))
    assert proposal.changes == () and proposal.after == proposal.before


def test_locked_positions_must_be_in_the_palette() -> None:
    with pytest.raises(ValueError, match="locked positions"):
        propose_fix(DEFAULT_THEME_COLORS, locked={15})


def test_entries_that_are_not_colours_stay_in_place_untouched() -> None:
    colors: list[object] = ["#ff0000", None, "#fe0101", {"hex": "#fff"}, "oops", "#ff0101", 7]
    proposal = propose_fix(colors, PaletteCheck(cvd_kinds=(), modes=()))
    assert proposal.changes
    for index in (1, 3, 4, 6):
        assert proposal.palette[index] is colors[index]
    assert all(change.index in {0, 2, 5} for change in proposal.changes)
    assert proposal.after.passed


def test_unchanged_colours_keep_their_notation() -> None:
    colors = ["RED", "#fe0101", "navy"]
    proposal = propose_fix(colors, PaletteCheck(cvd_kinds=(), modes=()), locked={1})
    assert [c.index for c in proposal.changes] == [0]
    assert proposal.palette[1:] == ("#fe0101", "navy")
    assert proposal.changes[0].old_hex == "#ff0000"


def test_an_impossible_contrast_fails_once_per_colour_and_is_named() -> None:
    # 4.5:1 on both backgrounds has no solution: each colour passes on one of them.
    check = PaletteCheck(min_contrast=4.5, cvd_kinds=(), min_distance=0)
    proposal = propose_fix(["#1d4aff", "#30d5c8"], check)
    assert proposal.after.score < proposal.before.score
    assert sorted(f.index for f in proposal.after.contrast_failures) == [0, 1]
    assert len(proposal.after.describe()) == 2


def test_the_fix_is_deterministic() -> None:
    assert propose_fix(DEFAULT_THEME_COLORS) == propose_fix(DEFAULT_THEME_COLORS)


# --- Properties ----------------------------------------------------------------------------------


@settings(max_examples=50)
@given(
    st.lists(entries, max_size=7),
    checks,
    st.sets(st.integers(min_value=0, max_value=6), max_size=3),
)
def test_fixes_are_honest_safe_and_never_worse(
    colors: list[object], check: PaletteCheck, locked: set[int]
) -> None:
    locked = {index for index in locked if index < len(colors)}
    proposal = propose_fix(colors, check, locked=locked)
    palette = list(proposal.palette)

    # Every pair and contrast it reports as passing passes under the same metric, recomputed
    # independently; and what it reports as failing fails.
    passing_pairs, passing_contrast = passing_under_the_metric(palette, check)
    checked_pairs, checked_contrast = all_checked(palette, check)
    reported_pairs = {(f.i, f.j, f.condition) for f in proposal.after.pair_failures}
    reported_contrast = {(f.index, f.mode) for f in proposal.after.contrast_failures}
    assert checked_pairs - reported_pairs == passing_pairs
    assert checked_contrast - reported_contrast == passing_contrast
    assert proposal.after == check_palette(palette, check)

    # Locked colours and entries that are not colours never change.
    for index, entry in enumerate(colors):
        if index in locked or not _is_color(entry):
            assert palette[index] is entry
    # Every changed entry is a valid hex, and the change list says so.
    for change in proposal.changes:
        assert HEX.fullmatch(change.new_hex)
        assert palette[change.index] == change.new_hex
        assert change.old_hex == parse_color(colors[change.index])  # type: ignore[arg-type]
    changed = {change.index for change in proposal.changes}
    assert all(palette[i] is colors[i] for i in range(len(colors)) if i not in changed)

    # Never worse; a passing palette comes back as it was.
    before = check_palette(colors, check)
    assert proposal.before == before
    assert proposal.after.score <= before.score
    if before.passed:
        assert proposal.changes == () and palette == colors


@settings(max_examples=20)
@given(st.lists(hex_colors, min_size=2, max_size=6), checks)
def test_the_fix_is_deterministic_for_any_palette(colors: list[str], check: PaletteCheck) -> None:
    assert propose_fix(colors, check) == propose_fix(list(colors), check)
