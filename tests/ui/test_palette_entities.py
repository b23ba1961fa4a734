"""The command palette's theme and dataset hits open the entity, on the real mode screens."""

from __future__ import annotations

from typing import Any

from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import OptionList

from phtui.api import PostHogClient
from phtui.app import PhTuiApp
from phtui.config import Settings
from phtui.screens.datasets.items import DatasetItemsScreen
from phtui.screens.datasets.picker import DatasetsScreen
from phtui.screens.themes.overview import ThemesScreen
from phtui.server.runner import RunningServer
from tests.clients import quick_client
from tests.ui.support import wait_until

SIZE = (120, 40)


async def choose(pilot: Pilot[Any], query: str, label: str) -> None:
    """Open the palette, type `query` and pick the hit whose prompt is `label`."""
    await pilot.press("ctrl+p")
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*query)
    options = pilot.app.screen.query_one(OptionList)

    def index() -> int | None:
        for i in range(options.option_count):
            if label in str(options.get_option_at_index(i).prompt):
                return i
        return None

    await wait_until(pilot, lambda: index() is not None)
    options.highlighted = index()
    await pilot.press("enter")


async def test_a_theme_hit_selects_that_theme(demo_server: RunningServer) -> None:
    async with PostHogClient(
        demo_server.url, demo_server.api_key, demo_server.project_id
    ) as client:
        themes = await client.list_themes()
        wanted = next(theme for theme in themes if not theme.is_global)
        app = PhTuiApp(client=client, settings=Settings(), mode="datasets", host_label="t")
        async with app.run_test(size=SIZE) as pilot:
            await choose(pilot, wanted.name[:6], f"Theme: {wanted.name}")
            await wait_until(pilot, lambda: app.current_mode == "themes")
            screen = app.screen_stack[0]
            assert isinstance(screen, ThemesScreen)
            await wait_until(pilot, lambda: bool(screen.themes))
            await wait_until(pilot, lambda: getattr(screen.selected, "id", None) == wanted.id)


async def test_a_dataset_hit_opens_its_items_even_from_another_dataset(
    demo_server: RunningServer,
) -> None:
    async with PostHogClient(
        demo_server.url, demo_server.api_key, demo_server.project_id
    ) as client:
        first, second = (await client.list_datasets(limit=2)).results
        app = PhTuiApp(client=client, settings=Settings(), mode="themes", host_label="t")
        async with app.run_test(size=SIZE) as pilot:
            await choose(pilot, first.name[:8], f"Dataset: {first.name}")
            await wait_until(pilot, lambda: isinstance(app.screen, DatasetItemsScreen))
            assert isinstance(app.screen, DatasetItemsScreen)
            assert app.screen.dataset.id == first.id

            await choose(pilot, second.name[:8], f"Dataset: {second.name}")

            def showing_second() -> bool:
                screen = app.screen
                return isinstance(screen, DatasetItemsScreen) and screen.dataset.id == second.id

            await wait_until(pilot, showing_second)
            # One items screen on top of the picker: the first dataset's was closed.
            kinds = [type(screen) for screen in app.screen_stack]
            assert kinds == [DatasetsScreen, DatasetItemsScreen]


async def test_a_dataset_hit_on_a_revisioned_server(revisioned_demo_server: RunningServer) -> None:
    async with quick_client(revisioned_demo_server) as client:
        [wanted] = await client.find_datasets_by_name("RAG answer faithfulness")
        app = PhTuiApp(client=client, settings=Settings(), mode="themes", host_label="t")
        async with app.run_test(size=SIZE) as pilot:
            await choose(pilot, "RAG answer", f"Dataset: {wanted.name}")
            await wait_until(pilot, lambda: isinstance(app.screen, DatasetItemsScreen))
            assert isinstance(app.screen, DatasetItemsScreen)
            assert app.screen.dataset.id == wanted.id


async def test_show_dataset_opens_an_archived_dataset_as_archived(
    revisioned_demo_server: RunningServer,
) -> None:
    async with quick_client(revisioned_demo_server) as client:
        [archived] = (await client.list_datasets(archived=True)).results
        app = PhTuiApp(client=client, settings=Settings(), mode="datasets", host_label="t")
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
            screen = app.screen
            assert isinstance(screen, DatasetsScreen)
            screen.show_dataset(archived.id)
            await wait_until(pilot, lambda: isinstance(app.screen, DatasetItemsScreen))
            assert isinstance(app.screen, DatasetItemsScreen)
            assert app.screen.dataset.id == archived.id and app.screen.dataset.archived
