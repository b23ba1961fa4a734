"""The items table: one page of dataset items as one-line rows keyed by item id.

DataTable costs about 56 ms per 100 rows here, so it only ever holds the page on screen. Every
cell is a `rich.text.Text` built from an escaped one-line summary (`jsondoc.summarize`: the last
user message of a chat, `key=value` metadata): server data is never read as markup and never spans
lines. The previews share the width left by the fixed columns and follow resizes, rebuilding only
the page's rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rich.text import Text
from textual import events
from textual.widgets import DataTable

from phtui.api.models import DatasetItem
from phtui.core.preview import summarize
from phtui.core.text import clip

ID_WIDTH = 8
TRACE_WIDTH = 12
WIDE_DATE_WIDTH = 16  # "2025-04-02 08:05"
NARROW_DATE_WIDTH = 11  # "04-02 08:05"
WIDE_LAYOUT_MIN = 110  # dataset list: table width from which both dates are shown in full
# Items: the previews matter more than the dates, so full dates wait for a wider table.
ITEMS_WIDE_LAYOUT_MIN = 150
# Shares (percent) of the preview room: input, output; metadata gets the rest.
INPUT_SHARE = 40
OUTPUT_SHARE = 35
MIN_PREVIEWS_WIDTH = 30
CELL_PADDING = 2  # DataTable's default cell_padding of 1 on each side


def short_id(item_id: str) -> str:
    """The last characters of an id: UUIDv7 ids share their leading (time) digits."""
    return item_id[-ID_WIDTH:]


def format_time(value: datetime | None, *, wide: bool) -> str:
    if value is None:
        return "—"
    value = value.astimezone(UTC)
    # f-strings, not strftime: strftime costs ~0.1 ms a call here, 50 ms for a 250-row page.
    day = f"{value.month:02}-{value.day:02} {value.hour:02}:{value.minute:02}"
    return f"{value.year:04}-{day}" if wide else day


@dataclass(frozen=True)
class Layout:
    """Column widths for one table width: the fixed columns keep theirs, previews share the rest."""

    wide: bool
    input: int
    output: int
    metadata: int

    @classmethod
    def for_width(cls, width: int) -> Layout:
        wide = width >= ITEMS_WIDE_LAYOUT_MIN
        dates = 2 * WIDE_DATE_WIDTH if wide else NARROW_DATE_WIDTH
        columns = 7 if wide else 6
        fixed = ID_WIDTH + TRACE_WIDTH + dates + columns * CELL_PADDING + 2  # 2: scrollbar room
        spare = max(width - fixed, MIN_PREVIEWS_WIDTH)
        input_width = spare * INPUT_SHARE // 100
        output_width = spare * OUTPUT_SHARE // 100
        return cls(
            wide=wide,
            input=input_width,
            output=output_width,
            metadata=spare - input_width - output_width,
        )


def search_text(item: DatasetItem) -> str:
    """What find matches against: the id, the three values as JSON, and the references."""
    parts: list[Any] = [item.id, item.input, item.expected_output, item.metadata]
    parts += [item.source_trace_id, item.source_event_id]
    return json.dumps(parts, ensure_ascii=False, default=str).casefold()


class ItemsTable(DataTable[Text]):
    """A page of items. `show_items` replaces the rows; `filter_text` narrows what is shown."""

    DEFAULT_CSS = """
    ItemsTable {
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._items: list[DatasetItem] = []
        self._search: dict[str, str] = {}
        self._filter = ""
        self._layout: Layout | None = None
        self._drafts: set[str] = set()

    @property
    def items(self) -> Sequence[DatasetItem]:
        return self._items

    @property
    def filter_text(self) -> str:
        return self._filter

    @property
    def shown_ids(self) -> list[str]:
        return [str(row.key.value) for row in self.ordered_rows]

    @property
    def current_item(self) -> DatasetItem | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return next((item for item in self._items if item.id == key), None)

    def show_items(self, items: Sequence[DatasetItem], *, keep_cursor: bool = False) -> None:
        selected = self.current_item.id if keep_cursor and self.current_item else None
        self._items = list(items)
        self._search = {}
        self._rebuild(selected)

    def set_filter(self, text: str) -> None:
        self._filter = text.strip().casefold()
        self._rebuild(None)

    def select_item(self, item_id: str) -> bool:
        """Move the cursor to the item; False when it is not among the shown rows."""
        try:
            row = self.get_row_index(item_id)
        except Exception:  # RowDoesNotExist: not on this page or filtered out
            return False
        self.move_cursor(row=row)
        return True

    def replace_item(self, item: DatasetItem) -> None:
        """Show a saved item in place, without reloading the page."""
        self._items = [item if old.id == item.id else old for old in self._items]
        self._search.pop(item.id, None)
        self._rebuild(item.id)

    def _matches(self, item: DatasetItem) -> bool:
        if not self._filter:
            return True
        if item.id not in self._search:
            self._search[item.id] = search_text(item)
        return self._filter in self._search[item.id]

    def _rebuild(self, selected: str | None) -> None:
        layout = Layout.for_width(self.size.width or 120)
        if layout != self._layout:
            self._set_columns(layout)
        else:
            self.clear()
        rows = [item for item in self._items if self._matches(item)]
        for item in rows:
            self.add_row(*self._cells(item), key=item.id)
        if selected is not None:
            self.select_item(selected)

    def _set_columns(self, layout: Layout) -> None:
        self._layout = layout
        self.clear(columns=True)
        self.add_column("ID", width=ID_WIDTH, key="id")
        self.add_column("Input", width=layout.input, key="input")
        self.add_column("Output", width=layout.output, key="output")
        self.add_column("Metadata", width=layout.metadata, key="metadata")
        self.add_column("Trace", width=TRACE_WIDTH, key="trace")
        if layout.wide:
            self.add_column("Created (UTC)", width=WIDE_DATE_WIDTH, key="created")
            self.add_column("Updated (UTC)", width=WIDE_DATE_WIDTH, key="updated")
        else:
            self.add_column("Updated", width=NARROW_DATE_WIDTH, key="updated")

    def mark_drafts(self, item_ids: set[str]) -> None:
        """Flag the rows of items that have an unsaved draft on disk (✎ before the id)."""
        if item_ids != self._drafts:
            self._drafts = set(item_ids)
            if self._items:
                self._rebuild(self.current_item.id if self.current_item else None)

    def _id_cell(self, item_id: str) -> Text:
        if item_id in self._drafts:
            return Text.assemble(("✎", "bold yellow"), (short_id(item_id)[1:], "bold"))
        return Text(short_id(item_id), style="bold")

    def _cells(self, item: DatasetItem) -> list[Text]:
        layout = self._layout or Layout.for_width(120)
        cells = [
            self._id_cell(item.id),
            Text(summarize(item.input, layout.input)),
            Text(summarize(item.expected_output, layout.output)),
            Text(summarize(item.metadata, layout.metadata)),
            Text(clip(item.source_trace_id, TRACE_WIDTH) if item.source_trace_id else "—"),
        ]
        if layout.wide:
            cells.append(Text(format_time(item.created_at, wide=True)))
            cells.append(Text(format_time(item.updated_at, wide=True)))
        else:
            cells.append(Text(format_time(item.updated_at, wide=False)))
        return cells

    def on_resize(self, event: events.Resize) -> None:
        if Layout.for_width(event.size.width) != self._layout and self._items:
            selected = self.current_item.id if self.current_item else None
            self._rebuild(selected)
