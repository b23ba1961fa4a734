"""Search, filter, order and find over a dataset's items held in memory (revisioned datasets
hold at most 600, so the whole dataset is loaded once and every keystroke filters locally).

A query is words and `key=value` pairs: `refund tone=angry "late delivery"`.
- Words (and quoted phrases) must all appear, case-insensitively, somewhere in the item's
  input, expected output, source output or metadata (as their JSON text), or in its ids.
- `key=value` keeps items whose metadata has `key` equal to `value` (case-insensitive; a list
  value matches when one element does; `true`/`false`/numbers compare by their JSON spelling).

`ItemView` is what the items table shows of a loaded dataset: the index, a query, which items
(active, archived or all) and an order, with the resulting rows computed once per change.
`find_items` goes to an item by any part of its id or its `client_item_id`; `item_id_problem`
says why a text cannot be an item id to ask a server about.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from phtui.api.models import DatasetItem
from phtui.core.text import clip

__all__ = [
    "ARCHIVED_FILTERS",
    "ORDERS",
    "ArchivedFilter",
    "ItemIndex",
    "ItemQuery",
    "ItemView",
    "Order",
    "find_items",
    "item_id_problem",
    "parse_query",
    "sort_items",
]

_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_PAIR = re.compile(r"([^=\s]+)=(.*)", re.DOTALL)


@dataclass(frozen=True)
class ItemQuery:
    terms: tuple[str, ...] = ()  # casefolded
    metadata: tuple[tuple[str, str], ...] = ()  # (key, casefolded value)

    @property
    def empty(self) -> bool:
        return not self.terms and not self.metadata


def parse_query(text: str) -> ItemQuery:
    """Words, "quoted phrases" and `key=value` pairs; an unclosed quote runs to the end."""
    terms: list[str] = []
    pairs: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(text):
        phrase, word = match.groups()
        if phrase is not None:
            if phrase.strip():
                terms.append(phrase.casefold())
            continue
        pair = _PAIR.fullmatch(word)
        if pair and pair.group(2):
            pairs.append((pair.group(1), pair.group(2).strip('"').casefold()))
        else:
            terms.append(word.casefold())
    return ItemQuery(tuple(terms), tuple(pairs))


def _json_text(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    except RecursionError:  # nested deeper than the interpreter's stack: not searchable
        return ""


def _scalar_text(value: Any) -> str:
    return value.casefold() if isinstance(value, str) else _json_text(value).casefold()


class ItemIndex:
    """The searchable text of each item, built once per loaded dataset (or per changed item)."""

    def __init__(self, items: Sequence[DatasetItem]) -> None:
        self.items = list(items)
        self._text: list[str | None] = [None] * len(self.items)

    def _haystack(self, index: int) -> str:
        text = self._text[index]
        if text is None:
            item = self.items[index]
            parts = [item.id, item.client_item_id or ""]
            parts += [
                _json_text(value)
                for value in (item.input, item.expected_output, item.source_output, item.metadata)
            ]
            text = self._text[index] = "\n".join(parts).casefold()
        return text

    def replace(self, item: DatasetItem) -> None:
        """Take a changed item (saved, archived, restored) in place of its old version."""
        for index, old in enumerate(self.items):
            if old.id == item.id:
                self.items[index] = item
                self._text[index] = None
                return
        self.items.insert(0, item)  # a new item: newest first, as PostHog orders them
        self._text.insert(0, None)

    def remove(self, item_id: str) -> None:
        for index, old in enumerate(self.items):
            if old.id == item_id:
                del self.items[index]
                del self._text[index]
                return

    def matches(self, query: ItemQuery) -> list[DatasetItem]:
        """The items matching `query`, in the index's order."""
        if query.empty:
            return list(self.items)
        return [
            item
            for index, item in enumerate(self.items)
            if all(term in self._haystack(index) for term in query.terms)
            and all(_metadata_has(item.metadata, key, value) for key, value in query.metadata)
        ]


def _metadata_has(metadata: Any, key: str, wanted: str) -> bool:
    if not isinstance(metadata, dict) or key not in metadata:
        return False
    value = metadata[key]
    if isinstance(value, list):
        return any(_scalar_text(element) == wanted for element in value)
    return _scalar_text(value) == wanted


def find_items(items: Sequence[DatasetItem], fragment: str) -> list[DatasetItem]:
    """Items whose id or `client_item_id` contains `fragment` (case-insensitive; an exact match
    of either comes first), for "go to item"."""
    wanted = fragment.strip().casefold()
    if not wanted:
        return []
    exact: list[DatasetItem] = []
    partial: list[DatasetItem] = []
    for item in items:
        ids = [item.id.casefold(), (item.client_item_id or "").casefold()]
        if wanted in ids:
            exact.append(item)
        elif any(wanted in text for text in ids):
            partial.append(item)
    return exact + partial


# ------------------------------------------------------------------------------ item ids

