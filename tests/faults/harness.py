"""What every fault cell shares: arming a fault on the live server, the app under test, what
the user can read, and the cell's record (the five checks).

The app under test gets a client with a short read timeout and no retries: the cell is the
fault outlasting the client's own retries (those are `tests/api/test_client_faults.py`'s), so
every layer above the client must handle it. The command line keeps its real client (retries
and all) with only the timeout and backoff shortened, so a cell sees what `phtui` does.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Static

from phtui.api import PostHogClient
from phtui.app import PhTuiApp
from phtui.config import ResolvedProfile, Settings
from phtui.screens.connect import ConnectScreen
from phtui.screens.error import ErrorScreen
from phtui.server.runner import RunningServer
from tests.faults.grid import Cell
from tests.ui.support import wait_until

# The app's read timeout in the cells, and how long a stalled request is held: longer, so the
# client always gives up first. A stall costs the test only the timeout: the server lets go of
# a request whose client hung up.
TIMEOUT_S = 0.75
STALL_MS = 4 * TIMEOUT_S * 1000
REPORT_ENV = "PHTUI_FAULT_REPORT"  # a JSON-lines file the cells append their records to

CHECKS = ("survived", "said", "text_kept", "recovered", "clean")

# What the user must be told, per fault (case-insensitive; any of them).
SAVED = r"(?<!not )\bsaved\b"  # "Saved", never "not saved" or "unsaved"
SAID: dict[str, str] = {
    "timeout_before_commit": r"did not answer in time|not sure|no answer",
    "timeout_after_commit": r"did not answer in time|not sure|no answer|answer was lost|did create|"
    + SAVED,
    "reset_before": r"closed the connection|not sure|no answer|connection problem",
    "reset_after_commit": r"closed the connection|not sure|no answer|answer was lost|did create|"
    + SAVED,
    "http_500": r"\b500\b|server error|internal",
    "http_429": r"throttled|slow down|rate limited",
    "http_401": r"rejected the API key",
    "gone": r"deleted|archived|no longer|not found|no dataset",
    "conflict": r"someone|changed|in use|conflict",
}


_names = itertools.count(1)


def unique_name(prefix: str) -> str:
    """A name no other cell uses (revisioned dataset names are unique in a project); it never
    holds a fault's name, so a message that quotes it cannot pass for saying the fault."""
    return f"{prefix} {next(_names)}"


# -------------------------------------------------------------------------------- faults


def clear_faults(server: RunningServer) -> None:
    options = server.options
    options.latency_ms = 0
    options.fail_next = options.drop_next = options.throttle_next = 0
    options.stall_before_next = options.drop_after_commit_next = 0
    options.stall_after_commit_next = 0
    options.stall_ms = STALL_MS


def arm(server: RunningServer, fault: str, *, read: bool = False, add: bool = False) -> None:
    """Arm a one-shot transport or status fault (`read`: the operation's request is a read,
    so a timeout is latency on every request until `clear_faults`; `add`: one more of it)."""
    options = server.options
    options.stall_ms = STALL_MS
    counter = {
        "timeout_before_commit": "stall_before_next",
        "timeout_after_commit": "stall_after_commit_next",
        "reset_before": "drop_next",
        "reset_after_commit": "drop_after_commit_next",
        "http_500": "fail_next",
        "http_429": "throttle_next",
    }.get(fault)
    if counter is None:
        raise ValueError(f"{fault} is not armed on the server's options")
    if fault == "timeout_before_commit" and read:
        options.latency_ms = STALL_MS
        return
    setattr(options, counter, (getattr(options, counter) if add else 0) + 1)


SERVER_FAULTS = frozenset(
    {
        "timeout_before_commit",
        "timeout_after_commit",
        "reset_before",
        "reset_after_commit",
        "http_500",
        "http_429",
    }
)


def arm_on_call(client: Any, method: str, when_called: Callable[[], None]) -> None:
    """Run `when_called` (arm a fault) as `client.method` is first called: the fault then meets
    that request and not a read the screen makes before it."""
    original = getattr(client, method)
    fired = False

    async def arming(*args: Any, **kwargs: Any) -> Any:
        nonlocal fired
        if not fired:
            fired = True
            when_called()
        return await original(*args, **kwargs)

    setattr(client, method, arming)


# ---------------------------------------------------------------------------- the record


@dataclass
class CellRecord:
    """The five checks of one cell, written to `$PHTUI_FAULT_REPORT` for the benchmark."""

    cell: Cell
    checks: dict[str, bool | None] = field(default_factory=lambda: dict.fromkeys(CHECKS))
    notes: dict[str, str] = field(default_factory=dict)

    def check(self, name: str, ok: bool, note: str = "") -> bool:
        assert name in CHECKS
        self.checks[name] = bool(ok)
        if note:
            self.notes[name] = note[:300]
        return bool(ok)

    def no_text(self, why: str = "nothing is typed in this operation") -> None:
        self.checks["text_kept"] = None
        self.notes["text_kept"] = f"n/a: {why}"

    def verify(self) -> None:
        failed = [name for name, ok in self.checks.items() if ok is False]
        missing = [
            name
            for name, ok in self.checks.items()
            if ok is None and not self.notes.get(name, "").startswith("n/a")
        ]
        assert not failed and not missing, (
            f"{self.cell.id}: failed {failed}, not reached {missing}; notes {self.notes}"
        )

    def to_json(self, outcome: str) -> str:
        return json.dumps(
            {
                "cell": self.cell.id,
                "operation": self.cell.operation,
                "fault": self.cell.fault,
                "generation": self.cell.generation,
                "checks": self.checks,
                "notes": self.notes,
                "outcome": outcome,
            }
        )


