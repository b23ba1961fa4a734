"""Pilot tests of the items screen on both datasets APIs, over real HTTP to the local server.

Behaviour meant to match runs on both generations (`any_items`); what only one API can do runs
on it alone: the revisioned screen loads the whole dataset (search, archived filter, order,
revisions in memory), the classic one pages on the server (prefetch, stale page loads).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Static

from phtui.api import PostHogClient
from phtui.api.errors import NotFoundError
from phtui.api.models import DatasetItem
from phtui.app import PhTuiApp
from phtui.config import Settings
from phtui.core.drafts import Draft, DraftKey, DraftStore, default_draft_dir
from phtui.core.paging import next_page_size
from phtui.screens.datasets.item_editor import ItemEditorScreen
from phtui.screens.datasets.items import DatasetItemsScreen, EditorOutcome
from phtui.screens.datasets.picker import DatasetsScreen
from phtui.screens.datasets.revisions import RevisionPickerScreen
from phtui.screens.dialogs import PromptScreen
from phtui.screens.error import ErrorScreen
from phtui.server.runner import RunningServer, start_server
from tests.ui.support import record_calls, wait_until

GENERATIONS = ["classic", "revisioned"]


@pytest.fixture(autouse=True)
def draft_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PHTUI_DATA_DIR", str(tmp_path / "data"))
    return default_draft_dir()


@pytest.fixture(scope="module")
def classic_items() -> Iterator[RunningServer]:
    """A classic server for this module's tests (each creates its own datasets)."""
    with start_server(seed="empty", datasets_api="classic") as server:
        yield server


@pytest.fixture(scope="module")
def revisioned_items() -> Iterator[RunningServer]:
    """A revisioned server for this module's tests, PostHog's quotas but the dataset count."""
    with start_server(seed="empty", datasets_api="revisioned") as server:
        server.options.max_datasets_per_project = None
        yield server


@pytest.fixture(params=GENERATIONS)
def any_items(request: pytest.FixtureRequest) -> RunningServer:
    server: RunningServer = request.getfixturevalue(f"{request.param}_items")
    return server


@dataclass
class Items:
    app: PhTuiApp
    pilot: Pilot[None]
    client: PostHogClient
    screen: DatasetItemsScreen

    @property
    def pager(self) -> str:
        return self.screen.pager.render_text().plain

    def text(self, selector: str) -> str:
        return str(self.screen.query_one(selector, Static).render())

    def told(self) -> list[str]:
        return [str(notification.message) for notification in self.app._notifications]

    @property
    def current(self) -> DatasetItem:
        item = self.screen.table.current_item
        assert item is not None
        return item


@asynccontextmanager
async def items_app(
    server: RunningServer,
    dataset_id: str,
    *,
    size: tuple[int, int] = (120, 40),
    read_only: bool = False,
) -> AsyncIterator[Items]:
    async with PostHogClient(
        server.url, server.api_key, server.project_id, backoff_base=0.01
    ) as client:
        app = PhTuiApp(
            client=client, mode="datasets", read_only=read_only, settings=Settings(), host_label="t"
        )
        async with app.run_test(size=size) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
            screen = DatasetItemsScreen(await client.get_dataset(dataset_id))
            app.push_screen(screen)
            await wait_until(pilot, lambda: screen.is_mounted and screen.loaded)
            yield Items(app, pilot, client, screen)


def seed(server: RunningServer, name: str, count: int, **fields: Any) -> str:
    """A dataset of `count` items, newest (n = count - 1) first."""
    dataset = server.create_dataset(name)
    server.bulk_insert_items(
        dataset,
        [
            {"input": {"q": f"question {n}"}, "output": {"a": n}, "metadata": {"n": n}, **fields}
            for n in range(count)
        ],
    )
    return dataset


async def server_order(items: Items, dataset_id: str) -> list[str]:
    snapshot = await items.client.list_all_dataset_items(dataset_id)
    return [item.id for item in snapshot.items]


# ------------------------------------------------------------------------ both generations


