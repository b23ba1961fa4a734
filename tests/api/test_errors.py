"""Error bodies become typed exceptions with messages a user can act on."""

from __future__ import annotations

import json

import pytest

from phtui.api.errors import (
    APIError,
    AuthenticationError,
    ConflictError,
    MethodNotAllowedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    ValidationError,
    error_from_response,
    parse_error_body,
)


def body(type_: str, code: str, detail: str, attr: str | None = None) -> bytes:
    return json.dumps({"type": type_, "code": code, "detail": detail, "attr": attr}).encode()


def make(status: int, content: bytes, method: str = "GET", **kw: float) -> APIError:
    return error_from_response(status, content, method=method, path="/api/projects/1/x/", **kw)


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


def test_delete_405_with_an_empty_body_explains_soft_delete() -> None:
    error = make(405, b"", "DELETE")
    assert isinstance(error, MethodNotAllowedError)
    assert (error.type, error.code, error.detail, error.attr) == (None, None, None, None)
    assert "marking them deleted" in str(error)


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


def test_gen_b_conflict_and_unmapped_statuses() -> None:
    conflict = make(409, json.dumps({"code": "stale_version", "detail": "Reload it."}).encode())
    assert isinstance(conflict, ConflictError) and conflict.code == "stale_version"
    teapot = make(418, b"")
    assert type(teapot) is APIError and "418" in str(teapot)


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
