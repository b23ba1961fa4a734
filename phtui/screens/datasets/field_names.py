"""The item screens' field names and the client's, side by side.

The item editor and the conflict view name their fields as the classic datasets API did
(`output`, `ref_trace_id`, `ref_timestamp`, `ref_source_id`): widget ids, labels and drafts kept
on disk use those names. `DatasetItem` and the client's methods use PostHog's current names.
These two functions translate at that boundary, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from phtui.api.models import DatasetItem

# screen name -> DatasetItem / client keyword
ITEM_NAMES: Mapping[str, str] = {
    "output": "expected_output",
    "ref_trace_id": "source_trace_id",
    "ref_timestamp": "source_timestamp",
    "ref_source_id": "source_event_id",
}


def screen_values(item: DatasetItem, names: Iterable[str]) -> dict[str, Any]:
    """`item`'s fields as JSON values (`model_dump(mode="json")`), under the screen's names."""
    wanted = list(names)
    values = item.json_fields(ITEM_NAMES.get(name, name) for name in wanted)
    return {name: values[ITEM_NAMES.get(name, name)] for name in wanted}


def client_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """Screen-named values as the client's keyword arguments."""
    return {ITEM_NAMES.get(name, name): value for name, value in values.items()}
