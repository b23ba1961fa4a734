"""Colour-depth detection from the environment and the note shown when swatches are rounded."""

from __future__ import annotations

import pytest

from phtui.core.colordepth import (
    ColorDepth,
    approximation_note,
    depth_from_color_system,
    detect_color_depth,
    is_ssh_session,
)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"COLORTERM": "truecolor", "TERM": "xterm-256color"}, ColorDepth.TRUECOLOR),
        ({"COLORTERM": "24bit", "TERM": "xterm"}, ColorDepth.TRUECOLOR),
        ({"TERM": "xterm-256color"}, ColorDepth.EIGHT_BIT),
        ({"TERM": "screen-256color"}, ColorDepth.EIGHT_BIT),
        ({"TERM": "xterm"}, ColorDepth.STANDARD),
        ({"TERM": "linux"}, ColorDepth.STANDARD),
        ({"TERM": "xterm-kitty"}, ColorDepth.TRUECOLOR),
        ({"TERM": "xterm-direct"}, ColorDepth.TRUECOLOR),
        ({"TERM": "dumb", "COLORTERM": ""}, ColorDepth.MONOCHROME),
        ({}, ColorDepth.MONOCHROME),
        ({"NO_COLOR": "1", "COLORTERM": "truecolor"}, ColorDepth.MONOCHROME),
        ({"TEXTUAL_COLOR_SYSTEM": "256", "COLORTERM": "truecolor"}, ColorDepth.EIGHT_BIT),
        ({"TEXTUAL_COLOR_SYSTEM": "auto", "TERM": "xterm-256color"}, ColorDepth.EIGHT_BIT),
    ],
)
def test_detect_color_depth(environ: dict[str, str], expected: ColorDepth) -> None:
    assert detect_color_depth(environ) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("truecolor", ColorDepth.TRUECOLOR),
        ("256", ColorDepth.EIGHT_BIT),
        ("standard", ColorDepth.STANDARD),
        ("windows", ColorDepth.STANDARD),
        (None, ColorDepth.MONOCHROME),
    ],
)
def test_depth_from_rich_color_system(name: str | None, expected: ColorDepth) -> None:
    assert depth_from_color_system(name) is expected


def test_no_note_when_exact() -> None:
    assert approximation_note(ColorDepth.TRUECOLOR, {}) is None


def test_note_names_the_depth_and_the_fix() -> None:
    note = approximation_note(ColorDepth.EIGHT_BIT, {"TERM": "xterm-256color"})
    assert note is not None
    assert note.startswith("256 colours: swatches are approximated.")
    assert "COLORTERM=truecolor" in note
    assert "ssh" not in note


def test_note_over_ssh_says_where_to_set_it() -> None:
    environ = {"SSH_CONNECTION": "10.0.0.2 50000 10.0.0.1 22", "TERM": "xterm"}
    assert is_ssh_session(environ)
    note = approximation_note(ColorDepth.STANDARD, environ)
    assert note is not None
    assert note.startswith("16 colours")
    assert "remote side (ssh does not forward it)" in note


def test_note_in_tmux_mentions_the_terminal_feature() -> None:
    note = approximation_note(ColorDepth.EIGHT_BIT, {"TMUX": "/tmp/tmux-0/default,1,0"})
    assert note is not None and "terminal-features" in note


def test_monochrome_note() -> None:
    note = approximation_note(ColorDepth.MONOCHROME, {})
    assert note is not None and "No colour" in note


def test_note_when_term_knows_better_than_rich() -> None:
    # Rich reads only COLORTERM and the TERM suffix: xterm-kitty without COLORTERM renders 16.
    note = approximation_note(ColorDepth.STANDARD, {"TERM": "xterm-kitty"})
    assert note == (
        "16 colours: swatches are approximated. "
        "Fix: xterm-kitty shows exact colours once told: export COLORTERM=truecolor."
    )