_UUID = re.compile(r"[0-9a-f]{8}(-?[0-9a-f]{4}){3}-?[0-9a-f]{12}", re.IGNORECASE)


def item_id_problem(text: str) -> str | None:
    """Why `text` cannot be an item id to look up on the server (one line), or None when it can.

    PostHog's item ids are UUIDs; anything else (a path like `a/b`, a fragment) is refused here
    rather than sent."""
    wanted = text.strip()
    if not wanted:
        return "Enter an item id, or any part of one shown in the table."
    if _UUID.fullmatch(wanted) is None:
        return (
            f"“{clip(wanted, 40)}” is not an item id: ids look like "
            "0198a3c2-5d1e-7f0a-9b2c-3d4e5f607182."
        )
    return None


# ------------------------------------------------------------------------ view: filter, order

ArchivedFilter = Literal["active", "archived", "all"]
ARCHIVED_FILTERS: tuple[ArchivedFilter, ...] = ("active", "archived", "all")
Order = Literal["newest", "oldest", "updated", "least_updated"]
# (order, label) in the order a user cycles through them; PostHog's own order first.
ORDERS: tuple[tuple[Order, str], ...] = (
    ("newest", "newest first"),
    ("oldest", "oldest first"),
    ("updated", "recently updated first"),
    ("least_updated", "least recently updated first"),
)
_NEVER = datetime.min.replace(tzinfo=UTC)


def _created(item: DatasetItem) -> datetime:
    return item.created_at or _NEVER


def _updated(item: DatasetItem) -> datetime:
    return item.updated_at or item.created_at or _NEVER


def sort_items(items: Sequence[DatasetItem], order: Order) -> list[DatasetItem]:
    """`items` in `order`; ties by id ascending, as PostHog breaks them ("newest" is PostHog's
    own order: item `created_at` descending, then id)."""
    by_id = sorted(items, key=lambda item: item.id)
    key: Callable[[DatasetItem], datetime] = _created if order in ("newest", "oldest") else _updated
    return sorted(by_id, key=key, reverse=order in ("newest", "updated"))


class ItemView:
    """A loaded dataset as the items table shows it: `rows` are the items that match `query`
    and the archived filter, in `order`. Changing any of them, or an item, recomputes the rows
    once, on the next read."""

    def __init__(
        self,
        items: Sequence[DatasetItem] = (),
        *,
        order: Order = "newest",
        archived: ArchivedFilter = "active",
    ) -> None:
        self.index = ItemIndex(items)
        self._order: Order = order
        self._archived: ArchivedFilter = archived
        self._query_text = ""
        self._query = ItemQuery()
        self._sorted: list[DatasetItem] | None = None
        self._rows: list[DatasetItem] | None = None

    # -- what is shown --------------------------------------------------------------------

    @property
    def order(self) -> Order:
        return self._order

    @property
    def archived(self) -> ArchivedFilter:
        return self._archived

    @property
    def query_text(self) -> str:
        return self._query_text

    def set_order(self, order: Order) -> None:
        if order != self._order:
            self._order = order
            self._sorted = self._rows = None

    def set_archived(self, archived: ArchivedFilter) -> None:
        if archived != self._archived:
            self._archived = archived
            self._rows = None

    def set_query(self, text: str) -> None:
        query = parse_query(text)
        self._query_text = text
        if query != self._query:
            self._query = query
            self._rows = None

    def shows(self, item: DatasetItem) -> bool:
        """Whether the archived filter lets `item` through (the query aside)."""
        return self._archived == "all" or item.archived == (self._archived == "archived")

    @property
    def rows(self) -> list[DatasetItem]:
        """The matching items, in order (the same list until something changes: don't modify)."""
        if self._rows is None:
            if self._sorted is None:
                self._sorted = sort_items(self.index.items, self._order)
            matching = {id(item) for item in self.index.matches(self._query)}
            self._rows = [
                item for item in self._sorted if id(item) in matching and self.shows(item)
            ]
        return self._rows

    def position(self, item_id: str) -> int | None:
        """The 0-based row of the item among `rows`, or None when it is not shown."""
        for row, item in enumerate(self.rows):
            if item.id == item_id:
                return row
        return None

    # -- what is loaded -------------------------------------------------------------------

    @property
    def items(self) -> list[DatasetItem]:
        """Every loaded item, active and archived, whatever is shown."""
        return self.index.items

    def get(self, item_id: str) -> DatasetItem | None:
        return next((item for item in self.index.items if item.id == item_id), None)

    @property
    def active_count(self) -> int:
        return sum(1 for item in self.index.items if not item.archived)

    @property
    def archived_count(self) -> int:
        return sum(1 for item in self.index.items if item.archived)

    def replace(self, item: DatasetItem) -> None:
        """Take a changed or new item (saved, archived, restored, created) in place."""
        self.index.replace(item)
        self._sorted = self._rows = None

    def remove(self, item_id: str) -> None:
        self.index.remove(item_id)
        self._sorted = self._rows = None
