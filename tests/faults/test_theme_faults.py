"""Fault cells of the theme editor: saving an edited theme and creating one (`grid.py`).

Themes are the same on both datasets APIs, so these cells run once, on one server."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from phtui.api import PostHogClient
from phtui.api.models import DataColorTheme
from phtui.app import PhTuiApp
from phtui.core.drafts import DraftStore, default_draft_dir
from phtui.screens.connect import ConnectScreen
from phtui.screens.datasets.conflict import ThreeWayScreen
from phtui.screens.dialogs import ChoiceScreen
from phtui.screens.themes.editor import ThemeEditorScreen
from phtui.screens.themes.overview import ThemesScreen
from phtui.server.runner import RunningServer
from tests.faults.grid import Cell, params
from tests.faults.harness import (
    SERVER_FAULTS,
    CellRecord,
    Seen,
    arm,
    arm_on_call,
    clear_faults,
    observer,
    reconnect,
    running_app,
    said_pattern,
    survived,
    unique_name,
    visible_text,
    wait_said,
)
from tests.ui.field_support import burst
from tests.ui.support import wait_until

COLOURS = ["#1d4aff", "#f54e00", "#00a0a0"]


def themes_screen(app: PhTuiApp) -> ThemesScreen:
    root = app.screen_stack[0]
    assert isinstance(root, ThemesScreen)
    return root


async def open_editor(
    app: PhTuiApp, pilot: Pilot[None], theme: DataColorTheme | None
) -> ThemeEditorScreen:
    """`e` on `theme` in the list, or `n` for a new theme."""
    screen = themes_screen(app)
    await wait_until(pilot, lambda: bool(screen.themes))
    if theme is not None:
        await wait_until(pilot, lambda: any(t.id == theme.id for t in screen.themes))
        index = next(i for i, t in enumerate(screen.themes) if t.id == theme.id)
        screen.query_one("#theme-list", OptionList).highlighted = index
        await pilot.pause()
    await pilot.press("e" if theme is not None else "n")
    await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
    editor = app.screen
    assert isinstance(editor, ThemeEditorScreen)
    return editor


async def type_name(pilot: Pilot[None], editor: ThemeEditorScreen, name: str) -> None:
    field = editor.query_one("#name", Input)
    field.focus()
    await pilot.pause()
    burst(pilot.app, "ctrl+a", "ctrl+k", *name)
    await wait_until(pilot, lambda: field.value == name and editor.state.name == name)


async def name_kept(
    editor: ThemeEditorScreen, typed: str, other: PostHogClient
) -> tuple[bool, str]:
    """In the editor, its draft, or (when the fault's answer said it was saved) PostHog."""
    if editor in editor.app.screen_stack:
        if editor.query_one("#name", Input).value == typed:
            return True, "in the editor"
        editor.write_draft()
        draft = DraftStore(default_draft_dir()).load(editor.draft_key)
        if draft is not None and draft.fields.get("name") == typed:
            return True, "in the draft"
        return False, f"the editor holds {editor.state.name!r}"
    if await named(other, typed):
        return True, "saved in PostHog"
    return False, "the editor closed and PostHog has no theme of that name"


async def recover(pilot: Pilot[None], app: PhTuiApp, server: RunningServer) -> None:
    if any(isinstance(screen, ConnectScreen) for screen in app.screen_stack):
        await reconnect(pilot, app, server)


async def named(other: PostHogClient, name: str) -> list[DataColorTheme]:
    return [theme for theme in await other.list_themes() if theme.name == name]


@pytest.mark.parametrize("cell", params("save_theme", "create_theme"))
async def test_theme(cell: Cell, cell_server: RunningServer, record: CellRecord) -> None:
    server, fault = cell_server, cell.fault
    creating = cell.operation == "create_theme"
    async with observer(server) as other:
        theme = None
        if not creating:
            theme = await other.create_theme(unique_name("Before"), COLOURS)
        async with running_app(server, "themes") as (app, pilot, key):
            editor = await open_editor(app, pilot, theme)
            typed = unique_name("Typed")
            await type_name(pilot, editor, typed)
            theirs = ["#111111", "#222222", "#333333"]
            if fault in SERVER_FAULTS:
                method = "create_theme" if creating else "update_theme"
                assert app.client is not None
                arm_on_call(app.client, method, lambda: arm(server, fault))
            elif fault == "http_401":
                server.revoke_api_key(key)
            elif fault == "gone":
                assert theme is not None
                await other.delete_theme(theme.id)
            elif fault == "conflict":
                assert theme is not None
                await other.update_theme(theme.id, colors=theirs)
            seen = Seen.now(app)
            await pilot.press("ctrl+s")
            said = await wait_said(pilot, app, said_pattern(fault), seen=seen)
            record.check("said", bool(said), said or visible_text(app, seen)[-300:])
            record.check("survived", *survived(app))
            record.check("text_kept", *await name_kept(editor, typed, other))
            clear_faults(server)

            saved_already = fault in ("timeout_after_commit", "reset_after_commit") and not creating
            if fault == "gone":
                await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
                await pilot.press("c")  # save it as a new theme
            elif fault == "conflict":
                await wait_until(pilot, lambda: isinstance(app.screen, ThreeWayScreen))
                await pilot.press("ctrl+s")  # nothing conflicts: save the merge
            elif not saved_already:
                await recover(pilot, app, server)
                await wait_until(pilot, lambda: app.screen is editor)
                await pilot.press("ctrl+s")
            try:
                await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
                record.check("recovered", True)
            except AssertionError:
                record.check("recovered", False, visible_text(app)[-300:])

        found = await named(other, typed)
        colours = theirs if fault == "conflict" else COLOURS if theme else None
        ok = len(found) == 1 and (colours is None or found[0].colors == colours)
        note = f"{len(found)} themes named {typed!r}"
        if theme is not None:
            before = await named(other, theme.name)
            ok = ok and not before  # renamed (or, when deleted elsewhere, re-created) once
            note += f"; {len(before)} still named {theme.name!r}"
        record.check("clean", ok, note + f"; colours {[t.colors for t in found]}")
    record.verify()
