"""Stored rows -> the JSON shapes PostHog's serializers return, fields in PostHog's order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from phtui.server.store import Row, from_json


def user_basic(user: Row | None) -> dict[str, Any] | None:
    """PostHog's `UserBasicSerializer`."""
    if user is None:
        return None
    return {
        "id": user["id"],
        "uuid": user["uuid"],
        "distinct_id": user["distinct_id"],
        "first_name": user["first_name"],
        "last_name": user["last_name"],
        "email": user["email"],
        "is_email_verified": _optional_bool(user["is_email_verified"]),
        "hedgehog_config": None,
        "role_at_organization": user["role_at_organization"],
    }


def theme(row: Row, users: Mapping[int, Row]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "colors": from_json(row["colors"]),
        "is_global": row["team_id"] is None,
        "created_at": row["created_at"],
        "created_by": _creator(row, users),
    }


def dataset(row: Row, users: Mapping[int, Row]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "metadata": from_json(row["metadata"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "deleted": _optional_bool(row["deleted"]),
        "created_by": _creator(row, users),
        "team": row["team_id"],
    }


def dataset_item(row: Row, users: Mapping[int, Row]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "dataset": row["dataset_id"],
        "input": from_json(row["input"]),
        "output": from_json(row["output"]),
        "metadata": from_json(row["metadata"]),
        "ref_trace_id": row["ref_trace_id"],
        "ref_timestamp": row["ref_timestamp"],
        "ref_source_id": row["ref_source_id"],
        "deleted": _optional_bool(row["deleted"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "created_by": _creator(row, users),
        "team": row["team_id"],
    }


def _creator(row: Row, users: Mapping[int, Row]) -> dict[str, Any] | None:
    creator_id = row["created_by"]
    return None if creator_id is None else user_basic(users.get(creator_id))


def _optional_bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)
