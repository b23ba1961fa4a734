"""Transfer figures: export, import and push against raw concurrent httpx doing the same requests.

Each server runs in a child process of its own (so it does not compete for this process's GIL).
Printed, one figure a line, `name: value unit`; a `*_time_ratio` is phtui's time over raw httpx's
for the same work (1.0 = as fast as the bare requests):

- classic (the older API), 10,000 items: export_items_per_s (page GETs 4 at a time, consistency
  check included) and import_items_per_s (POSTs 8 at a time, the resume ledger included), beside
  raw httpx. Target: time ratio <= 1.5.
- revisioned, 600 items (PostHog's limit per dataset): push_time_ratio, a push creating 600 items
  (plan, then POSTs with client_item_id, 8 at a time) against raw httpx posting the same bodies.
  Target <= 1.3. push_update_time_ratio: a push changing all 600 (plan reads the items at one
  revision, then PATCHes with base_version) against raw httpx reading the same pages and
  sending the same PATCHes. import_revisioned_time_ratio: `phtui import` of 600 lines.
- export_job_ms / export_direct_ms: a 600-item export through PostHog's export job and read
  directly (for reference: the job's time is mostly its polling).

Run: .venv/bin/python benchmarks/transfer_bench.py   (about three minutes)
"""

from __future__ import annotations

import asyncio
import functools
import json
import multiprocessing
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx

CLASSIC_ITEMS = 10_000
PUSH_ITEMS = 600
ROUNDS = 5
EXPORT_WINDOW = 4
CONCURRENCY = 8


def bench_items(count: int, *, classic: bool) -> Iterator[dict[str, Any]]:
    output = "output" if classic else "expected_output"
    for n in range(count):
        yield {
            "input": {"messages": [{"role": "user", "content": f"Where is my order #{n}?"}]},
            output: {"content": f"Order #{n} left our warehouse yesterday."},
            "metadata": {"tags": ["support"], "score": (n % 10) / 10},
        }


def out(name: str, value: float, unit: str, note: str = "") -> None:
    print(f"{name}: {value:.2f} {unit}" + (f" ({note})" if note else ""), flush=True)


# ------------------------------------------------------------------------ server processes


def serve(conn: Connection, api: str) -> None:
    """Child process: a seeded server; sends its coordinates, then makes datasets on request."""
    from phtui.server.runner import start_server

    with start_server(seed="empty", datasets_api=api) as server:  # type: ignore[arg-type]
        server.options.lift_limits()
        coordinates: dict[str, Any] = {
            "url": server.url,
            "key": server.api_key,
            "project": server.project_id,
        }
        if api == "classic":
            small = server.create_dataset("bench 10k")
            server.bulk_insert_items(small, bench_items(CLASSIC_ITEMS, classic=True))
            coordinates["small"] = small
        conn.send(coordinates)
        while True:
            request = conn.recv()
            if request == "stop":
                return
            name, count = request
            dataset = server.create_dataset(name)
            rows = [
                {**row, "client_item_id": f"item-{n}"}
                for n, row in enumerate(bench_items(count, classic=api == "classic"))
            ]
            if rows:
                server.bulk_insert_items(dataset, rows)
            conn.send(dataset)


class Server:
    def __init__(self, api: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=serve, args=(child, api), daemon=True)
        self._process.start()
        self.c: dict[str, Any] = self._conn.recv()

    def dataset(self, name: str, count: int = 0) -> str:
        self._conn.send((name, count))
        dataset: str = self._conn.recv()
        return dataset

    def client(self) -> Any:
        from phtui.api import PostHogClient

        return PostHogClient(self.c["url"], self.c["key"], self.c["project"])

    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=f"{self.c['url']}/api/projects/{self.c['project']}/",
            headers={"Authorization": f"Bearer {self.c['key']}"},
            timeout=30,
        )

    def stop(self) -> None:
        self._conn.send("stop")
        self._process.join(timeout=10)


async def timed(run: Callable[[], Awaitable[Any]]) -> float:
    start = time.perf_counter()
    await run()
    return time.perf_counter() - start


async def alternate(
    ours: Callable[[int], Awaitable[Any]], raw: Callable[[int], Awaitable[Any]], rounds: int
) -> tuple[float, float]:
    """Median seconds of each side, alternating which goes first."""
    mine: list[float] = []
    theirs: list[float] = []
    for round_ in range(rounds):
        order = (0, 1) if round_ % 2 == 0 else (1, 0)
        for which in order:
            if which == 0:
                mine.append(await timed(functools.partial(ours, round_)))
            else:
                theirs.append(await timed(functools.partial(raw, round_)))
    return statistics.median(mine), statistics.median(theirs)


