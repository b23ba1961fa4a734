"""The revisioned API's request rules (api-revisioned.md sections 5 and 6): strict bodies, DRF's
field messages, the provenance rules, PostHog's size limits and the query-string filters.

Only the first problem is reported: an unknown key first (the alphabetically first one), then
the fields in the order of the body's table, then the rules that read several fields.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from phtui.server import jsonvalues
from phtui.server.errors import validation_error
from phtui.server.fields import (
    FALSE_VALUES,
    TRUE_VALUES,
    Field,
    any_json,
    char,
    date_time,
    parse_uuid,
)
from phtui.server.ids import format_datetime

MAX_METADATA_BYTES = 1_000_000
MAX_ITEM_PAYLOAD_BYTES = 406_666
MAX_ID_IN = 100
DATASET_ORDERINGS = ("created_at", "-created_at", "updated_at", "-updated_at")
_DECIMAL_ZEROS = re.compile(r"\.0*\s*$")  # DRF's IntegerField drops a ".0" tail


def integer(minimum: int) -> Callable[[str, Any, bool], int]:
    """DRF's IntegerField with `min_value`: numeric strings and integral floats are fine."""

    def parse(name: str, value: Any, form: bool) -> int:
        if isinstance(value, str) and len(value) > 1000:
            raise validation_error("max_string_length", "String value too large.", name)
        try:
            number = int(_DECIMAL_ZEROS.sub("", str(value)))
        except (ValueError, TypeError):
            raise validation_error("invalid", "A valid integer is required.", name) from None
        if number < minimum:
            raise validation_error(
                "min_value", f"Ensure this value is greater than or equal to {minimum}.", name
            )
        return number

    return parse


def uuid_value(name: str, value: Any, form: bool) -> str:
    """DRF's UUIDField: a UUID string in any of Python's spellings, or an integer."""
    try:
        if isinstance(value, int):
            return str(uuid.UUID(int=value))
        if isinstance(value, str):
            return str(uuid.UUID(hex=value))
    except ValueError:
        pass
    raise validation_error("invalid", "Must be a valid UUID.", name)


def json_object(name: str, value: Any, form: bool) -> dict[str, Any]:
    parsed = any_json(name, value, form)
    if not isinstance(parsed, dict):
        raise validation_error("not_object", "Enter a JSON object.", name)
    return parsed


def utc_text(name: str, value: Any, form: bool) -> str:
    """A datetime in any offset, stored as UTC text (compared as an instant)."""
    moment: datetime = date_time(name, value, form)
    return format_datetime(moment)


_NAME = Field("name", char(400, allow_blank=False), required=True, allow_null=False)
_DESCRIPTION = Field("description", char(10_000, allow_blank=True), allow_null=False)
_METADATA = Field("metadata", json_object, allow_null=False)
_KEY = char(255, allow_blank=False)
_BASE_VERSION = Field("base_version", integer(1), required=True, allow_null=False)

DATASET_CREATE = [_NAME, _DESCRIPTION, _METADATA]
DATASET_UPDATE = DATASET_CREATE  # PATCH: every field optional
ITEM_CREATE = [
    Field("dataset", uuid_value, required=True, allow_null=False),
    Field("input", any_json, required=True, allow_null=False),
    Field("expected_output", any_json),
    Field("source_output", any_json),
    _METADATA,
    Field("client_item_id", _KEY),
    Field("source_trace_id", _KEY),
    Field("source_event_id", _KEY),
    Field("source_timestamp", utc_text),
]
ITEM_UPDATE = [
    _BASE_VERSION,
    Field("input", any_json, allow_null=False),
    Field("expected_output", any_json),
    _METADATA,
]
ITEM_ARCHIVE = [_BASE_VERSION]
ITEM_RESTORE = [_BASE_VERSION, Field("source_version", integer(1))]
EXPORT_CREATE = [Field("revision", integer(1), allow_null=False)]


def check_provenance(fields: Mapping[str, Any]) -> None:
    """A source event or timestamp needs a trace; a trace needs its timestamp."""
    trace = fields.get("source_trace_id")
    if trace is None and (
        fields.get("source_event_id") is not None or fields.get("source_timestamp") is not None
    ):
        raise validation_error(
            "invalid",
            "Provide a source trace ID when using a source event ID or timestamp.",
            "source_trace_id",
        )
    if trace is not None and fields.get("source_timestamp") is None:
        raise validation_error(
            "invalid",
            "Provide the source timestamp when using a source trace ID.",
            "source_timestamp",
        )


def check_metadata_size(metadata: Any) -> None:
    if metadata is not None and jsonvalues.byte_size(metadata) > MAX_METADATA_BYTES:
        raise validation_error(
            "invalid", f"This field must be {MAX_METADATA_BYTES} bytes or fewer.", "metadata"
        )


def check_item_payload(
    *, input: Any, expected_output: Any, source_output: Any, metadata: Any
) -> None:
    """Metadata's own limit first, then the four content fields measured as one object."""
    check_metadata_size(metadata)
    payload = {
        "expected_output": expected_output,
        "input": input,
        "metadata": metadata,
        "source_output": source_output,
    }
    if jsonvalues.byte_size(payload) > MAX_ITEM_PAYLOAD_BYTES:
        raise validation_error(
            "invalid", f"This field must be {MAX_ITEM_PAYLOAD_BYTES} bytes or fewer.", "item"
        )


# -- query strings -------------------------------------------------------------------------


def query_bool(query: Mapping[str, str], name: str, default: bool) -> bool:
    if name not in query:
        return default
    value = query[name]
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise validation_error("invalid", "Must be a valid boolean.", name)


def query_revision(query: Mapping[str, str]) -> int | None:
    if "revision" not in query:
        return None
    return integer(1)("revision", query["revision"], False)


def query_dataset(query: Mapping[str, str]) -> str:
    if "dataset" not in query:
        raise validation_error("required", "This field is required.", "dataset")
    return uuid_value("dataset", query["dataset"], False)


def query_search(query: Mapping[str, str]) -> str | None:
    if "search" not in query:
        return None
    needle = query["search"].strip()
    if not needle:
        raise validation_error("blank", "This field may not be blank.", "search")
    return needle


def query_order_by(query: Mapping[str, str]) -> str:
    value = query.get("order_by", "-created_at")
    if value not in DATASET_ORDERINGS:
        raise validation_error("invalid_choice", f'"{value}" is not a valid choice.', "order_by")
    return value


def query_id_in(values: list[str]) -> list[str] | None:
    """Repeated and/or comma-separated UUIDs, 1 to 100; the attr names a bad one's position."""
    if not values:
        return None
    parts = [part for value in values for part in value.split(",")]
    if len(parts) > MAX_ID_IN:
        raise validation_error(
            "max_length", f"Ensure this field has no more than {MAX_ID_IN} elements.", "id__in"
        )
    ids = []
    for position, part in enumerate(parts):
        parsed = parse_uuid(part) if part else None
        if parsed is None:
            raise validation_error("invalid", "Must be a valid UUID.", f"id__in__{position}")
        ids.append(parsed)
    return ids
