"""CPU-bound work for the newest input only, off the UI thread.

The palette fixer and generator take 0.1-0.5 s of pure Python per run. Run on the event loop,
that would freeze every keystroke; started once per keystroke, runs would pile up. ``NewestOnly``
keeps one run in a thread at a time: a request made while one runs only replaces the wanted
input, the newest input runs next, and a result is delivered only while its input is still the
one wanted, so the screen never shows a stale answer. Textual cannot stop a thread, so a run
whose input went stale finishes first; this bounds the waste to one run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["NewestOnly"]

K = TypeVar("K")
R = TypeVar("R")


class NewestOnly(Generic[K, R]):
    """``want(input)`` returns True when the caller must start a worker that awaits ``run()``."""

    def __init__(self, compute: Callable[[K], R]) -> None:
        self._compute = compute
        self._wanted: K | None = None
        self.busy = False
        self.last_ms = 0.0  # how long the delivered result's run took, in the thread

    @property
    def wanted(self) -> K | None:
        return self._wanted

    def want(self, key: K) -> bool:
        self._wanted = key
        return not self.busy

    async def run(self) -> tuple[K, R]:
        """Compute for the wanted input until a result matches the newest one; return both."""
        self.busy = True
        try:
            while True:
                key = self._wanted
                assert key is not None, "want() first"
                start = time.perf_counter()
                result = await asyncio.to_thread(self._compute, key)
                if key == self._wanted:
                    self.last_ms = (time.perf_counter() - start) * 1000
                    return key, result
        finally:
            self.busy = False
