"""Pilot tests of every Datasets action (picker, items, editor, transfer) on the local server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from phtui.api import PostHogClient
from phtui.api.errors import NotFoundError
from phtui.api.models import DatasetItem
from phtui.app import PhTuiApp
from phtui.config import Settings
from phtui.core.drafts import Draft, DraftKey, DraftStore, default_draft_dir
from phtui.screens.confirm import ConfirmScreen
from phtui.screens.datasets.form import DatasetFormScreen
from phtui.screens.datasets.item_editor import ItemEditorScreen
from phtui.screens.datasets.items import DatasetItemsScreen
from phtui.screens.datasets.picker import DatasetsScreen
from phtui.server.runner import RunningServer
from phtui.widgets.json_editor import JsonEditor
from tests.ui.support import record_calls, wait_until

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


# ------------------------------------------------------------------------------- picker


async def test_picker_lists_the_demo_datasets_with_counts(demo_server: RunningServer) -> None:
    async with datasets_app(demo_server) as (app, _pilot, client):
        screen = picker(app)
        assert pager_text(screen).startswith("1-3 of 3 datasets")
        names = [dataset.name for dataset in screen.datasets]
        assert names == [d.name for d in (await client.list_datasets()).results]
        assert screen.table.row_count == 3


async def test_search_is_sent_to_the_server_after_a_pause(server: RunningServer) -> None:
    server.create_dataset("srch-alpha unique")
    server.create_dataset("srch-beta unique")
    async with datasets_app(server) as (app, pilot, _):
        screen = picker(app)
        await pilot.press("slash")
        await pilot.press(*"srch-al")
        assert screen.query_one("#datasets-search", Input).value == "srch-al"
        await wait_until(pilot, lambda: [d.name for d in screen.datasets] == ["srch-alpha unique"])
        assert "1-1 of 1 datasets" in pager_text(screen)
        await pilot.press("escape")  # clears the search
        await wait_until(pilot, lambda: len(screen.datasets) > 1)


async def test_sort_cycles_through_created_and_updated(demo_server: RunningServer) -> None:
    async with datasets_app(demo_server) as (app, pilot, client):
        screen = picker(app)
        newest = [d.id for d in screen.datasets]
        await pilot.press("o")
        await wait_until(pilot, lambda: [d.id for d in screen.datasets] == newest[::-1])
        assert screen.order_by == "created_at"
        await pilot.press("o")
        assert screen.order_by == "-updated_at"
        expected = await client.list_datasets(order_by="-updated_at")
        await wait_until(pilot, lambda: screen.datasets == expected.results)


async def test_picker_pages_of_thirty(fresh_server: RunningServer) -> None:
    for n in range(35):
        fresh_server.create_dataset(f"paged {n:02}")
    async with datasets_app(fresh_server) as (app, pilot, _):
        screen = picker(app)
        assert pager_text(screen).startswith("1-30 of 35 datasets")
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: pager_text(screen).startswith("31-35 of 35"))
        assert len(screen.datasets) == 5
        await pilot.press("left_square_bracket")
        await wait_until(pilot, lambda: pager_text(screen).startswith("1-30 of 35"))
        await pilot.press("colon")  # go to page (g and G are the first and last row)
        await pilot.press("2", "enter")
        await wait_until(pilot, lambda: pager_text(screen).startswith("31-35"))


async def test_create_a_dataset(server: RunningServer) -> None:
    async with datasets_app(server) as (app, pilot, client):
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetFormScreen))
        await pilot.press(*"created in tui")
        await pilot.press("tab", *"about it")
        app.screen.query_one(JsonEditor).load('{"owner": "qa"}', original=False)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
        [created] = await client.find_datasets_by_name("created in tui")
        assert (created.description, created.metadata) == ("about it", {"owner": "qa"})
        await wait_until(pilot, lambda: any(d.id == created.id for d in picker(app).datasets))


async def test_create_refuses_a_missing_name_and_non_object_metadata(
    server: RunningServer,
) -> None:
    async with datasets_app(server) as (app, pilot, client):
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetFormScreen))
        form = app.screen
        await pilot.press("ctrl+s")
        assert "needs a name" in str(form.query_one("#form-error", Static).render())
        await pilot.press(*"bad metadata set")
        form.query_one(JsonEditor).load("[1, 2]", original=False)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "must be a JSON object" in str(form.query_one("#form-error", Static).render())
        assert app.screen is form
        assert await client.find_datasets_by_name("bad metadata set") == []


async def test_edit_a_dataset_sends_only_changed_fields(server: RunningServer) -> None:
    dataset_id = server.create_dataset("edit me ds", description="old", metadata={"k": 1})
    async with datasets_app(server) as (app, pilot, client):
        sent = record_calls(client, "update_dataset")
        screen = picker(app)
        await wait_until(pilot, lambda: any(d.id == dataset_id for d in screen.datasets))
        screen.table.move_cursor(row=screen.table.get_row_index(dataset_id))
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetFormScreen))
        app.screen.query_one("#form-description", Input).value = "new words"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
        assert sent == [{"args": (dataset_id,), "description": "new words"}]
        assert (await client.get_dataset(dataset_id)).description == "new words"


async def test_delete_asks_first_and_undo_restores(server: RunningServer) -> None:
    dataset_id = server.create_dataset("delete me ds")
    async with datasets_app(server) as (app, pilot, client):
        screen = picker(app)
        await wait_until(pilot, lambda: any(d.id == dataset_id for d in screen.datasets))
        screen.table.move_cursor(row=screen.table.get_row_index(dataset_id))
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # no: nothing happens
        await pilot.pause()
        assert (await client.get_dataset(dataset_id)).id == dataset_id
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: all(d.id != dataset_id for d in screen.datasets))
        with pytest.raises(NotFoundError):
            await client.get_dataset(dataset_id)
        await pilot.press("u")
        await wait_until(pilot, lambda: any(d.id == dataset_id for d in screen.datasets))
        assert (await client.get_dataset(dataset_id)).archived is False


async def test_read_only_disables_every_change(server: RunningServer) -> None:
    dataset_id = seed(server, "read only ds", 3)
    async with datasets_app(server, read_only=True) as (app, pilot, client):
        screen = picker(app)
        for action in ("new", "edit", "delete"):
            assert screen.check_action(action, ()) is None
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, DatasetsScreen)
        items = await open_items(app, pilot, client, dataset_id)
        await pilot.press("d")
        await pilot.pause()
        assert items.check_action("archive", ()) is None
        assert len((await client.list_dataset_items(dataset_id)).results) == 3
        await pilot.press("e")  # opening to read is allowed
        await wait_until(pilot, lambda: isinstance(app.screen, ItemEditorScreen))
        editor = editor_screen(app)
        assert editor.check_action("save", ()) is None
        assert editor.editor("input").text_area.read_only
        assert editor.ref_input("source_trace_id").disabled


async def test_enter_opens_a_dataset_and_escape_returns(demo_server: RunningServer) -> None:
    async with datasets_app(demo_server) as (app, pilot, _):
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetItemsScreen))
        assert items_screen(app).dataset.id == picker(app).datasets[0].id
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))


# -------------------------------------------------------------------------------- items
# The items screen's tests, on both datasets APIs: tests/ui/test_items_screen.py.


# ------------------------------------- drafts, dataset form (the item editor: test_item_editor.py)


async def test_dataset_form_with_edits_holds_the_quit(server: RunningServer) -> None:
    async with datasets_app(server) as (app, pilot, _):
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetFormScreen))
        form = app.screen
        assert isinstance(form, DatasetFormScreen)
        assert not form.has_unsaved_changes()
        await pilot.press("a")
        assert app.unsaved_edits() == ["the new dataset"]
        await pilot.press("backspace")
        assert not form.has_unsaved_changes()
        form.query_one(JsonEditor).load('{"k": 1}', original=False)
        assert app.unsaved_edits() == ["the new dataset"]


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
