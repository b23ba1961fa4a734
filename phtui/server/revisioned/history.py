"""Building new item versions and the dataset revisions they introduce, in memory, then writing
them in one go. Every change of an item is one new immutable version plus the dataset's next
revision (previous + 1, no gaps); the same path serves the API's writes, bulk loading and the
demo seed, so all three produce the same shape of data.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from phtui.server.ids import format_datetime, uuid7
from phtui.server.revisioned.store import RevisionedStore
from phtui.server.store import Row


@dataclass(frozen=True)
class Content:
    """What a PATCH or a restore may change, as stored JSON text."""

    input: str
    expected_output: str | None
    metadata: str


@dataclass(frozen=True)
class ItemState:
    """An item with its current version, as the tables hold it (JSON columns as text)."""

    id: str
    team_id: int
    dataset_id: str
    client_item_id: str | None
    created_at: str
    created_by: int | None
    version: int
    version_id: str
    archived: bool
    content: Content
    source_output: str | None
    source_trace_id: str | None
    source_event_id: str | None
    source_timestamp: str | None

    @classmethod
    def from_row(cls, row: Row) -> ItemState:
        """From a `RevisionedStore` item row (the item joined with its current version)."""
        return cls(
            id=row["id"],
            team_id=row["team_id"],
            dataset_id=row["dataset"],
            client_item_id=row["client_item_id"],
            created_at=row["created_at"],
            created_by=row["created_by"],
            version=row["version"],
            version_id=row["version_id"],
            archived=bool(row["archived"]),
            content=Content(row["input"], row["expected_output"], row["metadata"]),
            source_output=row["source_output"],
            source_trace_id=row["source_trace_id"],
            source_event_id=row["source_event_id"],
            source_timestamp=row["source_timestamp"],
        )


class History:
    """New versions of one dataset's items, numbered on from the dataset's current revision.
    Changes must come in time order."""

    def __init__(
        self,
        *,
        team_id: int,
        dataset_id: str,
        revision: int | None,
        rng: random.Random | None = None,
    ) -> None:
        self.team_id = team_id
        self.dataset_id = dataset_id
        self.revision = revision or 0
        self.revision_id: str | None = None
        self.updated_at: str | None = None
        self._rng = rng
        self._revisions: list[tuple[Any, ...]] = []
        self._versions: dict[str, list[Any]] = {}
        self._replaced: list[tuple[int, str]] = []
        self._new_items: set[str] = set()
        self.items: dict[str, ItemState] = {}

    def create(
        self,
        *,
        at: datetime,
        user_id: int | None,
        content: Content,
        source_output: str | None = None,
        client_item_id: str | None = None,
        source_trace_id: str | None = None,
        source_event_id: str | None = None,
        source_timestamp: str | None = None,
    ) -> ItemState:
        """Version 1 of a new item."""
        stamp = format_datetime(at)
        item = ItemState(
            id=uuid7(at, self._rng),
            team_id=self.team_id,
            dataset_id=self.dataset_id,
            client_item_id=client_item_id,
            created_at=stamp,
            created_by=user_id,
            version=0,
            version_id="",
            archived=False,
            content=content,
            source_output=source_output,
            source_trace_id=source_trace_id,
            source_event_id=source_event_id,
            source_timestamp=source_timestamp,
        )
        self._new_items.add(item.id)
        return self._add_version(
            item, at=at, stamp=stamp, user_id=user_id, content=content, archived=False
        )

    def change(
        self,
        item: ItemState,
        *,
        at: datetime,
        user_id: int | None,
        content: Content | None = None,
        archived: bool = False,
    ) -> ItemState:
        """Version n+1 of an existing item: new content (None keeps it) and archived flag."""
        return self._add_version(
            item,
            at=at,
            stamp=format_datetime(at),
            user_id=user_id,
            content=content or item.content,
            archived=archived,
        )

    def _add_version(
        self,
        item: ItemState,
        *,
        at: datetime,
        stamp: str,
        user_id: int | None,
        content: Content,
        archived: bool,
    ) -> ItemState:
        self.revision += 1
        self.revision_id = uuid7(at, self._rng)
        self.updated_at = stamp
        self._revisions.append(
            (self.revision_id, self.team_id, self.dataset_id, self.revision, stamp, user_id)
        )
        if item.version_id:
            previous = self._versions.get(item.version_id)
            if previous is None:
                self._replaced.append((self.revision, item.version_id))
            else:
                previous[6] = self.revision  # until_revision of a version made here
        version_id = uuid7(at, self._rng)
        self._versions[version_id] = [
            version_id,
            item.id,
            self.dataset_id,
            item.version + 1,
            self.revision,
            self.revision_id,
            None,
            int(archived),
            content.input,
            content.expected_output,
            item.source_output,
            content.metadata,
            item.source_trace_id,
            item.source_event_id,
            item.source_timestamp,
            item.created_at,
            stamp,
            user_id,
        ]
        updated = ItemState(  # not dataclasses.replace: this runs once per bulk-loaded item
            item.id,
            item.team_id,
            item.dataset_id,
            item.client_item_id,
            item.created_at,
            item.created_by,
            item.version + 1,
            version_id,
            archived,
            content,
            item.source_output,
            item.source_trace_id,
            item.source_event_id,
            item.source_timestamp,
        )
        self.items[item.id] = updated
        return updated

    def write(self, store: RevisionedStore, conn: sqlite3.Connection) -> None:
        """Insert everything and move the dataset's current revision (inside a transaction)."""
        if self.revision_id is None:
            return
        last_change = {version[1]: version[16] for version in self._versions.values()}
        new_items = []
        item_updates = []
        for item in self.items.values():
            updated_at = last_change[item.id]
            if item.id in self._new_items:
                new_items.append(
                    (
                        item.id,
                        item.team_id,
                        item.dataset_id,
                        item.client_item_id,
                        item.created_at,
                        updated_at,
                        item.created_by,
                        item.version,
                        item.version_id,
                        int(item.archived),
                    )
                )
            else:
                item_updates.append(
                    (updated_at, item.version, item.version_id, int(item.archived), item.id)
                )
        store.write_history(
            conn,
            revisions=self._revisions,
            items=new_items,
            versions=self._versions.values(),
            replaced=self._replaced,
            item_updates=item_updates,
        )
        store.update_dataset(
            conn,
            self.dataset_id,
            {
                "current_revision": self.revision,
                "current_revision_id": self.revision_id,
                "updated_at": self.updated_at,
            },
        )
