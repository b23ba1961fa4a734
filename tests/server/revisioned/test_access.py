"""Who may use the revisioned routes (api-revisioned.md section 1): the feature flag on every
route, reads included; the dataset scopes (an export is a read); per-dataset access levels."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from phtui.server.runner import RunningServer

Json = dict[str, Any]
ErrorOf = Callable[[httpx.Response], tuple[int, str, str, str, str | None]]
FLAG_OFF = (
    403,
    "authentication_error",
    "permission_denied",
    "This action requires feature flag 'llm-analytics-datasets' to be enabled for your"
    " organization.",
    None,
)


@pytest.fixture
def item(
    rv: httpx.Client, make_dataset: Callable[..., Json], make_item: Callable[..., Json]
) -> Json:
    return make_item(make_dataset("Guarded")["id"])


def _every_route(item: Json) -> list[tuple[str, str, Json | None]]:
    dataset, pk = item["dataset"], item["id"]
    return [
        ("GET", "datasets/", None),
        ("POST", "datasets/", {"name": "x"}),
        ("GET", f"datasets/{dataset}/", None),
        ("PATCH", f"datasets/{dataset}/", {}),
        ("DELETE", f"datasets/{dataset}/", None),
        ("POST", f"datasets/{dataset}/archive/", None),
        ("POST", f"datasets/{dataset}/restore/", None),
        ("GET", f"datasets/{dataset}/revisions/", None),
        ("POST", f"datasets/{dataset}/exports/", {}),
        ("GET", f"datasets/{dataset}/exports/1/", None),
        ("GET", f"datasets/{dataset}/exports/1/content/", None),
        ("GET", f"dataset_items/?dataset={dataset}", None),
        ("POST", "dataset_items/", {"dataset": dataset, "input": 1}),
        ("GET", f"dataset_items/{pk}/", None),
        ("PATCH", f"dataset_items/{pk}/", {"base_version": 1}),
        ("POST", f"dataset_items/{pk}/archive/", {"base_version": 1}),
        ("POST", f"dataset_items/{pk}/restore/", {"base_version": 1}),
        ("GET", f"dataset_items/{pk}/versions/", None),
    ]


def test_the_feature_flag_off_forbids_every_route(
    rv: httpx.Client, fresh_revisioned_server: RunningServer, item: Json, error_of: ErrorOf
) -> None:
    fresh_revisioned_server.options.datasets_feature_flag = False
    for method, path, body in _every_route(item):
        assert error_of(rv.request(method, path, json=body)) == FLAG_OFF, (method, path)
    assert rv.get("data_color_themes/").status_code == 200  # other products are unaffected
    fresh_revisioned_server.options.datasets_feature_flag = True
    assert rv.get("datasets/").status_code == 200


def test_the_flag_comes_after_authentication_and_scopes(
    http: httpx.Client, fresh_revisioned_server: RunningServer, item: Json
) -> None:
    fresh_revisioned_server.options.datasets_feature_flag = False
    url = f"{fresh_revisioned_server.url}/api/projects/1/datasets/"
    assert http.get(url).status_code == 401
    key = fresh_revisioned_server.create_api_key(["project:read"])
    response = http.get(url, headers={"Authorization": f"Bearer {key}"})
    assert response.json()["detail"] == "API key missing required scope 'dataset:read'"


def test_read_scope_may_read_and_export_but_not_write(
    http: httpx.Client, fresh_revisioned_server: RunningServer, item: Json
) -> None:
    key = fresh_revisioned_server.create_api_key(["dataset:read"])
    base = f"{fresh_revisioned_server.url}/api/projects/1/"
    headers = {"Authorization": f"Bearer {key}"}
    for method, path, body in _every_route(item):
        response = http.request(method, base + path, json=body, headers=headers)
        is_write = method != "GET" and "/exports/" not in path
        if is_write:
            assert response.status_code == 403, (method, path)
            assert response.json()["detail"] == "API key missing required scope 'dataset:write'"
        else:
            assert response.status_code != 403, (method, path, response.text)
    export = http.post(base + f"datasets/{item['dataset']}/exports/", json={}, headers=headers)
    assert export.status_code == 201


def test_write_scope_implies_read(
    http: httpx.Client, fresh_revisioned_server: RunningServer, item: Json
) -> None:
    key = fresh_revisioned_server.create_api_key(["dataset:write"])
    response = http.get(
        f"{fresh_revisioned_server.url}/api/projects/1/dataset_items/{item['id']}/",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.json() == item


def test_object_access_levels(
    rv: httpx.Client,
    fresh_revisioned_server: RunningServer,
    make_dataset: Callable[..., Json],
    make_item: Callable[..., Json],
    error_of: ErrorOf,
) -> None:
    hidden, viewed, edited = make_dataset("hidden"), make_dataset("viewed"), make_dataset("edited")
    viewed_item = make_item(viewed["id"])
    options = fresh_revisioned_server.options
    options.dataset_access_levels = {hidden["id"]: "none", viewed["id"]: "viewer"}
    listed = rv.get("datasets/").json()
    assert [(row["name"], row["user_access_level"]) for row in listed["results"]] == [
        ("edited", "editor"),
        ("viewed", "viewer"),
    ]
    assert listed["count"] == 2
    assert error_of(rv.get(f"datasets/{hidden['id']}/"))[:4] == (
        403,
        "authentication_error",
        "permission_denied",
        "You do not have viewer access to this resource.",
    )
    assert rv.get(f"datasets/{viewed['id']}/").json()["user_access_level"] == "viewer"
    assert rv.get(f"dataset_items/{viewed_item['id']}/").status_code == 200
    assert rv.post(f"datasets/{viewed['id']}/exports/", json={}).status_code == 201
    editor_needed = "You do not have editor access to this resource."
    for response in (
        rv.patch(f"datasets/{viewed['id']}/", json={}),
        rv.post(f"datasets/{viewed['id']}/archive/"),
        rv.post("dataset_items/", json={"dataset": viewed["id"], "input": 1}),
        rv.patch(f"dataset_items/{viewed_item['id']}/", json={"base_version": 1, "input": 2}),
        rv.post(f"dataset_items/{viewed_item['id']}/archive/", json={"base_version": 1}),
    ):
        assert error_of(response)[3] == editor_needed
    # A 404 still comes before the access check; a 400 of the query before both.
    assert rv.get(f"datasets/{uuid.uuid4()}/").status_code == 404
    assert (
        rv.get("dataset_items/", params={"dataset": hidden["id"], "revision": "x"}).status_code
        == 400
    )
    assert rv.get("dataset_items/", params={"dataset": hidden["id"]}).status_code == 403
    # Nothing viewable by default: only the explicitly granted ones are listed.
    options.dataset_access_level = "none"
    options.dataset_access_levels = {edited["id"]: "manager"}
    listed = rv.get("datasets/").json()
    assert [(row["name"], row["user_access_level"]) for row in listed["results"]] == [
        ("edited", "manager")
    ]
