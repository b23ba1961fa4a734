"""Tests of phtui.core.palette against published reference values and mathematical properties."""

from __future__ import annotations

import subprocess
import sys
import warnings
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phtui.core.palette import (
    CSS_NAMED_COLORS,
    CVD_KINDS,
    DARK_CHART_BG,
    LIGHT_CHART_BG,
    MAX_PALETTE_COLORS,
    MAX_PALETTE_TEXT,
    ColorPair,
    ColorParseError,
    analyse_palette,
    best_text_color,
    closest_pair,
    confusable_pairs,
    contrast_ratio,
    delta_e_2000,
    delta_e_2000_lab,
    hex_to_lab,
    parse_color,
    parse_palette,
    relative_luminance,
    series_color,
    similar_pairs,
    simulate_cvd,
    token_name,
)

# PostHog's global "Default Theme" (posthog/api/test/test_data_color_theme.py).
DEFAULT_THEME = [
    "#1d4aff",
    "#621da6",
    "#42827e",
    "#ce0e74",
    "#f14f58",
    "#7c440e",
    "#529a0a",
    "#0476fb",
    "#fe729e",
    "#35416b",
    "#41cbc4",
    "#b64b02",
    "#e4a604",
    "#a56eff",
    "#30d5c8",
]

channels = st.integers(min_value=0, max_value=255)
rgb_triples = st.tuples(channels, channels, channels)
hex_colors = rgb_triples.map(lambda rgb: "#{:02x}{:02x}{:02x}".format(*rgb))


# --- parse_color ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#1d4aff", "#1d4aff"),
        ("#1D4AFF", "#1d4aff"),
        ("  #1d4aff\n", "#1d4aff"),
        ("1d4aff", "#1d4aff"),
        ("#abc", "#aabbcc"),
        ("#ABC", "#aabbcc"),
        ("rgb(29, 74, 255)", "#1d4aff"),
        ("RGB( 29 ,74,255 )", "#1d4aff"),
        ("rgb(29 74 255)", "#1d4aff"),
        ("rgb(100%, 0%, 50%)", "#ff0080"),  # 127.5 rounds up, as CSS does
        ("rgb(0.4, 0.5, 254.5)", "#0001ff"),
        ("rgba(29, 74, 255, 1)", "#1d4aff"),
        ("rgb(29 74 255 / 100%)", "#1d4aff"),
        ("rebeccapurple", "#663399"),
        ("RebeccaPurple", "#663399"),
        (" navy ", "#000080"),
        ("grey", "#808080"),
    ],
)
def test_parse_color_accepts_common_notations(text: str, expected: str) -> None:
    assert parse_color(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "#12345",
        "#1234567",
        "#ggg",
        "abc",  # 3-digit hex needs its '#': "abc" could be a typo of a name
        "#1d4aff80",  # alpha is not a chart colour
        "rgb(1, 2)",
        "rgb(256, 0, 0)",
        "rgb(-1, 0, 0)",
        "rgb(101%, 0%, 0%)",
        "rgba(1, 2, 3, 0.5)",
        "hsl(0, 100%, 50%)",
        "transparent",
        "bluish",
        "# 1d4aff",
    ],
)
def test_parse_color_rejects_with_a_user_facing_message(text: str) -> None:
    with pytest.raises(ColorParseError) as caught:
        parse_color(text)
    assert caught.value.position is None
    assert caught.value.text == text
    assert str(caught.value).startswith(repr(text))


def test_parse_color_message_names_the_input_and_the_accepted_formats() -> None:
    with pytest.raises(ColorParseError) as caught:
        parse_color("#12345")
    assert str(caught.value) == (
        "'#12345' is not a colour: use #rgb, #rrggbb, rgb(r, g, b) or a CSS colour name"
    )


def test_parse_color_explains_range_and_transparency_errors() -> None:
    with pytest.raises(ColorParseError, match="out of range"):
        parse_color("rgb(300, 0, 0)")
    with pytest.raises(ColorParseError, match="transparency"):
        parse_color("rgba(0, 0, 0, 0.5)")


