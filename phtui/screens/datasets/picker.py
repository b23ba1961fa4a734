"""The dataset picker: search (server-side, debounced), sort, pages of 30, create/edit/delete.

Enter opens a dataset's items (`DatasetItemsScreen`). Deleting is PostHog's soft delete, after a
confirmation, and `u` undoes the last one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from phtui.api.models import Dataset, Page
from phtui.core.paging import PageState
from phtui.core.text import clip
from phtui.screens.base import ServicesMixin, task
from phtui.screens.confirm import ConfirmScreen
from phtui.screens.datasets.paged import PAGING_BINDINGS, PagedScreen, offset_if_gone
from phtui.widgets.datasets.items_table import (
    NARROW_DATE_WIDTH,
    WIDE_DATE_WIDTH,
    WIDE_LAYOUT_MIN,
    format_time,
)
from phtui.widgets.datasets.pager import Pager
from phtui.widgets.key_bar import KeyBar
from phtui.widgets.title_bar import TitleBar

PAGE_SIZE = 30  # as PostHog's own dataset list
SEARCH_DELAY_S = 0.3
# (order_by, label) in the order `o` cycles through; PostHog's default first.
SORTS = (
    ("-created_at", "newest created first"),
    ("created_at", "oldest created first"),
    ("-updated_at", "recently updated first"),
    ("updated_at", "least recently updated first"),
)


@dataclass(frozen=True)
class Columns:
    """Column widths of the dataset table for one table width."""

    wide: bool
    name: int
    description: int

    @classmethod
    def for_width(cls, width: int) -> Columns:
        wide = width >= WIDE_LAYOUT_MIN
        dates = 2 * WIDE_DATE_WIDTH + 4 if wide else NARROW_DATE_WIDTH + 2
        name = 28 if wide else 22
        description = max(width - dates - name - 4 - 2, 10)
        return cls(wide=wide, name=name, description=description)


class DatasetsScreen(PagedScreen):
    """Pick a dataset. Every list is fetched from the server: search and sort are PostHog's."""

    DEFAULT_CSS = """
    DatasetsScreen #datasets-bar { height: 1; margin: 0 0 1 0; }
    DatasetsScreen #datasets-search { width: 1fr; border: none; height: 1; padding: 0 1; }
    DatasetsScreen #datasets-sort { width: auto; padding: 0 1; color: $text-muted; }
    DatasetsScreen #datasets-table { height: 1fr; }
    DatasetsScreen #datasets-empty { height: auto; padding: 1 2; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", id="datasets.search"),
        Binding("n", "new", "New", id="datasets.new"),
        Binding("e", "edit", "Edit", id="datasets.edit"),
        Binding("d", "delete", "Delete", id="datasets.delete"),
        Binding("u", "undo", "Undo delete", id="datasets.undo"),
        Binding("o", "sort", "Sort", id="datasets.sort"),
        Binding("r", "refresh", "Refresh", id="datasets.refresh"),
        *PAGING_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__(PageState(count=0, limit=PAGE_SIZE))
        self._sort = 0
        self._search = ""
        self._datasets: list[Dataset] = []
        self._deleted: list[Dataset] = []
        self._search_timer: Timer | None = None
        self._columns: Columns | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="datasets-bar"):
            yield Input(placeholder="Search datasets… (/)", id="datasets-search")
            yield Static(SORTS[0][1], id="datasets-sort", markup=False)
        table: DataTable[Text] = DataTable(
            id="datasets-table", cursor_type="row", zebra_stripes=True
        )
        yield table
        yield Static("", id="datasets-empty", markup=False)
        yield Pager("datasets", id="datasets-pager")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#datasets-empty").display = False
        self.table.focus()
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
    def current(self) -> Dataset | None:
        if not self.table.row_count:
            return None
        key = self.table.coordinate_to_cell_key(self.table.cursor_coordinate).row_key.value
        return next((dataset for dataset in self._datasets if dataset.id == key), None)

    MUTATING_ACTIONS = frozenset({"new", "edit", "delete", "undo"})

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"edit", "delete"} and self.current is None:
            return None
        if action == "undo" and not self._deleted:
            return None
        return True

    # -------------------------------------------------------------------------- loading

    @task(group="datasets-list")
    async def load(self, offset: int | None = None, select: str | None = None) -> None:
        """Fetch one page (the current one by default); a newer load cancels this one."""
        self.pager.set_loading(True)
        request = self.client.list_datasets(
            search=self._search or None,
            order_by=self.order_by,
            limit=PAGE_SIZE,
            offset=self._state.offset if offset is None else offset,
        )
        page = await self._await_page(request)
        last_offset = offset_if_gone(page)
        if last_offset is not None:  # datasets were deleted elsewhere: show the last page
            self.load(last_offset)
            return
        self._show(page, select)

    def _load_offset(self, offset: int) -> None:
        self.load(offset)

    def _availability(self) -> tuple[bool, ...]:
        return (self.current is not None, bool(self._deleted))

    def _show(self, page: Page[Dataset], select: str | None) -> None:
        selected = select or (self.current.id if self.current else None)
        self._datasets = list(page.results)
        self._state = PageState(page.count, PAGE_SIZE, page.offset)
        self._fill_table(selected)
        empty = self.query_one("#datasets-empty", Static)
        empty.display = not self._datasets
        if self._search:
            empty.update(f"No dataset matches {self._search!r}. Esc clears the search.")
        else:
            empty.update("No datasets yet. Press n to create one.")
        self.pager.show(self._state, note=f"search {self._search!r}" if self._search else "")
        self._refresh_bindings_if_changed()

    def _fill_table(self, selected: str | None) -> None:
        table = self.table
        columns = Columns.for_width(table.size.width or self.size.width or 120)
        if columns != self._columns:
            self._columns = columns
            table.clear(columns=True)
            table.add_column("Name", key="name", width=columns.name)
            table.add_column("Description", key="description", width=columns.description)
            if columns.wide:
                table.add_column("Created (UTC)", key="created", width=WIDE_DATE_WIDTH)
                table.add_column("Updated (UTC)", key="updated", width=WIDE_DATE_WIDTH)
            else:
                table.add_column("Updated", key="updated", width=NARROW_DATE_WIDTH)
        else:
            table.clear()
        for dataset in self._datasets:
            cells = [
                Text(clip(dataset.name, columns.name), style="bold"),
                Text(
                    clip(dataset.description, columns.description) if dataset.description else "—"
                ),
            ]
            if columns.wide:
                cells.append(Text(format_time(dataset.created_at, wide=True)))
            cells.append(Text(format_time(dataset.updated_at, wide=columns.wide)))
            table.add_row(*cells, key=dataset.id)
        if selected is not None and any(dataset.id == selected for dataset in self._datasets):
            table.move_cursor(row=table.get_row_index(selected))

    def on_resize(self) -> None:
        if self._columns is not None and Columns.for_width(self.table.size.width) != self._columns:
            self._fill_table(self.current.id if self.current else None)

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

    @on(Input.Submitted, "#datasets-search")
    def _search_submitted(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._apply_search()
        self.table.focus()

    def key_escape(self) -> None:
        search = self.query_one("#datasets-search", Input)
        if search.has_focus:
            if search.value:
                search.value = ""
                self._apply_search()
            self.table.focus()

    def action_search(self) -> None:
        self.query_one("#datasets-search", Input).focus()

    def action_sort(self) -> None:
        self._sort = (self._sort + 1) % len(SORTS)
        self.query_one("#datasets-sort", Static).update(SORTS[self._sort][1])
        self.load(0)

    def reload(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.load()

    # ------------------------------------------------------------------------- actions

    @on(DataTable.RowSelected, "#datasets-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
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
        self.load()

    def action_new(self) -> None:
        from phtui.screens.datasets.form import DatasetFormScreen

        self.app.push_screen(DatasetFormScreen(None), self._after_form)

    def action_edit(self) -> None:
        from phtui.screens.datasets.form import DatasetFormScreen

        if self.current is not None:
            self.app.push_screen(DatasetFormScreen(self.current), self._after_form)

    def _after_form(self, saved: Dataset | None) -> None:
        if saved is not None:
            self.notify(f"Saved dataset {saved.name!r}.", markup=False)
            self.load(0 if saved.id not in {d.id for d in self._datasets} else None, saved.id)

    def action_delete(self) -> None:
        dataset = self.current
        if dataset is None:
            return
        confirm = ConfirmScreen(
            "Delete dataset",
            f"Delete {dataset.name!r} and hide its items? (Soft delete: u undoes it.)",
        )
        self.app.push_screen(confirm, partial(self._delete_confirmed, dataset))

    def _delete_confirmed(self, dataset: Dataset, yes: bool | None) -> None:
        if yes:
            self._delete(dataset)

    @task(group="datasets-mutation", exclusive=False)
    async def _delete(self, dataset: Dataset) -> None:
        try:
            await self.client.delete_dataset(dataset.id)
        except Exception as error:
            self.report(error, action=f"Deleting dataset {dataset.name!r}")
            return
        self._deleted.append(dataset)
        self.notify(f"{dataset.name!r} has been deleted. Press u to undo.", markup=False)
        self.load()

    @task(group="datasets-mutation", exclusive=False)
    async def action_undo(self) -> None:
        if not self._deleted:
            return
        dataset = self._deleted.pop()
        try:
            await self.client.restore_dataset(dataset.id)
        except Exception as error:
            self._deleted.append(dataset)
            self.report(error, action=f"Restoring dataset {dataset.name!r}")
            return
        self.notify(f"{dataset.name!r} is back.", markup=False)
        self.load(None, dataset.id)
