"""A strip naming a pane's views, with the key that opens each: one widget, two lines.

Textual's `Tabs` is a container, a widget per tab and an underline, each styled, laid out and
painted; on the Themes screen they took about a tenth of the time to the first frame
(benchmarks/startup_bench.py). The screen switches views with keys, so the strip only shows which
view is active and which key opens the others. It looks like Textual's tabs (labels over a rail,
the active one lit), and a click on a label selects it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

__all__ = ["View", "ViewTabs"]

_RAIL = "━"


class View(NamedTuple):
    id: str
    label: str
    key: str  # shown after the label; the screen binds it


class ViewTabs(Widget):
    """Labels of `views` over a rail; `active` is the shown view's id."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "view-tabs--label",
        "view-tabs--active",
        "view-tabs--hover",
        "view-tabs--key",
        "view-tabs--rail",
        "view-tabs--rail-active",
    }
    DEFAULT_CSS = """
    ViewTabs {
        height: 2;
        & > .view-tabs--label { color: $foreground 50%; }
        & > .view-tabs--active { color: $foreground; text-style: bold; }
        & > .view-tabs--hover { color: $foreground; }
        & > .view-tabs--key { color: $foreground 40%; }
        & > .view-tabs--rail { color: $foreground 10%; }
        & > .view-tabs--rail-active { color: $block-cursor-background; }
        &:ansi {
            & > .view-tabs--label { text-style: dim; }
            & > .view-tabs--active { text-style: bold; }
            & > .view-tabs--rail { color: $border-blurred; }
        }
    }
    """

    active: reactive[str] = reactive("")
    _hover: reactive[str | None] = reactive(None)

    @dataclass
    class Changed(Message):
        """The active view changed (by a click or by setting `active`)."""

        view_tabs: ViewTabs
        view: str

        @property
        def control(self) -> ViewTabs:
            return self.view_tabs

    def __init__(self, views: Sequence[View], *, active: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.views = tuple(views)
        self.set_reactive(ViewTabs.active, active)

    def spans(self) -> list[tuple[str, int, int]]:
        """Each view's id and the cells its label takes, `[start, end)`."""
        spans, x = [], 0
        for view in self.views:
            width = len(self._label(view))
            spans.append((view.id, x, x + width))
            x += width
        return spans

    @staticmethod
    def _label(view: View) -> str:
        return f" {view.label} {view.key} "

    def render(self) -> Text:
        style = self.get_component_rich_style
        labels, rail = Text(no_wrap=True, overflow="crop"), Text(no_wrap=True, overflow="crop")
        for view in self.views:
            lit = view.id == self.active
            name = "active" if lit else "hover" if view.id == self._hover else "label"
            labels.append(f" {view.label} ", style(f"view-tabs--{name}"))
            labels.append(view.key, style("view-tabs--key"))
            labels.append(" ")
            rail_style = style("view-tabs--rail-active" if lit else "view-tabs--rail")
            rail.append(_RAIL * len(self._label(view)), rail_style)
        rail.append(_RAIL * max(0, self.size.width - len(rail)), style("view-tabs--rail"))
        return Text("\n").join((labels, rail))

    def watch_active(self, old: str, new: str) -> None:
        if old != new:
            self.post_message(self.Changed(self, new))

    def _view_at(self, x: int) -> str | None:
        return next((view for view, start, end in self.spans() if start <= x < end), None)

    def on_click(self, event: events.Click) -> None:
        view = self._view_at(event.x)
        if view is not None:
            self.active = view

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover = self._view_at(event.x)

    def on_leave(self) -> None:
        self._hover = None