def write_record(record: CellRecord, outcome: str) -> None:
    path = os.environ.get(REPORT_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as stream:
            stream.write(record.to_json(outcome) + "\n")


def said_pattern(fault: str, extra: str = "") -> re.Pattern[str]:
    return re.compile(SAID[fault] + (f"|{extra}" if extra else ""), re.IGNORECASE)


# ------------------------------------------------------------------------------- the app


def app_client(server: RunningServer, key: str) -> PostHogClient:
    return PostHogClient(
        server.url,
        key,
        server.project_id,
        timeout=httpx.Timeout(TIMEOUT_S),
        max_retries=0,
        backoff_base=0.01,
    )


def observer(server: RunningServer) -> PostHogClient:
    """A second, separate client: another writer, and the one that reads the server's state."""
    return PostHogClient(
        server.url, server.api_key, server.project_id, timeout=httpx.Timeout(5.0), max_retries=2
    )


@asynccontextmanager
async def running_app(
    server: RunningServer, mode: str
) -> AsyncIterator[tuple[PhTuiApp, Pilot[None], str]]:
    """The app on `server` with a key of its own (a cell may revoke it), started in `mode`."""
    key = server.create_api_key(["*"])
    async with app_client(server, key) as client:
        app = PhTuiApp(client=client, mode=mode, settings=Settings(), host_label="t")
        async with app.run_test(size=(80, 24)) as pilot:
            yield app, pilot, key


def survived(app: PhTuiApp) -> tuple[bool, str]:
    """The app runs, and no "bug in phtui" modal is up (an exception nothing handled)."""
    bug = any(isinstance(screen, ErrorScreen) for screen in app.screen_stack)
    running = app.is_running and app.return_code is None
    return running and not bug, f"running={running} error_modal={bug}"


def screen_lines(app: PhTuiApp) -> list[str]:
    """The lines of text on the screens the user sees: the top screen, and the screens under
    it when it is a modal."""
    shown: list[Any] = []
    for screen in reversed(app.screen_stack):
        shown.append(screen)
        if not isinstance(screen, ModalScreen):
            break
    lines: list[str] = []
    for screen in shown:
        for widget in screen.query(Static):
            try:
                lines.extend(str(widget.render()).splitlines())
            except Exception:  # a widget being torn down
                continue
    lines.append(str(app.sub_title))
    return lines


@dataclass
class Seen:
    """What the user could read before an action: only what appears after it counts."""

    notifications: int
    lines: frozenset[str]

    @classmethod
    def now(cls, app: PhTuiApp) -> Seen:
        return cls(len(app._notifications), frozenset(screen_lines(app)))


def visible_text(app: PhTuiApp, seen: Seen | None = None) -> str:
    """What the user can read now (notifications and screen lines), or only what is new since
    `seen`."""
    notes = list(app._notifications)[seen.notifications if seen else 0 :]
    parts = [f"{n.title}: {n.message}" for n in notes]
    parts.extend(line for line in screen_lines(app) if seen is None or line not in seen.lines)
    return "\n".join(parts)


async def wait_said(
    pilot: Pilot[Any], app: PhTuiApp, pattern: re.Pattern[str], *, seen: Seen, timeout: float = 8
) -> str:
    """Wait until something new the user can read matches `pattern`; the line that matched, or
    "" if nothing did in time."""
    found = ""

    def matched() -> bool:
        nonlocal found
        text = visible_text(app, seen)
        match = pattern.search(text)
        if match:
            start = text.rfind("\n", 0, match.start()) + 1
            end = text.find("\n", match.end())
            found = text[start : end if end >= 0 else None]
        return match is not None

    try:
        await wait_until(pilot, matched, timeout=timeout)
    except AssertionError:
        return ""
    return found


async def reconnect(pilot: Pilot[Any], app: PhTuiApp, server: RunningServer) -> None:
    """The user answers the connect screen a 401 opened with a new, valid key."""
    await wait_until(pilot, lambda: isinstance(app.screen, ConnectScreen))
    connect = app.screen
    assert isinstance(connect, ConnectScreen)
    key = server.create_api_key(["*"])
    connect.dismiss(
        ResolvedProfile(name=None, host=server.url, project_id=server.project_id, api_key=key)
    )
    await wait_until(pilot, lambda: not isinstance(app.screen, ConnectScreen))


async def until(condition: Callable[[], Awaitable[bool]], timeout: float = 8) -> bool:
    """Poll an async condition (the server's state through the observer)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True
