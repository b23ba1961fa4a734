"""The theme editor's conflict check and drafts: the item editor's guarantees, for themes.

Themes have no version: a save re-reads the theme and compares it with where the edit started.
"""

from __future__ import annotations

import json
import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from phtui.api import PostHogClient
from phtui.api.models import DataColorTheme
from phtui.app import PhTuiApp
from phtui.config import Settings
from phtui.core.drafts import DraftKey, DraftStore, default_draft_dir
from phtui.screens.confirm import ConfirmScreen
from phtui.screens.datasets.conflict import ThreeWayScreen
from phtui.screens.dialogs import ChoiceScreen
from phtui.screens.themes.editor import ThemeEditorScreen
from phtui.screens.themes.overview import ThemesScreen
from phtui.server.runner import RunningServer
from tests.clients import quick_client
from tests.ui.support import record_calls, wait_until


@pytest.fixture
def draft_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PHTUI_DATA_DIR", str(tmp_path / "data"))
    return default_draft_dir()


@asynccontextmanager
async def themes_app(
    server: RunningServer, **client_options: object
) -> AsyncIterator[tuple[PhTuiApp, Pilot[None], PostHogClient]]:
    async with quick_client(server, **client_options) as client:
        app = PhTuiApp(client=client, mode="themes", settings=Settings(), host_label="t")
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
            await wait_until(pilot, lambda: bool(themes_of(app).themes))
            yield app, pilot, client


def themes_of(app: PhTuiApp) -> ThemesScreen:
    return next(s for s in reversed(app.screen_stack) if isinstance(s, ThemesScreen))


async def open_theme(app: PhTuiApp, pilot: Pilot[None], theme: DataColorTheme) -> ThemeEditorScreen:
    screen = themes_of(app)
    await wait_until(pilot, lambda: any(t.id == theme.id for t in screen.themes))
    index = next(i for i, t in enumerate(screen.themes) if t.id == theme.id)
    screen.query_one("#theme-list", OptionList).highlighted = index
    await pilot.pause()
    await pilot.press("e")
    # The editor, or a draft's question on top of it.
    await wait_until(pilot, lambda: any(isinstance(s, ThemeEditorScreen) for s in app.screen_stack))
    return next(s for s in app.screen_stack if isinstance(s, ThemeEditorScreen))


async def type_colour(pilot: Pilot[None], editor: ThemeEditorScreen, text: str) -> None:
    editor.query_one("#hex", Input).focus()
    await pilot.press("ctrl+a", "ctrl+k", *text)


async def test_a_remote_rename_is_not_overwritten_by_a_colour_edit(server: RunningServer) -> None:
    async with themes_app(server) as (app, pilot, client):
        theme = await client.create_theme("Before", ["#111111", "#222222"])
        await themes_of(app).load_themes(theme.id).wait()
        editor = await open_theme(app, pilot, theme)
        await type_colour(pilot, editor, "#abcdef")
        await client.update_theme(theme.id, name="Renamed elsewhere")
        calls = record_calls(client, "update_theme")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThreeWayScreen))
        view = app.screen
        assert isinstance(view, ThreeWayScreen)
        assert [(f.name, f.state) for f in view.fields] == [
            ("name", "theirs"),
            ("colors", "mine"),
        ]
        await pilot.press("ctrl+s")  # nothing to choose: save the merge
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        assert calls == [{"args": (theme.id,), "colors": ["#abcdef", "#222222"]}]
        stored = await client.get_theme(theme.id)
        assert (stored.name, stored.colors) == ("Renamed elsewhere", ["#abcdef", "#222222"])


async def test_both_renamed_is_a_conflict_settled_per_field(server: RunningServer) -> None:
    async with themes_app(server) as (app, pilot, client):
        theme = await client.create_theme("Both", ["#111111"])
        await themes_of(app).load_themes(theme.id).wait()
        editor = await open_theme(app, pilot, theme)
        editor.query_one("#name", Input).focus()
        await pilot.press("ctrl+a", "ctrl+k", *"Mine")
        await client.update_theme(theme.id, name="Theirs", colors=["#333333"])
        calls = record_calls(client, "update_theme")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThreeWayScreen))
        await pilot.press("escape")  # keep editing: nothing sent, nothing lost
        await wait_until(pilot, lambda: app.screen is editor)
        assert calls == [] and editor.state.name == "Mine"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThreeWayScreen))
        await pilot.press("m", "ctrl+s")  # the name: mine
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        assert calls == [{"args": (theme.id,), "name": "Mine"}]
        stored = await client.get_theme(theme.id)
        assert (stored.name, stored.colors) == ("Mine", ["#333333"])


