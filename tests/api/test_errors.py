"""Error bodies become typed exceptions with messages a user can act on."""

from __future__ import annotations

import json

import pytest

from phtui.api.errors import (
    APIError,
    AuthenticationError,
    ConflictError,
    DatasetsUnavailableError,
    LimitReachedError,
    MethodNotAllowedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    StaleVersionError,
    ValidationError,
    error_from_response,
    parse_error_body,
)


def body(type_: str, code: str, detail: str, attr: str | None = None) -> bytes:
    return json.dumps({"type": type_, "code": code, "detail": detail, "attr": attr}).encode()


def make(
    status: int,
    content: bytes,
    method: str = "GET",
    path: str = "/api/projects/1/x/",
    **kw: float,
) -> APIError:
    return error_from_response(status, content, method=method, path=path, **kw)


ITEM_PATH = "/api/projects/1/dataset_items/0198a3c2-5d1e-7f0a-9b2c-3d4e5f607182/"


def test_bad_key_is_an_authentication_error_naming_the_setting() -> None:
    detail = "Personal API key found in request Authorization header is invalid."
    error = make(401, body("authentication_error", "authentication_failed", detail))
    assert type(error) is AuthenticationError
    assert (error.status, error.code, error.detail) == (401, "authentication_failed", detail)
    assert "rejected the API key (401)" in str(error)
    assert "POSTHOG_PERSONAL_API_KEY" in str(error)


def test_403_not_authenticated_counts_as_authentication() -> None:
    detail = "Authentication credentials were not provided."
    error = make(403, body("authentication_error", "not_authenticated", detail))
    assert type(error) is AuthenticationError
    assert "no API key" in str(error)


def test_missing_scope_is_named() -> None:
    detail = "API key missing required scope 'dataset:write'"
    error = make(403, body("authentication_error", "permission_denied", detail), "PATCH")
    assert isinstance(error, PermissionDeniedError)
    assert error.missing_scope == "dataset:write"
    assert str(error).startswith("The API key lacks the scope 'dataset:write'.")


def test_other_permission_denials_quote_posthog() -> None:
    detail = "Only staff users can edit global themes."
    error = make(403, body("authentication_error", "permission_denied", detail), "PATCH")
    assert isinstance(error, PermissionDeniedError) and error.missing_scope is None
    assert detail in str(error) and "PATCH /api/projects/1/x/" in str(error)


def test_validation_error_names_the_field() -> None:
    error = make(400, body("validation_error", "blank", "This field may not be blank.", "name"))
    assert isinstance(error, ValidationError)
    assert error.field == "name"
    assert str(error) == "PostHog rejected the value of 'name': This field may not be blank."


def test_validation_error_without_field() -> None:
    error = make(400, body("validation_error", "invalid_input", "Bad things."))
    assert isinstance(error, ValidationError) and error.field is None
    assert str(error) == "PostHog rejected the request: Bad things."


def test_not_found_and_wrong_project() -> None:
    gone = make(404, body("invalid_request", "not_found", "Not found."))
    assert isinstance(gone, NotFoundError) and "may have been deleted" in str(gone)
    project = make(404, body("invalid_request", "not_found", "Project not found."))
    assert isinstance(project, NotFoundError) and "POSTHOG_PROJECT_ID" in str(project)


def test_delete_405_with_an_empty_body_explains_archiving() -> None:
    error = make(405, b"", "DELETE")
    assert isinstance(error, MethodNotAllowedError)
    assert (error.type, error.code, error.detail, error.attr) == (None, None, None, None)
    assert "never removed with DELETE: they are archived" in str(error)


def test_rate_limited_carries_the_wait() -> None:
    detail = "Request was throttled. Expected available in 37 seconds."
    error = make(429, body("throttled_error", "throttled", detail), retry_after=37.0)
    assert isinstance(error, RateLimitedError) and error.retry_after == 37.0
    assert "Try again in 37 seconds." in str(error)
    assert "a minute" in str(make(429, b""))


@pytest.mark.parametrize(
    "content", [b"<html><body>502 Bad Gateway</body></html>", b"\xff\xfe", b"[1]"]
)
def test_non_json_5xx_bodies_are_handled(content: bytes) -> None:
    error = make(502, content)
    assert isinstance(error, ServerError) and error.detail is None
    assert "proxy" in str(error) and "502" in str(error)


def test_posthog_500_names_posthog() -> None:
    error = make(500, body("server_error", "error", "A server error occurred."))
    assert isinstance(error, ServerError)
    assert str(error).startswith("PostHog failed with 500")


def test_unmapped_statuses_are_plain_api_errors() -> None:
    teapot = make(418, b"")
    assert type(teapot) is APIError and "418" in str(teapot)


