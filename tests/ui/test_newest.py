"""NewestOnly: one run at a time, the newest input next, never a stale result."""

from __future__ import annotations

import asyncio
import threading

import pytest

from phtui.screens.newest import NewestOnly


async def test_requests_during_a_run_collapse_into_one_more_run() -> None:
    release = threading.Event()
    seen: list[int] = []

    def slow_square(key: int) -> int:
        seen.append(key)
        if key == 1:
            release.wait(5)
        return key * key

    newest: NewestOnly[int, int] = NewestOnly(slow_square)
    assert newest.want(1) is True  # idle: the caller starts a worker
    worker = asyncio.create_task(newest.run())
    while not seen:
        await asyncio.sleep(0.01)
    assert newest.busy
    assert newest.want(2) is False and newest.want(3) is False  # running: no second worker
    release.set()
    assert await worker == (3, 9)
    assert seen == [1, 3]  # 2 was never computed: it was stale before it could start
    assert not newest.busy and newest.last_ms >= 0


async def test_a_failure_leaves_it_ready_for_the_next_request() -> None:
    def boom(key: int) -> int:
        raise ValueError(key)

    newest: NewestOnly[int, int] = NewestOnly(boom)
    newest.want(1)
    with pytest.raises(ValueError):
        await newest.run()
    assert not newest.busy and newest.want(2) is True
