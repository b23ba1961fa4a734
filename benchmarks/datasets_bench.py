"""Datasets screen figures: paging a 100,000-item dataset and typing in a 1 MB value.

The local server runs in a child process (so the RSS figures are the app's alone, and the server
does not compete for this process's GIL). Printed, one figure a line, `name: value unit`:

- next_page_ms_median (prefetched) and next_page_cold_ms_median: from the `]` key to the new rows
  rendered, on a 100,000-item dataset, 100 rows a page. Target < 150 ms.
- rss_mb_*: resident memory while paging the UI through the whole dataset (250 rows a page, 400
  pages). Target: flat, < 200 MB.
- keystroke_ms_median in a 1 MB JSON value spread over many lines (highlighting off above
  200 KB), with Textual's stock TextArea (highlighted) for reference. Target < 50 ms.
- keystroke_one_line_*: the same in a value whose one string is 400 KB (the most PostHog's
  revisioned API accepts per item) or 1 MB (classic servers), so one line of the text is that
  long; the cursor on the long line and on another line. Target < 50 ms. Measured headless in
  the item editor here, and through a real terminal driver (a pty) by pty_keystrokes.py (printed
  with its floor, a trivial app, and Textual's stock TextArea on the same text).
- export, import and push figures are in transfer_bench.py.

Run: .venv/bin/python benchmarks/datasets_bench.py   (about three to four minutes)
     .venv/bin/python benchmarks/datasets_bench.py --keystrokes   (the keystroke figures only)
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

from pty_keystrokes import figures as pty_figures  # this folder's module (run as a script)
from pty_keystrokes import one_line_value
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import TextArea

BIG_ITEMS = 100_000
NEXT_PAGE_PRESSES = 25
RSS_PAGE_SIZE = 250
KEYSTROKES = 40
# One-line values: the most PostHog's revisioned API accepts per item, and a classic server's 1 MB.
ONE_LINE_SIZES = {"400kb": 400_000, "1mb": 1_000_000}


def bench_items(count: int) -> Iterator[dict[str, Any]]:
    for n in range(count):
        yield {
            "input": {"messages": [{"role": "user", "content": f"Where is my order #{n}?"}]},
            "output": {"content": f"Order #{n} left our warehouse yesterday."},
            "metadata": {"tags": ["support"], "score": (n % 10) / 10},
            "ref_trace_id": f"trace-{n:06d}",
        }


def one_megabyte_value() -> dict[str, Any]:
    rows = [{"id": n, "text": "lorem ipsum dolor sit amet " * 3} for n in range(9_000)]
    return {"rows": rows}


# ------------------------------------------------------------------------ server process


def serve(conn: Connection, keystrokes_only: bool) -> None:
    """Child process: a seeded server; sends its coordinates, then runs until told to stop."""
    from phtui.server.runner import start_server

    # Classic: the next-page and memory figures are about server paging of a dataset far larger
    # than the revisioned API allows (items_bench.py measures the revisioned screen).
    with start_server(seed="empty", datasets_api="classic") as server:
        coordinates: dict[str, Any] = {
            "url": server.url,
            "key": server.api_key,
            "project": server.project_id,
        }
        if not keystrokes_only:
            coordinates["big"] = big = server.create_dataset("bench 100k")
            server.bulk_insert_items(big, bench_items(BIG_ITEMS))
        coordinates["large"] = large = server.create_dataset("bench 1 MB value")
        server.bulk_insert_items(large, [{"input": one_megabyte_value(), "output": {}}])
        for label, size in ONE_LINE_SIZES.items():
            dataset = server.create_dataset(f"bench one-line {label}")
            server.bulk_insert_items(dataset, [{"input": one_line_value(size), "output": {}}])
            coordinates[f"one_line_{label}"] = dataset
        conn.send(coordinates)
        conn.recv()  # "stop"


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def out(name: str, value: float, unit: str, note: str = "") -> None:
    print(f"{name}: {value:.2f} {unit}" + (f" ({note})" if note else ""), flush=True)


# ------------------------------------------------------------------------------ UI paging


async def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.001)


async def key_to_render_ms(app: Any, key: str, char: str, done: Callable[[], bool]) -> float:
    """From a key arriving (as the terminal driver delivers it) to the screen repainted.

    Pilot's own waits sleep in 20 ms steps until the process looks idle, which would swamp
    the figure; here the loop yields until `done()`, then runs the compositor's refresh
    (what the screen's update timer does next) and stops the clock after it.
    """
    from textual import events

    start = time.perf_counter()
    app._driver.send_message(events.Key(key, char))
    while not done():
        await asyncio.sleep(0)
    screen = app.screen
    # The changed widgets report to the screen from their idle handlers: wait for that, so
    # the refresh below really paints the change.
    for _ in range(1_000):
        if screen._dirty_widgets or screen._layout_required or screen._repaint_required:
            break
        await asyncio.sleep(0)
    screen._on_timer_update()
    return (time.perf_counter() - start) * 1000


async def ui_figures(c: dict[str, Any], *, keystrokes_only: bool) -> None:
    from phtui.api import PostHogClient
    from phtui.app import PhTuiApp
    from phtui.config import Settings

    async with PostHogClient(c["url"], c["key"], c["project"]) as client:
        app = PhTuiApp(client=client, mode="datasets", settings=Settings(), host_label="bench")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.3)
            if not keystrokes_only:
                await paging_figures(app, pilot, client, c)
            await keystroke_figures(app, pilot, client, c)


async def paging_figures(app: Any, pilot: Any, client: Any, c: dict[str, Any]) -> None:
    from phtui.screens.datasets.items import DatasetItemsScreen

    big = await client.get_dataset(c["big"])

    # --- next page: prefetched (the normal case) and cold (cache emptied first)
    screen = DatasetItemsScreen(big)
    app.push_screen(screen)
    await wait_until(lambda: screen.is_mounted and screen.loaded)
    rss_start = rss_mb()
    warm: list[float] = []
    cold: list[float] = []
    for press in range(NEXT_PAGE_PRESSES * 2):
        is_cold = press % 2 == 1
        target = screen.state.next()
        await wait_until(lambda t=target: screen._cache.get(t.limit, t.offset) is not None)
        await pilot.pause()  # the previous page settled, prefetch landed
        if is_cold:
            screen._cache.clear()
        elapsed = await key_to_render_ms(
            app,
            "right_square_bracket",
            "]",
            lambda t=target: (
                screen.state.offset == t.offset
                and screen.table.row_count > 0
                and not screen.pager.loading_marker
            ),
        )
        (cold if is_cold else warm).append(elapsed)
    out("next_page_ms_median", statistics.median(warm), "ms", "prefetched; target < 150")
    out("next_page_ms_p90", sorted(warm)[int(len(warm) * 0.9)], "ms", "prefetched")
    out("next_page_cold_ms_median", statistics.median(cold), "ms", "not prefetched")

    # --- memory while paging through all 100,000 items
    while screen.state.limit != RSS_PAGE_SIZE:
        await pilot.press("s")
    await pilot.press("left_curly_bracket")
    await wait_until(lambda: screen.state.offset == 0 and screen.loaded)
    samples: list[float] = []
    begun = time.perf_counter()
    while screen.state.has_next:
        target = screen.state.next()
        await key_to_render_ms(
            app,
            "right_square_bracket",
            "]",
            lambda t=target: screen.state.offset == t.offset and not screen.pager.loading_marker,
        )
        samples.append(rss_mb())
    elapsed_s = time.perf_counter() - begun
    pages = len(samples)
    out(
        "rss_pages_walked",
        pages,
        "pages",
        f"{pages * RSS_PAGE_SIZE:,} items, {elapsed_s:.0f} s",
    )
    out("rss_mb_after_first_page", rss_start, "MB")
    out("rss_mb_at_quarter", samples[pages // 4], "MB")
    out("rss_mb_at_half", samples[pages // 2], "MB")
    out("rss_mb_at_end", samples[-1], "MB")
    out("rss_mb_peak", peak_rss_mb(), "MB", "target flat, < 200")
    app.pop_screen()


async def keystroke_figures(app: Any, pilot: Any, client: Any, c: dict[str, Any]) -> None:
    from phtui.screens.datasets.item_editor import ItemEditorScreen

    # --- the floor: a stock TextArea holding three lines
    tiny = TextArea('{\n  "document": "short"\n}', soft_wrap=False, show_line_numbers=True)
    app.push_screen(StockScreen(tiny))
    await wait_until(lambda: tiny.is_mounted)
    tiny.focus()
    tiny.move_cursor((1, 10))
    await pilot.pause(0.3)
    floor = statistics.median(await type_keys(app, tiny, KEYSTROKES))
    out("keystroke_floor_ms_median", floor, "ms", "a stock TextArea, three lines")
    app.pop_screen()

    # --- keystrokes in a 1 MB value
    large_ds = await client.get_dataset(c["large"])
    [item] = (await client.list_dataset_items(c["large"])).results
    editor = ItemEditorScreen(large_ds, item)
    app.push_screen(editor)
    await wait_until(lambda: editor.is_mounted)
    await pilot.pause()
    field = editor.editor("input")
    size_mb = len(field.text.encode()) / 1e6
    field.focus_editor()
    field.text_area.move_cursor((4, 10))  # inside the value, as when editing a field
    await pilot.pause()
    times = await type_keys(app, field.text_area, KEYSTROKES)
    state = "on" if field.highlighting else "off"
    out("keystroke_value_size", size_mb, "MB", f"highlighting {state}")
    out("keystroke_ms_median", statistics.median(times), "ms", "target < 50")
    out("keystroke_ms_p90", sorted(times)[int(len(times) * 0.9)], "ms")
    begin = time.perf_counter()
    field.check_now()
    out("validate_1mb_ms", (time.perf_counter() - begin) * 1000, "ms", "once typing pauses")

    # Reference: Textual's stock TextArea, highlighted, on the same text.
    stock = TextArea(field.text, language="json")
    app.push_screen(StockScreen(stock))
    await wait_until(lambda: stock.is_mounted)
    stock.focus()
    stock.move_cursor((4, 10))
    await pilot.pause(0.5)
    slow = await type_keys(app, stock, 3)
    out("keystroke_ms_median_stock_textarea", statistics.median(slow), "ms", "reference")
    app.pop_screen()
    app.pop_screen()

    # --- keystrokes in a value whose one string is 400 KB or 1 MB
    for label in ONE_LINE_SIZES:
        dataset = await client.get_dataset(c[f"one_line_{label}"])
        [item] = (await client.list_dataset_items(dataset.id)).results
        editor = ItemEditorScreen(dataset, item)
        app.push_screen(editor)
        await wait_until(lambda e=editor: e.is_mounted)
        await pilot.pause()
        field = editor.editor("input")
        field.focus_editor()
        # Row 1 holds the long string; row 2 is the next field of the value.
        for row, where in ((1, "long_line"), (2, "other_line")):
            field.text_area.move_cursor((row, 10))
            await pilot.pause()
            times = await type_keys(app, field.text_area, KEYSTROKES)
            name = f"keystroke_one_line_{label}_{where}_ms_median"
            out(name, statistics.median(times), "ms", f"target < 50; floor {floor:.1f} ms")
            name = f"keystroke_one_line_{label}_{where}_ms_p90"
            out(name, sorted(times)[int(len(times) * 0.9)], "ms")
        # Reference: Textual's TextArea on the same text, as the editor sets it up.
        stock = TextArea(field.text, soft_wrap=False, show_line_numbers=True)
        app.push_screen(StockScreen(stock))
        await wait_until(lambda s=stock: s.is_mounted)
        stock.focus()
        stock.move_cursor((1, 10))
        await pilot.pause(0.5)
        slow = await type_keys(app, stock, 3)
        name = f"keystroke_one_line_{label}_stock_textarea_ms_median"
        out(name, statistics.median(slow), "ms", "reference, no highlighting, no wrap")
        app.pop_screen()
        app.pop_screen()


class StockScreen(Screen[None]):
    def __init__(self, area: TextArea) -> None:
        super().__init__()
        self.area = area

    def compose(self) -> ComposeResult:
        yield self.area


async def type_keys(app: Any, area: Any, count: int) -> list[float]:
    times = []
    for _ in range(count):
        before = area.document.line_count, len(area.document[area.cursor_location[0]])
        times.append(
            await key_to_render_ms(
                app,
                "a",
                "a",
                lambda b=before: (
                    (area.document.line_count, len(area.document[area.cursor_location[0]])) != b
                ),
            )
        )
        await asyncio.sleep(0.02)  # a typing pace; lets timers (validation, drafts) run between
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keystrokes", action="store_true", help="the keystroke figures only")
    options = parser.parse_args()
    os.environ.setdefault("PHTUI_DATA_DIR", tempfile.mkdtemp(prefix="phtui-bench-"))
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=serve, args=(child, options.keystrokes), daemon=True)
    started = time.perf_counter()
    process.start()
    coordinates: dict[str, Any] = parent.recv()
    seeded = "4 items" if options.keystrokes else f"{BIG_ITEMS:,} items"
    out("setup_s", time.perf_counter() - started, "s", seeded)
    try:
        asyncio.run(ui_figures(coordinates, keystrokes_only=options.keystrokes))
        for name, value, note in pty_figures(ONE_LINE_SIZES, KEYSTROKES):
            out(name, value, "ms", note)
    finally:
        parent.send("stop")
        process.join(timeout=10)


if __name__ == "__main__":
    main()
