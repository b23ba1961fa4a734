"""Items screen figures on a revisioned server: opening a 600-item dataset, and a search keystroke.

The local server runs in a child process with 50 ms of latency added to every request
(`ServerOptions(latency_ms=50)`), so the 24 page requests of a 600-item dataset only finish in
time if they overlap, and the server's CPU is not the app's. Printed, one figure a line,
`name: value unit (note)`, medians of ROUNDS rounds, each beside its floor:

- revisioned_open_600_ms_median: from Enter on the dataset in the dataset list to the complete
  table, every item loaded and search ready (target <= 400 ms). Floor: the same requests (its
  24 active pages, 12 at a time, and its archived page, pinned to the revision the dataset list
  showed, with the dataset read alongside) with raw concurrent httpx, JSON parsed.
- revisioned_search_keystroke_ms_median: a key typed in the search over the 600 loaded items to
  the filtered table painted (target < 30 ms). Floor: a bare DataTable with the same columns
  refilled with a window of 50 prepared rows and painted.

Each is measured twice: headless (`App.run_test()`: the key handed to the app as its driver
would, the clock stopped once the compositor has painted the change) and through a real
terminal driver (`*_pty`: the app in a pseudo-terminal, a key written to it, the clock stopped
when the screen update showing the change has been written back).

Run: .venv/bin/python benchmarks/items_bench.py   (about a minute)
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pty
import re
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import httpx

ITEMS = 600
LATENCY_MS = 50.0
ROUNDS = 15
WINDOW = 50
CONCURRENCY = 12  # the screen's LOAD_CONCURRENCY (checked in main)
SEARCH_WORDS = ("refund", "vault", "email")  # typed, then erased, a key at a time
DATASET_NAME = "bench 600 items"


def bench_items(count: int) -> list[dict[str, Any]]:
    topics = ["refund", "login", "vault", "email", "export", "billing", "sso", "storage"]
    return [
        {
            "input": {
                "messages": [
                    {"role": "system", "content": "You are Hedgebox's support assistant."},
                    {"role": "user", "content": f"Question {n} about {topics[n % 8]}: help?"},
                ]
            },
            "expected_output": {"role": "assistant", "content": f"Answer {n} on {topics[n % 8]}."},
            "source_output": {"content": f"Model reply {n}."},
            "metadata": {"topic": topics[n % 8], "difficulty": ["easy", "hard"][n % 2], "n": n},
            "client_item_id": f"ticket-{n:05d}" if n % 5 == 0 else None,
        }
        for n in range(count)
    ]


# ------------------------------------------------------------------------ server process


def serve(conn: Connection) -> None:
    """Child process: a revisioned server with one 600-item dataset and 50 ms latency."""
    from phtui.server.options import ServerOptions
    from phtui.server.runner import start_server

    with start_server(seed="empty", options=ServerOptions(latency_ms=LATENCY_MS)) as server:
        dataset = server.create_dataset(DATASET_NAME)
        server.bulk_insert_items(dataset, bench_items(ITEMS))
        conn.send(
            {
                "url": server.url,
                "key": server.api_key,
                "project": server.project_id,
                "dataset": dataset,
            }
        )
        conn.recv()  # "stop"


def out(name: str, value: float, unit: str, note: str = "") -> None:
    print(f"{name}: {value:.2f} {unit}" + (f" ({note})" if note else ""), flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values)


# ---------------------------------------------------------------------------------- floors


async def raw_open_ms(c: dict[str, Any]) -> float:
    """The same requests as opening the dataset, with raw httpx: every page of its active items
    (CONCURRENCY at a time) and of its archived ones, pinned to the revision the dataset list
    showed, and the dataset read alongside; JSON parsed."""
    headers = {"Authorization": f"Bearer {c['key']}"}
    base = f"{c['url']}/api/projects/{c['project']}"
    async with httpx.AsyncClient(headers=headers) as http:
        listed = (await http.get(f"{base}/datasets/{c['dataset']}/")).json()  # the list's view
        revision = listed["current_revision"]
        start = time.perf_counter()

        async def pages(archived: bool) -> int:
            gate = asyncio.Semaphore(CONCURRENCY)

            async def page(offset: int) -> int:
                async with gate:
                    params: dict[str, Any] = {
                        "dataset": c["dataset"],
                        "revision": revision,
                        "limit": 25,
                        "offset": offset,
                    }
                    if archived:
                        params["archived"] = "true"
                    response = await http.get(f"{base}/dataset_items/", params=params)
                    return len(response.json()["results"])

            offsets = [0] if archived else range(0, revision, 25)
            return sum(await asyncio.gather(*(page(offset) for offset in offsets)))

        async def dataset() -> int:
            (await http.get(f"{base}/datasets/{c['dataset']}/")).json()
            return 0

        loaded = sum(await asyncio.gather(pages(False), pages(True), dataset()))
        elapsed = (time.perf_counter() - start) * 1000
    assert loaded == ITEMS, loaded
    return elapsed


async def item_order(c: dict[str, Any]) -> list[str]:
    """The dataset's item ids in the table's order (newest first)."""
    from phtui.api import PostHogClient

    async with PostHogClient(c["url"], c["key"], c["project"]) as client:
        snapshot = await client.list_all_dataset_items(c["dataset"])
    return [item.id for item in snapshot.items]


# ------------------------------------------------------------------------------ headless


async def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0)


async def key_to_paint_ms(app: Any, key: str, char: str | None, done: Callable[[], bool]) -> float:
    """From a key arriving (as the terminal driver delivers it) to the screen repainted: the
    loop yields until `done()`, then lets the changed widgets report to the screen and runs the
    compositor's refresh (what the screen's update timer does next); the clock stops after it."""
    from textual import events

    start = time.perf_counter()
    app._driver.send_message(events.Key(key, char))
    while not done():
        await asyncio.sleep(0)
    screen = app.screen
    for _ in range(1_000):
        if screen._dirty_widgets or screen._layout_required or screen._repaint_required:
            break
        await asyncio.sleep(0)
    screen._on_timer_update()
    return (time.perf_counter() - start) * 1000


async def headless_figures(
    c: dict[str, Any],
) -> tuple[list[float], list[float], list[float], list[float]]:

    from phtui.api import PostHogClient
    from phtui.app import PhTuiApp
    from phtui.config import Settings
    from phtui.screens.datasets.items import DatasetItemsScreen
    from phtui.screens.datasets.picker import DatasetsScreen

    async with PostHogClient(c["url"], c["key"], c["project"]) as client:
        app = PhTuiApp(client=client, mode="datasets", settings=Settings(), host_label="bench")
        async with app.run_test(size=(120, 40)) as pilot:

            def picker_ready() -> bool:
                screen = app.screen
                return (
                    isinstance(screen, DatasetsScreen)
                    and bool(screen.datasets)
                    and not screen.pager.loading_marker
                )

            def items_ready() -> bool:
                screen = app.screen
                return isinstance(screen, DatasetItemsScreen) and screen.loaded

            opens: list[float] = []
            floors: list[float] = []
            for round_ in range(ROUNDS + 1):  # the first round warms imports and the connection
                await wait_until(picker_ready)
                await pilot.pause(0.2)
                if round_ % 2:  # the floor right before or after, in turn: the machine's load
                    floors.append(await raw_open_ms(c))  # changes over a run
                opens.append(await key_to_paint_ms(app, "enter", "\r", items_ready))
                screen = app.screen
                assert isinstance(screen, DatasetItemsScreen)
                assert len(screen.view.items) == ITEMS and screen.table.row_count == WINDOW
                await pilot.press("escape")
                if not round_ % 2:
                    await wait_until(picker_ready)
                    floors.append(await raw_open_ms(c))
            opens, floors = opens[1:], floors[1:]

            # --- search keystrokes over the loaded dataset
            await wait_until(picker_ready)
            await pilot.press("enter")
            await wait_until(items_ready)
            screen = app.screen
            assert isinstance(screen, DatasetItemsScreen)
            await pilot.press("slash")
            await pilot.pause(0.2)
            keys: list[float] = []
            typed = ""
            for word in SEARCH_WORDS:
                strokes = [(char, char) for char in word] + [("backspace", None)] * len(word)
                for key, char in strokes:
                    typed = typed + char if char else typed[:-1]

                    def searched(expected: str = typed) -> bool:
                        return screen.view.query_text == expected

                    keys.append(await key_to_paint_ms(app, key, char, searched))
                    await asyncio.sleep(0.05)  # a typing pace

            # --- floor: a bare DataTable window refilled and painted
            floor = await bare_table_floor(app, pilot)
    return opens, floors, keys, floor


async def bare_table_floor(app: Any, pilot: Any) -> list[float]:
    from rich.text import Text
    from textual.screen import Screen
    from textual.widgets import DataTable

    widths = [8, 23, 17, 19, 4, 16, 20]
    rows = [[Text(f"cell {row}-{column} lorem ipsum"[:width]) for column, width in
             enumerate(widths)] for row in range(ITEMS)]  # fmt: skip

    class Bare(Screen[None]):
        def compose(self) -> Any:
            table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True)
            for column, width in enumerate(widths):
                table.add_column(f"c{column}", width=width, key=f"c{column}")
            yield table

    bare = Bare()
    app.push_screen(bare)
    await pilot.pause(0.2)
    table = bare.query_one(DataTable)
    times: list[float] = []
    for round_ in range(ROUNDS * 2):
        start = time.perf_counter()
        table.clear()
        offset = (round_ * 7) % (ITEMS - WINDOW)
        for index, cells in enumerate(rows[offset : offset + WINDOW]):
            table.add_row(*cells, key=f"{round_}-{index}")
        for _ in range(1_000):
            if bare._dirty_widgets or bare._layout_required or bare._repaint_required:
                break
            await asyncio.sleep(0)
        bare._on_timer_update()
        times.append((time.perf_counter() - start) * 1000)
        await asyncio.sleep(0.02)
    app.pop_screen()
    return times


# ----------------------------------------------------------------------------------- pty

_CONTROL = re.compile(
    r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])"
)


class PtyApp:
    """phtui on a pseudo-terminal (120x40, TERM=xterm-256color): keys written to it, its output
    read with the time each chunk arrived."""

    def __init__(self, c: dict[str, Any], data_dir: str) -> None:
        master, slave = pty.openpty()
        import fcntl
        import termios

        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = {name: value for name, value in os.environ.items() if name != "COLORTERM"}
        env |= {
            "TERM": "xterm-256color",
            "PHTUI_DATA_DIR": data_dir,
            "XDG_CONFIG_HOME": data_dir,
            "POSTHOG_HOST": c["url"],
            "POSTHOG_PROJECT_ID": str(c["project"]),
            "POSTHOG_PERSONAL_API_KEY": c["key"],
        }
        self.child = subprocess.Popen(
            [sys.executable, "-m", "phtui"], stdin=slave, stdout=slave, stderr=slave, env=env
        )
        os.close(slave)
        self.master = master
        self.chunks: list[tuple[float, bytes]] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        try:
            while chunk := os.read(self.master, 65536):
                with self._lock:
                    self.chunks.append((time.perf_counter(), chunk))
        except OSError:
            return

    def mark(self) -> int:
        with self._lock:
            return len(self.chunks)

    def write(self, data: bytes) -> float:
        start = time.perf_counter()
        os.write(self.master, data)
        return start

    def wait_for(self, since: int, marker: re.Pattern[str], timeout: float = 30.0) -> float:
        """When the output written after chunk `since` first showed `marker` (the arrival time
        of the chunk that completed it). Reads only new chunks, sleeping between them, so the
        watching takes little of the CPU the app shares."""
        deadline = time.perf_counter() + timeout
        data = b""
        seen = since
        text = ""
        while time.perf_counter() < deadline:
            with self._lock:
                new = self.chunks[seen:]
            for at, chunk in new:
                seen += 1
                data += chunk
                text = _CONTROL.sub("", data.decode("utf-8", "replace"))
                if marker.search(text):
                    return at
            time.sleep(0.005)
        raise TimeoutError(f"{marker.pattern!r} not shown; last output: {text[-500:]!r}")

    def close(self) -> None:
        if self.child.poll() is None:
            self.child.kill()
            self.child.wait(timeout=10)
        os.close(self.master)


def pty_figures(
    c: dict[str, Any], order: list[str]
) -> tuple[list[float], list[float], list[float], list[float]]:
    with tempfile.TemporaryDirectory(prefix="phtui-bench-pty-") as data_dir:
        app = PtyApp(c, data_dir)
        try:
            listed = re.compile(r"1-1 of 1 datasets")
            loaded = re.compile(rf"1-{WINDOW} of {ITEMS} items · Page 1")
            app.wait_for(0, re.compile(r"Themes"))
            time.sleep(1.0)
            since = app.mark()
            app.write(b"2")  # the Datasets mode
            app.wait_for(since, listed)
            opens: list[float] = []
            floors: list[float] = []
            for _ in range(ROUNDS + 1):
                time.sleep(0.5)
                floors.append(asyncio.run(raw_open_ms(c)))
                time.sleep(0.2)
                since = app.mark()
                start = app.write(b"\r")
                opens.append((app.wait_for(since, loaded) - start) * 1000)
                time.sleep(0.3)
                since = app.mark()
                app.write(b"\x1b")
                app.wait_for(since, listed)
            opens, floors = opens[1:], floors[1:]

            time.sleep(0.5)
            since = app.mark()
            app.write(b"\r")
            app.wait_for(since, loaded)
            time.sleep(0.5)
            # Floor for a key through this terminal driver: the cursor down a row, the detail
            # line showing the next item's full id (a two-line repaint, no search).
            echoes: list[float] = []
            for row in range(1, ROUNDS + 2):
                since = app.mark()
                start = app.write(b"\x1b[B")
                echoes.append(
                    (app.wait_for(since, re.compile(re.escape(order[row]))) - start) * 1000
                )
                time.sleep(0.1)
            echoes = echoes[1:]
            app.write(b"/")
            time.sleep(0.5)
            keys: list[float] = []
            typed = ""
            for word in SEARCH_WORDS:
                for char in word:
                    typed += char
                    marker = re.compile(re.escape(f"search '{typed}': ") + r"\d+ found")
                    since = app.mark()
                    start = app.write(char.encode())
                    keys.append((app.wait_for(since, marker) - start) * 1000)
                    time.sleep(0.1)
                for _ in word:
                    typed = typed[:-1]
                    pattern = (
                        re.escape(f"search '{typed}': ") + r"\d+ found"
                        if typed
                        else rf"{WINDOW} per page\s*$"
                    )
                    since = app.mark()
                    start = app.write(b"\x7f")
                    keys.append(
                        (app.wait_for(since, re.compile(pattern, re.MULTILINE)) - start) * 1000
                    )
                    time.sleep(0.1)
            return opens, floors, keys, echoes
        finally:
            app.close()


# ---------------------------------------------------------------------------------- main


def main() -> None:
    from phtui.screens.datasets.items import LOAD_CONCURRENCY, LOADED_WINDOW

    assert (LOAD_CONCURRENCY, LOADED_WINDOW) == (CONCURRENCY, WINDOW), "update the bench"
    os.environ.setdefault("PHTUI_DATA_DIR", tempfile.mkdtemp(prefix="phtui-bench-"))
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=serve, args=(child,), daemon=True)
    started = time.perf_counter()
    process.start()
    c: dict[str, Any] = parent.recv()
    out(
        "setup_s", time.perf_counter() - started, "s", f"{ITEMS} items, {LATENCY_MS:.0f} ms latency"
    )
    try:
        opens, floors, keys, table_floor = asyncio.run(headless_figures(c))
        out(
            "revisioned_open_600_ms_median",
            median(opens),
            "ms",
            f"headless; target <= 400; floor {median(floors):.1f} ms raw concurrent httpx",
        )
        out("revisioned_open_600_ms_p90", sorted(opens)[int(len(opens) * 0.9)], "ms", "headless")
        out(
            "revisioned_search_keystroke_ms_median",
            median(keys),
            "ms",
            f"headless; target < 30; floor {median(table_floor):.1f} ms bare DataTable window",
        )
        out("revisioned_search_keystroke_ms_p90", sorted(keys)[int(len(keys) * 0.9)], "ms")
        pty_opens, pty_floors, pty_keys, echoes = pty_figures(c, asyncio.run(item_order(c)))
        out(
            "revisioned_open_600_ms_median_pty",
            median(pty_opens),
            "ms",
            f"real terminal driver; floor {median(pty_floors):.1f} ms raw concurrent httpx",
        )
        out(
            "revisioned_search_keystroke_ms_median_pty",
            median(pty_keys),
            "ms",
            f"real terminal driver; floor {median(echoes):.1f} ms cursor-down repaint in the "
            f"same terminal; {median(table_floor):.1f} ms bare DataTable window headless",
        )
        out("rounds", len(opens), "rounds", f"{len(keys)} keystrokes headless, {len(pty_keys)} pty")
        out("load_average", os.getloadavg()[0], "", f"1-minute, {os.cpu_count()} cores")
    finally:
        parent.send("stop")
        process.join(timeout=10)


if __name__ == "__main__":
    main()
