"""Fixtures for server tests: authenticated sync clients on a fresh `empty` server."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator

import httpx
import pytest

from phtui.server.runner import RunningServer


@pytest.fixture(scope="session")
def tls_context() -> ssl.SSLContext:
    """Built once: each new httpx.Client would otherwise load the CA bundle (~45 ms)."""
    return ssl.create_default_context()


@pytest.fixture
def http(tls_context: ssl.SSLContext) -> Iterator[httpx.Client]:
    """An unauthenticated client for absolute URLs."""
    with httpx.Client(verify=tls_context) as client:
        yield client


@pytest.fixture
def api(fresh_server: RunningServer, tls_context: ssl.SSLContext) -> Iterator[httpx.Client]:
    """Rooted at `/api/projects/{id}/`."""
    with httpx.Client(
        base_url=f"{fresh_server.url}/api/projects/{fresh_server.project_id}/",
        headers={"Authorization": f"Bearer {fresh_server.api_key}"},
        verify=tls_context,
    ) as client:
        yield client


@pytest.fixture
def root(fresh_server: RunningServer, tls_context: ssl.SSLContext) -> Iterator[httpx.Client]:
    """Rooted at the host, same server and key as `api`."""
    with httpx.Client(
        base_url=fresh_server.url,
        headers={"Authorization": f"Bearer {fresh_server.api_key}"},
        verify=tls_context,
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
