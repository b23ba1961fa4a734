"""A large dataset, bulk-loaded the way the benchmarks load theirs, pages correctly at any depth.

Speed is measured by `benchmarks/server_bench.py`, not asserted here.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from phtui.server.runner import RunningServer, start_server

ITEMS = 20_000


@pytest.fixture(scope="module")
def big() -> Iterator[tuple[RunningServer, str]]:
    server = start_server(datasets_api="classic")
    dataset_id = server.create_dataset("big")
    inserted = server.bulk_insert_items(
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
    assert inserted == ITEMS
    yield server, dataset_id
    server.stop()


@pytest.mark.parametrize("offset", [0, ITEMS // 2, ITEMS - 100])
def test_any_page_holds_the_right_rows_newest_first(
    big: tuple[RunningServer, str], http: httpx.Client, offset: int
) -> None:
    server, dataset_id = big
    url = f"{server.url}/api/projects/{server.project_id}/dataset_items/"
    params = {"dataset": dataset_id, "limit": "100", "offset": str(offset)}
    headers = {"Authorization": f"Bearer {server.api_key}"}
    page = http.get(url, params=params, headers=headers).json()
    assert page["count"] == ITEMS
    contents = [row["input"]["messages"][0]["content"] for row in page["results"]]
    assert contents == [f"question {ITEMS - 1 - offset - n}" for n in range(100)]
    assert (page["next"] is None) == (offset + 100 >= ITEMS)
