"""A one-line pager: "101-200 of 12,345 · Page 2 of 124 · 100 per page", and a busy marker.

While a whole dataset loads, it says how far: "loading 150 of 587 items…".
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from phtui.core.paging import PageState


class Pager(Static):
    """Shows where a paged list stands. Screens call `show(state)` and set `loading`."""

    DEFAULT_CSS = """
    Pager {
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    """

    def __init__(self, noun: str = "items", *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._noun = noun
        self._state: PageState | None = None
        self._loading = False
        self._progress: tuple[int, int] | None = None
        self._note = ""

    @property
    def state(self) -> PageState | None:
        return self._state

    def show(self, state: PageState | None, *, note: str = "") -> None:
        """Display `state`; `note` is extra context such as "find 'x': 3 shown"."""
        self._state = state
        self._note = note
        self._refresh_text()

    @property
    def loading_marker(self) -> bool:
        return self._loading

    @property
    def progress(self) -> tuple[int, int] | None:
        return self._progress

    def set_loading(self, loading: bool) -> None:
        if not loading:
            self._progress = None
        if loading != self._loading:
            self._loading = loading
            self._refresh_text()

    def set_progress(self, loaded: int, total: int) -> None:
        """While loading a whole list: how many rows have arrived of how many."""
        self._loading = True
        self._progress = (loaded, total)
        self._refresh_text()

    def render_text(self) -> Text:
        text = Text()
        state = self._state
        if state is None:
            text.append("…" if self._loading else "")
        else:
            text.append(f"{state.label()} {self._noun}", style="bold")
            text.append(f" · {state.page_label()} · {state.limit} per page")
        if self._note:
            text.append(f" · {self._note}")
        if self._progress is not None:
            loaded, total = self._progress
            text.append(f"  loading {loaded:,} of {total:,} {self._noun}…", style="italic")
        elif self._loading:
            text.append("  loading…", style="italic")
        return text

    def _refresh_text(self) -> None:
        # One line, always: no layout pass (a page load's progress updates it many times).
        self.update(self.render_text(), layout=False)
