"""Retry policy and backoff: pure functions, so every rule is unit-tested without a network."""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx

# PATCH is not idempotent in general, but this client only PATCHes fields to fixed values,
# so sending one twice gives the same row. POST creates a row each time. A 429 is retried for
# every method: PostHog throttles before the view runs, so nothing was done. A request can
# override the method's rule (`idempotent=`): a revisioned item create carrying a
# `client_item_id` is safe to repeat (PostHog answers 200 with the item it already made), and
# a revisioned item PATCH carrying a `base_version` is not (a second one would be stale).
RETRYABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})
_EXPECTED_AVAILABLE = re.compile(r"Expected available in (\d+(?:\.\d+)?) seconds?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = 3
    backoff_base: float = 0.5
    max_backoff: float = 8.0
    max_rate_limit_wait: float = 60.0

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if self.backoff_base < 0 or self.max_backoff < 0 or self.max_rate_limit_wait < 0:
            raise ValueError("backoff and wait limits must be >= 0")


class Delivery(enum.Enum):
    """How far a request that failed in transport got."""

    NOT_SENT = "not_sent"  # no connection was made: safe to retry any method
    MAYBE_SENT = "maybe_sent"  # the server may have received and processed it
    FATAL = "fatal"  # configuration or protocol misuse: retrying cannot help


def classify_transport_error(error: httpx.RequestError) -> Delivery:
    if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Delivery.NOT_SENT
    if isinstance(error, httpx.UnsupportedProtocol | httpx.ProxyError | httpx.LocalProtocolError):
        return Delivery.FATAL
    if not isinstance(error, httpx.TransportError):  # an undecodable body, too many redirects
        return Delivery.FATAL
    return Delivery.MAYBE_SENT


def _repeatable(method: str, idempotent: bool | None) -> bool:
    return method.upper() in RETRYABLE_METHODS if idempotent is None else idempotent


def should_retry_transport(method: str, delivery: Delivery, idempotent: bool | None = None) -> bool:
    """A request that is not safe to repeat (a POST, unless `idempotent`) is retried only when
    it provably never reached the server."""
    if delivery is Delivery.NOT_SENT:
        return True
    return delivery is Delivery.MAYBE_SENT and _repeatable(method, idempotent)


def should_retry_status(method: str, status: int, idempotent: bool | None = None) -> bool:
    """5xx are retried for requests that are safe to repeat; a failed POST may have created a
    row. `idempotent` overrides the method's rule. A 409 is never retried."""
    return status in RETRYABLE_STATUSES and _repeatable(method, idempotent)


def backoff_delay(attempt: int, policy: RetryPolicy, random: Callable[[], float]) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(max, base * 2**attempt)]."""
    ceiling = min(policy.max_backoff, policy.backoff_base * math.pow(2, attempt))
    return random() * ceiling


def parse_retry_after_header(value: str | None, *, now: float) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or HTTP-date); None if absent or bad."""
    if not value:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:  # HTTP-dates are GMT; a naive one is too
            return None
        seconds = moment.timestamp() - now
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


def parse_throttle_detail(detail: str | None) -> float | None:
    """Seconds from PostHog's "Request was throttled. Expected available in N second(s)."."""
    match = _EXPECTED_AVAILABLE.search(detail or "")
    return float(match.group(1)) if match else None


def rate_limit_wait(header: float | None, detail: float | None) -> float | None:
    """The server's hint: the header wins, then the detail text; None when it gave neither."""
    return header if header is not None else detail
