"""The items table: one window (page) of dataset items as one-line rows keyed by item id.

A small line-API table rather than Textual's DataTable: DataTable renders every visible cell
through Rich on each change (tens of milliseconds for a window of 50 rows, most of a search
keystroke's budget), where this one builds each row once, as one line, and draws only the lines
on screen. It looks like DataTable (the same colours: header, zebra stripes, a block cursor that
dims when the table is not focused) and keeps the keys: arrows, page up/down, home/end, Enter,
and the app's j/k/g/G. The screen decides which items are shown (a server page, or a slice of a
dataset loaded in memory).

Every cell is a `rich.text.Text` built from an escaped one-line summary
(`core.preview.summarize`: the last user message of a chat, `key=value` metadata): server data is
never read as markup and never spans lines. Columns follow the datasets API the server speaks and
the width: previews (input, expected output, source output) share what the fixed columns (id,
version, client item id, updated) leave, and the least useful columns drop out first when the
table gets narrow (the detail line below the table still shows what they held).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

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
    "short_id",
]

ID_WIDTH = 8
CELL_PADDING = 2  # DataTable's default cell_padding of 1 on each side
SCROLLBAR_ROOM = 2
MIN_PREVIEW_WIDTH = 16  # below this a preview says too little: drop a column instead
DRAFT_MARK = "✎"
ARCHIVED_MARK = "⊘"
Generation = Literal["revisioned", "classic"]


def short_id(item_id: str) -> str:
    """The last characters of an id: UUIDv7 ids share their leading (time) digits."""
    return item_id[-ID_WIDTH:]


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


class ItemsTable(ScrollView, can_focus=True):
    """A window of items, one line each under a header line. `show_items` replaces the rows."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "items-table--header",
        "items-table--cursor",
        "items-table--even-row",
        "items-table--odd-row",
    }

    # DataTable's look, so both dataset tables match.
    DEFAULT_CSS = """
    ItemsTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .items-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .items-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .items-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .items-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .items-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .items-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .items-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", id="items.select", show=False),
        Binding("up", "cursor_up", "Up", id="items.row_up", show=False),
        Binding("down", "cursor_down", "Down", id="items.row_down", show=False),
        Binding("pageup", "page_up", "Page up", id="items.rows_page_up", show=False),
        Binding("pagedown", "page_down", "Page down", id="items.rows_page_down", show=False),
        Binding("home,ctrl+home", "first", "First row", id="items.first_row", show=False),
        Binding("end,ctrl+end", "last", "Last row", id="items.last_row", show=False),
    ]

    class _RowMessage(Message):
        def __init__(self, table: ItemsTable, cursor_row: int, item: DatasetItem) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row
            self.item = item

        @property
        def control(self) -> ItemsTable:
            return self.table

    class RowHighlighted(_RowMessage):
        """The cursor moved to another row."""

    class RowSelected(_RowMessage):
        """Enter (or a click on the cursor's row): open this item."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._items: list[DatasetItem] = []
        self._cells: list[list[Text]] = []
        self._cursor = 0
        self._generation: Generation = "revisioned"
        self._layout: Layout | None = None
        self._drafts: set[str] = set()
        self._strips: dict[tuple[int, bool], Strip] = {}  # (row, cursor) -> line, this width
        self._header: Strip | None = None

    # ------------------------------------------------------------------------------- reading

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
    def row_count(self) -> int:
        return len(self._items)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def shown_ids(self) -> list[str]:
        return [item.id for item in self._items]

    @property
    def current_item(self) -> DatasetItem | None:
        return self._items[self._cursor] if 0 <= self._cursor < len(self._items) else None

    def get_row(self, item_id: str) -> list[Text]:
        """The cells of the item's row (`KeyError` when it is not shown)."""
        for row, item in enumerate(self._items):
            if item.id == item_id:
                return self.get_row_at(row)
        raise KeyError(item_id)

    def get_row_at(self, row: int) -> list[Text]:
        return list(self._cells[row])

    def get_cell(self, item_id: str, column: str) -> Text:
        """One cell, by item id and column key ("id", "input", "expected", "version"...)."""
        layout = self._layout_or_default()
        return self.get_row(item_id)[layout.keys.index(column)]

    # ------------------------------------------------------------------------------- changing

    def set_generation(self, generation: Generation) -> None:
        """Columns for the datasets API the server speaks (the classic one has no versions)."""
        if generation != self._generation:
            self._generation = generation
            self._layout = None
            self._rebuild()

    def show_items(
        self, items: Sequence[DatasetItem], *, select: str | None = None, row: int | None = None
    ) -> None:
        """Show `items`; put the cursor on the item `select`, else on `row` (clamped), else on
        the first row."""
        self._items = list(items)
        self._rebuild()
        if select is None or not self.select_item(select):
            self._set_cursor(row or 0)

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
                self._cells[row] = self._cells_of(item)
                self._strips = {key: strip for key, strip in self._strips.items() if key[0] != row}
                self._refresh_row(row)
                return

    def mark_drafts(self, item_ids: set[str]) -> None:
        """Flag the rows of items that have an unsaved draft on disk (✎ before the id)."""
        if item_ids != self._drafts:
            self._drafts = set(item_ids)
            if self._items:
                self._rebuild()

    def move_cursor(self, *, row: int) -> None:
        """Put the cursor on `row` (clamped), scrolled into view; says so when it moved."""
        moved = self._set_cursor(row)
        if moved and self.current_item is not None:
            self.post_message(self.RowHighlighted(self, self._cursor, self.current_item))

    def _set_cursor(self, row: int) -> bool:
        row = min(max(row, 0), max(len(self._items) - 1, 0))
        moved = row != self._cursor
        if moved:
            old = self._cursor
            self._cursor = row
            self._refresh_row(old)
            self._refresh_row(row)
        self._scroll_to_cursor()
        return moved

    # -------------------------------------------------------------------------------- keys

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self._cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(row=self._cursor - self._visible_rows())

    def action_page_down(self) -> None:
        self.move_cursor(row=self._cursor + self._visible_rows())

    # The app's vim keys (`g`, `G`) run `first` / `last` on the focused list.
    def action_first(self) -> None:
        self.move_cursor(row=0)

    def action_last(self) -> None:
        self.move_cursor(row=len(self._items) - 1)

    def action_select_cursor(self) -> None:
        item = self.current_item
        if item is not None:
            self.post_message(self.RowSelected(self, self._cursor, item))

    def on_click(self, event: events.Click) -> None:
        row = int(self.scroll_offset.y) + event.y - 1
        if event.y < 1 or not 0 <= row < len(self._items):
            return
        if row == self._cursor:
            self.action_select_cursor()
        else:
            self.move_cursor(row=row)

    # ------------------------------------------------------------------------------ drawing

    def _visible_rows(self) -> int:
        return max(self.size.height - 1, 1)  # the header takes a line

    def _scroll_to_cursor(self) -> None:
        top = int(self.scroll_offset.y)
        visible = self._visible_rows()
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + visible:
            self.scroll_to(y=self._cursor - visible + 1, animate=False, immediate=True)

    def _refresh_row(self, row: int) -> None:
        """Redraw one row (line 1 + its place on screen), if it is on screen."""
        self._strips.pop((row, True), None)
        self._strips.pop((row, False), None)
        y = row - int(self.scroll_offset.y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _layout_or_default(self) -> Layout:
        return self._layout or Layout.for_width(self.size.width or 120, self._generation)

    def _rebuild(self) -> None:
        layout = Layout.for_width(self.size.width or 120, self._generation)
        self._layout = layout
        self._cells = [self._cells_of(item) for item in self._items]
        self._strips = {}
        self._header = None
        self.virtual_size = Size(self.size.width, len(self._items) + 1)
        self.refresh()

    def _id_cell(self, item: DatasetItem) -> Text:
        shown = clip(short_id(item.id), ID_WIDTH)  # an id is server text too
        if item.id in self._drafts:
            return Text.assemble((DRAFT_MARK, "bold yellow"), (shown[1:], "bold"))
        if item.archived:
            return Text.assemble((ARCHIVED_MARK, "bold red"), (shown[1:], "dim"))
        return Text(shown, style="bold")

    def _cells_of(self, item: DatasetItem) -> list[Text]:
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

    def _line(self, cells: Sequence[Text], style: Style, post: Style | None) -> Strip:
        layout = self._layout_or_default()
        line = Text(no_wrap=True, end="")
        for (_, width), cell in zip(layout.columns, cells, strict=True):
            fitted = cell.copy()
            fitted.truncate(width, overflow="ellipsis", pad=True)
            line.append(" ")
            line.append_text(fitted)
            line.append(" ")
        segments = Segment.apply_style(line.render(self.app.console), style, post)
        return Strip(segments).adjust_cell_length(self.size.width, style)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            if self._header is None:
                labels = [Text(spec.label) for spec, _ in self._layout_or_default().columns]
                header = self.rich_style + self.get_component_rich_style("items-table--header")
                self._header = self._line(labels, header, None)
            return self._header
        row = int(self.scroll_offset.y) + y - 1
        if not 0 <= row < len(self._cells):
            return Strip.blank(width, self.rich_style)
        cursor = row == self._cursor
        strip = self._strips.get((row, cursor))
        if strip is None:
            zebra = "items-table--even-row" if row % 2 == 0 else "items-table--odd-row"
            style = self.rich_style + self.get_component_rich_style(zebra)
            post = None
            if cursor:
                cursor_style = self.get_component_rich_style("items-table--cursor")
                style += cursor_style
                post = Style(color=cursor_style.color)
            strip = self._strips[(row, cursor)] = self._line(self._cells[row], style, post)
        return strip

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips = {}
        self._header = None

    def on_focus(self) -> None:  # the cursor and header look different with the focus
        self._strips = {}
        self._header = None

    def on_blur(self) -> None:
        self._strips = {}
        self._header = None

    def on_resize(self, event: events.Resize) -> None:
        if Layout.for_width(event.size.width, self._generation) != self._layout:
            self._rebuild()
        else:
            self._strips = {}
            self._header = None
            self.virtual_size = Size(event.size.width, len(self._items) + 1)
        self._scroll_to_cursor()