async def gather_limited(count: int, jobs: Sequence[Callable[[], Awaitable[Any]]]) -> list[Any]:
    gate = asyncio.Semaphore(count)

    async def one(job: Callable[[], Awaitable[Any]]) -> Any:
        async with gate:
            return await job()

    return await asyncio.gather(*(one(job) for job in jobs))


# ---------------------------------------------------------------------------- classic


async def classic_figures(server: Server, folder: Path) -> None:
    from phtui.core.transfer import export_items, import_items

    c = server.c
    async with server.client() as client, server.http() as http:

        async def ours_export(_: int) -> None:
            result = await export_items(
                client, c["small"], folder / "ours.jsonl", window=EXPORT_WINDOW
            )
            assert result.items == CLASSIC_ITEMS

        async def raw_export(_: int) -> None:
            async def page(offset: int) -> list[dict[str, Any]]:
                params = {"dataset": c["small"], "limit": 100, "offset": offset}
                rows: list[dict[str, Any]] = (
                    await http.get("dataset_items/", params=params)
                ).json()["results"]
                return rows

            jobs = [functools.partial(page, o) for o in range(0, CLASSIC_ITEMS, 100)]
            pages = await gather_limited(EXPORT_WINDOW, jobs)
            with (folder / "raw.jsonl").open("w", encoding="utf-8") as stream:
                for rows in pages:
                    for row in rows:
                        stream.write(json.dumps(row, ensure_ascii=False) + "\n")

        ours, raw = await alternate(ours_export, raw_export, ROUNDS)
        out("export_items_per_s", CLASSIC_ITEMS / ours, "items/s")
        out("export_items_per_s_raw_httpx", CLASSIC_ITEMS / raw, "items/s")
        out("export_time_ratio", ours / raw, "x", "target <= 1.5")

        source = folder / "ours.jsonl"
        lines = source.read_text(encoding="utf-8").splitlines()

        async def ours_import(round_: int) -> None:
            target = await client.create_dataset(f"bench import {round_}-ours")
            report = await import_items(
                client,
                target.id,
                source,
                concurrency=CONCURRENCY,
                ledger_path=folder / f"l{round_}",
            )
            assert report.ok and report.imported == CLASSIC_ITEMS, report.summary()

        async def raw_import(round_: int) -> None:
            target = (await http.post("datasets/", json={"name": f"bench raw {round_}"})).json()

            async def post(line: str) -> None:
                row = json.loads(line)
                body = {"dataset": target["id"], "input": row["input"]}
                body["output"] = row["expected_output"]
                body["metadata"] = row["metadata"]
                (await http.post("dataset_items/", json=body)).raise_for_status()

            await gather_limited(CONCURRENCY, [functools.partial(post, line) for line in lines])

        # One round: the server creates only a few hundred items a second (a commit per POST).
        ours, raw = await alternate(ours_import, raw_import, 1)
        out("import_items_per_s", CLASSIC_ITEMS / ours, "items/s")
        out("import_items_per_s_raw_httpx", CLASSIC_ITEMS / raw, "items/s")
        out("import_time_ratio", ours / raw, "x", "target <= 1.5")


# ------------------------------------------------------------------------- revisioned


def push_file(folder: Path, name: str, rows: list[dict[str, Any]]) -> Path:
    path = folder / name
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    return path


