"""The connect screen against the real local server: keys, projects, scopes and profiles."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from textual.app import ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, OptionList, RadioButton, Static

from phtui.app import PhTuiApp
from phtui.config import Profile, Settings, load_settings
from phtui.screens.connect import ConnectScreen
from phtui.server.runner import RunningServer
from phtui.widgets.key_bar import KeyBar
from phtui.widgets.title_bar import TitleBar
from tests.ui.support import press, wait_until

SIZE = (120, 40)


class ModeScreen(Screen[None]):
    """Stands in for the Themes and Datasets screens, which have tests of their own."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(type(self).__name__)
        yield KeyBar()


class ShellApp(PhTuiApp):
    MODES = {"themes": ModeScreen, "datasets": ModeScreen}


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("POSTHOG_PERSONAL_API_KEY", "POSTHOG_HOST", "POSTHOG_PROJECT_ID", "PHTUI_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config.toml"
    monkeypatch.setenv("PHTUI_CONFIG", str(config))
    return config


def text_of(screen: ConnectScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def enter_key(pilot: Pilot[Any], host: str, key: str) -> ConnectScreen:
    """Fill in a custom host and a key on the connect screen and press Check key."""
    screen = pilot.app.screen
    assert isinstance(screen, ConnectScreen)
    await press(pilot, "#cloud-custom")
    screen.query_one("#host", Input).value = host
    screen.query_one("#key", Input).value = key
    await press(pilot, "#check")
    return screen


def unconfigured_app() -> PhTuiApp:
    return ShellApp(settings=load_settings())


async def test_startup_without_a_key_opens_the_connect_screen() -> None:
    app = unconfigured_app()
    async with app.run_test(size=SIZE):
        assert isinstance(app.screen, ConnectScreen)
        assert app.client is None
        # US Cloud is preselected, the key is masked and the needed scopes are named.
        assert app.screen.query_one("#cloud-us", RadioButton).value
        assert app.screen.query_one("#key", Input).password
        hint = " ".join(str(widget.render()) for widget in app.screen.query(".hint"))
        for scope in ("project:read/write", "dataset:read/write", "user:read"):
            assert scope in hint


async def test_datasets_mode_without_a_key_waits_quietly_then_loads(
    fresh_server: RunningServer,
) -> None:
    from phtui.screens.datasets.picker import DatasetsScreen

    app = PhTuiApp(settings=load_settings(), mode="datasets")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ConnectScreen) and not app.workers)
        # Every worker of the Datasets screen below has finished: none said "not connected".
        assert not app._notifications
        screen = await enter_key(pilot, fresh_server.url, fresh_server.api_key)
        projects = screen.query_one("#projects", OptionList)
        await wait_until(pilot, lambda: projects.option_count > 0)
        ids = [projects.get_option_at_index(i).id for i in range(projects.option_count)]
        projects.highlighted = ids.index(str(fresh_server.project_id))
        projects.action_select()
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
        datasets = app.screen
        assert isinstance(datasets, DatasetsScreen)
        empty = datasets.query_one("#datasets-empty")  # shown once a (here empty) page loads
        await wait_until(pilot, lambda: bool(empty.display))
        assert not [n for n in app._notifications if n.severity == "error"]


async def test_valid_key_lists_projects_then_connects(fresh_server: RunningServer) -> None:
    app = unconfigured_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await enter_key(pilot, fresh_server.url, fresh_server.api_key)
        projects = screen.query_one("#projects", OptionList)
        await wait_until(pilot, lambda: projects.option_count > 0)
        assert "Key accepted for ada@hedgebox.example" in text_of(screen, "#status")
        ids = [projects.get_option_at_index(i).id for i in range(projects.option_count)]
        assert str(fresh_server.project_id) in ids
        assert str(fresh_server.other_project_id) not in ids  # another org's project
        projects.highlighted = ids.index(str(fresh_server.project_id))
        projects.action_select()
        await wait_until(pilot, lambda: app.client is not None)
        assert app.client is not None and app.client.host == fresh_server.url
        assert app.client.project_id == fresh_server.project_id
        assert app.current_mode == "themes"
        assert f"project {fresh_server.project_id}" in app.sub_title
        assert fresh_server.api_key not in app.sub_title


async def test_bad_key_is_rejected_with_a_message(fresh_server: RunningServer) -> None:
    app = unconfigured_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await enter_key(pilot, fresh_server.url, "phx_not_a_real_key")
        await wait_until(pilot, lambda: "rejected" in text_of(screen, "#status"))
        assert "phx_not_a_real_key" not in text_of(screen, "#status")
        assert "POSTHOG_PERSONAL_API_KEY" not in text_of(screen, "#status")  # typed, not a variable
        assert screen.query_one("#connect", Button).disabled
        assert isinstance(app.screen, ConnectScreen)


