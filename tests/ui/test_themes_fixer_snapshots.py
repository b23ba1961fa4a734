"""Snapshots of the palette fixer's before/after view and the generator on the demo data.

At 120x40 and 80x24, pinned like the Themes snapshots to a 256-colour terminal without
COLORTERM (so the colour-depth note is in the picture). The proposal is deterministic.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from phtui.screens.themes.fixer import PaletteFixerScreen
from phtui.screens.themes.generator import PaletteGeneratorScreen
from phtui.screens.themes.overview import ThemesScreen
from phtui.server.runner import RunningServer
from tests.ui.support import SNAP_SIZES, SnapCompare, settle, snap_mode


@pytest.fixture(autouse=True)
def pinned_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    for name in ("COLORTERM", "TEXTUAL_COLOR_SYSTEM", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("TMUX", raising=False)


async def fixer_on(pilot: Pilot[Any], name: str) -> PaletteFixerScreen:
    app = pilot.app
    await settle(pilot, lambda: isinstance(app.screen, ThemesScreen) and bool(app.screen.themes))
    screen = app.screen
    assert isinstance(screen, ThemesScreen)
    index = next(i for i, theme in enumerate(screen.themes) if theme.name == name)
    screen.query_one("#theme-list", OptionList).highlighted = index
    await pilot.press("f")
    await settle(pilot, lambda: isinstance(app.screen, PaletteFixerScreen))
    fixer = app.screen
    assert isinstance(fixer, PaletteFixerScreen)
    await settle(pilot, lambda: not fixer.pending)
    return fixer


async def default_theme_fixed(pilot: Pilot[Any]) -> None:
    await fixer_on(pilot, "Default Theme")


async def brand_locked_and_stricter(pilot: Pilot[Any]) -> None:
    fixer = await fixer_on(pilot, "Brand")
    await pilot.press("l", "+", "+")
    await settle(pilot, lambda: not fixer.pending)


async def generator(pilot: Pilot[Any]) -> None:
    await fixer_on(pilot, "Brand")
    await pilot.press("ctrl+g")
    app = pilot.app
    await settle(pilot, lambda: isinstance(app.screen, PaletteGeneratorScreen))
    screen = app.screen
    assert isinstance(screen, PaletteGeneratorScreen)
    await settle(pilot, lambda: not screen.pending)


@pytest.mark.parametrize("size", SNAP_SIZES)
def test_before_and_after(
    snap_compare: SnapCompare, demo_server: RunningServer, size: tuple[int, int]
) -> None:
    assert snap_mode(snap_compare, demo_server, "themes", size, default_theme_fixed)


@pytest.mark.parametrize("size", SNAP_SIZES)
def test_locked_and_a_stricter_threshold(
    snap_compare: SnapCompare, demo_server: RunningServer, size: tuple[int, int]
) -> None:
    assert snap_mode(snap_compare, demo_server, "themes", size, brand_locked_and_stricter)


def test_generator(snap_compare: SnapCompare, demo_server: RunningServer) -> None:
    assert snap_mode(snap_compare, demo_server, "themes", (80, 24), generator)
