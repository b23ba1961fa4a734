"""The title line at the top of every screen, drawn as one widget with Textual's Header look.

Textual's Header is four widgets (the header, its icon, its title and the clock's space), each
styled, laid out and painted when a screen opens: ~17 ms of the Themes screen's start
(benchmarks/startup_bench.py). TitleBar draws the same line: the icon that opens the command
palette on the left, "title — sub-title" centred between the icon's and the clock's room. It
follows the app's and the screen's title and sub-title as Header does. Titles are plain text.

After the icon come the app's modes as tabs, each with the key that opens it (" 1 Themes "
" 2 Datasets ", the current one lit): so every screen says where you are and how to get to the
other mode. They are read from the app's `switch_mode(...)` bindings, so a remapped key shows as
remapped, and they are absent while switching is not possible (before connecting). A click on a
tab switches to it; the title then centres in the rest of the line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from textual.content import Content
from textual.widget import Widget

if TYPE_CHECKING:
    from textual import events

__all__ = ["ModeTab", "TitleBar"]

ICON = "⭘"
ICON_WIDTH = 8  # Header's icon: padding 0 1, width 8
TABS_ICON_WIDTH = 4  # beside the mode tabs
CLOCK_WIDTH = 10  # the room Header keeps for its clock, so titles centre the same way
_SWITCH_MODE = re.compile(r"""^switch_mode\(['"](\w+)['"]\)$""")


class ModeTab(NamedTuple):
    mode: str
    label: str  # " 1 Themes "
    action: str  # the binding's action, run by a click
    current: bool


class TitleBar(Widget, can_focus=False):
    """Icon and "title — sub-title", docked at the top; click the icon for the palette."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"title-bar--icon-hover", "title-bar--mode", "title-bar--mode-current"}
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        & > .title-bar--icon-hover { background: $foreground 10%; }
        & > .title-bar--mode { color: $foreground 60%; }
        & > .title-bar--mode-current {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: bold;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._icon_hovered = False
        self._tabs: list[ModeTab] = []  # as last drawn, for clicks
        self._icon_width = ICON_WIDTH

    def on_mount(self) -> None:
        for node in (self.app, self.screen):
            self.watch(node, "title", self._title_changed, init=False)
            self.watch(node, "sub_title", self._title_changed, init=False)
        # The mode tabs follow the bindings (a screen opening in a mode, a connection made).
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: object) -> None:
        if self._tabs != self.mode_tabs():
            self.refresh()

    def _title_changed(self) -> None:
        self.refresh()

    @property
    def title_text(self) -> Content:
        """The screen's title and sub-title, else the app's (as Textual's Header shows them)."""
        title, sub_title = self._titles()
        return self.app.format_title(title, sub_title)

    def _titles(self) -> tuple[str, str]:
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        return title, sub_title

    def fitted_title(self, room: int) -> Content:
        """The title in `room` cells. What goes first when it is too long: the app's name, then
        the start of the first " · " part (the host): the states at the end (READ-ONLY,
        OFFLINE) stay in view."""
        full = self.title_text.rstrip()
        sub_title = self._titles()[1]
        if full.cell_length <= room or not sub_title:
            return full.truncate(room, ellipsis=True)
        first, dot, rest = sub_title.partition(" · ")
        keep = room - len(dot) - len(rest)
        if dot and keep >= 5:  # enough of the host to recognise it
            first = first[: keep - 1] + "…" if len(first) > keep else first
        return Content(f"{first}{dot}{rest}").truncate(room, ellipsis=True)

    def mode_tabs(self) -> list[ModeTab]:
        """The app's modes that a key switches to, in the order the app binds them."""
        app = self.app
        tabs: list[ModeTab] = []
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            match = _SWITCH_MODE.match(active.binding.action)
            if match is None or active.node is not app or match[1] in seen:
                continue
            seen.add(match[1])
            label = f" {app.get_key_display(active.binding)} {active.binding.description} "
            tabs.append(ModeTab(match[1], label, active.binding.action, False))
        current = app.current_mode
        return [tab._replace(current=tab.mode == current) for tab in tabs]

    def render(self) -> Content:
        width = self.size.width
        tabs = self._tabs = self.mode_tabs()
        # With tabs, a narrower icon and no clock's room: at 80 columns every cell counts.
        self._icon_width = TABS_ICON_WIDTH if tabs else ICON_WIDTH
        icon = Content(f" {ICON}".ljust(self._icon_width)[: max(0, width)])
        if self._icon_hovered:
            icon = icon.stylize(self.get_visual_style("title-bar--icon-hover"))
        parts = [icon]
        for tab in tabs:
            style = "title-bar--mode-current" if tab.current else "title-bar--mode"
            parts.append(Content(tab.label).stylize(self.get_visual_style(style)))
        used = self._icon_width + sum(len(tab.label) for tab in tabs)
        right = 1 if tabs else CLOCK_WIDTH
        room = max(0, width - used - right)
        title = self.fitted_title(room)
        left = (room - title.cell_length) // 2
        parts.append(title.pad(left, room - title.cell_length - left))
        parts.append(Content(" " * max(0, width - used - room)))
        return Content.assemble(*parts).truncate(width)

    def _tab_at(self, x: int) -> ModeTab | None:
        start = self._icon_width
        for tab in self._tabs:
            if start <= x < start + len(tab.label):
                return tab
            start += len(tab.label)
        return None

    def _over_icon(self, x: int) -> bool:
        return 0 <= x < self._icon_width and self.app.ENABLE_COMMAND_PALETTE

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hovered = self._over_icon(event.x)
        if hovered != self._icon_hovered:
            self._icon_hovered = hovered
            self.tooltip = "Open the command palette" if hovered else None
            self.refresh()

    def on_leave(self) -> None:
        if self._icon_hovered:
            self._icon_hovered = False
            self.tooltip = None
            self.refresh()

    async def on_click(self, event: events.Click) -> None:
        if self._over_icon(event.x):
            event.stop()
            await self.run_action("app.command_palette")
            return
        tab = self._tab_at(event.x)
        if tab is not None and not tab.current:
            event.stop()
            await self.app.run_action(tab.action)
