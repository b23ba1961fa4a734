"""How many colours the terminal gets, and what to tell the user when swatches are approximated.

Textual emits colours through a Rich console whose colour system is resolved from the environment
(``TEXTUAL_COLOR_SYSTEM``, ``COLORTERM``, ``TERM``). A theme editor that shows rounded colours
without saying so misleads, so the Themes screen reports the depth and how to raise it.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

__all__ = [
    "ColorDepth",
    "approximation_note",
    "depth_from_color_system",
    "detect_color_depth",
    "is_ssh_session",
]


class ColorDepth(Enum):
    """Colour depth of the terminal, as Textual will render to it."""

    TRUECOLOR = "truecolor"
    EIGHT_BIT = "256"
    STANDARD = "16"
    MONOCHROME = "none"

    @property
    def label(self) -> str:
        """Short human label, e.g. ``"256 colours"``."""
        return _LABELS[self]

    @property
    def is_exact(self) -> bool:
        """True when a hex colour is shown as itself, not rounded to a palette."""
        return self is ColorDepth.TRUECOLOR


_LABELS = {
    ColorDepth.TRUECOLOR: "truecolor",
    ColorDepth.EIGHT_BIT: "256 colours",
    ColorDepth.STANDARD: "16 colours",
    ColorDepth.MONOCHROME: "no colour",
}

# Rich's colour-system names (Console.color_system) to depths.
_RICH_NAMES = {
    "truecolor": ColorDepth.TRUECOLOR,
    "256": ColorDepth.EIGHT_BIT,
    "standard": ColorDepth.STANDARD,
    "windows": ColorDepth.STANDARD,
}

# TERM values of terminals that render 24-bit colour even when COLORTERM is not set.
_TRUECOLOR_TERMS = ("xterm-kitty", "xterm-ghostty", "alacritty", "foot", "wezterm", "contour")


def depth_from_color_system(name: str | None) -> ColorDepth:
    """Map a Rich colour-system name (``app.console.color_system``) to a depth."""
    if name is None:
        return ColorDepth.MONOCHROME
    return _RICH_NAMES.get(name.lower(), ColorDepth.STANDARD)


def detect_color_depth(environ: Mapping[str, str]) -> ColorDepth:
    """Guess the depth the terminal supports from the environment alone.

    Follows the same rules as Rich (which Textual uses), plus the ``*-direct`` terminfo entries and
    terminals known to do truecolor, so the hint can say "your terminal can do better".
    """
    if environ.get("NO_COLOR", "") != "":
        return ColorDepth.MONOCHROME
    forced = environ.get("TEXTUAL_COLOR_SYSTEM", "auto").strip().lower()
    if forced in _RICH_NAMES:
        return _RICH_NAMES[forced]
    if environ.get("COLORTERM", "").strip().lower() in ("truecolor", "24bit"):
        return ColorDepth.TRUECOLOR
    term = environ.get("TERM", "").strip().lower()
    if not term or term == "dumb":
        return ColorDepth.MONOCHROME
    if term.endswith("-direct") or term.startswith(_TRUECOLOR_TERMS):
        return ColorDepth.TRUECOLOR
    if term.endswith("256color") or term.endswith("-256"):
        return ColorDepth.EIGHT_BIT
    return ColorDepth.STANDARD


def is_ssh_session(environ: Mapping[str, str]) -> bool:
    """True when running under sshd (which does not forward COLORTERM by default)."""
    return any(environ.get(name) for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"))


def approximation_note(rendered: ColorDepth, environ: Mapping[str, str]) -> str | None:
    """One short line for the screen when swatches are not shown exactly, else None.

    ``rendered`` is the depth Textual actually renders with; ``environ`` shapes the fix.
    """
    if rendered.is_exact:
        return None
    if rendered is ColorDepth.MONOCHROME:
        return "No colour output (NO_COLOR or TERM=dumb): swatches cannot be shown."
    fix = "export COLORTERM=truecolor"
    if is_ssh_session(environ):
        fix += " on the remote side (ssh does not forward it)"
    elif environ.get("TMUX"):
        fix += " and in tmux: set -as terminal-features ',*:RGB'"
    # Rich only trusts COLORTERM; a TERM such as xterm-kitty says the terminal could do better.
    if detect_color_depth(environ).is_exact:
        term = environ.get("TERM", "")
        fix = f"{term} shows exact colours once told: {fix}"
    return f"{rendered.label}: swatches are approximated. Fix: {fix}."
