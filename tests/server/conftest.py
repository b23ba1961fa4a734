"""Fixtures for server tests: authenticated sync clients on a fresh `empty` server."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from phtui.server.runner import RunningServer


@pytest.fixture
def api(fresh_server: RunningServer) -> Iterator[httpx.Client]:
    """Rooted at `/api/projects/{id}/`."""
    with httpx.Client(
        base_url=f"{fresh_server.url}/api/projects/{fresh_server.project_id}/",
        headers={"Authorization": f"Bearer {fresh_server.api_key}"},
    ) as client:
        yield client


@pytest.fixture
def root(fresh_server: RunningServer) -> Iterator[httpx.Client]:
    """Rooted at the host, same server and key as `api`."""
    with httpx.Client(
        base_url=fresh_server.url, headers={"Authorization": f"Bearer {fresh_server.api_key}"}
    ) as client:
        yield client


ErrorParts = tuple[int, str, str, str, str | None]


def _error_of(response: httpx.Response) -> ErrorParts:
    """(status, type, code, detail, attr), checking the body has exactly PostHog's four keys."""
    body = response.json()
    assert list(body) == ["type", "code", "detail", "attr"], body
    return response.status_code, body["type"], body["code"], body["detail"], body["attr"]


@pytest.fixture
def error_of() -> Callable[[httpx.Response], ErrorParts]:
    """Splits a PostHog error response for one-line assertions."""
    return _error_of
