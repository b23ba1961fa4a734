"""Themes screen latency: selecting another theme, and a hex edit, to the preview being rendered.

Runs the real app headless (`run_test()`, 120x40) against the local demo server and drives it
with Pilot key presses. A run starts just before the key press and ends when the chart widget
has finished building its lines for the new palette (its `_build` is wrapped to stamp the time:
that is the first moment the new colours exist as terminal cells). Medians over many runs.

Two ways of pressing the key, both reported:
- `key`: the key event is posted to the app as the terminal driver posts it, and the clock
  stops at the chart build. This is the latency a user feels (it includes Textual's frame
  pacing, up to one 1/60 s frame).
- `pilot`: `Pilot.press`, which also waits for the app to go idle (`wait_for_idle` sleeps in
  20 ms steps), so it carries a harness overhead the user never sees.
`*_screen_code` and `chart_build` are the parts of a run spent in phtui's own code; the rest is
Textual's message passing, layout and compositing of the frame(s).
Floor: the same, for a key that changes nothing followed by a forced rebuild of the chart alone.

    .venv/bin/python benchmarks/ui_bench.py [--runs 40]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from phtui.api import PostHogClient
from phtui.app import PhTuiApp
from phtui.config import Settings
from phtui.screens.themes.editor import ThemeEditorScreen
from phtui.screens.themes.overview import ThemesScreen
from phtui.server.runner import start_server
from phtui.widgets.themes.palette_chart import PaletteChart

TARGET_MS = 50.0


class BuildClock:
    """Stamps the end of every line build of one chart, and keeps how long each build took."""

    def __init__(self, chart: PaletteChart) -> None:
        self.last = 0.0
        self.build_ms: list[float] = []
        original: Callable[[int, int], Any] = chart._build

        def timed(width: int, height: int) -> Any:
            start = time.perf_counter()
            lines = original(width, height)
            self.last = time.perf_counter()
            self.build_ms.append((self.last - start) * 1000)
            return lines

        chart._build = timed  # type: ignore[method-assign]


def time_calls(owner: Any, method: str) -> list[float]:
    """Wrap ``owner.method`` to record each call's duration in ms."""
    durations: list[float] = []
    original = getattr(owner, method)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        result = original(*args, **kwargs)
        durations.append((time.perf_counter() - start) * 1000)
        return result

    setattr(owner, method, timed)
    return durations


async def until(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    deadline = time.perf_counter() + 5
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the preview never rendered")
        await asyncio.sleep(0)


async def measure(
    pilot: Pilot[None], clock: BuildClock, act: Callable[[], Awaitable[None]], runs: int
) -> list[float]:
    samples = []
    for run in range(runs + 3):
        start = time.perf_counter()
        await act()
        await until(pilot, lambda start=start: clock.last > start)  # type: ignore[misc]
        if run >= 3:  # warm-up runs fill caches, as a user's first seconds do
            samples.append((clock.last - start) * 1000)
        await pilot.pause()
    return samples


async def bench(runs: int) -> dict[str, list[float]]:
    with start_server(seed="demo") as server:
        async with PostHogClient(server.url, server.api_key, server.project_id) as client:
            app = PhTuiApp(client=client, mode="themes", settings=Settings(), host_label="bench")
            async with app.run_test(size=(120, 40)) as pilot:
                await until(pilot, lambda: isinstance(app.screen, ThemesScreen))
                screen = app.screen
                assert isinstance(screen, ThemesScreen)
                await until(pilot, lambda: bool(screen.themes))
                chart = screen.query_one("#chart", PaletteChart)
                clock = BuildClock(chart)
                show_ms = time_calls(screen, "_show_selected")
                step = iter(["down", "up"] * runs * 4)

                async def pilot_select() -> None:
                    await pilot.press(next(step))

                async def key_select() -> None:
                    app.post_message(events.Key(next(step), None))

                async def key_no_op() -> None:
                    app.post_message(events.Key("f12", None))
                    chart._invalidate()  # the rebuild alone, no screen work

                theme_list = screen.query_one("#theme-list", OptionList)
                theme_list.highlighted = 1  # between two own themes: the common case
                await pilot.pause()
                show_ms.clear()
                clock.build_ms.clear()
                results = {
                    "select_theme_to_preview_key": await measure(pilot, clock, key_select, runs),
                    # Of which phtui's own work: updating the widgets, then drawing the chart.
                    "select_theme_screen_code": list(show_ms),
                    "chart_build": list(clock.build_ms),
                    "select_theme_to_preview_pilot": await measure(
                        pilot, clock, pilot_select, runs
                    ),
                }
                # Official <-> own: edit/delete change state, so the footer is rebuilt too.
                theme_list.highlighted = 0
                await pilot.pause()
                results["select_official_own_to_preview_key"] = await measure(
                    pilot, clock, key_select, runs
                )
                results["floor_noop_key_to_chart_build"] = await measure(
                    pilot, clock, key_no_op, runs
                )

                screen.query_one("#theme-list", OptionList).highlighted = 1  # an own theme
                await pilot.press("e")
                await until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
                editor = app.screen
                editor_chart = editor.query_one("#editor-chart", PaletteChart)
                editor_clock = BuildClock(editor_chart)
                hex_ms = time_calls(editor, "_refresh_preview")
                assert isinstance(app.focused, Input)
                await pilot.press("end")  # focus selects the whole value: type at its end instead
                keys = iter(["backspace", "e", "backspace", "f"] * runs * 2)

                async def key_hex_edit() -> None:
                    app.post_message(events.Key(next(keys), None))

                async def pilot_hex_edit() -> None:
                    await pilot.press(next(keys))

                results["hex_edit_to_preview_key"] = await measure(
                    pilot, editor_clock, key_hex_edit, runs
                )
                # Of which the editor's refresh: chart palette, inline error, analysis summary.
                results["hex_edit_screen_code"] = list(hex_ms)
                results["hex_edit_to_preview_pilot"] = await measure(
                    pilot, editor_clock, pilot_hex_edit, runs
                )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    results = asyncio.run(bench(args.runs))
    floor = statistics.median(results["floor_noop_key_to_chart_build"])
    for name, samples in results.items():
        median = statistics.median(samples)
        line = f"{name}: {median:.1f} ms"
        if name.endswith("_key"):
            line += f" (target < {TARGET_MS:.0f} ms; floor {floor:.1f} ms; "
            line += f"p90 {statistics.quantiles(samples, n=10)[-1]:.1f} ms)"
        print(line)
    print(f"runs: {args.runs} per figure")


if __name__ == "__main__":
    main()
