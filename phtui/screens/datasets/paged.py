"""What the dataset list and the items table share: paging keys, page moves and footer refreshes.

`PagedScreen` owns the `PageState` (the one pagination model, `phtui.api.paging`) and the moves:
`]`/`[` next and previous page, `{`/`}` first and last page, `:` go to a page (`g` and `G` are the
app's first and last row of the focused table, as everywhere in phtui). A subclass says how to
show the page at an offset (`_load_offset`: a server request, or a window over rows held in
memory) and which of its actions' availability the footer depends on (`_availability`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import ClassVar, TypeVar

from textual import events
from textual.binding import Binding, BindingType
from textual.widget import Widget

from phtui.compat import forward_event
from phtui.core.paging import PageState, parse_page_number
from phtui.screens.base import PhScreen
from phtui.screens.dialogs import PromptScreen
from phtui.widgets.datasets.pager import Pager

T = TypeVar("T")


def paging_bindings(prefix: str) -> list[BindingType]:
    """The paging keys, their binding ids under `prefix` ("datasets", "items")."""
    return [
        Binding("right_square_bracket", "next_page", "Next", key_display="]",
                id=f"{prefix}.next_page"),
        Binding("left_square_bracket", "previous_page", "Prev", key_display="[",
                id=f"{prefix}.previous_page"),
        Binding("left_curly_bracket", "first_page", "First page", key_display="{",
                id=f"{prefix}.first_page", show=False),
        Binding("right_curly_bracket", "last_page", "Last page", key_display="}",
                id=f"{prefix}.last_page", show=False),
        Binding("colon", "goto_page", "Go to page", key_display=":",
                id=f"{prefix}.goto_page", show=False),
    ]  # fmt: skip


PAGING_BINDINGS: list[BindingType] = paging_bindings("datasets")


def page_number_check(page_count: int) -> Callable[[str], str | None]:
    """A prompt check accepting 1..page_count, in ASCII digits."""

    def check(text: str) -> str | None:
        answer = parse_page_number(text, page_count)
        return answer if isinstance(answer, str) else None

    return check


class PagedScreen(PhScreen[None]):
    """A screen showing one page of a list at a time, with a `Pager` below it."""

    # Actions that open a text field (a prompt, a search): what is typed right behind their
    # key, in the same burst, is kept for that field (`take_burst`).
    BURST_ACTIONS: ClassVar[frozenset[str]] = frozenset({"goto_page"})

    def __init__(self, state: PageState) -> None:
        super().__init__()
        self._state = state
        self._shown_availability: tuple[object, ...] | None = None
        self._burst: list[events.Key] | None = None

    # ------------------------------------------------------------------ typing ahead

    def on_key(self, event: events.Key) -> None:
        # Keys reach a screen's bindings only after the keys behind them in a burst (a fast
        # typist, tmux send-keys, a terminal's key repeat) were routed to the table: `:12`
        # would lose "12" to the table while the prompt opens. Hold them, in order, for the
        # field the action opens.
        if self._burst is not None:
            event.stop()
            event.prevent_default()
            self._burst.append(event.copy())
            return
        active = self.active_bindings.get(event.key)
        if (
            active is not None
            and active.enabled
            and active.node is self
            and active.binding.action.partition("(")[0] in self.BURST_ACTIONS
        ):
            self._burst = []
            self.set_timer(0.5, self._end_burst)  # the action normally takes it long before
        super().on_key(event)

    def take_burst(self) -> tuple[str, list[events.Key]]:
        """What was typed behind the key of the action running now (see `BURST_ACTIONS`): the
        characters up to the first key that is not one (Enter, escape...), and the keys from
        there on, in order. A field can take the text at once and be handed the keys
        (`hand_keys`); a prompt only takes the text."""
        held, self._burst = self._burst or [], None
        typed: list[str] = []
        for index, key in enumerate(held):
            if not (key.is_printable and key.character):
                return "".join(typed), held[index:]
            typed.append(key.character)
        return "".join(typed), []

    def hand_keys(self, target: Widget, keys: list[events.Key]) -> None:
        """Give `target` (the field now focused) keys held from a burst, in order."""
        for key in keys:
            forward_event(target, key)

    def _end_burst(self) -> None:
        self._burst = None

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

    def _availability(self) -> tuple[object, ...]:
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
        self.prompt_for(
            f"Go to page (1-{count:,})",
            placeholder="page number",
            check=page_number_check(count),
            answered=self._goto_answer,
        )

    def prompt_for(
        self,
        title: str,
        *,
        placeholder: str,
        check: Callable[[str], str | None],
        answered: Callable[[str | None], None],
    ) -> None:
        """Ask in a `PromptScreen`, unless the keys typed behind the action's key in the same
        burst already answer it: text and Enter, as `:12⏎` typed quickly (the prompt could not
        have had the focus for that Enter). Text without Enter opens the prompt holding it."""
        typed, keys = self.take_burst()
        text = typed.strip()
        if keys and keys[0].key == "enter" and text and check(text) is None:
            answered(text)
            if self.app.focused is not None:
                self.hand_keys(self.app.focused, keys[1:])
            return
        prompt = PromptScreen(title, placeholder=placeholder, value=typed, check=check)
        self.app.push_screen(prompt, answered)

    def _goto_answer(self, text: str | None) -> None:
        if not text:
            return
        page = parse_page_number(text, self._state.page_count)
        if isinstance(page, int):  # the list may have shrunk while the prompt was open
            self._go(self._state.goto(page))

    def _go(self, state: PageState) -> None:
        if state.offset != self._state.offset:
            self._state = state
            self._load_offset(state.offset)
