"""Rows -> the revisioned API's JSON shapes, fields in the order PostHog's serializers give them.

Timestamps are stored with six fractional digits (so text order is time order) and shown as
DRF shows them: UTC with `Z`, microseconds only when they are not zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from phtui.server.serializers import user_basic
from phtui.server.store import Row, from_json


def api_datetime(stored: str | None) -> str | None:
    if stored is None:
        return None
    return stored.replace(".000000Z", "Z")


def _user(user_id: int | None, users: Mapping[int, Row]) -> dict[str, Any] | None:
    return None if user_id is None else user_basic(users.get(user_id))


def dataset(row: Row, users: Mapping[int, Row], access_level: str) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "metadata": from_json(row["metadata"]),
        "archived": bool(row["archived"]),
        "current_revision": row["current_revision"],
        "current_revision_id": row["current_revision_id"],
        "created_at": api_datetime(row["created_at"]),
        "updated_at": api_datetime(row["updated_at"]),
        "created_by": _user(row["created_by"], users),
        "team_id": row["team_id"],
        "user_access_level": access_level,
    }


def revision(row: Row, users: Mapping[int, Row]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "dataset_id": row["dataset_id"],
        "revision": row["revision"],
        "created_at": api_datetime(row["created_at"]),
        "created_by": _user(row["created_by"], users),
        "team_id": row["team_id"],
    }


def item(row: Row, users: Mapping[int, Row]) -> dict[str, Any]:
    """One version of an item (`created_*`/`updated_at` are the item's, `version_*` its own)."""
    return {
        "id": row["id"],
        "dataset": row["dataset"],
        "client_item_id": row["client_item_id"],
        "version": row["version"],
        "version_id": row["version_id"],
        "dataset_revision": row["dataset_revision"],
        "dataset_revision_id": row["dataset_revision_id"],
        "archived": bool(row["archived"]),
        "input": from_json(row["input"]),
        "expected_output": from_json(row["expected_output"]),
        "source_output": from_json(row["source_output"]),
        "metadata": from_json(row["metadata"]),
        "source_trace_id": row["source_trace_id"],
        "source_event_id": row["source_event_id"],
        "source_timestamp": api_datetime(row["source_timestamp"]),
        "created_at": api_datetime(row["created_at"]),
        "updated_at": api_datetime(row["updated_at"]),
        "created_by": _user(row["created_by"], users),
        "version_created_at": api_datetime(row["version_created_at"]),
        "version_created_by": _user(row["version_created_by"], users),
        "team_id": row["team_id"],
    }


def export(row: Row, *, status: str, exception: str | None) -> dict[str, Any]:
    """`status`/`exception` as of now (a pending export can have timed out since)."""
    return {
        "id": row["id"],
        "status": status,
        "dataset_revision": row["dataset_revision"],
        "filename": row["filename"],
        "created_at": api_datetime(row["created_at"]),
        "expires_after": api_datetime(row["expires_after"]),
        "exception": exception,
    }
