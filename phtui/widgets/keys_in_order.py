"""Keys in a text field take effect in the order they arrive, in a burst too.

Textual inserts a printable key as soon as the focused field reads it, but runs a key *binding*
(ctrl+u, ctrl+k, home, end, backspace, arrows, and the screen's keys) only once the Key event
has bubbled through every ancestor's message queue up to the App. Typed slowly, nobody notices.
In a burst (`tmux send-keys C-u '#654321'`, fast typing over SSH, a terminal replaying input)
the field reads all the keys before the first has bubbled up, so it inserts the characters that
follow a binding key before the binding runs: `ctrl+u` + `#654321` leaves the field empty, and
`end` + ` v2` types over a name that was selected on focus.

`KeysInOrder` runs the binding as soon as the field reads its key, between the characters
around it. When a key has moved the focus (tab, a dialog opening), the keys already queued for
this field go where the focus now is, as they would have when typed slowly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.widget import Widget

from phtui.compat import forward_event, run_key_binding

__all__ = ["KeysInOrder"]

if TYPE_CHECKING:
    _Field = Widget  # type-checked as the widget it is mixed into
else:
    _Field = object  # at run time a plain mixin


class KeysInOrder(_Field):
    """Mixed into a field widget, before the Textual class (its handlers run first)."""

    def consumes_key(self, event: events.Key) -> bool:
        """Whether the widget's own key handler acts on this key (a printable character)."""
        return event.is_printable

    def forward_if_unfocused(self, event: events.Key | events.Paste) -> bool:
        """Send an event queued for this field on to the focus, if a key before it moved the
        focus away; True when it did (the caller must then ignore the event)."""
        focused: Widget | None = self.app.focused
        if focused is self:
            return False
        event.stop()
        event.prevent_default()
        copy = event.copy() if isinstance(event, events.Key) else events.Paste(event.text)
        forward_event(focused or self.app.screen, copy)
        return True

    async def _on_key(self, event: events.Key) -> None:
        if self.forward_if_unfocused(event) or self.consumes_key(event):
            return  # forwarded, or the widget's own handler (next in the MRO) inserts it
        if await run_key_binding(self.app, event.key):
            event.stop()  # done: bubbling up would run it a second time
