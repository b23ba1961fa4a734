"""Startup: process start to the first frame showing the theme list from the local server.

Each run spawns a fresh interpreter on a pseudo-terminal (80x24, TERM=xterm-256color, no
COLORTERM), so imports, the first paint and the HTTP round trip are all counted; bytecode is
cached (in a temporary folder) as it is for an installed app. The child
writes CLOCK_MONOTONIC (shared by every process on Linux) to a file right after the frame that
shows the loaded list, then exits; the parent took the same clock just before spawning it.

Four children, interleaved run by run:
- phtui: `PhTuiApp` as the `phtui` command builds it, watched by a tiny timer (no hook in the app).
- shell: the same app with a one-list screen in place of the Themes screen, to tell the shell's
  own cost (imports, settings, client) from the Themes screen's.
- floor: a bare Textual app with Header, a DataTable and Footer that fetches the same list with
  raw httpx and shows it.
- floor_pydantic: the floor plus importing pydantic and pydantic-settings first (as `phtui` does:
  its settings and models are built on them) and nothing else: what those libraries alone add.

    .venv/bin/python benchmarks/startup_bench.py [--runs 21]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path
from typing import Any

THEMES_PATH = "/api/projects/{project}/data_color_themes/"
KINDS = ("phtui", "shell", "floor", "floor_pydantic")


# -- children (run in the spawned interpreter; import only what each needs) ------------------


def _report_and_exit(app: Any, out: str) -> None:
    Path(out).write_text(repr(time.monotonic()), encoding="utf-8")
    app.exit()


def run_phtui_child(url: str, project: int, out: str, *, shell_only: bool = False) -> None:
    # In the order the `phtui` command works (cli.run_app): settings first, then the app. The
    # key comes from POSTHOG_PERSONAL_API_KEY, as for a user (never on the command line).
    from phtui.config import Profile, Settings

    settings = Settings(cli=Profile(host=url, project_id=project))

    from textual import work
    from textual.app import ComposeResult
    from textual.screen import Screen
    from textual.widgets import OptionList

    from phtui.app import PhTuiApp
    from phtui.widgets.key_bar import KeyBar
    from phtui.widgets.title_bar import TitleBar

    class ListScreen(Screen[None]):
        """The least a Themes screen can be: the list of names."""

        def compose(self) -> ComposeResult:
            yield TitleBar()
            yield OptionList()
            yield KeyBar()

        def on_mount(self) -> None:
            self.load()

        @work(exit_on_error=False)
        async def load(self) -> None:
            client = getattr(self.app, "client", None)
            assert client is not None
            themes = await client.list_themes()
            self.query_one(OptionList).add_options(theme.name for theme in themes)

    class TimedApp(PhTuiApp):
        if shell_only:
            MODES = {"themes": ListScreen, "datasets": ListScreen}

        """Watches from outside: the first list widget on screen that has rows. It imports no
        widget the app does not (DataTable alone is ~20 ms), so the watch costs next to nothing."""

        def on_mount(self) -> None:  # runs after PhTuiApp.on_mount (Textual calls both)
            self._watch = self.set_interval(0.002, self._poll)

        def _poll(self) -> None:
            for widget in self.screen.query("OptionList, DataTable"):
                rows = getattr(widget, "option_count", 0) or getattr(widget, "row_count", 0)
                if rows:
                    self._watch.stop()
                    self.call_after_refresh(_report_and_exit, self, out)
                    return

    TimedApp(settings=settings).run()


def run_floor_child(url: str, project: int, out: str, *, with_pydantic: bool = False) -> None:
    if with_pydantic:
        import pydantic  # noqa: F401
        import pydantic_settings  # noqa: F401
    import httpx
    from textual import work
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header

    class FloorApp(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            self.load()

        @work
        async def load(self) -> None:
            headers = {"Authorization": f"Bearer {os.environ['POSTHOG_PERSONAL_API_KEY']}"}
            async with httpx.AsyncClient(base_url=url, headers=headers) as http:
                response = await http.get(THEMES_PATH.format(project=project))
            table = self.query_one(DataTable)
            table.add_columns("Name", "Colours")
            table.add_rows((theme["name"], len(theme["colors"])) for theme in response.json())
            self.call_after_refresh(_report_and_exit, self, out)

    FloorApp().run()


# -- parent ----------------------------------------------------------------------------------


def _drain(fd: int) -> None:
    """Read the child's terminal output so it never blocks on a full pty buffer."""
    while True:
        try:
            if not os.read(fd, 65536):
                return
        except OSError:  # EIO once the child has exited and closed the slave side
            return


def time_child(kind: str, url: str, key: str, project: int, pycache: str) -> float:
    """Seconds from spawning the child to the frame with the list loaded."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    unwanted = ("COLORTERM", "NO_COLOR", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env["TERM"] = "xterm-256color"
    env["POSTHOG_PERSONAL_API_KEY"] = key
    # Bytecode is cached as for an installed app (the warm-up run fills the cache): with
    # PYTHONDONTWRITEBYTECODE set, each run would compile phtui's sources afresh while the floor's
    # libraries come precompiled from site-packages. A temporary prefix keeps the tree clean.
    env["PYTHONPYCACHEPREFIX"] = pycache
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "t")
        command = [sys.executable, __file__, "--child", kind, url, str(project), out]
        reader = threading.Thread(target=_drain, args=(master,), daemon=True)
        reader.start()
        started = time.monotonic()
        child = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env)
        os.close(slave)
        try:
            child.wait(timeout=60)
        finally:
            if child.poll() is None:
                child.kill()
            reader.join(timeout=5)
            os.close(master)
        if not os.path.exists(out):
            raise RuntimeError(f"the {kind} child exited ({child.returncode}) without loading")
        return float(Path(out).read_text(encoding="utf-8")) - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)  # single runs swing by +-25%
    options = parser.parse_args()

    from phtui.server.runner import start_server

    with start_server(seed="demo") as server, tempfile.TemporaryDirectory() as pycache:
        args = (server.url, server.api_key, server.project_id, pycache)
        times: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for kind in times:  # warm the OS file cache; not counted
            time_child(kind, *args)
        for _ in range(options.runs):
            for kind in times:
                times[kind].append(time_child(kind, *args))
    median = {kind: statistics.median(runs) * 1000 for kind, runs in times.items()}
    print(f"startup_to_theme_list_floor: {median['floor']:.0f} ms (median of {options.runs})")
    for kind in ("phtui", "shell", "floor_pydantic"):
        # Each round runs every kind back to back: the ratio within a round is steadier than the
        # ratio of medians when other jobs load the machine unevenly.
        ratio = statistics.median(a / b for a, b in zip(times[kind], times["floor"], strict=True))
        target = "" if kind == "floor_pydantic" else " (target <= 1.3x)"
        print(
            f"startup_to_theme_list_{kind}: {median[kind]:.0f} ms (median of {options.runs}), "
            f"{ratio:.2f}x the floor (median of per-round ratios){target}"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_kind, child_url, child_project, child_out = sys.argv[2:6]
        if child_kind.startswith("floor"):
            with_pydantic = child_kind == "floor_pydantic"
            run_floor_child(child_url, int(child_project), child_out, with_pydantic=with_pydantic)
        else:
            shell = child_kind == "shell"
            run_phtui_child(child_url, int(child_project), child_out, shell_only=shell)
    else:
        main()
