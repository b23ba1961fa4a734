"""Revisioned `dataset_items`: shapes, validation, versions and revisions, snapshots,
idempotent creates, PATCH merge rules, archive/restore, quotas and check orders
(api-revisioned.md sections 2-9 and 12), over real HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from phtui.server.runner import RunningServer

Json = dict[str, Any]
ErrorOf = Callable[[httpx.Response], tuple[int, str, str, str, str | None]]
ITEM_KEYS = [
    "id",
    "dataset",
    "client_item_id",
    "version",
    "version_id",
    "dataset_revision",
    "dataset_revision_id",
    "archived",
    "input",
    "expected_output",
    "source_output",
    "metadata",
    "source_trace_id",
    "source_event_id",
    "source_timestamp",
    "created_at",
    "updated_at",
    "created_by",
    "version_created_at",
    "version_created_by",
    "team_id",
]
TRACED = {
    "source_trace_id": "trace_abc",
    "source_event_id": "event_def",
    "source_timestamp": "2026-05-04T12:12:33+02:00",
}


@pytest.fixture
def dataset(make_dataset: Callable[..., Json]) -> Json:
    return make_dataset("Items")


def _revisions(rv: httpx.Client, dataset_id: str) -> list[int]:
    page = rv.get(f"datasets/{dataset_id}/revisions/", params={"limit": 100}).json()
    return [row["revision"] for row in page["results"]]


def test_create_returns_version_1_at_revision_1(
    rv: httpx.Client, dataset: Json, ok: Callable[..., Json]
) -> None:
    item = ok(
        rv.post(
            "dataset_items/",
            json={
                "dataset": dataset["id"],
                "input": {"messages": [{"content": "How do I cancel?", "role": "user"}]},
                "expected_output": "Point the user to the billing settings page.",
                "source_output": "You can cancel any time.",
                "metadata": {"category": "billing"},
                "client_item_id": " ticket-4821 ",
                **TRACED,
            },
        ),
        201,
    )
    assert list(item) == ITEM_KEYS
    assert (item["version"], item["dataset_revision"], item["archived"]) == (1, 1, False)
    assert item["client_item_id"] == "ticket-4821"
    assert item["source_timestamp"] == "2026-05-04T10:12:33Z"  # as a UTC instant
    # Stored as PostgreSQL's jsonb keeps objects: shorter keys first.
    assert list(item["input"]["messages"][0]) == ["role", "content"]
    assert item["version_created_at"] == item["created_at"] == item["updated_at"]
    assert item["version_created_by"] == item["created_by"]
    assert uuid.UUID(item["id"]).version == 7 and uuid.UUID(item["version_id"]).version == 7
    current = ok(rv.get(f"datasets/{dataset['id']}/"))
    assert current["current_revision"] == 1
    assert current["current_revision_id"] == item["dataset_revision_id"]
    assert current["updated_at"] == item["created_at"]  # moves with item versions
    assert ok(rv.get(f"dataset_items/{item['id']}/")) == item


def test_omitted_fields_default_to_null_and_empty_metadata(
    rv: httpx.Client, dataset: Json, make_item: Callable[..., Json]
) -> None:
    item = make_item(dataset["id"], input=[1, 2])
    assert (item["expected_output"], item["source_output"], item["metadata"]) == (None, None, {})
    assert (item["client_item_id"], item["source_trace_id"], item["source_timestamp"]) == (
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("body", "code", "detail", "attr"),
    [
        ({}, "required", "This field is required.", "dataset"),
        ({"dataset": None, "input": 1}, "null", "This field may not be null.", "dataset"),
        ({"dataset": "nope", "input": 1}, "invalid_input", "Must be a valid UUID.", "dataset"),
        ({"dataset": "{ds}"}, "required", "This field is required.", "input"),
        ({"dataset": "{ds}", "input": None}, "null", "This field may not be null.", "input"),
        (
            {"dataset": "{ds}", "input": 1, "metadata": None},
            "null",
            "This field may not be null.",
            "metadata",
        ),
        (
            {"dataset": "{ds}", "input": 1, "metadata": []},
            "not_object",
            "Enter a JSON object.",
            "metadata",
        ),
        (
            {"dataset": "{ds}", "input": 1, "client_item_id": " "},
            "blank",
            "This field may not be blank.",
            "client_item_id",
        ),
        (
            {"dataset": "{ds}", "input": 1, "source_trace_id": "t" * 256},
            "max_length",
            "Ensure this field has no more than 255 characters.",
            "source_trace_id",
        ),
        (
            {"dataset": "{ds}", "input": 1, "source_trace_id": "t", "source_timestamp": "May 4"},
            "invalid_input",
            "Datetime has wrong format. Use one of these formats instead:"
            " YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
            "source_timestamp",
        ),
        (
            {
                "dataset": "{ds}",
                "input": 1,
                "source_trace_id": "t",
                "source_timestamp": "0001-01-01T00:00+05:00",
            },
            "overflow",
            "Datetime value out of range.",
            "source_timestamp",
        ),
        (
            {"dataset": "{ds}", "input": 1, "source_event_id": "e"},
            "invalid_input",
            "Provide a source trace ID when using a source event ID or timestamp.",
            "source_trace_id",
        ),
        (
            {"dataset": "{ds}", "input": 1, "source_timestamp": "2026-05-04T10:12:33Z"},
            "invalid_input",
            "Provide a source trace ID when using a source event ID or timestamp.",
            "source_trace_id",
        ),
        (
            {"dataset": "{ds}", "input": 1, "source_trace_id": "t"},
            "invalid_input",
            "Provide the source timestamp when using a source trace ID.",
            "source_timestamp",
        ),
        (
            {"dataset": "{ds}", "input": 1, "output": 2, "ref_trace_id": "t", "deleted": False},
            "invalid_input",
            "This field is not supported.",
            "deleted",
        ),
        (
            {"dataset": "{ds}", "input": 1, "metadata": {"k": "é" * 500_001}},
            "invalid_input",
            "This field must be 1000000 bytes or fewer.",
            "metadata",
        ),
        (
            {"dataset": "{ds}", "input": "x" * 406_600, "expected_output": "y" * 10},
            "invalid_input",
            "This field must be 406666 bytes or fewer.",
            "item",
        ),
    ],
)
def test_create_validation(
    rv: httpx.Client,
    dataset: Json,
    error_of: ErrorOf,
    body: Json,
    code: str,
    detail: str,
    attr: str,
) -> None:
    body = {key: dataset["id"] if value == "{ds}" else value for key, value in body.items()}
    assert error_of(rv.post("dataset_items/", json=body)) == (
        400,
        "validation_error",
        code,
        detail,
        attr,
    )
    assert _revisions(rv, dataset["id"]) == []  # errors never make a revision


def test_payload_size_is_measured_on_compact_sorted_utf8(
    rv: httpx.Client, dataset: Json, error_of: ErrorOf
) -> None:
    # {"expected_output":null,"input":"...","metadata":{},"source_output":null} = 71 bytes + text
    room = 406_666 - len('{"expected_output":null,"input":"","metadata":{},"source_output":null}')
    fits = {"dataset": dataset["id"], "input": "é" * (room // 2)}
    assert rv.post("dataset_items/", json=fits).status_code == 201
    too_big = {"dataset": dataset["id"], "input": "é" * (room // 2) + "xx"}
    assert error_of(rv.post("dataset_items/", json=too_big))[4] == "item"


def test_create_in_another_projects_or_unknown_dataset_is_404(
    fresh_revisioned_server: RunningServer, rv: httpx.Client
) -> None:
    foreign = fresh_revisioned_server.store.read_one(
        "SELECT id FROM rv_datasets WHERE team_id = ?", (fresh_revisioned_server.other_project_id,)
    )
    assert foreign is not None
    for dataset_id in (foreign["id"], str(uuid.uuid4())):
        response = rv.post("dataset_items/", json={"dataset": dataset_id, "input": 1})
        assert response.status_code == 404


def test_create_check_order(
    fresh_revisioned_server: RunningServer,
    rv: httpx.Client,
    dataset: Json,
    conflict: Callable[..., Json],
) -> None:
    """body 400 -> dataset 404 -> content 400 -> dataset_archived -> key -> limit -> 201."""
    unknown = str(uuid.uuid4())
    huge = "x" * 406_700
    assert rv.post("dataset_items/", json={"dataset": unknown, "bogus": 1}).status_code == 400
    assert rv.post("dataset_items/", json={"dataset": unknown, "input": huge}).status_code == 404
    rv.post(f"datasets/{dataset['id']}/archive/")
    body = {"dataset": dataset["id"], "input": huge}
    assert rv.post("dataset_items/", json=body).status_code == 400
    assert conflict(rv.post("dataset_items/", json={"dataset": dataset["id"], "input": 1})) == {
        "code": "dataset_archived",
        "detail": "Restore this dataset before adding items.",
    }
    rv.post(f"datasets/{dataset['id']}/restore/")
    fresh_revisioned_server.options.max_items_per_dataset = 1
    keyed = {"dataset": dataset["id"], "input": 1, "client_item_id": "k"}
    assert rv.post("dataset_items/", json=keyed).status_code == 201
    # At the quota, a retry of the same key still succeeds; a new item does not.
    assert rv.post("dataset_items/", json=keyed).status_code == 200
    assert conflict(rv.post("dataset_items/", json={"dataset": dataset["id"], "input": 2})) == {
        "code": "limit_reached",
        "detail": "No more items can be added to this dataset. The limit is 1."
        " Contact support if you need more.",
        "resource": "dataset_items",
        "current_count": 1,
        "limit": 1,
    }
    # ... but an archived dataset refuses even the retry.
    rv.post(f"datasets/{dataset['id']}/archive/")
    assert conflict(rv.post("dataset_items/", json=keyed))["code"] == "dataset_archived"


def test_item_quota_counts_archived_items(
    fresh_revisioned_server: RunningServer,
    rv: httpx.Client,
    dataset: Json,
    make_item: Callable[..., Json],
    conflict: Callable[..., Json],
) -> None:
    fresh_revisioned_server.options.max_items_per_dataset = 2
    first = make_item(dataset["id"], input=1)
    rv.post(f"dataset_items/{first['id']}/archive/", json={"base_version": 1})
    make_item(dataset["id"], input=2)
    assert (
        conflict(rv.post("dataset_items/", json={"dataset": dataset["id"], "input": 3}))[
            "current_count"
        ]
        == 2
    )


def test_600_items_is_the_default_quota(
    fresh_revisioned_server: RunningServer,
    rv: httpx.Client,
    dataset: Json,
    conflict: Callable[..., Json],
) -> None:
    fresh_revisioned_server.bulk_insert_items(dataset["id"], ({"input": n} for n in range(600)))
    body = conflict(rv.post("dataset_items/", json={"dataset": dataset["id"], "input": 0}))
    assert (body["resource"], body["current_count"], body["limit"]) == ("dataset_items", 600, 600)


@pytest.mark.parametrize(
    ("original", "retry", "same"),
    [
        ({"input": {"a": 1, "b": [1, 2]}}, {"input": {"b": [1, 2], "a": 1}}, True),
        ({"input": True}, {"input": 1}, False),
        ({"input": 1}, {"input": 1.0}, False),
        ({"input": "1"}, {"input": 1}, False),
        ({"input": [1, 2]}, {"input": [2, 1]}, False),
        ({"input": 1}, {"input": 1, "metadata": {}}, True),
        ({"input": 1}, {"input": 1, "expected_output": None, "source_output": None}, True),
        ({"input": 1}, {"input": 1, "expected_output": "x"}, False),
        ({"input": 1, "source_output": {"x": 1}}, {"input": 1, "source_output": {"x": 2}}, False),
        (
            {"input": 1, **TRACED},
            {"input": 1, **TRACED, "source_timestamp": "2026-05-04T10:12:33.000Z"},
            True,
        ),
        ({"input": 1, **TRACED}, {"input": 1, **TRACED, "source_event_id": "other"}, False),
        ({"input": 1, **TRACED}, {"input": 1}, False),
    ],
)
def test_client_item_id_retry_compares_content(
    rv: httpx.Client,
    dataset: Json,
    ok: Callable[..., Json],
    conflict: Callable[..., Json],
    original: Json,
    retry: Json,
    same: bool,
) -> None:
    key = {"dataset": dataset["id"], "client_item_id": "ticket-1"}
    created = ok(rv.post("dataset_items/", json={**key, **original}), 201)
    response = rv.post("dataset_items/", json={**key, **retry})
    if same:
        assert ok(response) == created
    else:
        assert conflict(response) == {
            "code": "client_item_id_conflict",
            "detail": "An item with this client item ID already exists with different content.",
            "current_version": 1,
            "current_item_id": created["id"],
        }
    assert _revisions(rv, dataset["id"]) == [1]  # a retry or a conflict adds nothing


def test_client_item_id_is_case_sensitive_and_per_dataset(
    rv: httpx.Client,
    dataset: Json,
    make_dataset: Callable[..., Json],
    make_item: Callable[..., Json],
) -> None:
    make_item(dataset["id"], client_item_id="Key")
    make_item(dataset["id"], client_item_id="key")
    make_item(make_dataset()["id"], client_item_id="Key")


def test_a_retry_conflicts_once_the_item_was_edited_or_archived(
    rv: httpx.Client, dataset: Json, make_item: Callable[..., Json], conflict: Callable[..., Json]
) -> None:
    item = make_item(dataset["id"], input=1, client_item_id="k")
    rv.patch(f"dataset_items/{item['id']}/", json={"base_version": 1, "input": 2})
    retry = {"dataset": dataset["id"], "input": 1, "client_item_id": "k"}
    assert conflict(rv.post("dataset_items/", json=retry))["current_version"] == 2
    rv.post(f"dataset_items/{item['id']}/archive/", json={"base_version": 2})
    assert conflict(rv.post("dataset_items/", json={**retry, "input": 2})) == {
        "code": "client_item_id_conflict",
        "detail": "An archived item already uses this client item ID."
        " Unarchive that item to use it again.",
        "current_version": 3,
        "current_item_id": item["id"],
    }


def test_patch_merges_and_makes_one_version_and_revision(
    rv: httpx.Client,
    dataset: Json,
    make_item: Callable[..., Json],
    ok: Callable[..., Json],
) -> None:
    item = make_item(
        dataset["id"],
        input={"q": 1},
        expected_output="a",
        source_output="captured",
        metadata={"m": 1},
        **TRACED,
    )
    other = make_item(dataset["id"], input="other")
    changed = ok(rv.patch(f"dataset_items/{item['id']}/", json={"base_version": 1, "metadata": {}}))
    assert (changed["version"], changed["dataset_revision"]) == (2, 3)
    assert (changed["input"], changed["expected_output"], changed["metadata"]) == (
        {"q": 1},
        "a",
        {},
    )
    assert changed["source_output"] == "captured" and changed["source_trace_id"] == "trace_abc"
    assert changed["created_at"] == item["created_at"] and changed["id"] == item["id"]
    assert changed["version_id"] != item["version_id"]
    assert changed["updated_at"] == changed["version_created_at"] > item["updated_at"]
    cleared = ok(
        rv.patch(f"dataset_items/{item['id']}/", json={"base_version": 2, "expected_output": None})
    )
    assert cleared["expected_output"] is None and cleared["version"] == 3
    assert _revisions(rv, dataset["id"]) == [4, 3, 2, 1]
    assert ok(rv.get(f"dataset_items/{other['id']}/")) == other


def test_an_unchanged_patch_makes_nothing(
    rv: httpx.Client, dataset: Json, make_item: Callable[..., Json], ok: Callable[..., Json]
) -> None:
    item = make_item(dataset["id"], input={"a": 1, "b": 2}, metadata={"x": [1]})
    for body in (
        {},
        {"input": {"b": 2, "a": 1}},
        {"metadata": {"x": [1]}, "expected_output": None},
    ):
        assert (
            ok(rv.patch(f"dataset_items/{item['id']}/", json={"base_version": 1, **body})) == item
        )
    changed = ok(
        rv.patch(
            f"dataset_items/{item['id']}/", json={"base_version": 1, "input": {"a": 1.0, "b": 2}}
        )
    )
    assert changed["version"] == 2  # 1 and 1.0 differ
    assert _revisions(rv, dataset["id"]) == [2, 1]


@pytest.mark.parametrize(
    ("body", "code", "detail", "attr"),
    [
        ({}, "required", "This field is required.", "base_version"),
        ({"base_version": None}, "null", "This field may not be null.", "base_version"),
        ({"base_version": "one"}, "invalid_input", "A valid integer is required.", "base_version"),
        ({"base_version": 1.5}, "invalid_input", "A valid integer is required.", "base_version"),
        ({"base_version": True}, "invalid_input", "A valid integer is required.", "base_version"),
        (
            {"base_version": 0},
            "min_value",
            "Ensure this value is greater than or equal to 1.",
            "base_version",
        ),
        ({"base_version": 1, "input": None}, "null", "This field may not be null.", "input"),
        ({"base_version": 1, "metadata": None}, "null", "This field may not be null.", "metadata"),
        ({"base_version": 1, "metadata": 5}, "not_object", "Enter a JSON object.", "metadata"),
        (
            {"base_version": 1, "source_output": 1},
            "invalid_input",
            "This field is not supported.",
            "source_output",
        ),
        (
            {"output": 1, "deleted": True},
            "invalid_input",
            "This field is not supported.",
            "deleted",
        ),
        (
            {"base_version": 1, "client_item_id": "k"},
            "invalid_input",
            "This field is not supported.",
            "client_item_id",
        ),
        (
            {"base_version": 1, "source_trace_id": "t"},
            "invalid_input",
            "This field is not supported.",
            "source_trace_id",
        ),
        (
            {"base_version": 1, "archived": True},
            "invalid_input",
            "This field is not supported.",
            "archived",
        ),
        (
            {"base_version": 1, "dataset": "x"},
            "invalid_input",
            "This field is not supported.",
            "dataset",
        ),
    ],
)
def test_patch_validation(
    rv: httpx.Client,
    dataset: Json,
    make_item: Callable[..., Json],
    error_of: ErrorOf,
    body: Json,
    code: str,
    detail: str,
    attr: str,
) -> None:
    item = make_item(dataset["id"])
    assert error_of(rv.patch(f"dataset_items/{item['id']}/", json=body)) == (
        400,
        "validation_error",
        code,
        detail,
        attr,
    )


def test_base_version_accepts_drf_integers(
    rv: httpx.Client, dataset: Json, make_item: Callable[..., Json], ok: Callable[..., Json]
) -> None:
    item = make_item(dataset["id"])
    assert (
        ok(rv.patch(f"dataset_items/{item['id']}/", json={"base_version": "1", "input": 2}))[
            "version"
        ]
        == 2
    )
    assert (
        ok(rv.patch(f"dataset_items/{item['id']}/", json={"base_version": 2.0, "input": 3}))[
            "version"
        ]
        == 3
    )


def test_patch_check_order(
    fresh_revisioned_server: RunningServer,
    rv: httpx.Client,
    dataset: Json,
    make_item: Callable[..., Json],
    conflict: Callable[..., Json],
) -> None:
    """404 -> body 400 -> dataset_archived -> stale_version -> item archived -> content 400
    -> unchanged 200 -> limit_reached -> 200."""
    item = make_item(dataset["id"])
    path = f"dataset_items/{item['id']}/"
    assert rv.patch(f"dataset_items/{uuid.uuid4()}/", json={"bogus": 1}).status_code == 404
    rv.post(f"datasets/{dataset['id']}/archive/")
    assert rv.patch(path, json={"bogus": 1}).status_code == 400
    assert conflict(rv.patch(path, json={"base_version": 9})) == {
        "code": "dataset_archived",
        "detail": "Restore this dataset before updating its items.",
    }
    rv.post(f"datasets/{dataset['id']}/restore/")
    stale = {
        "code": "stale_version",
        "detail": "This dataset item changed after it was loaded. Reload it and try again.",
        "current_version": 1,
        "current_item_id": item["id"],
    }
    assert conflict(rv.patch(path, json={"base_version": 9, "input": "x" * 500_000})) == stale
    assert conflict(rv.patch(path, json={"base_version": 10**30})) == stale
    rv.post(f"dataset_items/{item['id']}/archive/", json={"base_version": 1})
    assert conflict(rv.patch(path, json={"base_version": 2, "input": "x" * 500_000})) == {
        "code": "dataset_item_archived",
        "detail": "Restore this dataset item before updating it.",
        "current_version": 2,
        "current_item_id": item["id"],
    }
    rv.post(f"dataset_items/{item['id']}/restore/", json={"base_version": 2})
    assert rv.patch(path, json={"base_version": 3, "input": "x" * 500_000}).status_code == 400
    fresh_revisioned_server.options.max_versions_per_item = 3
    assert rv.patch(path, json={"base_version": 3}).status_code == 200  # unchanged: fine
    assert conflict(rv.patch(path, json={"base_version": 3, "input": "new"})) == {
        "code": "limit_reached",
        "detail": "No more versions can be added to this dataset item. The limit is 3."
        " Create a new item to continue.",
        "resource": "dataset_item_versions",
        "current_count": 3,
        "limit": 3,
    }


def test_archive_and_restore_make_versions(
    rv: httpx.Client,
    dataset: Json,
    make_item: Callable[..., Json],
    ok: Callable[..., Json],
    conflict: Callable[..., Json],
) -> None:
    item = make_item(
        dataset["id"], input="v1", expected_output="e1", source_output="s", metadata={"k": 1}
    )
    rv.patch(
        f"dataset_items/{item['id']}/", json={"base_version": 1, "input": "v2", "metadata": {}}
    )
    archived = ok(rv.post(f"dataset_items/{item['id']}/archive/", json={"base_version": 2}))
    assert (archived["version"], archived["archived"], archived["input"]) == (3, True, "v2")
    assert ok(rv.get(f"dataset_items/{item['id']}/"))["archived"] is True  # still retrievable
    listed = ok(rv.get("dataset_items/", params={"dataset": dataset["id"]}))
    assert listed["count"] == 0
    listed = ok(rv.get("dataset_items/", params={"dataset": dataset["id"], "archived": "true"}))
    assert [row["id"] for row in listed["results"]] == [item["id"]]
    again = rv.post(f"dataset_items/{item['id']}/archive/", json={"base_version": 3})
    assert conflict(again) == {
        "code": "dataset_item_archived",
        "detail": "This dataset item is already archived.",
        "current_version": 3,
        "current_item_id": item["id"],
    }
    restored = ok(rv.post(f"dataset_items/{item['id']}/restore/", json={"base_version": 3}))
    assert (restored["version"], restored["archived"], restored["input"]) == (4, False, "v2")
    assert conflict(rv.post(f"dataset_items/{item['id']}/restore/", json={"base_version": 4})) == {
        "code": "dataset_item_active",
        "detail": "This dataset item is already active.",
        "current_version": 4,
        "current_item_id": item["id"],
    }
    rv.post(f"dataset_items/{item['id']}/archive/", json={"base_version": 4})
    from_v1 = ok(
        rv.post(
            f"dataset_items/{item['id']}/restore/", json={"base_version": 5, "source_version": 1}
        )
    )
    assert (from_v1["input"], from_v1["expected_output"], from_v1["metadata"]) == (
        "v1",
        "e1",
        {"k": 1},
    )
    assert from_v1["source_output"] == "s" and from_v1["version"] == 6
    assert _revisions(rv, dataset["id"]) == [6, 5, 4, 3, 2, 1]


def test_restore_source_version_rules(
    rv: httpx.Client,
    dataset: Json,
    make_item: Callable[..., Json],
    error_of: ErrorOf,
    conflict: Callable[..., Json],
) -> None:
    item = make_item(dataset["id"])
    rv.post(f"dataset_items/{item['id']}/archive/", json={"base_version": 1})
    path = f"dataset_items/{item['id']}/restore/"
    assert error_of(rv.post(path, json={"base_version": 2, "source_version": 0}))[2] == "min_value"
    assert error_of(rv.post(path, json={"base_version": 2, "extra": 1}))[4] == "extra"
    assert error_of(rv.post(path, json={}))[2] == "required"
    for missing in (3, 10**30):
        assert rv.post(path, json={"base_version": 2, "source_version": missing}).status_code == 404
    # stale comes before the unknown source version
    assert (
        conflict(rv.post(path, json={"base_version": 1, "source_version": 99}))["code"]
        == "stale_version"
    )
    assert rv.post(path, json={"base_version": 2, "source_version": None}).status_code == 200


def test_archive_and_restore_check_dataset_archived_first(
    rv: httpx.Client, dataset: Json, make_item: Callable[..., Json], conflict: Callable[..., Json]
) -> None:
    item = make_item(dataset["id"])
    rv.post(f"datasets/{dataset['id']}/archive/")
    assert (
        conflict(rv.post(f"dataset_items/{item['id']}/archive/", json={"base_version": 7}))[
            "detail"
        ]
        == "Restore this dataset before archiving its items."
    )
    assert (
        conflict(rv.post(f"dataset_items/{item['id']}/restore/", json={"base_version": 7}))[
            "detail"
        ]
        == "Restore this dataset before restoring its items."
    )


def test_version_quota_keeps_a_slot_for_restoring(
    fresh_revisioned_server: RunningServer,
    rv: httpx.Client,
    dataset: Json,
    make_item: Callable[..., Json],
    conflict: Callable[..., Json],
) -> None:
    fresh_revisioned_server.options.max_versions_per_item = 4
    item = make_item(dataset["id"], input=0)
    path = f"dataset_items/{item['id']}/"
    rv.patch(path, json={"base_version": 1, "input": 1})
    rv.patch(path, json={"base_version": 2, "input": 2})
    assert conflict(rv.post(f"{path}archive/", json={"base_version": 3})) == {
        "code": "limit_reached",
        "detail": "This dataset item cannot be archived because the last version slot is reserved"
        " for restoring it. The limit is 4. Create a new item to continue.",
        "resource": "dataset_item_versions",
        "current_count": 3,
        "limit": 4,
    }
    fresh_revisioned_server.options.max_versions_per_item = 5
    assert rv.post(f"{path}archive/", json={"base_version": 3}).status_code == 200
    assert rv.post(f"{path}restore/", json={"base_version": 4}).status_code == 200
    response = rv.post(f"{path}archive/", json={"base_version": 5})
    assert conflict(response)["current_count"] == 5


def test_40_versions_is_the_default_quota(
    rv: httpx.Client, dataset: Json, make_item: Callable[..., Json], conflict: Callable[..., Json]
) -> None:
    item = make_item(dataset["id"], input=1)
    for version in range(1, 40):
        response = rv.patch(
            f"dataset_items/{item['id']}/", json={"base_version": version, "input": version + 1}
        )
        assert response.status_code == 200
    body = conflict(rv.patch(f"dataset_items/{item['id']}/", json={"base_version": 40, "input": 0}))
    assert (body["current_count"], body["limit"]) == (40, 40)


def test_versions_list_newest_first_with_item_fields_on_every_row(
    rv: httpx.Client, dataset: Json, make_item: Callable[..., Json], ok: Callable[..., Json]
) -> None:
    item = make_item(dataset["id"], input=1)
    for version in range(1, 30):
        rv.patch(
            f"dataset_items/{item['id']}/", json={"base_version": version, "input": version + 1}
        )
    rv.post(f"dataset_items/{item['id']}/archive/", json={"base_version": 30})
    page = ok(rv.get(f"dataset_items/{item['id']}/versions/"))
    assert page["count"] == 31 and len(page["results"]) == 25
    assert [row["version"] for row in page["results"]] == list(range(31, 6, -1))
    assert page["results"][0]["archived"] is True and page["results"][1]["archived"] is False
    assert {row["created_at"] for row in page["results"]} == {item["created_at"]}
    assert {row["updated_at"] for row in page["results"]} == {
        page["results"][0]["version_created_at"]
    }
    assert len({row["version_id"] for row in page["results"]}) == 25
    page = ok(rv.get(f"dataset_items/{item['id']}/versions/", params={"limit": 500}))
    assert len(page["results"]) == 31 and page["next"] is None


def test_list_requires_dataset_and_validates_the_query(
    rv: httpx.Client, dataset: Json, error_of: ErrorOf
) -> None:
    assert error_of(rv.get("dataset_items/")) == (
        400,
        "validation_error",
        "required",
        "This field is required.",
        "dataset",
    )
    assert error_of(rv.get("dataset_items/", params={"dataset": "x"}))[3] == "Must be a valid UUID."
    bad = {"dataset": dataset["id"], "revision": "0"}
    assert error_of(rv.get("dataset_items/", params=bad))[2:] == (
        "min_value",
        "Ensure this value is greater than or equal to 1.",
        "revision",
    )
    bad = {"dataset": dataset["id"], "revision": "x"}
    assert error_of(rv.get("dataset_items/", params=bad))[3] == "A valid integer is required."
    bad = {"dataset": dataset["id"], "archived": "perhaps"}
    assert error_of(rv.get("dataset_items/", params=bad))[4] == "archived"
    # query 400 before the dataset 404
    assert (
        rv.get("dataset_items/", params={"dataset": str(uuid.uuid4()), "revision": "x"}).status_code
        == 400
    )
    assert rv.get("dataset_items/", params={"dataset": str(uuid.uuid4())}).status_code == 404
    assert (
        rv.get("dataset_items/", params={"dataset": dataset["id"], "revision": 1}).status_code
        == 404
    )
    assert (
        rv.get("dataset_items/", params={"dataset": dataset["id"], "unknown": 1}).status_code == 200
    )


def test_list_order_pages_default_10_max_25(
    fresh_revisioned_server: RunningServer, rv: httpx.Client, dataset: Json, ok: Callable[..., Json]
) -> None:
    fresh_revisioned_server.bulk_insert_items(dataset["id"], ({"input": n} for n in range(60)))
    page = ok(rv.get("dataset_items/", params={"dataset": dataset["id"]}))
    assert page["count"] == 60 and [row["input"] for row in page["results"]] == list(
        range(59, 49, -1)
    )
    assert page["next"].endswith(f"?dataset={dataset['id']}&limit=10&offset=10")
    page = ok(rv.get("dataset_items/", params={"dataset": dataset["id"], "limit": 100}))
    assert len(page["results"]) == 25 and "limit=25&offset=25" in page["next"]
    page = ok(
        rv.get("dataset_items/", params={"dataset": dataset["id"], "limit": 10**12, "offset": -1})
    )
    assert len(page["results"]) == 25 and page["results"][0]["input"] == 59
    page = ok(
        rv.get("dataset_items/", params={"dataset": dataset["id"], "limit": 25, "offset": 50})
    )
    assert [row["input"] for row in page["results"]] == list(range(9, -1, -1)) and page[
        "next"
    ] is None


def test_items_created_in_the_same_instant_order_by_id(
    fresh_revisioned_server: RunningServer, rv: httpx.Client, dataset: Json, ok: Callable[..., Json]
) -> None:
    fresh_revisioned_server.store.read_one("SELECT 1")  # the store is shared with the test
    fresh_revisioned_server.bulk_insert_items(dataset["id"], ({"input": n} for n in range(3)))
    with fresh_revisioned_server.store.transaction() as conn:
        conn.execute("UPDATE rv_items SET created_at = '2026-01-01T00:00:00.000000Z'")
        conn.execute("UPDATE rv_versions SET item_created_at = '2026-01-01T00:00:00.000000Z'")
    rows = ok(rv.get("dataset_items/", params={"dataset": dataset["id"]}))["results"]
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    snapshot = ok(rv.get("dataset_items/", params={"dataset": dataset["id"], "revision": 2}))[
        "results"
    ]
    assert [row["id"] for row in snapshot] == sorted(row["id"] for row in snapshot)


def test_snapshots_are_immutable_and_include_archived_on_request(
    rv: httpx.Client, dataset: Json, make_item: Callable[..., Json], ok: Callable[..., Json]
) -> None:
    first = make_item(dataset["id"], input="a1")  # r1
    second = make_item(dataset["id"], input="b1")  # r2
    rv.patch(f"dataset_items/{first['id']}/", json={"base_version": 1, "input": "a2"})  # r3
    rv.post(f"dataset_items/{second['id']}/archive/", json={"base_version": 1})  # r4
    third = make_item(dataset["id"], input="c1")  # r5

    def inputs(revision: int, archived: bool = False) -> list[Any]:
        params = {"dataset": dataset["id"], "revision": revision, "archived": archived}
        rows = ok(rv.get("dataset_items/", params=params))["results"]
        return [(row["input"], row["version"], row["dataset_revision"]) for row in rows]

    expected = {
        1: [("a1", 1, 1)],
        2: [("b1", 1, 2), ("a1", 1, 1)],
        3: [("b1", 1, 2), ("a2", 2, 3)],
        4: [("a2", 2, 3)],
        5: [("c1", 1, 5), ("a2", 2, 3)],
    }
    before = {revision: inputs(revision) for revision in expected}
    assert before == expected
    assert inputs(4, archived=True) == [("b1", 2, 4)]
    assert inputs(3, archived=True) == []
    rv.patch(f"dataset_items/{third['id']}/", json={"base_version": 1, "input": "c2"})  # r6
    assert {revision: inputs(revision) for revision in expected} == before
    assert (
        rv.get("dataset_items/", params={"dataset": dataset["id"], "revision": 7}).status_code
        == 404
    )


def test_retrieve_at_a_revision(
    rv: httpx.Client,
    dataset: Json,
    make_item: Callable[..., Json],
    ok: Callable[..., Json],
    error_of: ErrorOf,
) -> None:
    make_item(dataset["id"], input="other")  # r1
    item = make_item(dataset["id"], input="v1")  # r2
    rv.post(f"dataset_items/{item['id']}/archive/", json={"base_version": 1})  # r3
    make_item(dataset["id"], input="later")  # r4
    path = f"dataset_items/{item['id']}/"
    assert rv.get(path, params={"revision": 1}).status_code == 404  # not there yet
    assert ok(rv.get(path, params={"revision": 2}))["version"] == 1
    at3 = ok(rv.get(path, params={"revision": 3}))
    assert (at3["version"], at3["archived"]) == (2, True)  # archived versions too
    assert ok(rv.get(path, params={"revision": 4}))["version"] == 2
    assert rv.get(path, params={"revision": 5}).status_code == 404
    assert rv.get(path, params={"revision": 10**30}).status_code == 404
    assert error_of(rv.get(path, params={"revision": "-1"}))[2] == "min_value"


def test_items_of_other_projects_and_malformed_ids_are_404(
    fresh_revisioned_server: RunningServer, rv: httpx.Client
) -> None:
    foreign = fresh_revisioned_server.store.read_one(
        "SELECT id FROM rv_items WHERE team_id = ?", (fresh_revisioned_server.other_project_id,)
    )
    assert foreign is not None
    for pk in (foreign["id"], "nope", str(uuid.uuid4()), "9" * 30):
        assert rv.get(f"dataset_items/{pk}/").status_code == 404
        assert rv.get(f"dataset_items/{pk}/versions/").status_code == 404
        assert rv.patch(f"dataset_items/{pk}/", json={"base_version": 1}).status_code == 404
        assert rv.post(f"dataset_items/{pk}/archive/", json={"base_version": 1}).status_code == 404
    # a version id is not an item id
    version_id = fresh_revisioned_server.store.read_one("SELECT id FROM rv_versions")
    assert version_id is not None
    assert rv.get(f"dataset_items/{version_id['id']}/").status_code == 404


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_put_and_delete_on_items_are_405(
    rv: httpx.Client, dataset: Json, make_item: Callable[..., Json], error_of: ErrorOf, method: str
) -> None:
    item = make_item(dataset["id"])
    for path in (
        "dataset_items/",
        f"dataset_items/{item['id']}/",
        f"dataset_items/{item['id']}/restore/",
    ):
        assert error_of(rv.request(method, path))[:3] == (
            405,
            "invalid_request",
            "method_not_allowed",
        )


def test_revisions_have_no_gaps_across_all_kinds_of_change(
    rv: httpx.Client, dataset: Json, make_item: Callable[..., Json], conflict: Callable[..., Json]
) -> None:
    item = make_item(dataset["id"], input=1, client_item_id="k")
    rv.post("dataset_items/", json={"dataset": dataset["id"], "input": 1, "client_item_id": "k"})
    rv.patch(f"dataset_items/{item['id']}/", json={"base_version": 1})  # unchanged
    rv.patch(f"dataset_items/{item['id']}/", json={"base_version": 5, "input": 2})  # stale
    rv.patch(f"datasets/{dataset['id']}/", json={"description": "dataset edits: no revision"})
    rv.post(f"datasets/{dataset['id']}/archive/")
    rv.post(f"datasets/{dataset['id']}/restore/")
    rv.patch(f"dataset_items/{item['id']}/", json={"base_version": 1, "input": 2})
    rv.post(f"dataset_items/{item['id']}/archive/", json={"base_version": 2})
    rv.post(f"dataset_items/{item['id']}/restore/", json={"base_version": 3})
    make_item(dataset["id"], input=3)
    assert _revisions(rv, dataset["id"]) == [5, 4, 3, 2, 1]
