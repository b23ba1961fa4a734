"""Run a command in a real pseudo-terminal, as a user's shell would, and read its screen."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_CONTROL = re.compile(r"\x1b\[[0-9;?<>=]*[A-Za-z]")


class Terminal:
    """A child process on a pty: `text()` is everything it wrote, escape sequences removed."""

    def __init__(self, child: subprocess.Popen[bytes], master: int) -> None:
        self.child = child
        self.master = master
        self._chunks: list[bytes] = []
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:  # keep reading, or the app blocks writing to a full terminal
        try:
            while chunk := os.read(self.master, 65536):
                self._chunks.append(chunk)
        except OSError:
            return

    def text(self) -> str:
        return _CONTROL.sub("", b"".join(self._chunks).decode("utf-8", "replace"))

    def wait_for(self, condition: Callable[[str], bool], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not condition(self.text()):
            if time.monotonic() > deadline or self.child.poll() is not None:
                break
            time.sleep(0.05)
        assert condition(self.text()), self.text()[-2000:]

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        if self.child.poll() is None:
            self.child.kill()
            self.child.wait(timeout=10)
        self._reader.join(timeout=5)
        os.close(self.master)


@contextmanager
def terminal(
    args: Sequence[str], *, data_dir: Path, size: tuple[int, int] = (80, 24)
) -> Iterator[Terminal]:
    """`python ARGS` on a `size` (columns, rows) pty, TERM=xterm-256color and no COLORTERM."""
    master, slave = pty.openpty()
    columns, rows = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {name: value for name, value in os.environ.items() if name != "COLORTERM"}
    env |= {"TERM": "xterm-256color", "PHTUI_DATA_DIR": str(data_dir)}
    # This tree's phtui, whatever the child's working directory and the installed copy.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    child = subprocess.Popen(
        [sys.executable, *args], stdin=slave, stdout=slave, stderr=slave, env=env
    )
    os.close(slave)
    running = Terminal(child, master)
    try:
        yield running
    finally:
        running.close()
