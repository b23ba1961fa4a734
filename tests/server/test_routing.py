"""URL rules: both prefixes, optional trailing slash, `@current`, project and endpoint 404s."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from phtui.server.runner import RunningServer

ErrorOf = Callable[[httpx.Response], tuple[int, str, str, str, str | None]]


@pytest.mark.parametrize("prefix", ["projects", "environments"])
@pytest.mark.parametrize("project", ["1", "@current"])
@pytest.mark.parametrize("slash", ["/", ""])
@pytest.mark.parametrize("resource", ["data_color_themes", "datasets", "dataset_items"])
def test_both_prefixes_current_and_optional_slash(
    root: httpx.Client, prefix: str, project: str, slash: str, resource: str
) -> None:
    response = root.get(f"/api/{prefix}/{project}/{resource}{slash}")
    assert response.status_code == 200, response.text


def test_both_prefixes_reach_the_same_rows(root: httpx.Client) -> None:
    created = root.post("/api/environments/1/datasets/", json={"name": "shared"}).json()
    fetched = root.get(f"/api/projects/@current/datasets/{created['id']}").json()
    assert fetched == created


@pytest.mark.parametrize("project", ["999", "abc", "1.5", "-1", "@me"])
def test_unknown_or_non_integer_project_is_404(
    root: httpx.Client, error_of: ErrorOf, project: str
) -> None:
    response = root.get(f"/api/projects/{project}/datasets/")
    assert error_of(response) == (404, "invalid_request", "not_found", "Project not found.", None)


def test_another_organizations_project_is_403(
    root: httpx.Client, fresh_server: RunningServer, error_of: ErrorOf
) -> None:
    for resource in ("data_color_themes", "datasets", "dataset_items"):
        response = root.post(
            f"/api/projects/{fresh_server.other_project_id}/{resource}/", json={"name": "x"}
        )
        assert error_of(response) == (
            403,
            "authentication_error",
            "permission_denied",
            "You don't have access to the project.",
            None,
        )


@pytest.mark.parametrize(
    "path",
    [
        "/api/nothing/",
        "/api/projects/1/insights/",
        "/api/projects/1/datasets/abc/extra/",
        "/api/environments/",
        "/",
    ],
)
def test_unknown_paths_are_endpoint_not_found(
    http: httpx.Client, fresh_server: RunningServer, error_of: ErrorOf, path: str
) -> None:
    # No credentials needed: the route is resolved before authentication.
    response = http.get(fresh_server.url + path)
    assert error_of(response) == (404, "invalid_request", "not_found", "Endpoint not found.", None)


def test_json_responses_are_compact_utf8(root: httpx.Client) -> None:
    root.post("/api/projects/1/datasets/", json={"name": "Grüße"})
    response = root.get("/api/projects/1/datasets/")
    assert response.headers["content-type"] == "application/json"
    assert "Grüße".encode() in response.content
    assert b'"count":1,' in response.content
