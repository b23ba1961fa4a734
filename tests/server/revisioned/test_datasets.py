"""Revisioned `datasets` (api-revisioned.md sections 2-7, 9, 12), over real HTTP."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from phtui.server.runner import RunningServer

Json = dict[str, Any]
ErrorOf = Callable[[httpx.Response], tuple[int, str, str, str, str | None]]
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z$")
DATASET_KEYS = [
    "id",
    "name",
    "description",
    "metadata",
    "archived",
    "current_revision",
    "current_revision_id",
    "created_at",
    "updated_at",
    "created_by",
    "team_id",
    "user_access_level",
]
USER_KEYS = [
    "id",
    "uuid",
    "distinct_id",
    "first_name",
    "last_name",
    "email",
    "is_email_verified",
    "hedgehog_config",
    "role_at_organization",
]


def test_create_returns_the_dataset_shape(
    rv: httpx.Client, fresh_revisioned_server: RunningServer, ok: Callable[..., Json]
) -> None:
    body = ok(rv.post("datasets/", json={"name": "  Golden  "}), 201)
    assert list(body) == DATASET_KEYS
    assert body["name"] == "Golden"  # trimmed
    assert (body["description"], body["metadata"], body["archived"]) == ("", {}, False)
    assert (body["current_revision"], body["current_revision_id"]) == (None, None)
    assert body["team_id"] == fresh_revisioned_server.project_id
    assert body["user_access_level"] == "editor"
    assert list(body["created_by"]) == USER_KEYS
    assert DATETIME.match(body["created_at"]) and body["updated_at"] == body["created_at"]
    assert uuid.UUID(body["id"]).version == 7 and body["id"] == str(uuid.UUID(body["id"]))
    assert ok(rv.get(f"datasets/{body['id']}/")) == body


@pytest.mark.parametrize(
    ("body", "code", "detail", "attr"),
    [
        ({}, "required", "This field is required.", "name"),
        ({"name": None}, "null", "This field may not be null.", "name"),
        ({"name": "   "}, "blank", "This field may not be blank.", "name"),
        (
            {"name": "x" * 401},
            "max_length",
            "Ensure this field has no more than 400 characters.",
            "name",
        ),
        ({"name": "a", "description": None}, "null", "This field may not be null.", "description"),
        (
            {"name": "a", "description": "d" * 10_001},
            "max_length",
            "Ensure this field has no more than 10000 characters.",
            "description",
        ),
        ({"name": "a", "metadata": None}, "null", "This field may not be null.", "metadata"),
        ({"name": "a", "metadata": [1]}, "not_object", "Enter a JSON object.", "metadata"),
        ({"name": "a", "metadata": "{}"}, "not_object", "Enter a JSON object.", "metadata"),
        # Strict bodies: the alphabetically first unknown key, before any field rule.
        ({"zeta": 1, "deleted": True}, "invalid_input", "This field is not supported.", "deleted"),
        ({"name": "a", "team": 1}, "invalid_input", "This field is not supported.", "team"),
        (
            {"name": "a", "metadata": {"k": "x" * 1_000_000}},
            "invalid_input",
            "This field must be 1000000 bytes or fewer.",
            "metadata",
        ),
    ],
)
def test_create_validation(
    rv: httpx.Client, error_of: ErrorOf, body: Json, code: str, detail: str, attr: str
) -> None:
    assert error_of(rv.post("datasets/", json=body)) == (
        400,
        "validation_error",
        code,
        detail,
        attr,
    )


def test_limits_of_400_and_10000_characters_are_inclusive(
    rv: httpx.Client, ok: Callable[..., Json]
) -> None:
    ok(rv.post("datasets/", json={"name": "x" * 400, "description": "d" * 10_000}), 201)


def test_names_are_unique_per_project_archived_included(
    rv: httpx.Client, make_dataset: Callable[..., Json], conflict: Callable[..., Json]
) -> None:
    first = make_dataset("Golden")
    expected = {
        "code": "dataset_name_conflict",
        "detail": "A dataset with this name already exists.",
    }
    assert conflict(rv.post("datasets/", json={"name": " Golden "})) == expected
    rv.post(f"datasets/{first['id']}/archive/")
    assert conflict(rv.post("datasets/", json={"name": "Golden"})) == expected
    other = make_dataset("Other")
    assert conflict(rv.patch(f"datasets/{other['id']}/", json={"name": "Golden"})) == expected
    # Renaming to its own name is no conflict; names are case-sensitive.
    rv.post(f"datasets/{first['id']}/restore/")
    assert rv.patch(f"datasets/{first['id']}/", json={"name": "Golden"}).status_code == 200
    assert rv.post("datasets/", json={"name": "golden"}).status_code == 201


def test_dataset_quota_counts_archived_and_comes_before_the_name_check(
    rv: httpx.Client, fresh_revisioned_server: RunningServer, conflict: Callable[..., Json]
) -> None:
    fresh_revisioned_server.options.max_datasets_per_project = 2
    first = rv.post("datasets/", json={"name": "one"}).json()
    rv.post(f"datasets/{first['id']}/archive/")
    rv.post("datasets/", json={"name": "two"})
    assert conflict(rv.post("datasets/", json={"name": "one"})) == {
        "code": "limit_reached",
        "detail": "No more datasets can be added to this project. The limit is 2."
        " Contact support if you need more.",
        "resource": "datasets",
        "current_count": 2,
        "limit": 2,
    }
    # A bad body is still a 400 first (auth -> scope -> flag -> body -> limit -> name).
    assert rv.post("datasets/", json={}).status_code == 400
    fresh_revisioned_server.options.max_datasets_per_project = None
    assert rv.post("datasets/", json={"name": "three"}).status_code == 201


def test_the_default_quota_is_20(rv: httpx.Client, conflict: Callable[..., Json]) -> None:
    for n in range(20):
        assert rv.post("datasets/", json={"name": f"d{n}"}).status_code == 201
    body = conflict(rv.post("datasets/", json={"name": "d20"}))
    assert (body["current_count"], body["limit"]) == (20, 20)


def test_list_filters_archived_search_and_id_in(
    rv: httpx.Client, make_dataset: Callable[..., Json], ok: Callable[..., Json]
) -> None:
    alpha = make_dataset("Alpha set", description="Ünïcode DESCRIPTION")
    beta = make_dataset("Beta", metadata={"Owner": "ML-Team"})
    gamma = make_dataset("Gamma")
    rv.post(f"datasets/{gamma['id']}/archive/")

    def names(**params: Any) -> list[str]:
        return [row["name"] for row in ok(rv.get("datasets/", params=params))["results"]]

    assert names() == ["Beta", "Alpha set"]  # active only, newest first
    assert names(archived="true") == ["Gamma"]
    assert names(archived="0") == ["Beta", "Alpha set"]
    assert names(search="ünïcode desc") == ["Alpha set"]  # case-insensitive, description
    assert names(search="ml-team") == ["Beta"]  # metadata text
    assert names(search='"owner": "ml') == ["Beta"]  # as PostgreSQL prints jsonb
    assert names(search="gamma") == []
    assert names(search="gamma", archived="true") == ["Gamma"]
    assert names(id__in=f"{alpha['id']},{gamma['id']}") == ["Alpha set"]
    assert names(id__in=[alpha["id"], beta["id"]]) == ["Beta", "Alpha set"]
    assert names(id__in=str(uuid.uuid4())) == []


@pytest.mark.parametrize(
    ("params", "code", "detail", "attr"),
    [
        ({"search": ""}, "blank", "This field may not be blank.", "search"),
        ({"search": "  "}, "blank", "This field may not be blank.", "search"),
        ({"archived": "maybe"}, "invalid_input", "Must be a valid boolean.", "archived"),
        ({"order_by": "name"}, "invalid_choice", '"name" is not a valid choice.', "order_by"),
        (
            {"order_by": "created_at,updated_at"},
            "invalid_choice",
            '"created_at,updated_at" is not a valid choice.',
            "order_by",
        ),
        ({"id__in": "nope"}, "invalid_input", "Must be a valid UUID.", "id__in__0"),
        (
            {"id__in": f"{uuid.uuid4()}, {uuid.uuid4()}"},
            "invalid_input",
            "Must be a valid UUID.",
            "id__in__1",
        ),
        (
            {"id__in": ",".join(str(uuid.uuid4()) for _ in range(101))},
            "max_length",
            "Ensure this field has no more than 100 elements.",
            "id__in",
        ),
    ],
)
def test_list_query_errors(
    rv: httpx.Client, error_of: ErrorOf, params: Json, code: str, detail: str, attr: str
) -> None:
    assert error_of(rv.get("datasets/", params=params)) == (
        400,
        "validation_error",
        code,
        detail,
        attr,
    )


def test_a_hundred_ids_are_fine(rv: httpx.Client, ok: Callable[..., Json]) -> None:
    ids = [str(uuid.uuid4()) for _ in range(100)]
    assert ok(rv.get("datasets/", params={"id__in": ids}))["count"] == 0


def test_order_by_single_value_ties_by_id(
    rv: httpx.Client, make_dataset: Callable[..., Json], ok: Callable[..., Json]
) -> None:
    first, second, third = make_dataset("a"), make_dataset("b"), make_dataset("c")
    rv.patch(f"datasets/{first['id']}/", json={})  # `{}` only bumps updated_at

    def ids(order_by: str) -> list[str]:
        rows = ok(rv.get("datasets/", params={"order_by": order_by}))["results"]
        return [row["id"] for row in rows]

    assert ids("-created_at") == [third["id"], second["id"], first["id"]]
    assert ids("created_at") == [first["id"], second["id"], third["id"]]
    assert ids("-updated_at") == [first["id"], third["id"], second["id"]]
    assert ids("updated_at") == [second["id"], third["id"], first["id"]]


def test_pages_default_50_max_100_capped_limit_in_next(
    fresh_revisioned_server: RunningServer, rv: httpx.Client, ok: Callable[..., Json]
) -> None:
    fresh_revisioned_server.options.max_datasets_per_project = None
    for n in range(105):
        fresh_revisioned_server.create_dataset(f"paged {n:03}")
    page = ok(rv.get("datasets/"))
    assert (page["count"], len(page["results"]), page["previous"]) == (105, 50, None)
    assert page["next"].endswith("/datasets/?limit=50&offset=50")
    page = ok(rv.get("datasets/", params={"limit": 1000}))
    assert len(page["results"]) == 100
    assert page["next"].endswith("/datasets/?limit=100&offset=100")
    page = ok(rv.get("datasets/", params={"limit": 10**12, "offset": -1}))
    assert len(page["results"]) == 100 and page["previous"] is None
    for bad in ("0", "-5", "ten"):
        assert len(ok(rv.get("datasets/", params={"limit": bad}))["results"]) == 50
    page = ok(rv.get("datasets/", params={"limit": 10, "offset": 100}))
    assert len(page["results"]) == 5 and page["next"] is None
    assert page["previous"].endswith("/datasets/?limit=10&offset=90")


def test_patch_rules(
    rv: httpx.Client,
    make_dataset: Callable[..., Json],
    ok: Callable[..., Json],
    error_of: ErrorOf,
) -> None:
    dataset = make_dataset("Patchable", description="old", metadata={"a": 1})
    updated = ok(rv.patch(f"datasets/{dataset['id']}/", json={"metadata": {"b": 2}}))
    assert (updated["name"], updated["description"], updated["metadata"]) == (
        "Patchable",
        "old",
        {"b": 2},
    )
    assert updated["updated_at"] > dataset["updated_at"]
    assert updated["current_revision"] is None  # dataset edits make no revision
    assert error_of(rv.patch(f"datasets/{dataset['id']}/", json={"archived": True})) == (
        400,
        "validation_error",
        "invalid_input",
        "This field is not supported.",
        "archived",
    )
    assert error_of(rv.patch(f"datasets/{dataset['id']}/", json={"name": ""}))[2] == "blank"


def test_patch_check_order_404_400_archived_then_400_then_name(
    rv: httpx.Client,
    make_dataset: Callable[..., Json],
    conflict: Callable[..., Json],
) -> None:
    make_dataset("Taken")
    dataset = make_dataset("Archived one")
    assert rv.patch(f"datasets/{uuid.uuid4()}/", json={"bogus": 1}).status_code == 404
    rv.post(f"datasets/{dataset['id']}/archive/")
    assert rv.patch(f"datasets/{dataset['id']}/", json={"bogus": 1}).status_code == 400
    archived = {"code": "dataset_archived", "detail": "Restore this dataset before updating it."}
    assert conflict(rv.patch(f"datasets/{dataset['id']}/", json={})) == archived
    big = {"metadata": {"k": "x" * 1_000_000}, "name": "Taken"}
    assert conflict(rv.patch(f"datasets/{dataset['id']}/", json=big)) == archived
    rv.post(f"datasets/{dataset['id']}/restore/")
    assert rv.patch(f"datasets/{dataset['id']}/", json=big).status_code == 400
    response = rv.patch(f"datasets/{dataset['id']}/", json={"name": "Taken"})
    assert conflict(response)["code"] == "dataset_name_conflict"


def test_archive_and_restore_are_idempotent_flags(
    rv: httpx.Client,
    make_dataset: Callable[..., Json],
    make_item: Callable[..., Json],
    ok: Callable[..., Json],
) -> None:
    dataset = make_dataset()
    item = make_item(dataset["id"])
    before = ok(rv.get(f"datasets/{dataset['id']}/"))
    archived = ok(rv.post(f"datasets/{dataset['id']}/archive/", json={"ignored": True}))
    assert archived["archived"] is True
    assert archived["current_revision"] == before["current_revision"] == 1
    assert ok(rv.post(f"datasets/{dataset['id']}/archive/"))["archived"] is True
    # Fully readable while archived.
    assert ok(rv.get(f"datasets/{dataset['id']}/"))["archived"] is True
    assert ok(rv.get("dataset_items/", params={"dataset": dataset["id"]}))["count"] == 1
    assert ok(rv.get(f"datasets/{dataset['id']}/revisions/"))["count"] == 1
    assert ok(rv.get(f"dataset_items/{item['id']}/versions/"))["count"] == 1
    restored = ok(rv.post(f"datasets/{dataset['id']}/restore/"))
    assert restored["archived"] is False and restored["current_revision"] == 1
    assert ok(rv.post(f"datasets/{dataset['id']}/restore/"))["archived"] is False
    assert ok(rv.get(f"dataset_items/{item['id']}/")) == item  # items untouched


def test_revisions_newest_first_with_shape_and_pages(
    rv: httpx.Client,
    make_dataset: Callable[..., Json],
    make_item: Callable[..., Json],
    ok: Callable[..., Json],
) -> None:
    dataset = make_dataset()
    for n in range(3):
        make_item(dataset["id"], input=n)
    page = ok(rv.get(f"datasets/{dataset['id']}/revisions/"))
    assert page["count"] == 3
    assert [row["revision"] for row in page["results"]] == [3, 2, 1]
    row = page["results"][0]
    assert list(row) == ["id", "dataset_id", "revision", "created_at", "created_by", "team_id"]
    assert row["dataset_id"] == dataset["id"] and row["team_id"] == 1
    current = ok(rv.get(f"datasets/{dataset['id']}/"))
    assert (current["current_revision"], current["current_revision_id"]) == (3, row["id"])
    page = ok(rv.get(f"datasets/{dataset['id']}/revisions/", params={"limit": 1, "offset": 1}))
    assert [row["revision"] for row in page["results"]] == [2]
    assert page["next"].endswith("limit=1&offset=2")


@pytest.mark.parametrize("path", ["datasets/", "datasets/{id}/", "datasets/{id}/archive/"])
@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_put_and_delete_are_405_with_a_json_body(
    rv: httpx.Client,
    make_dataset: Callable[..., Json],
    error_of: ErrorOf,
    path: str,
    method: str,
) -> None:
    dataset = make_dataset()
    response = rv.request(method, path.format(id=dataset["id"]), json={"name": "x"})
    assert error_of(response) == (
        405,
        "invalid_request",
        "method_not_allowed",
        f'Method "{method}" not allowed.',
        None,
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "datasets/{id}/archive/"),
        ("POST", "datasets/{id}/revisions/"),
        ("PATCH", "datasets/"),
    ],
)
def test_other_wrong_methods_are_405(
    rv: httpx.Client, make_dataset: Callable[..., Json], method: str, path: str
) -> None:
    dataset = make_dataset()
    assert rv.request(method, path.format(id=dataset["id"])).status_code == 405


@pytest.mark.parametrize("pk", ["nope", "1", str(uuid.uuid4()), "9" * 40])
def test_unknown_and_malformed_ids_are_404(rv: httpx.Client, error_of: ErrorOf, pk: str) -> None:
    for response in (
        rv.get(f"datasets/{pk}/"),
        rv.patch(f"datasets/{pk}/", json={}),
        rv.post(f"datasets/{pk}/archive/"),
        rv.get(f"datasets/{pk}/revisions/"),
    ):
        assert error_of(response) == (404, "invalid_request", "not_found", "Not found.", None)


def test_another_projects_dataset_is_404(
    fresh_revisioned_server: RunningServer, rv: httpx.Client
) -> None:
    foreign = fresh_revisioned_server.store.read_one(
        "SELECT id FROM rv_datasets WHERE team_id = ?", (fresh_revisioned_server.other_project_id,)
    )
    assert foreign is not None
    assert rv.get(f"datasets/{foreign['id']}/").status_code == 404
    assert rv.get("datasets/", params={"id__in": foreign["id"]}).json()["count"] == 0
    other = fresh_revisioned_server.other_project_id
    response = rv.get(f"{fresh_revisioned_server.url}/api/projects/{other}/datasets/")
    assert response.status_code == 403


def test_environments_prefix_is_the_same_api(
    fresh_revisioned_server: RunningServer, rv: httpx.Client, make_dataset: Callable[..., Json]
) -> None:
    dataset = make_dataset()
    url = f"{fresh_revisioned_server.url}/api/environments/1/datasets/{dataset['id']}"
    response = rv.get(url)  # the deprecated prefix, no trailing slash
    assert response.json() == dataset


def test_datetimes_drop_zero_microseconds(
    fresh_revisioned_server: RunningServer, rv: httpx.Client
) -> None:
    from datetime import UTC, datetime

    dataset_id = fresh_revisioned_server.create_dataset(
        "whole second", created_at=datetime(2026, 8, 14, 9, 30, 12, tzinfo=UTC)
    )
    assert rv.get(f"datasets/{dataset_id}/").json()["created_at"] == "2026-08-14T09:30:12Z"
