"""Text fields in the theme editor, palette import and connect screens: hostile server text,
key bursts and pastes, undo, and the API key kept out of Textual's log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, OptionList, TextArea

from phtui.app import PhTuiApp
from phtui.config import load_settings
from phtui.screens.connect import ConnectScreen
from phtui.screens.themes.editor import ThemeEditorScreen
from phtui.screens.themes.palette_import import PaletteImportScreen
from phtui.server.runner import RunningServer
from phtui.widgets.fields import SecretInput
from tests.ui.field_support import (
    HOSTILE,
    HOSTILE_LINES,
    OSC52_NAME,
    burst,
    burst_paste,
    drawn_text,
    unsafe_in,
)
from tests.ui.support import press, record_calls, wait_until
from tests.ui.test_themes_screen import create, editor, select, themes_app


def fields_of(screen: Screen[Any]) -> list[Widget]:
    fields = list(screen.query("Input, TextArea"))
    assert fields, f"no text fields on {screen}"
    return fields


async def assert_nothing_unsafe_is_drawn(pilot: Pilot[Any], screen: Screen[Any]) -> None:
    """Every widget of the screen, each text field focused in turn and with hostile text."""
    for field in fields_of(screen):
        if not field.display or field.disabled:
            continue
        if isinstance(field, Input) and not field.value:
            field.value = HOSTILE
        elif isinstance(field, TextArea) and not field.text:
            field.load_text(HOSTILE_LINES)
        field.focus()
        await pilot.pause()
        assert unsafe_in(drawn_text(field)) == [], field
        field.blur()
        await pilot.pause()
        assert unsafe_in(drawn_text(field)) == [], field
    for widget in screen.query("*"):
        assert unsafe_in(drawn_text(widget)) == [], widget


async def open_editor(pilot: Pilot[Any], app: PhTuiApp, theme_id: int) -> ThemeEditorScreen:
    await select(pilot, app, theme_id)
    await pilot.press("e")
    await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen))
    await pilot.pause()
    return editor(app)


# ---- hostile server text --------------------------------------------------------------------


async def test_theme_editor_fields_draw_server_text_inert_and_save_nothing_untouched(
    server: RunningServer,
) -> None:
    theme = await create(server, OSC52_NAME, ["#1d4aff", HOSTILE])
    async with themes_app(server, size=(80, 24)) as (app, pilot, client):
        screen = await open_editor(pilot, app, theme.id)
        name, hex_field = screen.query_one("#name", Input), screen.query_one("#hex", Input)
        await pilot.press("down")  # the hex field shows the hostile colour
        assert (name.value, hex_field.value) == (OSC52_NAME, HOSTILE)
        for field in (name, hex_field):
            field.focus()
            await pilot.pause()
            drawn = drawn_text(field)
            assert unsafe_in(drawn) == []
            assert "\\x" in drawn  # the field scrolls to the cursor: some escape shows
        updates = record_calls(client, "update_theme")
        await pilot.press("ctrl+s")
        assert updates == []  # an untouched field saves nothing: the stored value is intact
        assert screen.state.name == OSC52_NAME and screen.state.colors[1] == HOSTILE
        await assert_nothing_unsafe_is_drawn(pilot, screen)


async def test_palette_import_draws_pasted_and_given_text_inert(server: RunningServer) -> None:
    async with themes_app(server, size=(80, 24)) as (app, pilot, _):
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, PaletteImportScreen))
        modal = app.screen
        area = modal.query_one(TextArea)
        app.post_message(events.Paste(HOSTILE_LINES))
        await wait_until(pilot, lambda: bool(area.text))
        assert unsafe_in(area.text) == []  # pasted unsafe characters are written as escapes
        await assert_nothing_unsafe_is_drawn(pilot, modal)
        await pilot.press("escape")
        app.push_screen(PaletteImportScreen(HOSTILE_LINES))  # text handed in stays as it is
        await wait_until(pilot, lambda: isinstance(app.screen, PaletteImportScreen))
        await pilot.pause()
        assert app.screen.query_one(TextArea).text.count("\x1b") == HOSTILE_LINES.count("\x1b")
        await assert_nothing_unsafe_is_drawn(pilot, app.screen)


@pytest.fixture
def no_env_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("POSTHOG_PERSONAL_API_KEY", "POSTHOG_HOST", "POSTHOG_PROJECT_ID", "PHTUI_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PHTUI_CONFIG", str(tmp_path / "config.toml"))


async def test_connect_fields_draw_hostile_text_inert(no_env_key: None) -> None:
    app = PhTuiApp(settings=load_settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ConnectScreen))
        await pilot.press("right", "right")  # Custom host: its field shows
        await assert_nothing_unsafe_is_drawn(pilot, app.screen)
        assert app.screen.query_one("#key", Input).value == HOSTILE  # the value is kept


# ---- bursts and pastes in the theme editor ----------------------------------------------------


async def test_hex_and_name_fields_take_a_burst_exactly_as_typed(server: RunningServer) -> None:
    theme = await create(server, "Brand", ["#1d4aff", "#f54e00", "#f9bd2b"])
    async with themes_app(server, size=(80, 24)) as (app, pilot, client):
        screen = await open_editor(pilot, app, theme.id)
        hex_field, name = screen.query_one("#hex", Input), screen.query_one("#name", Input)
        assert app.focused is hex_field
        burst(app, "ctrl+u", *"#654321")  # tmux send-keys C-u '#654321', one burst
        await wait_until(pilot, lambda: screen.state.colors[0] == "#654321", timeout=3)
        assert hex_field.value == "#654321"
        burst(app, "ctrl+a", "ctrl+k", *"tomato")
        await wait_until(pilot, lambda: screen.state.colors[0] == "tomato", timeout=3)
        # Typing, moving to the next colour and typing again, with no pause anywhere.
        burst(app, "down", "ctrl+u", *"#abcdef", "down", *"#123", "up")
        await wait_until(pilot, lambda: screen.state.cursor == 1, timeout=3)
        await wait_until(pilot, lambda: screen.state.colors[2] == "#112233", timeout=3)
        # Each row as typed, normalised once left ("tomato" and "#123" too).
        assert screen.state.colors == ("#ff6347", "#abcdef", "#112233")
        assert hex_field.value == "#abcdef"
        name.focus()
        await pilot.pause()  # the name is selected on focus
        burst(app, "end", *" v2")
        await wait_until(pilot, lambda: screen.state.name == "Brand v2", timeout=3)
        updates = record_calls(client, "update_theme")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(updates))
        assert updates[0]["name"] == "Brand v2"
        assert updates[0]["colors"] == ["#ff6347", "#abcdef", "#112233"]


async def test_hex_field_takes_a_bracketed_paste_after_a_key(server: RunningServer) -> None:
    theme = await create(server, "Paste", ["#1d4aff"])
    async with themes_app(server, size=(80, 24)) as (app, pilot, _):
        screen = await open_editor(pilot, app, theme.id)
        burst(app, "ctrl+u")
        burst_paste(app, "#654321\r\n")  # tmux paste-buffer -p: one line with its line end
        await wait_until(pilot, lambda: screen.state.colors == ("#654321",), timeout=3)
        await pilot.press("ctrl+z")
        assert screen.state.colors == ("#1d4aff",)
        assert screen.query_one("#hex", Input).value == "#1d4aff"


async def test_list_keys_and_undo_after_typing_in_a_burst(server: RunningServer) -> None:
    theme = await create(server, "Undo", ["#111111", "#222222"])
    async with themes_app(server, size=(80, 24)) as (app, pilot, _):
        screen = await open_editor(pilot, app, theme.id)
        burst(app, *"#333", "ctrl+z")  # undo what was just typed, before the screen saw it
        await wait_until(pilot, lambda: screen.query_one("#hex", Input).value == "#111111")
        assert screen.state.colors == ("#111111", "#222222")
        screen.query_one("#colors", OptionList).focus()
        await pilot.pause()
        burst(app, "d", "tab")  # duplicate, then to the hex field
        await wait_until(pilot, lambda: len(screen.state.colors) == 3, timeout=3)


async def test_list_keys_in_a_burst_act_where_the_keys_before_them_left_the_list(
    demo_server: RunningServer,
) -> None:
    """`j e` typed fast on the official theme (first) edits the theme below it: the screen
    sees `e` before the App has run `j`, so it must not judge `e` on the row `j` left."""
    async with themes_app(demo_server, size=(80, 24)) as (app, pilot, _):
        screen = app.screen
        theme_list = screen.query_one("#theme-list", OptionList)
        assert theme_list.highlighted == 0  # ★ Default Theme: e is disabled here
        burst(app, "j", "e")
        await wait_until(pilot, lambda: isinstance(app.screen, ThemeEditorScreen), timeout=3)
        assert editor(app).state.name == "Brand"
        assert not app._notifications  # no "Official theme" refusal on the way
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        burst(app, "k", "e")  # the screen sees `e` while Brand is still highlighted, yet `e`
        # lands on the official theme: refused, and said why
        await wait_until(pilot, lambda: bool(app._notifications), timeout=3)
        assert "Official theme" in next(iter(app._notifications)).message
        assert app.screen is screen


# ---- the palette import box -----------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r", "\n"])
async def test_palette_import_paste_paste_undo_keeps_the_app(
    server: RunningServer, newline: str
) -> None:
    four = newline.join(["#111111", "#222222", "#333333", "#444444"])
    three = newline.join(["#555555", "#666666", "#777777"])
    async with themes_app(server, size=(80, 24)) as (app, pilot, _):
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, PaletteImportScreen))
        area = app.screen.query_one(TextArea)
        app.post_message(events.Paste(four))
        await wait_until(pilot, lambda: area.document.line_count == 4)
        app.post_message(events.Paste(three))
        await wait_until(pilot, lambda: area.document.line_count == 6)
        await pilot.press("ctrl+z")
        assert app.is_running and area.text == four.replace("\r", "\n")
        await pilot.press("ctrl+y", "ctrl+z", "ctrl+z", "ctrl+y")
        assert app.is_running


# ---- the API key and Textual's log ------------------------------------------------------------


async def test_api_key_never_reaches_textuals_log(
    fresh_server: RunningServer,
    no_env_key: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import textual.constants

    log = tmp_path / "textual.log"
    monkeypatch.setattr(textual.constants, "LOG_FILE", str(log))  # as TEXTUAL_LOG=... sets it
    key = fresh_server.api_key
    app = PhTuiApp(settings=load_settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ConnectScreen))
        screen = app.screen
        await press(pilot, "#cloud-custom")
        screen.query_one("#host", Input).value = fresh_server.url
        field = screen.query_one("#key", SecretInput)
        field.focus()
        await pilot.press(*key[:8])  # typed...
        app.post_message(events.Paste(key[8:]))  # ...and pasted
        await wait_until(pilot, lambda: field.value == key)
        await pilot.press("enter")  # Submitted: checks the key in a worker
        await wait_until(pilot, lambda: "Key accepted" in str(screen.query_one("#status").render()))
        projects = screen.query_one("#projects", OptionList)
        ids = [projects.get_option_at_index(i).id for i in range(projects.option_count)]
        projects.highlighted = ids.index(str(fresh_server.project_id))
        projects.action_select()  # probes the key's scopes in a worker, then connects
        await wait_until(pilot, lambda: app.client is not None)
    written = log.read_text()
    assert "SecretInput.Submitted" in written and "_check_key" in written  # the log was on
    assert key not in written and key[8:] not in written and key[:8] not in written
    handled = [line for line in written.splitlines() if ">>> SecretInput" in line]
    assert handled and not any("character=" in line for line in handled)


# ---- caps on palettes -------------------------------------------------------------------------


async def test_palette_import_refuses_what_no_palette_needs_at_once(server: RunningServer) -> None:
    async with themes_app(server, size=(80, 24)) as (app, pilot, _):
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, PaletteImportScreen))
        modal = app.screen
        result = modal.query_one("#import-result")
        for text, message in [
            ("[" * 10_000 + "]" * 10_000, "Not a palette: paste one flat list of colours"),
            (" ".join(["#abcdef"] * 101), "More than 100 colours: a palette holds at most 100"),
        ]:
            modal.query_one(TextArea).clear()
            app.post_message(events.Paste(text))
            await wait_until(pilot, lambda m=message: str(result.render()).startswith(m))
            assert modal.check_action("apply", ()) is None  # nothing to import


async def test_editor_refuses_a_palette_past_the_cap_in_one_line(server: RunningServer) -> None:
    import time

    from phtui.screens.themes.overview import ThemesScreen

    theme = await create(server, "Huge", [f"#{n % 4096:06x}" for n in range(2_000)])
    async with themes_app(server, size=(80, 24)) as (app, pilot, _):
        await select(pilot, app, theme.id)
        started = time.perf_counter()
        await pilot.press("e")
        await wait_until(pilot, lambda: bool(app._notifications))
        await wait_until(pilot, lambda: isinstance(app.screen, ThemesScreen))
        assert time.perf_counter() - started < 5  # it took 84 s before the cap
        [notice] = list(app._notifications)
        assert notice.message == (
            "“Huge” has 2,000 colours: the editor opens palettes of up to 100 "
            "(PostHog's charts use a few dozen)."
        )


async def test_add_stops_at_the_cap_and_says_why(server: RunningServer) -> None:
    theme = await create(server, "Full", ["#000000"] * 100)
    async with themes_app(server, size=(80, 24)) as (app, pilot, _):
        screen = await open_editor(pilot, app, theme.id)
        screen.query_one("#colors", OptionList).focus()
        await pilot.press("a", "d")
        assert len(screen.state.colors) == 100
        status = str(screen.query_one("#editor-status").render())
        assert status.startswith("A palette holds at most 100 colours")


async def test_a_burst_through_the_colour_list_lands_in_the_next_field(
    server: RunningServer,
) -> None:
    theme = await create(server, "Brand", ["#1d4aff", "#f54e00"])
    async with themes_app(server, size=(80, 24)) as (app, pilot, _):
        screen = await open_editor(pilot, app, theme.id)
        name, hex_field = screen.query_one("#name", Input), screen.query_one("#hex", Input)
        burst(app, "shift+tab", "shift+tab", "end", *" v2")  # hex -> list -> name, then type
        await wait_until(pilot, lambda: screen.state.name == "Brand v2", timeout=3)
        burst(app, "tab", "tab", "ctrl+u")  # name -> list -> hex, clear it, then paste
        burst_paste(app, "#654321")
        await wait_until(pilot, lambda: screen.state.colors[0] == "#654321", timeout=3)
        assert app.focused is hex_field and name.value == "Brand v2"


async def test_moving_through_colours_in_a_burst_ends_on_the_last_one(
    server: RunningServer,
) -> None:
    # Each move highlights a list row; the list's messages about it arrive after the burst.
    theme = await create(server, "Moves", ["#111111", "#222222", "#333333", "#444444"])
    async with themes_app(server, size=(80, 24)) as (app, pilot, _):
        screen = await open_editor(pilot, app, theme.id)
        hex_field = screen.query_one("#hex", Input)
        burst(app, "down", "down", "down", "up", "up", "down")
        await wait_until(pilot, lambda: hex_field.value == "#333333", timeout=3)
        for _ in range(5):
            await pilot.pause()
        assert screen.state.cursor == 2 and hex_field.value == "#333333"
