"""Helpers for client tests: clients on the real local server with a recording sleep."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest

from phtui.api import PostHogClient
from phtui.server.runner import RunningServer


class Sleeps(list[float]):
    """Stands in for asyncio.sleep: records each wait and returns at once."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


ClientFactory = Callable[..., AbstractAsyncContextManager[PostHogClient]]


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def connect(sleeps: Sleeps) -> ClientFactory:
    """`async with connect(server, key=..., **options) as api`: waits go to `sleeps`."""

    @asynccontextmanager
    async def open_client(
        server: RunningServer, *, key: str | None = None, **options: Any
    ) -> AsyncIterator[PostHogClient]:
        options.setdefault("project_id", server.project_id)
        project_id = options.pop("project_id")
        async with PostHogClient(
            server.url, key or server.api_key, project_id, sleep=sleeps, **options
        ) as api:
            yield api

    return open_client