async def test_paging_keys_move_through_the_dataset(any_items: RunningServer) -> None:
    dataset_id = seed(any_items, "paging", 260)
    async with items_app(any_items, dataset_id) as items:
        screen, pilot = items.screen, items.pilot
        limit = screen.state.limit  # classic: PostHog's 100; revisioned: a window of 50
        assert limit == (100 if screen.generation == "classic" else 50)
        assert items.pager.startswith(f"1-{limit} of 260 items")
        order = await server_order(items, dataset_id)
        assert screen.table.shown_ids == order[:limit]  # row keys are item ids, server order
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: items.pager.startswith(f"{limit + 1}-{2 * limit} of 260"))
        assert screen.table.shown_ids == order[limit : 2 * limit]
        await pilot.press("right_curly_bracket")
        last = 259 // limit * limit
        await wait_until(pilot, lambda: items.pager.startswith(f"{last + 1}-260 of 260"))
        assert screen.table.row_count == 260 - last
        await pilot.press("left_square_bracket")
        await wait_until(pilot, lambda: items.pager.startswith(f"{last - limit + 1}-{last} "))
        await pilot.press("left_curly_bracket")
        await wait_until(pilot, lambda: items.pager.startswith(f"1-{limit} of 260"))


async def test_go_to_page_takes_ascii_digits_only(any_items: RunningServer) -> None:
    dataset_id = seed(any_items, "goto page", 130)
    async with items_app(any_items, dataset_id) as items:
        screen, pilot, app = items.screen, items.pilot, items.app
        await pilot.press("colon")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        error = app.screen.query_one("#prompt-error", Static)
        for typed in ("9", "²", "٣"):  # out of range, a superscript, an Arabic-Indic digit
            app.screen.query_one(Input).value = typed
            await pilot.press("enter")
            assert isinstance(app.screen, PromptScreen)  # refused: the prompt and text stay
            assert app.screen.query_one(Input).value == typed
            assert "from 1 to" in str(error.render()) and "\n" not in str(error.render())
        app.screen.query_one(Input).value = "2"
        await pilot.press("enter")
        limit = screen.state.limit
        await wait_until(pilot, lambda: items.pager.startswith(f"{limit + 1}-"))
        assert not any(isinstance(s, ErrorScreen) for s in app.screen_stack)


async def test_keys_typed_in_a_burst_reach_the_prompt(any_items: RunningServer) -> None:
    dataset_id = seed(any_items, "burst", 130)
    async with items_app(any_items, dataset_id) as items:
        app = items.app
        # As a terminal delivers a fast typist or `tmux send-keys`: all queued at once.
        for key, character in [("colon", ":"), ("2", "2")]:
            app.post_message(events.Key(key, character))
        await wait_until(items.pilot, lambda: isinstance(app.screen, PromptScreen))
        assert app.screen.query_one(Input).value == "2"


async def test_g_and_capital_g_are_the_first_and_last_row(any_items: RunningServer) -> None:
    dataset_id = seed(any_items, "rows", 30)
    async with items_app(any_items, dataset_id) as items:
        table, pilot = items.screen.table, items.pilot
        assert table.row_count == 30
        await pilot.press("G")  # the app's vim keys, on the focused table
        await wait_until(pilot, lambda: table.cursor_row == 29)
        await pilot.press("g")
        await wait_until(pilot, lambda: table.cursor_row == 0)
        assert isinstance(items.app.screen, DatasetItemsScreen)  # g no longer opens a prompt


async def test_g_and_capital_g_in_the_dataset_list_too(revisioned_items: RunningServer) -> None:
    for n in range(3):
        revisioned_items.create_dataset(f"vim keys {n}")
    async with PostHogClient(
        revisioned_items.url, revisioned_items.api_key, revisioned_items.project_id
    ) as client:
        app = PhTuiApp(client=client, mode="datasets", settings=Settings(), host_label="t")
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
            picker = app.screen
            assert isinstance(picker, DatasetsScreen)
            await wait_until(pilot, lambda: picker.table.row_count >= 3)
            await pilot.press("G")
            await wait_until(pilot, lambda: picker.table.cursor_row == picker.table.row_count - 1)
            await pilot.press("g")
            await wait_until(pilot, lambda: picker.table.cursor_row == 0)


async def test_page_size_cycles(any_items: RunningServer) -> None:
    dataset_id = seed(any_items, "page size", 120)
    async with items_app(any_items, dataset_id) as items:
        screen, pilot = items.screen, items.pilot
        before = screen.state.limit
        await pilot.press("s")
        size = next_page_size(before)
        await wait_until(pilot, lambda: screen.loaded and screen.state.limit == size)
        assert screen.table.row_count == min(size, 120)
        assert f"{size} per page" in items.pager


