"""The items table: one window (page) of dataset items as one-line rows keyed by item id.

DataTable costs tens of milliseconds per hundred rows, so it only ever holds the window on
screen; the screen decides which items those are (a server page, or a slice of a dataset loaded
in memory). Every cell is a `rich.text.Text` built from an escaped one-line summary
(`core.preview.summarize`: the last user message of a chat, `key=value` metadata): server data is
never read as markup and never spans lines.

Columns follow the datasets API the server speaks and the width: previews (input, expected
output, source output) share what the fixed columns (id, version, client item id, updated) leave,
and the least useful columns drop out first when the table gets narrow (the detail line below the
table still shows what they held). Resizes rebuild only the window's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from rich.text import Text
from textual import events
from textual.widgets import DataTable

from phtui.api.models import DatasetItem
from phtui.core.dates import DATETIME_WIDTH, format_datetime
from phtui.core.preview import summarize
from phtui.core.text import clip

__all__ = [
    "ARCHIVED_MARK",
    "DRAFT_MARK",
    "ID_WIDTH",
    "ItemsTable",
    "Layout",
    "format_time",
    "short_id",
]

ID_WIDTH = 8
CELL_PADDING = 2  # DataTable's default cell_padding of 1 on each side
SCROLLBAR_ROOM = 2
MIN_PREVIEW_WIDTH = 16  # below this a preview says too little: drop a column instead
DRAFT_MARK = "✎"
ARCHIVED_MARK = "⊘"
Generation = Literal["revisioned", "classic"]

# Kept for the screens that have not moved to `phtui.core.dates` yet (the dataset list).
WIDE_DATE_WIDTH = 16  # "2025-04-02 08:05"
NARROW_DATE_WIDTH = 11  # "04-02 08:05"
WIDE_LAYOUT_MIN = 110


def short_id(item_id: str) -> str:
    """The last characters of an id: UUIDv7 ids share their leading (time) digits."""
    return item_id[-ID_WIDTH:]


def format_time(value: datetime | None, *, wide: bool) -> str:
    """Deprecated: the old short forms of the dataset list. Use `core.dates.format_datetime`."""
    text = format_datetime(value)
    if value is None:
        return text
    return text[:16] if wide else text[5:16]


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str
    width: int = 0  # fixed width; 0 for a preview, which gets `share` of the room left
    share: int = 0
    drop: int = 0  # 0: always shown; otherwise dropped when narrow, 1 first


REVISIONED_COLUMNS = (
    ColumnSpec("id", "ID", width=ID_WIDTH),
    ColumnSpec("input", "Input", share=40),
    ColumnSpec("expected", "Expected output", share=30),
    ColumnSpec("source", "Source output", share=30, drop=2),
    ColumnSpec("version", "Ver", width=4, drop=3),
    ColumnSpec("client_id", "Client item id", width=16, drop=1),
    ColumnSpec("updated", "Updated", width=DATETIME_WIDTH, drop=4),
)
CLASSIC_COLUMNS = (
    ColumnSpec("id", "ID", width=ID_WIDTH),
    ColumnSpec("input", "Input", share=40),
    ColumnSpec("expected", "Output", share=35),
    ColumnSpec("metadata", "Metadata", share=25, drop=1),
    ColumnSpec("updated", "Updated", width=DATETIME_WIDTH, drop=2),
)


@dataclass(frozen=True)
class Layout:
    """The columns shown at one table width, with their widths."""

    columns: tuple[tuple[ColumnSpec, int], ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(spec.key for spec, _ in self.columns)

    def width(self, key: str) -> int:
        return next((width for spec, width in self.columns if spec.key == key), 0)

    @classmethod
    def for_width(cls, width: int, generation: Generation = "revisioned") -> Layout:
        specs = list(REVISIONED_COLUMNS if generation == "revisioned" else CLASSIC_COLUMNS)
        while True:
            previews = [spec for spec in specs if not spec.width]
            fixed = sum(spec.width for spec in specs) + len(specs) * CELL_PADDING
            room = width - fixed - SCROLLBAR_ROOM
            droppable = [spec for spec in specs if spec.drop]
            if room >= MIN_PREVIEW_WIDTH * len(previews) or not droppable:
                break
            specs.remove(min(droppable, key=lambda spec: spec.drop))
        room = max(room, MIN_PREVIEW_WIDTH * len(previews))
        total_share = sum(spec.share for spec in previews)
        widths: dict[str, int] = {}
        given = 0
        for spec in previews[:-1]:
            widths[spec.key] = room * spec.share // total_share
            given += widths[spec.key]
        widths[previews[-1].key] = room - given
        return cls(tuple((spec, spec.width or widths[spec.key]) for spec in specs))


class ItemsTable(DataTable[Text]):
    """A window of items. `show_items` replaces the rows; the screen picks them."""

    DEFAULT_CSS = """
    ItemsTable {
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._items: list[DatasetItem] = []
        self._generation: Generation = "revisioned"
        self._layout: Layout | None = None
        self._drafts: set[str] = set()

    @property
    def items(self) -> Sequence[DatasetItem]:
        """The items of the rows, in row order."""
        return self._items

    @property
    def generation(self) -> Generation:
        return self._generation

    @property
    def column_layout(self) -> Layout | None:
        return self._layout

    @property
    def shown_ids(self) -> list[str]:
        return [str(row.key.value) for row in self.ordered_rows]

    @property
    def current_item(self) -> DatasetItem | None:
        if not self.row_count or not 0 <= self.cursor_row < len(self._items):
            return None
        return self._items[self.cursor_row]

    def set_generation(self, generation: Generation) -> None:
        """Columns for the datasets API the server speaks (the classic one has no versions)."""
        if generation != self._generation:
            self._generation = generation
            self._layout = None
            self._rebuild(self.current_item.id if self.current_item else None)

    def show_items(
        self, items: Sequence[DatasetItem], *, select: str | None = None, row: int | None = None
    ) -> None:
        """Show `items`; put the cursor on the item `select`, else on `row` (clamped), else on
        the first row."""
        self._items = list(items)
        self._rebuild(select, row)

    def select_item(self, item_id: str) -> bool:
        """Move the cursor to the item; False when it is not among the rows."""
        for row, item in enumerate(self._items):
            if item.id == item_id:
                self.move_cursor(row=row)
                return True
        return False

    def replace_item(self, item: DatasetItem) -> None:
        """Show a changed item in its row, without touching the others."""
        for row, old in enumerate(self._items):
            if old.id == item.id:
                self._items[row] = item
                keys = self._layout_or_default().keys
                for key, cell in zip(keys, self._cells(item), strict=True):
                    self.update_cell(item.id, key, cell)
                return

    # The app's vim keys (`g`, `G`) run `first` / `last` on the focused list.
    def action_first(self) -> None:
        if self.row_count:
            self.move_cursor(row=0)

    def action_last(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)

    def mark_drafts(self, item_ids: set[str]) -> None:
        """Flag the rows of items that have an unsaved draft on disk (✎ before the id)."""
        if item_ids != self._drafts:
            self._drafts = set(item_ids)
            if self._items:
                self._rebuild(self.current_item.id if self.current_item else None)

    # ------------------------------------------------------------------------------ drawing

    def _layout_or_default(self) -> Layout:
        return self._layout or Layout.for_width(self.size.width or 120, self._generation)

    def _rebuild(self, selected: str | None, row: int | None = None) -> None:
        layout = Layout.for_width(self.size.width or 120, self._generation)
        if layout != self._layout:
            self._layout = layout
            self.clear(columns=True)
            for spec, width in layout.columns:
                self.add_column(spec.label, width=width, key=spec.key)
        else:
            self.clear()
        for item in self._items:
            self.add_row(*self._cells(item), key=item.id)
        if not self._items:
            return
        if selected is not None and self.select_item(selected):
            return
        self.move_cursor(row=min(max(row or 0, 0), len(self._items) - 1))

    def _id_cell(self, item: DatasetItem) -> Text:
        shown = short_id(item.id)
        if item.id in self._drafts:
            return Text.assemble((DRAFT_MARK, "bold yellow"), (shown[1:], "bold"))
        if item.archived:
            return Text.assemble((ARCHIVED_MARK, "bold red"), (shown[1:], "dim"))
        return Text(shown, style="bold")

    def _cells(self, item: DatasetItem) -> list[Text]:
        layout = self._layout_or_default()
        dim = "dim" if item.archived else ""
        cells: list[Text] = []
        for spec, width in layout.columns:
            if spec.key == "id":
                cells.append(self._id_cell(item))
                continue
            if spec.key == "input":
                text = summarize(item.input, width)
            elif spec.key == "expected":
                text = summarize(item.expected_output, width)
            elif spec.key == "source":
                text = summarize(item.source_output, width)
            elif spec.key == "metadata":
                text = summarize(item.metadata, width)
            elif spec.key == "version":
                text = f"v{item.version}" if item.version is not None else "—"
            elif spec.key == "client_id":
                text = clip(item.client_item_id, width) if item.client_item_id else "—"
            else:  # updated: when the version shown was made (at a past revision too)
                text = format_datetime(
                    item.version_created_at or item.updated_at or item.created_at
                )
            if item.too_deep and spec.key in {"input", "expected", "source", "metadata"}:
                text = "(nested too deeply to show)"[:width]
            cells.append(Text(text, style=dim))
        return cells

    def on_resize(self, event: events.Resize) -> None:
        if Layout.for_width(event.size.width, self._generation) != self._layout and self._items:
            self._rebuild(self.current_item.id if self.current_item else None)