async def test_missing_scopes_are_named_and_need_a_second_press(
    fresh_server: RunningServer,
) -> None:
    key = fresh_server.create_api_key(["project:read", "user:read"])
    app = unconfigured_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await enter_key(pilot, fresh_server.url, key)
        await wait_until(pilot, lambda: screen.query_one("#projects", OptionList).option_count > 0)
        screen.query_one("#project", Input).value = str(fresh_server.project_id)
        await press(pilot, "#connect")
        await wait_until(pilot, lambda: "Missing:" in text_of(screen, "#scopes"))
        scopes = text_of(screen, "#scopes")
        assert "✓ project:read" in scopes and "✓ user:read" in scopes
        for missing in ("project:write", "dataset:read", "dataset:write"):
            assert f"✗ {missing}" in scopes
        assert "Missing: project:write, dataset:read, dataset:write." in scopes
        assert str(screen.query_one("#connect", Button).label) == "Connect anyway"
        assert app.client is None
        await press(pilot, "#connect")
        await wait_until(pilot, lambda: app.client is not None)
        assert any("lacks project:write" in note.message for note in app._notifications)


async def test_key_without_user_read_can_type_the_project_id(fresh_server: RunningServer) -> None:
    key = fresh_server.create_api_key(["project:write", "dataset:write"])
    app = unconfigured_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await enter_key(pilot, fresh_server.url, key)
        await wait_until(pilot, lambda: "Type the project id" in text_of(screen, "#status"))
        assert "user:read" in text_of(screen, "#status")
        project = screen.query_one("#project", Input)
        assert project.has_focus
        project.value = str(fresh_server.project_id)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Missing: user:read" in text_of(screen, "#scopes"))
        await press(pilot, "#connect")
        await wait_until(pilot, lambda: app.client is not None)


async def test_a_project_of_another_org_is_refused(fresh_server: RunningServer) -> None:
    app = unconfigured_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await enter_key(pilot, fresh_server.url, fresh_server.api_key)
        await wait_until(pilot, lambda: screen.query_one("#projects", OptionList).option_count > 0)
        screen.query_one("#project", Input).value = str(fresh_server.other_project_id)
        await press(pilot, "#connect")
        await wait_until(pilot, lambda: "access to the project" in text_of(screen, "#status"))
        assert app.client is None


async def test_connect_saves_a_profile_with_mode_0600(
    fresh_server: RunningServer, isolated_env: Path
) -> None:
    app = unconfigured_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await enter_key(pilot, fresh_server.url, fresh_server.api_key)
        await wait_until(pilot, lambda: screen.query_one("#projects", OptionList).option_count > 0)
        screen.query_one("#save", Checkbox).value = True
        screen.query_one("#profile-name", Input).value = "local"
        screen.query_one("#project", Input).value = str(fresh_server.project_id)
        await press(pilot, "#connect")
        await wait_until(pilot, lambda: app.client is not None)
        assert "profile local" in app.sub_title
    assert stat.S_IMODE(isolated_env.stat().st_mode) == 0o600
    resolved = load_settings().resolve()  # the saved profile became the default
    assert (resolved.name, resolved.host, resolved.project_id, resolved.api_key) == (
        "local",
        fresh_server.url,
        fresh_server.project_id,
        fresh_server.api_key,
    )


async def test_saved_profile_connects_at_startup_without_the_screen(
    fresh_server: RunningServer,
) -> None:
    from phtui.config import default_config_path, save_profile

    profile = Profile(
        host=fresh_server.url, project_id=fresh_server.project_id, api_key=fresh_server.api_key
    )
    save_profile(default_config_path(), "local", profile, make_default=True)
    app = unconfigured_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, ConnectScreen)
        assert app.current_mode == "themes"
        assert "profile local" in app.sub_title
        client = app.client
    assert client is not None and client.closed  # the app made it, the app closed it


async def test_cancelling_the_first_connect_quits(fresh_server: RunningServer) -> None:
    app = ShellApp(settings=Settings())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0
    assert app.client is None


# -- snapshots ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_connect_at_startup(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(unconfigured_app(), terminal_size=size)


def test_snapshot_connect_with_missing_scopes(
    snap_compare: Any, fresh_server: RunningServer
) -> None:
    key = fresh_server.create_api_key(["project:read", "user:read"])
    app = unconfigured_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await enter_key(pilot, fresh_server.url, key)
        projects = screen.query_one("#projects", OptionList)
        await wait_until(pilot, lambda: projects.option_count > 0)
        screen.query_one("#project", Input).value = str(fresh_server.project_id)
        await press(pilot, "#connect")
        await wait_until(pilot, lambda: "Missing:" in text_of(screen, "#scopes"))
        # Normalise the server's random port: ephemeral ports always have 5 digits, so the
        # masked host has a fixed width.
        screen.query_one("#host", Input).password = True
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
