"""The private Textual internals `phtui.compat` relies on, each checked by name.

When an upgrade renames or changes one of them, the test named after it fails here, instead of
the app misbehaving somewhere far from the cause. See `phtui/compat.py` for why each is used.
"""

from __future__ import annotations

import inspect
import io
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import TextArea
from textual.widgets.text_area import WrappedDocument

from phtui.compat import CrashWithoutLocals, open_without_css_refresh
from phtui.compat.text_area import LargeTextArea

TEXT = "\n".join(f'  "key{i}": "{"value " * (i % 9)}",' for i in range(200))


def test_wrapped_document_keeps_one_offset_entry_per_wrapped_row() -> None:
    # `_CountedWrappedDocument.height` reads the length of `_offset_to_line_info`.
    from textual.document._document import Document

    document = WrappedDocument(Document(TEXT), width=20)
    assert isinstance(document._offset_to_line_info, list)
    assert len(document._offset_to_line_info) == document.height
    assert document.height > document.document.line_count  # really wrapped


def test_text_area_edit_calls_refresh_size_and_has_refresh_scrollbars() -> None:
    # `LargeTextArea._refresh_size` replaces TextArea's after each edit.
    assert callable(TextArea._refresh_size)
    assert callable(TextArea._refresh_scrollbars)
    assert "_refresh_size" in inspect.getsource(TextArea.edit)
    # `LargeTextArea.wrapped_document` is a property catching TextArea's own assignments.
    assert "self.wrapped_document = WrappedDocument(" in inspect.getsource(TextArea)


class Editing(App[None]):
    def compose(self) -> ComposeResult:
        yield LargeTextArea(TEXT, soft_wrap=False)


async def test_large_text_area_edits_like_a_text_area() -> None:
    app = Editing()
    async with app.run_test(size=(60, 20)) as pilot:
        area = app.query_one(LargeTextArea)
        area.focus()
        area.move_cursor((3, 0))
        await pilot.press("x", "y", "enter", "z")
        assert area.document.get_line(3).startswith("xy")
        assert area.document.get_line(4).startswith("z")
        assert area.wrapped_document.height == area.document.line_count
        widest = max(len(line) for line in area.document.lines)
        assert area.virtual_size.width >= widest


class Modes(App[None]):
    MODES = {"one": lambda: open_without_css_refresh(Screen())}
    DEFAULT_MODE = "one"


async def test_app_and_screen_count_css_updates() -> None:
    # `open_without_css_refresh` compares `App._css_update_count` and sets the screen's.
    app = Modes()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app._css_update_count == 0
        assert app.screen._css_update_count == app._css_update_count


class Crashing(CrashWithoutLocals, App[None]):
    printed: list[object] = []

    def _print_error_renderables(self) -> None:
        self.printed = list(self._exit_renderables)  # what the terminal would get
        super()._print_error_renderables()

    def on_mount(self) -> None:
        api_key = "_".join(["phx", "local", "secret"])  # the source must not spell it
        raise RuntimeError(f"boom ({len(api_key)})")


async def test_a_crash_report_shows_the_traceback_without_locals() -> None:
    # `CrashWithoutLocals._fatal_error` replaces Textual's, which renders locals.
    from rich.console import Console

    assert callable(App._fatal_error)
    app = Crashing()
    with pytest.raises(RuntimeError, match="boom"):
        async with app.run_test():
            pass
    console = Console(width=120, record=True, file=io.StringIO())
    assert app.printed
    for renderable in app.printed:
        console.print(renderable)
    printed = console.export_text()
    assert "RuntimeError" in printed and "boom (16)" in printed
    assert "phx_local_secret" not in printed


# -- fields --------------------------------------------------------------------------------------


def test_app_runs_focused_bindings_through_check_bindings() -> None:
    # `run_key_binding` calls `App._check_bindings(key)`, what `App._on_key` runs at the end.
    assert inspect.iscoroutinefunction(App._check_bindings)
    assert "self._check_bindings(event.key)" in inspect.getsource(App._on_key)
    assert list(inspect.signature(App._check_bindings).parameters) == ["self", "key", "priority"]


