"""Request bodies as DRF parses them: JSON, form data, parse errors, 415, the 20 MB limit."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

ErrorOf = Callable[[httpx.Response], tuple[int, str, str, str, str | None]]


def test_json_parse_error(api: httpx.Client, error_of: ErrorOf) -> None:
    response = api.post(
        "datasets/", content=b'{"name": ', headers={"Content-Type": "application/json"}
    )
    assert error_of(response) == (
        400,
        "invalid_request",
        "parse_error",
        "JSON parse error - Expecting value: line 1 column 10 (char 9)",
        None,
    )


def test_nan_is_not_json(api: httpx.Client, error_of: ErrorOf) -> None:
    response = api.post(
        "datasets/",
        content=b'{"name": "x", "metadata": NaN}',
        headers={"Content-Type": "application/json"},
    )
    status, type_, code, detail, _ = error_of(response)
    assert (status, type_, code) == (400, "invalid_request", "parse_error")
    assert detail.startswith("JSON parse error - Out of range float values are not JSON compliant")


def test_unsupported_media_type(api: httpx.Client, error_of: ErrorOf) -> None:
    response = api.post("datasets/", content=b"name=x", headers={"Content-Type": "text/plain"})
    assert error_of(response) == (
        415,
        "invalid_request",
        "unsupported_media_type",
        'Unsupported media type "text/plain" in request.',
        None,
    )


def test_form_encoded_bodies_work_like_drf(api: httpx.Client) -> None:
    created = api.post(
        "datasets/", data={"name": "From a form", "metadata": '{"a": [1]}', "deleted": "false"}
    )
    assert created.status_code == 201, created.text
    assert created.json()["metadata"] == {"a": [1]}
    assert created.json()["deleted"] is False


def test_empty_body_and_missing_content_type_read_as_empty(
    api: httpx.Client, error_of: ErrorOf
) -> None:
    for response in (
        api.post("datasets/"),
        api.post("datasets/", content=b'{"name": "ignored"}', headers={"Content-Type": ""}),
    ):
        assert error_of(response)[2:] == ("required", "This field is required.", "name")


@pytest.mark.parametrize(
    ("payload", "detail"),
    [
        (b"[1, 2]", "Invalid data. Expected a dictionary, but got list."),
        (b'"name"', "Invalid data. Expected a dictionary, but got str."),
    ],
)
def test_body_must_be_an_object(
    api: httpx.Client, error_of: ErrorOf, payload: bytes, detail: str
) -> None:
    response = api.post("datasets/", content=payload, headers={"Content-Type": "application/json"})
    assert error_of(response) == (400, "validation_error", "invalid_input", detail, None)


def test_bodies_over_20_mb_are_refused(api: httpx.Client, error_of: ErrorOf) -> None:
    blob = b'{"name": "big", "metadata": "' + b"x" * (20 * 1024 * 1024) + b'"}'
    response = api.post("datasets/", content=blob, headers={"Content-Type": "application/json"})
    assert error_of(response)[:3] == (413, "invalid_request", "request_too_large")
    assert api.get("datasets/").json()["count"] == 0


def test_large_bodies_under_the_limit_are_accepted(api: httpx.Client) -> None:
    text = "y" * (2 * 1024 * 1024)
    created = api.post("datasets/", json={"name": "big", "metadata": {"blob": text}})
    assert created.status_code == 201
    assert len(created.json()["metadata"]["blob"]) == len(text)
