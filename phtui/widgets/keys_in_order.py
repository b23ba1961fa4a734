"""Keys in a text field take effect in the order they arrive, in a burst too.

Textual inserts a printable key as soon as the focused field reads it, but runs a key *binding*
(ctrl+u, ctrl+k, home, end, backspace, arrows, and the screen's keys) only once the Key event
has bubbled through every ancestor's message queue up to the App. Typed slowly, nobody notices.
In a burst (`tmux send-keys C-u '#654321'`, fast typing over SSH, a terminal replaying input)
the field reads all the keys before the first has bubbled up, so it inserts the characters that
follow a binding key before the binding runs: `ctrl+u` + `#654321` leaves the field empty, and
`end` + ` v2` types over a name that was selected on focus.

`KeysInOrder` hands a key that has a binding straight to the App, which runs the binding in its
own task (as Textual does: an action may wait for this very field, e.g. to close its screen),
and holds every key and paste that reaches the field meanwhile. Once the binding has run, the
field handles the held ones, in order, before anything that came after them; if the binding
moved the focus, they go on to the new focus. A key that reaches the field after the focus has
moved away goes on to the new focus too, as it would have when typed slowly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.message import Message
from textual.widget import Widget

from phtui.compat import forward_event, mark_forwarded, run_key_binding

__all__ = ["KeysInOrder"]

if TYPE_CHECKING:
    _Field = Widget  # type-checked as the widget it is mixed into
else:
    _Field = object  # at run time a plain mixin

InputEvent = events.Key | events.Paste


def _copy(event: InputEvent) -> InputEvent:
    # A fresh event: the original has been stopped here.
    return event.copy() if isinstance(event, events.Key) else events.Paste(event.text)


class HeldKeysReleased(Message, bubble=False):
    """Posted to a field by the App once a binding has run: the field's held events go on."""


class KeysInOrder(_Field):
    """Mixed into a widget, before the Textual class (its handlers run first): a text field,
    or any focusable widget a burst may pass through on its way to one (a list between two
    fields: tab, tab, then typing)."""

    # Events that reached the widget while a binding runs; None when none runs.
    _held: list[InputEvent] | None = None

    def consumes_key(self, event: events.Key) -> bool:
        """Whether the widget's own key handler acts on this key (for an Input, a printable
        character; a list acts on none: all its keys are bindings)."""
        return self.check_consume_key(event.key, event.character)

    def keep_in_order(self, event: InputEvent) -> bool:
        """Hold ``event`` while a binding runs, or send it on if the focus has moved: True when
        either happened (the caller must then ignore the event)."""
        if self._held is not None:
            self._held.append(_copy(event))
        elif self.app.focused is not self:
            forward_event(self.app.focused or self.app.screen, _copy(event))
        else:
            return False
        event.stop()
        event.prevent_default()
        return True

    async def _on_key(self, event: events.Key) -> None:
        if self.keep_in_order(event) or self.consumes_key(event):
            return  # held, sent on, or inserted by the widget's own handler (next in the MRO)
        active = self.screen.active_bindings.get(event.key)
        if active is None or not active.enabled or active.binding.priority:
            return  # no binding to run: the key bubbles up as usual
        event.stop()
        event.prevent_default()
        self._held = []
        self.app.call_later(self._run_binding, event.key)

    def on_paste(self, event: events.Paste) -> None:
        # A widget that takes no paste (a list) still holds one, or sends it on. (Fields check
        # first in their own paste handler, which runs before this one.)
        self.keep_in_order(event)

    async def _run_binding(self, key: str) -> None:
        """In the App's task: run the binding, then release the held events."""
        try:
            await run_key_binding(self.app, key)
        finally:
            if self.app.focused is self:
                # Handled in the field's own task, after whatever reached it meanwhile.
                self.post_message(HeldKeysReleased())
            else:
                # Now, before the App hands later keys to the new focus.
                held, self._held = self._held or [], None
                for event in held:
                    forward_event(self.app.focused or self.app.screen, event)

    async def _on_held_keys_released(self, _: HeldKeysReleased) -> None:
        held, self._held = self._held or [], None
        for event in held:
            if self._held is not None:  # a held key started a binding: hold the rest again
                self._held.append(event)
                continue
            mark_forwarded(event)
            await self.on_event(event)