async def test_cells_are_plain_one_line_text(any_items: RunningServer) -> None:
    dataset_id = any_items.create_dataset("markup")
    any_items.bulk_insert_items(dataset_id, [{"input": "[b]x[/b]\ny", "output": "ünïcødé ✓"}])
    async with items_app(any_items, dataset_id) as items:
        table = items.screen.table
        [row_key] = table.shown_ids
        assert table.get_cell(row_key, "input").plain == '"[b]x[/b]\\ny"'
        assert table.get_cell(row_key, "expected").plain.startswith('"ünïcødé ✓"')


async def test_previews_summarize_chats_and_follow_resizes(any_items: RunningServer) -> None:
    dataset_id = any_items.create_dataset("chat")
    chat = [
        {"role": "user", "content": "First question"},
        {"role": "assistant", "content": "An answer"},
        {"role": "user", "content": "[bold]Second\nquestion[/bold] " + "more words " * 20},
    ]
    any_items.bulk_insert_items(
        dataset_id,
        [{"input": {"messages": chat}, "output": {"role": "assistant", "content": "Sure."}}],
    )
    async with items_app(any_items, dataset_id, size=(80, 24)) as items:
        table, pilot = items.screen.table, items.pilot
        [key] = table.shown_ids
        cell = table.get_cell(key, "input").plain
        assert cell.startswith("user: [bold]Second") and cell.endswith("…")
        assert table.get_cell(key, "expected").plain == "Sure."
        narrow = table.column_layout
        fetches = record_calls(items.client, "list_dataset_items")
        await pilot.resize_terminal(200, 40)
        await wait_until(pilot, lambda: table.column_layout != narrow)
        wide = table.column_layout
        assert wide is not None and narrow is not None
        assert wide.width("input") > narrow.width("input")
        assert len(wide.keys) >= len(narrow.keys)  # columns dropped when narrow come back
        assert len(table.get_cell(key, "input").plain) == wide.width("input")  # re-cut
        assert fetches == []  # a resize re-cuts the rows in memory


async def test_search_with_words_and_metadata_pairs(any_items: RunningServer) -> None:
    dataset_id = seed(any_items, "find", 40)
    async with items_app(any_items, dataset_id) as items:
        screen, pilot = items.screen, items.pilot
        await pilot.press("slash", *"n=17")
        await wait_until(pilot, lambda: screen.table.row_count == 1)
        assert screen.table.current_item is not None
        assert screen.table.current_item.input == {"q": "question 17"}
        assert "'n=17'" in items.pager
        await pilot.press("escape")  # closes the search
        await wait_until(pilot, lambda: screen.table.row_count == 40)
        await pilot.press("slash", *"nothing-like-this")
        await wait_until(pilot, lambda: screen.table.row_count == 0)
        assert "No item" in items.text("#items-empty") and "Esc clears" in items.text(
            "#items-empty"
        )


async def test_go_to_item_a_b_is_a_one_line_user_error(any_items: RunningServer) -> None:
    dataset_id = seed(any_items, "goto bad", 3)
    async with items_app(any_items, dataset_id) as items:
        app, pilot = items.app, items.pilot
        await pilot.press("number_sign")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        app.screen.query_one(Input).value = "a/b"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)  # kept open, with what was typed
        assert app.screen.query_one(Input).value == "a/b"
        error = str(app.screen.query_one("#prompt-error", Static).render())
        assert "a/b" in error and "\n" not in error
        assert not any(isinstance(s, ErrorScreen) for s in app.screen_stack)
        await pilot.press("escape")
        assert isinstance(app.screen, DatasetItemsScreen)


async def test_go_to_an_item_by_the_part_of_its_id_shown(any_items: RunningServer) -> None:
    dataset_id = seed(any_items, "goto short", 20)
    async with items_app(any_items, dataset_id) as items:
        screen, pilot, app = items.screen, items.pilot, items.app
        target = screen.table.items[12]
        await pilot.press("number_sign")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        app.screen.query_one(Input).value = target.id[-8:]
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.table.current_item == target)
        assert app.screen is screen


async def test_detail_line_shows_the_full_id_and_y_copies_it(any_items: RunningServer) -> None:
    dataset_id = seed(any_items, "copy id", 3)
    async with items_app(any_items, dataset_id) as items:
        copied: list[str] = []
        items.app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await items.pilot.press("down")
        item = items.current
        assert item.id in items.text("#items-detail")
        await items.pilot.press("y")
        assert copied == [item.id]
        assert any(item.id in message for message in items.told())


