"""Item editor figures: planning and merging a save, version diffs, the history and three-way
views on large items, and a save's round trip.

Printed, one figure a line, `name: value unit`:

- plan_ms / merge_ms: `EditSession.plan` and `merge` + `resolve` of an item whose content is
  ~350 KB (PostHog takes at most 406,666 bytes). Target < 50 ms (a save must feel immediate).
- version_diff_ms: `item_history.version_diff` of two such versions differing in a few places.
  Target < 100 ms.
- history_open_ms: from pushing the history screen to its rows and diff drawn, for an item with
  40 versions (PostHog's limit) of ~350 KB each, over HTTP to the local server. Target < 1,000 ms.
- history_move_ms: from a cursor key to the next version's diff drawn. Target < 150 ms.
- three_way_open_ms: from pushing the three-way view to it drawn, three ~120 KB fields differing.
  Target < 300 ms.
- save_ms_median: ctrl+s to "Saved" on a small item over HTTP to the local server. Target < 150 ms.

Run: .venv/bin/python benchmarks/editor_bench.py   (about half a minute)
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

VERSIONS = 40
SAVES = 15


def out(name: str, value: float, unit: str, note: str = "") -> None:
    print(f"{name}: {value:.1f} {unit}" + (f"  ({note})" if note else ""))


def big_content(seed: int, size_kb: int = 350) -> dict[str, Any]:
    rows = size_kb * 1000 // 150
    messages = [
        {"role": "user" if n % 2 else "assistant", "content": f"message {n} " + "lorem ipsum " * 8}
        for n in range(rows)
    ]
    return {
        "input": {"messages": messages},
        "expected_output": {"answer": f"version {seed}", "notes": ["a", "b", str(seed)]},
        "metadata": {"seed": seed, "tags": ["bench"]},
    }


def timed(function: Callable[[], Any], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def core_figures() -> None:
    from phtui.core.edit_session import EditSession
    from phtui.core.item_history import VersionState, version_diff

    base = big_content(0)
    # The editor parses its texts: values equal to the baseline, never the same objects.
    mine = {**json.loads(json.dumps(base)), "expected_output": {"answer": "mine"}}
    theirs = {**json.loads(json.dumps(base)), "metadata": {"seed": 1, "tags": ["theirs"]}}
    session = EditSession(base, 3)
    out("plan_ms", timed(lambda: session.plan(mine)), "ms", "~350 KB item; target < 50")
    out(
        "merge_ms",
        timed(lambda: session.merge(theirs, mine, 4).resolve()),
        "ms",
        "~350 KB item; target < 50",
    )
    newer = big_content(1)
    newer["input"]["messages"][100]["content"] = "edited"
    del newer["input"]["messages"][200]
    old_state, new_state = VersionState(1, False, base), VersionState(2, False, newer)
    out(
        "version_diff_ms",
        timed(lambda: version_diff(old_state, new_state)),
        "ms",
        "~350 KB versions; target < 100",
    )


async def ui_figures() -> None:
    from phtui.api import PostHogClient
    from phtui.app import PhTuiApp
    from phtui.config import Settings
    from phtui.core.edit_session import EditSession
    from phtui.screens.datasets.conflict import ThreeWayScreen
    from phtui.screens.datasets.history import ItemHistoryScreen
    from phtui.screens.datasets.item_editor import ItemEditorScreen
    from phtui.server.runner import start_server

    with start_server(seed="empty") as server:
        server.options.lift_limits()
        async with PostHogClient(server.url, server.api_key, server.project_id) as client:
            dataset = await client.create_dataset("bench")
            content = big_content(0)
            item = await client.create_dataset_item(dataset.id, **content)
            for seed in range(1, VERSIONS):
                item = await client.update_dataset_item(
                    item.id,
                    base_version=item.version,
                    expected_output={"answer": f"version {seed}"},
                    metadata={"seed": seed},
                )
            small = await client.create_dataset_item(dataset.id, input={"q": "small"})

            app = PhTuiApp(client=client, mode="datasets", settings=Settings(), host_label="b")
            async with app.run_test(size=(120, 40)) as pilot:

                async def until(condition: Callable[[], bool]) -> None:
                    while not condition():
                        await asyncio.sleep(0.002)
                    await pilot.pause()

                await pilot.pause(0.3)
                # --- history of 40 big versions
                start = time.perf_counter()
                history = ItemHistoryScreen(dataset, item)
                app.push_screen(history)
                await until(lambda: history.loaded and history.table.row_count == VERSIONS)
                out(
                    "history_open_ms",
                    (time.perf_counter() - start) * 1000,
                    "ms",
                    f"{VERSIONS} versions of ~350 KB over HTTP; target < 1000",
                )
                moves = []
                for _ in range(10):
                    start = time.perf_counter()
                    await pilot.press("down")
                    moves.append((time.perf_counter() - start) * 1000)
                out("history_move_ms", statistics.median(moves), "ms", "target < 150")
                app.pop_screen()
                await pilot.pause()

                # --- the three-way view on small and big fields
                for name, size_kb, note in (
                    ("three_way_open_small_ms", 1, "three ~1 KB fields"),
                    ("three_way_open_ms", 120, "three ~120 KB fields; target < 300"),
                ):
                    merge = EditSession(big_content(0, size_kb), 1).merge(
                        big_content(1, size_kb), big_content(2, size_kb), server_version=2
                    )
                    start = time.perf_counter()
                    view = ThreeWayScreen(merge, title="bench")
                    app.push_screen(view)
                    await until(lambda view=view: view.is_mounted)  # type: ignore[misc]
                    out(name, (time.perf_counter() - start) * 1000, "ms", note)
                    app.pop_screen()
                    await pilot.pause()

                # --- save round trip
                editor = ItemEditorScreen(dataset, small)
                app.push_screen(editor)
                await until(lambda: editor.is_mounted and editor.fields is not None)
                saves = []
                for n in range(SAVES):
                    editor.editor("input").load(f'{{"q": "save {n}"}}', original=False)
                    start = time.perf_counter()
                    await pilot.press("ctrl+s")
                    await until(lambda: not editor.dirty)
                    saves.append((time.perf_counter() - start) * 1000)
                out("save_ms_median", statistics.median(saves), "ms", "local server; target < 150")


def main() -> None:
    os.environ.setdefault("PHTUI_DATA_DIR", tempfile.mkdtemp(prefix="phtui-bench-"))
    core_figures()
    asyncio.run(ui_figures())


if __name__ == "__main__":
    main()
