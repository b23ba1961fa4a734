"""Per-key throttling: PostHog's 429 body, the Retry-After switch, DRF's wait arithmetic."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from phtui.server.errors import throttled
from phtui.server.runner import RunningServer
from phtui.server.throttle import Rate, Throttle

ErrorOf = Callable[[httpx.Response], tuple[int, str, str, str, str | None]]


def _burst(http: httpx.Client, server: RunningServer, key: str, count: int) -> list[httpx.Response]:
    headers = {"Authorization": f"Bearer {key}"}
    return [http.get(f"{server.url}/api/users/@me/", headers=headers) for _ in range(count)]


def test_off_by_default(http: httpx.Client, fresh_server: RunningServer) -> None:
    fresh_server.options.burst_per_minute = 2
    responses = _burst(http, fresh_server, fresh_server.api_key, 5)
    assert {response.status_code for response in responses} == {200}


def test_burst_limit_gives_posthogs_429(
    http: httpx.Client, fresh_server: RunningServer, error_of: ErrorOf
) -> None:
    fresh_server.options.throttle = True
    fresh_server.options.burst_per_minute = 3
    responses = _burst(http, fresh_server, fresh_server.api_key, 4)
    assert [response.status_code for response in responses] == [200, 200, 200, 429]
    status, type_, code, detail, attr = error_of(responses[-1])
    assert (status, type_, code, attr) == (429, "throttled_error", "throttled", None)
    assert detail in {
        "Request was throttled. Expected available in 60 seconds.",
        "Request was throttled. Expected available in 59 seconds.",
    }
    assert "retry-after" not in responses[-1].headers


def test_retry_after_header_switch(http: httpx.Client, fresh_server: RunningServer) -> None:
    fresh_server.options.throttle = True
    fresh_server.options.retry_after_header = True
    fresh_server.options.burst_per_minute = 1
    throttled = _burst(http, fresh_server, fresh_server.api_key, 2)[-1]
    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] in {"59", "60"}
    assert throttled.headers["retry-after"] in throttled.json()["detail"]


def test_limits_are_per_key(http: httpx.Client, fresh_server: RunningServer) -> None:
    fresh_server.options.throttle = True
    fresh_server.options.burst_per_minute = 2
    assert _burst(http, fresh_server, fresh_server.api_key, 3)[-1].status_code == 429
    other_key = fresh_server.create_api_key(["*"])
    assert [r.status_code for r in _burst(http, fresh_server, other_key, 2)] == [200, 200]


def test_sustained_limit(http: httpx.Client, fresh_server: RunningServer) -> None:
    fresh_server.options.throttle = True
    fresh_server.options.sustained_per_hour = 2
    throttled = _burst(http, fresh_server, fresh_server.api_key, 3)[-1]
    assert throttled.status_code == 429
    assert "Expected available in 3600 seconds." in throttled.json()["detail"]


def test_failed_authentication_is_not_counted(
    http: httpx.Client, fresh_server: RunningServer
) -> None:
    fresh_server.options.throttle = True
    fresh_server.options.burst_per_minute = 1
    assert {r.status_code for r in _burst(http, fresh_server, "phx_wrong", 3)} == {401}
    assert _burst(http, fresh_server, fresh_server.api_key, 1)[0].status_code == 200


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sliding_window_frees_slots_as_requests_age() -> None:
    clock = FakeClock()
    throttle = Throttle(clock)
    rate = [Rate("burst", 2, 60)]
    assert throttle.check("k", rate) is None
    clock.now += 20
    assert throttle.check("k", rate) is None
    clock.now += 10
    # Full: the oldest request (30 s ago) leaves the window in 30 s.
    assert throttle.check("k", rate) == pytest.approx(30)
    clock.now += 30
    assert throttle.check("k", rate) is None  # the first request aged out
    assert throttle.check("other", rate) is None


def test_wait_is_the_longest_of_the_failing_rates() -> None:
    clock = FakeClock()
    throttle = Throttle(clock)
    rates = [Rate("burst", 1, 60), Rate("sustained", 1, 3600)]
    assert throttle.check("k", rates) is None
    clock.now += 1
    assert throttle.check("k", rates) == pytest.approx(3599)


@pytest.mark.parametrize(
    ("wait", "text"), [(0.2, "in 1 second."), (1.0, "in 1 second."), (1.5, "in 2 seconds.")]
)
def test_detail_rounds_up_and_uses_singular_for_one_second(wait: float, text: str) -> None:
    assert throttled(wait, retry_after_header=False).detail.endswith(text)
