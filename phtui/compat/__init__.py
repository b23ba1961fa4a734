"""Every hook phtui has on a private Textual internal, in one place: this package.

Each exists for a measured reason (named beside it) that Textual's public API cannot serve.
`tests/test_compat.py` checks every internal named here, so an upgrade that changes one fails
there, by name, instead of misbehaving somewhere in the app. pyproject pins Textual to the
minor release these were checked against; re-check them before widening the pin.

Here: the app's hooks (crash report, opening a mode) and the text fields' (keys in order, events
that never show their text, an Input drawing escapes). `phtui.compat.text_area`: the TextArea's
megabyte-document hooks, a module of its own so that starting the app does not load TextArea
and tree-sitter (~10 ms) before any editor opens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual import events
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.screen import Screen

__all__ = [
    "CrashWithoutLocals",
    "MappedInput",
    "forward_event",
    "hide_event_text",
    "mark_forwarded",
    "open_without_css_refresh",
    "run_key_binding",
]

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


# -- fields: key bindings in the order keys arrive ------------------------------------------------
# Internals: `App._check_bindings` (what `App._on_key` runs once a key has bubbled up to it),
# `Widget._forward_event` (how the App hands an input event to the focused widget) and
# `Message._set_forwarded` (the mark that stops the App routing a bubbled event again).


async def run_key_binding(app: App[Any], key: str) -> bool:
    """Run the (non-priority) binding ``key`` reaches from the focused widget now; True if one
    ran. The same lookup the App makes once the Key event has bubbled up to it."""
    return await app._check_bindings(key)


def forward_event(target: DOMNode, event: events.Key | events.Paste) -> None:
    """Hand an input event to ``target`` as the App hands one to the focused widget (marked
    forwarded, so the App does not route it again when it bubbles back up)."""
    from textual.widget import Widget

    assert isinstance(target, Widget)
    target._forward_event(event)


def mark_forwarded(event: events.Key | events.Paste) -> None:
    """Mark an input event as handed on by the App, for a widget that handles it directly."""
    event._set_forwarded()


# -- fields: events that never show their text ----------------------------------------------------
# Internals: `Message.handler_name` (which handler a message reaches) and the layout of event
# instances (a subclass that adds no attributes can take over an instance).


class _HiddenKey(events.Key):
    """A Key event whose repr (what Textual's log writes) shows no character."""

    def __rich_repr__(self) -> Any:
        yield "key", "<hidden>" if self.is_printable else self.key


class _HiddenPaste(events.Paste):
    """A Paste event whose repr shows how long the text is, not the text."""

    def __rich_repr__(self) -> Any:
        yield "text", f"<{len(self.text)} characters hidden>"


# Subclasses get a handler name of their own; these must reach the handlers of the original.
_HiddenKey.handler_name = events.Key.handler_name
_HiddenPaste.handler_name = events.Paste.handler_name


def hide_event_text(event: Any) -> Any:
    """The same event, which Textual's log can no longer show with its characters.

    Textual logs every message a widget handles, with its repr, to ``TEXTUAL_LOG``: a Key event
    shows its character and a Paste its text. Switching the class in place keeps the event's
    state (sender, time, forwarded, stopped) exactly as it was.
    """
    if type(event) is events.Key:
        event.__class__ = _HiddenKey
    elif type(event) is events.Paste:
        event.__class__ = _HiddenPaste
    return event


# -- fields: an Input that draws some characters wider than they are ------------------------------
# Internals: `Input._position_to_cell` (the cursor's cell, behind `cursor_screen_offset` and the
# scrolling that keeps the cursor in view), `Input._cell_offset_to_index` (a mouse click) and
# `Input._cursor_visible` (the blink phase a subclass's `render_line` must follow).


class MappedInput(Input):
    """An Input whose subclass says where each position of the value is drawn.

    Textual measures the cursor's cell as the width of the value before it, so any widget that
    draws a character wider (an escape such as ``\\x1b`` for ESC) would put the terminal cursor,
    the scrolling and mouse clicks in the wrong place. Subclasses define `cell_of` and
    `position_at_cell`.
    """

    def cell_of(self, position: int) -> int:
        """The cell offset at which the character at ``position`` is drawn."""
        return super()._position_to_cell(position)

    def position_at_cell(self, cell: int) -> int:
        """The position drawn at cell ``cell`` of the value (scrolling already added)."""
        return super()._cell_offset_to_index(cell - self.scroll_offset.x)

    @property
    def cursor_shown(self) -> bool:
        """Whether the blinking cursor is in its visible phase."""
        return self._cursor_visible

    def _position_to_cell(self, position: int) -> int:
        return self.cell_of(position)

    def _cell_offset_to_index(self, offset: int) -> int:
        return self.position_at_cell(offset + self.scroll_offset.x)
