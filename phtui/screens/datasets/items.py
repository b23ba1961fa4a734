"""One dataset's items, a page at a time: paging, find, go to item, edit, delete/undo, transfer.

The table holds one page only. The page after the current one is fetched in the background as
soon as a page is shown, so `]` usually renders from memory without waiting for the network. Page
loads run in one exclusive worker group: a newer request cancels a stale one.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from phtui.api import PostHogClient
from phtui.api.errors import NotFoundError, PostHogError, ValidationError
from phtui.api.models import Dataset, DatasetItem, Page
from phtui.core.drafts import DraftStore, default_draft_dir
from phtui.core.paging import DEFAULT_PAGE_SIZE, PAGE_SIZES, PageState
from phtui.core.text import clip
from phtui.screens.base import task
from phtui.screens.datasets.paged import PAGING_BINDINGS, PagedScreen, offset_if_gone
from phtui.screens.dialogs import PromptScreen
from phtui.widgets.datasets.items_table import ItemsTable, short_id
from phtui.widgets.datasets.pager import Pager
from phtui.widgets.key_bar import KeyBar
from phtui.widgets.title_bar import TitleBar

CACHED_PAGES = 4  # current, next, previous and one spare
ITEM_DRAFT_KIND = "dataset_item"  # DraftKey.kind of the item editor's drafts


@dataclass(frozen=True)
class EditorOutcome:
    """What an editor session did, so the table can update without guessing."""

    saved: DatasetItem | None = None  # last saved version of an edited item
    created: int = 0  # new items created (save and add another)


def drafts_of_project(store: DraftStore, client: PostHogClient) -> set[str]:
    """Object ids of the item drafts kept for this host and project ("new:<dataset>" for new)."""
    here = (client.host, str(client.project_id), ITEM_DRAFT_KIND)
    return {
        draft.key.object_id
        for draft in store.all()
        if (draft.key.host, str(draft.key.project_id), draft.key.kind) == here
    }


class PageCache:
    """The few most recent pages, keyed by (limit, offset): enough for prefetch and back."""

    def __init__(self, size: int = CACHED_PAGES) -> None:
        self._pages: OrderedDict[tuple[int, int], Page[DatasetItem]] = OrderedDict()
        self._size = size

    def get(self, limit: int, offset: int) -> Page[DatasetItem] | None:
        page = self._pages.get((limit, offset))
        if page is not None:
            self._pages.move_to_end((limit, offset))
        return page

    def put(self, page: Page[DatasetItem]) -> None:
        self._pages[(page.limit, page.offset)] = page
        self._pages.move_to_end((page.limit, page.offset))
        while len(self._pages) > self._size:
            self._pages.popitem(last=False)

    def clear(self) -> None:
        self._pages.clear()


class DatasetItemsScreen(PagedScreen):
    """The items of `dataset`. Esc goes back to the dataset list."""

    DEFAULT_CSS = """
    DatasetItemsScreen #items-title { height: 1; padding: 0 1; background: $boost; }
    DatasetItemsScreen #items-find { height: 1; border: none; padding: 0 1; }
    DatasetItemsScreen #items-empty { height: auto; padding: 1 2; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="datasets.back"),
        *PAGING_BINDINGS,
        Binding("s", "page_size", "Page size", id="datasets.page_size", show=False),
        Binding("slash", "find", "Find", id="datasets.find"),
        Binding("number_sign", "goto_item", "Go to id", key_display="#",
                id="datasets.goto_item", show=False),
        Binding("n", "new", "New", id="datasets.new_item"),
        Binding("e", "open_item", "Open", id="datasets.open_item"),
        Binding("d", "delete", "Delete", id="datasets.delete_item"),
        Binding("u", "undo", "Undo", id="datasets.undo_item"),
        Binding("r", "refresh", "Refresh", id="datasets.refresh_items"),
        Binding("x", "export", "Export", id="datasets.export"),
        Binding("i", "import_items", "Import", id="datasets.import"),
    ]  # fmt: skip

    def __init__(self, dataset: Dataset, *, page_size: int = DEFAULT_PAGE_SIZE) -> None:
        super().__init__(PageState(count=0, limit=page_size))
        self.dataset = dataset
        self._cache = PageCache()
        self._deleted: list[DatasetItem] = []
        self._loaded = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        description = f" · {self.dataset.description}" if self.dataset.description else ""
        yield Static(clip(self.dataset.name + description, 400), id="items-title", markup=False)
        yield Input(placeholder="Find in this page… (esc closes)", id="items-find")
        yield ItemsTable(id="items-table")
        yield Static("", id="items-empty", markup=False)
        yield Pager("items", id="items-pager")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#items-find").display = False
        self.query_one("#items-empty").display = False
        self.table.focus()
        self.load_page(0)
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
        """True once a page has been shown (and no load is pending)."""
        return self._loaded and not self.pager.loading_marker

    MUTATING_ACTIONS = frozenset({"new", "delete", "undo", "import_items"})

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"open_item", "delete"} and self.table.current_item is None:
            return None
        if action == "undo" and not self._deleted:
            return None
        return True

    # -------------------------------------------------------------------------- loading

    def load_page(self, offset: int, *, select: str | None = None) -> None:
        """Show the page at `offset`: from the cache at once, else from the server."""
        limit = self._state.limit
        cached = self._cache.get(limit, offset)
        if cached is not None:
            # A page still on its way is stale now: it must not replace this one when it lands.
            self.workers.cancel_group(self, "items-page")
            self.pager.set_loading(False)
            self._show(cached, select=select)
            return
        self.pager.set_loading(True)
        self._fetch_page(limit, offset, select)

    @task(group="items-page")
    async def _fetch_page(self, limit: int, offset: int, select: str | None) -> None:
        request = self.client.list_dataset_items(self.dataset.id, limit=limit, offset=offset)
        page = await self._await_page(request)
        if limit != self._state.limit:
            return  # the page size changed while this was on its way
        self._cache.put(page)
        last_offset = offset_if_gone(page)
        if last_offset is not None:  # items were deleted elsewhere: show the last page
            self.load_page(last_offset)
            return
        self._show(page, select=select)

    @task(group="items-prefetch")
    async def _prefetch(self, limit: int, offset: int) -> None:
        try:
            page = await self.client.list_dataset_items(self.dataset.id, limit=limit, offset=offset)
        except PostHogError:
            return  # a prefetch is a guess: the real load reports any problem
        if limit == self._state.limit:
            self._cache.put(page)

    def _show(self, page: Page[DatasetItem], *, select: str | None = None) -> None:
        self._loaded = True
        self._state = PageState(page.count, self._state.limit, page.offset)
        self.table.show_items(page.results)
        if select is not None:
            self.table.select_item(select)
        empty = self.query_one("#items-empty", Static)
        empty.display = not page.results
        empty.update("This dataset has no items yet. Press n to add one, i to import JSONL.")
        self._update_pager()
        self._refresh_bindings_if_changed()
        following = self._state.next()
        if following != self._state and self._cache.get(following.limit, following.offset) is None:
            self._prefetch(following.limit, following.offset)

    def _load_offset(self, offset: int) -> None:
        self.load_page(offset)

    def _availability(self) -> tuple[bool, ...]:
        return (self.table.current_item is not None, bool(self._deleted))

    def _update_pager(self) -> None:
        note = ""
        if self.table.filter_text:
            note = f"find {self.table.filter_text!r}: {self.table.row_count} shown"
        self.pager.show(self._state, note=note)

    # -------------------------------------------------------------------------- paging

    def action_page_size(self) -> None:
        sizes = list(PAGE_SIZES)
        following = (
            sizes[(sizes.index(self._state.limit) + 1) % len(sizes)]
            if (self._state.limit in sizes)
            else DEFAULT_PAGE_SIZE
        )
        self._state = self._state.with_limit(following)
        self.notify(f"{following} items per page.")
        self.load_page(self._state.offset)

    def reload(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self._cache.clear()
        selected = self.table.current_item
        self.load_page(self._state.offset, select=selected.id if selected else None)

    # ---------------------------------------------------------------------------- find

    def action_find(self) -> None:
        find = self.query_one("#items-find", Input)
        find.display = True
        find.focus()

    @on(Input.Changed, "#items-find")
    def _find_changed(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)
        self._update_pager()

    @on(Input.Submitted, "#items-find")
    def _find_submitted(self) -> None:
        self.table.focus()

    def action_back(self) -> None:
        find = self.query_one("#items-find", Input)
        if find.display:
            find.value = ""
            find.display = False
            self.table.set_filter("")
            self._update_pager()
            self.table.focus()
            return
        self.dismiss(None)

    def action_goto_item(self) -> None:
        prompt = PromptScreen("Go to item", placeholder="item id (or the end of it, on this page)")
        self.app.push_screen(prompt, self._goto_item_answer)

    def _goto_item_answer(self, wanted: str | None) -> None:
        if not wanted:
            return
        matches = [
            item for item in self.table.items if item.id == wanted or item.id.endswith(wanted)
        ]
        if len(matches) == 1:
            if not self.table.select_item(matches[0].id):  # hidden by find: clear it
                self.action_back()
                self.table.select_item(matches[0].id)
            return
        self._open_by_id(wanted)

    @task(group="items-goto")
    async def _open_by_id(self, item_id: str) -> None:
        try:
            item = await self.client.get_dataset_item(item_id)
        except (NotFoundError, ValidationError):
            self.notify(f"No item with the id {item_id!r}.", severity="warning", markup=False)
            return
        if item.dataset != self.dataset.id:
            self.notify(
                f"Item {item_id!r} belongs to another dataset.", severity="warning", markup=False
            )
            return
        self._edit(item)

    # ------------------------------------------------------------------------- editing

    def on_data_table_row_selected(self, event: ItemsTable.RowSelected) -> None:
        event.stop()
        self.action_open_item()

    def action_open_item(self) -> None:
        """Open the item under the cursor (to edit, or only to read in read-only mode)."""
        item = self.table.current_item
        if item is not None:
            self._edit(item)

    def _edit(self, item: DatasetItem | None) -> None:
        from phtui.screens.datasets.item_editor import ItemEditorScreen

        self.app.push_screen(ItemEditorScreen(self.dataset, item), self._after_editor)

    def action_new(self) -> None:
        self._edit(None)

    def _after_editor(self, outcome: EditorOutcome | None) -> None:
        if outcome is None:
            return
        if outcome.created:
            self._cache.clear()
            self.load_page(0)  # newest first: new items are on the first page
        elif outcome.saved is not None:
            self._cache.clear()
            self.table.replace_item(outcome.saved)

    def action_delete(self) -> None:
        item = self.table.current_item
        if item is not None:
            self._delete(item)

    @task(group="items-mutation", exclusive=False)
    async def _delete(self, item: DatasetItem) -> None:
        try:
            # base_version: the version shown (a classic server ignores it).
            archived = await self.client.delete_dataset_item(item.id, base_version=item.version)
        except PostHogError as error:
            self.report(error, action=f"Deleting item {short_id(item.id)}")
            return
        self._deleted.append(archived)
        self.notify(f"Item {short_id(item.id)} has been deleted. Press u to undo.")
        self._cache.clear()
        self.load_page(self._state.offset)

    @task(group="items-mutation", exclusive=False)
    async def action_undo(self) -> None:
        if not self._deleted:
            return
        item = self._deleted.pop()
        try:
            await self.client.restore_dataset_item(item.id, base_version=item.version)
        except PostHogError as error:
            self._deleted.append(item)
            self.report(error, action=f"Restoring item {short_id(item.id)}")
            return
        self.notify(f"Item {short_id(item.id)} is back.")
        self._cache.clear()
        self.load_page(self._state.offset, select=item.id)

    # ------------------------------------------------------------------------ transfer

    def action_export(self) -> None:
        from phtui.screens.datasets.transfer import ExportScreen

        self.app.push_screen(ExportScreen(self.dataset))

    def action_import_items(self) -> None:
        from phtui.screens.datasets.transfer import ImportScreen

        self.app.push_screen(ImportScreen(self.dataset), self._after_import)

    def _after_import(self, imported: bool | None) -> None:
        if imported:
            self._cache.clear()
            self.load_page(0)
