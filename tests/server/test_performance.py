"""The 100,000-item dataset the benchmarks page through: fast to build, fast to page."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

import httpx
import pytest

from phtui.server.runner import RunningServer, start_server

ITEMS = 100_000


@pytest.fixture(scope="module")
def big() -> Iterator[tuple[RunningServer, str, float]]:
    server = start_server()
    dataset_id = server.create_dataset("big")
    started = time.perf_counter()
    server.bulk_insert_items(
        dataset_id,
        (
            {
                "input": {"messages": [{"role": "user", "content": f"question {index}"}]},
                "output": {"content": f"answer {index}"},
                "metadata": {"index": index, "tags": ["bench"]},
            }
            for index in range(ITEMS)
        ),
    )
    elapsed = time.perf_counter() - started
    yield server, dataset_id, elapsed
    server.stop()


def test_bulk_insert_of_100k_items_takes_seconds(big: tuple[RunningServer, str, float]) -> None:
    assert big[2] < 15  # about 3 s on a loaded 2-core machine


@pytest.mark.parametrize("offset", [0, 50_000, ITEMS - 100])
def test_any_page_is_served_fast(
    big: tuple[RunningServer, str, float], http: httpx.Client, offset: int
) -> None:
    server, dataset_id, _ = big
    url = f"{server.url}/api/projects/{server.project_id}/dataset_items/"
    params = {"dataset": dataset_id, "limit": "100", "offset": str(offset)}
    headers = {"Authorization": f"Bearer {server.api_key}"}
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        page = http.get(url, params=params, headers=headers).json()
        timings.append(time.perf_counter() - started)
    assert page["count"] == ITEMS
    assert [row["input"]["messages"][0]["content"] for row in page["results"][:1]] == [
        f"question {ITEMS - 1 - offset}"
    ]
    assert statistics.median(timings) < 0.15  # about 6-20 ms here; the whole UI budget
