"""The fixer's text: list rows, the before/after strip and the failure lines (pure functions)."""

from __future__ import annotations

from phtui.core.palette_check import PaletteCheck, check_palette
from phtui.core.palette_fix import ColorChange
from phtui.widgets.themes.fix_view import change_row, failures_text, strip_lines


def test_rows_say_what_happens_to_each_colour() -> None:
    change = ColorChange(2, "#f9bd2b", "#be8d00", 0.1604)
    assert change_row(2, "#F9BD2B", "#f9bd2b", change, locked=False).plain == (
        " 3    #f9bd2b →    #be8d00 0.160"
    )
    assert change_row(0, "#1d4aff", "#1d4aff", None, locked=True).plain == " 1    #1d4aff  locked"
    assert change_row(0, "#1d4aff", "#1d4aff", None, locked=False).plain.endswith("  kept")
    unknown = change_row(0, "#1d4aff", "#1d4aff", None, locked=False, known=False)
    assert unknown.plain == " 1    #1d4aff"
    # Entries PostHog stores that are not colours: shown inert, never "kept".
    assert change_row(4, "\x1b[31mred", None, None, locked=False).plain == (
        " 5 ░░ \\x1b[31  not a colour"
    )
    assert change_row(5, 7, None, None, locked=False).plain == " 6 ░░ 7        not a colour"


def test_strip_wraps_into_blocks_of_the_width() -> None:
    before = ["#000000"] * 12
    after: list[str | None] = ["#ffffff"] * 12
    wide = strip_lines(before, after, 80)
    assert [line.plain.rstrip() for line in wide] == [
        "        1  2  3  4  5  6  7  8  9 10 11 12",
        "before",
        "after",
    ]
    narrow = strip_lines(before, after, 7 + 3 * 5, changed=frozenset({1}))
    assert len(narrow) == 3 * 3 + 2  # three blocks of five, a blank line between blocks
    assert narrow[4].plain.rstrip() == "        6  7  8  9 10"
    assert narrow[0].spans[1].style.bold  # the changed colour's number stands out


def test_failures_group_a_pairs_conditions_and_mark_neighbours() -> None:
    result = check_palette(["#1d4aff", "#1e4bff", "#ffff00", "#1d4aff"], PaletteCheck())
    text = failures_text(result, heading="Failing now").plain.splitlines()
    assert text[0] == f"Failing now ({result.failure_count})"
    assert " 1↔ 2 neighbour: normal 0.2, deuteranopia 0.2, protanopia 0.2, tritanopia 0.3" in text
    assert any("wrap-around" in line and line.startswith(" 1↔ 4") for line in text)
    assert " 3 #ffff00: 1.07:1 on light #ffffff" in text
    passing = failures_text(check_palette(["#d1475b"], PaletteCheck()), heading="After the fix")
    assert passing.plain == "After the fix: every checked pair and contrast passes"


def test_a_failing_value_never_prints_as_its_threshold() -> None:
    result = check_palette(["#2b8a3e", "#2ba530"], PaletteCheck(cvd_kinds=(), modes=()))
    distance = result.pair_failures[0].distance
    assert 9.95 < distance < 10  # 9.96: rounded to nearest it would print "10.0"
    assert "normal 9.9" in failures_text(result, heading="x").plain