@pytest.mark.parametrize("value", [None, 5, 1.5, ["#fff"], {"hex": "#fff"}])
def test_parse_color_rejects_non_text_stored_by_other_clients(value: object) -> None:
    with pytest.raises(ColorParseError, match="expected text"):
        parse_color(value)  # type: ignore[arg-type]


def test_parse_color_is_a_value_error_for_callers_that_catch_broadly() -> None:
    assert issubclass(ColorParseError, ValueError)


@given(rgb_triples)
def test_parse_color_round_trips_every_notation(rgb: tuple[int, int, int]) -> None:
    red, green, blue = rgb
    expected = f"#{red:02x}{green:02x}{blue:02x}"
    assert parse_color(expected) == expected
    assert parse_color(expected.upper()) == expected
    assert parse_color(expected[1:]) == expected
    assert parse_color(f"rgb({red}, {green}, {blue})") == expected
    assert parse_color(f"rgb({red} {green} {blue})") == expected
    assert parse_color(f" {expected} ") == expected


@given(hex_colors)
def test_parse_color_is_idempotent(color: str) -> None:
    assert parse_color(parse_color(color)) == color


@given(st.tuples(*[st.sampled_from("0123456789abcdefABCDEF")] * 3))
def test_short_hex_doubles_each_digit(digits: tuple[str, str, str]) -> None:
    expected = "#" + "".join(d.lower() * 2 for d in digits)
    assert parse_color("#" + "".join(digits)) == expected


