"""Personal API keys: missing and unknown keys, scopes, project-scoped keys."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from phtui.server.runner import RunningServer

ErrorOf = Callable[[httpx.Response], tuple[int, str, str, str, str | None]]
NOT_AUTHENTICATED = (
    401,
    "authentication_error",
    "not_authenticated",
    "Authentication credentials were not provided.",
    None,
)


def _call(
    http: httpx.Client, server: RunningServer, path: str, key: str | None, method: str = "GET"
) -> httpx.Response:
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    body = {"name": "x"} if method in {"POST", "PATCH", "PUT"} else None
    return http.request(method, f"{server.url}{path}", headers=headers, json=body)


@pytest.mark.parametrize("resource", ["datasets", "dataset_items", "data_color_themes"])
def test_no_credentials_is_401_without_www_authenticate(
    http: httpx.Client, fresh_server: RunningServer, error_of: ErrorOf, resource: str
) -> None:
    response = _call(http, fresh_server, f"/api/projects/1/{resource}/", None)
    assert error_of(response) == NOT_AUTHENTICATED
    assert "www-authenticate" not in response.headers


def test_themes_can_answer_403_without_credentials(
    http: httpx.Client, fresh_server: RunningServer, error_of: ErrorOf
) -> None:
    fresh_server.options.themes_no_credentials_status = 403
    themes = _call(http, fresh_server, "/api/projects/1/data_color_themes/", None)
    assert error_of(themes) == (403, *NOT_AUTHENTICATED[1:])
    assert _call(http, fresh_server, "/api/projects/1/datasets/", None).status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Basic abc", "Token phx_x", "bearer"])
def test_malformed_authorization_counts_as_no_credentials(
    http: httpx.Client, fresh_server: RunningServer, error_of: ErrorOf, header: str
) -> None:
    response = http.get(
        f"{fresh_server.url}/api/projects/1/datasets/", headers={"Authorization": header}
    )
    assert error_of(response) == NOT_AUTHENTICATED


def test_unknown_key_is_401_with_posthogs_detail(
    http: httpx.Client, fresh_server: RunningServer, error_of: ErrorOf
) -> None:
    response = _call(http, fresh_server, "/api/projects/1/datasets/", "phx_not_a_real_key")
    assert error_of(response) == (
        401,
        "authentication_error",
        "authentication_failed",
        "Personal API key found in request Authorization header is invalid.",
        None,
    )
    from_query = http.get(
        f"{fresh_server.url}/api/projects/1/datasets/", params={"personal_api_key": "phx_nope"}
    )
    assert error_of(from_query)[3] == "Personal API key found in request query string is invalid."


def test_key_in_query_string_is_accepted(http: httpx.Client, fresh_server: RunningServer) -> None:
    response = http.get(
        f"{fresh_server.url}/api/projects/1/datasets/",
        params={"personal_api_key": fresh_server.api_key},
    )
    assert response.status_code == 200


def _missing(scope: str) -> tuple[int, str, str, str, None]:
    return (
        403,
        "authentication_error",
        "permission_denied",
        f"API key missing required scope '{scope}'",
        None,
    )


@pytest.mark.parametrize(
    ("scopes", "method", "path", "expected"),
    [
        (["dataset:read"], "GET", "/api/projects/1/datasets/", None),
        (["dataset:read"], "POST", "/api/projects/1/datasets/", _missing("dataset:write")),
        (["dataset:write"], "GET", "/api/projects/1/dataset_items/", None),  # write implies read
        (["dataset:write"], "POST", "/api/projects/1/datasets/", None),
        (["project:read"], "GET", "/api/projects/1/datasets/", _missing("dataset:read")),
        (["project:read"], "GET", "/api/projects/1/data_color_themes/", None),
        (["project:read"], "POST", "/api/projects/1/data_color_themes/", _missing("project:write")),
        (["project:write"], "POST", "/api/projects/1/data_color_themes/", None),
        (["dataset:write"], "GET", "/api/projects/1/data_color_themes/", _missing("project:read")),
        (["*"], "POST", "/api/projects/1/data_color_themes/", None),
        ([], "POST", "/api/projects/1/datasets/", None),  # api.md section 12: empty = all
        (["dataset:read"], "GET", "/api/users/@me/", _missing("user:read")),
        (["user:read"], "GET", "/api/users/@me/", None),
        (["user:read"], "GET", "/api/projects/", _missing("project:read")),
        # DELETE needs write even though it then answers 405.
        (["dataset:read"], "DELETE", "/api/projects/1/datasets/x/", _missing("dataset:write")),
    ],
)
def test_scopes(
    http: httpx.Client,
    fresh_server: RunningServer,
    error_of: ErrorOf,
    scopes: list[str],
    method: str,
    path: str,
    expected: tuple[int, str, str, str, None] | None,
) -> None:
    key = fresh_server.create_api_key(scopes)
    response = _call(http, fresh_server, path, key, method)
    if expected is None:
        assert response.status_code in {200, 201}, response.text
    else:
        assert error_of(response) == expected


def test_scope_is_checked_before_the_project(
    http: httpx.Client, fresh_server: RunningServer, error_of: ErrorOf
) -> None:
    key = fresh_server.create_api_key(["project:read"])
    response = _call(http, fresh_server, "/api/projects/999/datasets/", key)
    assert error_of(response) == _missing("dataset:read")


def test_project_scoped_keys(
    http: httpx.Client, fresh_server: RunningServer, error_of: ErrorOf
) -> None:
    elsewhere = fresh_server.create_api_key(["*"], scoped_teams=[fresh_server.other_project_id])
    response = _call(http, fresh_server, "/api/projects/1/datasets/", elsewhere)
    assert error_of(response) == (
        403,
        "authentication_error",
        "permission_denied",
        "API key does not have access to the requested project: ID 1.",
        None,
    )
    # `@current` resolves first, then the key's project list applies.
    assert (
        _call(http, fresh_server, "/api/projects/@current/datasets/", elsewhere).status_code == 403
    )
    # A project that does not exist is still "not found".
    assert _call(http, fresh_server, "/api/projects/999/datasets/", elsewhere).status_code == 404
    # /api/users/@me/ is exempt from project scoping.
    assert _call(http, fresh_server, "/api/users/@me/", elsewhere).status_code == 200
    ours = fresh_server.create_api_key(["dataset:read"], scoped_teams=[fresh_server.project_id])
    assert _call(http, fresh_server, "/api/projects/1/datasets/", ours).status_code == 200


def test_unauthenticated_requests_never_reach_the_body(
    http: httpx.Client, fresh_server: RunningServer, error_of: ErrorOf
) -> None:
    response = http.post(
        f"{fresh_server.url}/api/projects/1/datasets/",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert error_of(response) == NOT_AUTHENTICATED
