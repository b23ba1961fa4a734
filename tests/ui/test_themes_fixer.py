"""Pilot tests of the palette fixer and generator on the local server: accept all, accept one,
reject, lock, threshold, pair scope, official themes, read-only, the generator, the editor."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from phtui.api import PostHogClient
from phtui.api.models import DataColorTheme
from phtui.app import PhTuiApp
from phtui.config import Settings
from phtui.core.fixer_settings import FixSettings
from phtui.core.palette_check import PaletteCheck, check_palette
from phtui.screens.themes.editor import ThemeEditorScreen
from phtui.screens.themes.fixer import PaletteFixerScreen
from phtui.screens.themes.generator import PaletteGeneratorScreen
from phtui.screens.themes.overview import ThemesScreen
from phtui.server.runner import RunningServer
from phtui.server.seed import DEFAULT_THEME_COLORS
from phtui.widgets.themes.palette_chart import PaletteChart
from tests.clients import quick_client
from tests.ui.support import wait_until

BRAND = ["#1d4aff", "#f54e00", "#f9bd2b", "#30abc6", "#8f2ee8", "#2b8a3e"]


@asynccontextmanager
async def themes_app(
    server: RunningServer, *, read_only: bool = False
) -> AsyncIterator[tuple[PhTuiApp, Pilot[None], PostHogClient]]:
    async with quick_client(server) as client:
        app = PhTuiApp(
            client=client, mode="themes", read_only=read_only, settings=Settings(), host_label="t"
        )
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
            await wait_until(pilot, lambda: bool(themes(app).themes))
            yield app, pilot, client


def themes(app: PhTuiApp) -> ThemesScreen:
    return next(s for s in app.screen_stack if isinstance(s, ThemesScreen))


async def open_fixer(pilot: Pilot[None], app: PhTuiApp, name: str) -> PaletteFixerScreen:
    screen = themes(app)
    index = next(i for i, theme in enumerate(screen.themes) if theme.name == name)
    screen.query_one("#theme-list", OptionList).highlighted = index
    await pilot.press("f")
    await wait_until(pilot, lambda: isinstance(app.screen, PaletteFixerScreen))
    return await settled(pilot, app)


async def settled(pilot: Pilot[None], app: PhTuiApp) -> PaletteFixerScreen:
    """The fixer once the proposal for its current settings is shown."""
    fixer = app.screen
    assert isinstance(fixer, PaletteFixerScreen)
    await wait_until(pilot, lambda: not fixer.pending)
    return fixer


def editor(app: PhTuiApp) -> ThemeEditorScreen:
    assert isinstance(app.screen, ThemeEditorScreen), app.screen
    return app.screen


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def row(fixer: PaletteFixerScreen, index: int) -> str:
    return str(fixer.query_one("#fixer-colours", OptionList).get_option_at_index(index).prompt)


def palettes(fixer: PaletteFixerScreen, side: str) -> list[tuple[str | None, ...]]:
    return [chart.palette for chart in fixer.query(f"PaletteChart.{side}").results(PaletteChart)]


async def stored(client: PostHogClient, name: str) -> DataColorTheme:
    return next(theme for theme in await client.list_themes() if theme.name == name)


# ---- what the fixer shows -------------------------------------------------------------------


async def test_the_fixer_shows_the_check_the_proposal_and_both_palettes(
    demo_server: RunningServer,
) -> None:
    async with themes_app(demo_server) as (app, pilot, _):
        fixer = await open_fixer(pilot, app, "Brand")
        proposal = fixer.proposal
        assert proposal is not None
        assert proposal == FixSettings().propose(BRAND)  # the core's own answer
        heading = text_of(fixer, "#fixer-heading")
        assert heading.startswith("Brand  6 colours · ")
        assert f"{proposal.before.failure_count} failing → " in heading
        check = text_of(fixer, "#fixer-check")
        assert "ΔE2000 ≥ 10 [-/+]" in check and "protan/deutan/tritan" in check
        change = proposal.changes[0]
        assert f"{change.old_hex} →" in row(fixer, change.index)
        assert f"{change.new_hex} {change.distance:.3f}" in row(fixer, change.index)
        assert palettes(fixer, "before") == [tuple(BRAND)] * 4
        assert palettes(fixer, "after") == [tuple(proposal.palette)] * 4
        charts = list(fixer.query(PaletteChart).results(PaletteChart))
        assert {(chart.kind, chart.dark) for chart in charts} == {
            ("bar", True), ("line", True), ("bar", False), ("line", False),
        }  # fmt: skip
        assert all(chart.series_count == 7 for chart in charts)  # one more: the wrap-around
        failing = text_of(fixer, "#fixer-failures-before")
        assert failing.startswith(f"Failing now ({proposal.before.failure_count})")
        assert "wrap-around" in failing and "on light #ffffff" in failing


# ---- accept all, accept one, reject ---------------------------------------------------------


async def test_accept_all_opens_the_editor_and_saving_stores_the_fix(
    demo_server: RunningServer,
) -> None:
    async with themes_app(demo_server) as (app, pilot, client):
        fixer = await open_fixer(pilot, app, "Brand")
        proposal = fixer.proposal
        assert proposal is not None
        brand = await stored(client, "Brand")
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        state = editor(app).state
        assert state.theme_id == brand.id and state.name == "Brand"
        assert list(state.colors) == list(proposal.palette)
        assert state.changed_fields() == {"colors"}
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        assert (await stored(client, "Brand")).colors == list(proposal.palette)
        await pilot.press("ctrl+z")  # nothing to undo on the list: the save stands


async def test_accept_one_takes_only_the_highlighted_change(demo_server: RunningServer) -> None:
    async with themes_app(demo_server) as (app, pilot, _):
        fixer = await open_fixer(pilot, app, "Brand")
        proposal = fixer.proposal
        assert proposal is not None
        third = next(change for change in proposal.changes if change.index == 2)
        await pilot.press("down", "down", "o")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        expected = list(BRAND)
        expected[2] = third.new_hex
        assert list(editor(app).state.colors) == expected
        await pilot.press("ctrl+z")  # the editor's undo brings the original back
        assert list(editor(app).state.colors) == BRAND


async def test_enter_accepts_one_and_a_kept_colour_says_why_not(
    demo_server: RunningServer,
) -> None:
    async with themes_app(demo_server) as (app, pilot, _):
        fixer = await open_fixer(pilot, app, "Brand")
        await pilot.press("+")  # no longer the colours Brand had when the fixer opened
        await settled(pilot, app)
        await pilot.press("l", "enter")  # row 1 locked: it keeps its value
        await settled(pilot, app)
        await pilot.press("o")
        await pilot.pause()
        assert app.screen is fixer
        assert any("keeps its value" in note.message for note in app._notifications)
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        colors = list(editor(app).state.colors)
        assert colors[0] == BRAND[0] and colors[2:] == BRAND[2:] and colors[1] != BRAND[1]


async def test_reject_changes_nothing(demo_server: RunningServer) -> None:
    async with themes_app(demo_server) as (app, pilot, client):
        await open_fixer(pilot, app, "Brand")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        assert (await stored(client, "Brand")).colors == BRAND


# ---- locks, threshold, pairs ----------------------------------------------------------------


async def test_a_locked_colour_never_moves(demo_server: RunningServer) -> None:
    async with themes_app(demo_server) as (app, pilot, _):
        fixer = await open_fixer(pilot, app, "Brand")
        await pilot.press("l")
        assert row(fixer, 0).endswith("#1d4aff  locked")  # said at once, before the answer
        fixer = await settled(pilot, app)
        assert fixer.settings.locked == {0}
        assert fixer.proposal is not None and fixer.proposal.locked == {0}
        assert all(change.index != 0 for change in fixer.proposal.changes)
        assert fixer.proposal == FixSettings(locked=frozenset({0})).propose(BRAND)
        await pilot.press("space")  # unlock
        fixer = await settled(pilot, app)
        assert fixer.settings.locked == frozenset()
        assert any(change.index == 0 for change in fixer.proposal.changes)  # type: ignore[union-attr]


async def test_the_threshold_is_visible_and_changes_with_keys(demo_server: RunningServer) -> None:
    async with themes_app(demo_server) as (app, pilot, _):
        fixer = await open_fixer(pilot, app, "Brand")
        await pilot.press("+", "+", "+", "+", "+")  # keystrokes never queue up runs
        fixer = await settled(pilot, app)
        assert fixer.settings.threshold == 15
        assert "ΔE2000 ≥ 15 (default 10)" in text_of(fixer, "#fixer-check")
        assert fixer.proposal is not None
        assert fixer.proposal.before.check == PaletteCheck(min_distance=15, min_cvd_distance=15)
        assert fixer.proposal == FixSettings(threshold=15).propose(BRAND)
        await pilot.press("minus")
        for _ in range(12):
            await pilot.press("minus")
        fixer = await settled(pilot, app)
        assert fixer.settings.threshold == 2
        assert fixer.proposal is not None and fixer.proposal.before.check.min_distance == 2


async def test_neighbours_only_checks_adjacent_and_wrap_around_pairs(
    demo_server: RunningServer,
) -> None:
    async with themes_app(demo_server) as (app, pilot, _):
        fixer = await open_fixer(pilot, app, "Default Theme")
        assert fixer.proposal is not None and not fixer.proposal.solved
        await pilot.press("n")
        fixer = await settled(pilot, app)
        assert "neighbours and wrap-around only [n]" in text_of(fixer, "#fixer-check")
        assert fixer.proposal is not None and fixer.proposal.solved  # 15 colours can be solved
        assert "all pass after the fix" in text_of(fixer, "#fixer-heading")


# ---- official themes and read-only ----------------------------------------------------------


async def test_accepting_a_fix_of_an_official_theme_opens_a_copy(
    demo_server: RunningServer,
) -> None:
    async with themes_app(demo_server) as (app, pilot, client):
        fixer = await open_fixer(pilot, app, "Default Theme")
        assert "★ Official: accepting opens a copy to save." in text_of(fixer, "#fixer-heading")
        proposal = fixer.proposal
        assert proposal is not None
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        state = editor(app).state
        assert state.is_new and state.name == "Default Theme (fixed)"
        assert list(state.colors) == list(proposal.palette)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        assert (await stored(client, "Default Theme (fixed)")).colors == list(proposal.palette)
        assert (await stored(client, "Default Theme")).colors == DEFAULT_THEME_COLORS


async def test_read_only_sessions_may_look_but_not_accept(demo_server: RunningServer) -> None:
    async with themes_app(demo_server, read_only=True) as (app, pilot, _):
        fixer = await open_fixer(pilot, app, "Brand")
        assert fixer.check_action("accept_all", ()) is None
        await pilot.press("a")
        await pilot.pause()
        assert app.screen is fixer
        assert any("Read-only mode" in note.message for note in app._notifications)
        await pilot.press("+")  # looking around is fine
        assert (await settled(pilot, app)).settings.threshold == 11


# ---- the generator --------------------------------------------------------------------------


async def test_generate_from_the_fixer_opens_a_new_theme(demo_server: RunningServer) -> None:
    async with themes_app(demo_server) as (app, pilot, _):
        await open_fixer(pilot, app, "Brand")
        await pilot.press("down", "l", "ctrl+g")  # the locked #f54e00 is the brand colour
        await wait_until(pilot, lambda: isinstance(app.screen, PaletteGeneratorScreen))
        generator = app.screen
        assert isinstance(generator, PaletteGeneratorScreen)
        assert generator.query_one("#brand", Input).value == "#f54e00"
        assert generator.query_one("#count", Input).value == "6"
        await wait_until(pilot, lambda: not generator.pending)
        generator.query_one("#count", Input).value = "8"
        await wait_until(pilot, lambda: not generator.pending and len(generator.palette) == 8)
        palette = list(generator.palette)
        assert palette[0] == "#f54e00"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        state = editor(app).state
        assert state.is_new and list(state.colors) == palette


async def test_the_generator_says_what_is_wrong_with_its_fields(
    demo_server: RunningServer,
) -> None:
    async with themes_app(demo_server) as (app, pilot, _):
        await open_fixer(pilot, app, "Brand")
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: isinstance(app.screen, PaletteGeneratorScreen))
        generator = app.screen
        assert isinstance(generator, PaletteGeneratorScreen)
        generator.query_one("#brand", Input).value = "#1d4aff, nope"
        await pilot.pause()
        status = text_of(generator, "#generator-status")
        assert status.startswith("Brand colours: ") and "nope" in status
        assert generator.check_action("use", ()) is None
        generator.query_one("#brand", Input).value = "#1d4aff"
        generator.query_one("#count", Input).value = "99"
        await pilot.pause()
        assert text_of(generator, "#generator-status") == "Colours: enter 1 to 40."
        generator.query_one("#count", Input).value = "5"
        await wait_until(pilot, lambda: not generator.pending and len(generator.palette) == 5)
        assert check_palette(generator.palette).failure_count <= 1
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, PaletteFixerScreen))


# ---- from the theme editor ------------------------------------------------------------------


async def test_the_editor_fixes_and_generates_into_its_draft(demo_server: RunningServer) -> None:
    async with themes_app(demo_server) as (app, pilot, _):
        screen = themes(app)
        screen.query_one("#theme-list", OptionList).highlighted = 1  # Brand
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        edit = editor(app)
        await pilot.press("ctrl+f")  # from the hex field: ctrl keys work anywhere in the editor
        fixer = await settled(pilot, app)
        assert fixer.proposal is not None
        await pilot.press("a")
        await wait_until(pilot, lambda: app.screen is edit)
        assert list(edit.state.colors) == list(fixer.proposal.palette)
        assert edit.state.theme_id is not None  # still the edit of Brand, not a new theme

        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: isinstance(app.screen, PaletteGeneratorScreen))
        generator = app.screen
        assert isinstance(generator, PaletteGeneratorScreen)
        assert generator.query_one("#brand", Input).value == fixer.proposal.palette[0]
        await wait_until(pilot, lambda: not generator.pending)
        await pilot.press("enter")  # Enter in a field uses the palette too
        await wait_until(pilot, lambda: app.screen is edit)
        assert list(edit.state.colors) == generator.palette
        await pilot.press("ctrl+z", "ctrl+z")
        assert list(edit.state.colors) == BRAND


async def test_entries_that_are_not_colours_stay_and_an_empty_palette_has_nothing_to_fix(
    demo_server: RunningServer,
) -> None:
    async with quick_client(demo_server) as c:
        await c.create_theme("Odd", ["#1d4aff", "oops", 7, "#1e4bff"])
        await c.create_theme("Empty", [])
    async with themes_app(demo_server) as (app, pilot, _):
        await pilot.press("r")
        await wait_until(pilot, lambda: any(t.name == "Empty" for t in themes(app).themes))
        fixer = await open_fixer(pilot, app, "Odd")
        assert row(fixer, 1).endswith("oops     not a colour")
        assert row(fixer, 2).endswith("7        not a colour")
        await pilot.press("down", "l")
        assert any("Only colours can be locked" in n.message for n in app._notifications)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        colors = list(editor(app).state.colors)
        assert colors[1:3] == ["oops", "7"]  # as the editor shows JSON that is not text
        await pilot.press("escape", "y")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))

        fixer = await open_fixer(pilot, app, "Empty")
        assert "passes every check: nothing to fix" in text_of(fixer, "#fixer-heading")
        assert fixer.check_action("accept_all", ()) is None
        await pilot.press("l", "o", "ctrl+g")
        await wait_until(pilot, lambda: isinstance(app.screen, PaletteGeneratorScreen))
        generator = app.screen
        assert isinstance(generator, PaletteGeneratorScreen)
        assert generator.query_one("#brand", Input).value == ""
        assert generator.query_one("#count", Input).value == "2"
