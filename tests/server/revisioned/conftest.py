"""Fixtures for the revisioned API's conformance tests: sync httpx clients over real HTTP on a
fresh revisioned server (seed `empty`, PostHog's default options), and small helpers."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from phtui.server.runner import RunningServer

Json = dict[str, Any]


@pytest.fixture
def rv(
    fresh_revisioned_server: RunningServer, tls_context: ssl.SSLContext
) -> Iterator[httpx.Client]:
    """Rooted at `/api/projects/{id}/` with the seeded user's key (scope `*`)."""
    with httpx.Client(
        base_url=f"{fresh_revisioned_server.url}/api/projects/{fresh_revisioned_server.project_id}/",
        headers={"Authorization": f"Bearer {fresh_revisioned_server.api_key}"},
        verify=tls_context,
    ) as client:
        yield client


def _ok(response: httpx.Response, status: int = 200) -> Json:
    assert response.status_code == status, response.text
    body: Json = response.json()
    return body


@pytest.fixture
def ok() -> Callable[..., Json]:
    """`ok(response, status=200)`: the JSON body, after checking the status."""
    return _ok


@pytest.fixture
def make_dataset(rv: httpx.Client) -> Callable[..., Json]:
    counter = iter(range(1, 10_000))

    def make(name: str | None = None, **fields: Any) -> Json:
        body = {"name": name or f"dataset {next(counter)}", **fields}
        return _ok(rv.post("datasets/", json=body), 201)

    return make


@pytest.fixture
def make_item(rv: httpx.Client) -> Callable[..., Json]:
    def make(dataset_id: str, input: Any = "hello", **fields: Any) -> Json:
        return _ok(
            rv.post("dataset_items/", json={"dataset": dataset_id, "input": input, **fields}), 201
        )

    return make


def conflict_of(response: httpx.Response) -> Json:
    """A 409 body, checked not to be PostHog's flat error shape."""
    assert response.status_code == 409, response.text
    body: Json = response.json()
    assert "type" not in body and "attr" not in body, body
    return body


@pytest.fixture
def conflict() -> Callable[[httpx.Response], Json]:
    return conflict_of