async def revisioned_figures(server: Server, folder: Path) -> None:
    from phtui.core.push_plan import plan_push, run_push
    from phtui.core.transfer import ExportMethod, export_items, import_items
    from phtui.core.transfer_file import read_items_file

    new_rows = [
        {**row, "client_item_id": f"item-{n}"}
        for n, row in enumerate(bench_items(PUSH_ITEMS, classic=False))
    ]
    creates = push_file(folder, "creates.jsonl", new_rows)
    changed = [
        {**row, "expected_output": {"content": f"Changed answer {n}."}}
        for n, row in enumerate(new_rows)
    ]
    updates = push_file(folder, "updates.jsonl", changed)
    async with server.client() as client, server.http() as http:

        async def ours_push(round_: int) -> None:
            dataset = server.dataset(f"push ours {round_}")
            plan = await plan_push(client, dataset, read_items_file(creates))
            report = await run_push(client, plan, concurrency=CONCURRENCY)
            assert report.ok and report.created == PUSH_ITEMS, report.summary()

        async def raw_push(round_: int) -> None:
            dataset = server.dataset(f"push raw {round_}")
            (await http.get(f"datasets/{dataset}/")).raise_for_status()

            async def post(row: dict[str, Any]) -> None:
                (
                    await http.post("dataset_items/", json={"dataset": dataset, **row})
                ).raise_for_status()

            await gather_limited(CONCURRENCY, [functools.partial(post, row) for row in new_rows])

        ours, raw = await alternate(ours_push, raw_push, ROUNDS)
        out("push_ms", ours * 1000, "ms", f"{PUSH_ITEMS} new items")
        out("push_ms_raw_httpx", raw * 1000, "ms")
        out("push_time_ratio", ours / raw, "x", "target <= 1.3")

        async def ours_update(round_: int) -> None:
            dataset = server.dataset(f"update ours {round_}", PUSH_ITEMS)
            plan = await plan_push(client, dataset, read_items_file(updates))
            report = await run_push(client, plan, concurrency=CONCURRENCY)
            assert report.ok and report.updated == PUSH_ITEMS, report.summary()

        async def raw_update(round_: int) -> None:
            dataset = server.dataset(f"update raw {round_}", PUSH_ITEMS)
            info = (await http.get(f"datasets/{dataset}/")).json()
            revision = info["current_revision"]

            async def page(offset: int) -> list[dict[str, Any]]:
                params = {"dataset": dataset, "revision": revision, "limit": 25, "offset": offset}
                rows: list[dict[str, Any]] = (
                    await http.get("dataset_items/", params=params)
                ).json()["results"]
                return rows

            pages = await gather_limited(
                6, [functools.partial(page, o) for o in range(0, PUSH_ITEMS, 25)]
            )
            items = {row["client_item_id"]: row for rows in pages for row in rows}

            async def patch(row: dict[str, Any]) -> None:
                item = items[row["client_item_id"]]
                body = {"base_version": item["version"], "expected_output": row["expected_output"]}
                (await http.patch(f"dataset_items/{item['id']}/", json=body)).raise_for_status()

            await gather_limited(CONCURRENCY, [functools.partial(patch, row) for row in changed])

        ours, raw = await alternate(ours_update, raw_update, ROUNDS)
        out("push_update_ms", ours * 1000, "ms", f"{PUSH_ITEMS} items changed")
        out("push_update_ms_raw_httpx", raw * 1000, "ms")
        out("push_update_time_ratio", ours / raw, "x", "target <= 1.3")

        async def ours_import(round_: int) -> None:
            dataset = server.dataset(f"import ours {round_}")
            report = await import_items(client, dataset, creates, concurrency=CONCURRENCY)
            assert report.ok and report.imported == PUSH_ITEMS, report.summary()

        async def raw_import(round_: int) -> None:
            dataset = server.dataset(f"import raw {round_}")

            async def post(row: dict[str, Any]) -> None:
                (
                    await http.post("dataset_items/", json={"dataset": dataset, **row})
                ).raise_for_status()

            await gather_limited(CONCURRENCY, [functools.partial(post, row) for row in new_rows])

        ours, raw = await alternate(ours_import, raw_import, ROUNDS)
        out("import_revisioned_time_ratio", ours / raw, "x", f"{PUSH_ITEMS} lines; target <= 1.5")

        dataset = server.dataset("export", PUSH_ITEMS)
        job: list[float] = []
        direct: list[float] = []
        for _ in range(ROUNDS):
            job.append(await timed(lambda: export_items(client, dataset, folder / "job.jsonl")))
            direct.append(
                await timed(
                    lambda: export_items(
                        client, dataset, folder / "direct.jsonl", method=ExportMethod.DIRECT
                    )
                )
            )
        same = (folder / "job.jsonl").read_bytes() == (folder / "direct.jsonl").read_bytes()
        out("export_job_ms", statistics.median(job) * 1000, "ms", f"{PUSH_ITEMS} items")
        out(
            "export_direct_ms",
            statistics.median(direct) * 1000,
            "ms",
            "same bytes as the job's" if same else "DIFFERENT bytes from the job's",
        )


def main() -> None:
    os.environ.setdefault("PHTUI_DATA_DIR", tempfile.mkdtemp(prefix="phtui-bench-"))
    started = time.perf_counter()
    classic = Server("classic")
    revisioned = Server("revisioned")
    out("setup_s", time.perf_counter() - started, "s", f"{CLASSIC_ITEMS:,} classic items")
    try:
        with tempfile.TemporaryDirectory() as folder:
            asyncio.run(classic_figures(classic, Path(folder)))
            asyncio.run(revisioned_figures(revisioned, Path(folder)))
    finally:
        classic.stop()
        revisioned.stop()
    out("total_s", time.perf_counter() - started, "s")


if __name__ == "__main__":
    main()
