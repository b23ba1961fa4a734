"""Palette clipboard formats, the OSC 52 sequence and multiplexer advice."""

from __future__ import annotations

import base64
import json

from phtui.core.clipboard import (
    OSC52_MAX_ENCODED,
    PaletteFormat,
    clipboard_hint,
    fits_osc52,
    format_palette,
    osc52_sequence,
)

COLORS = ["#1d4aff", "#621da6", "#42827e"]


def test_hex_list_is_one_colour_per_line() -> None:
    assert format_palette(COLORS, PaletteFormat.HEX_LIST) == "#1d4aff\n#621da6\n#42827e"


def test_json_is_posthogs_wire_form() -> None:
    text = format_palette(COLORS, PaletteFormat.JSON)
    assert json.loads(text) == COLORS
    assert text == '["#1d4aff", "#621da6", "#42827e"]'


def test_osc52_sequence_round_trips() -> None:
    sequence = osc52_sequence("#1d4aff\n#ffffff ✓")
    assert sequence.startswith("\x1b]52;c;") and sequence.endswith("\a")
    payload = sequence[len("\x1b]52;c;") : -1]
    assert base64.b64decode(payload).decode("utf-8") == "#1d4aff\n#ffffff ✓"


def test_size_limit_counts_base64_bytes() -> None:
    # 75,000 bytes encode to exactly 100,000 base64 characters.
    assert fits_osc52("a" * 75_000)
    assert not fits_osc52("a" * 75_001)
    assert len(osc52_sequence("a" * 75_000)) == OSC52_MAX_ENCODED + len("\x1b]52;c;\a")


def test_hints_for_multiplexers() -> None:
    assert clipboard_hint({}) is None
    assert "set-clipboard on" in (clipboard_hint({"TMUX": "/tmp/tmux"}) or "")
    assert "screen" in (clipboard_hint({"STY": "1234.pts-0"}) or "")
