"""Datasets (Gen A): pages, filters, ordering, soft delete, DELETE 405, team scoping, shapes."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from phtui.server.runner import RunningServer

ErrorOf = Callable[[httpx.Response], tuple[int, str, str, str, str | None]]
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


def _names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [row["name"] for row in response.json()["results"]]


def test_create_returns_the_full_dataset(api: httpx.Client, fresh_server: RunningServer) -> None:
    response = api.post(
        "datasets/",
        json={"name": " Golden ", "description": "d", "metadata": {"k": [1]}, "team": 999},
    )
    assert response.status_code == 201
    body = response.json()
    assert list(body) == [
        "id",
        "name",
        "description",
        "metadata",
        "created_at",
        "updated_at",
        "deleted",
        "created_by",
        "team",
    ]
    assert body["name"] == "Golden"
    assert body["metadata"] == {"k": [1]}
    assert body["deleted"] is False
    assert body["team"] == fresh_server.project_id  # body's `team` ignored
    assert body["created_by"]["id"] == fresh_server.user_id
    assert DATETIME.match(body["created_at"])
    assert body["updated_at"] == body["created_at"]
    parsed = uuid.UUID(body["id"])
    assert parsed.version == 7
    assert body["id"] == str(parsed)  # lowercase, hyphenated
    assert api.get(f"datasets/{body['id']}/").json() == body


@pytest.mark.parametrize(
    ("body", "code", "detail", "attr"),
    [
        ({}, "required", "This field is required.", "name"),
        ({"name": ""}, "blank", "This field may not be blank.", "name"),
        (
            {"name": "n" * 401},
            "max_length",
            "Ensure this field has no more than 400 characters.",
            "name",
        ),
        (
            {"name": "ok", "deleted": "maybe"},
            "invalid_input",
            "Must be a valid boolean.",
            "deleted",
        ),
        (
            {"name": "ok", "description": {"a": 1}},
            "invalid_input",
            "Not a valid string.",
            "description",
        ),
    ],
)
def test_create_validation(
    api: httpx.Client,
    error_of: ErrorOf,
    body: dict[str, object],
    code: str,
    detail: str,
    attr: str,
) -> None:
    assert error_of(api.post("datasets/", json=body)) == (
        400,
        "validation_error",
        code,
        detail,
        attr,
    )


def test_400_character_names_and_null_fields_are_fine(api: httpx.Client) -> None:
    body = {"name": "n" * 400, "description": None, "metadata": None, "deleted": None}
    created = api.post("datasets/", json=body).json()
    assert (created["description"], created["metadata"], created["deleted"]) == (None, None, None)
    # A null `deleted` counts as not deleted.
    assert api.get(f"datasets/{created['id']}/").status_code == 200


def test_names_are_not_unique(api: httpx.Client) -> None:
    assert api.post("datasets/", json={"name": "Same"}).status_code == 201
    assert api.post("datasets/", json={"name": "Same"}).status_code == 201
    assert _names(api.get("datasets/")) == ["Same", "Same"]


def test_newest_first_then_order_by(api: httpx.Client, fresh_server: RunningServer) -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for offset, name in enumerate(["a", "b", "c"]):
        fresh_server.create_dataset(name, created_at=start + timedelta(days=offset))
    assert _names(api.get("datasets/")) == ["c", "b", "a"]
    assert _names(api.get("datasets/", params={"order_by": "created_at"})) == ["a", "b", "c"]
    assert _names(api.get("datasets/", params={"order_by": "-created_at"})) == ["c", "b", "a"]
    api.patch(f"datasets/{_id_of(api, 'a')}/", json={"description": "touched"})
    assert _names(api.get("datasets/", params={"order_by": "-updated_at"}))[0] == "a"
    assert _names(api.get("datasets/", params={"order_by": "updated_at"}))[-1] == "a"


def test_order_by_takes_a_comma_list(api: httpx.Client, fresh_server: RunningServer) -> None:
    moment = datetime(2025, 1, 1, tzinfo=UTC)
    fresh_server.create_dataset("early", created_at=moment - timedelta(days=1))
    for name in ("tie-1", "tie-2"):
        fresh_server.create_dataset(name, created_at=moment)
    api.patch(f"datasets/{_id_of(api, 'tie-1')}/", json={"description": "touched"})
    newest_update_first = api.get("datasets/", params={"order_by": "created_at,-updated_at"})
    assert _names(newest_update_first) == ["early", "tie-1", "tie-2"]
    oldest_update_first = api.get("datasets/", params={"order_by": "created_at,updated_at"})
    assert _names(oldest_update_first) == ["early", "tie-2", "tie-1"]


def _id_of(api: httpx.Client, name: str) -> str:
    rows = api.get("datasets/", params={"search": name}).json()["results"]
    return str(next(row["id"] for row in rows if row["name"] == name))


def test_bad_order_by_is_400(api: httpx.Client, error_of: ErrorOf) -> None:
    assert error_of(api.get("datasets/", params={"order_by": "name"})) == (
        400,
        "validation_error",
        "invalid_choice",
        "Select a valid choice. name is not one of the available choices.",
        "order_by",
    )


def test_search_matches_name_description_and_metadata_case_insensitively(
    api: httpx.Client, fresh_server: RunningServer
) -> None:
    fresh_server.create_dataset("Support golden set")
    fresh_server.create_dataset("Other", description="About SUPPORT tickets")
    fresh_server.create_dataset("Third", metadata={"team": "Zürich support"})
    fresh_server.create_dataset("Unrelated", metadata={"owner": "ml"})
    assert sorted(_names(api.get("datasets/", params={"search": "support"}))) == [
        "Other",
        "Support golden set",
        "Third",
    ]
    assert _names(api.get("datasets/", params={"search": "ZÜRICH"})) == ["Third"]
    # Metadata keys match too: the search runs on the JSON text.
    assert _names(api.get("datasets/", params={"search": "owner"})) == ["Unrelated"]
    assert len(_names(api.get("datasets/", params={"search": ""}))) == 4


def test_id_in_filters_and_rejects_malformed_uuids(
    api: httpx.Client, fresh_server: RunningServer, error_of: ErrorOf
) -> None:
    first = fresh_server.create_dataset("first")
    fresh_server.create_dataset("second")
    third = fresh_server.create_dataset("third")
    response = api.get("datasets/", params={"id__in": f"{first},{third.upper()}"})
    assert sorted(_names(response)) == ["first", "third"]
    assert error_of(api.get("datasets/", params={"id__in": f"{first},nope"})) == (
        400,
        "validation_error",
        "invalid_input",
        "Enter a valid UUID.",
        "id__in",
    )


def test_pagination_envelope_and_links(
    http: httpx.Client, api: httpx.Client, fresh_server: RunningServer
) -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for index in range(5):
        fresh_server.create_dataset(f"d{index}", created_at=start + timedelta(minutes=index))
    first = api.get("datasets/", params={"limit": 2, "search": "d"}).json()
    assert list(first) == ["count", "next", "previous", "results"]
    base = f"{fresh_server.url}/api/projects/{fresh_server.project_id}/datasets/"
    assert first["count"] == 5
    assert [row["name"] for row in first["results"]] == ["d4", "d3"]
    assert first["next"] == f"{base}?limit=2&offset=2&search=d"
    assert first["previous"] is None

    second = http.get(first["next"], headers=api.headers).json()
    assert [row["name"] for row in second["results"]] == ["d2", "d1"]
    # The previous page starts at 0, so `offset` is dropped.
    assert second["previous"] == f"{base}?limit=2&search=d"
    third = http.get(second["next"], headers=api.headers).json()
    assert [row["name"] for row in third["results"]] == ["d0"]
    assert third["next"] is None
    assert third["previous"] == f"{base}?limit=2&offset=2&search=d"

    beyond = api.get("datasets/", params={"offset": 50}).json()
    assert beyond["results"] == []
    assert beyond["count"] == 5


@pytest.mark.parametrize(
    ("params", "expected_count"),
    [
        ({}, 100),
        ({"limit": "0"}, 100),
        ({"limit": "-3"}, 100),
        ({"limit": "many"}, 100),
        ({"limit": "150"}, 130),  # no maximum
        ({"offset": "-5"}, 100),
        ({"offset": "x"}, 100),
    ],
)
def test_default_limit_and_bad_values_fall_back(
    fresh_server: RunningServer,
    api: httpx.Client,
    params: dict[str, str],
    expected_count: int,
) -> None:
    for index in range(130):
        fresh_server.create_dataset(f"bulk {index}")
    page = api.get("datasets/", params=params).json()
    assert page["count"] == 130
    assert len(page["results"]) == expected_count


def test_links_use_the_request_host(http: httpx.Client, fresh_server: RunningServer) -> None:
    for index in range(3):
        fresh_server.create_dataset(f"d{index}")
    response = http.get(
        f"{fresh_server.url}/api/projects/{fresh_server.project_id}/datasets/?limit=1",
        headers={"Authorization": f"Bearer {fresh_server.api_key}", "Host": "posthog.example:8443"},
    )
    assert response.json()["next"] == (
        f"http://posthog.example:8443/api/projects/{fresh_server.project_id}/datasets/"
        "?limit=1&offset=1"
    )


def test_soft_delete_hides_from_get_and_list_but_patch_still_works(
    api: httpx.Client, error_of: ErrorOf
) -> None:
    dataset_id = api.post("datasets/", json={"name": "Doomed"}).json()["id"]
    deleted = api.patch(f"datasets/{dataset_id}/", json={"deleted": True})
    assert deleted.status_code == 200
    assert deleted.json()["deleted"] is True
    assert error_of(api.get(f"datasets/{dataset_id}/"))[:4] == (
        404,
        "invalid_request",
        "not_found",
        "Not found.",
    )
    assert _names(api.get("datasets/")) == []
    renamed = api.patch(f"datasets/{dataset_id}/", json={"name": "Renamed"})
    assert renamed.json()["name"] == "Renamed"
    assert renamed.json()["deleted"] is True  # stays deleted
    restored = api.patch(f"datasets/{dataset_id}/", json={"deleted": False})
    assert restored.json()["deleted"] is False
    assert api.get(f"datasets/{dataset_id}/").json()["name"] == "Renamed"


def test_delete_is_405_with_an_empty_body_even_for_unknown_ids(api: httpx.Client) -> None:
    dataset_id = api.post("datasets/", json={"name": "Kept"}).json()["id"]
    for path in (f"datasets/{dataset_id}/", f"datasets/{uuid.uuid4()}/", "datasets/not-a-uuid/"):
        response = api.delete(path)
        assert response.status_code == 405
        assert response.content == b""
    assert api.get(f"datasets/{dataset_id}/").status_code == 200


def test_put_requires_name_and_updated_at_changes_on_every_save(
    api: httpx.Client, error_of: ErrorOf
) -> None:
    created = api.post("datasets/", json={"name": "v1", "metadata": {"a": 1}}).json()
    path = f"datasets/{created['id']}/"
    assert error_of(api.put(path, json={"description": "x"}))[2:] == (
        "required",
        "This field is required.",
        "name",
    )
    time.sleep(0.002)
    put = api.put(path, json={"name": "v2"}).json()
    assert put["metadata"] == {"a": 1}  # fields not sent are kept
    assert put["updated_at"] > created["updated_at"]
    assert put["created_at"] == created["created_at"]
    time.sleep(0.002)
    patched = api.patch(path, json={}).json()
    assert patched["updated_at"] > put["updated_at"]


@pytest.mark.parametrize("pk", ["nope", "12345", "0195a000-0000-7000-8000-00000000000"])
def test_malformed_and_unknown_ids_are_404(api: httpx.Client, error_of: ErrorOf, pk: str) -> None:
    assert error_of(api.get(f"datasets/{pk}/"))[3] == "Not found."
    assert error_of(api.patch(f"datasets/{pk}/", json={"name": "x"}))[3] == "Not found."


def test_other_teams_dataset_is_invisible(fresh_server: RunningServer, api: httpx.Client) -> None:
    other = fresh_server.store.list_datasets(
        fresh_server.other_project_id,
        search=None,
        order_by=["-created_at"],
        id_in=None,
        limit=10,
        offset=0,
    )[1][0]["id"]
    assert api.get(f"datasets/{other}/").status_code == 404
    assert api.patch(f"datasets/{other}/", json={"name": "stolen"}).status_code == 404
    assert api.get("datasets/", params={"id__in": other}).json()["count"] == 0


def test_huge_limit_and_offset_do_not_break_the_server(api: httpx.Client) -> None:
    api.post("datasets/", json={"name": "only"})
    huge = "9" * 30
    assert api.get("datasets/", params={"limit": huge}).json()["count"] == 1
    assert api.get("datasets/", params={"offset": huge}).json()["results"] == []


def test_description_has_no_length_limit(api: httpx.Client) -> None:
    text = "long " * 20_000
    created = api.post("datasets/", json={"name": "d", "description": text})
    assert created.json()["description"] == text.strip()
