"""`on_response`: the client reports each answer PostHog gives, so a UI knows it is reachable."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import pytest

from phtui.api import PostHogClient
from phtui.api.errors import NotFoundError, TransportError
from phtui.server.runner import RunningServer

ClientFactory = Callable[..., AbstractAsyncContextManager[PostHogClient]]


async def test_every_answer_is_reported_with_its_status(
    fresh_server: RunningServer, connect: ClientFactory
) -> None:
    statuses: list[int] = []
    async with connect(fresh_server, on_response=statuses.append) as api:
        await api.list_themes()
        with pytest.raises(NotFoundError):
            await api.get_theme(999_999)
        fresh_server.options.fail_next = 1  # a 500, then the retry's 200
        await api.list_themes()
    assert statuses == [200, 404, 500, 200]


async def test_no_answer_is_not_reported_and_the_hook_can_be_set_later(
    fresh_server: RunningServer, connect: ClientFactory
) -> None:
    statuses: list[int] = []
    async with connect(fresh_server, max_retries=0) as api:
        assert api.on_response is None
        api.on_response = statuses.append
        fresh_server.options.drop_next = 1
        with pytest.raises(TransportError):
            await api.list_themes()
        assert statuses == []
        await api.list_themes()
    assert statuses == [200]
