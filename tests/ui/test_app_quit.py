"""The quit guard: ctrl+q asks before unsaved edits are lost, in any screen of any mode."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from textual.app import ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static

from phtui.app import PhTuiApp
from phtui.config import Settings
from phtui.screens.base import PhScreen
from phtui.screens.confirm import ConfirmScreen
from phtui.screens.themes.editor import ThemeEditorScreen
from phtui.screens.themes.overview import ThemesScreen
from phtui.server.runner import RunningServer
from tests.clients import quick_client
from tests.ui.support import wait_until

SIZE = (100, 30)


@asynccontextmanager
async def editing(server: RunningServer, name: str) -> AsyncIterator[tuple[PhTuiApp, Pilot[Any]]]:
    """The real app with the theme editor open on a new own theme called `name`."""
    async with quick_client(server) as client:
        theme = await client.create_theme(name, ["#112233", "#445566"])
        app = PhTuiApp(client=client, settings=Settings(), host_label="t")
        async with app.run_test(size=SIZE) as pilot:
            themes = app.screen
            assert isinstance(themes, ThemesScreen)
            await wait_until(pilot, lambda: any(t.id == theme.id for t in themes.themes))
            index = next(i for i, t in enumerate(themes.themes) if t.id == theme.id)
            themes.query_one("#theme-list", OptionList).highlighted = index
            await pilot.pause()
            await pilot.press("e")
            await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
            yield app, pilot


def question(app: PhTuiApp) -> str:
    assert isinstance(app.screen, ConfirmScreen), app.screen
    return " ".join(str(static.render()) for static in app.screen.query(Static))


async def test_quit_with_an_edited_theme_asks_and_cancel_keeps_the_edit(
    server: RunningServer,
) -> None:
    async with editing(server, "Quit guard kept") as (app, pilot):
        editor = app.screen
        assert isinstance(editor, ThemeEditorScreen)
        assert editor.unsaved_edits() is None
        editor.query_one("#name", Input).value = "Quit guard renamed"
        await pilot.pause()
        what = "the theme “Quit guard renamed” (its draft is kept)"
        assert editor.unsaved_edits() == what

        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert f"Quit and discard unsaved changes in {what}?" in question(app)
        await pilot.press("ctrl+q")  # asked already: no second question on top
        await pilot.pause()
        assert sum(isinstance(screen, ConfirmScreen) for screen in app.screen_stack) == 1

        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is editor)
        assert app.return_code is None  # still running
        assert editor.query_one("#name", Input).value == "Quit guard renamed"
        assert editor.unsaved_edits() is not None


async def test_quit_with_an_edited_theme_quits_once_confirmed(server: RunningServer) -> None:
    async with editing(server, "Quit guard discarded") as (app, pilot):
        editor = app.screen
        assert isinstance(editor, ThemeEditorScreen)
        editor.query_one("#hex", Input).value = "#abcdef"
        await pilot.pause()
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await pilot.pause()
        assert app.return_code == 0


async def test_quit_without_edits_quits_at_once(server: RunningServer) -> None:
    async with editing(server, "Quit guard untouched") as (app, pilot):
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code == 0
        assert not isinstance(app.screen, ConfirmScreen)


class Draft(PhScreen[None]):
    """A screen holding edits, as the datasets item editor does."""

    def __init__(self, dirty: bool, summary: str) -> None:
        super().__init__()
        self.dirty = dirty
        self.summary = summary

    def compose(self) -> ComposeResult:
        yield Static("draft")

    def unsaved_edits(self) -> str | None:
        return self.summary if self.dirty else None


class Plain(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("plain")


class TwoModes(PhTuiApp):
    MODES = {"themes": Plain, "datasets": Plain}


async def test_edits_in_a_hidden_mode_are_found_and_named(server: RunningServer) -> None:
    async with quick_client(server) as client:
        app = TwoModes(client=client, settings=Settings(), host_label="t")
        async with app.run_test(size=SIZE) as pilot:
            await app.switch_mode("datasets")
            await app.push_screen(Draft(True, "the item “row 7”"))
            await app.push_screen(Draft(False, "unused"))
            await app.switch_mode("themes")
            draft = Draft(True, "Scratch")
            await app.push_screen(draft)
            await pilot.pause()
            assert app.unsaved_edits() == ["Scratch", "the item “row 7”"]

            await pilot.press("ctrl+q")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            assert "in Scratch and the item “row 7”?" in question(app)
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is draft)
            draft.dirty = False
            await pilot.press("ctrl+q")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            assert "in the item “row 7”?" in question(app)
            await pilot.press("y")
            await pilot.pause()
            assert app.return_code == 0
