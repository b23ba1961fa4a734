"""Keystroke to frame through a real terminal driver: a child app on a pseudo-terminal.

The parent writes one key byte to the pty (as a terminal does when the user types) and waits for
the child's report that the frame showing the edited line has been handed to the terminal. The
child runs Textual's Linux driver unchanged (input thread, escape parser, writer thread), at
120x40, TERM=xterm-256color, no COLORTERM. Both sides read CLOCK_MONOTONIC, shared by every
process on Linux. The child reports from its driver's `write`: the first frame written after the
document changed (a cursor blink frame in between carries no report).

Children (`kind`):
- json_editor: phtui's `JsonEditor`, the field the item editor shows, on the given text.
- stock: Textual's own TextArea on the same text, set up as the editor sets up a large value
  (no highlighting, no soft wrap, line numbers): the reference for the same work.
- floor: the stock TextArea on a three-line text: what a keystroke costs in a trivial app.

    .venv/bin/python benchmarks/pty_keystrokes.py [--keys 40]   (prints the one-line figures)
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from typing import Any

KINDS = ("json_editor", "stock", "floor")
SIZE = (120, 40)
TYPING_PACE_S = 0.02


def one_line_value(size: int) -> dict[str, str]:
    """An item value whose one string is ``size`` characters (a long document, a base64 blob):
    in the editor, line 2 of its text (row 1) is that long."""
    words = "lorem ipsum dolor sit amet " * (size // 27 + 1)
    return {"document": words[:size], "source": "bench"}


def one_line_text(size: int) -> str:
    """The value's JSON as the editor loads it."""
    from phtui.core.jsondoc import pretty

    return pretty(one_line_value(size))


# -- the child, on the pty -------------------------------------------------------------------------


def run_child(kind: str, size: int, row: int, report_fd: int) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import TextArea

    from phtui.widgets.json_editor import JsonEditor

    text = '{\n  "document": "short"\n}' if kind == "floor" else one_line_text(size)

    class Bench(App[None]):
        def compose(self) -> ComposeResult:
            if kind == "json_editor":
                yield JsonEditor("Input", text, field="input")
            else:
                yield TextArea(text, soft_wrap=False, show_line_numbers=True)

        def on_mount(self) -> None:
            area = self.query_one(TextArea)
            area.focus()
            area.move_cursor((row, 10))
            self.last = (area.document.line_count, len(area.document[row]))
            driver: Any = self._driver
            original = driver.write

            def write(data: str) -> None:
                original(data)
                now = (area.document.line_count, len(area.document[row]))
                if now != self.last:
                    self.last = now
                    os.write(report_fd, f"{time.monotonic()!r}\n".encode())

            driver.write = write
            self.set_timer(0.5, lambda: os.write(report_fd, b"ready\n"))

    Bench().run()


# -- the parent ------------------------------------------------------------------------------------


def _drain(fd: int) -> None:
    """Read the child's terminal output so it never blocks on a full pty buffer."""
    while True:
        try:
            if not os.read(fd, 65536):
                return
        except OSError:  # EIO once the child has exited
            return


def _read_line(fd: int, timeout: float = 30.0) -> str:
    data = b""
    deadline = time.monotonic() + timeout
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise TimeoutError("the child did not report")
        chunk = os.read(fd, 1)
        if not chunk:
            raise RuntimeError("the child exited")
        data += chunk
    return data.decode().strip()


def measure(kind: str, size: int, row: int, keys: int) -> list[float]:
    """Milliseconds from each key byte written to the pty to its frame, ``keys`` keys."""
    master, slave = pty.openpty()
    width, height = SIZE
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
    report_read, report_write = os.pipe()
    env = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    command = [sys.executable, __file__, "--child", kind, str(size), str(row), str(report_write)]
    child = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, pass_fds=(report_write,)
    )
    os.close(slave)
    os.close(report_write)
    reader = threading.Thread(target=_drain, args=(master,), daemon=True)
    reader.start()
    times: list[float] = []
    try:
        if _read_line(report_read, timeout=120) != "ready":
            raise RuntimeError("unexpected report from the child")
        for _ in range(keys):
            started = time.monotonic()
            os.write(master, b"a")
            shown = float(_read_line(report_read))
            times.append((shown - started) * 1000)
            time.sleep(TYPING_PACE_S)
        os.write(master, b"\x11")  # ctrl+q
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
        reader.join(timeout=5)
        os.close(master)
        os.close(report_read)
    return times


def figures(sizes: dict[str, int], keys: int) -> list[tuple[str, float, str]]:
    """(name, median ms, note) for each size: the long line, another line, the references."""
    results: list[tuple[str, float, str]] = []
    floor = statistics.median(measure("floor", 0, 1, keys))
    results.append(("pty_keystroke_floor_ms_median", floor, "a stock TextArea, three lines"))
    for label, size in sizes.items():
        for row, where in ((1, "long_line"), (0, "other_line")):
            times = statistics.median(measure("json_editor", size, row, keys))
            note = f"target < 50; floor {floor:.1f} ms"
            results.append((f"pty_keystroke_one_line_{label}_{where}_ms_median", times, note))
        stock = statistics.median(measure("stock", size, 1, max(5, keys // 8)))
        note = "reference: Textual's TextArea, same text and settings"
        results.append((f"pty_keystroke_one_line_{label}_stock_textarea_ms_median", stock, note))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=40)
    options = parser.parse_args()
    for name, value, note in figures({"400kb": 400_000, "1mb": 1_000_000}, options.keys):
        print(f"{name}: {value:.2f} ms ({note})", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        run_child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        main()
