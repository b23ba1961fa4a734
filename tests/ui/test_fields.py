"""The safe text fields on their own: SafeInput, SecretInput, SafeTextArea and keys in order."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events, on
from textual.app import App, ComposeResult
from textual.widgets import Input, TextArea

from phtui.widgets.fields import SafeInput, SecretInput
from phtui.widgets.json_editor import JsonEditor
from phtui.widgets.text_areas import SafeTextArea
from tests.ui.field_support import HOSTILE, HOSTILE_LINES, burst, burst_paste, drawn_text, unsafe_in
from tests.ui.support import wait_until


class Fields(App[None]):
    def __init__(self, value: str = "", text: str = "") -> None:
        super().__init__()
        self.value = value
        self.text = text
        self.changes: list[str] = []

    def compose(self) -> ComposeResult:
        yield SafeInput(self.value, id="one")
        yield SafeInput("", id="two")
        yield SafeTextArea(self.text, id="area", soft_wrap=False)

    @on(Input.Changed, "#one")
    def _changed(self, event: Input.Changed) -> None:
        self.changes.append(event.value)


# ---- SafeInput: escapes drawn, value intact ------------------------------------------------


async def test_safe_input_draws_escapes_and_keeps_the_value() -> None:
    app = Fields(HOSTILE)
    async with app.run_test(size=(200, 12)) as pilot:
        field = app.query_one("#one", SafeInput)
        for focused in (False, True):
            if focused:
                field.focus()
                await pilot.pause()
            drawn = drawn_text(field)
            assert unsafe_in(drawn) == []
            assert "\\x1b]52;c;U1RQQVk=\\x1b\\ST1" in drawn
            assert "\\u202e" in drawn and "\\u200b" in drawn and "\\x9b" in drawn
        assert field.value == HOSTILE
        assert app.changes == [HOSTILE]  # set once, never rewritten


async def test_cursor_and_clicks_follow_the_drawn_escapes() -> None:
    app = Fields("a\x1bb")  # drawn "a\x1bb": the escape is four cells
    async with app.run_test(size=(40, 12)) as pilot:
        field = app.query_one("#one", SafeInput)
        field.focus()
        await pilot.press("home")
        left = field.cursor_screen_offset.x
        cells = []
        for _ in range(3):
            await pilot.press("right")
            cells.append(field.cursor_screen_offset.x - left)
        # Past "a", past the four cells of "\x1b", at the end (Input adds a cell there).
        assert cells == [1, 5, 7]
        await pilot.click(field, offset=(field.content_region.x - field.region.x + 3, 1))
        assert field.cursor_position == 1  # a click inside the escape lands before it
        await pilot.press("delete")
        assert field.value == "ab"  # the whole escaped character goes at once
        assert unsafe_in(drawn_text(field)) == []


async def test_typing_and_pasting_is_stored_as_typed() -> None:
    app = Fields("x")
    async with app.run_test() as pilot:
        field = app.query_one("#one", SafeInput)
        field.focus()
        await pilot.press("end", *"yz")
        app.post_message(events.Paste("\r\n pasted \x1b[1m line\r\nsecond line\x00"))
        await wait_until(pilot, lambda: field.value != "xyz")
        # First non-blank line of the paste, as pasted; the escape stays in the value.
        assert field.value == "xyz pasted \x1b[1m line"
        assert unsafe_in(drawn_text(field)) == []


# ---- keys in order ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "keys", "expected"),
    [
        ("#1d4aff", ("ctrl+u", *"#654321"), "#654321"),
        ("#1d4aff", ("ctrl+a", "ctrl+k", *"tomato"), "tomato"),
        ("Brand", ("end", *" v2"), "Brand v2"),
        ("abc", ("end", "backspace", "backspace", *"XY", "home", *"<", "end", *">"), "<aXY>"),
    ],
)
async def test_a_burst_of_keys_lands_as_typed(
    start: str, keys: tuple[str, ...], expected: str
) -> None:
    app = Fields(start)
    async with app.run_test() as pilot:
        field = app.query_one("#one", SafeInput)
        field.focus()
        await pilot.pause()  # focused: the value is selected, as Input does
        burst(app, *keys)
        await wait_until(pilot, lambda: field.value == expected, timeout=3)
        assert app.changes[-1] == expected


async def test_keys_after_a_focus_change_in_a_burst_go_to_the_new_focus() -> None:
    app = Fields("")
    async with app.run_test() as pilot:
        one, two = app.query_one("#one", SafeInput), app.query_one("#two", SafeInput)
        one.focus()
        await pilot.pause()
        burst(app, *"ab", "tab", *"cd")
        burst_paste(app, "ef")
        await wait_until(pilot, lambda: two.value == "cdef", timeout=3)
        assert one.value == "ab"


# ---- SecretInput: the value reaches no log ---------------------------------------------------


class KeyForm(App[None]):
    def compose(self) -> ComposeResult:
        yield SecretInput(id="key")
        yield SafeInput(id="other")


async def test_secret_input_reaches_no_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import textual.constants

    log = tmp_path / "textual.log"
    monkeypatch.setattr(textual.constants, "LOG_FILE", str(log))  # as TEXTUAL_LOG sets it
    key = "phx_Z9CANARYq7"
    app = KeyForm()
    async with app.run_test() as pilot:
        field = app.query_one("#key", SecretInput)
        assert field.password
        field.focus()
        await pilot.press(*key[:6])
        app.post_message(events.Paste(key[6:]))
        await wait_until(pilot, lambda: field.value == key)
        burst(app, "ctrl+u", *key[:6])  # held while the binding runs, then handled
        burst_paste(app, key[6:])
        await wait_until(pilot, lambda: field.value == key)
        await pilot.press("enter", "tab")  # Submitted, then Blurred
        await pilot.pause()
        app.log(field)
    written = log.read_text()
    assert "SecretInput.Submitted" in written and "SecretInput.Blurred" in written  # logged...
    assert key not in written and key[6:] not in written  # ...without the key
    handled = [line for line in written.splitlines() if ">>> SecretInput" in line]
    assert any("Key" in line for line in handled) and any("Paste" in line for line in handled)
    assert not any("character=" in line for line in handled)  # no key shows what was typed
    assert key not in repr(field) and key not in str(field.Changed(field, key))


async def test_secret_input_messages_reach_input_handlers() -> None:
    received: list[str] = []

    class Form(KeyForm):
        def on_input_changed(self, event: Input.Changed) -> None:
            received.append(event.value)

    app = Form()
    async with app.run_test() as pilot:
        app.query_one("#key", SecretInput).focus()
        await pilot.press("a")
        await wait_until(pilot, lambda: received[-1:] == ["a"])


# ---- SafeTextArea ----------------------------------------------------------------------------


async def test_text_area_never_draws_an_unsafe_character() -> None:
    app = Fields(text=HOSTILE_LINES)
    async with app.run_test(size=(220, 12)) as pilot:
        area = app.query_one(SafeTextArea)
        area.focus()
        await pilot.pause()
        # The loaded text is kept (Textual's Document splits lines at \u2028 and \r too).
        assert area.text.count("\x1b") == HOSTILE_LINES.count("\x1b")
        drawn = drawn_text(area)
        assert unsafe_in(drawn) == []
        assert "␛]52;c;U1RQQVk=␛\\ST1" in drawn


async def test_text_area_pastes_are_normalised_and_visible() -> None:
    app = Fields()
    async with app.run_test(size=(100, 12)) as pilot:
        area = app.query_one(SafeTextArea)
        area.focus()
        app.post_message(events.Paste("#111\r\n#222\r#333\x00\n\x1b[31m\u202e"))
        await wait_until(pilot, lambda: bool(area.text))
        assert area.text == "#111\n#222\n#333\n\\x1b[31m\\u202e"
        assert unsafe_in(drawn_text(area)) == []


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"])
async def test_undo_after_pastes_that_change_the_scrollbar_does_not_crash(newline: str) -> None:
    # Paste four lines, then three, into a box four lines tall; ctrl+z once crashed the app
    # ("The document line index 4 is out of bounds") when undoing hid the scrollbar.
    class Box(App[None]):
        CSS = "SafeTextArea { height: 6; }"

        def compose(self) -> ComposeResult:
            yield SafeTextArea(soft_wrap=True, show_line_numbers=False)

    four = newline.join(f"#{n}{n}{n}{n}{n}{n}" for n in range(1, 5))
    three = newline.join(f"#{n}{n}{n}{n}{n}{n}" for n in range(5, 8))
    app = Box()
    async with app.run_test(size=(80, 24)) as pilot:
        area = app.query_one(SafeTextArea)
        area.focus()
        app.post_message(events.Paste(four))
        await pilot.pause()
        app.post_message(events.Paste(three))
        await wait_until(pilot, lambda: area.document.line_count == 6)
        await pilot.press("ctrl+z")
        assert area.text == four.replace(newline, "\n")
        await pilot.press("ctrl+y")
        assert area.document.line_count == 6
        area.select_all()
        await pilot.press("delete", "ctrl+z", "ctrl+y", "ctrl+z", "ctrl+z", "ctrl+z", "ctrl+y")
        assert app.is_running


async def test_json_editor_pastes_keep_the_value_and_draw_nothing_unsafe() -> None:
    class Editor(App[None]):
        def compose(self) -> ComposeResult:
            yield JsonEditor("Input", '"x"', field="input")

    app = Editor()
    async with app.run_test(size=(100, 12)) as pilot:
        editor = app.query_one(JsonEditor)
        editor.focus_editor()
        area = editor.text_area
        area.select_all()
        app.post_message(events.Paste('{"name": "a\x1b]52;c;eA==\x07\u202eb"}'))
        await wait_until(pilot, lambda: area.text.startswith("{"))
        assert area.text == '{"name": "a\\u001b]52;c;eA==\\u0007\\u202eb"}'
        assert editor.value() == {"name": "a\x1b]52;c;eA==\x07\u202eb"}
        assert unsafe_in(drawn_text(area)) == []


async def test_text_area_keys_in_a_burst_land_in_order() -> None:
    app = Fields(text="one")
    async with app.run_test() as pilot:
        area = app.query_one(TextArea)
        area.focus()
        area.move_cursor((0, 3))
        await pilot.pause()
        burst(app, "home", *"<", "end", *">", "enter", *"two", "backspace", "left", *"!")
        await wait_until(pilot, lambda: area.text == "<one>\nt!w", timeout=3)


async def test_a_binding_that_closes_the_fields_screen_runs_to_its_end() -> None:
    # The field hands a binding to the App's task: an action may wait for the field's own
    # screen to close, which would never happen if the field itself were running it.
    from textual.binding import Binding
    from textual.screen import Screen

    class Form(Screen[None]):
        BINDINGS = [Binding("ctrl+o", "back")]

        def compose(self) -> ComposeResult:
            yield SafeInput("x")
            yield SafeTextArea("y")

        async def action_back(self) -> None:
            await self.app.pop_screen()
            self.app.notify("closed")

    app = App[None]()
    async with app.run_test() as pilot:
        for field in (SafeInput, SafeTextArea):
            await app.push_screen(Form())
            app.screen.query_one(field).focus()
            await pilot.pause()
            burst(app, "ctrl+o", *"typed after")
            await wait_until(pilot, lambda: not isinstance(app.screen, Form), timeout=3)
            await wait_until(pilot, lambda: len(app._notifications) > 0, timeout=3)
            app.clear_notifications()
