"""Dataset items (Gen A): the dataset reference, provenance fields, filters, soft delete."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from phtui.server.runner import RunningServer

ErrorOf = Callable[[httpx.Response], tuple[int, str, str, str, str | None]]
ITEM_KEYS = [
    "id",
    "dataset",
    "input",
    "output",
    "metadata",
    "ref_trace_id",
    "ref_timestamp",
    "ref_source_id",
    "deleted",
    "created_at",
    "updated_at",
    "created_by",
    "team",
]


@pytest.fixture
def dataset_id(api: httpx.Client) -> str:
    return str(api.post("datasets/", json={"name": "Evals"}).json()["id"])


def _item(api: httpx.Client, dataset_id: str, **fields: Any) -> dict[str, Any]:
    response = api.post("dataset_items/", json={"dataset": dataset_id, **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_create_and_get_an_item(
    api: httpx.Client, fresh_server: RunningServer, dataset_id: str
) -> None:
    body = {
        "input": {"messages": [{"role": "user", "content": "Where is my order?"}]},
        "output": {"content": "Let me check."},
        "metadata": {"tags": ["support"], "score": 0.9},
        "ref_trace_id": "trace-abc",
        "ref_timestamp": "2025-04-01T14:00:00+02:00",
        "ref_source_id": "gen-123",
    }
    item = _item(api, dataset_id, **body)
    assert list(item) == ITEM_KEYS
    assert item["dataset"] == dataset_id
    assert item["input"] == body["input"]
    assert item["output"] == body["output"]
    assert item["ref_timestamp"] == "2025-04-01T12:00:00.000000Z"  # normalised to UTC
    assert item["deleted"] is False
    assert item["team"] == fresh_server.project_id
    assert item["created_by"]["id"] == fresh_server.user_id
    assert uuid.UUID(item["id"]).version == 7
    assert api.get(f"dataset_items/{item['id']}/").json() == item


def test_only_the_dataset_is_required(api: httpx.Client, dataset_id: str) -> None:
    item = _item(api, dataset_id)
    assert (item["input"], item["output"], item["metadata"]) == (None, None, None)
    assert item["ref_trace_id"] is None


@pytest.mark.parametrize(
    ("body", "code", "detail", "attr"),
    [
        ({}, "required", "This field is required.", "dataset"),
        ({"dataset": None}, "null", "This field may not be null.", "dataset"),
        ({"dataset": "nope"}, "invalid_input", "\u201cnope\u201d is not a valid UUID.", "dataset"),
        (
            {"dataset": True},
            "incorrect_type",
            "Incorrect type. Expected pk value, received bool.",
            "dataset",
        ),
        (
            {"dataset": "0195a000-0000-7000-8000-000000000000"},
            "does_not_exist",
            'Invalid pk "0195a000-0000-7000-8000-000000000000" - object does not exist.',
            "dataset",
        ),
    ],
)
def test_dataset_reference_validation(
    api: httpx.Client,
    error_of: ErrorOf,
    body: dict[str, Any],
    code: str,
    detail: str,
    attr: str,
) -> None:
    response = api.post("dataset_items/", json=body)
    assert error_of(response) == (400, "validation_error", code, detail, attr)


@pytest.mark.parametrize(
    ("field", "value", "code", "detail"),
    [
        (
            "ref_timestamp",
            "yesterday",
            "invalid_input",
            "Datetime has wrong format. Use one of these formats instead: "
            "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
        ),
        (
            "ref_timestamp",
            "2025-04-01",
            "invalid_input",
            "Datetime has wrong format. Use one of these formats instead: "
            "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
        ),
        (
            "ref_trace_id",
            "t" * 256,
            "max_length",
            "Ensure this field has no more than 255 characters.",
        ),
        (
            "ref_source_id",
            "s" * 256,
            "max_length",
            "Ensure this field has no more than 255 characters.",
        ),
        ("deleted", [], "invalid_input", "Must be a valid boolean."),
    ],
)
def test_field_validation(
    api: httpx.Client,
    error_of: ErrorOf,
    dataset_id: str,
    field: str,
    value: Any,
    code: str,
    detail: str,
) -> None:
    response = api.post("dataset_items/", json={"dataset": dataset_id, field: value})
    assert error_of(response) == (400, "validation_error", code, detail, field)


def test_another_teams_dataset_is_does_not_exist(
    api: httpx.Client, fresh_server: RunningServer, error_of: ErrorOf
) -> None:
    other = _other_team_dataset(fresh_server)
    response = api.post("dataset_items/", json={"dataset": other})
    assert error_of(response)[2] == "does_not_exist"


def _other_team_dataset(server: RunningServer) -> str:
    rows = server.store.list_datasets(
        server.other_project_id,
        search=None,
        order_by=["-created_at"],
        id_in=None,
        limit=1,
        offset=0,
    )[1]
    return str(rows[0]["id"])


def test_list_newest_first_and_filtered_by_dataset(api: httpx.Client, dataset_id: str) -> None:
    other_dataset = api.post("datasets/", json={"name": "Other"}).json()["id"]
    first = _item(api, dataset_id, input="first")
    _item(api, other_dataset, input="elsewhere")
    second = _item(api, dataset_id, input="second")
    page = api.get("dataset_items/", params={"dataset": dataset_id}).json()
    assert list(page) == ["count", "next", "previous", "results"]
    assert page["count"] == 2
    assert [row["id"] for row in page["results"]] == [second["id"], first["id"]]
    everything = api.get("dataset_items/").json()
    assert everything["count"] == 3


def test_dataset_filter_errors_and_scoping(
    api: httpx.Client, fresh_server: RunningServer, error_of: ErrorOf
) -> None:
    invalid_choice = (
        400,
        "validation_error",
        "invalid_choice",
        "Select a valid choice. That choice is not one of the available choices.",
        "dataset",
    )
    assert error_of(api.get("dataset_items/", params={"dataset": "nope"})) == invalid_choice
    missing = str(uuid.uuid4())
    assert error_of(api.get("dataset_items/", params={"dataset": missing})) == invalid_choice
    # Another team's dataset exists, so the filter is valid, but its items are not ours.
    other = _other_team_dataset(fresh_server)
    assert api.get("dataset_items/", params={"dataset": other}).json()["count"] == 0
    assert api.get("dataset_items/", params={"dataset": ""}).status_code == 200


def test_pages_of_items(api: httpx.Client, fresh_server: RunningServer, dataset_id: str) -> None:
    fresh_server.bulk_insert_items(dataset_id, ({"input": index} for index in range(250)))
    first = api.get("dataset_items/", params={"dataset": dataset_id}).json()
    assert first["count"] == 250
    assert len(first["results"]) == 100
    assert first["results"][0]["input"] == 249  # newest first
    base = f"{fresh_server.url}/api/projects/{fresh_server.project_id}/dataset_items/"
    assert first["next"] == f"{base}?dataset={dataset_id}&limit=100&offset=100"
    last = api.get("dataset_items/", params={"dataset": dataset_id, "offset": 200}).json()
    assert [row["input"] for row in last["results"]] == list(range(49, -1, -1))
    assert last["next"] is None
    assert last["previous"] == f"{base}?dataset={dataset_id}&limit=100&offset=100"


def test_soft_delete_and_restore(api: httpx.Client, dataset_id: str, error_of: ErrorOf) -> None:
    item = _item(api, dataset_id, input={"q": 1})
    path = f"dataset_items/{item['id']}/"
    assert api.patch(path, json={"deleted": True}).json()["deleted"] is True
    assert error_of(api.get(path))[:4] == (404, "invalid_request", "not_found", "Not found.")
    assert api.get("dataset_items/", params={"dataset": dataset_id}).json()["count"] == 0
    patched = api.patch(path, json={"output": {"a": 2}})
    assert patched.status_code == 200
    assert patched.json()["deleted"] is True
    restored = api.patch(path, json={"deleted": False}).json()
    assert restored["deleted"] is False
    assert restored["output"] == {"a": 2}
    assert api.get("dataset_items/", params={"dataset": dataset_id}).json()["count"] == 1


def test_items_of_a_deleted_dataset_are_still_listed(api: httpx.Client, dataset_id: str) -> None:
    _item(api, dataset_id)
    api.patch(f"datasets/{dataset_id}/", json={"deleted": True})
    assert api.get("dataset_items/", params={"dataset": dataset_id}).json()["count"] == 1


def test_patch_sets_only_given_fields_and_can_move_an_item(
    api: httpx.Client, dataset_id: str
) -> None:
    item = _item(api, dataset_id, input={"q": 1}, output={"a": 1}, metadata={"m": 1})
    target = api.post("datasets/", json={"name": "Target"}).json()["id"]
    patched = api.patch(
        f"dataset_items/{item['id']}/", json={"metadata": None, "dataset": target}
    ).json()
    assert patched["input"] == {"q": 1}
    assert patched["output"] == {"a": 1}
    assert patched["metadata"] is None
    assert patched["dataset"] == target
    assert patched["updated_at"] >= item["updated_at"]


def test_put_requires_the_dataset(api: httpx.Client, dataset_id: str, error_of: ErrorOf) -> None:
    item = _item(api, dataset_id)
    response = api.put(f"dataset_items/{item['id']}/", json={"input": 1})
    assert error_of(response)[2:] == ("required", "This field is required.", "dataset")
    assert (
        api.put(f"dataset_items/{item['id']}/", json={"dataset": dataset_id, "input": 1}).json()[
            "input"
        ]
        == 1
    )


def test_delete_is_405_with_an_empty_body(api: httpx.Client, dataset_id: str) -> None:
    item = _item(api, dataset_id)
    response = api.delete(f"dataset_items/{item['id']}/")
    assert (response.status_code, response.content) == (405, b"")
    assert api.get(f"dataset_items/{item['id']}/").status_code == 200


def test_other_teams_items_are_not_found(fresh_server: RunningServer, api: httpx.Client) -> None:
    other_dataset = _other_team_dataset(fresh_server)
    other_items = fresh_server.store.list_items(
        fresh_server.other_project_id, dataset_id=other_dataset, limit=1, offset=0
    )[1]
    item_id = other_items[0]["id"]
    assert api.get(f"dataset_items/{item_id}/").status_code == 404
    assert api.patch(f"dataset_items/{item_id}/", json={"input": 1}).status_code == 404
