"""Per-key sliding-window rate limits with DRF's `SimpleRateThrottle` arithmetic."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    scope: str  # "burst" or "sustained", as PostHog names them
    requests: int
    seconds: float


class Throttle:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        # (scope, key hash) -> request times, newest first.
        self._history: dict[tuple[str, str], deque[float]] = {}

    def check(self, key_hash: str, rates: Sequence[Rate]) -> float | None:
        """Record the request and return None if every rate allows it; otherwise the wait
        in seconds before one would (the longest of the failing rates, as DRF reports)."""
        now = self._clock()
        waits: list[float] = []
        with self._lock:
            for rate in rates:
                history = self._history.setdefault((rate.scope, key_hash), deque())
                while history and history[-1] <= now - rate.seconds:
                    history.pop()
                if len(history) >= rate.requests:
                    waits.append(self._wait(history, rate, now))
                else:
                    history.appendleft(now)
        return max(waits) if waits else None

    @staticmethod
    def _wait(history: deque[float], rate: Rate, now: float) -> float:
        remaining = rate.seconds - (now - history[-1]) if history else rate.seconds
        available = rate.requests - len(history) + 1
        return remaining / available if available > 0 else remaining

    def reset(self) -> None:
        with self._lock:
            self._history.clear()