async def test_archive_and_undo_in_place(any_items: RunningServer) -> None:
    dataset_id = seed(any_items, "archive", 5)
    async with items_app(any_items, dataset_id) as items:
        screen, pilot, client = items.screen, items.pilot, items.client
        target = items.current
        lists = record_calls(client, "list_all_dataset_items")
        pages = record_calls(client, "list_dataset_items")
        await pilot.press("d")
        await wait_until(pilot, lambda: target.id not in screen.table.shown_ids)
        assert items.pager.startswith("1-4 of 4")
        if screen.generation == "revisioned":
            assert (await client.get_dataset_item(target.id)).archived
        else:
            with pytest.raises(NotFoundError):  # classic: soft-deleted
                await client.get_dataset_item(target.id)
        await pilot.press("u")
        await wait_until(pilot, lambda: target.id in screen.table.shown_ids)
        assert not (await client.get_dataset_item(target.id)).archived
        assert items.pager.startswith("1-5 of 5")
        assert lists == []  # nothing reloads the whole dataset
        if screen.generation == "revisioned":
            assert pages == []  # the loaded list changes in place


async def test_refresh_shows_items_added_elsewhere(any_items: RunningServer) -> None:
    dataset_id = seed(any_items, "refresh", 3)
    async with items_app(any_items, dataset_id) as items:
        await items.client.create_dataset_item(dataset_id, input={"new": True})
        await items.pilot.press("r")
        await wait_until(items.pilot, lambda: items.pager.startswith("1-4 of 4"))


async def test_an_empty_dataset_says_how_to_add_items(any_items: RunningServer) -> None:
    dataset_id = any_items.create_dataset("empty")
    async with items_app(any_items, dataset_id) as items:
        empty = items.screen.query_one("#items-empty", Static)
        assert empty.display and "no items yet" in items.text("#items-empty")


async def test_rows_with_drafts_are_marked(any_items: RunningServer, draft_dir: Path) -> None:
    dataset_id = seed(any_items, "drafts", 3)
    async with PostHogClient(any_items.url, any_items.api_key, any_items.project_id) as client:
        item = (await client.list_dataset_items(dataset_id, limit=1)).results[0]
        key = DraftKey(client.host, client.project_id, "dataset_item", item.id)
    DraftStore(draft_dir).save(Draft(key, {"input": "{"}))
    async with items_app(any_items, dataset_id) as items:
        table = items.screen.table
        assert table.get_cell(item.id, "id").plain.startswith("✎")
        others = [row for row in table.shown_ids if row != item.id]
        assert not any(table.get_cell(row, "id").plain.startswith("✎") for row in others)


async def test_enter_opens_the_editor_and_a_saved_item_replaces_its_row(
    any_items: RunningServer,
) -> None:
    dataset_id = seed(any_items, "editor", 4)
    async with items_app(any_items, dataset_id) as items:
        screen, pilot, client = items.screen, items.pilot, items.client
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: isinstance(items.app.screen, ItemEditorScreen))
        item = items.app.screen.item  # type: ignore[attr-defined]
        await pilot.press("escape")
        await wait_until(pilot, lambda: items.app.screen is screen)
        # What the editor hands back after a save: the table shows it without a reload.
        saved = await client.update_dataset_item(
            item.id, base_version=item.version, input={"q": "edited"}
        )
        lists = record_calls(client, "list_all_dataset_items")
        screen._after_editor(EditorOutcome(saved=saved))
        await pilot.pause()
        assert screen.table.get_cell(item.id, "input").plain == "q=edited"
        assert screen.table.current_item == saved
        assert lists == []


# --------------------------------------------------------------------------- revisioned


