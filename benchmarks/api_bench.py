"""PostHogClient against its floor: the same requests with a raw httpx.AsyncClient.

Starts a local server, bulk-inserts a 10,000-item dataset and prints, one figure a line:
the median time to list one 100-item page, and pages per second iterating the dataset,
each beside the raw-httpx floor (same request + JSON parse) and the ratio. Target: <= 1.3x.
Rounds alternate between the two clients so a busy machine slows both alike.

Run: .venv/bin/python benchmarks/api_bench.py
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx

from phtui.api import PostHogClient
from phtui.server.runner import RunningServer, start_server

ITEMS = 10_000
PAGE = 100
LIST_ROUNDS = 200
ITERATE_ROUNDS = 9


def bench_items(count: int) -> Iterator[dict[str, Any]]:
    """Realistic LLM-evaluation rows: a chat input, a model answer, scored metadata."""
    for n in range(count):
        yield {
            "input": {
                "messages": [
                    {"role": "system", "content": "You are a helpful support assistant."},
                    {"role": "user", "content": f"Where is my order #{100000 + n}?"},
                ]
            },
            "output": {"content": f"Order #{100000 + n} left our warehouse yesterday."},
            "metadata": {"tags": ["support", "orders"], "score": (n % 10) / 10},
            "ref_trace_id": f"trace-{n:06d}",
        }


async def timed(action: Callable[..., Awaitable[object]], *args: object) -> float:
    start = time.perf_counter()
    await action(*args)
    return time.perf_counter() - start


Timed = tuple[Callable[..., Awaitable[object]], list[float]]


def alternate(round_: int, first: Timed, second: Timed) -> tuple[Timed, Timed]:
    """Swap who goes first every round, so neither side always runs on a warmer machine."""
    return (second, first) if round_ % 2 else (first, second)


async def run(server: RunningServer, dataset_id: str) -> dict[str, float]:
    path = f"/api/projects/{server.project_id}/dataset_items/"
    headers = {"Authorization": f"Bearer {server.api_key}"}
    async with (
        PostHogClient(server.url, server.api_key, server.project_id) as api,
        httpx.AsyncClient(base_url=server.url, headers=headers) as raw,
    ):

        async def raw_page(offset: int) -> Any:
            params: dict[str, str | int] = {"dataset": dataset_id, "limit": PAGE, "offset": offset}
            response = await raw.get(path, params=params)
            response.raise_for_status()
            return response.json()

        async def ours_page(offset: int) -> object:
            return await api.list_dataset_items(dataset_id, limit=PAGE, offset=offset)

        async def raw_iterate() -> None:
            offset = 0
            while True:
                page = await raw_page(offset)
                offset += len(page["results"])
                if not page["results"] or offset >= page["count"]:
                    return

        async def ours_iterate() -> None:
            async for _page in api.iter_dataset_item_pages(dataset_id, page_size=PAGE):
                pass

        for offset in (0, 5000):  # warm connections, caches and validators
            await raw_page(offset)
            await ours_page(offset)

        list_ours: list[float] = []
        list_raw: list[float] = []
        for round_ in range(LIST_ROUNDS):
            offset = (round_ * PAGE) % ITEMS
            for action, sink in alternate(round_, (raw_page, list_raw), (ours_page, list_ours)):
                sink.append(await timed(action, offset))

        iterate_ours: list[float] = []
        iterate_raw: list[float] = []
        for round_ in range(ITERATE_ROUNDS):
            pairs = alternate(round_, (raw_iterate, iterate_raw), (ours_iterate, iterate_ours))
            for action, sink in pairs:
                sink.append(await timed(action))

    pages = ITEMS / PAGE
    return {
        "list_ms": statistics.median(list_ours) * 1000,
        "list_raw_ms": statistics.median(list_raw) * 1000,
        "pages_per_s": pages / statistics.median(iterate_ours),
        "pages_per_s_raw": pages / statistics.median(iterate_raw),
    }


def main() -> None:
    with start_server(seed="empty") as server:
        dataset_id = server.create_dataset("benchmark: 10,000 items")
        inserted = server.bulk_insert_items(dataset_id, bench_items(ITEMS))
        assert inserted == ITEMS, inserted
        figures = asyncio.run(run(server, dataset_id))
    print(f"list_page_ms_median: {figures['list_ms']:.2f} ms")
    print(f"list_page_ms_median_raw_httpx: {figures['list_raw_ms']:.2f} ms")
    print(f"list_page_ratio: {figures['list_ms'] / figures['list_raw_ms']:.2f} x (target <= 1.3)")
    print(f"iterate_pages_per_s: {figures['pages_per_s']:.1f} pages/s")
    print(f"iterate_pages_per_s_raw_httpx: {figures['pages_per_s_raw']:.1f} pages/s")
    ratio = figures["pages_per_s_raw"] / figures["pages_per_s"]
    print(f"iterate_time_ratio: {ratio:.2f} x (target <= 1.3)")


if __name__ == "__main__":
    main()
