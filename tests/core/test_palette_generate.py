"""generate_palette: brand colours first and unchanged, n valid colours, deterministic."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phtui.core.palette import ColorParseError, parse_color
from phtui.core.palette_check import PaletteCheck, check_palette
from phtui.core.palette_generate import generate_palette

HEX = re.compile(r"#[0-9a-f]{6}")
channels = st.integers(min_value=0, max_value=255)
hex_colors = st.tuples(channels, channels, channels).map(
    lambda rgb: "#{:02X}{:02x}{:02x}".format(*rgb)  # mixed case: brands come back normalised
)


def test_a_palette_from_posthog_blue() -> None:
    palette = generate_palette(["#1d4aff"], 8)
    assert len(palette) == 8
    assert palette[0] == "#1d4aff"
    result = check_palette(palette)
    # PostHog blue itself is 2.72:1 on the dark background; the brand colour is kept as it is.
    assert [(f.index, f.mode) for f in result.contrast_failures] == [(0, "dark")]
    # Every other colour shows in both modes and differs from its neighbours for everyone.
    assert not [f for f in result.pair_failures if f.adjacency != "distant"]
    assert not [f for f in result.pair_failures if f.condition == "normal"]


def test_without_brand_colours_a_small_palette_passes_everything() -> None:
    palette = generate_palette([], 6)
    assert check_palette(palette).passed


def test_adjacent_scope_generates_a_passing_fifteen() -> None:
    check = PaletteCheck(pairs="adjacent")
    palette = generate_palette(["#f54e00"], 15, check)
    failures = check_palette(palette, check)
    assert [(f.index, f.mode) for f in failures.contrast_failures] == []
    assert failures.passed


def test_colours_spread_out_even_when_distinctness_is_not_checked() -> None:
    check = PaletteCheck(min_distance=0, min_cvd_distance=0, modes=())
    palette = generate_palette([], 8, check)
    assert len(set(palette)) == 8


def test_brand_colours_fill_the_palette_when_n_equals_their_count() -> None:
    assert generate_palette(["RED", "#00f"], 2) == ["#ff0000", "#0000ff"]


def test_too_small_a_palette_or_a_bad_brand_colour_is_refused() -> None:
    with pytest.raises(ValueError, match="do not fit"):
        generate_palette(["#ff0000", "#0000ff"], 1)
    with pytest.raises(ColorParseError):
        generate_palette(["not a colour"], 5)


@settings(max_examples=12)
@given(st.lists(hex_colors, max_size=3), st.integers(min_value=0, max_value=9))
def test_generated_palettes_keep_the_brand_and_are_valid_and_deterministic(
    brands: list[str], extra: int
) -> None:
    n = len(brands) + extra
    palette = generate_palette(brands, n)
    assert len(palette) == n
    assert palette[: len(brands)] == [parse_color(color) for color in brands]
    assert all(HEX.fullmatch(color) for color in palette)
    assert generate_palette(list(brands), n) == palette


def test_no_colour_is_generated_twice_even_in_long_palettes() -> None:
    # With one brand colour and 40 series, the full colour-vision check once gave two repeats.
    palette = generate_palette(["#1d4aff"], 40)
    assert len(palette) == len(set(palette)) == 40
