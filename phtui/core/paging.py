"""Limit/offset pagination state for the items table, as immutable values.

Every move returns a new ``PageState``; nothing here talks to the server. ``count`` is what the
server last reported, so a state may briefly point past the end (rows deleted elsewhere) until
``with_count`` clamps it.

Empty wording: a state with no rows is labelled ``"0 of 0"`` (or ``"0 of N"`` when the offset
points past the end), so the pager keeps one shape; screens show their own empty-state text.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_PAGE_SIZE", "PAGE_SIZES", "PageState"]

PAGE_SIZES = (25, 50, 100, 250)
DEFAULT_PAGE_SIZE = 100  # PostHog's own default page size for datasets and items


@dataclass(frozen=True)
class PageState:
    """``limit`` rows from ``offset`` (0-based) of ``count`` rows in total."""

    count: int
    limit: int
    offset: int = 0

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError(f"count must be 0 or more, not {self.count}")
        if self.limit < 1:
            raise ValueError(f"limit must be 1 or more, not {self.limit}")
        if self.offset < 0:
            raise ValueError(f"offset must be 0 or more, not {self.offset}")

    @property
    def page(self) -> int:
        """1-based number of the page holding the first visible row."""
        return self.offset // self.limit + 1

    @property
    def page_count(self) -> int:
        """Number of pages, at least 1 (an empty list is one empty page)."""
        return max(1, -(-self.count // self.limit))

    @property
    def first_row(self) -> int:
        """1-based number of the first visible row, or 0 when no row is visible."""
        return self.offset + 1 if self.offset < self.count else 0

    @property
    def last_row(self) -> int:
        """1-based number of the last visible row, or 0 when no row is visible."""
        return min(self.offset + self.limit, self.count) if self.offset < self.count else 0

    @property
    def rows_on_page(self) -> int:
        return self.last_row - self.first_row + 1 if self.first_row else 0

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.count

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    def next(self) -> PageState:
        """The following page, or this state when on the last page."""
        return self._at(self.offset + self.limit) if self.has_next else self

    def previous(self) -> PageState:
        """The preceding ``limit`` rows (from 0 at the least), or this state on the first page."""
        return self._at(max(0, self.offset - self.limit))

    def first(self) -> PageState:
        return self._at(0)

    def last(self) -> PageState:
        return self._at((self.page_count - 1) * self.limit)

    def goto(self, page: int) -> PageState:
        """Page ``page`` (1-based), clamped to 1..page_count."""
        return self._at((min(max(page, 1), self.page_count) - 1) * self.limit)

    def with_limit(self, limit: int) -> PageState:
        """A new page size, on the page that holds the current first visible row."""
        return PageState(self.count, limit, (self.offset // limit) * limit)

    def with_count(self, count: int) -> PageState:
        """A new total; when the current page no longer exists, move to the new last page."""
        moved = PageState(count, self.limit, self.offset)
        if self.offset < count or self.offset == 0:
            return moved
        return moved.last()

    def label(self) -> str:
        """``"101-200 of 12,345"``; ``"0 of 0"`` when there are no rows (see module docs)."""
        if not self.first_row:
            return f"0 of {self.count:,}"
        return f"{self.first_row:,}-{self.last_row:,} of {self.count:,}"

    def page_label(self) -> str:
        """``"Page 2 of 124"``."""
        return f"Page {self.page:,} of {self.page_count:,}"

    def _at(self, offset: int) -> PageState:
        return self if offset == self.offset else PageState(self.count, self.limit, offset)