def test_stale_version_carries_the_current_version() -> None:
    body = {
        "code": "stale_version",
        "detail": "This dataset item changed after it was loaded. Reload it and try again.",
        "current_version": 3,
        "current_item_id": "0198a3c2-5d1e-7f0a-9b2c-3d4e5f607182",
    }
    error = make(409, json.dumps(body).encode(), "PATCH", ITEM_PATH)
    assert type(error) is StaleVersionError and isinstance(error, ConflictError)
    assert (error.code, error.current_version, error.current_item_id) == (
        "stale_version",
        3,
        "0198a3c2-5d1e-7f0a-9b2c-3d4e5f607182",
    )
    assert error.detail == body["detail"] and error.type is None
    assert str(error) == (
        "The dataset item changed after it was loaded (it is at version 3 now). "
        "Reload it and apply your change again."
    )


def test_limit_reached_carries_posthogs_figures() -> None:
    detail = (
        "No more items can be added to this dataset. The limit is 600. "
        "Contact support if you need more."
    )
    body = {
        "code": "limit_reached",
        "detail": detail,
        "resource": "dataset_items",
        "current_count": 600,
        "limit": 600,
    }
    error = make(409, json.dumps(body).encode(), "POST")
    assert type(error) is LimitReachedError and isinstance(error, ConflictError)
    assert (error.resource, error.current_count, error.limit) == ("dataset_items", 600, 600)
    assert (error.current_version, error.current_item_id) == (None, None)
    assert detail in str(error)


@pytest.mark.parametrize(
    ("code", "detail"),
    [
        ("dataset_archived", "Restore this dataset before adding items."),
        ("client_item_id_conflict", "An item with this client item ID already exists."),
        ("dataset_name_conflict", "A dataset with this name already exists."),
        (None, "The export is still being prepared."),
    ],
)
def test_other_conflicts_quote_posthog(code: str | None, detail: str) -> None:
    body = {"detail": detail} if code is None else {"code": code, "detail": detail}
    error = make(409, json.dumps(body).encode(), "POST")
    assert type(error) is ConflictError
    assert (error.code, error.detail, error.current_version) == (code, detail, None)
    assert str(error) == f"PostHog refused POST /api/projects/1/x/ (409 conflict): {detail}"


def test_odd_conflict_values_are_dropped_not_trusted() -> None:
    body = {"code": "stale_version", "current_version": "3", "current_item_id": 5}
    error = make(409, json.dumps(body).encode())
    assert isinstance(error, StaleVersionError)
    assert (error.current_version, error.current_item_id) == (None, "5")
    assert "(it is at version" not in str(error)
    assert type(make(409, b"")) is ConflictError


FLAG = (
    "This action requires feature flag 'llm-analytics-datasets' to be enabled for your "
    "organization."
)
GENERIC = "You do not have permission to perform this action."


@pytest.mark.parametrize("path", ["/api/projects/1/datasets/", ITEM_PATH])
def test_the_datasets_feature_flag_is_named_not_a_scope(path: str) -> None:
    error = make(403, body("authentication_error", "permission_denied", FLAG), path=path)
    assert type(error) is DatasetsUnavailableError and isinstance(error, PermissionDeniedError)
    assert error.flag_confirmed and error.missing_scope is None
    message = str(error)
    assert message.startswith("Datasets are not enabled for this PostHog organisation")
    assert "scopes are fine" in message and "lacks the scope" not in message


def test_a_generic_403_on_datasets_says_they_are_probably_not_enabled() -> None:
    error = make(403, body("authentication_error", "permission_denied", GENERIC), path=ITEM_PATH)
    assert type(error) is DatasetsUnavailableError and not error.flag_confirmed
    assert "probably not enabled for this PostHog organisation" in str(error)
    assert GENERIC in str(error)


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/api/projects/1/datasets/", "API key missing required scope 'dataset:read'"),
        ("/api/projects/1/datasets/", "You do not have viewer access to this resource."),
        ("/api/projects/1/datasets/", "You don't have access to the project."),
        ("/api/projects/1/datasets/", "API key does not have access to the requested project"),
        ("/api/projects/1/data_color_themes/", GENERIC),
    ],
)
def test_other_403s_are_not_the_feature_flag(path: str, detail: str) -> None:
    error = make(403, body("authentication_error", "permission_denied", detail), path=path)
    assert type(error) is PermissionDeniedError


def test_odd_field_types_become_text() -> None:
    error = make(400, json.dumps({"detail": ["a", "b"], "attr": 3}).encode())
    assert error.detail == '["a", "b"]' and error.attr == "3"


def test_parse_error_body_tolerates_anything() -> None:
    assert parse_error_body(b"") == {}
    assert parse_error_body(b"not json") == {}
    assert parse_error_body(b'"text"') == {}
    assert parse_error_body(b'{"detail": "x"}') == {"detail": "x"}


def test_repr_lists_the_fields() -> None:
    error = make(404, body("invalid_request", "not_found", "Not found."))
    assert repr(error) == (
        "NotFoundError(status=404, type='invalid_request', code='not_found', detail='Not found.', "
        "attr=None, method='GET', path='/api/projects/1/x/')"
    )
