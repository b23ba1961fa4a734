"""Paging for the screens: the page sizes a user cycles through, and reading a typed page number.

The pagination model itself, `PageState`, lives in `phtui.api.paging` (the client steps through
server lists with it, and `phtui.api` may not import `phtui.core`); it is re-exported here so
screens and widgets keep one import.
"""

from __future__ import annotations

from phtui.api.paging import PageState
from phtui.core.text import clip

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "PAGE_SIZES",
    "PageState",
    "next_page_size",
    "parse_number",
    "parse_page_number",
]

PAGE_SIZES = (25, 50, 100, 250)
DEFAULT_PAGE_SIZE = 100  # PostHog's own default page size for classic datasets and items


def next_page_size(current: int) -> int:
    """The size after `current` in `PAGE_SIZES`, round the cycle (the default for a stray size)."""
    if current not in PAGE_SIZES:
        return DEFAULT_PAGE_SIZE
    return PAGE_SIZES[(PAGE_SIZES.index(current) + 1) % len(PAGE_SIZES)]


def parse_number(text: str, maximum: int, *, noun: str = "page") -> int | str:
    """A typed number from 1 to `maximum` as an int, or the one-line reason it is refused.

    Only ASCII digits count: `str.isdigit` accepts "²" (which `int` refuses) and `int` reads
    "٣" as 3; a page or revision number is typed, not pasted from Arabic text.
    """
    text = text.strip().replace(",", "").replace("_", "")
    if not text or not (text.isascii() and text.isdecimal()):
        return f"Enter a {noun} number from 1 to {maximum:,} (digits 0-9 only)."
    number = int(text) if len(text) <= 18 else None  # int() refuses 4,300 digits and more
    if number is None or not 1 <= number <= maximum:
        return f"There is no {noun} {clip(text, 24)}: enter a number from 1 to {maximum:,}."
    return number


def parse_page_number(text: str, page_count: int) -> int | str:
    """A typed page number (1..page_count), or the one-line reason it is refused."""
    return parse_number(text, page_count, noun="page")
