"""Pilot tests of every Themes screen action against the real local server."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import ContentSwitcher, Input, OptionList, Static, TextArea

from phtui.api import PostHogClient
from phtui.api.errors import NotFoundError
from phtui.api.models import DataColorTheme
from phtui.app import PhTuiApp
from phtui.config import Settings
from phtui.core.clipboard import osc52_sequence
from phtui.screens.confirm import ConfirmScreen
from phtui.screens.themes.editor import ThemeEditorScreen
from phtui.screens.themes.overview import ThemesScreen
from phtui.screens.themes.palette_import import PaletteImportScreen
from phtui.server.runner import RunningServer
from phtui.widgets.themes.palette_analysis import PaletteAnalysis
from phtui.widgets.themes.palette_chart import PaletteChart
from phtui.widgets.themes.swatches import SwatchGrid
from tests.clients import quick_client
from tests.ui.support import record_calls, wait_until

DEFAULT_THEME = [
    "#1d4aff", "#621da6", "#42827e", "#ce0e74", "#f14f58", "#7c440e", "#529a0a", "#0476fb",
    "#fe729e", "#35416b", "#41cbc4", "#b64b02", "#e4a604", "#a56eff", "#30d5c8",
]  # fmt: skip


@asynccontextmanager
async def themes_app(
    server: RunningServer, *, read_only: bool = False, size: tuple[int, int] = (120, 40)
) -> AsyncIterator[tuple[PhTuiApp, Pilot[None], PostHogClient]]:
    async with quick_client(server) as client:
        app = PhTuiApp(
            client=client, mode="themes", read_only=read_only, settings=Settings(), host_label="t"
        )
        async with app.run_test(size=size) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
            await wait_until(pilot, lambda: bool(themes_screen(app).themes))
            await pilot.pause()
            yield app, pilot, client


def themes_screen(app: PhTuiApp) -> ThemesScreen:
    for candidate in reversed(app.screen_stack):
        if isinstance(candidate, ThemesScreen):
            return candidate
    raise AssertionError(f"no ThemesScreen in {app.screen_stack}")


async def select(pilot: Pilot[None], app: PhTuiApp, theme_id: int) -> None:
    screen = themes_screen(app)
    index = next(i for i, t in enumerate(screen.themes) if t.id == theme_id)
    screen.query_one("#theme-list", OptionList).highlighted = index
    await pilot.pause()


async def create(server: RunningServer, name: str, colors: list[Any]) -> DataColorTheme:
    async with quick_client(server) as client:
        return await client.create_theme(name, colors)


def editor(app: PhTuiApp) -> ThemeEditorScreen:
    assert isinstance(app.screen, ThemeEditorScreen), app.screen
    return app.screen


# ---- see ---------------------------------------------------------------------------------


async def test_list_marks_official_themes_and_counts(demo_server: RunningServer) -> None:
    async with themes_app(demo_server) as (app, pilot, _):
        screen = themes_screen(app)
        theme_list = screen.query_one("#theme-list", OptionList)
        assert theme_list.border_title == "Themes (6)"
        assert theme_list.border_subtitle == "5 own · ★ 1 official"
        first = theme_list.get_option_at_index(0).prompt
        assert str(first).strip() == "★ Default Theme"
        assert str(theme_list.get_option_at_index(1).prompt).strip() == "Brand"
        heading = str(screen.query_one("#palette-heading", Static).render())
        assert "★ Official: read-only. d duplicates it to edit a copy." in heading
        # Read-only is said before trying: edit and delete are disabled for the global theme.
        assert screen.check_action("edit", ()) is None
        assert screen.check_action("delete", ()) is None
        assert screen.check_action("duplicate", ()) is True
        await pilot.press("e")  # a disabled key says why rather than nothing
        await pilot.pause()
        assert app.screen is screen
        assert any("Official theme: press d to duplicate" in n.message for n in app._notifications)
        await pilot.press("x")
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert sum("Official theme: press d to duplicate" in note for note in notes) == 2
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert any("Official themes can't be edited" in n.message for n in app._notifications)


async def test_selecting_a_theme_updates_swatches_and_preview(demo_server: RunningServer) -> None:
    async with themes_app(demo_server) as (app, pilot, _):
        screen = themes_screen(app)
        chart = screen.query_one("#chart", PaletteChart)
        assert chart.palette == tuple(DEFAULT_THEME)
        await pilot.press("down")  # Brand
        assert screen.selected is not None and screen.selected.name == "Brand"
        assert chart.palette[:2] == ("#1d4aff", "#f54e00")
        assert screen.query_one("#swatches", SwatchGrid).palette == tuple(screen.selected.colors)
        assert screen.check_action("edit", ()) is True
        # Stored colours from other clients (#f80, teal, rgb()) are shown normalised.
        looker = next(t for t in screen.themes if t.name == "Imported from Looker")
        await select(pilot, app, looker.id)
        assert chart.palette == ("#ff8800", "#008080", "#228b22", "#4b0082", "#1d4aff")


async def test_refresh_shows_themes_created_elsewhere(server: RunningServer) -> None:
    async with themes_app(server) as (app, pilot, client):
        screen = themes_screen(app)
        before = len(screen.themes)
        created = await client.create_theme("Made elsewhere", ["#123456"])
        await pilot.press("r")
        await wait_until(pilot, lambda: len(screen.themes) == before + 1)
        assert any(t.id == created.id for t in screen.themes)


async def test_theme_names_are_plain_text(server: RunningServer) -> None:
    hostile = await create(server, "[bold]x[/bold] \x1b[31m", ["#000000"])
    async with themes_app(server) as (app, pilot, _):
        screen = themes_screen(app)
        await select(pilot, app, hostile.id)
        theme_list = screen.query_one("#theme-list", OptionList)
        prompt = str(theme_list.get_option_at_index(theme_list.highlighted or 0).prompt)
        assert "[bold]x[/bold] \\x1b[31m" in prompt
        heading = str(screen.query_one("#palette-heading", Static).render())
        assert heading.startswith("[bold]x[/bold] \\x1b[31m")


async def test_chart_controls_and_views(demo_server: RunningServer) -> None:
    async with themes_app(demo_server) as (app, pilot, _):
        screen = themes_screen(app)
        chart = screen.query_one("#chart", PaletteChart)
        caption = screen.query_one("#chart-caption", Static)
        assert (chart.kind, chart.dark, chart.series_count) == ("bar", True, 8)
        await pilot.press("c", "b")
        assert (chart.kind, chart.dark) == ("line", False)
        for _ in range(10):
            await pilot.press("plus")
        assert chart.series_count == 18
        assert str(caption.render()) == (
            "Line chart · 18 series · light · series 16+ reuse preset-1…"
        )
        await pilot.press("minus")
        assert chart.series_count == 17
        await pilot.press("a")
        assert screen.query_one("#views", ContentSwitcher).current == "analysis"
        await pilot.pause()
        body = str(screen.query_one(PaletteAnalysis).query_one("#analysis-body", Static).render())
        assert "WCAG contrast on the chart background" in body
        assert "Protanopia" in body and "Closest pair:" in body
        await pilot.press("down")  # the analysis follows the selection
        await pilot.pause()
        body = str(screen.query_one(PaletteAnalysis).query_one("#analysis-body", Static).render())
        assert "#f54e00" in body
        await pilot.press("p")
        assert screen.query_one("#views", ContentSwitcher).current == "preview"


async def test_copy_hex_list_and_json_over_osc52(demo_server: RunningServer) -> None:
    async with themes_app(demo_server) as (app, pilot, _):
        assert app._driver is not None
        written: list[str] = []
        original_write = app._driver.write
        app._driver.write = lambda data: (written.append(data), original_write(data))[1]  # type: ignore[method-assign]
        await pilot.press("y")
        assert app.clipboard == "\n".join(DEFAULT_THEME)
        assert osc52_sequence("\n".join(DEFAULT_THEME)) in written
        await pilot.press("Y")
        assert json.loads(app.clipboard) == DEFAULT_THEME
        assert any("Copied 15 colours as JSON" in n.message for n in app._notifications)


@pytest.mark.parametrize(("colorterm", "shown"), [("truecolor", False), (None, True)])
async def test_colour_depth_note(
    demo_server: RunningServer,
    monkeypatch: pytest.MonkeyPatch,
    colorterm: str | None,
    shown: bool,
) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    if colorterm is None:
        monkeypatch.delenv("COLORTERM", raising=False)
    else:
        monkeypatch.setenv("COLORTERM", colorterm)
    async with themes_app(demo_server) as (app, pilot, _):
        note = themes_screen(app).query_one("#depth-note", Static)
        assert note.display is shown
        if shown:
            text = str(note.render())
            assert text.startswith("256 colours: swatches are approximated.")
            assert note.size.height == 1 and text.endswith("esc ✕")  # one line, dismissible
            await pilot.press("escape")
            await wait_until(pilot, lambda: not note.display)
            assert app.screen is themes_screen(app)


# ---- edit --------------------------------------------------------------------------------


async def test_new_theme_starts_from_the_default_theme(server: RunningServer) -> None:
    async with themes_app(server) as (app, pilot, client):
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        screen = editor(app)
        assert list(screen.state.colors) == DEFAULT_THEME
        assert app.focused is screen.query_one("#name", Input)
        await pilot.press("ctrl+s")  # no name yet: refused before any request
        status = str(screen.query_one("#editor-status", Static).render())
        assert "Cannot save: name: This field is required." in status
        await pilot.press(*"Sunrise")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        listing = themes_screen(app)
        await wait_until(pilot, lambda: any(t.name == "Sunrise" for t in listing.themes))
        assert listing.selected is not None and listing.selected.name == "Sunrise"
        stored = await client.get_theme(listing.selected.id)
        assert stored.colors == DEFAULT_THEME and not stored.is_global


async def test_hex_edit_validation_reorder_and_patch_of_colours_only(server: RunningServer) -> None:
    theme = await create(server, "Edit me", ["#111111", "#222222", "#333333"])
    async with themes_app(server) as (app, pilot, client):
        calls = record_calls(client, "update_theme")
        await select(pilot, app, theme.id)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        screen = editor(app)
        hex_input = screen.query_one("#hex", Input)
        chart = screen.query_one("#editor-chart", PaletteChart)
        assert app.focused is hex_input and hex_input.value == "#111111"
        # A bad value: inline message, kept in the field, preview shows the gap.
        await pilot.press("ctrl+a", "ctrl+k", *"#12345")
        assert hex_input.value == "#12345"
        error = str(screen.query_one("#hex-error", Static).render())
        assert "'#12345' is not a colour" in error
        assert chart.palette[0] is None
        await pilot.press("ctrl+s")
        assert "Cannot save: preset-1:" in str(screen.query_one("#editor-status", Static).render())
        assert calls == []
        # Fix it with a CSS name; leaving the row normalises it to lowercase #rrggbb.
        await pilot.press("ctrl+a", "ctrl+k", *"Tomato")
        assert chart.palette[0] == "#ff6347"  # live preview while typing
        assert str(screen.query_one("#hex-error", Static).render()) == ""
        await pilot.press("down")
        assert screen.state.colors[0] == "#ff6347" and screen.state.cursor == 1
        assert hex_input.value == "#222222"
        # Reorder from the colour list: shift+up moves preset-2 to the top.
        screen.query_one("#colors", OptionList).focus()
        await pilot.press("shift+up")
        assert screen.state.colors == ("#222222", "#ff6347", "#333333")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        assert calls == [{"args": (theme.id,), "colors": ["#222222", "#ff6347", "#333333"]}]
        assert (await client.get_theme(theme.id)).name == "Edit me"


async def test_rename_sends_only_the_name(server: RunningServer) -> None:
    theme = await create(server, "Old name", ["#111111"])
    async with themes_app(server) as (app, pilot, client):
        calls = record_calls(client, "update_theme")
        await select(pilot, app, theme.id)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        editor(app).query_one("#name", Input).focus()
        await pilot.press("ctrl+a", "ctrl+k", *"New name", "ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        assert calls == [{"args": (theme.id,), "name": "New name"}]
        stored = await client.get_theme(theme.id)
        assert (stored.name, stored.colors) == ("New name", ["#111111"])


async def test_add_duplicate_remove_undo_redo(server: RunningServer) -> None:
    theme = await create(server, "Ops", ["#111111", "#222222"])
    async with themes_app(server) as (app, pilot, client):
        await select(pilot, app, theme.id)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        screen = editor(app)
        screen.query_one("#colors", OptionList).focus()
        await pilot.press("a")  # PostHog: a copy of the last colour
        assert screen.state.colors == ("#111111", "#222222", "#222222")
        await pilot.press("up", "up", "d")
        assert screen.state.colors == ("#111111", "#111111", "#222222", "#222222")
        await pilot.press("x", "x")
        assert screen.state.colors == ("#111111", "#222222")
        assert screen.query_one("#colors", OptionList).option_count == 2
        await pilot.press("ctrl+z")
        assert screen.state.colors == ("#111111", "#222222", "#222222")
        await pilot.press("ctrl+z", "ctrl+z", "ctrl+z")
        assert screen.state.colors == ("#111111", "#222222")
        assert not screen.state.is_dirty and screen.check_action("undo", ()) is None
        await pilot.press("ctrl+y")
        assert screen.state.colors == ("#111111", "#222222", "#222222")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        assert (await client.get_theme(theme.id)).colors == ["#111111", "#222222", "#222222"]


async def test_unsaved_changes_guard(server: RunningServer) -> None:
    theme = await create(server, "Guarded", ["#111111"])
    async with themes_app(server) as (app, pilot, client):
        await select(pilot, app, theme.id)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        await pilot.press("ctrl+a", "ctrl+k", *"#abcdef", "escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # keep editing
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        assert editor(app).state.colors == ("#abcdef",)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")  # discard
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        assert (await client.get_theme(theme.id)).colors == ["#111111"]
        # Without changes, escape closes at once.
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))


async def test_duplicate_a_whole_theme(server: RunningServer) -> None:
    theme = await create(server, "Original", ["#010203", "#040506"])
    async with themes_app(server) as (app, pilot, client):
        await select(pilot, app, theme.id)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        assert editor(app).state.name == "Original (copy)"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        listing = themes_screen(app)
        await wait_until(pilot, lambda: any(t.name == "Original (copy)" for t in listing.themes))
        copy = next(t for t in listing.themes if t.name == "Original (copy)")
        assert copy.id != theme.id
        assert (await client.get_theme(copy.id)).colors == ["#010203", "#040506"]


async def test_delete_own_theme_with_confirmation(server: RunningServer) -> None:
    theme = await create(server, "Doomed", ["#010203"])
    async with themes_app(server) as (app, pilot, client):
        await select(pilot, app, theme.id)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        assert (await client.get_theme(theme.id)).name == "Doomed"
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        listing = themes_screen(app)
        await wait_until(pilot, lambda: all(t.id != theme.id for t in listing.themes))
        with pytest.raises(NotFoundError):
            await client.get_theme(theme.id)


async def test_paid_plan_refusal_is_shown_in_posthogs_words_and_edit_kept(
    fresh_server: RunningServer,
) -> None:
    theme = await create(fresh_server, "Mine", ["#111111"])
    fresh_server.options.paid_plan = False
    async with themes_app(fresh_server) as (app, pilot, client):
        await select(pilot, app, theme.id)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        screen = editor(app)
        await pilot.press("ctrl+a", "ctrl+k", *"#222222", "ctrl+s")
        status = screen.query_one("#editor-status", Static)
        await wait_until(pilot, lambda: "Not saved" in str(status.render()))
        assert "This feature is only available on paid plans." in str(status.render())
        assert app.screen is screen and screen.state.colors == ("#222222",)
        assert any("only available on paid plans" in n.message for n in app._notifications)
        assert (await client.get_theme(theme.id)).colors == ["#111111"]


async def test_staff_may_edit_global_themes_and_refusal_is_shown(
    fresh_server: RunningServer,
) -> None:
    fresh_server.options.user_is_staff = True
    async with themes_app(fresh_server) as (app, pilot, _):
        screen = themes_screen(app)
        await wait_until(pilot, lambda: screen.is_staff)
        assert screen.check_action("edit", ()) is True
        assert "you are staff" in str(screen.query_one("#palette-heading", Static).render())
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        fresh_server.options.user_is_staff = False  # demoted while editing
        await pilot.press("ctrl+a", "ctrl+k", *"#000000", "ctrl+s")
        status = editor(app).query_one("#editor-status", Static)
        await wait_until(pilot, lambda: "Not saved" in str(status.render()))
        assert "Only staff users can edit global themes." in str(status.render())
        assert editor(app).state.colors[0] == "#000000"


async def test_import_a_pasted_palette_as_a_new_theme(server: RunningServer) -> None:
    async with themes_app(server) as (app, pilot, client):
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, PaletteImportScreen))
        modal = app.screen
        text_area = modal.query_one(TextArea)
        text_area.insert("#ABC, nope")
        await pilot.pause()
        result = str(modal.query_one("#import-result", Static).render())
        assert result.startswith("Colour 2: 'nope' is not a colour")
        assert modal.check_action("apply", ()) is None
        text_area.clear()
        text_area.insert('["#ABC", "rgb(255, 0, 0)", "teal"]')
        await pilot.pause()
        assert str(modal.query_one("#import-result", Static).render()) == "3 colours read."
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        assert editor(app).state.colors == ("#aabbcc", "#ff0000", "#008080")
        await pilot.press(*"Imported", "ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        listing = themes_screen(app)
        await wait_until(pilot, lambda: any(t.name == "Imported" for t in listing.themes))
        created = next(t for t in listing.themes if t.name == "Imported")
        assert (await client.get_theme(created.id)).colors == ["#aabbcc", "#ff0000", "#008080"]


async def test_import_inside_the_editor_is_undoable(server: RunningServer) -> None:
    theme = await create(server, "Replace me", ["#111111"])
    async with themes_app(server) as (app, pilot, _):
        await select(pilot, app, theme.id)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        editor(app).query_one("#colors", OptionList).focus()
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, PaletteImportScreen))
        app.screen.query_one(TextArea).insert("#000 #fff")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        assert editor(app).state.colors == ("#000000", "#ffffff")
        await pilot.press("ctrl+z")
        assert editor(app).state.colors == ("#111111",)


async def test_editor_chart_controls(server: RunningServer) -> None:
    theme = await create(server, "Chart", ["#111111", "#222222"])
    async with themes_app(server) as (app, pilot, _):
        await select(pilot, app, theme.id)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
        screen = editor(app)
        chart = screen.query_one("#editor-chart", PaletteChart)
        await pilot.press("ctrl+t", "ctrl+l")
        assert (chart.kind, chart.dark) == ("line", False)
        screen.query_one("#colors", OptionList).focus()
        await pilot.press("plus")
        caption = str(screen.query_one("#editor-caption", Static).render())
        assert caption == "Line chart · 9 series · light · series 3+ reuse preset-1…"


async def test_read_only_disables_mutating_actions_visibly(demo_server: RunningServer) -> None:
    async with themes_app(demo_server, read_only=True) as (app, pilot, _):
        screen = themes_screen(app)
        await pilot.press("down")  # an own theme
        for action in ("new", "edit", "duplicate", "delete", "import_palette"):
            assert screen.check_action(action, ()) is None, action
        assert screen.check_action("copy", ()) is True
        await pilot.press("n", "e", "d", "x", "i")
        await pilot.pause()
        assert app.screen is screen
        assert [t.name for t in screen.themes][:2] == ["Default Theme", "Brand"]


async def test_every_binding_has_an_id() -> None:
    from textual.binding import Binding

    from phtui.screens.themes.editor import ColourList
    from phtui.screens.themes.palette_import import PaletteImportScreen as Import

    for owner in (ThemesScreen, ThemeEditorScreen, ColourList, Import):
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding) and binding.id, (owner, binding)


async def test_load_failure_is_reported_and_refresh_recovers(fresh_server: RunningServer) -> None:
    fresh_server.options.fail_next = 10  # every retry the client makes fails too
    async with PostHogClient(fresh_server.url, fresh_server.api_key, fresh_server.project_id) as c:
        app = PhTuiApp(client=c, mode="themes", settings=Settings(), host_label="t")
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
            screen = themes_screen(app)
            heading = screen.query_one("#palette-heading", Static)
            await wait_until(pilot, lambda: "Could not load" in str(heading.render()), timeout=15)
            await wait_until(pilot, lambda: bool(app._notifications))
            assert [n.title for n in app._notifications] == ["Load themes failed"]
            assert "PostHog failed with 500" in next(iter(app._notifications)).message
            fresh_server.options.fail_next = 0
            await pilot.press("r")
            await wait_until(pilot, lambda: bool(screen.themes))
            assert screen.themes[0].name == "Default Theme"


async def test_delete_refused_by_the_plan_keeps_the_theme(fresh_server: RunningServer) -> None:
    theme = await create(fresh_server, "Kept", ["#111111"])
    fresh_server.options.paid_plan = False
    async with themes_app(fresh_server) as (app, pilot, client):
        await select(pilot, app, theme.id)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: bool(app._notifications))
        message = next(iter(app._notifications)).message
        assert 'PostHog said: "This feature is only available on paid plans."' in message
        assert (await client.get_theme(theme.id)).name == "Kept"
        assert any(t.id == theme.id for t in themes_screen(app).themes)


async def test_delete_selects_the_next_theme(server: RunningServer) -> None:
    first = await create(server, "Delete first", ["#111111"])
    second = await create(server, "Delete second", ["#222222"])
    async with themes_app(server) as (app, pilot, _):
        await select(pilot, app, first.id)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        screen = themes_screen(app)
        await wait_until(pilot, lambda: all(t.id != first.id for t in screen.themes))
        await wait_until(pilot, lambda: screen.selected is not None)
        assert screen.selected is not None and screen.selected.id == second.id


async def test_import_takes_a_terminal_paste_and_escape_cancels(demo_server: RunningServer) -> None:
    from textual import events

    async with themes_app(demo_server) as (app, pilot, _):
        before = len(themes_screen(app).themes)
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, PaletteImportScreen))
        modal = app.screen
        text_area = modal.query_one(TextArea)
        assert app.focused is text_area
        app.post_message(events.Paste("#000000\n#ffffff\n"))  # as the driver posts a paste
        await wait_until(pilot, lambda: text_area.text == "#000000\n#ffffff\n")
        result = modal.query_one("#import-result", Static)
        await wait_until(pilot, lambda: str(result.render()) == "2 colours read.")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        assert len(themes_screen(app).themes) == before
