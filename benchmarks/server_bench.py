"""Local server figures: start-up, bulk loading and page latency at any depth.

No floor: these figures bound what the client and UI benchmarks can reach on loopback.

    .venv/bin/python benchmarks/server_bench.py
"""

from __future__ import annotations

import statistics
import time

import httpx

from phtui.server.runner import start_server

ITEMS = 100_000
ROUNDS = 15


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _startup(seed: str) -> float:
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        server = start_server(seed=seed)
        samples.append(time.perf_counter() - started)
        server.stop()
    return _median_ms(samples)


def main() -> None:
    print(f"startup_empty_ms_median: {_startup('empty'):.1f} ms")
    print(f"startup_demo_ms_median: {_startup('demo'):.1f} ms")

    with start_server() as server:
        dataset_id = server.create_dataset("bench")
        started = time.perf_counter()
        server.bulk_insert_items(
            dataset_id,
            (
                {
                    "input": {"messages": [{"role": "user", "content": f"question {n}"}]},
                    "output": {"content": f"answer {n}"},
                    "metadata": {"index": n, "tags": ["bench"], "score": n % 5},
                }
                for n in range(ITEMS)
            ),
        )
        print(f"bulk_insert_100k_s: {time.perf_counter() - started:.2f} s")

        url = f"{server.url}/api/projects/{server.project_id}/dataset_items/"
        headers = {"Authorization": f"Bearer {server.api_key}"}
        with httpx.Client(headers=headers) as http:
            for offset in (0, ITEMS // 2, ITEMS - 100):
                params = {"dataset": dataset_id, "limit": "100", "offset": str(offset)}
                http.get(url, params=params)  # warm up
                samples = []
                for _ in range(ROUNDS):
                    started = time.perf_counter()
                    http.get(url, params=params).json()
                    samples.append(time.perf_counter() - started)
                print(f"page_at_offset_{offset}_ms_median: {_median_ms(samples):.1f} ms")


if __name__ == "__main__":
    main()
