"""The fault matrix's totals: every fault (timeouts before and after the commit, resets, 500,
429, a revoked key, an object gone or changed elsewhere) against every operation (the items
list, item save/create/archive, theme save/create, push, pull) on both datasets APIs.

It runs `tests/faults` with `$PHTUI_FAULT_REPORT` set, reads the cells' records and prints, one
figure a line (`name: value unit`):

- fault_cells: cells where the fault can meet the operation (the rest are n/a, with a reason);
- fault_cells_survived: cells where the app (or `phtui`) kept running and passed all five checks
  (survived, said what happened, kept what was typed, recovered, left no duplicate or stray
  change);
- fault_cells_not_applicable, fault_cells_xfail (known failures, each with its reason);
- fault_text_lost: cells where something the user typed was lost (target 0);
- fault_duplicates: cells whose end state on the server was not clean (a second item or theme,
  a change sent twice; target 0);
- fault_silent: cells where the user was not told what happened (target 0);
- fault_matrix_s: the suite's wall time.

Run: .venv/bin/python benchmarks/fault_matrix.py   (about a minute and a half)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.faults.grid import all_cells  # noqa: E402  (the grid, for the n/a cells)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "cells.jsonl"
        env = {**os.environ, "PHTUI_FAULT_REPORT": str(report)}
        env.pop("NO_COLOR", None)
        started = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/faults"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
        records = (
            [json.loads(line) for line in report.read_text().splitlines()]
            if (report.exists())
            else []
        )
    summary = run.stdout.strip().splitlines()[-1:] or ["(no output)"]
    if run.returncode != 0:
        print(run.stdout[-4000:], file=sys.stderr)
    applicable = [r for r in records if r["outcome"] != "skipped"]
    cells = all_cells()
    skipped = len([cell for cell in cells if cell.not_applicable is not None])
    survived = [
        r
        for r in applicable
        if r["outcome"] == "passed" and all(ok is not False for ok in r["checks"].values())
    ]

    def failed(check: str) -> list[str]:
        return [r["cell"] for r in applicable if r["checks"].get(check) is False]

    print(f"fault_cells: {len(applicable)} cells (of {len(cells)} in the grid)")
    print(f"fault_cells_survived: {len(survived)} cells")
    print(f"fault_cells_not_applicable: {skipped} cells")
    print(f"fault_cells_xfail: {len([r for r in records if r['outcome'] == 'xfailed'])} cells")
    for name, check in (
        ("fault_text_lost", "text_kept"),
        ("fault_duplicates", "clean"),
        ("fault_silent", "said"),
    ):
        bad = failed(check)
        print(f"{name}: {len(bad)} cells" + (f"  ({', '.join(bad)})" if bad else ""))
    print(f"fault_matrix_s: {wall:.1f} s")
    print(f"# pytest: {summary[0]}")
    return run.returncode


if __name__ == "__main__":
    raise SystemExit(main())
