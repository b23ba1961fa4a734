"""The private Textual internals `phtui.compat` relies on, each checked by name.

When an upgrade renames or changes one of them, the test named after it fails here, instead of
the app misbehaving somewhere far from the cause. See `phtui/compat.py` for why each is used.
"""

from __future__ import annotations

import inspect
import io

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import TextArea
from textual.widgets.text_area import WrappedDocument

from phtui.compat import CrashWithoutLocals, LargeTextArea, open_without_css_refresh

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
