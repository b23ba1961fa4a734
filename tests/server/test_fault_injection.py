"""Injected faults look like the real thing over the wire: 500s, 429s, latency, drops."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from phtui.server.runner import RunningServer

ErrorOf = Callable[[httpx.Response], tuple[int, str, str, str, str | None]]
SERVER_ERROR = (500, "server_error", "error", "A server error occurred.", None)


def test_fail_next_answers_500_then_recovers(
    api: httpx.Client, error_of: ErrorOf, fresh_server: RunningServer
) -> None:
    fresh_server.options.fail_next = 2
    assert error_of(api.get("datasets/")) == SERVER_ERROR
    assert error_of(api.post("datasets/", json={"name": "lost"})) == SERVER_ERROR
    assert api.get("datasets/").json()["count"] == 0  # the POST never ran
    assert fresh_server.options.fail_next == 0


def test_error_rate(api: httpx.Client, fresh_server: RunningServer) -> None:
    fresh_server.options.error_rate = 1.0
    assert {api.get("datasets/").status_code for _ in range(3)} == {500}
    fresh_server.options.error_rate = 0.0
    assert api.get("datasets/").status_code == 200


def test_throttle_next_says_one_second(
    api: httpx.Client, error_of: ErrorOf, fresh_server: RunningServer
) -> None:
    fresh_server.options.throttle_next = 1
    response = api.get("datasets/")
    assert error_of(response) == (
        429,
        "throttled_error",
        "throttled",
        "Request was throttled. Expected available in 1 second.",
        None,
    )
    assert "retry-after" not in response.headers
    fresh_server.options.throttle_next = 1
    fresh_server.options.retry_after_header = True
    assert api.get("datasets/").headers["retry-after"] == "1"
    assert api.get("datasets/").status_code == 200


def test_latency_is_added_to_every_request(api: httpx.Client, fresh_server: RunningServer) -> None:
    fresh_server.options.latency_ms = 120
    started = time.perf_counter()
    assert api.get("datasets/").status_code == 200
    assert time.perf_counter() - started >= 0.12


def test_drop_next_closes_the_connection_without_a_response(
    api: httpx.Client, fresh_server: RunningServer
) -> None:
    fresh_server.options.drop_next = 1
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        api.post("datasets/", json={"name": "maybe"})
    assert fresh_server.options.drop_next == 0
    # The server carries on, and the dropped request was never handled.
    assert api.get("datasets/").json()["count"] == 0


def test_drop_rate(http: httpx.Client, fresh_server: RunningServer) -> None:
    fresh_server.options.drop_rate = 1.0
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        http.get(f"{fresh_server.url}/api/users/@me/")
    fresh_server.options.drop_rate = 0.0
    assert http.get(f"{fresh_server.url}/api/users/@me/").status_code == 401


def test_faults_come_before_authentication(http: httpx.Client, fresh_server: RunningServer) -> None:
    fresh_server.options.fail_next = 1
    assert http.get(f"{fresh_server.url}/api/users/@me/").status_code == 500
