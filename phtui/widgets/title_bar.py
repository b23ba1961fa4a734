"""The title line at the top of every screen, drawn as one widget with Textual's Header look.

Textual's Header is four widgets (the header, its icon, its title and the clock's space), each
styled, laid out and painted when a screen opens: ~17 ms of the Themes screen's start
(benchmarks/startup_bench.py). TitleBar draws the same line: the icon that opens the command
palette on the left, "title — sub-title" centred between the icon's and the clock's room. It
follows the app's and the screen's title and sub-title as Header does. Titles are plain text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widget import Widget

if TYPE_CHECKING:
    from textual import events

__all__ = ["TitleBar"]

ICON = "⭘"
ICON_WIDTH = 8  # Header's icon: padding 0 1, width 8
CLOCK_WIDTH = 10  # the room Header keeps for its clock, so titles centre the same way


class TitleBar(Widget, can_focus=False):
    """Icon and "title — sub-title", docked at the top; click the icon for the palette."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"title-bar--icon-hover"}
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        & > .title-bar--icon-hover { background: $foreground 10%; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._icon_hovered = False

    def on_mount(self) -> None:
        for node in (self.app, self.screen):
            self.watch(node, "title", self._title_changed, init=False)
            self.watch(node, "sub_title", self._title_changed, init=False)

    def _title_changed(self) -> None:
        self.refresh()

    @property
    def title_text(self) -> Content:
        """The screen's title and sub-title, else the app's (as Textual's Header shows them)."""
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        return app.format_title(title, sub_title)

    def render(self) -> Content:
        width = self.size.width
        icon = Content(f" {ICON}".ljust(ICON_WIDTH)[: max(0, width)])
        if self._icon_hovered:
            icon = icon.stylize(self.get_visual_style("title-bar--icon-hover"))
        room = max(0, width - ICON_WIDTH - CLOCK_WIDTH)
        title = self.title_text.rstrip().truncate(room, ellipsis=True)
        left = (room - title.cell_length) // 2
        title = title.pad(left, room - title.cell_length - left)
        return Content.assemble(icon, title, " " * max(0, width - ICON_WIDTH - room))

    def _over_icon(self, x: int) -> bool:
        return 0 <= x < ICON_WIDTH and self.app.ENABLE_COMMAND_PALETTE

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