async def test_run_key_binding_runs_the_binding_of_the_focused_widget() -> None:
    from textual.widgets import Input

    from phtui.compat import run_key_binding

    class Form(App[None]):
        def compose(self) -> ComposeResult:
            yield Input("abc")

    app = Form()
    async with app.run_test() as pilot:
        field = app.query_one(Input)
        field.focus()
        await pilot.pause()
        assert await run_key_binding(app, "ctrl+u")  # Input's delete_left_all, at the end
        assert field.value == ""
        assert not await run_key_binding(app, "f19")


def test_mark_forwarded_sets_the_flag_the_app_reads() -> None:
    # `mark_forwarded` calls `Message._set_forwarded`; App.on_event routes only unforwarded input.
    from textual import events

    from phtui.compat import mark_forwarded

    assert "not event.is_forwarded" in inspect.getsource(App.on_event)
    event = events.Paste("x")
    mark_forwarded(event)
    assert event.is_forwarded


async def test_forward_event_marks_the_event_forwarded() -> None:
    from textual import events

    from phtui.compat import forward_event

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield TextArea()

    app = One()
    async with app.run_test() as pilot:
        area = app.query_one(TextArea)
        event = events.Key("x", "x")
        forward_event(area, event)
        assert event.is_forwarded
        await pilot.pause()
        assert area.text == "x"


def test_hidden_events_keep_their_handlers_and_state() -> None:
    # `hide_event_text` swaps an event's class for a subclass with no text in its repr.
    from textual import events

    from phtui.compat import hide_event_text

    key = events.Key("z", "z")
    key._set_forwarded()
    hidden = hide_event_text(key)
    assert hidden is key and hidden.is_forwarded and hidden.character == "z"
    assert hidden.handler_name == "on_key" and isinstance(hidden, events.Key)
    assert "z" not in repr(hidden) and "z" not in str(hidden)
    paste = hide_event_text(events.Paste("secret"))
    assert paste.handler_name == "on_paste" and "secret" not in repr(paste)
    enter = hide_event_text(events.Key("enter", None))
    assert "enter" in repr(enter)  # keys without a character stay readable


def test_input_measures_cursor_and_clicks_through_two_methods() -> None:
    # `MappedInput` overrides `_position_to_cell` and `_cell_offset_to_index` and reads
    # `_cursor_visible`.
    from textual.widgets import Input

    assert "_position_to_cell(self.cursor_position)" in inspect.getsource(Input)
    assert "self._cell_offset_to_index(" in inspect.getsource(Input._on_mouse_down)
    assert list(inspect.signature(Input._position_to_cell).parameters) == ["self", "position"]
    assert list(inspect.signature(Input._cell_offset_to_index).parameters) == ["self", "offset"]
    assert "_cursor_visible" in Input.__dict__  # a reactive


async def test_mapped_input_moves_the_terminal_cursor_by_its_own_widths() -> None:
    from phtui.compat import MappedInput

    class Doubled(MappedInput):
        def cell_of(self, position: int) -> int:
            return 2 * position

    class Form(App[None]):
        def compose(self) -> ComposeResult:
            yield Doubled("abcd")

    app = Form()
    async with app.run_test() as pilot:
        field = app.query_one(Doubled)
        field.focus()
        await pilot.press("home")
        start = field.cursor_screen_offset.x
        await pilot.press("right", "right")
        assert field.cursor_screen_offset.x - start == 4
        assert field.cursor_shown in (True, False)


# -- TextArea: long lines -------------------------------------------------------------------------

LONG = "x" * 3_000 + "END"
ROWS = "\n".join(["short", LONG, "", "wide 日本語\tand tab", "  last", "\x1bcontrol " * 300])


class Wide(App[None]):
    def compose(self) -> ComposeResult:
        yield LargeTextArea(ROWS, soft_wrap=False, show_line_numbers=True)


