"""Tests of phtui.core.text: server text made inert, visibly."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from phtui.core.text import ELLIPSIS, escape_char, fit, is_unsafe, one_line, visible

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