def test_named_colours_match_an_independent_table() -> None:
    """All 148 CSS Color 4 names, cross-checked against pydantic's CSS 3 table (147 names).

    coloraide's table is not used as the reference: it has mediumpurple as #9370d8 and
    palevioletred as #d87093, where CSS says #9370db and #db7093.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from pydantic.color import COLORS_BY_NAME

    css3 = {name: "#{:02x}{:02x}{:02x}".format(*rgb) for name, rgb in COLORS_BY_NAME.items()}
    assert len(CSS_NAMED_COLORS) == 148
    assert dict(CSS_NAMED_COLORS) == {**css3, "rebeccapurple": "#663399"}  # added in CSS 4
    assert CSS_NAMED_COLORS["mediumpurple"] == "#9370db"
    assert CSS_NAMED_COLORS["palevioletred"] == "#db7093"


# --- parse_palette -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "#1d4aff, #621da6, #42827e",
        "#1d4aff #621da6 #42827e",
        "#1d4aff;#621da6;#42827e",
        "#1d4aff\t#621da6\t#42827e",
        "#1d4aff\n#621da6\r\n#42827e\n",
        '["#1d4aff", "#621da6", "#42827e"]',
        "['#1d4aff', '#621da6', '#42827e']",
        '"#1d4aff", "#621da6", "#42827e"',
        "1D4AFF, 621DA6; 42827E",
        "rgb(29, 74, 255), #621da6, rgb(66 130 126)",
        "  \n[\n  '#1d4aff',\n  'rgb(98, 29, 166)',\n  '#42827e',\n]\n",
    ],
)
def test_parse_palette_accepts_common_separators(text: str) -> None:
    assert parse_palette(text) == ["#1d4aff", "#621da6", "#42827e"]


def test_parse_palette_of_blank_text_is_empty() -> None:
    assert parse_palette("") == []
    assert parse_palette(" \n\t") == []
    assert parse_palette("[]") == []


def test_parse_palette_names_the_first_bad_entry_and_its_position() -> None:
    with pytest.raises(ColorParseError) as caught:
        parse_palette("#1d4aff, #621da6, #12345, nope")
    assert caught.value.position == 3
    assert caught.value.text == "#12345"
    assert str(caught.value).startswith("Colour 3: '#12345' is not a colour")


def test_parse_palette_keeps_the_specific_reason() -> None:
    with pytest.raises(ColorParseError) as caught:
        parse_palette("#fff rgb(300, 0, 0)")
    assert caught.value.position == 2
    assert "out of range" in str(caught.value)


def test_parse_palette_reports_non_strings_in_a_json_array() -> None:
    with pytest.raises(ColorParseError) as caught:
        parse_palette('["#1d4aff", 42]')
    assert caught.value.position == 2
    assert str(caught.value) == "Colour 2: 42 is not a colour string"


def test_parse_palette_reports_bad_strings_in_a_json_array() -> None:
    with pytest.raises(ColorParseError) as caught:
        parse_palette('["#1d4aff", "#zzzzzz"]')
    assert caught.value.position == 2
    assert caught.value.text == "#zzzzzz"


# ---- caps: no paste and no theme can hang or crash the app -------------------------------------


def test_parse_palette_refuses_nested_arrays_before_parsing() -> None:
    deep = "[" * 10_000 + "]" * 10_000  # once a RecursionError that ended the app
    for text in (deep, '["#fff", ["#000"]]', '[{"color": "#fff"}]'):
        with pytest.raises(ColorParseError, match="one flat list"):
            parse_palette(text)


def test_parse_palette_refuses_more_than_the_cap_of_colours() -> None:
    colours = [f"#{n:06x}" for n in range(MAX_PALETTE_COLORS + 1)]
    assert len(parse_palette(" ".join(colours[:-1]))) == MAX_PALETTE_COLORS
    message = f"More than {MAX_PALETTE_COLORS} colours: a palette holds at most 100"
    for text in (" ".join(colours), str(colours).replace("'", '"')):
        with pytest.raises(ColorParseError, match=message):
            parse_palette(text)


def test_parse_palette_refuses_text_longer_than_any_palette() -> None:
    with pytest.raises(ColorParseError, match="Too long for a palette: 20,001 characters"):
        parse_palette("#fff " * (MAX_PALETTE_TEXT // 5) + "x")
    # 100 colours in the longest spelling, one a line, fit comfortably.
    longest = ",\n".join(["rgb(100%, 100%, 100%)"] * MAX_PALETTE_COLORS)
    assert len(parse_palette(longest)) == MAX_PALETTE_COLORS


def test_analysis_reads_the_first_colours_only() -> None:
    # 20,000 identical colours once got the process killed (200 million pairs).
    report = analyse_palette(["#123456"] * 20_000)
    assert report.skipped == 20_000 - MAX_PALETTE_COLORS
    assert len(report.colors) == MAX_PALETTE_COLORS
    assert len(report.similar) == MAX_PALETTE_COLORS * (MAX_PALETTE_COLORS - 1) // 2
    assert analyse_palette(["#123456"]).skipped == 0


@given(st.lists(hex_colors, max_size=20), st.sampled_from([", ", " ", ";", "\n", "\t", " ;\n"]))
def test_parse_palette_round_trips_joined_lists(colors: list[str], separator: str) -> None:
    assert parse_palette(separator.join(colors)) == colors


@given(st.lists(hex_colors, max_size=20))
def test_parse_palette_round_trips_json_arrays(colors: list[str]) -> None:
    import json

    assert parse_palette(json.dumps(colors)) == colors


# --- WCAG contrast -------------------------------------------------------------------------------


def test_relative_luminance_of_black_white_and_primaries() -> None:
    # WCAG 2.x definition: L = 0.2126 R + 0.7152 G + 0.0722 B on linearised channels.
    assert relative_luminance("#000000") == 0.0
    assert relative_luminance("#ffffff") == pytest.approx(1.0)
    assert relative_luminance("#ff0000") == pytest.approx(0.2126)
    assert relative_luminance("#00ff00") == pytest.approx(0.7152)
    assert relative_luminance("#0000ff") == pytest.approx(0.0722)


def test_linearisation_threshold_is_0_04045() -> None:
    # Channel 10/255 = 0.0392 is below the threshold (linear segment); 11/255 = 0.0431 is above.
    assert relative_luminance("#0a0a0a") == pytest.approx(10 / 255 / 12.92)
    assert relative_luminance("#0b0b0b") == pytest.approx(((11 / 255 + 0.055) / 1.055) ** 2.4)


@pytest.mark.parametrize(
    ("foreground", "background", "ratio"),
    [
        # WebAIM's contrast checker figures, the usual references for WCAG 2.x ratios.
        ("#000000", "#ffffff", 21.0),
        ("#767676", "#ffffff", 4.54),
        ("#777777", "#ffffff", 4.48),
        ("#0000ff", "#ffffff", 8.59),
        ("#ff0000", "#ffffff", 4.0),
        ("#ffffff", "#ffffff", 1.0),
    ],
)
def test_contrast_ratio_matches_published_values(
    foreground: str, background: str, ratio: float
) -> None:
    assert contrast_ratio(foreground, background) == pytest.approx(ratio, abs=0.005)


@given(hex_colors, hex_colors)
def test_contrast_ratio_is_symmetric_and_between_1_and_21(a: str, b: str) -> None:
    ratio = contrast_ratio(a, b)
    assert ratio == contrast_ratio(b, a)
    assert 1.0 <= ratio <= 21.0 + 1e-9


@given(hex_colors)
def test_best_text_color_is_the_higher_contrast_of_black_and_white(background: str) -> None:
    best = best_text_color(background)
    other = "#ffffff" if best == "#000000" else "#000000"
    assert best in ("#000000", "#ffffff")
    assert contrast_ratio(best, background) >= contrast_ratio(other, background)


def test_best_text_color_on_known_backgrounds() -> None:
    assert best_text_color("#ffffff") == "#000000"
    assert best_text_color("#000000") == "#ffffff"
    assert best_text_color("#1d4aff") == "#ffffff"
    assert best_text_color("#e4a604") == "#000000"
    # Mid-range greys are where naive "brightness > 50%" rules get it wrong: #777777 has a
    # luminance of 0.184, so black (4.68:1) beats white (4.48:1).
    assert best_text_color("#777777") == "#000000"


# --- CIEDE2000 -----------------------------------------------------------------------------------

# Table 1 of G. Sharma, W. Wu, E. N. Dalal, "The CIEDE2000 color-difference formula:
# implementation notes, supplementary test data, and mathematical observations",
# Color Research & Application 30(1), 21-30, 2005: (L1, a1, b1), (L2, a2, b2), ΔE00.
SHARMA_2005 = [
    ((50.0000, 2.6772, -79.7751), (50.0000, 0.0000, -82.7485), 2.0425),
    ((50.0000, 3.1571, -77.2803), (50.0000, 0.0000, -82.7485), 2.8615),
    ((50.0000, 2.8361, -74.0200), (50.0000, 0.0000, -82.7485), 3.4412),
    ((50.0000, -1.3802, -84.2814), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, -1.1848, -84.8006), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, -0.9009, -85.5211), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, 0.0000, 0.0000), (50.0000, -1.0000, 2.0000), 2.3669),
    ((50.0000, -1.0000, 2.0000), (50.0000, 0.0000, 0.0000), 2.3669),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0009), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0010), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0011), 7.2195),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0012), 7.2195),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0009, -2.4900), 4.8045),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0010, -2.4900), 4.8045),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0011, -2.4900), 4.7461),
    ((50.0000, 2.5000, 0.0000), (50.0000, 0.0000, -2.5000), 4.3065),
    ((50.0000, 2.5000, 0.0000), (73.0000, 25.0000, -18.0000), 27.1492),
    ((50.0000, 2.5000, 0.0000), (61.0000, -5.0000, 29.0000), 22.8977),
    ((50.0000, 2.5000, 0.0000), (56.0000, -27.0000, -3.0000), 31.9030),
    ((50.0000, 2.5000, 0.0000), (58.0000, 24.0000, 15.0000), 19.4535),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.1736, 0.5854), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.2972, 0.0000), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 1.8634, 0.5757), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.2592, 0.3350), 1.0000),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((63.0109, -31.0961, -5.8663), (62.8187, -29.7946, -4.0864), 1.2630),
    ((61.2901, 3.7196, -5.3901), (61.4292, 2.2480, -4.9620), 1.8731),
    ((35.0831, -44.1164, 3.7933), (35.0232, -40.0716, 1.5901), 1.8645),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((36.4612, 47.8580, 18.3852), (36.2715, 50.5065, 21.2231), 1.4146),
    ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ((6.7747, -0.2908, -2.4247), (5.8714, -0.0985, -2.2286), 0.6377),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA_2005)
def test_delta_e_2000_matches_sharma_wu_dalal_2005(
    lab1: tuple[float, float, float], lab2: tuple[float, float, float], expected: float
) -> None:
    # The table gives four decimals.
    assert delta_e_2000_lab(lab1, lab2) == pytest.approx(expected, abs=5e-5)
    assert delta_e_2000_lab(lab2, lab1) == pytest.approx(expected, abs=5e-5)


def test_hex_to_lab_matches_reference_values() -> None:
    # sRGB primaries in CIELAB with a D65 white (as tabulated by e.g. Bruce Lindbloom's calculator).
    assert hex_to_lab("#ffffff") == pytest.approx((100.0, 0.0, 0.0), abs=1e-3)
    assert hex_to_lab("#000000") == pytest.approx((0.0, 0.0, 0.0), abs=1e-9)
    assert hex_to_lab("#ff0000") == pytest.approx((53.2408, 80.0925, 67.2032), abs=2e-3)
    assert hex_to_lab("#00ff00") == pytest.approx((87.7347, -86.1827, 83.1793), abs=2e-3)
    assert hex_to_lab("#0000ff") == pytest.approx((32.2970, 79.1875, -107.8602), abs=2e-3)


@given(hex_colors, hex_colors)
def test_delta_e_2000_agrees_with_coloraide(a: str, b: str) -> None:
    """An independent implementation (coloraide, Lab with a D65 white) of the same formula."""
    from coloraide import Color

    theirs = Color(a).delta_e(Color(b), method="2000", space="lab-d65")
    # coloraide derives its sRGB matrix and D65 white from chromaticities; ours are the usual
    # 7-digit constants. Lab then differs by up to ~0.01, hence the tolerance.
    assert delta_e_2000(a, b) == pytest.approx(theirs, rel=5e-4, abs=5e-3)


@given(hex_colors, hex_colors)
def test_delta_e_2000_is_symmetric_and_zero_only_for_equal_colours(a: str, b: str) -> None:
    distance = delta_e_2000(a, b)
    assert distance == pytest.approx(delta_e_2000(b, a), abs=1e-9)
    assert distance >= 0
    assert (distance < 1e-9) == (a == b)


def test_delta_e_2000_accepts_any_colour_notation() -> None:
    assert delta_e_2000("red", "#f00") == 0.0
    assert delta_e_2000("black", "white") == pytest.approx(100.0, abs=1e-3)


# --- Distinctness --------------------------------------------------------------------------------


def test_closest_pair_of_the_default_theme() -> None:
    # preset-11 (#41cbc4) and preset-15 (#30d5c8) are the two teals of PostHog's default theme.
    pair = closest_pair(DEFAULT_THEME)
    assert pair is not None
    assert (pair.i, pair.j) == (10, 14)
    assert pair.distance == pytest.approx(delta_e_2000("#41cbc4", "#30d5c8"))
    assert pair.distance < 5


def test_closest_pair_needs_two_valid_colours() -> None:
    assert closest_pair([]) is None
    assert closest_pair(["#fff"]) is None
    assert closest_pair(["#fff", "not a colour"]) is None


def test_pairs_skip_invalid_entries_but_keep_positions() -> None:
    pair = closest_pair(["#ff0000", None, "oops", "#fe0000"])  # type: ignore[list-item]
    assert pair == ColorPair(0, 3, pytest.approx(delta_e_2000("#ff0000", "#fe0000")))


def test_similar_pairs_are_under_the_threshold_and_nearest_first() -> None:
    colors = ["#ff0000", "#0000ff", "#fe0101", "#0000f0", "#00ff00"]
    pairs = similar_pairs(colors, threshold=10.0)
    assert [(p.i, p.j) for p in pairs] == [(0, 2), (1, 3)]
    assert pairs[0].distance < pairs[1].distance < 10.0
    assert similar_pairs(colors, threshold=0.0) == []


@given(st.lists(hex_colors, max_size=12), st.floats(min_value=0, max_value=120))
def test_similar_pairs_is_exactly_the_pairs_under_the_threshold(
    colors: list[str], threshold: float
) -> None:
    pairs = similar_pairs(colors, threshold)
    expected = {
        (i, j)
        for i in range(len(colors))
        for j in range(i + 1, len(colors))
        if delta_e_2000(colors[i], colors[j]) < threshold
    }
    assert {(p.i, p.j) for p in pairs} == expected
    assert [p.distance for p in pairs] == sorted(p.distance for p in pairs)
    best = closest_pair(colors)
    if pairs:
        assert best == pairs[0]


# --- Colour-vision deficiency --------------------------------------------------------------------


def test_colour_vision_maths_needs_no_coloraide_at_runtime() -> None:
    # A fresh interpreter: this test process has imported coloraide already (as a test oracle).
    code = (
        "import sys, phtui.core.palette as p\n"
        "p.analyse_palette(['#1d4aff', '#621da6'])\n"
        "assert 'coloraide' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# Viénot, Brettel & Mollon (1999), "Digital video colourmaps for checking the legibility of
# displays by dichromats", Color Research & Application 24(4), 243-252: linear RGB -> LMS
# (Smith & Pokorny cone fundamentals) and the published dichromat projections
# L' = 2.02344 M - 2.52581 S (protanope) and M' = 0.494207 L + 1.24827 S (deuteranope).
VIENOT_RGB_TO_LMS = (
    (17.8824, 43.5161, 4.11935),
    (3.45565, 27.1554, 3.86714),
    (0.0299566, 0.184309, 1.46709),
)


def _matmul(matrix: Sequence[Sequence[float]], vector: Sequence[float]) -> list[float]:
    return [sum(m * v for m, v in zip(row, vector, strict=True)) for row in matrix]


def _inverse(m: Sequence[Sequence[float]]) -> list[list[float]]:
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    adjugate = [
        [e * i - f * h, c * h - b * i, b * f - c * e],
        [f * g - d * i, a * i - c * g, c * d - a * f],
        [d * h - e * g, b * g - a * h, a * e - b * d],
    ]
    return [[value / det for value in row] for row in adjugate]


def _to_linear(color: str) -> list[float]:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return [channel(int(color[k : k + 2], 16)) for k in (1, 3, 5)]


def _to_hex(linear: Sequence[float]) -> str:
    def channel(value: float) -> int:
        c = min(max(value, 0.0), 1.0)
        encoded = c * 12.92 if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055
        return round(encoded * 255)

    return "#" + "".join(f"{channel(v):02x}" for v in linear)


def _vienot_1999(color: str, kind: str) -> str:
    long, medium, short = _matmul(VIENOT_RGB_TO_LMS, _to_linear(color))
    if kind == "protanopia":
        long = 2.02344 * medium - 2.52581 * short
    else:
        medium = 0.494207 * long + 1.24827 * short
    return _to_hex(_matmul(_inverse(VIENOT_RGB_TO_LMS), (long, medium, short)))


def _channel_gap(a: str, b: str) -> int:
    return max(abs(int(a[k : k + 2], 16) - int(b[k : k + 2], 16)) for k in (1, 3, 5))


REFERENCE_COLORS = [*DEFAULT_THEME, "#ff0000", "#00ff00", "#0000ff", "#ffff00", "#808080"]


@pytest.mark.parametrize("kind", ["protanopia", "deuteranopia"])
@pytest.mark.parametrize("color", REFERENCE_COLORS)
def test_red_green_simulation_matches_vienot_1999(color: str, kind: str) -> None:
    assert _channel_gap(simulate_cvd(color, kind), _vienot_1999(color, kind)) <= 1


@given(hex_colors, st.sampled_from(["protanopia", "deuteranopia"]))
def test_red_green_simulation_matches_vienot_1999_everywhere(color: str, kind: str) -> None:
    assert _channel_gap(simulate_cvd(color, kind), _vienot_1999(color, kind)) <= 1


# The Default Theme without its two saturated blues (#1d4aff, #0476fb), whose tritanope
# simulations fall outside sRGB and are clipped.
IN_GAMUT_FOR_TRITANOPES = [c for c in DEFAULT_THEME if c not in ("#1d4aff", "#0476fb")]


@pytest.mark.parametrize("color", IN_GAMUT_FOR_TRITANOPES)
def test_tritanopia_keeps_long_and_medium_cone_responses(color: str) -> None:
    """Brettel, Viénot & Mollon (1997), "Computerized simulation of color appearance for
    dichromats", JOSA A 14(10): a tritanope lacks S cones, so the simulation replaces only the S
    response and keeps L and M (up to 8-bit rounding)."""
    simulated = simulate_cvd(color, "tritanopia")
    before = _matmul(VIENOT_RGB_TO_LMS, _to_linear(color))
    after = _matmul(VIENOT_RGB_TO_LMS, _to_linear(simulated))
    assert after[0] == pytest.approx(before[0], rel=0.015, abs=0.05)
    assert after[1] == pytest.approx(before[1], rel=0.015, abs=0.05)


@pytest.mark.parametrize("kind", CVD_KINDS)
@pytest.mark.parametrize("grey", ["#000000", "#ffffff", "#808080", "#3a3a3a", "#d0d0d0"])
def test_dichromats_see_greys_unchanged(grey: str, kind: str) -> None:
    # All three models keep the neutral axis fixed (the projection planes contain white).
    assert _channel_gap(simulate_cvd(grey, kind), grey) <= 1


def test_simulate_cvd_accepts_any_notation_and_returns_hex() -> None:
    assert simulate_cvd("red", "protanopia") == simulate_cvd("#FF0000", "protanopia")
    assert simulate_cvd("#1d4aff", "tritanopia").startswith("#")
    assert len(simulate_cvd("#1d4aff", "tritanopia")) == 7


def test_simulate_cvd_rejects_unknown_kinds_and_bad_colours() -> None:
    with pytest.raises(ValueError, match="unknown colour-vision deficiency"):
        simulate_cvd("#ffffff", "achromatopsia")
    with pytest.raises(ColorParseError):
        simulate_cvd("#12345", "protanopia")


@pytest.mark.parametrize(
    "colors", [["darkgreen", "saddlebrown"], ["limegreen", "orange"], ["#006400", "#8b4513"]]
)
def test_green_and_brown_or_orange_are_confusable_for_red_green_dichromats_only(
    colors: list[str],
) -> None:
    # Classic red-green confusions: far apart for trichromats (>40) and tritanopes, within
    # 8 for protanopes and deuteranopes.
    assert delta_e_2000(*colors) > 40
    for kind in ("protanopia", "deuteranopia"):
        simulated = [simulate_cvd(c, kind) for c in colors]
        assert confusable_pairs(colors, kind) == [
            ColorPair(0, 1, pytest.approx(delta_e_2000(*simulated)))
        ]
        assert confusable_pairs(colors, kind, threshold=3.0) == []
    assert confusable_pairs(colors, "tritanopia") == []


def test_default_theme_has_a_protanopia_confusion() -> None:
    # preset-8 (#0476fb) and preset-14 (#a56eff): about 20 apart normally, about 2 for protanopes.
    assert delta_e_2000("#0476fb", "#a56eff") > 15
    pairs = confusable_pairs(DEFAULT_THEME, "protanopia")
    assert (pairs[0].i, pairs[0].j) == (7, 13)
    assert pairs[0].distance < 3


# --- Series colours ------------------------------------------------------------------------------


@given(st.lists(hex_colors, min_size=1, max_size=20), st.integers(min_value=0, max_value=500))
def test_series_colours_wrap_around_like_posthog(colors: list[str], series: int) -> None:
    color = series_color(colors, series)
    assert color == colors[series % len(colors)]
    # Series N uses token preset-((N mod len) + 1).
    assert token_name(series % len(colors)) == f"preset-{series % len(colors) + 1}"


def test_series_color_examples() -> None:
    assert series_color(DEFAULT_THEME, 0) == "#1d4aff"
    assert series_color(DEFAULT_THEME, 14) == "#30d5c8"
    assert series_color(DEFAULT_THEME, 15) == "#1d4aff"
    assert token_name(0) == "preset-1"
    assert token_name(14) == "preset-15"


def test_series_color_rejects_empty_palettes_and_negative_indices() -> None:
    with pytest.raises(ValueError):
        series_color([], 0)
    with pytest.raises(ValueError):
        series_color(DEFAULT_THEME, -1)
    with pytest.raises(ValueError):
        token_name(-1)


# --- analyse_palette -----------------------------------------------------------------------------


def test_chart_backgrounds() -> None:
    assert parse_color(DARK_CHART_BG) == DARK_CHART_BG
    assert LIGHT_CHART_BG == "#ffffff"


def test_analyse_palette_of_the_default_theme() -> None:
    report = analyse_palette(DEFAULT_THEME)
    assert report.colors == tuple(DEFAULT_THEME)
    assert report.invalid == ()
    assert [c.index for c in report.contrast] == list(range(15))
    navy = report.contrast[9]  # #35416b: fine on white, nearly invisible on the dark surface
    assert navy.on_light == pytest.approx(contrast_ratio("#35416b", "#ffffff"))
    assert navy.on_dark == pytest.approx(contrast_ratio("#35416b", DARK_CHART_BG))
    assert navy.low_on_dark and not navy.low_on_light
    teal = report.contrast[14]  # #30d5c8: the reverse
    assert teal.low_on_light and not teal.low_on_dark
    assert report.closest == closest_pair(DEFAULT_THEME)
    assert report.similar == tuple(similar_pairs(DEFAULT_THEME, 10.0))
    assert set(report.cvd) == set(CVD_KINDS)
    for kind in CVD_KINDS:
        assert report.cvd[kind].kind == kind
        assert report.cvd[kind].simulated == tuple(simulate_cvd(c, kind) for c in DEFAULT_THEME)
        assert report.cvd[kind].confusable == tuple(confusable_pairs(DEFAULT_THEME, kind, 10.0))
    assert report.low_contrast == tuple(
        c for c in report.contrast if c.on_dark < 3 or c.on_light < 3
    )


def test_analyse_palette_reports_invalid_entries_and_skips_them() -> None:
    colors = ["#ff0000", "#12345", None, "#FE0000", 7, {"hex": "#fff"}, "navy"]
    report = analyse_palette(colors)  # type: ignore[arg-type]
    assert report.invalid == (1, 2, 4, 5)
    assert report.colors == ("#ff0000", None, None, "#fe0000", None, None, "#000080")
    assert [c.index for c in report.contrast] == [0, 3, 6]
    assert report.closest is not None
    assert (report.closest.i, report.closest.j) == (0, 3)
    for cvd in report.cvd.values():
        assert [s is None for s in cvd.simulated] == [c is None for c in report.colors]
        assert all(p.i not in report.invalid and p.j not in report.invalid for p in cvd.confusable)


def test_analyse_palette_honours_its_settings() -> None:
    report = analyse_palette(
        ["#777777", "#787878"],
        dark_bg="black",
        light_bg="#eee",
        min_contrast=4.5,
        distinct_threshold=0.1,
    )
    assert report.dark_bg == "#000000"
    assert report.light_bg == "#eeeeee"
    assert report.contrast[0].low_on_light  # 4.48 on white, lower on #eeeeee
    assert not report.contrast[0].low_on_dark
    assert report.similar == ()
    assert report.closest is not None


def test_analyse_palette_of_an_empty_palette() -> None:
    report = analyse_palette([])
    assert report.colors == ()
    assert report.closest is None
    assert report.similar == ()
    assert all(cvd.simulated == () and cvd.confusable == () for cvd in report.cvd.values())


def test_analyse_palette_rejects_invalid_backgrounds() -> None:
    with pytest.raises(ColorParseError):
        analyse_palette(DEFAULT_THEME, dark_bg="dark")