def _drawn(strip: Any) -> list[tuple[str, Any]]:
    return [(segment.text, segment.style) for segment in strip.simplify()]


async def test_visible_part_of_a_row_is_drawn_as_textual_draws_it() -> None:
    # `LargeTextArea._render_line` draws only the columns in view; Textual's `_render_line`
    # draws the whole row, as wide as the widest line. Cropped to the view they must agree.
    from textual.widgets.text_area import Selection

    assert "self._render_line(y)" in inspect.getsource(TextArea.render_line)
    for name in ("_theme", "_highlights"):
        assert name in inspect.getsource(TextArea.__init__)
    assert isinstance(TextArea._has_cursor, property) and isinstance(
        TextArea._draw_cursor, property
    )
    app = Wide()
    async with app.run_test(size=(60, 12)) as pilot:
        area = app.query_one(LargeTextArea)
        area.match_cursor_bracket = False

        async def agree() -> None:
            await pilot.pause()
            for y in range(area.size.height):
                ours = area._render_visible_part(y)
                if ours is None:
                    assert y - area.scroll_offset.y == 5  # long, and not one cell a character
                    continue
                theirs = TextArea._render_line(area, y).adjust_cell_length(ours.cell_length)
                assert _drawn(ours) == _drawn(theirs), (y, area.selection)

        await agree()
        area.focus()
        area.cursor_blink = False
        for selection in [
            Selection.cursor((1, 2_990)),  # scrolled to the end of the long line
            Selection.cursor((1, 3_003)),  # after its last character
            Selection((1, 10), (1, 2_500)),  # a selection starting out of view
            Selection((0, 2), (3, 4)),  # across rows, an empty one among them
            Selection.cursor((3, 6)),  # wide characters and a tab
        ]:
            area.selection = selection
            await agree()
        area.scroll_to(x=1_200, animate=False)
        await agree()
        area.show_line_numbers = False
        area.read_only = True
        await agree()


async def test_text_of_a_large_text_area_follows_every_edit() -> None:
    # `_TextKeptDocument` keeps `text` until `replace_range`, the only way a Document changes.
    from textual.document._document import Document

    assert "replace_range" in inspect.getsource(Document)
    assert "self.document: DocumentBase = Document(text)" in inspect.getsource(TextArea)
    app = Wide()
    async with app.run_test() as pilot:
        area = app.query_one(LargeTextArea)
        assert type(area.document).__name__ == "_TextKeptDocument"
        area.focus()
        area.move_cursor((0, 5))
        await pilot.press("!", "enter", "ctrl+z")
        assert area.text == "\n".join(area.document.lines)
        area.load_text("new")
        assert area.text == "new" and type(area.document).__name__ == "_TextKeptDocument"


def test_tab_widths_answer_at_once_for_lines_without_tabs() -> None:
    # The module global `_wrapped_document.get_tab_widths` is swapped for a faster wrapper.
    from textual.document import _wrapped_document
    from textual.expand_tabs import get_tab_widths

    from phtui.compat.text_area import _skip_tab_scan_of_lines_without_tabs

    _skip_tab_scan_of_lines_without_tabs()
    fast = vars(_wrapped_document)["get_tab_widths"]
    assert fast is not get_tab_widths
    for line in ["", "abc", "a\tb", "\t", "日本\tx\t", "x" * 100, " \t \t"]:
        assert fast(line, 4) == get_tab_widths(line, 4)


def test_cursor_offset_of_a_printable_ascii_line_is_its_column() -> None:
    from textual.document._document import Document

    from phtui.compat.text_area import _CountedWrappedDocument

    document = Document("short\n" + LONG + "\nwide 日本語\tx")
    mine = WrappedDocument(document, width=0)
    mine.__class__ = _CountedWrappedDocument
    theirs = WrappedDocument(document, width=0)
    for location in [(0, 0), (0, 5), (1, 0), (1, 2_000), (1, 3_003), (2, 7), (2, 10)]:
        assert mine.location_to_offset(location) == theirs.location_to_offset(location)
