"""Palette fixer as the UI experiences it: key press to the proposal on screen, and how fast
other keys are handled while a proposal is being worked out.

Runs the real app headless (`run_test()`, 120x40) on the local demo server, with PostHog's
Default Theme (15 colours), the demo's Brand (6) and a 30-colour theme (the Default Theme plus
a lighter, hue-shifted copy of each colour, as in palette_fix_bench.py). Keys are posted as the
terminal driver posts them; a run ends when the fixer has put the proposal on screen (its
`_show_proposal` is wrapped to stamp the time). Figures, medians over the runs:

- fixer_open_N_ms: `f` on the Themes screen to the first proposal shown, caches emptied first
  (a palette never seen, the worst case);
- fixer_threshold_N_ms: `+` or `-` to the new proposal shown (the threshold alternates, so each
  run is a new check of colours seen before);
- fixer_compute_N_ms: of which the proposal's own work, in its thread;
- fixer_key_while_computing_N_ms: a `down` key posted right after `+`, to the highlight moving,
  while the proposal for `+` is being worked out (the UI thread shares the GIL with it);
- fixer_key_idle_N_ms: the same key once the proposal is on screen and the app is idle.

    .venv/bin/python benchmarks/fixer_ui_bench.py [--runs 15]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable
from typing import Any

from palette_fix_bench import PALETTE_30, clear_caches
from textual import events
from textual.pilot import Pilot
from textual.widgets import OptionList

from phtui.api import PostHogClient
from phtui.app import PhTuiApp
from phtui.config import Settings
from phtui.core import color_math, palette
from phtui.screens.themes.fixer import PaletteFixerScreen
from phtui.screens.themes.overview import ThemesScreen
from phtui.server.runner import start_server

TARGET_MS = 200.0


async def until(condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the fixer never showed a proposal")
        await asyncio.sleep(0)


class ShowClock:
    """Stamps every time the fixer puts a proposal on screen."""

    def __init__(self, fixer: PaletteFixerScreen) -> None:
        self.last = 0.0
        original: Callable[[], Any] = fixer._show_proposal

        def stamped() -> Any:
            result = original()
            self.last = time.perf_counter()
            return result

        fixer._show_proposal = stamped  # type: ignore[method-assign]


async def bench_theme(pilot: Pilot[None], name: str, runs: int) -> dict[str, list[float]]:
    app = pilot.app
    themes = next(s for s in app.screen_stack if isinstance(s, ThemesScreen))
    index = next(i for i, theme in enumerate(themes.themes) if theme.name == name)
    themes.query_one("#theme-list", OptionList).highlighted = index
    await asyncio.sleep(0.05)
    size = len(themes.themes[index].colors)
    results: dict[str, list[float]] = {f"fixer_open_{size}_ms": []}
    for _ in range(3):  # opening cold, three times
        clear_caches(palette, color_math)
        start = time.perf_counter()
        app.post_message(events.Key("f", "f"))
        await until(lambda: isinstance(app.screen, PaletteFixerScreen) and not app.screen.pending)
        results[f"fixer_open_{size}_ms"].append((time.perf_counter() - start) * 1000)
        app.post_message(events.Key("escape", None))
        await until(lambda: isinstance(app.screen, ThemesScreen))
    app.post_message(events.Key("f", "f"))
    await until(lambda: isinstance(app.screen, PaletteFixerScreen) and not app.screen.pending)
    fixer = app.screen
    assert isinstance(fixer, PaletteFixerScreen)
    clock = ShowClock(fixer)
    colours = fixer.query_one("#fixer-colours", OptionList)
    threshold, compute, busy_key, idle_key = [], [], [], []
    for run in range(runs + 2):
        key = "plus" if run % 2 == 0 else "minus"
        start = time.perf_counter()
        app.post_message(events.Key(key, "+" if key == "plus" else "-"))
        await until(lambda start=start: clock.last > start)  # type: ignore[misc]
        if run >= 2:
            threshold.append((clock.last - start) * 1000)
            compute.append(fixer.compute_ms)
        # A key while the next proposal is being worked out: the highlight must still move.
        app.post_message(events.Key("plus" if key == "minus" else "minus", None))
        await until(lambda: fixer._newest.busy)
        before = colours.highlighted
        start = time.perf_counter()
        app.post_message(events.Key("down" if run % 4 < 2 else "up", None))
        await until(lambda before=before: colours.highlighted != before)  # type: ignore[misc]
        busy_key.append((time.perf_counter() - start) * 1000)
        await until(lambda: not fixer.pending)
        await pilot.pause()  # the new proposal's frame is drawn: nothing is being worked out
        before = colours.highlighted
        start = time.perf_counter()
        app.post_message(events.Key("down" if run % 4 < 2 else "up", None))
        await until(lambda before=before: colours.highlighted != before)  # type: ignore[misc]
        idle_key.append((time.perf_counter() - start) * 1000)
    results |= {
        f"fixer_threshold_{size}_ms": threshold,
        f"fixer_compute_{size}_ms": compute,
        f"fixer_key_while_computing_{size}_ms": busy_key,
        f"fixer_key_idle_{size}_ms": idle_key,
    }
    app.post_message(events.Key("escape", None))
    await until(lambda: isinstance(app.screen, ThemesScreen))
    return results


def themes_listed(app: PhTuiApp) -> bool:
    return isinstance(app.screen, ThemesScreen) and bool(app.screen.themes)


async def bench(runs: int) -> dict[str, list[float]]:
    with start_server(seed="demo") as server:
        async with PostHogClient(server.url, server.api_key, server.project_id) as client:
            await client.create_theme("Thirty", PALETTE_30)
            app = PhTuiApp(client=client, mode="themes", settings=Settings(), host_label="bench")
            async with app.run_test(size=(120, 40)) as pilot:
                await until(lambda: themes_listed(app))
                results: dict[str, list[float]] = {}
                for name in ("Brand", "Default Theme", "Thirty"):
                    results |= await bench_theme(pilot, name, runs)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    for name, samples in asyncio.run(bench(args.runs)).items():
        line = f"{name}: {statistics.median(samples):.1f} ms"
        if name.startswith(("fixer_open", "fixer_threshold")):
            line += f" (max {max(samples):.1f} ms; target < {TARGET_MS:.0f} ms for 15 colours)"
        print(line, flush=True)
    print(f"runs: {args.runs} per threshold figure, 3 per open figure")


if __name__ == "__main__":
    main()
