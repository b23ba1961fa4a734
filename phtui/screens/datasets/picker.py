"""The dataset list: active or archived datasets, search, sort, pages of 30, create, edit,
archive, restore and undo, on both datasets APIs.

Everything listed is PostHog's answer: search (debounced; an empty search is never sent), sort
(one `order_by`) and the active/archived filter run on the server. Item counts are not in the
list answer: they are fetched for the rows on screen only, a few at a time, and kept per
dataset revision (revisioned) or until the next refresh (classic). On a revisioned server the
top bar shows how much of the project's dataset quota is used ("7 of 20 datasets", archived
datasets included).

Archiving is PostHog's archive (revisioned) or soft delete (classic, after a confirmation: a
classic server cannot list deleted datasets); `d` in the archived view restores (as in the items
list); `u` undoes the last archive or restore. Enter
opens a dataset's items (`DatasetItemsScreen`), read-only when the dataset is archived. When
PostHog refuses every dataset request because datasets are not enabled for the organisation,
the list says so, once, instead of the table.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from phtui.api.errors import DatasetsUnavailableError, PostHogError, UnsupportedError
from phtui.api.models import Dataset, Page
from phtui.compat import forward_event
from phtui.core.dataset_fields import quota_label
from phtui.core.dates import DATETIME_WIDTH, format_datetime
from phtui.core.limits import DOCUMENTED, LIMITS
from phtui.core.paging import PageState
from phtui.core.text import clip, visible
from phtui.screens.base import ServicesMixin, task
from phtui.screens.confirm import ConfirmScreen
from phtui.screens.datasets.paged import PAGING_BINDINGS, PagedScreen
from phtui.widgets.datasets.pager import Pager
from phtui.widgets.fields import SafeInput
from phtui.widgets.key_bar import KeyBar
from phtui.widgets.keys_in_order import KeysInOrder
from phtui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from phtui.screens.datasets.form import DatasetFormScreen

PAGE_SIZE = 30  # as PostHog's own dataset list
SEARCH_DELAY_S = 0.3
COUNT_CONCURRENCY = 4  # item-count requests in flight at once
# (order_by, label) in the order `o` cycles through; PostHog's default first.
SORTS = (
    ("-created_at", "newest created first"),
    ("created_at", "oldest created first"),
    ("-updated_at", "recently updated first"),
    ("updated_at", "least recently updated first"),
)
WIDE_LAYOUT_MIN = 110  # table width from which the creation date is shown too
ITEMS_WIDTH = 6
NAME_SHARE = 0.65  # of the width the names and descriptions share
CELL_PADDING = 2  # DataTable's default cell padding, 1 on each side
CLASSIC_ARCHIVE = (
    "This PostHog instance serves the classic datasets API (older self-hosted PostHog), which "
    "cannot list deleted datasets: u brings back the last one deleted in this session."
)

Undoable = Literal["archive", "restore"]
CountKey = tuple[str, int | None, int]  # dataset id, its revision, the refresh it was read in


@dataclass(frozen=True)
class Columns:
    """Column widths of the dataset table for one table width."""

    wide: bool
    name: int
    description: int

    @classmethod
    def for_width(cls, width: int) -> Columns:
        wide = width >= WIDE_LAYOUT_MIN
        dates = (2 if wide else 1) * DATETIME_WIDTH
        columns = 5 if wide else 4
        fixed = ITEMS_WIDTH + dates + columns * CELL_PADDING + 2  # 2: scrollbar room
        room = width - fixed
        # The name is how a dataset is found: most of the room goes to it, up to a cap.
        name = min(max(round(room * NAME_SHARE), 22), 48 if wide else 40)
        return cls(wide=wide, name=name, description=max(room - name, 10))


class DatasetTable(KeysInOrder, DataTable[Text]):
    """The dataset table, keys in order (`KeysInOrder`): each key runs its binding as the table
    reads it and the keys behind it wait, so a burst (a fast typist, `tmux send-keys`) acts
    where each key left the focus: `/RAG⏎d` searches, then archives what was found; `n`, a
    name, tab, a description and ctrl+s fill and save the new dataset's form.

    A key that opens a prompt through `PagedScreen.BURST_ACTIONS` (`:` go to page) and the keys
    right behind it go up the usual way instead: the screen keeps those for the prompt.
    While an edit waits for the list (`DatasetsScreen.typed_ahead`), keys are kept for its form.
    """

    PASS_ON_S = 0.5  # as long as `PagedScreen` keeps a burst for a prompt

    _passing_until = 0.0

    def consumes_key(self, event: events.Key) -> bool:
        now = time.monotonic()
        if now < self._passing_until:
            return True  # behind a prompt's key: up to the screen, which keeps it
        screen = self.screen
        active = screen.active_bindings.get(event.key)
        if (
            isinstance(screen, PagedScreen)
            and active is not None
            and active.enabled
            and active.binding.action.partition("(")[0] in screen.BURST_ACTIONS
        ):
            self._passing_until = now + self.PASS_ON_S
            return True
        return False

    def keep_in_order(self, event: events.Key | events.Paste) -> bool:
        screen = self.screen
        if isinstance(screen, DatasetsScreen) and screen.typed_ahead is not None:
            event.stop()
            event.prevent_default()
            copy = event.copy() if isinstance(event, events.Key) else events.Paste(event.text)
            screen.typed_ahead.append(copy)
            return True
        return super().keep_in_order(event)


class SearchField(SafeInput):
    """The search field. Enter and escape act at once, as the keys are read: in a burst
    (`/RAG⏎d`) the search has started and the table has the focus before `d` is read."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Leave search", id="datasets.leave_search", show=False),
    ]

    async def action_submit(self) -> None:
        screen = self.screen
        if isinstance(screen, DatasetsScreen):
            screen.submit_search()

    def action_leave(self) -> None:
        screen = self.screen
        if isinstance(screen, DatasetsScreen):
            screen.leave_search()