async def test_opening_loads_every_page_at_once_pinned_to_one_revision(
    revisioned_items: RunningServer,
) -> None:
    server = revisioned_items
    dataset_id = seed(server, "load all", 130)
    server.bulk_insert_items(
        dataset_id, [{"input": {"old": n}, "archived": True} for n in range(3)]
    )
    async with PostHogClient(server.url, server.api_key, server.project_id) as client:
        dataset = await client.get_dataset(dataset_id)
        await client.detect_datasets_api()
        # Themes mode: the dataset list would read item counts through the same method.
        app = PhTuiApp(client=client, mode="themes", settings=Settings(), host_label="t")
        calls = record_calls(client, "list_dataset_items")
        in_flight, most = 0, 0
        original = client.list_dataset_items

        async def counting(*args: Any, **kwargs: Any) -> Any:
            nonlocal in_flight, most
            in_flight += 1
            most = max(most, in_flight)
            try:
                return await original(*args, **kwargs)
            finally:
                in_flight -= 1

        client.list_dataset_items = counting  # type: ignore[method-assign]
        server.options.latency_ms = 60
        try:
            async with app.run_test(size=(120, 40)):
                screen = DatasetItemsScreen(dataset)
                app.push_screen(screen)
                progress: list[str] = []
                while not screen.is_mounted or not screen.loaded:
                    if screen.is_mounted and "loading" in screen.pager.render_text().plain:
                        progress.append(screen.pager.render_text().plain)
                    await asyncio.sleep(0.01)
                assert any(" of 133 items…" in text for text in progress)
                assert screen.pager.render_text().plain.startswith("1-50 of 130 items")
                assert "133 of 600 items (3 archived)" in str(
                    screen.query_one("#items-status", Static).render()
                )
        finally:
            server.options.latency_ms = 0
        revision = dataset.current_revision
        assert {call.get("revision") for call in calls} == {revision}
        assert sorted(c["offset"] for c in calls if not c.get("archived")) == [
            0,
            25,
            50,
            75,
            100,
            125,
        ]
        assert most > 2  # the pages overlapped


async def test_a_dataset_changed_since_it_was_listed_opens_at_its_latest_revision(
    revisioned_items: RunningServer,
) -> None:
    server = revisioned_items
    dataset_id = seed(server, "moved on", 3)
    async with PostHogClient(server.url, server.api_key, server.project_id) as client:
        listed = await client.get_dataset(dataset_id)  # as the dataset list saw it
        await client.create_dataset_item(dataset_id, input={"added": "since"})
        app = PhTuiApp(client=client, mode="datasets", settings=Settings(), host_label="t")
        async with app.run_test(size=(120, 40)) as pilot:
            screen = DatasetItemsScreen(listed)
            app.push_screen(screen)
            await wait_until(pilot, lambda: screen.is_mounted and screen.loaded)
            assert screen.table.row_count == 4
            assert screen.revision == 4 and screen.viewing is None
            assert "latest (revision 4)" in str(screen.query_one("#items-status", Static).render())


async def test_search_covers_the_whole_dataset(revisioned_items: RunningServer) -> None:
    dataset_id = seed(revisioned_items, "search all", 120)
    async with items_app(revisioned_items, dataset_id) as items:
        screen, pilot = items.screen, items.pilot
        oldest = (await server_order(items, dataset_id))[-1]  # beyond the first window
        assert oldest not in screen.table.shown_ids
        await pilot.press("slash", *"n=0")
        await wait_until(pilot, lambda: screen.table.shown_ids == [oldest])
        await pilot.press("enter")  # back to the table, the search kept
        assert screen.table.has_focus and screen.table.shown_ids == [oldest]


async def test_go_to_an_item_anywhere_by_its_client_item_id(
    revisioned_items: RunningServer,
) -> None:
    dataset_id = revisioned_items.create_dataset("goto client id")
    revisioned_items.bulk_insert_items(
        dataset_id,
        [{"input": {"n": n}, "client_item_id": f"ticket-{n:03d}"} for n in range(120)],
    )
    async with items_app(revisioned_items, dataset_id) as items:
        screen, pilot, app = items.screen, items.pilot, items.app
        await pilot.press("slash", *"ticket-050")  # a search that hides the target
        await wait_until(pilot, lambda: screen.table.row_count == 1)
        await pilot.press("enter", "number_sign")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        app.screen.query_one(Input).value = "ticket-003"
        await pilot.press("enter")
        await wait_until(pilot, lambda: items.current.client_item_id == "ticket-003")
        assert screen.state.offset == 100  # the window holding it (oldest items last)
        assert not screen.query_one("#items-find", Input).display  # the search was cleared


async def test_archived_filter_and_order(revisioned_items: RunningServer) -> None:
    dataset_id = seed(revisioned_items, "filters", 4)
    revisioned_items.bulk_insert_items(
        dataset_id, [{"input": {"gone": n}, "archived": True} for n in range(2)]
    )
    async with items_app(revisioned_items, dataset_id) as items:
        screen, pilot = items.screen, items.pilot
        assert screen.table.row_count == 4
        await pilot.press("a")
        await wait_until(pilot, lambda: screen.table.row_count == 2)
        assert all(item.archived for item in screen.table.items)
        assert screen.table.get_cell(screen.table.shown_ids[0], "id").plain.startswith("⊘")
        assert "archived" in items.text("#items-status")
        await pilot.press("a")
        await wait_until(pilot, lambda: screen.table.row_count == 6)
        await pilot.press("a")
        await wait_until(pilot, lambda: screen.table.row_count == 4)
        newest_first = screen.table.shown_ids
        await pilot.press("o")
        await wait_until(pilot, lambda: screen.table.shown_ids == newest_first[::-1])
        assert "oldest first" in items.text("#items-status")


