"""The offline state ends by itself as soon as PostHog answers any request again."""

from __future__ import annotations

from phtui.app import PhTuiApp
from phtui.config import Profile, Settings
from phtui.screens.themes.overview import ThemesScreen
from phtui.server.runner import RunningServer
from tests.clients import quick_client
from tests.ui.support import wait_until

SIZE = (100, 30)


def titles(app: PhTuiApp) -> list[str]:
    return [notification.title for notification in app._notifications]


async def test_a_later_successful_request_ends_the_offline_state(
    fresh_server: RunningServer,
) -> None:
    server = fresh_server
    async with quick_client(server) as client:
        app = PhTuiApp(client=client, settings=Settings(), host_label="t")
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, ThemesScreen)
            await wait_until(pilot, lambda: bool(screen.themes) and not app.workers)

            server.options.drop_next = 1  # the refresh's request: closed without an answer
            await pilot.press("r")
            await wait_until(pilot, lambda: app.offline)
            assert app.sub_title.endswith("OFFLINE")
            assert app.check_action("retry", ()) is True

            await pilot.press("r")  # no ctrl+r: the screen's own reload gets an answer
            await wait_until(pilot, lambda: not app.offline)
            assert "OFFLINE" not in app.sub_title
            assert app.check_action("retry", ()) is False
            assert titles(app)[-1] == "Online"
            await wait_until(pilot, lambda: not app.workers)
            assert screen.themes  # the list is still (again) shown


async def test_the_apps_own_client_reports_answers_to_the_app(
    fresh_server: RunningServer,
) -> None:
    server = fresh_server
    connection = Profile(host=server.url, project_id=server.project_id, api_key=server.api_key)
    app = PhTuiApp(settings=Settings(cli=connection), host_label="t")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.client is not None)
        app.offline = True  # as after a failed request
        assert app.client is not None
        await app.client.list_themes()
        await pilot.pause()
        assert not app.offline
