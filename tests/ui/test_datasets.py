"""Pilot tests of every Datasets action (picker, items, editor, transfer) on the local server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.pilot import Pilot

from phtui.api import PostHogClient
from phtui.api.models import DatasetItem
from phtui.app import PhTuiApp
from phtui.config import Settings
from phtui.core.drafts import Draft, DraftKey, DraftStore, default_draft_dir
from phtui.screens.datasets.item_editor import ItemEditorScreen
from phtui.screens.datasets.items import DatasetItemsScreen
from phtui.screens.datasets.picker import DatasetsScreen
from phtui.server.runner import RunningServer
from tests.ui.support import wait_until

# ------------------------------------------------------------------------------ helpers


@pytest.fixture(autouse=True)
def draft_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PHTUI_DATA_DIR", str(tmp_path / "data"))
    return default_draft_dir()


@asynccontextmanager
async def datasets_app(
    server: RunningServer,
    *,
    read_only: bool = False,
    size: tuple[int, int] = (120, 40),
    max_retries: int = 3,
) -> AsyncIterator[tuple[PhTuiApp, Pilot[None], PostHogClient]]:
    async with PostHogClient(
        server.url, server.api_key, server.project_id, max_retries=max_retries, backoff_base=0.01
    ) as client:
        app = PhTuiApp(
            client=client, mode="datasets", read_only=read_only, settings=Settings(), host_label="t"
        )
        async with app.run_test(size=size) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
            await wait_until(pilot, lambda: not picker(app).pager.loading_marker)
            yield app, pilot, client


def picker(app: PhTuiApp) -> DatasetsScreen:
    return next(s for s in app.screen_stack if isinstance(s, DatasetsScreen))


def items_screen(app: PhTuiApp) -> DatasetItemsScreen:
    return next(s for s in reversed(app.screen_stack) if isinstance(s, DatasetItemsScreen))


def editor_screen(app: PhTuiApp) -> ItemEditorScreen:
    assert isinstance(app.screen, ItemEditorScreen), app.screen
    return app.screen


def pager_text(screen: DatasetsScreen | DatasetItemsScreen) -> str:
    return screen.pager.render_text().plain


async def open_items(
    app: PhTuiApp, pilot: Pilot[None], client: PostHogClient, dataset_id: str
) -> DatasetItemsScreen:
    dataset = await client.get_dataset(dataset_id)
    app.push_screen(DatasetItemsScreen(dataset))
    await wait_until(pilot, lambda: isinstance(app.screen, DatasetItemsScreen))
    screen = items_screen(app)
    await wait_until(pilot, lambda: screen.is_mounted and screen.loaded)
    return screen


def seed(server: RunningServer, name: str, count: int) -> str:
    dataset = server.create_dataset(name)
    server.bulk_insert_items(
        dataset,
        [
            {"input": {"q": f"question {n}"}, "output": {"a": n}, "metadata": {"n": n}}
            for n in range(count)
        ],
    )
    return dataset


async def first_item(client: PostHogClient, dataset_id: str) -> DatasetItem:
    page = await client.list_dataset_items(dataset_id, limit=1)
    return page.results[0]


# -------------------------------------------------------------------------------- items
# The items screen's tests, on both datasets APIs: tests/ui/test_items_screen.py.


# -------------------- drafts (item editor: test_item_editor.py; dataset form: test_dataset_form.py)


async def test_items_with_drafts_are_marked_and_announced(
    server: RunningServer, draft_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset_id = seed(server, "marked ds", 3)
    async with datasets_app(server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        key = DraftKey(client.host, client.project_id, "dataset_item", item.id)
        DraftStore(draft_dir).save(Draft(key, {"input": "{"}))
        told: list[str] = []
        monkeypatch.setattr(app, "notify", lambda message, **_: told.append(message))
        screen = await open_items(app, pilot, client, dataset_id)
        assert screen.table.get_row(item.id)[0].plain.startswith("✎")
        others = [row for row in screen.table.shown_ids if row != item.id]
        assert not any(screen.table.get_row(row)[0].plain.startswith("✎") for row in others)
        assert any("marked ✎" in message for message in told)
