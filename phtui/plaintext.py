"""Server text made safe to show: no control characters (no terminal escapes, no bells)."""

from __future__ import annotations


def one_line(text: str) -> str:
    """For a list row or a title: every non-printable character (newlines too) becomes a space."""
    return "".join(char if char.isprintable() else " " for char in text)


def printable(text: str) -> str:
    """For a message: drop non-printable characters but keep the newlines."""
    return "".join(char for char in text if char == "\n" or char.isprintable())
