"""Helpers for the text-field tests: hostile server text, what a widget draws, key bursts."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App
from textual.geometry import Region
from textual.keys import _character_to_key
from textual.widget import Widget

from phtui.core.text import is_unsafe

# Server text that must never act on the terminal: OSC 52 (write the clipboard, as tmux with
# set-clipboard on does), SGR colours, a bell, an 8-bit CSI, a right-to-left override,
# zero-width and format characters, a line separator, a NUL and DEL.
OSC52_NAME = "\x1b]52;c;U1RQQVk=\x1b\\ST1"
HOSTILE = (
    OSC52_NAME + " \x1b[31mred\x1b[0m \x07\x9b2J gnp\u202eexe\u200b\u2066x\u2069"
    "\u2028\x00\x7f\ufeff\U000e0001"
)
HOSTILE_LINES = HOSTILE + "\n" + "second \x1b[5m line\r\n\x1bP+q\x1b\\"


def drawn_text(widget: Widget) -> str:
    """Every character the widget draws, as the compositor receives it (all its strips)."""
    width, height = widget.outer_size  # border and padding included
    strips = widget.render_lines(Region(0, 0, width, height))
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def unsafe_in(text: str) -> list[str]:
    return sorted({char for char in text if char != "\n" and is_unsafe(char)})


def burst(app: App[Any], *keys: str) -> None:
    """Queue keys as a terminal delivers a burst: all of them before the app reads the first.

    Pilot's `press` waits for the app to go idle after each key, which hides ordering bugs.
    Named keys ("ctrl+u", "end") and single characters ("#", "a") may be mixed.
    """
    driver = app._driver
    assert driver is not None
    for key in keys:
        if len(key) == 1:
            driver.send_message(events.Key(_character_to_key(key), key))
        else:
            driver.send_message(events.Key(key, None))


def burst_paste(app: App[Any], text: str) -> None:
    """Queue a bracketed paste behind whatever keys are queued."""
    driver = app._driver
    assert driver is not None
    driver.send_message(events.Paste(text))
