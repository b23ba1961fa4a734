"""Search, filter and find over a dataset's items held in memory (revisioned datasets hold at
most 600, so the whole dataset is loaded once and every keystroke filters locally).

A query is words and `key=value` pairs: `refund tone=angry "late delivery"`.
- Words (and quoted phrases) must all appear, case-insensitively, somewhere in the item's
  input, expected output, source output or metadata (as their JSON text), or in its ids.
- `key=value` keeps items whose metadata has `key` equal to `value` (case-insensitive; a list
  value matches when one element does; `true`/`false`/numbers compare by their JSON spelling).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from phtui.api.models import DatasetItem

__all__ = ["ItemIndex", "ItemQuery", "find_items", "parse_query"]

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
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


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
