"""Helpers shared by the UI tests: waiting on a real server, pressing widgets, steady snapshots."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button, Input, RadioButton, TextArea

from phtui.api import PostHogClient
from phtui.app import PhTuiApp
from phtui.config import Profile, Settings
from phtui.server.runner import RunningServer


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 10) -> None:
    """Let the app run until `condition` holds (workers talk to a real server), then let the
    frame that follows settle."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.02)
    await pilot.pause()


async def press(pilot: Pilot[Any], selector: str) -> None:
    """Press a button (or radio button) of the top screen, as Enter or a click would."""
    widget = pilot.app.screen.query_one(selector)
    assert isinstance(widget, Button | RadioButton)
    if isinstance(widget, Button):
        widget.press()
    else:
        widget.value = True
    await pilot.pause()


# snap_compare from pytest-textual-snapshot; the sizes every screen's snapshots are taken at.
SnapCompare = Callable[..., bool]
SNAP_SIZES = [(120, 40), (80, 24)]


def demo_app(server: RunningServer, mode: str) -> PhTuiApp:
    """The app as `phtui` builds it from settings, on `server`, with a fixed header label."""
    settings = Settings()
    settings.cli = Profile(host=server.url, project_id=server.project_id, api_key=server.api_key)
    return PhTuiApp(settings=settings, mode=mode, host_label="demo")


async def settle(pilot: Pilot[Any], condition: Callable[[], bool]) -> None:
    """Wait for `condition`, then stop cursors blinking: a snapshot must not depend on time."""
    await wait_until(pilot, condition, timeout=8)
    for widget in pilot.app.screen.query("TextArea, Input"):
        assert isinstance(widget, TextArea | Input)
        widget.cursor_blink = False
    await pilot.pause()


def record_calls(client: PostHogClient, method: str) -> list[dict[str, Any]]:
    """Wrap a client method to record its arguments (the call still goes to the server): each
    call as `{"args": positional, **keywords}`."""
    calls: list[dict[str, Any]] = []
    original = getattr(client, method)

    async def recording(*args: Any, **kwargs: Any) -> Any:
        calls.append({"args": args, **kwargs})
        return await original(*args, **kwargs)

    setattr(client, method, recording)
    return calls


def snap_mode(
    snap_compare: SnapCompare,
    server: RunningServer,
    mode: str,
    size: tuple[int, int],
    run_before: Callable[[Pilot[Any]], Awaitable[None]],
) -> bool:
    """Compare the app opened in `mode` on `server`, after `run_before`, with its snapshot."""
    return snap_compare(demo_app(server, mode), terminal_size=size, run_before=run_before)
