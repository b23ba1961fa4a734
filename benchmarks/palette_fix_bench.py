"""Palette fixer speed: propose_fix on hard palettes of 8, 15 and 30 colours, and check_palette.

Printed, one figure a line (`name: value unit`), medians of 21 runs after 2 warm-up runs:

- palette_fix_8_ms_median, palette_fix_15_ms_median (target < 200 ms, so the fixer can run on
  every edit), palette_fix_30_ms_median: every cache emptied before each run, i.e. a palette
  the app has never seen (the worst case);
- palette_fix_15_after_edit_ms_median: the 15-colour fix again after one colour was edited, with
  the caches the previous run left (what the Themes screen does on a keystroke);
- palette_check_15_ms_median: check_palette alone, caches emptied;
- the score and failures before and after each fix, to see what the time bought.

Inputs: PostHog's Default Theme (15 colours: 8 below 3:1 on one of the chart backgrounds, a
near-duplicate pair of teals, 19 pairs confused under simulated dichromacy); its first six plus
two near-duplicates of them (8); and the 15 plus a lighter, hue-shifted copy of each (30).

Run: .venv/bin/python benchmarks/palette_fix_bench.py   (about ten seconds)
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from types import ModuleType

from phtui.core import color_math, palette
from phtui.core.palette_check import check_palette
from phtui.core.palette_fix import propose_fix
from phtui.server.seed import DEFAULT_THEME_COLORS

RUNS = 21
WARM_UP = 2

PALETTE_8 = [*DEFAULT_THEME_COLORS[:6], "#2350f0", "#d01a78"]  # near preset-1 and preset-4
PALETTE_15 = list(DEFAULT_THEME_COLORS)
PALETTE_30 = PALETTE_15 + [
    color_math.oklch_to_hex(lightness + 0.08, chroma * 0.9, hue + 12)
    for lightness, chroma, hue in map(color_math.hex_to_oklch, PALETTE_15)
]


def clear_caches(*modules: ModuleType) -> None:
    """Empty every functools cache in ``modules``: the next call sees colours for the first time."""
    for module in modules:
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def median_ms(work: Callable[[], object], *, before: Callable[[], None] = lambda: None) -> float:
    times = []
    for run in range(WARM_UP + RUNS):
        before()
        start = time.perf_counter()
        work()
        elapsed = (time.perf_counter() - start) * 1000
        if run >= WARM_UP:
            times.append(elapsed)
    return statistics.median(times)


def out(name: str, value: float, unit: str, note: str = "") -> None:
    shown = str(value) if isinstance(value, int) else f"{value:.1f}"
    print(f"{name}: {shown} {unit}" + (f" ({note})" if note else ""), flush=True)


def cold() -> None:
    clear_caches(palette, color_math)


def fix_figures(size: int, colors: Sequence[str], note: str = "") -> None:
    out(
        f"palette_fix_{size}_ms_median",
        median_ms(lambda: propose_fix(colors), before=cold),
        "ms",
        note,
    )
    proposal = propose_fix(colors)
    out(f"palette_fix_{size}_score_before", proposal.before.score, "score")
    out(f"palette_fix_{size}_score_after", proposal.after.score, "score")
    out(f"palette_fix_{size}_failures_before", proposal.before.failure_count, "failures")
    out(f"palette_fix_{size}_failures_after", proposal.after.failure_count, "failures")
    out(f"palette_fix_{size}_colours_changed", len(proposal.changes), "colours")


def main() -> None:
    fix_figures(8, PALETTE_8)
    fix_figures(15, PALETTE_15, "target < 200")
    fix_figures(30, PALETTE_30)

    # A keystroke in one hex field: the previous palette's distances are cached.
    edits = iter(f"#{0x30D5C8 + step:06x}" for step in range(1, 1000))

    def edit_and_fix() -> None:
        PALETTE_15[14] = next(edits)
        propose_fix(PALETTE_15)

    propose_fix(PALETTE_15)
    out("palette_fix_15_after_edit_ms_median", median_ms(edit_and_fix), "ms", "caches warm")
    PALETTE_15[14] = DEFAULT_THEME_COLORS[14]

    out(
        "palette_check_15_ms_median",
        median_ms(lambda: check_palette(PALETTE_15), before=cold),
        "ms",
    )


if __name__ == "__main__":
    main()
