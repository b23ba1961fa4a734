"""Helpers of the item editor's and history's Pilot tests: servers of each datasets API, the app
on one, and opening the editor on an item."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from phtui.api import PostHogClient
from phtui.api.models import DatasetItem
from phtui.app import PhTuiApp
from phtui.config import Settings
from phtui.screens.datasets.item_editor import ItemEditorScreen
from phtui.screens.datasets.picker import DatasetsScreen
from phtui.server.runner import RunningServer, start_server
from tests.ui.support import wait_until

GENERATIONS = ("revisioned", "classic")


@pytest.fixture(scope="module")
def revisioned_editor_server() -> Iterator[RunningServer]:
    """A revisioned server for this module's tests, without quotas (each test makes a dataset)."""
    with start_server(seed="empty", datasets_api="revisioned") as running:
        running.options.lift_limits()
        yield running


@pytest.fixture(scope="module")
def classic_editor_server() -> Iterator[RunningServer]:
    with start_server(seed="empty", datasets_api="classic") as running:
        yield running


@pytest.fixture(params=GENERATIONS)
def any_server(
    request: pytest.FixtureRequest,
    revisioned_editor_server: RunningServer,
    classic_editor_server: RunningServer,
) -> Iterator[RunningServer]:
    """Each test that takes this runs once per datasets API, with fault switches reset after."""
    server = revisioned_editor_server if request.param == "revisioned" else classic_editor_server
    yield server
    reset_faults(server)


@pytest.fixture
def rev_server(revisioned_editor_server: RunningServer) -> Iterator[RunningServer]:
    yield revisioned_editor_server
    reset_faults(revisioned_editor_server)


@pytest.fixture
def classic_server(classic_editor_server: RunningServer) -> Iterator[RunningServer]:
    yield classic_editor_server
    reset_faults(classic_editor_server)


def reset_faults(server: RunningServer) -> None:
    options = server.options
    options.latency_ms = 0
    options.fail_next = options.drop_next = options.throttle_next = 0
    options.stall_before_next = options.drop_after_commit_next = 0
    options.stall_after_commit_next = 0
    options.stall_ms = 5000.0


@asynccontextmanager
async def editor_app(
    server: RunningServer,
    *,
    read_only: bool = False,
    size: tuple[int, int] = (120, 40),
    max_retries: int = 3,
    timeout: float = 30.0,
) -> AsyncIterator[tuple[PhTuiApp, Pilot[None], PostHogClient]]:
    async with PostHogClient(
        server.url,
        server.api_key,
        server.project_id,
        max_retries=max_retries,
        backoff_base=0.01,
        timeout=timeout,
    ) as client:
        app = PhTuiApp(
            client=client, mode="datasets", read_only=read_only, settings=Settings(), host_label="t"
        )
        async with app.run_test(size=size) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
            await client.detect_datasets_api()
            yield app, pilot, client


def seed(server: RunningServer, name: str, count: int = 1, **extra: Any) -> str:
    """A dataset of `count` items (classic names, which revisioned servers map)."""
    dataset = server.create_dataset(name)
    server.bulk_insert_items(
        dataset,
        [
            {"input": {"q": f"question {n}"}, "output": {"a": n}, "metadata": {"n": n}, **extra}
            for n in range(count)
        ],
    )
    return dataset


async def first_item(client: PostHogClient, dataset_id: str) -> DatasetItem:
    page = await client.list_dataset_items(dataset_id, limit=1)
    return page.results[0]


async def open_editor(
    app: PhTuiApp, pilot: Pilot[None], client: PostHogClient, item: DatasetItem | None, *,
    dataset_id: str | None = None,
) -> ItemEditorScreen:  # fmt: skip
    dataset = await client.get_dataset(item.dataset if item else dataset_id or "")
    editor = ItemEditorScreen(dataset, item)
    app.push_screen(editor)
    await wait_until(pilot, lambda: editor.is_mounted and editor.fields is not None)
    await pilot.pause()
    return editor


def set_json(screen: ItemEditorScreen, field: str, text: str) -> None:
    screen.editor(field).load(text, original=False)


def status(screen: ItemEditorScreen) -> str:
    return str(screen.query_one("#editor-status", Static).render())


def notice(screen: ItemEditorScreen) -> str:
    widget = screen.query_one("#editor-notice", Static)
    return str(widget.render()) if widget.display else ""
