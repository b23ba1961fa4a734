"""The retry policy as pure functions: what is retried, how long to wait."""

from __future__ import annotations

from email.utils import formatdate

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from phtui.api.retry import (
    Delivery,
    RetryPolicy,
    backoff_delay,
    classify_transport_error,
    parse_retry_after_header,
    parse_throttle_detail,
    rate_limit_wait,
    should_retry_status,
    should_retry_transport,
)


@pytest.mark.parametrize(
    ("error", "delivery"),
    [
        (httpx.ConnectError("refused"), Delivery.NOT_SENT),
        (httpx.ConnectTimeout("slow connect"), Delivery.NOT_SENT),
        (httpx.PoolTimeout("pool full"), Delivery.NOT_SENT),
        (httpx.ReadTimeout("slow answer"), Delivery.MAYBE_SENT),
        (httpx.ReadError("reset"), Delivery.MAYBE_SENT),
        (httpx.WriteError("broken pipe"), Delivery.MAYBE_SENT),
        (httpx.WriteTimeout("slow upload"), Delivery.MAYBE_SENT),
        (httpx.RemoteProtocolError("Server disconnected"), Delivery.MAYBE_SENT),
        (httpx.UnsupportedProtocol("ftp"), Delivery.FATAL),
        (httpx.ProxyError("proxy"), Delivery.FATAL),
    ],
)
def test_classify_transport_error(error: httpx.TransportError, delivery: Delivery) -> None:
    assert classify_transport_error(error) is delivery


@pytest.mark.parametrize("method", ["GET", "PATCH", "PUT", "DELETE", "get"])
def test_idempotent_methods_retry_any_non_fatal_transport_failure(method: str) -> None:
    assert should_retry_transport(method, Delivery.NOT_SENT)
    assert should_retry_transport(method, Delivery.MAYBE_SENT)
    assert not should_retry_transport(method, Delivery.FATAL)


def test_post_is_retried_only_when_it_never_left() -> None:
    assert should_retry_transport("POST", Delivery.NOT_SENT)
    assert not should_retry_transport("POST", Delivery.MAYBE_SENT)
    assert not should_retry_transport("POST", Delivery.FATAL)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried_for_idempotent_methods_only(status: int) -> None:
    for method in ("GET", "PATCH", "PUT", "DELETE"):
        assert should_retry_status(method, status)
    assert not should_retry_status("POST", status)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 429, 501])
def test_client_errors_and_501_are_not_retried(status: int) -> None:
    assert not should_retry_status("GET", status)


def test_a_request_can_override_its_methods_rule() -> None:
    # A revisioned create with a client_item_id may be repeated: PostHog answers 200.
    assert should_retry_transport("POST", Delivery.MAYBE_SENT, idempotent=True)
    assert should_retry_status("POST", 503, idempotent=True)
    # A revisioned PATCH with a base_version may not: a repeat would be stale.
    assert not should_retry_transport("PATCH", Delivery.MAYBE_SENT, idempotent=False)
    assert not should_retry_status("PATCH", 503, idempotent=False)
    assert should_retry_transport("PATCH", Delivery.NOT_SENT, idempotent=False)
    # Nothing makes a fatal failure or a 409 retryable.
    assert not should_retry_transport("POST", Delivery.FATAL, idempotent=True)
    assert not should_retry_status("POST", 409, idempotent=True)
    assert not should_retry_status("GET", 409)


def test_backoff_doubles_up_to_the_cap_at_full_jitter() -> None:
    policy = RetryPolicy(backoff_base=0.5, max_backoff=3.0)
    ceilings = [backoff_delay(attempt, policy, lambda: 1.0) for attempt in range(5)]
    assert ceilings == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert backoff_delay(4, policy, lambda: 0.0) == 0.0


@given(
    attempt=st.integers(min_value=0, max_value=200),
    fraction=st.floats(min_value=0.0, max_value=1.0),
)
def test_backoff_stays_within_bounds(attempt: int, fraction: float) -> None:
    policy = RetryPolicy(backoff_base=0.25, max_backoff=8.0)
    delay = backoff_delay(attempt, policy, lambda: fraction)
    assert 0.0 <= delay <= min(8.0, 0.25 * 2**attempt)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("5", 5.0), (" 7 ", 7.0), ("1.5", 1.5), ("-3", 0.0), ("0", 0.0)],
)
def test_retry_after_delta_seconds(header: str, seconds: float) -> None:
    assert parse_retry_after_header(header, now=0.0) == seconds


@pytest.mark.parametrize("header", [None, "", "soon", "nan", "inf", "Tue, 99 Foo 2020"])
def test_retry_after_unusable_values_are_ignored(header: str | None) -> None:
    assert parse_retry_after_header(header, now=0.0) is None


def test_retry_after_http_date_is_relative_to_the_clock() -> None:
    now = 1_800_000_000.0
    assert parse_retry_after_header(formatdate(now + 30, usegmt=True), now=now) == 30.0
    assert parse_retry_after_header(formatdate(now - 30, usegmt=True), now=now) == 0.0


@pytest.mark.parametrize(
    ("detail", "seconds"),
    [
        ("Request was throttled. Expected available in 37 seconds.", 37.0),
        ("Request was throttled. Expected available in 1 second.", 1.0),
        ("Request was throttled. Expected available in 0.5 seconds.", 0.5),
        ("Request was throttled.", None),
        (None, None),
    ],
)
def test_throttle_detail(detail: str | None, seconds: float | None) -> None:
    assert parse_throttle_detail(detail) == seconds


def test_header_wins_over_detail() -> None:
    assert rate_limit_wait(3.0, 37.0) == 3.0
    assert rate_limit_wait(None, 37.0) == 37.0
    assert rate_limit_wait(None, None) is None


def test_policy_rejects_negative_limits() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError):
        RetryPolicy(max_rate_limit_wait=-1.0)


def test_decoding_errors_are_not_retried() -> None:
    assert classify_transport_error(httpx.DecodingError("bad gzip")) is Delivery.FATAL