async def test_more_archived_items_than_a_page(revisioned_items: RunningServer) -> None:
    dataset_id = seed(revisioned_items, "many archived", 2)
    revisioned_items.bulk_insert_items(
        dataset_id, [{"input": {"gone": n}, "archived": True} for n in range(30)]
    )
    async with items_app(revisioned_items, dataset_id) as items:
        assert items.screen.view.archived_count == 30
        assert "32 of 600 items (30 archived)" in items.text("#items-status")


async def test_restore_an_archived_item_from_the_archived_view(
    revisioned_items: RunningServer,
) -> None:
    dataset_id = revisioned_items.create_dataset("restore")
    revisioned_items.bulk_insert_items(dataset_id, [{"input": {"gone": 1}, "archived": True}])
    async with items_app(revisioned_items, dataset_id) as items:
        screen, pilot = items.screen, items.pilot
        assert "Every item of this dataset is archived" in items.text("#items-empty")
        await pilot.press("a")
        await wait_until(pilot, lambda: screen.table.row_count == 1)
        keys = {binding.binding.action for binding in screen.active_bindings.values()}
        assert "restore" in keys and "archive" not in keys  # d restores this row
        await pilot.press("d")
        await wait_until(pilot, lambda: screen.table.row_count == 0)
        await pilot.press("a", "a")
        await wait_until(pilot, lambda: screen.table.row_count == 1)
        assert not items.current.archived and items.current.version == 3


async def test_a_past_revision_is_read_only_and_says_so(revisioned_items: RunningServer) -> None:
    dataset_id = seed(revisioned_items, "revisions", 3)
    async with items_app(revisioned_items, dataset_id) as items:
        screen, pilot, app = items.screen, items.pilot, items.app
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, RevisionPickerScreen))
        picker = app.screen
        await wait_until(pilot, lambda: picker.options.option_count == 4)  # latest + 3
        await pilot.press("2", "enter")
        await wait_until(pilot, lambda: screen.viewing == 2 and screen.loaded)
        assert screen.table.row_count == 2
        notice = screen.query_one("#items-notice", Static)
        assert notice.display and "Revision 2 is a read-only snapshot" in items.text(
            "#items-notice"
        )
        for key in ("d", "n", "i"):
            await pilot.press(key)
        await wait_until(pilot, lambda: sum("read-only snapshot" in m for m in items.told()) >= 3)
        assert len((await items.client.list_dataset_items(dataset_id)).results) == 3
        await pilot.press("enter")  # the item opens, read-only
        await wait_until(pilot, lambda: isinstance(app.screen, ItemEditorScreen))
        assert app.screen.read_only
        assert app.screen.check_action("save", ()) is None
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, RevisionPickerScreen))
        await pilot.press("g", "enter")  # the first option: Latest
        await wait_until(pilot, lambda: screen.viewing is None and screen.loaded)
        assert screen.table.row_count == 3 and not notice.display


async def test_export_is_pinned_to_the_revision_shown(revisioned_items: RunningServer) -> None:
    from phtui.screens.datasets.transfer import ExportScreen

    dataset_id = seed(revisioned_items, "export pinned", 3)
    async with items_app(revisioned_items, dataset_id) as items:
        screen, pilot, app = items.screen, items.pilot, items.app
        await pilot.press("d")  # a change made here: revision 4 is the latest now
        await wait_until(pilot, lambda: screen.revision == 4)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        export = app.screen
        assert isinstance(export, ExportScreen)
        assert export.revision is None and export.dataset.current_revision == 4  # "Latest"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, RevisionPickerScreen))
        await pilot.press("2", "enter")
        await wait_until(pilot, lambda: screen.viewing == 2 and screen.loaded)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        assert app.screen.revision == 2


