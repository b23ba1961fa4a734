"""Local server figures: start-up, seeding, bulk loading, page latency at any depth and export
time, for both datasets APIs.

No floor: these figures bound what the client and UI benchmarks can reach on loopback.

    .venv/bin/python benchmarks/server_bench.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from typing import Any

import httpx

from phtui.server import seed as seeding
from phtui.server.options import DatasetsApi, ServerOptions
from phtui.server.runner import start_server
from phtui.server.store import Store

ITEMS = 100_000
ROUNDS = 15


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _startup(seed: str, datasets_api: DatasetsApi) -> float:
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        server = start_server(seed=seed, datasets_api=datasets_api)
        samples.append(time.perf_counter() - started)
        server.stop()
    return _median_ms(samples)


def _seed_only(datasets_api: DatasetsApi) -> float:
    """The demo seed alone (it runs on every `phtui --demo` start)."""
    samples = []
    for _ in range(5):
        store = Store()
        started = time.perf_counter()
        seeding.seed(store, "demo", "phx_bench", datasets_api=datasets_api)
        samples.append(time.perf_counter() - started)
        store.close()
    return _median_ms(samples)


def _items(count: int) -> Iterator[dict[str, Any]]:
    for n in range(count):
        yield {
            "input": {"messages": [{"role": "user", "content": f"question {n}"}]},
            "output": {"content": f"answer {n}"},
            "metadata": {"index": n, "tags": ["bench"], "score": n % 5},
        }


def _pages(http: httpx.Client, url: str, dataset_id: str, limit: int, count: int) -> None:
    for offset in (0, count // 2, count - limit):
        params = {"dataset": dataset_id, "limit": str(limit), "offset": str(offset)}
        http.get(url, params=params)  # warm up
        samples = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            http.get(url, params=params).json()
            samples.append(time.perf_counter() - started)
        print(f"  page_{limit}_at_offset_{offset}_ms_median: {_median_ms(samples):.1f} ms")


def _bulk_and_pages(datasets_api: DatasetsApi, page_size: int) -> None:
    options = ServerOptions()
    options.lift_limits()
    with start_server(datasets_api=datasets_api, options=options) as server:
        dataset_id = server.create_dataset("bench")
        started = time.perf_counter()
        server.bulk_insert_items(dataset_id, _items(ITEMS))
        print(f"  bulk_insert_100k_s: {time.perf_counter() - started:.2f} s")
        url = f"{server.url}/api/projects/{server.project_id}/dataset_items/"
        headers = {"Authorization": f"Bearer {server.api_key}"}
        with httpx.Client(headers=headers) as http:
            _pages(http, url, dataset_id, page_size, ITEMS)


def _export_time() -> None:
    """Create -> complete -> downloaded, for the demo's 587-item dataset (median of 5)."""
    options = ServerOptions(export_creations_per_day=None)
    with start_server(seed="demo", options=options) as server:
        base = f"{server.url}/api/projects/{server.project_id}/"
        headers = {"Authorization": f"Bearer {server.api_key}"}
        with httpx.Client(base_url=base, headers=headers) as http:
            datasets = http.get("datasets/", params={"search": "Support answers"}).json()
            dataset_id = datasets["results"][0]["id"]
            samples, size = [], 0
            for _ in range(5):
                started = time.perf_counter()
                export = http.post(f"datasets/{dataset_id}/exports/", json={}).json()
                status = f"datasets/{dataset_id}/exports/{export['id']}/"
                while http.get(status).json()["status"] == "pending":
                    pass
                size = len(http.get(status + "content/").content)
                samples.append(time.perf_counter() - started)
            print(f"  export_587_items_ms_median: {_median_ms(samples):.1f} ms ({size:,} bytes)")
            samples = []
            for _ in range(ROUNDS):
                started = time.perf_counter()
                http.get("dataset_items/", params={"dataset": dataset_id, "limit": 25}).json()
                samples.append(time.perf_counter() - started)
            print(f"  demo_page_25_items_ms_median: {_median_ms(samples):.1f} ms")


def main() -> None:
    for datasets_api in ("revisioned", "classic"):
        print(f"{datasets_api}:")
        print(f"  startup_empty_ms_median: {_startup('empty', datasets_api):.1f} ms")
        print(f"  startup_demo_ms_median: {_startup('demo', datasets_api):.1f} ms")
        print(f"  seed_demo_ms_median: {_seed_only(datasets_api):.1f} ms")
    print("revisioned (quotas lifted):")
    _bulk_and_pages("revisioned", 25)
    _export_time()
    print("classic:")
    _bulk_and_pages("classic", 100)


if __name__ == "__main__":
    main()
