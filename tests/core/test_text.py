"""Tests of phtui.core.text: server text made inert, visibly."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from phtui.core.text import (
    ELLIPSIS,
    EscapedLine,
    escape_char,
    first_line,
    fit,
    is_unsafe,
    normalise_paste,
    one_line,
    unsafe_characters,
    visible,
)

HOSTILE = "\x1b]52;c;U1RQQVk=\x1b\\ST\x07 \x1b[31mred\u202egnp.exe\u200b\x9b"


def test_visible_escapes_escape_sequences_bidi_and_zero_width() -> None:
    shown = visible(HOSTILE)
    assert not any(is_unsafe(char) for char in shown)
    assert shown.startswith("\\x1b]52;c;U1RQQVk=\\x1b\\ST\\x07")
    assert "\\u202e" in shown and "\\u200b" in shown and "\\x9b" in shown


def test_visible_keeps_newlines_unless_told_not_to() -> None:
    assert visible("a\nb\x07") == "a\nb\\x07"
    assert visible("a\nb", keep_newlines=False) == "a\\x0ab"


def test_markup_is_left_as_text() -> None:
    assert visible("[bold]x[/bold]") == "[bold]x[/bold]"
    assert one_line("[red]x") == "[red]x"


def test_one_line_collapses_whitespace_and_escapes() -> None:
    assert one_line("  a \n\t b\x1b[0m ") == "a b\\x1b[0m"


def test_escape_char_spellings() -> None:
    assert escape_char("\x1b") == "\\x1b"
    assert escape_char("\u202e") == "\\u202e"
    assert escape_char("\U000e0001") == "\\U000e0001"


def test_fit_cuts_to_width_with_an_ellipsis() -> None:
    assert fit("abcdef", 4) == "abc" + ELLIPSIS
    assert fit("abc", 3) == "abc"
    assert fit("a\x1bb", 20) == "a\\x1bb"
    assert fit("ab", 0) == ""


@given(st.text(), st.integers(min_value=1, max_value=60))
def test_fit_is_always_safe_and_within_width(text: str, width: int) -> None:
    shown = fit(text, width)
    assert cell_len(shown) <= width
    assert not any(is_unsafe(char) for char in shown)


@given(st.text())
def test_visible_and_one_line_never_let_an_unsafe_character_through(text: str) -> None:
    assert not any(is_unsafe(char) for char in visible(text, keep_newlines=False))
    assert not any(is_unsafe(char) for char in one_line(text))


# ---- pastes ------------------------------------------------------------------------------------


def test_normalise_paste_makes_line_ends_lf_and_drops_nuls() -> None:
    assert normalise_paste("a\r\nb\rc\nd\x00e") == "a\nb\nc\nde"


def test_first_line_skips_blank_lines_at_the_ends() -> None:
    assert first_line("\r\n  #fff \r\n#000\n") == "  #fff "
    assert first_line("one\u2028two") == "one\u2028two"  # only line ends cut
    assert first_line("\n\n") == ""


def test_unsafe_characters_lists_each_once() -> None:
    assert unsafe_characters("plain") == frozenset()
    assert unsafe_characters("a\x1b\x1b\t\n", keep="\n") == {"\x1b", "\t"}


# ---- EscapedLine -------------------------------------------------------------------------------


def test_escaped_line_maps_positions_to_the_drawn_escapes() -> None:
    line = EscapedLine("ab\x1bc日\u202e")
    assert line.shown == "ab\\x1bc日\\u202e"
    assert line.has_escapes and line.cell_length == cell_len(line.shown)
    assert [line.shown_index(p) for p in range(7)] == [0, 1, 2, 6, 7, 8, 14]
    assert [line.cell(p) for p in range(7)] == [0, 1, 2, 6, 7, 9, 15]
    # A cell inside an escape is its character; the second cell of 日 is 日.
    assert [line.position_at_cell(c) for c in (2, 5, 6, 7, 8, 9, 14, 15, 99)] == [
        2, 2, 3, 4, 4, 5, 5, 6, 6,
    ]  # fmt: skip


def test_escaped_line_of_safe_text_is_one_run() -> None:
    line = EscapedLine("hello")
    assert not line.has_escapes and len(line.runs) == 1 and line.shown == "hello"
    assert not EscapedLine("").has_escapes


@given(st.text(max_size=40))
def test_escaped_line_is_safe_and_consistent(text: str) -> None:
    line = EscapedLine(text)
    assert not any(is_unsafe(char) for char in line.shown)
    cells = [line.cell(p) for p in range(len(text) + 1)]
    assert cells == sorted(cells) and cells[-1] == line.cell_length == cell_len(line.shown)
    for position in range(len(text)):
        if cells[position + 1] > cells[position]:  # characters with width come back
            assert line.position_at_cell(cells[position]) == position
