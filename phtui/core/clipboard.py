"""What a palette looks like on the clipboard, and what stops OSC 52 from reaching it.

The bytes themselves are sent by Textual's ``App.copy_to_clipboard``, which writes the OSC 52
sequence ``ESC ] 52 ; c ; <base64> BEL`` to the terminal: that works over SSH because the terminal
emulator on the user's machine does the copying. This module holds the parts Textual does not:
the text formats, the size limit terminals apply, and the advice when a multiplexer is in the way.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from enum import Enum

__all__ = [
    "OSC52_MAX_ENCODED",
    "PaletteFormat",
    "clipboard_hint",
    "fits_osc52",
    "format_palette",
    "osc52_sequence",
]

# xterm and several terminals drop OSC 52 payloads above about 100 kB of base64.
OSC52_MAX_ENCODED = 100_000


class PaletteFormat(Enum):
    """Ways to copy a palette out."""

    HEX_LIST = "hex list"
    JSON = "JSON"


def format_palette(colors: Sequence[str], fmt: PaletteFormat) -> str:
    """Render colours as a newline-separated hex list or as a JSON array (PostHog's wire form)."""
    if fmt is PaletteFormat.HEX_LIST:
        return "\n".join(colors)
    return json.dumps(list(colors))


def osc52_sequence(text: str) -> str:
    """The OSC 52 "set clipboard" sequence for ``text`` (what Textual writes, kept as a spec)."""
    encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"\x1b]52;c;{encoded}\a"


def fits_osc52(text: str) -> bool:
    """True when the base64 payload is small enough for common terminals to accept."""
    return (len(text.encode("utf-8")) + 2) // 3 * 4 <= OSC52_MAX_ENCODED


def clipboard_hint(environ: Mapping[str, str]) -> str | None:
    """Advice when a terminal multiplexer may swallow OSC 52, else None."""
    if environ.get("TMUX"):
        return "In tmux, OSC 52 needs: set -g set-clipboard on"
    if environ.get("STY"):
        return "GNU screen drops OSC 52: copy outside screen or use tmux"
    return None
