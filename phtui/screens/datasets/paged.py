"""What the dataset list and the items table share: paging keys, page loads and footer refreshes.

`PagedScreen` owns the `PageState` and the moves between pages (`]`, `[`, `{`, `}`, `g`); a
subclass says how to show the page at an offset (`_load_offset`) and which of its actions'
availability the footer depends on (`_availability`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from textual.binding import Binding, BindingType

from phtui.api.models import Page
from phtui.core.paging import PageState
from phtui.screens.base import PhScreen
from phtui.screens.dialogs import PromptScreen
from phtui.widgets.datasets.pager import Pager

T = TypeVar("T")

PAGING_BINDINGS: list[BindingType] = [
    Binding("right_square_bracket", "next_page", "Next", key_display="]",
            id="datasets.next_page"),
    Binding("left_square_bracket", "previous_page", "Prev", key_display="[",
            id="datasets.previous_page"),
    Binding("left_curly_bracket", "first_page", "First", key_display="{",
            id="datasets.first_page", show=False),
    Binding("right_curly_bracket", "last_page", "Last", key_display="}",
            id="datasets.last_page", show=False),
    Binding("g", "goto_page", "Go to page", id="datasets.goto_page", show=False),
]  # fmt: skip


def page_number_check(page_count: int) -> Callable[[str], str | None]:
    """A prompt check accepting 1..page_count."""

    def check(text: str) -> str | None:
        if not text.isdigit() or not 1 <= int(text) <= page_count:
            return f"Enter a page number from 1 to {page_count:,}."
        return None

    return check


def offset_if_gone(page: Page[Any]) -> int | None:
    """The last page's offset when `page` is past the end (rows deleted elsewhere), else None."""
    if page.results or page.offset == 0 or not page.count:
        return None
    return PageState(page.count, page.limit, page.offset).with_count(page.count).offset


class PagedScreen(PhScreen[None]):
    """A screen showing one page of a server list at a time, with a `Pager` below it."""

    def __init__(self, state: PageState) -> None:
        super().__init__()
        self._state = state
        self._shown_availability: tuple[bool, ...] | None = None

    @property
    def pager(self) -> Pager:
        return self.query_one(Pager)

    @property
    def state(self) -> PageState:
        return self._state

    # ------------------------------------------------------------------ for subclasses

    def _load_offset(self, offset: int) -> None:
        """Show the page starting at `offset` (`_state` already points there)."""
        raise NotImplementedError

    def _availability(self) -> tuple[bool, ...]:
        """What `check_action` depends on besides read-only mode (e.g. "a row is selected")."""
        raise NotImplementedError

    async def _await_page(self, request: Awaitable[T]) -> T:
        """Await a page request, clearing the pager's loading marker when it ends.

        A cancelled request leaves the marker on: the newer load that replaced it owns it.
        """
        try:
            page = await request
        except asyncio.CancelledError:
            raise
        except BaseException:
            self.pager.set_loading(False)
            raise
        self.pager.set_loading(False)
        return page

    def _refresh_bindings_if_changed(self) -> None:
        # refresh_bindings re-checks every action and re-reads the key bar: only when an
        # action's availability changed, not on every page.
        availability = self._availability()
        if availability != self._shown_availability:
            self._shown_availability = availability
            self.refresh_bindings()

    # --------------------------------------------------------------------------- paging

    def action_next_page(self) -> None:
        self._go(self._state.next())

    def action_previous_page(self) -> None:
        self._go(self._state.previous())

    def action_first_page(self) -> None:
        self._go(self._state.first())

    def action_last_page(self) -> None:
        self._go(self._state.last())

    def action_goto_page(self) -> None:
        count = self._state.page_count
        prompt = PromptScreen(
            f"Go to page (1-{count:,})", placeholder="page number", check=page_number_check(count)
        )
        self.app.push_screen(prompt, self._goto_answer)

    def _goto_answer(self, page: str | None) -> None:
        if page:
            self._go(self._state.goto(int(page)))

    def _go(self, state: PageState) -> None:
        if state.offset != self._state.offset:
            self._state = state
            self._load_offset(state.offset)
