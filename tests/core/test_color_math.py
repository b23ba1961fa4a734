"""The fast colour maths against coloraide (an independent implementation) and published values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phtui.core import color_math
from phtui.core.color_math import (
    CVD_KINDS,
    LINEAR_FROM_8BIT,
    delta_e_ok,
    hex_to_linear,
    hex_to_oklab,
    hex_to_oklch,
    linear_to_hex,
    max_chroma,
    oklab_to_linear,
    oklch_to_hex,
    simulate_dichromat,
)
from phtui.core.palette import CVD_METHODS, delta_e_2000

channels = st.integers(min_value=0, max_value=255)
hex_colors = st.tuples(channels, channels, channels).map(
    lambda rgb: "#{:02x}{:02x}{:02x}".format(*rgb)
)
lightness = st.floats(min_value=0.0, max_value=1.0)
chroma = st.floats(min_value=0.0, max_value=0.5)
hue = st.floats(min_value=0.0, max_value=360.0, exclude_max=True)


def _channel_gap(a: str, b: str) -> int:
    return max(abs(int(a[k : k + 2], 16) - int(b[k : k + 2], 16)) for k in (1, 3, 5))


def test_decoding_table_is_the_srgb_transfer_function() -> None:
    assert LINEAR_FROM_8BIT[0] == 0.0
    assert LINEAR_FROM_8BIT[255] == pytest.approx(1.0)
    assert LINEAR_FROM_8BIT[10] == pytest.approx(10 / 255 / 12.92)  # the linear toe
    assert LINEAR_FROM_8BIT[128] == pytest.approx(((128 / 255 + 0.055) / 1.055) ** 2.4)


@given(hex_colors)
def test_hex_round_trips_through_linear_light(color: str) -> None:
    assert linear_to_hex(hex_to_linear(color)) == color


def test_linear_to_hex_clips_out_of_gamut_channels() -> None:
    assert linear_to_hex((-0.2, 0.5, 1.7)) == "#00bcff"


@given(hex_colors)
def test_oklab_agrees_with_coloraide(color: str) -> None:
    from coloraide import Color

    theirs = Color(color).convert("oklab")
    # coloraide recomputes Ottosson's matrices at higher precision; ours are his published ones.
    assert hex_to_oklab(color) == pytest.approx(tuple(theirs[:3]), abs=1e-6)


def test_oklab_of_reference_colours() -> None:
    # Ottosson (2020) gives white as L = 1, a = b = 0; black is the origin.
    assert hex_to_oklab("#ffffff") == pytest.approx((1.0, 0.0, 0.0), abs=1e-4)
    assert hex_to_oklab("#000000") == pytest.approx((0.0, 0.0, 0.0), abs=1e-9)
    red_l, red_c, red_h = hex_to_oklch("#ff0000")
    assert (red_l, red_c, red_h) == pytest.approx((0.62796, 0.25768, 29.234), abs=1e-3)
    assert hex_to_oklch("#808080")[1] < 1e-4


@given(hex_colors)
def test_oklab_round_trips(color: str) -> None:
    assert linear_to_hex(oklab_to_linear(hex_to_oklab(color))) == color
    lightness_, chroma_, hue_ = hex_to_oklch(color)
    assert oklch_to_hex(lightness_, chroma_, hue_) == color


@given(hex_colors, hex_colors)
def test_delta_e_ok_agrees_with_coloraide(a: str, b: str) -> None:
    from coloraide import Color

    assert delta_e_ok(a, b) == pytest.approx(Color(a).delta_e(Color(b), method="ok"), abs=1e-6)


@given(lightness, hue)
def test_max_chroma_is_the_gamut_edge(light: float, angle: float) -> None:
    edge = max_chroma(light, angle)
    inside = oklab_to_linear(
        (light, edge * math.cos(math.radians(angle)), edge * math.sin(math.radians(angle)))
    )
    assert all(-1e-6 <= channel <= 1 + 1e-6 for channel in inside)
    if 0.01 < light < 0.99:
        beyond = edge + 1e-3
        outside = oklab_to_linear(
            (light, beyond * math.cos(math.radians(angle)), beyond * math.sin(math.radians(angle)))
        )
        assert not all(-1e-6 <= channel <= 1 + 1e-6 for channel in outside)


@given(lightness, chroma, hue)
def test_oklch_to_hex_keeps_lightness_and_hue_when_reducing_chroma(
    light: float, requested: float, angle: float
) -> None:
    color = oklch_to_hex(light, requested, angle)
    assert len(color) == 7 and int(color[1:], 16) >= 0
    got_l, got_c, got_h = hex_to_oklch(color)
    # 8-bit rounding: one step near black is ~0.07 of OKLab lightness (the cube root is steep).
    assert got_l == pytest.approx(light, abs=0.01 if light > 0.2 else 0.07)
    assert got_c <= requested + 0.01
    if (
        got_c > 0.03 and light > 0.2
    ):  # hue needs some chroma, and 8-bit steps are coarse in the dark
        assert abs((got_h - angle + 180) % 360 - 180) < 3


def test_oklch_to_hex_accepts_out_of_range_values() -> None:
    assert oklch_to_hex(1.4, 0.2, 30) == "#ffffff"
    assert oklch_to_hex(-0.1, 0.2, 30) == "#000000"
    assert oklch_to_hex(0.6, -0.1, 30) == oklch_to_hex(0.6, 0.0, 30)


def test_cone_matrix_is_vienot_1999s() -> None:
    # The paper's linear RGB -> LMS matrix (x100), derived here from its two factors.
    published = (
        (17.8824, 43.5161, 4.11935),
        (3.45565, 27.1554, 3.86714),
        (0.0299566, 0.184309, 1.46709),
    )
    for ours, theirs in zip(color_math._LINEAR_TO_CONES, published, strict=True):
        assert tuple(100 * value for value in ours) == pytest.approx(theirs, rel=1e-4)


@pytest.mark.parametrize("kind", CVD_KINDS)
@given(color=hex_colors)
def test_simulation_agrees_with_coloraide(kind: str, color: str) -> None:
    from coloraide import Color

    filter_name, method = CVD_METHODS[kind]
    theirs = Color(color).filter(filter_name, 1.0, method=method)
    expected = theirs.convert("srgb").fit(method="clip").to_string(hex=True, compress=False)
    assert _channel_gap(simulate_dichromat(color, kind), expected) <= 1


@pytest.mark.parametrize("kind", CVD_KINDS)
def test_simulation_keeps_white_black_and_greys(kind: str) -> None:
    for grey in ("#000000", "#ffffff", "#777777"):
        assert _channel_gap(simulate_dichromat(grey, kind), grey) <= 1


def test_tritanopes_confuse_blue_and_green_but_not_red_and_green() -> None:
    # Brettel 1997: tritanopes' confusion lines run between blue and green-yellow.
    assert delta_e_2000(
        simulate_dichromat("#0072b2", "tritanopia"), simulate_dichromat("#009e73", "tritanopia")
    ) < delta_e_2000("#0072b2", "#009e73")
    red, green = "#d55e00", "#009e73"
    simulated = [simulate_dichromat(c, "tritanopia") for c in (red, green)]
    assert delta_e_2000(*simulated) > 30


def test_simulation_rejects_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="unknown colour-vision deficiency"):
        simulate_dichromat("#ffffff", "achromatopsia")
