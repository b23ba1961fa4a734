"""TitleBar: one widget with Header's line: the palette icon, then "title — sub-title" centred."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.command import CommandPalette
from textual.screen import Screen

from phtui.widgets.title_bar import CLOCK_WIDTH, ICON_WIDTH, TitleBar


class Titled(Screen[None]):
    def compose(self) -> ComposeResult:
        yield TitleBar()


class TitledApp(App[None]):
    TITLE = "phtui"

    def on_mount(self) -> None:
        self.push_screen(Titled())


def line(app: App[None]) -> str:
    bar = app.screen.query_one(TitleBar)
    return bar.render().plain


async def test_icon_then_title_and_sub_title_centred_between_icon_and_clock_room() -> None:
    app = TitledApp()
    async with app.run_test(size=(60, 4)) as pilot:
        app.sub_title = "demo · project 1"
        await pilot.pause()
        text = line(app)
        assert len(text) == 60 and not app.screen.query_one(TitleBar).children
        assert text.startswith(" ⭘      ")
        title = "phtui — demo · project 1"
        room = 60 - ICON_WIDTH - CLOCK_WIDTH
        left = ICON_WIDTH + (room - len(title)) // 2
        assert text[left : left + len(title)] == title
        assert text[ICON_WIDTH:left].strip() == "" and text[left + len(title) :].strip() == ""


async def test_follows_app_and_screen_titles_as_plain_text() -> None:
    app = TitledApp()
    async with app.run_test(size=(80, 4)) as pilot:
        app.sub_title = "profile [bold]x[/bold]"
        await pilot.pause()
        assert "phtui — profile [bold]x[/bold]" in line(app)
        app.screen.sub_title = "Edit theme"  # a screen's own sub-title wins
        await pilot.pause()
        assert "phtui — Edit theme" in line(app)
        app.screen.title = "Editor"
        await pilot.pause()
        assert "Editor — Edit theme" in line(app)


async def test_a_long_title_ends_in_an_ellipsis_and_keeps_the_line_width() -> None:
    app = TitledApp()
    async with app.run_test(size=(40, 4)) as pilot:
        app.sub_title = "a very long profile name that cannot fit in forty columns"
        await pilot.pause()
        text = line(app)
        assert len(text) == 40
        assert text[ICON_WIDTH : 40 - CLOCK_WIDTH].endswith("…")


async def test_clicking_the_icon_opens_the_command_palette_and_the_title_does_not() -> None:
    app = TitledApp()
    async with app.run_test(size=(60, 4)) as pilot:
        await pilot.click(TitleBar, offset=(30, 0))
        await pilot.pause()
        assert not isinstance(app.screen, CommandPalette)
        await pilot.hover(TitleBar, offset=(2, 0))
        await pilot.pause()
        assert app.screen.query_one(TitleBar).tooltip == "Open the command palette"
        await pilot.click(TitleBar, offset=(2, 0))
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
