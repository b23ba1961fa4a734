"""A Footer that rebuilds its keys only when the keys shown change.

Textual's `Footer` recomposes (removes and mounts every key) on each `refresh_bindings`: focus
moves, a list getting its first rows, a screen enabling Edit. That costs tens of milliseconds a
time and happened four times while the Themes screen started. Here a change that only enables or
disables keys restyles the keys in place, and any number of notifications before the next frame
cause one update. The look is Textual's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.binding import Binding
    from textual.screen import Screen

__all__ = ["KeyFooter"]

# What decides the footer's layout: every shown binding, its tooltip, and the footer's options.
Layout = tuple[tuple[tuple["Binding", str], ...], bool, bool]


class KeyFooter(Footer):
    """Drop-in `Footer` for phtui's screens (same CSS type, same look)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._update_pending = False
        self._layout: Layout | None = None

    def compose(self) -> ComposeResult:
        # Textual's Footer stays empty until the first `refresh_bindings` and then recomposes;
        # composing the keys now puts them in the screen's first frame. If focus later changes
        # which keys show, `_update_keys` recomposes.
        self._bindings_ready = True
        self._layout = self._current_layout()
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                # A FooterKey starts compact, then its binding to the footer's `compact` flips it:
                # two restyles per key. Starting with the footer's value makes the binding a no-op.
                # (The palette key is not bound: Textual leaves it compact.)
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen[Any]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._update_pending:
            self._update_pending = True
            self.call_after_refresh(self._update_keys)

    def _current_layout(self) -> Layout:
        shown = tuple(
            (binding, tooltip)
            for (_, binding, _, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )
        return shown, self.show_command_palette, self.compact

    async def _update_keys(self) -> None:
        self._update_pending = False
        if not self.is_attached:
            return
        layout = self._current_layout()
        if layout != self._layout:
            self._layout = layout
            await self.recompose()
            return
        # Same keys: only their availability can differ. A key stands for its action (the
        # Footer shows one key per action), so look the state up by key and action.
        enabled = {
            (binding.key, binding.action): available
            for (_, binding, available, _) in self.screen.active_bindings.values()
        }
        for key in self.query(FooterKey):
            disabled = not enabled.get((key.key, key.action), not key._disabled)
            if disabled != key._disabled:
                key._disabled = disabled  # read by FooterKey's click handler
                key.set_class(disabled, "-disabled")