async def test_a_revision_typed_in_a_burst_opens_at_once(revisioned_items: RunningServer) -> None:
    dataset_id = seed(revisioned_items, "revision burst", 3)
    async with items_app(revisioned_items, dataset_id) as items:
        screen, app = items.screen, items.app
        for key, character in [("v", "v"), ("2", "2"), ("enter", "\r")]:
            app.post_message(events.Key(key, character))  # as a terminal delivers `v2⏎` typed fast
        await wait_until(items.pilot, lambda: screen.viewing == 2 and screen.loaded)
        assert app.screen is screen and screen.table.row_count == 2
        for key, character in [("v", "v"), ("9", "9")]:  # no Enter: the picker holds the 9
            app.post_message(events.Key(key, character))
        await wait_until(items.pilot, lambda: isinstance(app.screen, RevisionPickerScreen))
        assert app.screen.query_one("#revision-number", Input).value == "9"


async def test_an_archived_dataset_opens_read_only(revisioned_items: RunningServer) -> None:
    dataset_id = seed(revisioned_items, "archived dataset", 2)
    async with PostHogClient(
        revisioned_items.url, revisioned_items.api_key, revisioned_items.project_id
    ) as client:
        await client.archive_dataset(dataset_id)
    async with items_app(revisioned_items, dataset_id) as items:
        assert "This dataset is archived" in items.text("#items-notice")
        assert items.screen.table.row_count == 2
        await items.pilot.press("d")
        await wait_until(items.pilot, lambda: any("is archived" in m for m in items.told()))
        assert not (await items.client.get_dataset_item(items.current.id)).archived


async def test_a_stale_version_reloads_the_item_and_says_so(
    revisioned_items: RunningServer,
) -> None:
    dataset_id = seed(revisioned_items, "stale", 2)
    async with items_app(revisioned_items, dataset_id) as items:
        screen, pilot, client = items.screen, items.pilot, items.client
        item = items.current
        await client.update_dataset_item(item.id, base_version=item.version, input={"q": "new"})
        await pilot.press("d")
        await wait_until(pilot, lambda: any("changed elsewhere" in m for m in items.told()))
        assert screen.table.get_cell(item.id, "version").plain == "v2"
        assert not (await client.get_dataset_item(item.id)).archived
        assert screen.undo_stack == []


async def test_the_version_limit_is_said_in_words(revisioned_items: RunningServer) -> None:
    dataset_id = seed(revisioned_items, "limit", 1)
    async with items_app(revisioned_items, dataset_id) as items:
        revisioned_items.options.max_versions_per_item = 2
        try:
            await items.pilot.press("d")
            await wait_until(items.pilot, lambda: any("at most 2" in m for m in items.told()))
        finally:
            revisioned_items.options.max_versions_per_item = 40
        [message] = [m for m in items.told() if "at most 2" in m]
        assert "PostHog allows at most 2 versions per item." in message
        assert not items.current.archived


async def test_datasets_unavailable_is_said_once_in_place(
    revisioned_items: RunningServer,
) -> None:
    dataset_id = seed(revisioned_items, "flag", 2)
    async with items_app(revisioned_items, dataset_id) as items:
        revisioned_items.options.datasets_feature_flag = False
        try:
            await items.pilot.press("r")
            await wait_until(items.pilot, lambda: "not enabled" in items.text("#items-empty"))
        finally:
            revisioned_items.options.datasets_feature_flag = True
        assert "llm-analytics-datasets" in items.text("#items-empty")
        assert not any("not enabled" in message for message in items.told())  # no toast


async def test_items_created_in_the_editor_join_the_loaded_list(
    revisioned_items: RunningServer,
) -> None:
    dataset_id = seed(revisioned_items, "created", 2)
    async with items_app(revisioned_items, dataset_id) as items:
        screen, client = items.screen, items.client
        for n in range(2):
            await client.create_dataset_item(dataset_id, input={"made": n})
        lists = record_calls(client, "list_all_dataset_items")
        screen._after_editor(EditorOutcome(created=2))
        await wait_until(items.pilot, lambda: screen.table.row_count == 4)
        assert items.current.input == {"made": 1}  # the newest, selected
        assert lists == []


# ------------------------------------------------------------------------------ classic


async def test_classic_next_page_is_prefetched(classic_items: RunningServer) -> None:
    dataset_id = seed(classic_items, "prefetch", 150)
    async with items_app(classic_items, dataset_id) as items:
        screen, pilot = items.screen, items.pilot
        await wait_until(pilot, lambda: screen._cache.get(100, 100) is not None)
        classic_items.options.latency_ms = 1500  # any network wait would now show
        try:
            await pilot.press("right_square_bracket")
            await pilot.pause()
            assert items.pager.startswith("101-150 of 150")
            assert screen.table.row_count == 50
        finally:
            classic_items.options.latency_ms = 0