async def test_taking_the_servers_name_sends_nothing(server: RunningServer) -> None:
    async with themes_app(server) as (app, pilot, client):
        theme = await client.create_theme("Taken", ["#111111"])
        await themes_of(app).load_themes(theme.id).wait()
        editor = await open_theme(app, pilot, theme)
        editor.query_one("#name", Input).focus()
        await pilot.press("ctrl+a", "ctrl+k", *"Mine")
        await client.update_theme(theme.id, name="Theirs")
        calls = record_calls(client, "update_theme")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThreeWayScreen))
        await pilot.press("t", "ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        assert calls == []
        assert (await client.get_theme(theme.id)).name == "Theirs"


async def test_a_palette_survives_the_process_as_a_draft(
    server: RunningServer, draft_dir: Path
) -> None:
    async with themes_app(server) as (app, pilot, client):
        theme = await client.create_theme("Drafted", ["#111111"])
        await themes_of(app).load_themes(theme.id).wait()
        editor = await open_theme(app, pilot, theme)
        await type_colour(pilot, editor, "#123456")
        await wait_until(pilot, lambda: bool(DraftStore(draft_dir).all()), timeout=4)
        [draft] = DraftStore(draft_dir).all()
        assert draft.key == DraftKey(client.host, client.project_id, "theme", str(theme.id))
        assert json.loads(draft.fields["colors"]) == ["#123456"]
        assert draft.baseline == {"name": "Drafted", "colors": ["#111111"]}
        assert stat.S_IMODE(next(draft_dir.iterdir()).stat().st_mode) == 0o600
        await pilot.press("ctrl+q")  # quit: the process ends with the palette unsaved
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await pilot.pause()
    # A new process: the editor offers the draft back.
    async with themes_app(server) as (app, pilot, client):
        editor = await open_theme(app, pilot, theme)
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("r")
        await wait_until(pilot, lambda: app.screen is editor)
        assert editor.state.colors == ("#123456",)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        assert (await client.get_theme(theme.id)).colors == ["#123456"]
        assert DraftStore(draft_dir).all() == []


async def test_a_restored_draft_of_a_theme_renamed_since_shows_the_three_way_view(
    server: RunningServer, draft_dir: Path
) -> None:
    async with themes_app(server) as (app, pilot, client):
        theme = await client.create_theme("Old draft", ["#111111"])
        await themes_of(app).load_themes(theme.id).wait()
        editor = await open_theme(app, pilot, theme)
        await type_colour(pilot, editor, "#654321")
        editor.write_draft()
        editor._leaving_without_draft = True
        app.pop_screen()
        await client.update_theme(theme.id, name="Renamed since")
        await themes_of(app).load_themes(theme.id).wait()
        moved = await client.get_theme(theme.id)
        editor = await open_theme(app, pilot, moved)
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("r")
        await wait_until(pilot, lambda: app.screen is editor)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThreeWayScreen))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        stored = await client.get_theme(theme.id)
        assert (stored.name, stored.colors) == ("Renamed since", ["#654321"])


async def test_discarding_the_edit_drops_its_draft(server: RunningServer, draft_dir: Path) -> None:
    async with themes_app(server) as (app, pilot, client):
        theme = await client.create_theme("Discarded", ["#111111"])
        await themes_of(app).load_themes(theme.id).wait()
        editor = await open_theme(app, pilot, theme)
        await type_colour(pilot, editor, "#abcabc")
        editor.write_draft()
        assert DraftStore(draft_dir).all()
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        assert DraftStore(draft_dir).all() == []


async def test_a_theme_deleted_elsewhere_can_be_saved_as_a_new_one(server: RunningServer) -> None:
    async with themes_app(server) as (app, pilot, client):
        theme = await client.create_theme("Doomed", ["#111111"])
        await themes_of(app).load_themes(theme.id).wait()
        editor = await open_theme(app, pilot, theme)
        await type_colour(pilot, editor, "#0a0b0c")
        await client.delete_theme(theme.id)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        named = [t for t in await client.list_themes() if t.name == "Doomed"]
        assert [t.colors for t in named] == [["#0a0b0c"]]


async def test_a_new_theme_whose_answer_was_lost_is_created_once(server: RunningServer) -> None:
    async with themes_app(server) as (app, pilot, client):
        creates = record_calls(client, "create_theme")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        editor = app.screen
        assert isinstance(editor, ThemeEditorScreen)
        await pilot.press(*"Lost answer")
        server.options.drop_after_commit_next = 1
        await pilot.press("ctrl+s")
        status = editor.query_one("#editor-status")
        await wait_until(pilot, lambda: "Not sure the theme was created" in str(status.render()))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        assert len(creates) == 1
        assert [t.name for t in await client.list_themes()].count("Lost answer") == 1


async def test_ctrl_s_twice_creates_one_theme(server: RunningServer) -> None:
    async with themes_app(server) as (app, pilot, client):
        creates = record_calls(client, "create_theme")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        await pilot.press(*"Twice")
        server.options.latency_ms = 300
        try:
            await pilot.press("ctrl+s", "ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        finally:
            server.options.latency_ms = 0
        assert len(creates) == 1
        assert [t.name for t in await client.list_themes()].count("Twice") == 1
