"""Retries, backoff and throttling against the real server's injected faults."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import pytest

from phtui.api import PostHogClient
from phtui.api.errors import RateLimitedError, ServerError, TransportError
from phtui.server.runner import RunningServer

ClientFactory = Callable[..., AbstractAsyncContextManager[PostHogClient]]


@pytest.mark.parametrize("retry_after_header", [False, True])
async def test_one_throttle_is_waited_out(
    fresh_server: RunningServer,
    connect: ClientFactory,
    sleeps: list[float],
    retry_after_header: bool,
) -> None:
    fresh_server.options.retry_after_header = retry_after_header
    fresh_server.options.throttle_next = 1
    async with connect(fresh_server) as api:
        themes = await api.list_themes()
    assert themes and sleeps == [1.0]
    assert fresh_server.options.throttle_next == 0


async def test_a_throttled_post_is_retried_after_the_wait(
    fresh_server: RunningServer, connect: ClientFactory, sleeps: list[float]
) -> None:
    fresh_server.options.throttle_next = 1
    async with connect(fresh_server) as api:
        dataset = await api.create_dataset("after the wait")
        assert [d.id for d in (await api.list_datasets()).results] == [dataset.id]
    assert sleeps == [1.0]


async def test_throttling_beyond_the_retries_raises(
    fresh_server: RunningServer, connect: ClientFactory, sleeps: list[float]
) -> None:
    fresh_server.options.throttle_next = 10
    async with connect(fresh_server, max_retries=2) as api:
        with pytest.raises(RateLimitedError) as caught:
            await api.list_datasets()
    assert caught.value.retry_after == 1.0 and sleeps == [1.0, 1.0]
    assert fresh_server.options.throttle_next == 7


async def test_a_wait_beyond_the_cap_raises_at_once(
    fresh_server: RunningServer, connect: ClientFactory, sleeps: list[float]
) -> None:
    fresh_server.options.throttle_next = 1
    async with connect(fresh_server, max_rate_limit_wait=0.5) as api:
        with pytest.raises(RateLimitedError, match="Try again in 1 seconds"):
            await api.list_themes()
    assert sleeps == []


async def test_the_servers_own_throttle(
    fresh_server: RunningServer, connect: ClientFactory, sleeps: list[float]
) -> None:
    fresh_server.options.throttle = True
    fresh_server.options.burst_per_minute = 2
    async with connect(fresh_server, max_rate_limit_wait=0.0) as api:
        await api.list_themes()
        await api.list_themes()
        with pytest.raises(RateLimitedError) as caught:
            await api.list_themes()
    assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 60
    assert caught.value.code == "throttled" and sleeps == []


async def test_a_500_then_success_is_retried_for_get(
    fresh_server: RunningServer, connect: ClientFactory, sleeps: list[float]
) -> None:
    fresh_server.options.fail_next = 1
    async with connect(fresh_server) as api:
        assert await api.list_themes()
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= 0.5


async def test_persistent_500s_exhaust_the_retries(
    fresh_server: RunningServer, connect: ClientFactory, sleeps: list[float]
) -> None:
    fresh_server.options.fail_next = 10
    async with connect(fresh_server, max_retries=3) as api:
        with pytest.raises(ServerError) as caught:
            await api.get_current_user()
    assert caught.value.status == 500 and caught.value.type == "server_error"
    assert len(sleeps) == 3 and fresh_server.options.fail_next == 6


async def test_a_500_on_post_is_not_retried(
    fresh_server: RunningServer, connect: ClientFactory, sleeps: list[float]
) -> None:
    fresh_server.options.fail_next = 2
    async with connect(fresh_server) as api:
        with pytest.raises(ServerError):
            await api.create_theme("once", [])
    assert fresh_server.options.fail_next == 1 and sleeps == []


async def test_a_dropped_connection_is_retried_for_get(
    fresh_server: RunningServer, connect: ClientFactory, sleeps: list[float]
) -> None:
    async with connect(fresh_server) as api:
        dataset = await api.create_dataset("dropped")
        fresh_server.options.drop_next = 1
        assert (await api.update_dataset(dataset.id, name="kept")).name == "kept"
        fresh_server.options.drop_next = 1
        assert (await api.get_dataset(dataset.id)).name == "kept"
    assert len(sleeps) == 2 and fresh_server.options.drop_next == 0


async def test_a_dropped_connection_is_not_retried_for_post(
    fresh_server: RunningServer, connect: ClientFactory, sleeps: list[float]
) -> None:
    fresh_server.options.drop_next = 2
    async with connect(fresh_server) as api:
        with pytest.raises(TransportError) as caught:
            await api.create_dataset("maybe created")
    # An aborted connection reads as a protocol error or a reset, depending on timing.
    assert caught.value.kind in {"RemoteProtocolError", "ReadError"}
    assert fresh_server.options.drop_next == 1 and sleeps == []


async def test_refused_connection_is_a_transport_error(
    fresh_server: RunningServer, connect: ClientFactory, sleeps: list[float]
) -> None:
    async with connect(fresh_server, max_retries=1) as api:
        fresh_server.stop()
        with pytest.raises(TransportError, match="could not be reached") as caught:
            await api.create_theme("nobody home", [])
    assert caught.value.kind == "ConnectError" and len(sleeps) == 1
