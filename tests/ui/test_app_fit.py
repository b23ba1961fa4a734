"""80x24: dialogs keep their buttons on screen, toasts never cover it, long lines wrap or
scroll, whatever the length of the server's text."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from phtui.app import PhTuiApp
from phtui.screens.confirm import ConfirmScreen
from phtui.screens.dialogs import Choice, ChoiceScreen, PromptScreen
from phtui.screens.error import ErrorScreen
from phtui.screens.help import HelpScreen, KeyRow
from phtui.server.runner import RunningServer
from tests.ui.support import demo_app, wait_until

SIZE = (80, 24)
LONG = " ".join(["PostHog said something long about this row, which the dialog must fit."] * 60)


class Plain(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("below")


class FitApp(App[None]):
    CSS_PATH = PhTuiApp.CSS_PATH  # the app's styles, toasts' included

    def on_mount(self) -> None:
        self.push_screen(Plain())


def on_screen(app: App[Any], widget: Widget) -> bool:
    """The whole widget is inside the terminal and nothing covers its middle."""
    region = widget.region
    width, height = app.size
    inside = region.x >= 0 and region.y >= 0 and region.right <= width and region.bottom <= height
    middle = region.center
    return inside and app.screen.get_widget_at(*middle)[0] is widget


DIALOGS = {
    "confirm": lambda: ConfirmScreen("Delete theme", LONG),
    "error": lambda: ErrorScreen("Something went wrong in phtui", LONG),
    "choice": lambda: ChoiceScreen(
        "Item changed on the server",
        LONG,
        [Choice("keep", "Keep", "k"), Choice("overwrite", "Overwrite", "o", "error")],
        cancel="keep",
    ),
    "prompt": lambda: PromptScreen(LONG[:600]),
    "help": lambda: HelpScreen(
        "Keys: Themes", [KeyRow(str(n), LONG[:70], f"themes.k{n}", True) for n in range(60)]
    ),
}


@pytest.mark.parametrize("kind", DIALOGS)
async def test_a_dialog_with_long_text_keeps_its_controls_on_screen(kind: str) -> None:
    app = FitApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(DIALOGS[kind]())
        await pilot.pause()
        controls = list(app.screen.query(Button)) or list(app.screen.query(Input))
        if kind == "help":
            controls = list(app.screen.query(".help-hint").results(Static))
        assert controls
        for control in controls:
            assert on_screen(app, control), (kind, control, control.region)


async def test_toasts_never_cover_the_screen() -> None:
    app = FitApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for number in range(4):
            app.notify(f"{number} {LONG[:900]}", title="Connected", timeout=30)
        await wait_until(pilot, lambda: len(app.screen.query("Toast")) == 4)
        toasts = list(app.screen.query("Toast"))
        assert toasts and all(toast.region.height <= 8 for toast in toasts)
        rack = app.screen.query_one("ToastRack")
        assert rack.region.height <= SIZE[1] * 0.6
        assert app.screen.get_widget_at(2, 0)[0] is app.screen.query_one(Static)  # still visible


async def test_themes_caption_wraps_and_analysis_scrolls_at_80_columns(
    demo_server: RunningServer,
) -> None:
    from phtui.screens.themes.overview import ThemesScreen
    from phtui.widgets.themes.palette_analysis import PaletteAnalysis

    app = demo_app(demo_server, "themes")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ThemesScreen)
        await wait_until(pilot, lambda: bool(screen.themes))
        await pilot.press(*["plus"] * 9)  # 17 series on a 15-colour palette
        caption = screen.query_one("#chart-caption", Static)
        await wait_until(pilot, lambda: "reuse" in str(caption.render()))
        assert str(caption.render()).endswith("series 16+ reuse preset-1…")
        assert caption.size.height == 2 and caption.size.width < len(str(caption.render()))
        await pilot.press("a")
        await wait_until(pilot, lambda: bool(screen.query(PaletteAnalysis)))
        analysis = screen.query_one(PaletteAnalysis)
        await pilot.pause()
        body = analysis.query_one(Static)
        assert body.size.width > analysis.scrollable_content_region.width  # wider than the pane
        assert analysis.max_scroll_x > 0  # ... so it scrolls sideways instead of being cut
