"""The one list of a dataset item's fields, and PostHog's rules for them.

Every screen, the import/export code and the conflict and history views read the fields from
here: which are JSON, which can be edited after create, which PostHog compares for "same
content", the export line's key order, and the checks PostHog runs before accepting an item
(provenance pairing, payload and metadata sizes; api-revisioned.md sections 6 and 11).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from phtui.api.models import CONTENT_FIELDS

__all__ = [
    "CONTENT_FIELDS",
    "CREATE_ONLY_FIELDS",
    "EDITABLE_FIELDS",
    "EXPORT_KEYS",
    "ITEM_PAYLOAD_LIMIT",
    "METADATA_LIMIT",
    "PROVENANCE_FIELDS",
    "SAME_CONTENT_FIELDS",
    "TEXT_ID_LIMIT",
    "FieldProblem",
    "check_create",
    "check_update",
    "compact_size",
    "editable_fields",
]

DatasetsApi = Literal["revisioned", "classic"]

# JSON values a PATCH may change on every server.
EDITABLE_FIELDS: tuple[str, ...] = ("input", "expected_output", "metadata")
# Where an item came from: set on create, never changed after (revisioned servers).
PROVENANCE_FIELDS: tuple[str, ...] = ("source_trace_id", "source_event_id", "source_timestamp")
CREATE_ONLY_FIELDS: tuple[str, ...] = ("source_output", *PROVENANCE_FIELDS, "client_item_id")
# What PostHog compares for an idempotent create ("same content", api-revisioned.md section 9).
SAME_CONTENT_FIELDS: tuple[str, ...] = (*CONTENT_FIELDS, *PROVENANCE_FIELDS)
# PostHog's JSONL export line, keys in its order (api-revisioned.md section 10).
EXPORT_KEYS: tuple[str, ...] = (
    "dataset_id",
    "dataset_revision",
    "item_id",
    "client_item_id",
    "version",
    "input",
    "expected_output",
    "source_output",
    "metadata",
    "source_trace_id",
    "source_event_id",
    "source_timestamp",
)

ITEM_PAYLOAD_LIMIT = 406_666  # bytes of compact, key-sorted JSON of the four content fields
METADATA_LIMIT = 1_000_000
TEXT_ID_LIMIT = 255  # client_item_id, source_trace_id, source_event_id


def editable_fields(api: DatasetsApi | None) -> tuple[str, ...]:
    """What an edit may send: classic servers also take provenance (their `ref_*` fields)."""
    if api == "classic":
        return (*EDITABLE_FIELDS, *PROVENANCE_FIELDS)
    return EDITABLE_FIELDS


@dataclass(frozen=True)
class FieldProblem:
    """Why PostHog would refuse an item, checked before sending: `field` takes the focus."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def compact_size(value: Any) -> int:
    """UTF-8 bytes of compact, key-sorted JSON: how PostHog measures its size limits."""
    return len(_encode(value).encode("utf-8", "surrogatepass"))


def check_update(values: Mapping[str, Any]) -> FieldProblem | None:
    """The first problem PostHog would report for an item whose content, after the edit, is
    `values` (pass every content field: the payload limit covers all four together)."""
    if "input" in values and values["input"] is None:
        return FieldProblem("input", 'input may not be null: enter a value such as {} or "".')
    if "metadata" in values and not isinstance(values["metadata"], dict):
        return FieldProblem("metadata", "metadata must be a JSON object, e.g. {}.")
    if "metadata" in values and compact_size(values["metadata"]) > METADATA_LIMIT:
        return FieldProblem("metadata", f"metadata is larger than {METADATA_LIMIT:,} bytes.")
    content = {name: values.get(name) for name in CONTENT_FIELDS}
    content["metadata"] = values.get("metadata") or {}
    size = compact_size(content)
    if size > ITEM_PAYLOAD_LIMIT:
        return FieldProblem(
            "input",
            f"The item is {size:,} bytes; PostHog takes at most {ITEM_PAYLOAD_LIMIT:,} "
            "(input, expected output, source output and metadata together).",
        )
    return None


def check_create(values: Mapping[str, Any]) -> FieldProblem | None:
    """`check_update`'s rules plus those of a new item: text ids and provenance pairing."""
    for name in ("client_item_id", "source_trace_id", "source_event_id"):
        text = values.get(name)
        if text is None:
            continue
        if not str(text).strip():
            return FieldProblem(name, f"{name} may not be blank: leave it empty for none.")
        if len(str(text)) > TEXT_ID_LIMIT:
            return FieldProblem(name, f"{name} is longer than {TEXT_ID_LIMIT} characters.")
    timestamp = values.get("source_timestamp")
    if isinstance(timestamp, str):
        try:
            datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
        except ValueError:
            return FieldProblem(
                "source_timestamp",
                f"{timestamp!r} is not a timestamp such as 2026-05-04T10:12:33Z.",
            )
    trace = values.get("source_trace_id")
    if trace is None and (values.get("source_event_id") or timestamp):
        return FieldProblem(
            "source_trace_id", "Give the source trace ID when you give a source event or time."
        )
    if trace is not None and not timestamp:
        return FieldProblem(
            "source_timestamp", "Give the source timestamp when you give a source trace ID."
        )
    return check_update({**values, "metadata": values.get("metadata") or {}})