class DatasetsScreen(PagedScreen):
    """Pick a dataset. Every list is fetched from the server: search and sort are PostHog's."""

    DEFAULT_CSS = """
    DatasetsScreen #datasets-bar { height: 1; margin: 0 0 1 0; }
    DatasetsScreen #datasets-search { width: 1fr; border: none; height: 1; padding: 0 1; }
    DatasetsScreen #datasets-bar > Static { width: auto; padding: 0 1; color: $text-muted; }
    DatasetsScreen #datasets-bar > #datasets-view { color: $warning; text-style: bold; }
    DatasetsScreen #datasets-bar > #datasets-quota.-full { color: $warning; }
    DatasetsScreen #datasets-table { height: 1fr; }
    DatasetsScreen #datasets-empty { height: auto; padding: 1 2; color: $text-muted; }
    DatasetsScreen #datasets-empty.-unavailable { color: $text; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", id="datasets.search"),
        Binding("n", "new", "New", id="datasets.new"),
        Binding("e", "edit", "Edit", id="datasets.edit"),
        # Archive (revisioned) or PostHog's soft delete (classic): the key bar shows one.
        Binding("d,delete", "archive", "Archive", id="datasets.archive"),
        Binding("d,delete", "delete", "Delete", id="datasets.delete"),
        # `d` restores in the archived view, as in the items list (R too, as it once was).
        Binding("d,R", "restore", "Restore", id="datasets.restore"),
        Binding("u", "undo", "Undo", id="datasets.undo"),
        # One key, two bindings: the key bar shows the one that applies.
        Binding("a", "show_archived", "Archived", id="datasets.show_archived"),
        Binding("a", "show_active", "Active", id="datasets.show_active"),
        Binding("o", "sort", "Sort", id="datasets.sort"),
        Binding("r", "refresh", "Refresh", id="datasets.refresh", show=False),
        *PAGING_BINDINGS,
    ]

    MUTATING_ACTIONS = frozenset({"new", "edit", "archive", "delete", "restore", "undo"})

    def __init__(self) -> None:
        super().__init__(PageState(count=0, limit=PAGE_SIZE))
        self._sort = 0
        self._search = ""
        self._archived = False  # which datasets are listed: active or archived ones
        self._datasets: list[Dataset] = []
        self._undo: list[tuple[Undoable, Dataset]] = []
        self._search_timer: Timer | None = None
        self._columns: Columns | None = None
        self._unavailable: str | None = None  # why PostHog refuses every dataset request
        self._counts: dict[CountKey, int | None] = {}  # None: the count could not be read
        self._counting: set[CountKey] = set()
        self._count_slots: asyncio.Semaphore | None = None  # shared by every count worker
        self._loading = False  # a list load is under way
        # Keys the table keeps for a form that waits for a load to open (`action_edit`).
        self.typed_ahead: list[events.Key | events.Paste] | None = None
        self._pending: list[tuple[str, Callable[[], None]]] = []  # row actions waiting for it
        self._refreshes = 0  # classic counts are kept until the next refresh
        self._quota_total: int | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="datasets-bar"):
            yield SearchField(placeholder="Search datasets… (/)", id="datasets-search")
            yield Static("", id="datasets-view", markup=False)
            yield Static("", id="datasets-quota", markup=False)
            yield Static(SORTS[0][1], id="datasets-sort", markup=False)
        yield DatasetTable(id="datasets-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="datasets-empty", markup=False)
        yield Pager("datasets", id="datasets-pager")
        yield KeyBar()

    def on_mount(self) -> None:
        for selector in ("#datasets-empty", "#datasets-view", "#datasets-quota"):
            self.query_one(selector).display = False
        self.table.focus()
        self.watch(self.table, "scroll_y", self._count_visible, init=False)
        if self.services.client is not None:
            self.load()
        # else the connect screen is on top: once connected, the app refreshes this screen.

    # ---------------------------------------------------------------------------- state

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#datasets-table", DataTable)

    @property
    def datasets(self) -> list[Dataset]:
        return list(self._datasets)

    @property
    def order_by(self) -> str:
        return SORTS[self._sort][0]

    @property
    def archived_view(self) -> bool:
        """Whether archived datasets are listed (else active ones)."""
        return self._archived

    @property
    def unavailable(self) -> str | None:
        """Why datasets cannot be used here (PostHog refuses them all), or None."""
        return self._unavailable

    @property
    def quota(self) -> str:
        """ "7 of 20 datasets" (revisioned servers, once known), else ""."""
        if self._quota_total is None:
            return ""
        return quota_label(self._quota_total, self._quota_limit())

    @property
    def current(self) -> Dataset | None:
        if not self.table.row_count or self._unavailable:
            return None
        key = self.table.coordinate_to_cell_key(self.table.cursor_coordinate).row_key.value
        return next((dataset for dataset in self._datasets if dataset.id == key), None)

    def _quota_limit(self) -> int:
        """Datasets per project: what this server said (409 `limit_reached`), else PostHog's
        documented 20."""
        client = self.services.client
        return LIMITS.limit(client.host if client else "", "datasets") or DOCUMENTED["datasets"]

    def item_count(self, dataset: Dataset) -> int | None:
        """The dataset's number of active items, once read (None: not read, or unreadable)."""
        return self._counts.get(self._count_key(dataset))

    def _classic(self) -> bool:
        client = self.services.client
        return client is not None and client.datasets_api == "classic"

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self._unavailable is not None:
            return action == "refresh"  # nothing else applies: the list says why
        if action == "undo":
            return bool(self._undo)
        if action in {"archive", "delete"}:
            if (action == "delete") != self._classic() or self._archived:
                return False
            return self.current is not None or None
        if action == "restore":
            return self._archived and (self.current is not None or None)
        if action == "show_archived":
            return not self._archived
        if action == "show_active":
            return self._archived
        if action == "edit" and self.current is None:
            return None
        return True

    def blocked_reason(self, action: str) -> str | None:
        if self._unavailable is not None:
            return None  # every action but refresh is hidden (`can_run`)
        if action == "show_archived" and self._classic():
            return CLASSIC_ARCHIVE
        if action == "edit" and self._archived:
            return "Archived datasets cannot be edited: press d to restore it first."
        return super().blocked_reason(action)

    def _availability(self) -> tuple[bool, ...]:
        return (
            self.current is not None,
            bool(self._undo),
            self._archived,
            self._unavailable is not None,
            self._classic(),
        )

    # -------------------------------------------------------------------------- loading

    def load(self, offset: int | None = None, select: str | None = None) -> None:
        """Show a page (the current one by default), then select `select`; a newer load
        replaces this one. Row actions pressed meanwhile wait for it (`_after_load`)."""
        self._loading = True
        self._load_page(offset, select)

    @task(group="datasets-list")
    async def _load_page(self, offset: int | None, select: str | None) -> None:
        self.pager.set_loading(True)
        request = self.client.list_datasets(
            search=self._search or None,
            order_by=self.order_by,
            archived=self._archived,
            limit=PAGE_SIZE,
            offset=self._state.offset if offset is None else offset,
        )
        try:
            page = await self._await_page(request)
        except DatasetsUnavailableError as error:
            self._loaded()
            self._show_unavailable(error)
            return
        except UnsupportedError as error:  # archived datasets asked of a classic server
            self._archived = False
            self.notify(str(error), title="Archived datasets", severity="warning", markup=False)
            self._show_view()
            self.load(0)
            return
        except Exception:
            self._loaded(run_pending=False)  # keys pressed for rows that did not come
            raise
        state = page.state
        if state.past_end:  # datasets were archived elsewhere: show the last page
            self.load(state.clamped().offset, select)
            return
        self._show(page, select)
        if not self._search and self.client.datasets_api == "revisioned":
            self._load_quota(page.count)
        self._loaded()

    def _loaded(self, *, run_pending: bool = True) -> None:
        """The list shows what was asked for: run the row actions that waited for it, if they
        still apply to the rows now shown."""
        self._loading = False
        pending, self._pending = self._pending, []
        for action, run in pending if run_pending else ():
            if self.check_action(action, ()):
                run()
        # Keys kept for an edit that did not open (no row): the table reads them after all.
        kept, self.typed_ahead = self.typed_ahead or [], None
        for event in kept:
            forward_event(self.table, event)

    def _after_load(self, action: str, run: Callable[[], None]) -> None:
        """Run a row action now, or once the list being loaded is shown: keys typed ahead (a
        search, then `d`) act on the rows the user asked for, not on the ones being replaced."""
        if self._loading:
            self._pending.append((action, run))
        else:
            run()

    def _load_offset(self, offset: int) -> None:
        self.load(offset)

    def _show(self, page: Page[Dataset], select: str | None) -> None:
        selected = select or (self.current.id if self.current else None)
        self._unavailable = None
        self._datasets = list(page.results)
        self._state = page.state
        self.table.display = True
        self._fill_table(selected)
        empty = self.query_one("#datasets-empty", Static)
        empty.display = not self._datasets
        empty.remove_class("-unavailable")
        if self._search:
            empty.update(f"No dataset matches “{clip(self._search, 60)}”. Esc clears the search.")
        elif self._archived:
            empty.update("No archived datasets. Press a to see the active ones.")
        else:
            empty.update("No datasets yet. Press n to create one.")
        notes = ["archived"] if self._archived else []
        if self._search:
            notes.append(f"search “{clip(self._search, 30)}”")
        self.pager.show(self._state, note=" · ".join(notes))
        self._show_view()
        self._refresh_bindings_if_changed()
        self.call_after_refresh(self._count_visible)

    def _show_unavailable(self, error: DatasetsUnavailableError) -> None:
        """PostHog refuses datasets to this organisation: say so in place of the list."""
        self._unavailable = visible(str(error))  # PostHog's own words, made inert
        self._datasets = []
        self.table.clear()
        self.table.display = False
        empty = self.query_one("#datasets-empty", Static)
        empty.update(
            Text.assemble(
                ("Datasets are not available\n\n", "bold"),
                self._unavailable,
                "\n\nPress r to check again.",
            )
        )
        empty.add_class("-unavailable")
        empty.display = True
        self.pager.show(None)
        self._quota_total = None
        self._show_view()
        self._refresh_bindings_if_changed()

    def _show_view(self) -> None:
        view = self.query_one("#datasets-view", Static)
        view.update("Archived")
        view.display = self._archived and self._unavailable is None
        quota = self.query_one("#datasets-quota", Static)
        quota.update(self.quota)
        quota.display = bool(self.quota) and self._unavailable is None
        full = self._quota_total is not None and self._quota_total >= self._quota_limit()
        quota.set_class(full, "-full")
        self.query_one("#datasets-bar").display = self._unavailable is None

    @task(group="datasets-quota")
    async def _load_quota(self, listed: int) -> None:
        """The project's datasets, archived included: the other view's count is one request."""
        try:
            other = await self.client.list_datasets(archived=not self._archived, limit=1)
        except PostHogError:
            return  # the quota is a hint: the list itself reports real trouble
        self._quota_total = listed + other.count
        self._show_view()

    def _fill_table(self, selected: str | None) -> None:
        table = self.table
        columns = Columns.for_width(table.size.width or self.size.width or 120)
        if columns != self._columns:
            self._columns = columns
            table.clear(columns=True)
            table.add_column("Name", key="name", width=columns.name)
            table.add_column(Text("Items", justify="right"), key="items", width=ITEMS_WIDTH)
            table.add_column("Description", key="description", width=columns.description)
            if columns.wide:
                table.add_column("Created", key="created", width=DATETIME_WIDTH)
            table.add_column("Updated", key="updated", width=DATETIME_WIDTH)
        else:
            table.clear()
        for dataset in self._datasets:
            description = dataset.description
            cells = [
                Text(clip(dataset.name, columns.name), style="bold"),
                self._count_cell(dataset),
                Text(clip(description, columns.description) if description else "—"),
            ]
            if columns.wide:
                cells.append(Text(format_datetime(dataset.created_at)))
            cells.append(Text(format_datetime(dataset.updated_at)))
            table.add_row(*cells, key=dataset.id)
        if selected is not None and any(dataset.id == selected for dataset in self._datasets):
            table.move_cursor(row=table.get_row_index(selected))

    def on_resize(self) -> None:
        if self._columns is not None and Columns.for_width(self.table.size.width) != self._columns:
            self._fill_table(self.current.id if self.current else None)
        self.call_after_refresh(self._count_visible)

    # --------------------------------------------------------------------- item counts

    def _count_key(self, dataset: Dataset) -> CountKey:
        # A revisioned dataset's items change only with a new revision: its count is kept for
        # that revision. A classic one's is kept until the next refresh.
        if dataset.current_revision is not None:
            return (dataset.id, dataset.current_revision, 0)
        return (dataset.id, None, self._refreshes)

    def _count_cell(self, dataset: Dataset) -> Text:
        key = self._count_key(dataset)
        if key in self._counts:
            count = self._counts[key]
            return Text("?" if count is None else f"{count:,}", justify="right")
        return Text("…", justify="right", style="dim")

    def _count_visible(self) -> None:
        """Read the item counts of the rows on screen that are not known yet."""
        if not self._datasets or not self.table.display or self.services.client is None:
            return
        top = int(self.table.scroll_y)
        shown = self._datasets[top : top + self.table.size.height]
        revisioned = self.client.datasets_api == "revisioned"
        wanted: list[Dataset] = []
        for dataset in shown:
            key = self._count_key(dataset)
            if key in self._counts or key in self._counting:
                continue
            if revisioned and dataset.current_revision is None:
                self._counts[key] = 0  # no revision yet: no item was ever added
                self._update_count_cell(dataset)
                continue
            self._counting.add(key)
            wanted.append(dataset)
        if wanted:
            self._fetch_counts(wanted)

    @task(group="datasets-counts", exclusive=False)
    async def _fetch_counts(self, datasets: list[Dataset]) -> None:
        if self._count_slots is None:
            self._count_slots = asyncio.Semaphore(COUNT_CONCURRENCY)
        slots = self._count_slots

        async def count(dataset: Dataset) -> None:
            key = self._count_key(dataset)
            try:
                async with slots:
                    # At the listed revision: the count the cache keeps for it, exactly.
                    page = await self.client.list_dataset_items(
                        dataset.id, revision=dataset.current_revision, limit=1
                    )
                self._counts[key] = page.count
            except PostHogError:
                self._counts[key] = None  # shown as "?": a refresh (r) asks again
            finally:
                self._counting.discard(key)
            self._update_count_cell(dataset)

        await asyncio.gather(*(count(dataset) for dataset in datasets))

    def _update_count_cell(self, dataset: Dataset) -> None:
        shown = next((d for d in self._datasets if d.id == dataset.id), None)
        if shown is None or self._count_key(shown) != self._count_key(dataset):
            return
        self.table.update_cell(dataset.id, "items", self._count_cell(dataset))

    # -------------------------------------------------------------------------- search

    @on(Input.Changed, "#datasets-search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY_S, self._apply_search)

    def _apply_search(self) -> None:
        self._search_timer = None
        text = self.query_one("#datasets-search", Input).value.strip()
        if text != self._search:
            self._search = text
            self.load(0)

    def submit_search(self) -> None:
        """Enter in the search field: search now, back to the table."""
        if self._search_timer is not None:
            self._search_timer.stop()
        self._apply_search()
        self.set_focus(self.table)  # now, not after the keys already read (`focus()` waits)

    def leave_search(self) -> None:
        """Escape in the search field: clear it (a search is undone), back to the table."""
        search = self.query_one(SearchField)
        if search.value:
            search.value = ""
            self.submit_search()
        self.set_focus(self.table)

    def action_search(self) -> None:
        self.set_focus(self.query_one(SearchField))  # now: `focus()` waits (keys in order)

    def action_sort(self) -> None:
        self._sort = (self._sort + 1) % len(SORTS)
        self.query_one("#datasets-sort", Static).update(SORTS[self._sort][1])
        self.load(0)

    def action_show_archived(self) -> None:
        self._set_view(archived=True)

    def action_show_active(self) -> None:
        self._set_view(archived=False)

    def _set_view(self, *, archived: bool) -> None:
        self._archived = archived
        self._show_view()
        self.refresh_bindings()
        self.load(0)

    def reload(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self._refreshes += 1
        self._counts = {key: count for key, count in self._counts.items() if count is not None}
        self.load()

    # ------------------------------------------------------------------------- actions

    @on(DataTable.RowSelected, "#datasets-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._after_load("open", self._open)

    def _open(self) -> None:
        dataset = self.current
        if dataset is not None:
            from phtui.screens.datasets.items import DatasetItemsScreen

            self.app.push_screen(DatasetItemsScreen(dataset), self._back_from_items)

    def show_dataset(self, dataset_id: str) -> None:
        """Open ``dataset_id``'s items (a command palette hit), from wherever the mode was."""
        self._open_by_id(dataset_id)

    @task(group="datasets-open")
    async def _open_by_id(self, dataset_id: str) -> None:
        from phtui.screens.datasets.items import DatasetItemsScreen

        dataset = await self.client.get_dataset(dataset_id)
        stack = self.app.screen_stack
        above = stack[stack.index(self) + 1 :] if self in stack else []
        if any(isinstance(s, ServicesMixin) and s.unsaved_edits() for s in above):
            self.notify(
                "Save or close the open editor first: it holds unsaved edits.",
                title="Dataset not opened",
                severity="warning",
                markup=False,
            )
            return
        for _ in above:
            await self.app.pop_screen()
        self.app.push_screen(DatasetItemsScreen(dataset), self._back_from_items)

    def _back_from_items(self, _: object) -> None:
        self.action_refresh()  # items may have been added or archived meanwhile

    def action_new(self) -> None:
        from phtui.screens.datasets.form import DatasetFormScreen

        form = DatasetFormScreen(None)
        self.app.push_screen(form, partial(self._after_form, form))

    def action_edit(self) -> None:
        if self._loading:
            # The form opens once the rows asked for are shown; what is typed meanwhile (the
            # new name...) is kept for it, not run as the list's keys.
            self.typed_ahead = []
        self._after_load("edit", self._edit)

    def _edit(self) -> None:
        from phtui.screens.datasets.form import DatasetFormScreen

        typed_ahead, self.typed_ahead = self.typed_ahead or [], None
        if self.current is not None:
            form = DatasetFormScreen(self.current, typed_ahead=typed_ahead)
            self.app.push_screen(form, partial(self._after_form, form))

    def _after_form(self, form: DatasetFormScreen, saved: Dataset | None) -> None:
        if saved is None:
            self._show_view()  # the form may have learnt the quota (`LIMITS`)
            return
        self.notify(f"Saved dataset “{clip(saved.name, 60)}”.", markup=False)
        if saved.archived != self._archived:
            self._archived = saved.archived
            self.refresh_bindings()
        known = saved.id in {d.id for d in self._datasets}
        self.load(None if known else 0, saved.id)

    # ------------------------------------------------------------- archive and restore

    def _neighbour(self, dataset: Dataset) -> str | None:
        """The row to select once `dataset` leaves the list: the next one, else the previous."""
        ids = [d.id for d in self._datasets]
        if dataset.id not in ids:
            return None
        index = ids.index(dataset.id)
        rest = ids[index + 1 :] + ids[:index][::-1]
        return rest[0] if rest else None

    def action_archive(self) -> None:
        self._after_load("archive", self._archive)

    def _archive(self) -> None:
        dataset = self.current
        if dataset is not None:
            self._change(dataset, "archive")

    def action_delete(self) -> None:
        """Classic servers: PostHog's soft delete, after a confirmation (it cannot be listed)."""
        self._after_load("delete", self._delete)

    def _delete(self) -> None:
        dataset = self.current
        if dataset is None:
            return
        confirm = ConfirmScreen(
            "Delete dataset",
            f"Delete “{clip(dataset.name, 60)}”? {CLASSIC_ARCHIVE}",
        )
        self.app.push_screen(confirm, partial(self._archive_confirmed, dataset))

    def _archive_confirmed(self, dataset: Dataset, yes: bool | None) -> None:
        if yes:
            self._change(dataset, "archive")

    def action_restore(self) -> None:
        self._after_load("restore", self._restore)

    def _restore(self) -> None:
        dataset = self.current
        if dataset is not None:
            self._change(dataset, "restore")

    @task(group="datasets-mutation", exclusive=False)
    async def _change(self, dataset: Dataset, change: Undoable, *, undo: bool = False) -> None:
        """Archive or restore `dataset`; remember it for `u` unless this is the undo."""
        name = clip(dataset.name, 60)
        select = self._neighbour(dataset)
        try:
            if change == "archive":
                await self.client.archive_dataset(dataset.id)
            else:
                await self.client.restore_dataset(dataset.id)
        except PostHogError as error:
            if undo:
                self._undo.append(("restore" if change == "archive" else "archive", dataset))
            verb = "Archiving" if change == "archive" else "Restoring"
            self.report(error, action=f"{verb} dataset “{name}”")
            return
        if undo:
            message = (
                f"“{name}” is archived again."
                if change == "archive"
                else f"“{name}” is back in the active datasets."
            )
        else:
            self._undo.append((change, dataset))
            if change == "restore":
                message = f"Restored “{name}”: it is in the active datasets again. u undoes it."
            elif self._classic():
                message = f"Deleted “{name}”. u brings it back."
            else:
                message = f"Archived “{name}”. u undoes it; a lists archived datasets."
        self.notify(message, markup=False)
        # The dataset is now in the other view: select it if it is this one, else its neighbour.
        now_archived = change == "archive"
        self.load(None, dataset.id if now_archived == self._archived else select)

    def action_undo(self) -> None:
        if not self._undo:
            return
        change, dataset = self._undo.pop()
        self._refresh_bindings_if_changed()
        self._change(dataset, "restore" if change == "archive" else "archive", undo=True)
