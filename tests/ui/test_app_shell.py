"""The app shell: header, modes, keymap, help, read-only, palette, errors, 401 and offline.

The Themes and Datasets screens have tests of their own; here a small screen that loads the
theme list stands in for them, so these tests and snapshots change only when the shell does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.app import ComposeResult
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, OptionList, Static

from phtui.app import PhTuiApp
from phtui.config import FileSettings, Profile, Settings
from phtui.screens.base import PhScreen, task
from phtui.screens.confirm import ConfirmScreen
from phtui.screens.connect import ConnectScreen
from phtui.screens.error import ErrorScreen
from phtui.screens.help import HelpScreen, effective_keys
from phtui.server.runner import RunningServer, start_server
from phtui.widgets.key_bar import KeyBar
from phtui.widgets.title_bar import TitleBar
from tests.clients import quick_client
from tests.ui.support import press, wait_until

SMALL = (80, 24)
LARGE = (120, 40)
MISSING_THEME = 2_000_000_000


class ListScreen(PhScreen[None]):
    """Stands in for a mode screen: loads the theme list, keeps a draft, has one mutating key."""

    BINDINGS = [
        Binding("n", "new", "New", id="themes.new"),
        Binding("r", "refresh", "Refresh", id="themes.refresh"),
        Binding("o", "open_missing", "Open", id="themes.open", show=False),
        Binding("b", "explode", "Break", id="themes.break", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.created = 0
        self.attempts = 0
        self.loads = 0

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield OptionList(id="list")
        yield Input(placeholder="draft", id="draft")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#list", OptionList).focus()
        self.action_refresh()

    def reload(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.load_themes()

    @task(group="list.load")
    async def load_themes(self) -> None:
        self.attempts += 1
        themes = await self.client.list_themes()
        options = self.query_one("#list", OptionList)
        options.clear_options()
        options.add_options(theme.name for theme in themes)
        self.loads += 1

    MUTATING_ACTIONS = frozenset({"new"})

    def action_new(self) -> None:
        self.created += 1

    def action_open_missing(self) -> None:
        self.open_theme()

    @task(group="list.open")
    async def open_theme(self) -> None:
        await self.client.get_theme(MISSING_THEME)

    def action_explode(self) -> None:
        self.fail_unexpectedly()

    @task(group="list.explode")
    async def fail_unexpectedly(self) -> None:
        raise RuntimeError("the chart has no series")


class ShellApp(PhTuiApp):
    MODES = {"themes": ListScreen, "datasets": ListScreen}


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in ("POSTHOG_PERSONAL_API_KEY", "POSTHOG_HOST", "POSTHOG_PROJECT_ID", "PHTUI_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PHTUI_CONFIG", str(tmp_path / "config.toml"))


def settings_for(
    server: RunningServer, *, keymap: dict[str, str] | None = None, profile: str | None = None
) -> Settings:
    connection = Profile(host=server.url, project_id=server.project_id, api_key=server.api_key)
    if profile is None:
        return Settings(cli=connection, file=FileSettings(keymap=keymap or {}))
    return Settings(
        file=FileSettings(
            default_profile=profile, profiles={profile: connection}, keymap=keymap or {}
        )
    )


def shell(server: RunningServer, **options: Any) -> ShellApp:
    keymap = options.pop("keymap", None)
    profile = options.pop("profile", None)
    options.setdefault("host_label", "local server")
    return ShellApp(settings=settings_for(server, keymap=keymap, profile=profile), **options)


def list_screen(app: PhTuiApp) -> ListScreen:
    screens = [screen for screen in app.screen_stack if isinstance(screen, ListScreen)]
    assert screens, app.screen_stack
    return screens[-1]


def loaded(app: PhTuiApp) -> Callable[[], bool]:
    return lambda: any(
        isinstance(screen, ListScreen) and screen.loads > 0 for screen in app.screen_stack
    )


def messages(app: PhTuiApp) -> list[str]:
    return [notification.message for notification in app._notifications]


# -- header, modes, keys --------------------------------------------------------------------


async def test_header_shows_host_project_and_profile_never_the_key(
    demo_server: RunningServer,
) -> None:
    app = shell(demo_server, profile="local", host_label=None)
    async with app.run_test(size=LARGE) as pilot:
        await wait_until(pilot, loaded(app))
        port = demo_server.url.rsplit(":", 1)[1]
        assert app.sub_title == (
            f"127.0.0.1:{port} · project {demo_server.project_id} · profile local"
        )
        assert demo_server.api_key not in app.sub_title
        assert app.animation_level == "none"


async def test_number_keys_switch_modes(demo_server: RunningServer) -> None:
    app = shell(demo_server)
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        themes = app.screen
        await pilot.press("2")
        assert app.current_mode == "datasets" and app.screen is not themes
        await pilot.press("1")
        assert app.current_mode == "themes" and app.screen is themes


async def test_the_real_mode_screens_are_wired(demo_server: RunningServer) -> None:
    from phtui.screens.datasets.picker import DatasetsScreen
    from phtui.screens.themes.overview import ThemesScreen

    app = PhTuiApp(settings=settings_for(demo_server), mode="datasets")
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DatasetsScreen)
        await pilot.press("1")
        assert isinstance(app.screen, ThemesScreen)


async def test_modes_open_without_an_app_wide_css_refresh_and_keep_their_colours(
    demo_server: RunningServer,
) -> None:
    from textual.color import Color
    from textual.widgets import Static

    from phtui.screens.datasets.picker import DatasetsScreen

    app = PhTuiApp(settings=settings_for(demo_server), mode="themes")
    refreshes: list[str] = []
    original = app.refresh_css

    def counted(animate: bool = True) -> None:
        refreshes.append(app.current_mode)
        original(animate)

    app.refresh_css = counted  # type: ignore[method-assign]
    async with app.run_test(size=LARGE) as pilot:
        await wait_until(pilot, lambda: bool(getattr(app.screen, "themes", None)))
        # Text takes the app's colour (widgets cache it from their ancestors when first drawn).
        heading = app.screen.query_one("#palette-heading", Static)
        assert heading.visual_style.foreground == app.styles.color
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, DatasetsScreen)
        assert refreshes == []
        # A theme change still refreshes every screen, the hidden Themes screen included.
        app.theme = "textual-light"
        await pilot.pause()
        assert refreshes
        await pilot.press("1")
        await pilot.pause()
        light = app.get_theme("textual-light")
        assert light is not None and light.background is not None
        assert app.screen.styles.background == Color.parse(light.background)
        assert heading.visual_style.foreground == app.styles.color


async def test_keymap_overrides_remap_screen_and_app_keys(demo_server: RunningServer) -> None:
    app = shell(demo_server, keymap={"themes.new": "ctrl+n", "app.help": "f2"})
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        screen = list_screen(app)
        await pilot.press("n")
        assert screen.created == 0
        await pilot.press("ctrl+n")
        assert screen.created == 1
        await pilot.press("question_mark")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f2")
        assert isinstance(app.screen, HelpScreen)


async def test_help_lists_the_effective_keys_of_the_screen(demo_server: RunningServer) -> None:
    app = shell(demo_server, keymap={"themes.new": "ctrl+n"})
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        rows = {row.binding_id: row for row in effective_keys(app.screen)}
        assert rows["themes.new"].keys == "^n"
        assert rows["themes.new"].description == "New"
        assert rows["app.help"].keys == "? / f1"
        assert {"app.themes", "app.datasets", "themes.refresh"} <= set(rows)
        assert "app.retry" not in rows  # only while offline
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ListScreen)


async def test_vim_keys_move_in_lists_but_type_in_inputs(demo_server: RunningServer) -> None:
    app = shell(demo_server)
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        options = app.screen.query_one("#list", OptionList)
        options.highlighted = 0
        await pilot.press("j", "j")
        assert options.highlighted == 2
        await pilot.press("k")
        assert options.highlighted == 1
        await pilot.press("G")
        assert options.highlighted == options.option_count - 1
        await pilot.press("g")
        assert options.highlighted == 0
        app.screen.query_one("#draft", Input).focus()
        await pilot.press("j", "k", "g", "G")
        assert app.screen.query_one("#draft", Input).value == "jkgG"


# -- read-only ------------------------------------------------------------------------------


async def test_read_only_disables_mutating_actions_visibly(demo_server: RunningServer) -> None:
    app = shell(demo_server, read_only=True)
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        screen = list_screen(app)
        assert app.sub_title.endswith("READ-ONLY")
        rows = {row.binding_id: row for row in effective_keys(screen)}
        assert not rows["themes.new"].enabled  # still listed, disabled
        await pilot.press("n")
        assert screen.created == 0
        # The key does not do nothing silently: it says why, in one line.
        await wait_until(
            pilot, lambda: any("Read-only" in str(n.message) for n in app._notifications)
        )
        app.set_read_only(False)
        await pilot.pause()
        assert "READ-ONLY" not in app.sub_title
        await pilot.press("n")
        assert screen.created == 1


async def test_read_only_from_the_profile(demo_server: RunningServer) -> None:
    settings = settings_for(demo_server, profile="local")
    settings.file.profiles["local"].read_only = True
    app = ShellApp(settings=settings, host_label="local server")
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        assert app.read_only and "READ-ONLY" in app.sub_title


# -- command palette ------------------------------------------------------------------------


async def test_palette_actions(demo_server: RunningServer) -> None:
    app = shell(demo_server)
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles[:5] == ["Themes", "Datasets", "Connect", "Read-only mode: turn on", "Help"]
        assert "UI colours" in titles and "Theme" not in titles  # not PostHog's themes
        read_only = next(
            command
            for command in app.get_system_commands(app.screen)
            if command.title.startswith("Read-only")
        )
        read_only.callback()
        assert app.read_only and "READ-ONLY" in app.sub_title


async def test_palette_switches_to_a_saved_profile(demo_server: RunningServer) -> None:
    app = shell(demo_server, profile="first")
    assert app._settings is not None
    app._settings.file.profiles["second"] = app._settings.file.profiles["first"].model_copy()
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        screen, client = list_screen(app), app.client
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Profile: second" in titles and "Profile: first" not in titles  # not the current
        app.switch_profile("second")
        assert client is not None
        await wait_until(pilot, lambda: screen.loads == 2 and client.closed)
        assert app.client is not client
        assert "profile second" in app.sub_title
        assert list_screen(app) is screen


# -- errors ---------------------------------------------------------------------------------


async def test_worker_error_becomes_a_notification(demo_server: RunningServer) -> None:
    app = shell(demo_server)
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        await pilot.press("o")
        await wait_until(pilot, lambda: bool(app._notifications))
        (notification,) = app._notifications
        assert notification.title == "Open theme failed"
        assert "not found (404)" in notification.message
        assert notification.severity == "error"
        assert isinstance(app.screen, ListScreen)


async def test_unexpected_error_opens_a_modal_saying_what_to_do(
    demo_server: RunningServer,
) -> None:
    app = shell(demo_server)
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, ErrorScreen))
        await pilot.press("enter")
        assert isinstance(app.screen, ListScreen)
        assert app.is_running


async def test_401_mid_session_opens_connect_on_top_and_keeps_edits(
    demo_server: RunningServer,
) -> None:
    app = shell(demo_server)
    async with app.run_test(size=LARGE) as pilot:
        await wait_until(pilot, loaded(app))
        screen = list_screen(app)
        screen.query_one("#draft", Input).value = "unsaved words"
        # The key is revoked while the app runs: the next request gets a 401.
        assert app.client is not None
        app.client._http.auth = None  # type: ignore[attr-defined]
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ConnectScreen))
        connect = app.screen
        assert isinstance(connect, ConnectScreen)
        assert screen in app.screen_stack
        # Reconnect with a good key through the screen.
        await press(pilot, "#cloud-custom")
        connect.query_one("#host", Input).value = demo_server.url
        connect.query_one("#key", Input).value = demo_server.api_key
        connect.query_one("#project", Input).value = str(demo_server.project_id)
        await press(pilot, "#check")
        await wait_until(pilot, lambda: connect.query_one("#projects", OptionList).option_count > 0)
        await press(pilot, "#connect")
        await wait_until(pilot, lambda: app.screen is screen and screen.loads == 2)
        assert screen.query_one("#draft", Input).value == "unsaved words"


@pytest.fixture
def restartable_server() -> Iterator[RunningServer]:
    server = start_server(seed="empty")
    yield server
    server.stop()


async def test_lost_connection_shows_offline_and_retry_recovers(
    restartable_server: RunningServer,
) -> None:
    server = restartable_server
    client = quick_client(server)
    app = ShellApp(client=client, settings=Settings(), host_label="local server")
    try:
        async with app.run_test(size=SMALL) as pilot:
            await wait_until(pilot, loaded(app))
            screen = list_screen(app)
            server.stop()
            await pilot.press("r")
            await wait_until(pilot, lambda: app.offline)
            assert app.sub_title.endswith("OFFLINE")
            assert "could not be reached" in messages(app)[-1]
            assert "app.retry" in {row.binding_id for row in effective_keys(screen)}
            await pilot.press("r")  # fails again: the header already says so, no second toast
            await wait_until(pilot, lambda: screen.attempts == 3 and not app.workers)
            await pilot.pause()
            assert len(messages(app)) == 1
            await pilot.press("ctrl+r")  # still down: stays offline, says so
            await wait_until(pilot, lambda: "Still offline" in _titles(app))
            assert app.offline and app.is_running
            revived = start_server(seed="empty", port=server.port, api_key=server.api_key)
            try:
                await pilot.press("ctrl+r")
                await wait_until(pilot, lambda: not app.offline and screen.loads == 2)
                assert "OFFLINE" not in app.sub_title
            finally:
                revived.stop()
    finally:
        await client.aclose()


def _titles(app: PhTuiApp) -> list[str]:
    return [notification.title for notification in app._notifications]


# -- confirm modal --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "expected"),
    [(["enter"], False), (["escape"], False), (["n"], False), (["y"], True)],
)
async def test_confirm_defaults_to_cancel(
    demo_server: RunningServer, keys: list[str], expected: bool
) -> None:
    app = shell(demo_server)
    answers: list[bool | None] = []
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        app.push_screen(ConfirmScreen("Delete theme", "Delete 'Ocean'?"), answers.append)
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
    assert answers == [expected]


async def test_confirm_button_confirms(demo_server: RunningServer) -> None:
    app = shell(demo_server)
    answers: list[bool | None] = []
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        app.push_screen(
            ConfirmScreen("Delete", "Delete it?", confirm_label="Delete"), answers.append
        )
        await pilot.pause()
        await pilot.click("#confirm")
        await pilot.pause()
    assert answers == [True]


# -- snapshots ------------------------------------------------------------------------------


def _loaded_before(app: PhTuiApp) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, loaded(app))

    return run_before


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_snapshot_shell(
    snap_compare: Any, demo_server: RunningServer, size: tuple[int, int]
) -> None:
    app = shell(demo_server)
    assert snap_compare(app, terminal_size=size, run_before=_loaded_before(app))


def test_snapshot_read_only(snap_compare: Any, demo_server: RunningServer) -> None:
    app = shell(demo_server, read_only=True)
    assert snap_compare(app, terminal_size=SMALL, run_before=_loaded_before(app))


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_snapshot_help(
    snap_compare: Any, demo_server: RunningServer, size: tuple[int, int]
) -> None:
    app = shell(demo_server, keymap={"themes.new": "ctrl+n"})
    assert snap_compare(app, terminal_size=size, run_before=_loaded_before(app), press=["f1"])


def test_snapshot_error_modal(snap_compare: Any, demo_server: RunningServer) -> None:
    app = shell(demo_server)

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, loaded(app))
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, ErrorScreen))

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_snapshot_confirm(snap_compare: Any, demo_server: RunningServer) -> None:
    app = shell(demo_server)

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, loaded(app))
        app.push_screen(ConfirmScreen("Delete theme", "Delete 'Ocean'? This cannot be undone."))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_snapshot_offline(snap_compare: Any, restartable_server: RunningServer) -> None:
    server = restartable_server
    app = ShellApp(
        client=quick_client(server),
        settings=Settings(),
        host_label="local server",
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, loaded(app))
        server.stop()
        await pilot.press("r")
        await wait_until(pilot, lambda: app.offline)
        app.clear_notifications()  # the message names the server's random port
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


# -- a rejected key names its source, and the new key can replace it ----------------------


async def test_a_rejected_profile_key_is_named_and_replaced_in_the_profile(
    demo_server: RunningServer, tmp_path: Any
) -> None:
    from phtui.config import load_settings

    path = tmp_path / "config.toml"
    revoked = "phx_revoked_0123456789"
    path.write_text(
        "# my settings\n"
        'default_profile = "work"\n\n'
        "[profiles.work]  # the office\n"
        f'host = "{demo_server.url}"\n'
        f"project_id = {demo_server.project_id}\n"
        f'api_key = "{revoked}"  # rotated every quarter\n'
        "read_only = false\n",
        encoding="utf-8",
    )
    path.chmod(0o600)
    app = ShellApp(settings=load_settings(path=path), host_label="local server")
    async with app.run_test(size=LARGE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ConnectScreen))
        connect = app.screen
        assert isinstance(connect, ConnectScreen)
        reason = str(connect.query_one(".reason", Static).render())
        assert f"The key came from the profile “work” in {path}." in reason
        assert "POSTHOG_PERSONAL_API_KEY" not in reason and revoked not in reason
        assert connect.query_one("#save", Checkbox).value  # offered: save the new key there
        assert connect.query_one("#profile-name", Input).value == "work"
        connect.query_one("#key", Input).value = demo_server.api_key
        await press(pilot, "#check")
        await wait_until(pilot, lambda: connect.query_one("#projects", OptionList).option_count > 0)
        await press(pilot, "#connect")
        await wait_until(pilot, loaded(app))
        shown = " ".join(messages(app)) + app.sub_title
        assert demo_server.api_key not in shown
    text = path.read_text(encoding="utf-8")
    assert f'api_key = "{demo_server.api_key}"  # rotated every quarter' in text
    assert text.startswith("# my settings\n") and "[profiles.work]  # the office" in text
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert load_settings(path=path).resolve().api_key == demo_server.api_key


async def test_a_rejected_key_from_the_environment_names_the_variable(
    demo_server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "phx_revoked_from_env")
    monkeypatch.setenv("POSTHOG_HOST", demo_server.url)
    monkeypatch.setenv("POSTHOG_PROJECT_ID", str(demo_server.project_id))
    from phtui.config import load_settings

    app = ShellApp(settings=load_settings(), host_label="local server")
    async with app.run_test(size=LARGE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ConnectScreen))
        reason = str(app.screen.query_one(".reason", Static).render())
        assert "The key came from the environment variable POSTHOG_PERSONAL_API_KEY." in reason
        assert not app.screen.query_one("#save", Checkbox).value


async def test_a_renamed_keymap_id_still_works_and_is_reported(demo_server: RunningServer) -> None:
    from phtui.screens.dialogs import PromptScreen

    app = shell(demo_server, keymap={"dialog.cancel": "ctrl+g"})
    answers: list[str | None] = []
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        notice = next(n for n in app._notifications if n.title == "Config")
        assert '"dialog.cancel" is now "prompt.cancel" and "choice.cancel"' in notice.message
        await app.push_screen(PromptScreen("Name?"), answers.append)
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: answers == [None])


# -- orientation: where you are, how to get elsewhere, how to leave -------------------------


def bar_text(app: PhTuiApp) -> str:
    return app.screen.query_one(KeyBar).render().plain


def title_text(app: PhTuiApp) -> str:
    return app.screen.query_one(TitleBar).render().plain


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
async def test_every_screen_shows_the_modes_help_and_quit(
    demo_server: RunningServer, size: tuple[int, int]
) -> None:
    app = shell(demo_server)
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, loaded(app))
        assert " 1 Themes  2 Datasets " in title_text(app)
        assert bar_text(app).rstrip().endswith("? Help  ^q Quit ▏^p palette")
        tabs = app.screen.query_one(TitleBar).mode_tabs()
        assert [(tab.mode, tab.current) for tab in tabs] == [("themes", True), ("datasets", False)]
        await pilot.press("2")
        await wait_until(pilot, loaded(app))
        tabs = app.screen.query_one(TitleBar).mode_tabs()
        assert [(tab.mode, tab.current) for tab in tabs] == [("themes", False), ("datasets", True)]


async def test_clicking_a_mode_tab_switches_to_it(demo_server: RunningServer) -> None:
    app = shell(demo_server)
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        start = title_text(app).index("2 Datasets")
        await pilot.click(TitleBar, offset=(start + 2, 0))
        await wait_until(pilot, lambda: app.current_mode == "datasets")


async def test_a_remapped_key_keeps_its_place_and_shows_its_new_key(
    demo_server: RunningServer,
) -> None:
    app = shell(demo_server, keymap={"themes.new": "ctrl+n", "app.help": "f2", "app.datasets": "9"})
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        assert bar_text(app).startswith(" ^n New  r Refresh ")
        assert "f2 Help  ^q Quit" in bar_text(app)
        assert " 9 Datasets " in title_text(app)


async def test_q_closes_the_top_screen_as_escape_does(demo_server: RunningServer) -> None:
    app = shell(demo_server)
    answers: list[bool | None] = []
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        assert isinstance(app.screen, ListScreen)
        await app.push_screen(ConfirmScreen("Delete", "Delete it?"), answers.append)
        await pilot.press("q")
        await wait_until(pilot, lambda: answers == [False])
        assert isinstance(app.screen, ListScreen) and app.return_code is None


async def test_q_types_into_a_text_field(demo_server: RunningServer) -> None:
    app = shell(demo_server)
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        draft = app.screen.query_one("#draft", Input)
        draft.focus()
        await pilot.press("q", "q")
        assert draft.value == "qq" and app.return_code is None


async def test_q_on_a_modes_first_screen_quits_after_asking_about_edits(
    demo_server: RunningServer,
) -> None:
    app = shell(demo_server)
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        screen = list_screen(app)
        screen.unsaved_edits = lambda: "the theme “Draft”"  # type: ignore[method-assign]
        await pilot.press("q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("q")  # q on the question: cancel, as escape
        await wait_until(pilot, lambda: app.screen is screen)
        assert app.return_code is None
        screen.unsaved_edits = lambda: None  # type: ignore[method-assign]
        await pilot.press("q")
        await wait_until(pilot, lambda: app.return_code == 0)


async def test_help_lists_first_and_last_for_lists(demo_server: RunningServer) -> None:
    app = shell(demo_server)
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        rows = {row.binding_id: row for row in effective_keys(app.screen)}
        assert (rows["app.vim_first"].keys, rows["app.vim_first"].description) == (
            "g",
            "First (list)",
        )
        assert (rows["app.vim_last"].keys, rows["app.vim_last"].description) == ("G", "Last (list)")
        assert rows["app.back"].keys == "q"


async def test_at_80_columns_the_title_keeps_read_only_and_offline_in_view(
    demo_server: RunningServer,
) -> None:
    app = shell(demo_server, read_only=True, host_label="posthog.a-very-long-host.example.com")
    async with app.run_test(size=SMALL) as pilot:
        await wait_until(pilot, loaded(app))
        app.offline = True
        await pilot.pause()
        text = title_text(app)
        assert len(text) == 80 and " 1 Themes  2 Datasets " in text
        assert text.rstrip().endswith(f"· project {demo_server.project_id} · READ-ONLY · OFFLINE")
        assert "posthog.a-ve" in text and "…" in text
