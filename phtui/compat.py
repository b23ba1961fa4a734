"""Every hook phtui has on a private Textual internal, in one place.

Each exists for a measured reason (named beside it) that Textual's public API cannot serve.
`tests/test_compat.py` checks every internal named here, so an upgrade that changes one fails
there, by name, instead of misbehaving somewhere in the app. pyproject pins Textual to the
minor release these were checked against; re-check them before widening the pin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.cells import cell_len
from textual.geometry import Size
from textual.widgets import TextArea
from textual.widgets.text_area import Edit, EditResult, Location, WrappedDocument

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

__all__ = ["CrashWithoutLocals", "LargeTextArea", "open_without_css_refresh"]

# -- app: a crash report that shows no local variables -----------------------------------------
# Internals: `App._fatal_error` (called for an unhandled exception), `App._exit_renderables`,
# `App._close_messages_no_wait`, `App.bell` (Textual 8.2).


class CrashWithoutLocals:
    """Mixed into the App: its crash traceback leaves out local variables.

    Textual prints an unhandled exception's traceback with `show_locals=True`, so a crash in code
    holding the API key in a local (the client, the connect screen, config loading) would print
    the key to the terminal, and into whatever records the session. The traceback stays; the
    locals go.
    """

    def _fatal_error(self) -> None:
        from rich.segment import Segments
        from rich.traceback import Traceback

        app = cast("App[Any]", self)
        app.bell()
        traceback = Traceback(show_locals=False, width=None)
        app._exit_renderables.append(Segments(app.console.render(traceback, app.console.options)))
        app._close_messages_no_wait()


# -- app: opening a mode without an app-wide CSS refresh ---------------------------------------
# Internals: `App._css_update_count`, `Screen._css_update_count` (Textual 8.2).


def open_without_css_refresh(screen: Screen[Any]) -> Screen[Any]:
    """Let a mode's screen open without Textual's app-wide CSS refresh.

    Textual opens a mode whose screen has not seen the app's latest CSS update with a full
    refresh: every stylesheet parsed again (twice) and the whole app restyled, ~25 ms of startup
    (benchmarks/startup_bench.py) and again when the other mode first opens. While the app's
    stylesheet is the one built at startup (no update since: count 0), all that refresh
    contributes is styling the App node itself before the screen composes; that matters, as
    widgets cache their text colour from their ancestors. So style the App node and mark the
    screen current. After a theme change, Textual's refresh runs as usual.
    """
    app: App[Any] = screen.app
    if app._css_update_count == 0:
        app.stylesheet.apply(app)
        screen._css_update_count = app._css_update_count
    return screen


# -- TextArea: megabyte documents -----------------------------------------------------------------
# Internals: `WrappedDocument._offset_to_line_info`, `TextArea._refresh_size` (called by `edit`
# after every change), `TextArea._refresh_scrollbars`.


class _CountedWrappedDocument(WrappedDocument):
    """Textual's WrappedDocument, with `height` read in O(1).

    Textual recomputes `height` by summing over every line each time it renders one line, which
    costs ~15 ms per rendered line at 1 MB (36,000 lines). `_offset_to_line_info` holds one entry
    per wrapped row and is kept current by `wrap` and `wrap_range`, so its length is the height.
    """

    @property
    def height(self) -> int:
        return len(self._offset_to_line_info)


class LargeTextArea(TextArea):
    """A TextArea whose per-keystroke costs do not grow with the whole document.

    Three costs are cut: the wrapped height (`_CountedWrappedDocument`), bracket matching, and
    the widest-line scan behind the virtual size (measured incrementally over the edited rows).
    """

    _edit_top_row: int | None = None
    _widest: int | None = None

    @property  # type: ignore[override]
    def wrapped_document(self) -> WrappedDocument:
        return self._counted_document

    @wrapped_document.setter
    def wrapped_document(self, document: WrappedDocument) -> None:
        # TextArea builds its WrappedDocument in several places; upgrade each as it is assigned.
        # The subclass only adds a property, so switching the class keeps all state intact.
        if type(document) is WrappedDocument:
            document.__class__ = _CountedWrappedDocument
        self._counted_document = document

    def edit(self, edit: Edit) -> EditResult:
        self._edit_top_row = edit.top[0]
        try:
            return super().edit(edit)
        finally:
            self._edit_top_row = None

    def _refresh_size(self) -> None:
        # Called by `edit` after every change. Without soft wrap Textual measures every line to
        # find the widest (33 ms at 1 MB); after an edit only the edited rows can have grown.
        top = self._edit_top_row
        if self.soft_wrap or top is None or self._widest is None:
            super()._refresh_size()
            if not self.soft_wrap:
                self._widest = self.virtual_size.width - self.gutter_width - 1
            return
        bottom = max(top, self.cursor_location[0])
        rows = self.document.lines[top : bottom + 1]
        edited = max((cell_len(row.expandtabs(self.indent_width)) for row in rows), default=0)
        # Deleting text never narrows the view here: at worst a little spare scroll room.
        self._widest = max(self._widest, edited)
        self.virtual_size = Size(self._widest + self.gutter_width + 1, self.document.line_count)
        self._refresh_scrollbars()

    def find_matching_bracket(self, bracket: str, search_from: Location) -> Location | None:
        # Textual runs this on every cursor move even with matching off; on the outer brace of a
        # 1 MB document it scans the whole text. Skip it when matching is off (large values).
        if not self.match_cursor_bracket:
            return None
        return super().find_matching_bracket(bracket, search_from)
