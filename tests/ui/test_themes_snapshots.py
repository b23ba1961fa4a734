"""Snapshots of the Themes screen on the demo data (list, preview, analysis, editor, import).

Each is taken at 120x40 and 80x24. The environment is pinned to a 256-colour terminal without
COLORTERM, outside SSH and tmux, so the colour-depth note is part of every picture.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, TextArea

from phtui.screens.themes.editor import ThemeEditorScreen
from phtui.screens.themes.overview import ThemesScreen
from phtui.screens.themes.palette_import import PaletteImportScreen
from phtui.server.runner import RunningServer
from tests.ui.support import SNAP_SIZES, SnapCompare, settle, snap_mode


@pytest.fixture(autouse=True)
def pinned_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    for name in ("COLORTERM", "TEXTUAL_COLOR_SYSTEM", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("TMUX", raising=False)


async def listed(pilot: Pilot[Any]) -> None:
    screen = pilot.app.screen
    await settle(pilot, lambda: isinstance(pilot.app.screen, ThemesScreen) and bool(screen.themes))


async def select_named(pilot: Pilot[Any], name: str) -> None:
    await listed(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ThemesScreen)
    index = next(i for i, theme in enumerate(screen.themes) if theme.name == name)
    screen.query_one("#theme-list", OptionList).highlighted = index
    await pilot.pause()


async def preview_line_light(pilot: Pilot[Any]) -> None:
    await select_named(pilot, "Brand")
    await pilot.press("c", "b", "plus", "plus")  # line chart, light, 10 series: 7+ wrap
    await settle(pilot, lambda: True)


async def analysis(pilot: Pilot[Any]) -> None:
    await select_named(pilot, "Imported from Looker")
    await pilot.press("a")
    await settle(pilot, lambda: True)


async def editor_with_bad_hex(pilot: Pilot[Any]) -> None:
    await select_named(pilot, "Brand")
    await pilot.press("e")
    await settle(pilot, lambda: isinstance(pilot.app.screen, ThemeEditorScreen))
    await pilot.press("down", "ctrl+a", "ctrl+k", *"#12345")
    await settle(pilot, lambda: True)


async def import_modal(pilot: Pilot[Any]) -> None:
    await listed(pilot)
    await pilot.press("i")
    await settle(pilot, lambda: isinstance(pilot.app.screen, PaletteImportScreen))
    pilot.app.screen.query_one(TextArea).insert("#1d4aff, #f54e00; teal\nrgb(34, 139, 34) tomato")
    await settle(pilot, lambda: True)


@pytest.mark.parametrize("size", SNAP_SIZES)
def test_theme_list(
    snap_compare: SnapCompare, demo_server: RunningServer, size: tuple[int, int]
) -> None:
    assert snap_mode(snap_compare, demo_server, "themes", size, listed)


@pytest.mark.parametrize("size", SNAP_SIZES)
def test_preview(
    snap_compare: SnapCompare, demo_server: RunningServer, size: tuple[int, int]
) -> None:
    assert snap_mode(snap_compare, demo_server, "themes", size, preview_line_light)


@pytest.mark.parametrize("size", SNAP_SIZES)
def test_analysis(
    snap_compare: SnapCompare, demo_server: RunningServer, size: tuple[int, int]
) -> None:
    assert snap_mode(snap_compare, demo_server, "themes", size, analysis)


@pytest.mark.parametrize("size", SNAP_SIZES)
def test_editor(
    snap_compare: SnapCompare, demo_server: RunningServer, size: tuple[int, int]
) -> None:
    assert snap_mode(snap_compare, demo_server, "themes", size, editor_with_bad_hex)


def test_import_modal(snap_compare: SnapCompare, demo_server: RunningServer) -> None:
    assert snap_mode(snap_compare, demo_server, "themes", (80, 24), import_modal)
