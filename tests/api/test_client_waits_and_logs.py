"""What the client tells its caller while it works: waits (`on_wait`), logs and retried writes,
against the real server's injected faults."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import pytest

from phtui.api import PostHogClient
from phtui.api.errors import StaleVersionError, TransportError
from phtui.server.runner import RunningServer

ClientFactory = Callable[..., AbstractAsyncContextManager[PostHogClient]]


async def test_every_wait_is_announced_before_it_starts(
    fresh_server: RunningServer, connect: ClientFactory, sleeps: list[float]
) -> None:
    waits: list[tuple[float, str]] = []

    def on_wait(seconds: float, reason: str) -> None:
        waits.append((seconds, reason))
        assert len(sleeps) == len(waits) - 1  # announced before the sleep, not after

    async with connect(fresh_server, on_wait=on_wait, jitter=lambda: 1.0) as api:
        fresh_server.options.throttle_next = 1
        await api.list_themes()
        fresh_server.options.fail_next = 1
        await api.list_themes()
        api.on_wait = None  # settable, like on_response
        fresh_server.options.throttle_next = 1
        await api.list_themes()
    assert waits == [(1.0, "rate limited"), (0.5, "server error 500")]
    assert sleeps == [1.0, 0.5, 1.0]


async def test_a_dropped_connection_wait_names_the_failure(
    fresh_server: RunningServer, connect: ClientFactory
) -> None:
    waits: list[tuple[float, str]] = []
    async with connect(fresh_server, on_wait=lambda s, r: waits.append((s, r))) as api:
        fresh_server.options.drop_next = 1
        await api.list_themes()
    ((_, reason),) = waits
    assert reason.startswith("connection problem (")


async def test_requests_are_logged_without_values_keys_or_bodies(
    fresh_revisioned_server: RunningServer,
    connect: ClientFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="phtui.api")
    server = fresh_revisioned_server
    async with connect(server) as api:
        dataset = await api.create_dataset("logged", description="secret description")
        await api.create_dataset_item(dataset.id, input={"q": "private words"})
        server.options.throttle_next = 1
        page = await api.list_dataset_items(dataset.id, limit=5)
    records = [r for r in caplog.records if r.name == "phtui.api"]
    messages = [r.getMessage() for r in records]
    listing = "GET /api/projects/1/dataset_items/?dataset&limit&offset"
    assert f"{listing} -> 429" in "\n".join(messages)
    assert any(m.startswith(f"{listing} -> 200 in ") and "(attempt 2)" in m for m in messages)
    wait = next(r for r in records if "rate limited" in r.getMessage())
    assert wait.levelno == logging.INFO and "waiting 1.00 s before attempt 2 of 4" in wait.message
    assert any(m.startswith("POST /api/projects/1/datasets/ -> 201 in ") for m in messages)
    assert any(m == "datasets API: revisioned (dataset keys)" for m in messages)
    text = caplog.text
    assert page.count == 1 and f"dataset={dataset.id}" not in text
    assert "private words" not in text and "secret description" not in text
    assert server.api_key not in text and "Bearer" not in text
    assert not logging.getLogger("phtui.api").handlers  # the library installs none


async def test_an_idempotent_create_whose_answer_was_lost_is_retried_safely(
    fresh_revisioned_server: RunningServer, connect: ClientFactory, sleeps: list[float]
) -> None:
    server = fresh_revisioned_server
    statuses: list[int] = []
    async with connect(server, on_response=statuses.append) as api:
        dataset = await api.create_dataset("lost answers")
        statuses.clear()
        # The create is committed, then the connection drops before the answer: the retry
        # gets PostHog's 200 with the item the first attempt made.
        server.options.drop_after_commit_next = 1
        item = await api.create_dataset_item(dataset.id, input={"q": 1}, client_item_id="k")
        assert statuses == [200] and len(sleeps) == 1
        assert (await api.list_dataset_items(dataset.id)).count == 1
        # Without a client_item_id the same loss cannot be retried: it may have been made.
        server.options.drop_after_commit_next = 1
        with pytest.raises(TransportError):
            await api.create_dataset_item(dataset.id, input={"q": 2})
        assert len(sleeps) == 1
        assert (await api.list_dataset_items(dataset.id)).count == 2  # it was made
        # A PATCH whose answer was lost is not repeated: the repeat would be stale.
        server.options.drop_after_commit_next = 1
        with pytest.raises(TransportError):
            await api.update_dataset_item(item.id, base_version=1, expected_output="x")
        assert len(sleeps) == 1
        assert (await api.get_dataset_item(item.id)).version == 2
        with pytest.raises(StaleVersionError):
            await api.update_dataset_item(item.id, base_version=1, expected_output="x")
