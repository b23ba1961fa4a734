"""Pilot tests of every Datasets action (picker, items, editor, transfer) on the local server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from phtui.api import PostHogClient
from phtui.api.errors import NotFoundError
from phtui.api.models import DatasetItem
from phtui.app import PhTuiApp
from phtui.config import Settings
from phtui.core.drafts import Draft, DraftKey, DraftStore, default_draft_dir
from phtui.screens.datasets.item_editor import ItemEditorScreen
from phtui.screens.datasets.items import DatasetItemsScreen
from phtui.screens.datasets.picker import DatasetsScreen
from phtui.screens.dialogs import PromptScreen
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


async def test_items_table_pages_through_the_dataset(server: RunningServer) -> None:
    dataset_id = seed(server, "paging ds", 260)
    async with datasets_app(server) as (app, pilot, client):
        screen = await open_items(app, pilot, client, dataset_id)
        table = screen.table
        assert pager_text(screen).startswith("1-100 of 260 items")
        expected = [i.id for i in (await client.list_dataset_items(dataset_id, limit=100)).results]
        assert table.shown_ids == expected  # row keys are item ids, in server order
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: pager_text(screen).startswith("101-200 of 260"))
        await pilot.press("right_curly_bracket")
        await wait_until(pilot, lambda: pager_text(screen).startswith("201-260 of 260"))
        assert table.row_count == 60
        await pilot.press("left_square_bracket")
        await wait_until(pilot, lambda: pager_text(screen).startswith("101-200"))
        await pilot.press("left_curly_bracket")
        await wait_until(pilot, lambda: pager_text(screen).startswith("1-100"))
        await pilot.press("g")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press("9", "enter")  # out of range: refused, prompt stays
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("backspace", "3", "enter")
        await wait_until(pilot, lambda: pager_text(screen).startswith("201-260"))


async def test_page_size_cycles_through_the_allowed_sizes(server: RunningServer) -> None:
    dataset_id = seed(server, "page size ds", 120)
    async with datasets_app(server) as (app, pilot, client):
        screen = await open_items(app, pilot, client, dataset_id)
        await pilot.press("s")  # 100 -> 250
        await wait_until(pilot, lambda: pager_text(screen).startswith("1-120 of 120"))
        await pilot.press("s")  # 250 -> 25
        await wait_until(pilot, lambda: pager_text(screen).startswith("1-25 of 120"))
        assert screen.table.row_count == 25
        assert "Page 1 of 5 · 25 per page" in pager_text(screen)


async def test_next_page_is_prefetched(server: RunningServer) -> None:
    dataset_id = seed(server, "prefetch ds", 150)
    async with datasets_app(server) as (app, pilot, client):
        screen = await open_items(app, pilot, client, dataset_id)
        await wait_until(pilot, lambda: screen._cache.get(100, 100) is not None)
        server.options.latency_ms = 1500  # any network wait would now show
        try:
            await pilot.press("right_square_bracket")
            await pilot.pause()
            assert pager_text(screen).startswith("101-150 of 150")
            assert screen.table.row_count == 50
        finally:
            server.options.latency_ms = 0


async def test_a_stale_page_load_is_cancelled_by_the_next(server: RunningServer) -> None:
    dataset_id = seed(server, "stale ds", 500)
    async with datasets_app(server) as (app, pilot, client):
        screen = await open_items(app, pilot, client, dataset_id)
        await wait_until(pilot, lambda: screen._cache.get(100, 100) is not None)
        server.options.latency_ms = 300
        try:
            await pilot.press("right_square_bracket")  # page 2, from the cache
            await pilot.press("right_square_bracket")  # page 3: a request...
            await pilot.press("right_square_bracket")  # ...replaced by page 4's
            assert "loading" in pager_text(screen)
            await wait_until(pilot, lambda: pager_text(screen).startswith("301-400"), timeout=5)
            await pilot.pause(0.5)
            assert pager_text(screen).startswith("301-400")  # page 3 never landed after it
        finally:
            server.options.latency_ms = 0
        expected = await client.list_dataset_items(dataset_id, limit=100, offset=300)
        assert screen.table.shown_ids == [item.id for item in expected.results]


async def test_going_back_to_a_cached_page_cancels_the_load_in_flight(
    server: RunningServer,
) -> None:
    dataset_id = seed(server, "back ds", 400)
    async with datasets_app(server) as (app, pilot, client):
        screen = await open_items(app, pilot, client, dataset_id)
        await wait_until(pilot, lambda: screen._cache.get(100, 100) is not None)
        await pilot.press("right_square_bracket")  # page 2 from the cache
        await wait_until(pilot, lambda: screen._cache.get(100, 200) is not None)
        first = await client.list_dataset_items(dataset_id, limit=100, offset=0)
        server.options.latency_ms = 400
        try:
            screen._cache.clear()
            await pilot.press("right_square_bracket")  # page 3: a slow request...
            assert "loading" in pager_text(screen)
            screen._cache.put(first)
            await pilot.press("left_curly_bracket")  # ...and the user goes back to page 1
            await pilot.pause(0.8)
        finally:
            server.options.latency_ms = 0
        assert pager_text(screen).startswith("1-100 of 400")
        assert screen.table.shown_ids == [item.id for item in first.results]


async def test_cells_are_plain_one_line_text(server: RunningServer) -> None:
    dataset_id = server.create_dataset("markup ds")
    server.bulk_insert_items(dataset_id, [{"input": "[b]x[/b]\ny", "output": "ünïcødé ✓"}])
    async with datasets_app(server) as (app, pilot, client):
        screen = await open_items(app, pilot, client, dataset_id)
        row = screen.table.get_row_at(0)
        assert row[1].plain == '"[b]x[/b]\\ny"'
        assert "\n" not in row[1].plain
        assert row[2].plain.startswith('"ünïcødé ✓"')


async def test_previews_summarize_chats_and_widen_on_resize(server: RunningServer) -> None:
    dataset_id = server.create_dataset("chat ds")
    chat = [
        {"role": "user", "content": "First question"},
        {"role": "assistant", "content": "An answer"},
        {"role": "user", "content": "[bold]Second\nquestion[/bold] " + "more words " * 20},
    ]
    server.bulk_insert_items(
        dataset_id,
        [
            {
                "input": {"messages": chat},
                "output": {"role": "assistant", "content": "Sure."},
                "metadata": {"tags": ["qa", "vip"], "n": 5},
            }
        ],
    )
    async with datasets_app(server, size=(120, 30)) as (app, pilot, client):
        screen = await open_items(app, pilot, client, dataset_id)
        table = screen.table
        row = table.get_row_at(0)
        assert row[1].plain.startswith("user: [bold]Second question[/")
        assert row[1].plain.endswith("…")
        assert (row[2].plain, row[3].plain) == ("Sure.", "tags=qa,vip n=5")
        narrow = [column.width for column in table.columns.values()]

        fetches: list[int] = []
        fetch = client.list_dataset_items

        async def counting(*args: Any, **kwargs: Any) -> Any:
            fetches.append(1)
            return await fetch(*args, **kwargs)

        client.list_dataset_items = counting  # type: ignore[method-assign]
        await pilot.resize_terminal(200, 30)
        await wait_until(pilot, lambda: len(table.columns) == 7)  # both dates shown in full
        wide = [column.width for column in table.columns.values()]
        assert wide[1] > narrow[1] and wide[2] > narrow[2] and wide[3] > narrow[3]
        assert wide[1] > wide[2] > wide[3]  # input 40%, output 35%, metadata 25%
        assert len(table.get_row_at(0)[1].plain) == wide[1]  # the cell re-cut to the new width
        assert fetches == []  # a resize re-cuts the page in memory, no new request


async def test_find_filters_the_loaded_page(server: RunningServer) -> None:
    dataset_id = seed(server, "find ds", 40)
    async with datasets_app(server) as (app, pilot, client):
        screen = await open_items(app, pilot, client, dataset_id)
        await pilot.press("slash")
        await pilot.press(*"question 17")
        await pilot.pause()
        assert screen.table.row_count == 1
        assert "find 'question 17': 1 shown" in pager_text(screen)
        [shown] = screen.table.shown_ids
        assert (await client.get_dataset_item(shown)).input == {"q": "question 17"}
        await pilot.press("escape")
        assert screen.table.row_count == 40


async def test_go_to_an_item_by_id_opens_it_from_another_page(server: RunningServer) -> None:
    dataset_id = seed(server, "goto ds", 130)
    async with datasets_app(server) as (app, pilot, client):
        await open_items(app, pilot, client, dataset_id)
        last = (await client.list_dataset_items(dataset_id, limit=1, offset=129)).results[0]
        await pilot.press("number_sign")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        app.screen.query_one(Input).value = last.id
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ItemEditorScreen))
        assert editor_screen(app).item == last


async def test_go_to_an_item_on_this_page_by_the_end_of_its_id(server: RunningServer) -> None:
    dataset_id = seed(server, "goto short ds", 20)
    async with datasets_app(server) as (app, pilot, client):
        screen = await open_items(app, pilot, client, dataset_id)
        target = screen.table.items[12]
        await pilot.press("number_sign")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press(*target.id[-8:], "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetItemsScreen))
        assert screen.table.current_item == target


async def test_delete_an_item_and_undo(server: RunningServer) -> None:
    dataset_id = seed(server, "item delete ds", 5)
    async with datasets_app(server) as (app, pilot, client):
        screen = await open_items(app, pilot, client, dataset_id)
        target = screen.table.current_item
        assert target is not None
        await pilot.press("d")
        await wait_until(pilot, lambda: target.id not in screen.table.shown_ids)
        assert pager_text(screen).startswith("1-4 of 4")
        with pytest.raises(NotFoundError):
            await client.get_dataset_item(target.id)
        await pilot.press("u")
        await wait_until(pilot, lambda: target.id in screen.table.shown_ids)
        assert (await client.get_dataset_item(target.id)).id == target.id


async def test_refresh_shows_items_added_elsewhere(server: RunningServer) -> None:
    dataset_id = seed(server, "refresh ds", 3)
    async with datasets_app(server) as (app, pilot, client):
        screen = await open_items(app, pilot, client, dataset_id)
        await client.create_dataset_item(dataset_id, input={"new": True})
        await pilot.press("r")
        await wait_until(pilot, lambda: pager_text(screen).startswith("1-4 of 4"))


async def test_empty_dataset_says_how_to_add_items(server: RunningServer) -> None:
    dataset_id = server.create_dataset("empty items ds")
    async with datasets_app(server) as (app, pilot, client):
        screen = await open_items(app, pilot, client, dataset_id)
        empty = screen.query_one("#items-empty", Static)
        assert empty.display and "no items yet" in str(empty.render())


# ------------------------------------- drafts, dataset form (the item editor: test_item_editor.py)


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
