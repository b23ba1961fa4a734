"""Store-level loading of revisioned data, for benchmarks, tests and the demo seed: datasets and
many items at once, each item one version and one revision (as PostHog would record them), in
one transaction. Not subject to the quotas, which only the API enforces.

Item dicts use the revisioned field names; the classic names are accepted too (`output` ->
`expected_output`, `ref_trace_id` -> `source_trace_id`, `ref_timestamp` -> `source_timestamp`,
`ref_source_id` -> `source_event_id`, `deleted` -> `archived`), so a benchmark written for one
mode loads the other.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from phtui.server.ids import format_datetime, uuid7
from phtui.server.revisioned import content
from phtui.server.revisioned.history import Content, History
from phtui.server.revisioned.store import RevisionedStore, search_text
from phtui.server.store import Store

CLASSIC_NAMES = {
    "output": "expected_output",
    "ref_trace_id": "source_trace_id",
    "ref_timestamp": "source_timestamp",
    "ref_source_id": "source_event_id",
    "deleted": "archived",
}
ITEM_KEYS = frozenset(
    {
        "input",
        "expected_output",
        "source_output",
        "metadata",
        "client_item_id",
        "source_trace_id",
        "source_event_id",
        "source_timestamp",
        "archived",
    }
)


def insert_dataset(
    store: Store,
    *,
    team_id: int,
    name: str,
    created_at: datetime,
    created_by: int | None,
    description: str = "",
    metadata: Mapping[str, Any] | None = None,
    archived: bool = False,
    rng: random.Random | None = None,
) -> str:
    dataset_id = uuid7(created_at, rng)
    stored_metadata = content.stored(dict(metadata or {}))
    stamp = format_datetime(created_at)
    with store.transaction() as conn:
        RevisionedStore(store).insert_dataset(
            conn,
            {
                "id": dataset_id,
                "team_id": team_id,
                "name": name,
                "description": description,
                "metadata": stored_metadata,
                "metadata_text": search_text(stored_metadata),
                "archived": int(archived),
                "created_at": stamp,
                "updated_at": stamp,
                "created_by": created_by,
            },
        )
    return dataset_id


def revisioned_fields(item: Mapping[str, Any]) -> dict[str, Any]:
    """An item dict with classic names mapped; unknown keys are a TypeError."""
    fields = {CLASSIC_NAMES.get(key, key): value for key, value in item.items()}
    unknown = set(fields) - ITEM_KEYS
    if unknown:
        raise TypeError(f"unknown item fields: {', '.join(sorted(unknown))}")
    if fields.get("input") is None:
        raise ValueError("a revisioned item needs a non-null input")
    return fields


def add_item(
    history: History, fields: Mapping[str, Any], *, at: datetime, user_id: int | None
) -> str:
    """One new item (and, if `archived`, its archiving as version 2); returns its id. A trace
    without a timestamp gets the item's creation time: the API requires one with a trace."""
    trace = fields.get("source_trace_id")
    timestamp = fields.get("source_timestamp")
    if isinstance(timestamp, datetime):
        timestamp = format_datetime(timestamp)
    elif isinstance(timestamp, str):
        timestamp = format_datetime(datetime.fromisoformat(timestamp.replace("Z", "+00:00")))
    if trace is not None and timestamp is None:
        timestamp = format_datetime(at)
    item = history.create(
        at=at,
        user_id=user_id,
        content=Content(
            content.stored(fields["input"]),
            content.stored_or_null(fields.get("expected_output")),
            content.stored(fields.get("metadata") or {}),
        ),
        source_output=content.stored_or_null(fields.get("source_output")),
        client_item_id=fields.get("client_item_id"),
        source_trace_id=trace,
        source_event_id=fields.get("source_event_id"),
        source_timestamp=timestamp,
    )
    if fields.get("archived"):
        history.change(item, at=at + timedelta(microseconds=1), user_id=user_id, archived=True)
    return item.id


def insert_items(
    store: Store,
    *,
    team_id: int,
    dataset_id: str,
    items: Iterable[Mapping[str, Any]],
    start: datetime,
    user_id: int | None,
) -> int:
    """Append items to a dataset, newer ones later (so they list first); returns the count."""
    revisioned = RevisionedStore(store)
    rng = random.Random()
    with store.transaction() as conn:
        dataset = revisioned.get_dataset(team_id, dataset_id)
        if dataset is None:
            raise LookupError(f"no dataset {dataset_id} in project {team_id}")
        history = History(
            team_id=team_id, dataset_id=dataset_id, revision=dataset["current_revision"], rng=rng
        )
        count = 0
        for index, item in enumerate(items):
            at = start + timedelta(microseconds=2 * index)
            add_item(history, revisioned_fields(item), at=at, user_id=user_id)
            count += 1
        history.write(revisioned, conn)
    return count
