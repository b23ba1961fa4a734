"""sqlite storage: every query the server runs. Thread-safe (one connection, one lock), so the
server thread and test threads may both use it."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from phtui.server.revisioned.schema import SCHEMA as REVISIONED_SCHEMA
from phtui.server.schema import META_SCHEMA, SCHEMA

Row = sqlite3.Row

THEME_COLUMNS = "id, team_id, name, colors, created_at, created_by"
DATASET_COLUMNS = (
    "id, team_id, name, description, metadata, created_at, updated_at, deleted, created_by"
)
ITEM_COLUMNS = (
    "id, team_id, dataset_id, input, output, metadata, ref_trace_id, ref_timestamp,"
    " ref_source_id, deleted, created_at, updated_at, created_by"
)
ORDERABLE = frozenset({"created_at", "updated_at"})
ITEM_INSERT = (
    f"INSERT INTO dataset_items ({ITEM_COLUMNS}, is_deleted)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class ApiKeyRecord:
    user_id: int
    label: str
    scopes: tuple[str, ...]
    scoped_teams: tuple[int, ...] | None


# One encoder for every row: `json.dumps` with options builds a new encoder per call.
_encode_json = json.JSONEncoder(ensure_ascii=False).encode


def to_json(value: Any) -> str | None:
    """JSON text of a JSON column; SQL NULL stands for JSON null."""
    return None if value is None else _encode_json(value)


def from_json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _casefold(text: str | None) -> str | None:
    return None if text is None else text.casefold()


class Store:
    def __init__(self, path: str = ":memory:") -> None:
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        # Case-insensitive search beyond ASCII, as PostgreSQL's icontains does.
        self._conn.create_function("casefold", 1, _casefold, deterministic=True)
        # Counts of big item lists are cached until the next write to the items table.
        self._items_generation = 0
        self._count_cache: dict[tuple[Any, ...], tuple[int, int]] = {}
        with self._lock:
            if path != ":memory:":
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
            exists = self._conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='teams'"
            ).fetchone()
            if exists is None:
                self._conn.executescript(SCHEMA)
            # Files written before these tables existed get them on open.
            self._conn.executescript(META_SCHEMA + REVISIONED_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- generic helpers -------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit under the store's lock: checks made inside see no other writer."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def read_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return self._one(sql, params)

    def read_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self._all(sql, params)

    def get_meta(self, key: str) -> str | None:
        row = self._one("SELECT value FROM server_meta WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        self._write("INSERT OR REPLACE INTO server_meta (key, value) VALUES (?, ?)", (key, value))

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        with self._lock:
            row: Row | None = self._conn.execute(sql, params).fetchone()
            return row

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement in its own transaction; returns the last row id."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                cursor = self._conn.execute(sql, params)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            return cursor.lastrowid or 0

    def _update(self, table: str, row_id: Any, fields: Mapping[str, Any]) -> None:
        if not fields:
            return
        assignments = ", ".join(f"{column} = ?" for column in fields)
        self._write(f"UPDATE {table} SET {assignments} WHERE id = ?", [*fields.values(), row_id])

    def is_empty(self) -> bool:
        return self._one("SELECT 1 FROM organizations LIMIT 1") is None

    # -- accounts --------------------------------------------------------------------------

    def insert_organization(self, org_id: int, uuid: str, name: str, created_at: str) -> None:
        self._write(
            "INSERT INTO organizations (id, uuid, name, created_at) VALUES (?, ?, ?, ?)",
            (org_id, uuid, name, created_at),
        )

    def insert_team(
        self,
        team_id: int,
        *,
        uuid: str,
        organization_id: int,
        name: str,
        api_token: str,
        timezone: str,
        created_at: str,
    ) -> None:
        self._write(
            "INSERT INTO teams (id, uuid, organization_id, name, api_token, timezone, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (team_id, uuid, organization_id, name, api_token, timezone, created_at),
        )

    def insert_user(self, user_id: int, fields: Mapping[str, Any]) -> None:
        columns = ["id", *fields]
        placeholders = ", ".join("?" for _ in columns)
        self._write(
            f"INSERT INTO users ({', '.join(columns)}) VALUES ({placeholders})",
            [user_id, *fields.values()],
        )

    def insert_membership(self, user_id: int, organization_id: int, level: int) -> None:
        self._write(
            "INSERT INTO memberships (user_id, organization_id, level) VALUES (?, ?, ?)",
            (user_id, organization_id, level),
        )

    def get_user(self, user_id: int) -> Row | None:
        return self._one("SELECT * FROM users WHERE id = ?", (user_id,))

    def users_by_id(self) -> dict[int, Row]:
        return {row["id"]: row for row in self._all("SELECT * FROM users")}

    def get_team(self, team_id: int) -> Row | None:
        return self._one("SELECT * FROM teams WHERE id = ?", (team_id,))

    def teams_of_organization(self, organization_id: int) -> list[Row]:
        return self._all(
            "SELECT * FROM teams WHERE organization_id = ? ORDER BY id", (organization_id,)
        )

    def get_organization(self, organization_id: int) -> Row | None:
        return self._one("SELECT * FROM organizations WHERE id = ?", (organization_id,))

    def organizations_of_user(self, user_id: int) -> list[Row]:
        return self._all(
            "SELECT organizations.*, memberships.level AS membership_level FROM organizations"
            " JOIN memberships ON memberships.organization_id = organizations.id"
            " WHERE memberships.user_id = ? ORDER BY organizations.id",
            (user_id,),
        )

    def membership_level(self, user_id: int, organization_id: int) -> int | None:
        row = self._one(
            "SELECT level FROM memberships WHERE user_id = ? AND organization_id = ?",
            (user_id, organization_id),
        )
        return None if row is None else int(row["level"])

    def insert_api_key(
        self,
        secure_hash: str,
        *,
        user_id: int,
        label: str,
        scopes: Sequence[str],
        scoped_teams: Sequence[int] | None,
    ) -> None:
        self._write(
            "INSERT INTO api_keys (secure_hash, user_id, label, scopes, scoped_teams)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                secure_hash,
                user_id,
                label,
                json.dumps(list(scopes)),
                None if scoped_teams is None else json.dumps(list(scoped_teams)),
            ),
        )

    def delete_api_key(self, secure_hash: str) -> bool:
        """Revoke a key: requests carrying it get a 401 from now on. False if there was none."""
        with self._lock:
            if self.find_api_key(secure_hash) is None:
                return False
            self._write("DELETE FROM api_keys WHERE secure_hash = ?", (secure_hash,))
            return True

    def find_api_key(self, secure_hash: str) -> ApiKeyRecord | None:
        row = self._one("SELECT * FROM api_keys WHERE secure_hash = ?", (secure_hash,))
        if row is None:
            return None
        teams = from_json(row["scoped_teams"])
        return ApiKeyRecord(
            user_id=row["user_id"],
            label=row["label"],
            scopes=tuple(json.loads(row["scopes"])),
            scoped_teams=None if teams is None else tuple(teams),
        )

    def first_user_id(self) -> int:
        row = self._one("SELECT id FROM users ORDER BY id LIMIT 1")
        if row is None:
            raise LookupError("the database has no user; seed it first")
        return int(row["id"])

    # -- data color themes -----------------------------------------------------------------

    def list_themes(self, team_id: int) -> list[Row]:
        return self._all(
            f"SELECT {THEME_COLUMNS} FROM data_color_themes"
            " WHERE team_id = ? OR team_id IS NULL ORDER BY id",
            (team_id,),
        )

    def get_theme(self, team_id: int, theme_id: int) -> Row | None:
        return self._one(
            f"SELECT {THEME_COLUMNS} FROM data_color_themes"
            " WHERE id = ? AND (team_id = ? OR team_id IS NULL)",
            (theme_id, team_id),
        )

    def insert_theme(
        self,
        *,
        team_id: int | None,
        name: str,
        colors: Any,
        created_at: str | None,
        created_by: int | None,
    ) -> int:
        return self._write(
            "INSERT INTO data_color_themes (team_id, name, colors, created_at, created_by)"
            " VALUES (?, ?, ?, ?, ?)",
            (team_id, name, _encode_json(colors), created_at, created_by),
        )

    def update_theme(self, theme_id: int, fields: Mapping[str, Any]) -> None:
        """`fields`: `name` and/or `colors` (any JSON, never null)."""
        columns = dict(fields)
        if "colors" in columns:
            columns["colors"] = _encode_json(columns["colors"])
        self._update("data_color_themes", theme_id, columns)

    def delete_theme(self, theme_id: int) -> None:
        self._write("DELETE FROM data_color_themes WHERE id = ?", (theme_id,))

    # -- datasets --------------------------------------------------------------------------

    def list_datasets(
        self,
        team_id: int,
        *,
        search: str | None,
        order_by: Sequence[str],
        id_in: Sequence[str] | None,
        limit: int,
        offset: int,
    ) -> tuple[int, list[Row]]:
        where = ["team_id = ?", "COALESCE(deleted, 0) = 0"]
        params: list[Any] = [team_id]
        if search:
            needle = search.casefold()
            where.append(
                "(instr(casefold(name), ?) OR instr(casefold(description), ?)"
                " OR instr(casefold(metadata), ?))"
            )
            params += [needle, needle, needle]
        if id_in is not None:
            where.append(f"id IN ({', '.join('?' for _ in id_in)})")
            params += list(id_in)
        clause = " AND ".join(where)
        if any(term.lstrip("-") not in ORDERABLE for term in order_by):
            raise ValueError(f"cannot order datasets by {order_by!r}")
        ordering = ", ".join(
            f"{term.lstrip('-')} {'DESC' if term.startswith('-') else 'ASC'}" for term in order_by
        )
        with self._lock:
            count = self._conn.execute(
                f"SELECT count(*) FROM datasets WHERE {clause}", params
            ).fetchone()[0]
            rows = self._conn.execute(
                f"SELECT {DATASET_COLUMNS} FROM datasets WHERE {clause}"
                f" ORDER BY {ordering}, id LIMIT ? OFFSET ?",
                [*params, limit, offset],
            ).fetchall()
        return int(count), rows

    def get_dataset(self, team_id: int, dataset_id: str) -> Row | None:
        """The team's dataset, soft-deleted or not (callers decide whether a deleted one shows)."""
        return self._one(
            f"SELECT {DATASET_COLUMNS} FROM datasets WHERE id = ? AND team_id = ?",
            (dataset_id, team_id),
        )

    def deleted_dataset_ids(self, team_id: int) -> list[str]:
        """Soft-deleted datasets of a team, which the API never lists (for tests and tools)."""
        rows = self._all(
            "SELECT id FROM datasets WHERE team_id = ? AND deleted = 1 ORDER BY created_at DESC",
            (team_id,),
        )
        return [str(row["id"]) for row in rows]

    def dataset_exists(self, dataset_id: str) -> bool:
        return self._one("SELECT 1 FROM datasets WHERE id = ?", (dataset_id,)) is not None

    def insert_dataset(self, fields: Mapping[str, Any]) -> None:
        columns = list(fields)
        self._write(
            f"INSERT INTO datasets ({', '.join(columns)})"
            f" VALUES ({', '.join('?' for _ in columns)})",
            list(fields.values()),
        )

    def update_dataset(self, dataset_id: str, fields: Mapping[str, Any]) -> None:
        self._update("datasets", dataset_id, fields)

    # -- dataset items ---------------------------------------------------------------------

    def list_items(
        self, team_id: int, *, dataset_id: str | None, limit: int, offset: int
    ) -> tuple[int, list[Row]]:
        where = "team_id = ? AND is_deleted = 0"
        params: list[Any] = [team_id]
        if dataset_id is not None:
            where = "team_id = ? AND dataset_id = ? AND is_deleted = 0"
            params.append(dataset_id)
        with self._lock:
            count = self._cached_count(f"SELECT count(*) FROM dataset_items WHERE {where}", params)
            # Skip `offset` rows inside the covering page index, then read only the page.
            rows = self._conn.execute(
                f"SELECT {ITEM_COLUMNS} FROM dataset_items WHERE rowid IN"
                f" (SELECT rowid FROM dataset_items WHERE {where}"
                "  ORDER BY created_at DESC, id LIMIT ? OFFSET ?)"
                " ORDER BY created_at DESC, id",
                [*params, limit, offset],
            ).fetchall()
        return count, rows

    def _cached_count(self, sql: str, params: Sequence[Any]) -> int:
        key = (sql, *params)
        cached = self._count_cache.get(key)
        if cached is not None and cached[0] == self._items_generation:
            return cached[1]
        count = int(self._conn.execute(sql, params).fetchone()[0])
        self._count_cache[key] = (self._items_generation, count)
        return count

    def get_item(self, team_id: int, item_id: str) -> Row | None:
        """The team's item, soft-deleted or not."""
        return self._one(
            f"SELECT {ITEM_COLUMNS} FROM dataset_items WHERE id = ? AND team_id = ?",
            (item_id, team_id),
        )

    def insert_items(self, rows: Iterable[Sequence[Any]]) -> int:
        """Insert item rows (in `ITEM_COLUMNS` order plus `is_deleted`) in one transaction."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                cursor = self._conn.executemany(ITEM_INSERT, rows)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            self._items_generation += 1
            return cursor.rowcount

    def update_item(self, item_id: str, fields: Mapping[str, Any]) -> None:
        with self._lock:
            self._update("dataset_items", item_id, fields)
            self._items_generation += 1


def item_row(
    *,
    item_id: str,
    team_id: int,
    dataset_id: str,
    created_at: str,
    created_by: int | None,
    input: Any = None,
    output: Any = None,
    metadata: Any = None,
    ref_trace_id: str | None = None,
    ref_timestamp: str | None = None,
    ref_source_id: str | None = None,
    deleted: bool | None = None,
) -> tuple[Any, ...]:
    """One `dataset_items` row for `Store.insert_items`, JSON columns encoded."""
    return (
        item_id,
        team_id,
        dataset_id,
        to_json(input),
        to_json(output),
        to_json(metadata),
        ref_trace_id,
        ref_timestamp,
        ref_source_id,
        None if deleted is None else int(deleted),
        created_at,
        created_at,
        created_by,
        int(bool(deleted)),
    )
