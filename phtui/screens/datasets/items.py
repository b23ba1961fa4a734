"""One dataset's items: browse, search, go to an item, revisions, archive/restore with undo.

Two ways to hold a dataset, chosen by the datasets API the server speaks (detected, never
configured):

- **Revisioned** (PostHog today: at most 600 items, item pages of at most 25): opening a dataset
  loads all of it, active and archived items, pinned to one revision, with concurrent page
  requests (`PostHogClient.list_all_dataset_items`), showing progress as pages land. Search,
  `key=value` filters, the archived filter, the order and "go to item" then work in memory
  (`core.item_query.ItemView`) and the table shows a window (a page) of the result. Archive,
  restore, undo and saved items update the loaded list in place; nothing reloads 600 items. A past
  revision (picked with `v`) and an archived dataset are shown read-only, saying why.
- **Classic** (older self-hosted PostHog, no limits: datasets of 100,000 items): the server pages,
  one page in the table; the page after the current one is fetched in the background as soon as
  a page is shown, so `]` usually renders from memory. Page loads run in one exclusive worker
  group: a newer request cancels a stale one. Find filters the page shown.

Both share the paging keys (`PagedScreen`), the one pagination model (`PageState`), the columns
and the detail line of the highlighted row (its full id, which `y` copies through OSC 52).
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from phtui.api import PostHogClient
from phtui.api.errors import (
    ConflictError,
    DatasetsUnavailableError,
    LimitReachedError,
    NotFoundError,
    PostHogError,
    StaleVersionError,
    ValidationError,
)
from phtui.api.models import Dataset, DatasetItem, DatasetItemsSnapshot, DatasetsApi, Page
from phtui.core.clipboard import clipboard_hint, fits_osc52
from phtui.core.dates import format_datetime
from phtui.core.drafts import DraftStore, default_draft_dir
from phtui.core.item_query import (
    ARCHIVED_FILTERS,
    ORDERS,
    ItemIndex,
    ItemView,
    find_items,
    item_id_problem,
    parse_query,
)
from phtui.core.limits import LIMITS, limit_words
from phtui.core.paging import DEFAULT_PAGE_SIZE, PageState, next_page_size, parse_number
from phtui.core.preview import summarize
from phtui.core.text import clip, visible
from phtui.screens.base import PhScreen, task
from phtui.screens.datasets.paged import PagedScreen, paging_bindings
from phtui.widgets.datasets.items_table import ItemsTable, short_id
from phtui.widgets.datasets.pager import Pager
from phtui.widgets.fields import SafeInput
from phtui.widgets.key_bar import KeyBar
from phtui.widgets.title_bar import TitleBar

CACHED_PAGES = 4  # classic: current, next, previous and one spare
ITEM_DRAFT_KIND = "dataset_item"  # DraftKey.kind of the item editor's drafts
LOADED_WINDOW = 50  # revisioned: rows in the table at a time (a window over the loaded items)
# Page requests in flight for the active items while a dataset loads: 600 items are 24 pages of
# 25, so two rounds; 14 requests at once are far inside PostHog's 480 a minute.
LOAD_CONCURRENCY = 12
ARCHIVED_FIRST_PAGE = 25  # PostHog's largest item page
MAX_CREATED_FETCH = 25  # new items fetched after the editor; more than that reloads
ITEMS_NOUN = "items"

Change = Literal["archive", "restore"]
_VERBS: dict[Change, tuple[str, str]] = {
    "archive": ("archive", "archived"),
    "restore": ("restore", "restored"),
}
CLASSIC_NO_REVISIONS = "This PostHog instance (classic datasets API) keeps no revisions."
CLASSIC_NO_ARCHIVED = "This PostHog instance (classic datasets API) can't list deleted items."
CLASSIC_ORDER = "This PostHog instance (classic datasets API) lists items newest first only."


@dataclass(frozen=True)
class EditorOutcome:
    """What an editor session did, so the table can update without guessing."""

    saved: DatasetItem | None = None  # last saved version of an edited item
    created: int = 0  # new items created (save and add another)


@dataclass(frozen=True)
class Undo:
    """A change `u` can take back: `done` to `item` (as the server answered it)."""

    done: Change
    item: DatasetItem


def drafts_of_project(store: DraftStore, client: PostHogClient) -> set[str]:
    """Object ids of the item drafts kept for this host and project ("new:<dataset>" for new)."""
    here = (client.host, str(client.project_id), ITEM_DRAFT_KIND)
    return {
        draft.key.object_id
        for draft in store.all()
        if (draft.key.host, str(draft.key.project_id), draft.key.kind) == here
    }


class PageCache:
    """Classic: the few most recent server pages, keyed by (limit, offset)."""

    def __init__(self, size: int = CACHED_PAGES) -> None:
        self._pages: OrderedDict[tuple[int, int], Page[DatasetItem]] = OrderedDict()
        self._size = size

    def get(self, limit: int, offset: int) -> Page[DatasetItem] | None:
        page = self._pages.get((limit, offset))
        if page is not None:
            self._pages.move_to_end((limit, offset))
        return page

    def put(self, page: Page[DatasetItem]) -> None:
        key = (page.state.limit, page.offset)
        self._pages[key] = page
        self._pages.move_to_end(key)
        while len(self._pages) > self._size:
            self._pages.popitem(last=False)

    def clear(self) -> None:
        self._pages.clear()


class SearchField(SafeInput):
    """The items search. Enter goes back to the table within its own key binding, not when
    the screen reads the `Submitted` message: keys typed behind Enter in one burst (`/refund`,
    Enter, `#ticket-12`) are then the table's, not the search's."""

    async def action_submit(self) -> None:
        await super().action_submit()
        self.screen.set_focus(self.screen.query_one(ItemsTable))


@functools.cache
def _read_only_editor_class() -> type[Any]:
    """The item editor, read-only with a reason (a past revision, an archived dataset).

    A subclass rather than a flag, so the editor is still built as `ItemEditorScreen(dataset,
    item)`; imported late because the editor imports this module."""
    from phtui.screens.datasets.item_editor import ItemEditorScreen

    class ReadOnlyItemEditor(ItemEditorScreen):
        read_only_reason = ""

        @property
        def read_only(self) -> bool:
            return True

        def blocked_reason(self, action: str) -> str | None:
            if action in self.MUTATING_ACTIONS:
                return self.read_only_reason
            return super().blocked_reason(action)

    return ReadOnlyItemEditor


class DatasetItemsScreen(PagedScreen):
    """The items of `dataset`. Esc goes back to the dataset list."""

    # The one-line lines end in "…" when cut: without nowrap a long line wraps at a space and
    # its second half vanishes under height 1, with nothing to say it was cut.
    DEFAULT_CSS = """
    DatasetItemsScreen .one-line { text-wrap: nowrap; text-overflow: ellipsis; }
    DatasetItemsScreen #items-title { height: 1; padding: 0 1; background: $boost; }
    DatasetItemsScreen #items-status { height: 1; padding: 0 1; color: $text-muted; }
    DatasetItemsScreen #items-notice {
        height: 1; padding: 0 1; background: $warning-muted; color: $text;
    }
    DatasetItemsScreen #items-find { height: 1; border: none; padding: 0 1; }
    DatasetItemsScreen #items-empty { height: auto; padding: 1 2; color: $text-muted; }
    DatasetItemsScreen #items-detail { height: 1; padding: 0 1; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="items.back"),
        Binding("slash", "find", "Find", id="items.find"),
        Binding("e", "open_item", "Open", id="items.open"),
        Binding("n", "new", "New", id="items.new"),
        Binding("d", "archive", "Archive", id="items.archive"),
        Binding("d", "restore", "Restore", id="items.restore"),
        Binding("u", "undo", "Undo", id="items.undo"),
        Binding("h", "history", "History", id="items.history"),
        Binding("v", "revision", "Revision", id="items.revision"),
        Binding("a", "archived_filter", "Archived", id="items.archived_filter"),
        *paging_bindings("items"),
        Binding("o", "order", "Order", id="items.order", show=False),
        Binding("number_sign", "goto_item", "Go to id", key_display="#",
                id="items.goto_item", show=False),
        Binding("y", "copy_id", "Copy id", id="items.copy_id", show=False),
        Binding("s", "page_size", "Page size", id="items.page_size", show=False),
        Binding("r", "refresh", "Refresh", id="items.refresh", show=False),
        Binding("x", "export", "Export", id="items.export"),
        Binding("i", "import_items", "Import", id="items.import"),
        Binding("p", "push", "Push", id="items.push"),
    ]  # fmt: skip

    MUTATING_ACTIONS = frozenset({"new", "archive", "restore", "undo", "import_items"})
    BURST_ACTIONS = frozenset({"find", "goto_item", "goto_page", "revision"})

    def __init__(self, dataset: Dataset, *, page_size: int | None = None) -> None:
        super().__init__(PageState(count=0, limit=page_size or DEFAULT_PAGE_SIZE))
        self.dataset = dataset
        self._page_size_given = page_size is not None
        self._api: DatasetsApi | None = None
        self._view = ItemView()
        self._revision: int | None = None  # the revision the loaded items show
        self._latest: int | None = dataset.current_revision
        self._viewing: int | None = None  # a past revision being looked at; None: the latest
        self._page: Page[DatasetItem] | None = None  # classic: the server page shown
        self._cache = PageCache()
        self._undo: list[Undo] = []
        self._busy: set[str] = set()  # ids of items with a change on its way
        self._loaded = False
        self._unavailable: str | None = None
        self._lines: dict[str, Text] = {}  # what each one-line Static shows

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(self._title_text(), id="items-title", classes="one-line")
        yield Static("", id="items-status", classes="one-line")
        yield Static("", id="items-notice", classes="one-line")
        yield SearchField(placeholder="Search…", id="items-find", select_on_focus=False)
        yield ItemsTable(id="items-table")
        yield Static("", id="items-empty")
        yield Static("", id="items-detail", classes="one-line")
        yield Pager(ITEMS_NOUN, id="items-pager")
        yield KeyBar()

    def on_mount(self) -> None:
        for hidden in ("#items-find", "#items-empty", "#items-notice"):
            self.query_one(hidden).display = False
        self.table.focus()
        self._start_load()
        self._show_drafts(announce=True)

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self._show_drafts(announce=False)

    def _show_drafts(self, *, announce: bool) -> None:
        """Mark items with unsaved drafts on disk, and say so once when the screen opens."""
        try:
            drafts = drafts_of_project(DraftStore(default_draft_dir()), self.client)
        except (OSError, PostHogError):
            return
        new_key = f"new:{self.dataset.id}"
        self.table.mark_drafts({key for key in drafts if key != new_key})
        if not announce:
            return
        if new_key in drafts:
            self.notify("A draft of a new item is kept: press n to finish it.", timeout=8)
        elif drafts:
            self.notify(
                f"{len(drafts)} item draft(s) of this project are kept on disk; "
                "their rows are marked ✎. Open an item to restore its draft.",
                timeout=8,
            )

    # ---------------------------------------------------------------------------- state

    @property
    def table(self) -> ItemsTable:
        return self.query_one(ItemsTable)

    @property
    def loaded(self) -> bool:
        """True once items have been shown (and no load is pending)."""
        return self._loaded and not self.pager.loading_marker

    @property
    def generation(self) -> DatasetsApi | None:
        """The datasets API of the server, once known."""
        return self._api

    @property
    def view(self) -> ItemView:
        """Revisioned: the loaded dataset and what of it is shown."""
        return self._view

    @property
    def viewing(self) -> int | None:
        """The past revision shown, or None for the latest."""
        return self._viewing

    @property
    def revision(self) -> int | None:
        """The revision the loaded items show (revisioned), None before loading or on classic."""
        return self._revision

    @property
    def undo_stack(self) -> list[Undo]:
        return list(self._undo)

    def _find_input(self) -> Input:
        return self.query_one("#items-find", Input)

    # ---------------------------------------------------------------------- conditions

    def read_only_view_reason(self) -> str | None:
        """Why what is shown can't be changed (a past revision, an archived dataset), in one
        line, or None."""
        if self._viewing is not None:
            return (
                f"Revision {self._viewing:,} is a read-only snapshot: press v, pick Latest to "
                "change items."
            )
        if self.dataset.archived and self._api == "classic":
            return "This dataset has been deleted, so its items are read-only."
        if self.dataset.archived:
            return (
                "This dataset is archived, so its items are read-only: restore it from the "
                "dataset list first."
            )
        return None

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        item = self.table.current_item if self.is_mounted else None
        if action in {"open_item", "copy_id", "archive", "restore", "history"} and item is None:
            return False if action == "restore" else None
        if action == "archive" and item is not None and item.archived:
            return False  # `d` restores this one
        if action == "restore" and item is not None and not item.archived:
            return False
        if action == "undo" and not self._undo:
            return None
        if action in {"revision", "archived_filter", "order"} and self._api is None:
            return None
        return True

    def blocked_reason(self, action: str) -> str | None:
        reason = super().blocked_reason(action)
        if reason is not None:
            return reason
        if self._api == "classic":
            classic = {
                "revision": CLASSIC_NO_REVISIONS,
                "archived_filter": CLASSIC_NO_ARCHIVED,
                "order": CLASSIC_ORDER,
            }
            if action in classic:
                return classic[action]
        if action in self.MUTATING_ACTIONS:
            reason = self.read_only_view_reason()
            if reason is not None:
                return reason
            if action == "new" and self._at_item_limit():
                limit = LIMITS.limit(self._host(), "dataset_items")
                return (
                    f"This dataset holds {self._total_items():,} items, PostHog's limit of "
                    f"{limit:,} (archived items count too): create another dataset for more."
                )
        return None

    def _availability(self) -> tuple[object, ...]:
        item = self.table.current_item
        return (
            item is not None,
            item.archived if item else None,
            bool(self._undo),
            self._viewing,
            self.dataset.archived,
            self._api,
            self._at_item_limit(),
        )

    def _host(self) -> str:
        client = self.services.client
        return client.host if client is not None else ""

    def _total_items(self) -> int:
        return len(self._view.items)

    def _at_item_limit(self) -> bool:
        if self._api != "revisioned" or not LIMITS.known(self._host(), "dataset_items"):
            return False
        limit = LIMITS.limit(self._host(), "dataset_items")
        return limit is not None and self._total_items() >= limit

    # -------------------------------------------------------------------------- loading

    def _start_load(self, *, select: str | None = None) -> None:
        self.pager.set_loading(True)
        self.load_items(select)

    @task(group="items-load")
    async def load_items(self, select: str | None = None) -> None:
        """Find out which datasets API the server speaks, then load the way it needs."""
        try:
            api = self.client.datasets_api or await self.client.detect_datasets_api()
        except DatasetsUnavailableError as error:
            self._show_unavailable(error)
            return
        except BaseException:
            self.pager.set_loading(False)
            raise
        self._set_generation(api)
        if api == "classic":
            self.load_page(self._state.offset, select=select)
            return
        try:
            dataset, active, archived = await self._load_snapshot()
        except DatasetsUnavailableError as error:
            self._show_unavailable(error)
            return
        except asyncio.CancelledError:
            raise
        except BaseException:
            self.pager.set_loading(False)
            raise
        self._take_snapshot(dataset, active, archived, select)

    def _set_generation(self, api: DatasetsApi) -> None:
        if api == self._api:
            return
        self._api = api
        self.table.set_generation(api)
        if api == "revisioned" and not self._page_size_given:
            self._state = PageState(0, LOADED_WINDOW)
        self._find_input().placeholder = (
            'Search the dataset… words, "a phrase", key=value (esc closes)'
            if api == "revisioned"
            else 'Find in this page… words, "a phrase", key=value (esc closes)'
        )
        self._update_status()

    async def _load_snapshot(
        self,
    ) -> tuple[Dataset, DatasetItemsSnapshot | None, DatasetItemsSnapshot | None]:
        """The dataset now, and its active and archived items at one revision (the one being
        viewed, else the latest), both lists loading at once.

        The latest revision is not asked for first (a round trip before any page): the pages
        are pinned to the revision last seen (the dataset list's), and the client reads the
        dataset alongside them; only when the dataset has moved on since are they loaded again
        at its new revision."""
        client = self.client
        pinned = self._viewing or self._latest
        if pinned is None:  # nothing seen yet (or no item was ever added): ask
            dataset = await client.get_dataset(self.dataset.id)
            pinned = self._viewing or dataset.current_revision
            if pinned is None:
                return dataset, None, None
        active, archived = await self._pinned_lists(pinned)
        dataset = active.dataset
        latest = dataset.current_revision
        if self._viewing is None and latest is not None and latest != pinned:
            active, archived = await self._pinned_lists(latest)
            dataset = active.dataset
        return dataset, active, archived

    async def _pinned_lists(
        self, revision: int
    ) -> tuple[DatasetItemsSnapshot, DatasetItemsSnapshot]:
        """The active and the archived items at `revision`, loading together (progress shown).

        Archived items are few as a rule: their first page is asked for alone, and the rest
        only when it says there is more (the whole-list load would ask for a dozen pages at
        once before learning the count)."""
        client = self.client
        progress = {False: (0, 0), True: (0, 0)}

        def on_progress(archived: bool) -> Any:
            def update(loaded: int, total: int) -> None:
                progress[archived] = (loaded, total)
                self.pager.set_progress(
                    sum(done for done, _ in progress.values()),
                    sum(all_ for _, all_ in progress.values()),
                )

            return update

        async def archived_items() -> tuple[list[DatasetItem], list[str]]:
            first = await client.list_dataset_items(
                self.dataset.id, revision=revision, archived=True, limit=ARCHIVED_FIRST_PAGE
            )
            on_progress(True)(len(first.results), first.count)
            if not first.state.has_next:
                return first.results, first.skipped
            rest = await client.list_all_dataset_items(
                self.dataset.id,
                revision=revision,
                archived=True,
                concurrency=LOAD_CONCURRENCY,
                on_progress=on_progress(True),
            )
            return rest.items, rest.skipped

        failure: BaseException | None = None
        try:
            async with asyncio.TaskGroup() as group:  # one failure cancels the other list
                active = group.create_task(
                    client.list_all_dataset_items(
                        self.dataset.id,
                        revision=revision,
                        concurrency=LOAD_CONCURRENCY,
                        on_progress=on_progress(False),
                    )
                )
                archived = group.create_task(archived_items())
        except BaseExceptionGroup as errors:
            failure = errors.exceptions[0]
        if failure is not None:
            raise failure
        snapshot = active.result()
        items, skipped = archived.result()
        return snapshot, DatasetItemsSnapshot(
            dataset=snapshot.dataset, revision=revision, items=items, skipped=skipped
        )

    def _take_snapshot(
        self,
        dataset: Dataset,
        active: DatasetItemsSnapshot | None,
        archived: DatasetItemsSnapshot | None,
        select: str | None,
    ) -> None:
        self.dataset = dataset
        self._latest = dataset.current_revision
        self._revision = active.revision if active is not None else None
        if self._viewing is not None and self._viewing == self._latest:
            self._viewing = None  # the "past" revision is the latest after all
        items = [*(active.items if active else []), *(archived.items if archived else [])]
        view = ItemView(items, order=self._view.order, archived=self._view.archived)
        view.set_query(self._find_input().value if self._find_input().display else "")
        self._view = view
        self._unavailable = None
        self._loaded = True
        self.pager.set_loading(False)
        self._set_line("#items-title", self._title_text())
        selected = select or (self.table.current_item.id if self.table.current_item else None)
        self._show_window(select=selected)
        skipped = [*(active.skipped if active else []), *(archived.skipped if archived else [])]
        if skipped:
            self.notify(
                f"{len(skipped)} item(s) are nested too deeply for this app to show; their "
                "rows say so (PostHog still holds them intact).",
                severity="warning",
                timeout=8,
            )

    def _show_unavailable(self, error: DatasetsUnavailableError) -> None:
        """Datasets are off for this organisation: say it here, once, and nothing else (the
        dataset list says the same when it loads; no second toast from this screen)."""
        self._unavailable = visible(str(error))  # PostHog's own words may be quoted in it
        self._loaded = True
        self.pager.set_loading(False)
        self.table.show_items([])
        empty = self.query_one("#items-empty", Static)
        empty.update(Text(self._unavailable))
        empty.display = True
        self._update_detail()

    # classic: server pages -----------------------------------------------------------------

    def load_page(
        self, offset: int, *, select: str | None = None, check_dataset: bool = False
    ) -> None:
        """Classic: show the page at `offset`, from the cache at once, else from the server
        (`check_dataset`: then read the dataset again, as a refresh does)."""
        limit = self._state.limit
        cached = self._cache.get(limit, offset)
        if cached is not None and not check_dataset:
            # A page still on its way is stale now: it must not replace this one when it lands.
            self.workers.cancel_group(self, "items-page")
            self.pager.set_loading(False)
            self._show_page(cached, select=select)
            return
        self.pager.set_loading(True)
        self._fetch_page(limit, offset, select, check_dataset)

    @task(group="items-page")
    async def _fetch_page(
        self, limit: int, offset: int, select: str | None, check_dataset: bool = False
    ) -> None:
        request = self.client.list_dataset_items(self.dataset.id, limit=limit, offset=offset)
        try:
            page = await self._await_page(request)
        except DatasetsUnavailableError as error:
            self._show_unavailable(error)
            return
        if limit != self._state.limit:
            return  # the page size changed while this was on its way
        self._cache.put(page)
        state = page.state
        if state.past_end:  # items were deleted elsewhere: show the last page
            self._state = state.clamped()
            self.load_page(self._state.offset, check_dataset=check_dataset)
            return
        self._show_page(page, select=select)
        if check_dataset:
            await self._reread_dataset()

    async def _reread_dataset(self) -> None:
        """Classic: the items of a dataset deleted elsewhere still list, so a refresh reads the
        dataset too (after the page: one fault, one message) and follows a deletion or a
        restore made elsewhere."""
        try:
            dataset = await self.client.get_dataset(self.dataset.id)
        except NotFoundError:
            dataset = self.dataset.model_copy(update={"archived": True})
        if dataset.archived == self.dataset.archived:
            self.dataset = dataset
            return
        self.dataset = dataset
        self._set_line("#items-title", self._title_text())
        self._update_status()
        self._refresh_bindings_if_changed()
        if dataset.archived:
            self.notify(
                "This dataset has been deleted (elsewhere): its items are read-only now.",
                severity="warning",
                markup=False,
            )
        else:
            self.notify("This dataset is back (restored elsewhere).", markup=False)

    @task(group="items-prefetch")
    async def _prefetch(self, limit: int, offset: int) -> None:
        try:
            page = await self.client.list_dataset_items(self.dataset.id, limit=limit, offset=offset)
        except PostHogError:
            return  # a prefetch is a guess: the real load reports any problem
        if limit == self._state.limit:
            self._cache.put(page)

    def _show_page(self, page: Page[DatasetItem], *, select: str | None = None) -> None:
        self._loaded = True
        self._page = page
        self._state = page.state
        self._render_page(select=select)
        following = self._state.next()
        if following != self._state and self._cache.get(following.limit, following.offset) is None:
            self._prefetch(following.limit, following.offset)

    def _render_page(self, *, select: str | None = None, row: int | None = None) -> None:
        """Classic: the page's items that match the find text."""
        items = self._page.results if self._page is not None else []
        query = self._query_text()
        rows = ItemIndex(items).matches(parse_query(query)) if query else list(items)
        self.table.show_items(rows, select=select, row=row)
        self._after_render(rows_exist=bool(items))

    # revisioned: a window over the loaded items -----------------------------------------------

    def _show_window(self, *, select: str | None = None, row: int | None = None) -> None:
        """Show the window of the loaded items the state points at (on the page holding
        `select`, when given and shown)."""
        if self._api != "revisioned":
            self._render_page(select=select, row=row)
            return
        rows = self._view.rows
        state = PageState(len(rows), self._state.limit, self._state.offset).clamped()
        if select is not None:
            position = self._view.position(select)
            if position is not None:
                state = state.containing(position)
        self._state = state
        self.table.show_items(state.window(rows), select=select, row=row)
        self._after_render(rows_exist=bool(self._view.items))

    def _after_render(self, *, rows_exist: bool) -> None:
        empty = self.query_one("#items-empty", Static)
        empty.display = not self.table.row_count
        if not self.table.row_count:
            empty.update(Text(self._empty_text(rows_exist)))
        note = ""
        query = self._query_text()
        if query:
            if self._api == "revisioned":
                note = f"search {clip(query, 30)!r}: {self._state.count:,} found"
            else:
                note = f"find {clip(query, 30)!r}: {self.table.row_count:,} shown on this page"
        self.pager.show(self._state, note=note)
        self._update_status()
        self._update_detail()
        self._refresh_bindings_if_changed()

    def _empty_text(self, rows_exist: bool) -> str:
        if self._unavailable:
            return self._unavailable
        query = self._query_text()
        if query:
            where = "" if self._api == "revisioned" else " on this page"
            return f"No item{where} matches {clip(query, 60)!r}. Esc clears the search."
        if rows_exist and self._view.archived == "archived":
            return "No archived items. Press a to show the active ones."
        if rows_exist and self._view.archived == "active":
            return "Every item of this dataset is archived. Press a to show them."
        if self._viewing is not None:
            return f"Revision {self._viewing:,} has no items."
        if self.read_only_view_reason() is not None:
            return "This dataset has no items."
        return "This dataset has no items yet. Press n to add one, i to import JSONL."

    def _query_text(self) -> str:
        find = self._find_input()
        return find.value.strip() if find.display else ""

    def _title_text(self) -> Text:
        text = Text(clip(self.dataset.name, 200), style="bold", no_wrap=True, overflow="ellipsis")
        if self.dataset.archived:
            text.append(" (deleted)" if self._api == "classic" else " (archived)")
        if self.dataset.description:
            text.append(" · " + clip(self.dataset.description, 200))
        return text

    def _update_status(self) -> None:
        """The count against the limit, the revision, what is shown and in which order; and
        the read-only notice, when there is one."""
        status = Text(no_wrap=True, overflow="ellipsis")
        if self._api == "revisioned":
            view = self._view
            total = len(view.items)
            if self._viewing is None:
                limit = LIMITS.limit(self._host(), "dataset_items")
                status.append(
                    f"{total:,} of {limit:,} items" if limit else f"{total:,} items", style="bold"
                )
            else:
                status.append(f"{total:,} items", style="bold")
            if view.archived_count:
                status.append(f" ({view.archived_count:,} archived)")
            if self._viewing is not None:
                latest = f" of {self._latest:,}" if self._latest else ""
                status.append(f" · revision {self._viewing:,}{latest}", style="bold")
            elif self._revision is not None:
                status.append(f" · latest (revision {self._revision:,})")
            status.append(f" · {view.archived}, {dict(ORDERS)[view.order]}")
        elif self._api == "classic" and self._page is not None:
            status.append(f"{self._page.count:,} items", style="bold")
            status.append(" · newest first")
        self._set_line("#items-status", status)
        notice = self.query_one("#items-notice", Static)
        reason = self.read_only_view_reason()
        notice.display = reason is not None
        if reason is not None:
            self._set_line("#items-notice", Text("⚠ " + reason, no_wrap=True, overflow="ellipsis"))

    def _set_line(self, selector: str, text: Text) -> None:
        """Update a one-line Static only when its text changed, and without a layout pass."""
        if self._lines.get(selector) != text:
            self._lines[selector] = text
            self.query_one(selector, Static).update(text, layout=False)

    def _update_detail(self) -> None:
        """The highlighted item in full: its id, client item id, version and dates."""
        item = self.table.current_item
        detail = Text(no_wrap=True, overflow="ellipsis")
        if item is not None:
            detail.append(clip(item.id, 64), style="bold")
            if item.client_item_id:
                detail.append(" · client item id ")
                detail.append(clip(item.client_item_id, 80), style="bold")
            if item.version is not None:
                detail.append(f" · version {item.version}")
                if item.dataset_revision is not None:
                    detail.append(f" (revision {item.dataset_revision:,})")
            if item.archived:
                detail.append(" · archived", style="bold red")
            detail.append(" · y copies the id")
            if item.metadata:
                detail.append(f" · {summarize(item.metadata, 60)}")
            detail.append(f" · created {format_datetime(item.created_at)}")
            if item.source_trace_id:
                detail.append(f" · trace {clip(item.source_trace_id, 40)}")
        self._set_line("#items-detail", detail)

    @on(ItemsTable.RowHighlighted, "#items-table")
    def _row_highlighted(self, event: ItemsTable.RowHighlighted) -> None:
        event.stop()
        self._update_detail()
        self._refresh_bindings_if_changed()

    # -------------------------------------------------------------------------- paging

    def _load_offset(self, offset: int) -> None:
        if self._api == "revisioned":
            self._show_window()
        else:
            self.load_page(offset)

    def action_page_size(self) -> None:
        size = next_page_size(self._state.limit)
        self._state = self._state.with_limit(size)
        self.notify(f"{size} items per page.")
        self._load_offset(self._state.offset)

    def reload(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        selected = self.table.current_item
        select = selected.id if selected else None
        if self._api == "classic":
            self._cache.clear()
            self.load_page(self._state.offset, select=select, check_dataset=True)
        else:
            self._start_load(select=select)

    # --------------------------------------------------------------------- find, order, filter

    def action_find(self) -> None:
        find = self._find_input()
        find.display = True
        self.set_focus(find)  # now: keys queued behind this one must reach the search
        typed, keys = self.take_burst()
        if typed:
            find.insert_text_at_cursor(typed)
        self.hand_keys(find, keys)  # Enter, escape... and what follows, in order

    @on(Input.Changed, "#items-find")
    def _find_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._apply_query()

    def _apply_query(self) -> None:
        if self._api == "revisioned":
            self._view.set_query(self._query_text())
            self._state = self._state.first()
            self._show_window()
        else:
            self._render_page()

    @on(Input.Submitted, "#items-find")
    def _find_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # SearchField has given the table the focus already

    def _close_find(self) -> None:
        find = self._find_input()
        find.value = ""
        find.display = False
        self._apply_query()
        self.set_focus(self.table)

    def action_back(self) -> None:
        if self._find_input().display:
            self._close_find()
            return
        self.dismiss(None)

    def action_order(self) -> None:
        orders = [order for order, _ in ORDERS]
        order = orders[(orders.index(self._view.order) + 1) % len(orders)]
        self._view.set_order(order)
        self.notify(f"Items {dict(ORDERS)[order]}.")
        self._rerender_keeping_selection()

    def action_archived_filter(self) -> None:
        filters = list(ARCHIVED_FILTERS)
        shown = filters[(filters.index(self._view.archived) + 1) % len(filters)]
        self._view.set_archived(shown)
        self._rerender_keeping_selection()

    def _rerender_keeping_selection(self) -> None:
        item = self.table.current_item
        if item is not None and self._view.position(item.id) is not None:
            self._show_window(select=item.id)
        else:
            self._state = self._state.first()
            self._show_window()

    # ------------------------------------------------------------------------ revisions

    def action_revision(self) -> None:
        from phtui.screens.datasets.revisions import RevisionChoice, RevisionPickerScreen

        def picked(choice: RevisionChoice | None) -> None:
            if choice is None or choice.revision == self._viewing:
                return
            self._viewing = choice.revision
            self._undo.clear()
            self._state = self._state.first()
            self._update_status()
            self._refresh_bindings_if_changed()
            self._start_load()

        latest = self._latest or self._revision
        typed, keys = self.take_burst()
        number = parse_number(typed, latest or 1, noun="revision") if typed else None
        if isinstance(number, int) and keys and keys[0].key == "enter":  # `v12⏎`, typed fast
            picked(RevisionChoice(None if number == latest else number))
            return
        picker = RevisionPickerScreen(
            self.dataset.id, latest=latest, viewing=self._viewing, initial=typed
        )
        self.app.push_screen(picker, picked)

    # ---------------------------------------------------------------------- go to an item

    def action_goto_item(self) -> None:
        if self._api == "revisioned":
            placeholder = "any part of an id or a client item id"
        else:
            placeholder = "a full item id, or any part of one on this page"
        self.prompt_for(
            "Go to item",
            placeholder=placeholder,
            check=self._goto_problem,
            answered=self._goto_item_answer,
        )

    def _goto_problem(self, text: str) -> str | None:
        """Why the prompt can't go anywhere with `text` (shown in the prompt, text kept)."""
        if not text:
            return "Enter an item id, or any part of one."
        if self._api == "revisioned":
            if not find_items(self._view.items, text):
                return f"No item's id or client item id contains {clip(text, 40)!r}."
            return None
        if find_items(self._page.results if self._page else [], text):
            return None
        problem = item_id_problem(text)
        if problem is not None:
            return f"No item on this page matches it, and {problem[0].lower()}{problem[1:]}"
        return None

    def _goto_item_answer(self, wanted: str | None) -> None:
        if not wanted:
            return
        if self._api == "revisioned":
            matches = find_items(self._view.items, wanted)
            if matches:
                self.show_item(matches[0].id)
                if len(matches) > 1:
                    self.notify(
                        f"{len(matches)} items match {clip(wanted, 40)!r}: showing the first. "
                        "Type more of the id to pick another.",
                        markup=False,
                    )
            return
        matches = find_items(self._page.results if self._page else [], wanted)
        if matches:
            if not self.table.select_item(matches[0].id):  # hidden by find: clear it
                self._close_find()
                self.table.select_item(matches[0].id)
            return
        self._open_by_id(wanted.strip())

    def show_item(self, item_id: str) -> bool:
        """Revisioned: move to the item (clearing a search or filter that hides it)."""
        item = self._view.get(item_id)
        if item is None:
            return False
        if not self._view.shows(item):
            self._view.set_archived("all")
        if self._view.position(item_id) is None and self._find_input().display:
            find = self._find_input()
            with find.prevent(Input.Changed):
                find.value = ""
            find.display = False
            self._view.set_query("")
        self._show_window(select=item_id)
        self.set_focus(self.table)
        return True

    @task(group="items-goto")
    async def _open_by_id(self, item_id: str) -> None:
        try:
            item = await self.client.get_dataset_item(item_id)
        except (NotFoundError, ValidationError):
            self.notify(
                f"No item with the id {clip(item_id, 40)!r}.", severity="warning", markup=False
            )
            return
        if item.dataset != self.dataset.id:
            self.notify(
                f"Item {clip(item_id, 40)!r} belongs to another dataset.",
                severity="warning",
                markup=False,
            )
            return
        self._edit(item)

    def action_copy_id(self) -> None:
        item = self.table.current_item
        if item is None:
            return
        if not fits_osc52(item.id):
            self.notify("This id is too long for the terminal clipboard.", severity="warning")
            return
        self.app.copy_to_clipboard(item.id)
        message = f"Copied the item id {clip(item.id, 64)} (OSC 52)."
        hint = clipboard_hint(os.environ)
        self.notify(f"{message} {hint}" if hint else message, markup=False)

    # ------------------------------------------------------------------------- editing

    @on(ItemsTable.RowSelected, "#items-table")
    def _row_selected(self, event: ItemsTable.RowSelected) -> None:
        event.stop()
        self.action_open_item()

    def action_open_item(self) -> None:
        """Open the item under the cursor (to edit, or only to read)."""
        item = self.table.current_item
        if item is not None:
            self._edit(item)

    def _edit(self, item: DatasetItem | None) -> None:
        from phtui.screens.datasets.item_editor import ItemEditorScreen

        # A past revision is read-only whatever the item; an archived item is the editor's
        # own business (it offers to restore it).
        reason = self.read_only_view_reason() if item is not None else None
        if reason is None:
            editor: PhScreen[Any] = ItemEditorScreen(self.dataset, item)
        else:
            viewer = _read_only_editor_class()(self.dataset, item)
            viewer.read_only_reason = reason
            editor = viewer
        self.app.push_screen(editor, self._after_editor)

    def action_new(self) -> None:
        self._edit(None)

    def action_history(self) -> None:
        """The item's versions: diffs between any two, and bringing one back."""
        from phtui.screens.datasets.history import ItemHistoryScreen

        item = self.table.current_item
        if item is not None:
            self.app.push_screen(ItemHistoryScreen(self.dataset, item), self._after_history)

    def _after_history(self, current: DatasetItem | None) -> None:
        if current is not None:  # a version was brought back: the same as a save
            self._after_editor(EditorOutcome(saved=current))

    def _after_editor(self, outcome: EditorOutcome | None) -> None:
        if outcome is None:
            return
        if outcome.saved is not None:
            self._cache.clear()
            if self._api == "revisioned":
                self._view.replace(outcome.saved)
                self._note_revision(outcome.saved)
                self._show_window(select=outcome.saved.id)
            else:
                self._replace_on_page(outcome.saved)
        if outcome.created:
            if self._api == "revisioned":
                self._fetch_created(outcome.created)
            else:
                self._cache.clear()
                self._state = self._state.first()
                self.load_page(0)  # newest first: new items are on the first page

    @task(group="items-created")
    async def _fetch_created(self, created: int) -> None:
        """The items the editor created, newest first, into the loaded list (a few: more
        than a page of them reloads the dataset)."""
        if created > MAX_CREATED_FETCH:
            self._start_load()
            return
        page = await self.client.list_dataset_items(self.dataset.id, limit=created)
        for item in reversed(page.results):
            self._view.replace(item)
            self._note_revision(item)
        newest = page.results[0].id if page.results else None
        self._show_window(select=newest)

    def _note_revision(self, item: DatasetItem) -> None:
        """A change made a new revision: the loaded items are at it now."""
        if item.dataset_revision is not None:
            self._revision = max(self._revision or 0, item.dataset_revision)
            self._latest = max(self._latest or 0, item.dataset_revision)
            if self.dataset.current_revision != self._latest:
                self.dataset = self.dataset.model_copy(update={"current_revision": self._latest})

    def _replace_on_page(self, item: DatasetItem) -> None:
        """Classic: show a changed item in its row of the page shown."""
        if self._page is None:
            return
        results = [item if old.id == item.id else old for old in self._page.results]
        self._page = self._page.model_copy(update={"results": results})
        self.table.replace_item(item)
        self._update_detail()

    # ------------------------------------------------------------------ archive / restore

    def action_archive(self) -> None:
        item = self.table.current_item
        if item is not None and not item.archived:
            self._change(item, "archive")

    def action_restore(self) -> None:
        item = self.table.current_item
        if item is not None and item.archived:
            self._change(item, "restore")

    def action_undo(self) -> None:
        if self._undo:
            last = self._undo.pop()
            undo: Change = "restore" if last.done == "archive" else "archive"
            self._change(last.item, undo, undoing=last)

    @task(group="items-mutation", exclusive=False)
    async def _change(self, item: DatasetItem, change: Change, undoing: Undo | None = None) -> None:
        """Archive or restore `item` (as shown: its version is the base), then show the new
        version in place. `undoing`: the undo entry this takes back (kept if it fails)."""
        if item.id in self._busy:
            if undoing is not None:
                self._undo.append(undoing)
            return
        self._busy.add(item.id)
        done = _VERBS[change][1]
        name = f"item {short_id(item.id)}"
        try:
            if change == "archive":
                new = await self.client.archive_dataset_item(item.id, base_version=item.version)
            else:
                new = await self.client.restore_dataset_item(item.id, base_version=item.version)
        except PostHogError as error:
            if undoing is not None and not isinstance(error, ConflictError):
                self._undo.append(undoing)  # nothing changed: it can be tried again
            await self._change_failed(item, change, error)
            return
        finally:
            self._busy.discard(item.id)
        if undoing is None:
            self._undo.append(Undo(change, new))
        self._apply_change(item, new, change)
        again = ": u undoes it" if undoing is None else " (undone)"
        self.notify(f"{name.capitalize()} {done}{again}.", markup=False)

    def _apply_change(self, old: DatasetItem, new: DatasetItem, change: Change) -> None:
        row = self.table.cursor_row
        if self._api == "revisioned":
            self._view.replace(new)
            self._note_revision(new)
            if self._view.position(new.id) is not None and self.table.current_item == old:
                self._show_window(select=new.id)
            else:
                self._show_window(select=self._neighbour(old, row), row=row)
            return
        # Classic: the deleted item leaves the page in place; a restored one comes back with
        # the page (the server puts it where it belongs).
        self._cache.clear()
        if change == "archive" and self._page is not None:
            results = [each for each in self._page.results if each.id != old.id]
            count = max(self._page.count - 1, 0)
            self._page = self._page.model_copy(update={"results": results, "count": count})
            self._state = PageState(count, self._state.limit, self._state.offset)
            self._render_page(row=row)
        else:
            self.load_page(self._state.offset, select=new.id)

    def _neighbour(self, old: DatasetItem, row: int) -> str | None:
        """The item now in `row` of the window, after `old` left it."""
        current = self.table.current_item
        if current is not None and current.id != old.id:
            return current.id
        return None

    async def _change_failed(self, item: DatasetItem, change: Change, error: PostHogError) -> None:
        verb, _ = _VERBS[change]
        name = f"item {short_id(item.id)}"
        if isinstance(error, LimitReachedError):
            LIMITS.learn(self._host(), error)
            self._update_status()
            extra = (
                " Archiving needs a free version besides the one kept for restoring it; create a "
                "new item to continue."
                if change == "archive"
                else " Create a new item to continue."
            )
            self.notify(
                f"Can't {verb} {name}: {limit_words(error)}{extra}",
                title="Limit reached",
                severity="warning",
                markup=False,
            )
            return
        if isinstance(error, ConflictError) and error.code == "dataset_archived":
            self.dataset = self.dataset.model_copy(update={"archived": True})
            self._update_status()
            self._refresh_bindings_if_changed()
            self.notify(
                "This dataset has been archived (elsewhere): its items are read-only now.",
                severity="warning",
                markup=False,
            )
            return
        if isinstance(error, StaleVersionError) or (
            isinstance(error, ConflictError)
            and error.code in {"dataset_item_archived", "dataset_item_active"}
        ):
            await self._reload_item(item, error, verb)
            return
        self.report(error, action=f"{verb.capitalize()} {name}")

    async def _reload_item(self, item: DatasetItem, error: ConflictError, verb: str) -> None:
        """Someone else changed the item: show it as it is now, and say so."""
        try:
            current = await self.client.get_dataset_item(item.id)
        except PostHogError as failure:
            self.report(failure, action=f"Reloading item {short_id(item.id)}")
            return
        self._undo = [entry for entry in self._undo if entry.item.id != item.id]
        if self._api == "revisioned":
            self._view.replace(current)
            self._note_revision(current)
            shown = self._view.position(current.id) is not None
            self._show_window(select=current.id if shown else None)
        name = f"Item {short_id(item.id)}"
        wanted = (verb == "archive") == current.archived  # what `d` was for is done already
        if isinstance(error, StaleVersionError) and wanted:
            state = "archived" if current.archived else "restored"
            message = (
                f"{name} was already {state} elsewhere (now version {current.version}): it has "
                "been reloaded."
            )
        elif isinstance(error, StaleVersionError):
            state = "archived" if current.archived else "active"
            message = (
                f"{name} changed elsewhere (now version {current.version}, {state}): it has "
                f"been reloaded. Press d to {verb} it as it is now."
            )
        else:
            state = "archived" if current.archived else "active"
            message = f"{name} was already {state}: it has been reloaded."
        self.notify(message, title="Item reloaded", severity="warning", markup=False)

    # ------------------------------------------------------------------------ transfer

    def action_export(self) -> None:
        from phtui.screens.datasets.transfer import ExportScreen

        # A past revision shown is the one exported; "Latest" is the dataset's current revision
        # (kept current here as this screen's changes make new ones).
        self.app.push_screen(ExportScreen(self.dataset, revision=self._viewing))

    def action_import_items(self) -> None:
        from phtui.screens.datasets.transfer import ImportScreen

        self.app.push_screen(ImportScreen(self.dataset), self._after_transfer)

    def action_push(self) -> None:
        from phtui.screens.datasets.push import PushScreen

        # Not a mutating action: the dialog opens in any mode, since a plan changes nothing;
        # its Push is disabled there, with the reason this view cannot change items.
        blocked = self.read_only_view_reason()
        self.app.push_screen(PushScreen(self.dataset, blocked=blocked), self._after_transfer)

    def _after_transfer(self, imported: bool | None) -> None:
        if imported:
            self._cache.clear()
            self._state = self._state.first()
            if self._api == "revisioned":
                self._start_load()
            else:
                self.load_page(0)