async def test_classic_stale_page_load_is_cancelled_by_the_next(
    classic_items: RunningServer,
) -> None:
    dataset_id = seed(classic_items, "stale pages", 500)
    async with items_app(classic_items, dataset_id) as items:
        screen, pilot, client = items.screen, items.pilot, items.client
        await wait_until(pilot, lambda: screen._cache.get(100, 100) is not None)
        classic_items.options.latency_ms = 300
        try:
            await pilot.press("right_square_bracket")  # page 2, from the cache
            await pilot.press("right_square_bracket")  # page 3: a request...
            await pilot.press("right_square_bracket")  # ...replaced by page 4's
            assert "loading" in items.pager
            await wait_until(pilot, lambda: items.pager.startswith("301-400"), timeout=5)
            await pilot.pause(0.5)
            assert items.pager.startswith("301-400")  # page 3 never landed after it
        finally:
            classic_items.options.latency_ms = 0
        expected = await client.list_dataset_items(dataset_id, limit=100, offset=300)
        assert screen.table.shown_ids == [item.id for item in expected.results]


async def test_classic_going_back_to_a_cached_page_cancels_the_load_in_flight(
    classic_items: RunningServer,
) -> None:
    dataset_id = seed(classic_items, "back", 400)
    async with items_app(classic_items, dataset_id) as items:
        screen, pilot, client = items.screen, items.pilot, items.client
        await wait_until(pilot, lambda: screen._cache.get(100, 100) is not None)
        await pilot.press("right_square_bracket")  # page 2 from the cache
        await wait_until(pilot, lambda: screen._cache.get(100, 200) is not None)
        first = await client.list_dataset_items(dataset_id, limit=100, offset=0)
        classic_items.options.latency_ms = 400
        try:
            screen._cache.clear()
            await pilot.press("right_square_bracket")  # page 3: a slow request...
            assert "loading" in items.pager
            screen._cache.put(first)
            await pilot.press("left_curly_bracket")  # ...and the user goes back to page 1
            await pilot.pause(0.8)
        finally:
            classic_items.options.latency_ms = 0
        assert items.pager.startswith("1-100 of 400")
        assert screen.table.shown_ids == [item.id for item in first.results]


async def test_classic_goes_to_an_item_on_another_page_through_the_server(
    classic_items: RunningServer,
) -> None:
    dataset_id = seed(classic_items, "goto server", 130)
    async with items_app(classic_items, dataset_id) as items:
        app, pilot, client = items.app, items.pilot, items.client
        last = (await client.list_dataset_items(dataset_id, limit=1, offset=129)).results[0]
        await pilot.press("number_sign")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        app.screen.query_one(Input).value = last.id
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ItemEditorScreen))
        assert app.screen.item == last  # type: ignore[attr-defined]


async def test_classic_says_why_revisions_archived_items_and_order_are_missing(
    classic_items: RunningServer,
) -> None:
    dataset_id = seed(classic_items, "classic limits", 2)
    async with items_app(classic_items, dataset_id) as items:
        for key in ("v", "a", "o"):
            await items.pilot.press(key)
        await wait_until(items.pilot, lambda: len(items.told()) >= 3)
        told = " ".join(items.told())
        assert "keeps no revisions" in told and "can't list deleted" in told
        assert "newest first only" in told
        assert isinstance(items.app.screen, DatasetItemsScreen)


async def test_history_brings_a_version_back_into_the_list(
    revisioned_items: RunningServer,
) -> None:
    from phtui.screens.confirm import ConfirmScreen
    from phtui.screens.datasets.history import ItemHistoryScreen

    dataset_id = seed(revisioned_items, "history from the list", 1)
    async with items_app(revisioned_items, dataset_id) as items:
        pilot, client = items.pilot, items.client
        first = items.current
        await client.update_dataset_item(first.id, base_version=first.version, input="edited")
        await pilot.press("r")  # refresh: the list shows version 2
        await wait_until(pilot, lambda: items.screen.loaded and items.current.version == 2)
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(items.app.screen, ItemHistoryScreen))
        history = items.app.screen
        assert isinstance(history, ItemHistoryScreen)
        await wait_until(pilot, lambda: len(history.versions) == 2)
        await pilot.press("down", "r")  # version 1
        await wait_until(pilot, lambda: isinstance(items.app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: history.versions[0].version == 3)
        await pilot.press("escape")
        await wait_until(pilot, lambda: items.app.screen is items.screen)
        await wait_until(pilot, lambda: items.current.version == 3)
        assert items.current.input == {"q": "question 0"}
