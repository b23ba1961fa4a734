"""The one limit/offset pagination model: `PageState`, immutable values that never talk to a server.

One model for every paged list in phtui, from the lowest layer that needs it (`phtui.api` may
not import `phtui.core`):

- the client's iteration over a server list (`Page.state`: where the page a server answered
  stands, and where the next one starts);
- the classic items table and the dataset list, paged by the server;
- the window shown over items loaded in memory (revisioned datasets), `PageState.window`.

A server may use a smaller page than asked (revisioned PostHog caps dataset items at 25 a page
whatever `limit` says). `PageState.of_page` reads a server's answer and takes the size it really
used as the state's `limit`, so "is there a next page" and "where does it start" have one answer
whichever way a page was reached.

`count` is what the server last reported, so a state may briefly point past the end (rows
deleted elsewhere) until `with_count` (or `clamped`) moves it to the last real page.

Empty wording: a state with no rows is labelled `"0 of 0"` (or `"0 of N"` when the offset points
past the end), so a pager keeps one shape; screens show their own empty-state text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

__all__ = ["PageState"]

T = TypeVar("T")


class PageState:
    """`limit` rows from `offset` (0-based) of `count` rows in total. An immutable value (equal
    states compare and hash equal); a plain class rather than a frozen dataclass, because
    `phtui.api` is imported on every start and building a dataclass costs about a millisecond.
    """

    __slots__ = ("count", "limit", "offset")

    count: int
    limit: int
    offset: int

    def __init__(self, count: int, limit: int, offset: int = 0) -> None:
        if count < 0:
            raise ValueError(f"count must be 0 or more, not {count}")
        if limit < 1:
            raise ValueError(f"limit must be 1 or more, not {limit}")
        if offset < 0:
            raise ValueError(f"offset must be 0 or more, not {offset}")
        object.__setattr__(self, "count", count)
        object.__setattr__(self, "limit", limit)
        object.__setattr__(self, "offset", offset)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"PageState is immutable: use its moves, not {name} = ...")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("PageState is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PageState):
            return NotImplemented
        return (self.count, self.limit, self.offset) == (other.count, other.limit, other.offset)

    def __hash__(self) -> int:
        return hash((self.count, self.limit, self.offset))

    def __repr__(self) -> str:
        return f"PageState(count={self.count}, limit={self.limit}, offset={self.offset})"

    @classmethod
    def of_page(cls, *, count: int, limit: int, offset: int, rows: int) -> PageState:
        """Where a page a server answered stands: `rows` came back for a request of `limit`
        rows from `offset`, and the server counts `count` in all.

        - Fewer rows than asked while the count says more follow: the server capped the page
          size (revisioned PostHog: 25 items): its size, `rows`, is the state's `limit`.
        - No rows where the count says there are some: the server contradicts itself (rows
          vanished between its count and its query); trust the rows: nothing from here on.
        """
        count, limit, offset = max(count, 0), max(limit, 1), max(offset, 0)
        if 0 < rows < limit and offset + rows < count:
            limit = rows
        elif rows == 0 and offset < count:
            count = offset
        return cls(count, limit, offset)

    # ------------------------------------------------------------------------ where it is

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

    @property
    def next_offset(self) -> int:
        """Where the following page starts (meaningful when `has_next`)."""
        return self.offset + self.limit

    @property
    def previous_offset(self) -> int:
        return max(0, self.offset - self.limit)

    @property
    def past_end(self) -> bool:
        """The offset points past the last row (rows were removed since it was chosen)."""
        return self.offset > 0 and self.offset >= self.count

    def window(self, rows: Sequence[T]) -> list[T]:
        """This page's part of a list held in memory (`rows` of `count` rows)."""
        return list(rows[self.offset : self.offset + self.limit])

    # ------------------------------------------------------------------------------- moves

    def next(self) -> PageState:
        """The following page, or this state when on the last page."""
        return self._at(self.next_offset) if self.has_next else self

    def previous(self) -> PageState:
        """The preceding `limit` rows (from 0 at the least), or this state on the first page."""
        return self._at(self.previous_offset)

    def first(self) -> PageState:
        return self._at(0)

    def last(self) -> PageState:
        return self._at((self.page_count - 1) * self.limit)

    def goto(self, page: int) -> PageState:
        """Page `page` (1-based), clamped to 1..page_count."""
        return self._at((min(max(page, 1), self.page_count) - 1) * self.limit)

    def containing(self, row: int) -> PageState:
        """The page holding the 0-based `row` (clamped to the list)."""
        row = min(max(row, 0), max(self.count - 1, 0))
        return self._at(row // self.limit * self.limit)

    def with_limit(self, limit: int) -> PageState:
        """A new page size, on the page that holds the current first visible row."""
        return PageState(self.count, limit, (self.offset // limit) * limit)

    def with_count(self, count: int) -> PageState:
        """A new total; when the current page no longer exists, move to the new last page."""
        return PageState(count, self.limit, self.offset).clamped()

    def clamped(self) -> PageState:
        """This state, or the last real page when the offset points past the end."""
        return self.last() if self.past_end else self

    # ------------------------------------------------------------------------------ labels

    def label(self) -> str:
        """`"101-200 of 12,345"`; `"0 of 0"` when there are no rows (see module docs)."""
        if not self.first_row:
            return f"0 of {self.count:,}"
        return f"{self.first_row:,}-{self.last_row:,} of {self.count:,}"

    def page_label(self) -> str:
        """`"Page 2 of 124"`."""
        return f"Page {self.page:,} of {self.page_count:,}"

    def _at(self, offset: int) -> PageState:
        return self if offset == self.offset else PageState(self.count, self.limit, offset)
