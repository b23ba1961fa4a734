"""Queries of the revisioned tables, on the shared `Store` connection (same lock, same file).

Writes that must be atomic with their checks (a new version and its revision, a dataset under
a unique name) run inside `Store.transaction()`; callers make the checks there too.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from phtui.server.store import Row, Store

ORDERINGS = {
    "created_at": "created_at ASC",
    "-created_at": "created_at DESC",
    "updated_at": "updated_at ASC",
    "-updated_at": "updated_at DESC",
}
DATASET_COLUMNS = (
    "id, team_id, name, description, metadata, archived, current_revision, current_revision_id,"
    " created_at, updated_at, created_by"
)
# One version of an item, joined with the item: every field the Item serializer needs.
ITEM_SELECT = (
    "SELECT v.item_id AS id, v.dataset_id AS dataset, i.client_item_id, v.version,"
    " v.id AS version_id, v.dataset_revision, v.dataset_revision_id, v.archived, v.input,"
    " v.expected_output, v.source_output, v.metadata, v.source_trace_id, v.source_event_id,"
    " v.source_timestamp, i.created_at, i.updated_at, i.created_by,"
    " v.created_at AS version_created_at, v.created_by AS version_created_by, i.team_id"
    " FROM rv_versions v JOIN rv_items i ON i.id = v.item_id"
)
REVISION_INSERT = (
    "INSERT INTO rv_revisions (id, team_id, dataset_id, revision, created_at, created_by)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)
VERSION_COLUMNS = (
    "id",
    "item_id",
    "dataset_id",
    "version",
    "dataset_revision",
    "dataset_revision_id",
    "until_revision",
    "archived",
    "input",
    "expected_output",
    "source_output",
    "metadata",
    "source_trace_id",
    "source_event_id",
    "source_timestamp",
    "item_created_at",
    "created_at",
    "created_by",
)
VERSION_INSERT = (
    f"INSERT INTO rv_versions ({', '.join(VERSION_COLUMNS)})"
    f" VALUES ({', '.join('?' for _ in VERSION_COLUMNS)})"
)
ITEM_COLUMNS = (
    "id",
    "team_id",
    "dataset_id",
    "client_item_id",
    "created_at",
    "updated_at",
    "created_by",
    "version",
    "version_id",
    "archived",
)
ITEM_INSERT = (
    f"INSERT INTO rv_items ({', '.join(ITEM_COLUMNS)})"
    f" VALUES ({', '.join('?' for _ in ITEM_COLUMNS)})"
)


def search_text(stored_metadata: str) -> str:
    """Stored metadata as PostgreSQL prints jsonb (`", "`, `": "`), which `search` reads."""
    return json.dumps(json.loads(stored_metadata), ensure_ascii=False)


class RevisionedStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        # Item counts by (dataset, archived, revision, dataset's current revision): every item
        # change moves the current revision, so an entry can never go stale.
        self._counts: dict[tuple[str, bool, int | None, int | None], int] = {}

    # -- datasets --------------------------------------------------------------------------

    def get_dataset(self, team_id: int, dataset_id: str) -> Row | None:
        return self.store.read_one(
            f"SELECT {DATASET_COLUMNS} FROM rv_datasets WHERE id = ? AND team_id = ?",
            (dataset_id, team_id),
        )

    def list_datasets(
        self,
        team_id: int,
        *,
        archived: bool,
        search: str | None,
        order_by: str,
        id_in: Sequence[str] | None,
        only: Sequence[str] | None,
        hidden: Sequence[str],
        limit: int,
        offset: int,
    ) -> tuple[int, list[Row]]:
        where = ["team_id = ?", "archived = ?"]
        params: list[Any] = [team_id, int(archived)]
        if search is not None:
            needle = search.casefold()
            where.append(
                "(instr(casefold(name), ?) OR instr(casefold(description), ?)"
                " OR instr(casefold(metadata_text), ?))"
            )
            params += [needle, needle, needle]
        for ids in (id_in, only):
            if ids is not None:
                where.append(f"id IN ({', '.join('?' for _ in ids)})")
                params += list(ids)
        if hidden:
            where.append(f"id NOT IN ({', '.join('?' for _ in hidden)})")
            params += hidden
        clause = " AND ".join(where)
        count = self.store.read_one(f"SELECT count(*) AS n FROM rv_datasets WHERE {clause}", params)
        rows = self.store.read_all(
            f"SELECT {DATASET_COLUMNS} FROM rv_datasets WHERE {clause}"
            f" ORDER BY {ORDERINGS[order_by]}, id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return (0 if count is None else int(count["n"])), rows

    def count_datasets(self, conn: sqlite3.Connection, team_id: int) -> int:
        row = conn.execute("SELECT count(*) FROM rv_datasets WHERE team_id = ?", (team_id,))
        return int(row.fetchone()[0])

    def name_taken(
        self, conn: sqlite3.Connection, team_id: int, name: str, except_id: str | None = None
    ) -> bool:
        row = conn.execute(
            "SELECT 1 FROM rv_datasets WHERE team_id = ? AND name = ? AND id IS NOT ?",
            (team_id, name, except_id),
        ).fetchone()
        return row is not None

    def insert_dataset(self, conn: sqlite3.Connection, fields: Mapping[str, Any]) -> None:
        columns = list(fields)
        conn.execute(
            f"INSERT INTO rv_datasets ({', '.join(columns)})"
            f" VALUES ({', '.join('?' for _ in columns)})",
            list(fields.values()),
        )

    def update_dataset(
        self, conn: sqlite3.Connection, dataset_id: str, fields: Mapping[str, Any]
    ) -> None:
        assignments = ", ".join(f"{column} = ?" for column in fields)
        conn.execute(
            f"UPDATE rv_datasets SET {assignments} WHERE id = ?", [*fields.values(), dataset_id]
        )

    # -- revisions -------------------------------------------------------------------------

    def list_revisions(self, dataset_id: str, *, limit: int, offset: int) -> tuple[int, list[Row]]:
        count = self.store.read_one(
            "SELECT count(*) AS n FROM rv_revisions WHERE dataset_id = ?", (dataset_id,)
        )
        rows = self.store.read_all(
            "SELECT id, dataset_id, revision, created_at, created_by, team_id FROM rv_revisions"
            " WHERE dataset_id = ? ORDER BY revision DESC LIMIT ? OFFSET ?",
            (dataset_id, limit, offset),
        )
        return (0 if count is None else int(count["n"])), rows

    # -- items -----------------------------------------------------------------------------

    def get_item(self, team_id: int, item_id: str) -> Row | None:
        """The item's current version."""
        return self.store.read_one(
            f"{ITEM_SELECT} WHERE i.id = ? AND i.team_id = ? AND v.id = i.version_id",
            (item_id, team_id),
        )

    def get_item_at(self, item_id: str, revision: int) -> Row | None:
        """The item's latest version with `dataset_revision <= revision`, archived or not."""
        return self.store.read_one(
            f"{ITEM_SELECT} WHERE v.item_id = ? AND v.dataset_revision <= ?"
            " ORDER BY v.version DESC LIMIT 1",
            (item_id, revision),
        )

    def get_version(self, item_id: str, version: int) -> Row | None:
        return self.store.read_one(
            f"{ITEM_SELECT} WHERE v.item_id = ? AND v.version = ?", (item_id, version)
        )

    def list_items(
        self,
        dataset_id: str,
        *,
        archived: bool,
        revision: int | None,
        current_revision: int | None,
        limit: int,
        offset: int,
    ) -> tuple[int, list[Row]]:
        """Newest item first, then item id. `revision` None = the current versions, else the
        snapshot at that revision."""
        key = (dataset_id, archived, revision, current_revision)
        if revision is None:
            where, params = "dataset_id = ? AND archived = ?", [dataset_id, int(archived)]
            count = self._count(key, f"SELECT count(*) FROM rv_items WHERE {where}", params)
            # Skip `offset` rows inside the page index, then join only the page.
            rows = self.store.read_all(
                f"{ITEM_SELECT} WHERE v.id = i.version_id AND i.rowid IN"
                f" (SELECT rowid FROM rv_items WHERE {where}"
                "  ORDER BY created_at DESC, id LIMIT ? OFFSET ?)"
                " ORDER BY i.created_at DESC, i.id",
                [*params, limit, offset],
            )
        else:
            where = (
                "v.dataset_id = ? AND v.dataset_revision <= ?"
                " AND (v.until_revision IS NULL OR v.until_revision > ?) AND v.archived = ?"
            )
            params = [dataset_id, revision, revision, int(archived)]
            count = self._count(key, f"SELECT count(*) FROM rv_versions v WHERE {where}", params)
            rows = self.store.read_all(
                f"{ITEM_SELECT} WHERE {where}"
                " ORDER BY v.item_created_at DESC, v.item_id LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        return count, rows

    def _count(
        self, key: tuple[str, bool, int | None, int | None], sql: str, params: list[Any]
    ) -> int:
        cached = self._counts.get(key)
        if cached is None:
            row = self.store.read_one(sql, params)
            cached = 0 if row is None else int(row[0])
            if len(self._counts) > 4096:
                self._counts.clear()
            self._counts[key] = cached
        return cached

    def snapshot_for_export(self, dataset_id: str, revision: int) -> list[Row]:
        """Active items at `revision`, oldest item first (the export file's order)."""
        return self.store.read_all(
            f"{ITEM_SELECT} WHERE v.dataset_id = ? AND v.dataset_revision <= ?"
            " AND (v.until_revision IS NULL OR v.until_revision > ?) AND v.archived = 0"
            " ORDER BY v.item_created_at ASC, v.item_id ASC",
            (dataset_id, revision, revision),
        )

    def list_versions(self, item_id: str, *, limit: int, offset: int) -> tuple[int, list[Row]]:
        count = self.store.read_one(
            "SELECT count(*) AS n FROM rv_versions WHERE item_id = ?", (item_id,)
        )
        rows = self.store.read_all(
            f"{ITEM_SELECT} WHERE v.item_id = ? ORDER BY v.version DESC LIMIT ? OFFSET ?",
            (item_id, limit, offset),
        )
        return (0 if count is None else int(count["n"])), rows

    def count_items(self, conn: sqlite3.Connection, dataset_id: str) -> int:
        row = conn.execute("SELECT count(*) FROM rv_items WHERE dataset_id = ?", (dataset_id,))
        return int(row.fetchone()[0])

    def find_client_item(
        self, conn: sqlite3.Connection, dataset_id: str, client_item_id: str
    ) -> str | None:
        row = conn.execute(
            "SELECT id FROM rv_items WHERE dataset_id = ? AND client_item_id = ?",
            (dataset_id, client_item_id),
        ).fetchone()
        return None if row is None else str(row[0])

    # -- writes of versions and revisions --------------------------------------------------

    def write_history(
        self,
        conn: sqlite3.Connection,
        *,
        revisions: Iterable[Sequence[Any]],
        items: Iterable[Sequence[Any]],
        versions: Iterable[Sequence[Any]],
        replaced: Iterable[tuple[int, str]] = (),
        item_updates: Iterable[Sequence[Any]] = (),
    ) -> None:
        """Rows built by `history.History`, in one go. `replaced` = (until_revision,
        version id) of versions that stopped being current; `item_updates` = (updated_at,
        version, version_id, archived, item id) of existing items."""
        conn.executemany(REVISION_INSERT, revisions)
        conn.executemany(ITEM_INSERT, items)
        conn.executemany(VERSION_INSERT, versions)
        conn.executemany("UPDATE rv_versions SET until_revision = ? WHERE id = ?", replaced)
        conn.executemany(
            "UPDATE rv_items SET updated_at = ?, version = ?, version_id = ?, archived = ?"
            " WHERE id = ?",
            item_updates,
        )

    # -- exports ---------------------------------------------------------------------------

    def insert_export(self, fields: Mapping[str, Any]) -> int:
        columns = list(fields)
        with self.store.transaction() as conn:
            cursor = conn.execute(
                f"INSERT INTO rv_exports ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})",
                list(fields.values()),
            )
            return int(cursor.lastrowid or 0)

    def get_export(self, export_id: int) -> Row | None:
        return self.store.read_one(
            "SELECT id, team_id, dataset_id, dataset_revision, status, filename, created_at,"
            " expires_after, exception, created_by FROM rv_exports WHERE id = ?",
            (export_id,),
        )

    def export_content(self, export_id: int) -> bytes:
        row = self.store.read_one("SELECT content FROM rv_exports WHERE id = ?", (export_id,))
        return b"" if row is None or row["content"] is None else bytes(row["content"])

    def finish_export(
        self, export_id: int, *, status: str, exception: str | None, content: bytes | None
    ) -> None:
        """Record the outcome, unless the export already has one (a late finish loses)."""
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE rv_exports SET status = ?, exception = ?, content = ?"
                " WHERE id = ? AND status = 'pending'",
                (status, exception, content, export_id),
            )
