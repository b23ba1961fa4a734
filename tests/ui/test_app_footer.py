"""KeyFooter: Textual's Footer, restyled in place when only the availability of keys changes."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from phtui.widgets.key_footer import KeyFooter


class Keys(Screen[None]):
    BINDINGS = [
        Binding("e", "edit", "Edit"),
        Binding("s", "secret", "Secret"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.can_edit = False
        self.show_secret = False

    def compose(self) -> ComposeResult:
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return True if self.can_edit else None  # shown, greyed out when not allowed
        if action == "secret":
            return self.show_secret  # hidden when False
        return True

    def action_edit(self) -> None: ...

    def action_secret(self) -> None: ...


class KeysApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(Keys())


def keys(screen: Screen[None]) -> dict[str, FooterKey]:
    return {key.key: key for key in screen.query(FooterKey)}


async def test_availability_is_restyled_in_place_and_a_new_key_rebuilds() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 5)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, Keys)
        assert isinstance(screen.query_one(KeyFooter), Footer)  # same CSS type, same look
        before = keys(screen)
        assert before["e"].has_class("-disabled") and "s" not in before

        screen.can_edit = True
        screen.refresh_bindings()
        screen.refresh_bindings()  # several notifications, one update
        await pilot.pause()
        after = keys(screen)
        assert after["e"] is before["e"]  # not rebuilt
        assert not after["e"].has_class("-disabled")

        screen.show_secret = True  # a key appears: the footer is rebuilt
        screen.refresh_bindings()
        await pilot.pause()
        rebuilt = keys(screen)
        assert "s" in rebuilt and rebuilt["e"] is not before["e"]
        assert not rebuilt["e"].has_class("-disabled")
