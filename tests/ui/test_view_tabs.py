"""ViewTabs: one widget showing the views, the key of each, and which one is active."""

from __future__ import annotations

from textual.app import App, ComposeResult

from phtui.widgets.view_tabs import View, ViewTabs

VIEWS = (View("preview", "Preview", "p"), View("analysis", "Analysis", "a"))


class TabsApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.changes: list[str] = []

    def compose(self) -> ComposeResult:
        yield ViewTabs(VIEWS, active="preview", id="tabs")

    def on_view_tabs_changed(self, event: ViewTabs.Changed) -> None:
        self.changes.append(event.view)


async def test_labels_keys_and_the_lit_rail_under_the_active_view() -> None:
    app = TabsApp()
    async with app.run_test(size=(40, 4)) as pilot:
        await pilot.pause()
        tabs = app.query_one(ViewTabs)
        labels, rail = tabs.render().split()
        assert labels.plain == " Preview p  Analysis a "
        assert tabs.spans() == [("preview", 0, 11), ("analysis", 11, 23)]
        assert rail.plain == "━" * 40  # the rail spans the widget
        lit = tabs.get_component_rich_style("view-tabs--rail-active")
        first = rail.spans[0]
        assert (first.start, first.end, first.style) == (0, 11, lit)
        assert app.changes == []  # the initial view is not a change


async def test_a_click_selects_a_view_and_says_so_once() -> None:
    app = TabsApp()
    async with app.run_test(size=(40, 4)) as pilot:
        tabs = app.query_one(ViewTabs)
        await pilot.click("#tabs", offset=(14, 0))  # on "Analysis"
        await pilot.pause()
        assert tabs.active == "analysis"
        assert app.changes == ["analysis"]
        await pilot.click("#tabs", offset=(15, 0))  # the active one again: no change
        await pilot.click("#tabs", offset=(30, 0))  # past the labels: nothing
        await pilot.pause()
        assert app.changes == ["analysis"]
        tabs.active = "preview"  # as the screen's key does
        await pilot.pause()
        assert app.changes == ["analysis", "preview"]


async def test_hover_lights_the_label_under_the_mouse() -> None:
    app = TabsApp()
    async with app.run_test(size=(40, 4)) as pilot:
        tabs = app.query_one(ViewTabs)
        await pilot.hover("#tabs", offset=(14, 0))
        await pilot.pause()
        labels = tabs.render().split()[0]
        hover = tabs.get_component_rich_style("view-tabs--hover")
        assert any(span.style == hover and span.start == 11 for span in labels.spans)
