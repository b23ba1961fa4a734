"""Which datasets API the server speaks is learnt from its answers, once per client."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from phtui.api import PostHogClient
from phtui.api.errors import AuthenticationError
from phtui.server.runner import RunningServer, start_server

GENERATIONS = ["revisioned", "classic"]


@pytest.fixture(params=GENERATIONS)
def any_server(request: pytest.FixtureRequest) -> Iterator[RunningServer]:
    """An empty server of each generation."""
    with start_server(seed="empty", datasets_api=request.param) as running:
        yield running


class Requests(list[str]):
    """Records "METHOD path?query" of every request a client sends (a real transport)."""

    def transport(self) -> httpx.AsyncBaseTransport:
        record = self

        class Recording(httpx.AsyncHTTPTransport):
            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                query = request.url.query.decode()
                record.append(
                    f"{request.method} {request.url.path}" + (f"?{query}" if query else "")
                )
                return await super().handle_async_request(request)

        return Recording()


def client_on(server: RunningServer, requests: Requests) -> PostHogClient:
    return PostHogClient(
        server.url, server.api_key, server.project_id, transport=requests.transport()
    )


async def test_an_empty_project_is_told_apart_by_the_item_list(any_server: RunningServer) -> None:
    requests = Requests()
    async with client_on(any_server, requests) as api:
        assert api.datasets_api is None
        assert await api.detect_datasets_api() == any_server.datasets_api
        assert api.datasets_api == any_server.datasets_api
        assert await api.detect_datasets_api() == any_server.datasets_api  # cached
    assert requests == [
        "GET /api/projects/1/datasets/?limit=1",
        "GET /api/projects/1/dataset_items/?limit=1",
    ]


async def test_one_dataset_settles_it(any_server: RunningServer) -> None:
    any_server.create_dataset("one")
    requests = Requests()
    async with client_on(any_server, requests) as api:
        assert await api.detect_datasets_api() == any_server.datasets_api
    assert requests == ["GET /api/projects/1/datasets/?limit=1"]


async def test_the_first_dataset_call_settles_it_without_asking(any_server: RunningServer) -> None:
    dataset_id = any_server.create_dataset("one")
    any_server.bulk_insert_items(dataset_id, [{"input": {"q": 1}}])
    for call in ("list_datasets", "get_dataset", "list_dataset_items"):
        requests = Requests()
        async with client_on(any_server, requests) as api:
            if call == "list_datasets":
                await api.list_datasets()
            elif call == "get_dataset":
                await api.get_dataset(dataset_id)
            else:
                await api.list_dataset_items(dataset_id)
            assert api.datasets_api == any_server.datasets_api, call
            await api.detect_datasets_api()
        assert len(requests) == 1, call


async def test_concurrent_callers_share_one_detection(any_server: RunningServer) -> None:
    requests = Requests()
    async with client_on(any_server, requests) as api:
        found = await asyncio.gather(*(api.detect_datasets_api() for _ in range(5)))
    assert found == [any_server.datasets_api] * 5 and len(requests) == 2


async def test_a_write_that_differs_by_generation_detects_first(any_server: RunningServer) -> None:
    dataset_id = any_server.create_dataset("writes")
    requests = Requests()
    async with client_on(any_server, requests) as api:
        item = await api.create_dataset_item(dataset_id, input={"q": 1}, expected_output="a")
        await api.archive_dataset_item(item.id, base_version=item.version)
    assert requests[0] == "GET /api/projects/1/datasets/?limit=1"
    assert requests[1] == "POST /api/projects/1/dataset_items/"
    assert len(requests) == 3
    assert item.expected_output == "a"


async def test_errors_while_detecting_are_raised_and_nothing_is_cached(
    any_server: RunningServer,
) -> None:
    async with PostHogClient(any_server.url, "phx_wrong", any_server.project_id) as api:
        with pytest.raises(AuthenticationError):
            await api.detect_datasets_api()
        assert api.datasets_api is None
