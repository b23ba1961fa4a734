"""Theme files: each format reads back what it wrote; diffs name every position that changes."""

from __future__ import annotations

import json
from pathlib import PurePath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phtui.core.theme_file import (
    FILE_FORMAT,
    ColorDiff,
    ThemeFile,
    ThemeFileError,
    ThemeFormat,
    color_diff,
    dump_theme,
    format_for_path,
    load_theme,
)

BRAND = ThemeFile(
    "Brand", ["#1d4aff", "#f54e00", "#f9bd2b"], id=5, project_id=1, host="http://127.0.0.1:8010"
)
channels = st.integers(min_value=0, max_value=255)
hex_colors = st.tuples(channels, channels, channels).map(
    lambda rgb: "#{:02x}{:02x}{:02x}".format(*rgb)
)
names = st.text(min_size=1, max_size=40).filter(lambda name: name.strip())


def test_json_keeps_what_posthog_stores_and_where_it_came_from() -> None:
    theme = ThemeFile("Looker", ["#f80", "teal", 7, None], id=9, project_id=2, host="https://x")
    text = dump_theme(theme, ThemeFormat.JSON)
    document = json.loads(text)
    assert document == {
        "format": FILE_FORMAT,
        "name": "Looker",
        "colors": ["#f80", "teal", 7, None],
        "source": {"host": "https://x", "project_id": 2, "id": 9},
    }
    assert load_theme(text) == theme
    assert load_theme(text, ThemeFormat.JSON) == theme


def test_css_uses_posthog_token_names_and_reads_back() -> None:
    text = dump_theme(BRAND, ThemeFormat.CSS)
    assert "  --preset-1: #1d4aff;\n  --preset-2: #f54e00;\n  --preset-3: #f9bd2b;\n" in text
    assert load_theme(text) == BRAND
    assert load_theme(text, ThemeFormat.CSS) == BRAND


def test_tokens_are_dtcg_colour_tokens_and_read_back() -> None:
    text = dump_theme(BRAND, ThemeFormat.TOKENS)
    document = json.loads(text)
    assert document["$type"] == "color"
    assert document["preset-1"] == {
        "$value": {"colorSpace": "srgb", "components": [0.1137, 0.2902, 1.0], "hex": "#1d4aff"}
    }
    assert document["$extensions"]["phtui"]["name"] == "Brand"
    assert load_theme(text) == BRAND
    assert load_theme(text, ThemeFormat.TOKENS) == BRAND


def test_tokens_from_other_tools_hex_strings_components_and_order() -> None:
    document = {
        "$extensions": {"phtui": {"name": "Mixed"}},
        "preset-2": {"$type": "color", "$value": "#F54E00"},
        "preset-1": {"$type": "color", "$value": {"colorSpace": "srgb", "components": [0, 0, 1]}},
    }
    assert load_theme(json.dumps(document)).colors == ["#0000ff", "#f54e00"]


@pytest.mark.parametrize("fmt", [ThemeFormat.CSS, ThemeFormat.TOKENS])
def test_entries_that_are_not_colours_are_left_out_of_css_and_tokens(fmt: ThemeFormat) -> None:
    theme = ThemeFile("Gappy", ["#000000", "oops", 3, "#ffffff"])
    assert theme.invalid == [1, 2]
    assert load_theme(dump_theme(theme, fmt)).colors == ["#000000", "#ffffff"]


def test_a_css_name_cannot_end_its_comment() -> None:
    theme = ThemeFile("a */ b { --preset-1: red; } /*", ["#123456"])
    text = dump_theme(theme, ThemeFormat.CSS)
    assert text.count("*/") == 2  # the two comments' own ends
    assert load_theme(text) == theme


@given(
    names,
    st.lists(hex_colors, min_size=1, max_size=20),
    st.sampled_from(list(ThemeFormat)),
)
def test_every_format_round_trips(name: str, colors: list[str], fmt: ThemeFormat) -> None:
    theme = ThemeFile(name, colors, id=3, project_id=4)
    assert load_theme(dump_theme(theme, fmt)) == theme


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not JSON: Expecting property name"),
        ("[1]", "a theme file holds a JSON object"),
        ('{"colors": 3}', 'no "colors" list'),
        ('{"name": "", "colors": []}', "the file has no theme name"),
        ('{"name": "x", "colors": {}}', 'no "colors" list'),
        ('{"preset-1": {"$value": "#fff"}}', '"$extensions"."phtui"'),
        (
            '{"$extensions": {"phtui": {"name": "t"}}, "preset-1": {"$value": 3}}',
            "token 'preset-1' has no sRGB colour value",
        ),
        (
            '{"$extensions": {"phtui": {"name": "t"}}, "p": {"$value": "#12345"}}',
            "token 'p': ",
        ),
        (":root { --preset-1: red; }", "no /* phtui-theme"),
        ('/* phtui-theme: {"name": "t"} */ :root {}', "sets no --preset-N"),
        ('/* phtui-theme: {"name": "t"} */ --preset-1: nope;', "--preset-1: "),
        ('/* phtui-theme: {"name": "t"} */ --preset-1: red; --preset-1: blue;', "set twice"),
    ],
)
def test_broken_files_say_why_in_one_line(text: str, message: str) -> None:
    with pytest.raises(ThemeFileError) as raised:
        load_theme(text)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_format_for_path() -> None:
    assert format_for_path(PurePath("brand.json")) is ThemeFormat.JSON
    assert format_for_path(PurePath("brand.tokens.json")) is ThemeFormat.TOKENS
    assert format_for_path(PurePath("brand.tokens")) is ThemeFormat.TOKENS
    assert format_for_path(PurePath("dir/Brand.CSS")) is ThemeFormat.CSS
    assert format_for_path(PurePath("brand.txt")) is None


def test_colour_diff_by_position() -> None:
    old = ["#1d4aff", "#f54e00", 1, "#000000"]
    new = ["#1d4aff", "#e14a00", 1.0]
    diff = color_diff(old, new)
    assert diff == [
        ColorDiff(1, "changed", "#f54e00", "#e14a00"),
        ColorDiff(2, "changed", 1, 1.0),  # JSON keeps 1 and 1.0 apart, and so does PostHog
        ColorDiff(3, "removed", old="#000000"),
    ]
    assert [line.describe() for line in diff] == [
        "preset-2  #f54e00 → #e14a00",
        "preset-3  1 → 1.0",
        "preset-4  - #000000 (removed)",
    ]
    assert color_diff(["#000000"], ["#000000", "#ffffff"])[0].describe() == (
        "preset-2  + #ffffff (added)"
    )
    assert color_diff(new, new) == []
