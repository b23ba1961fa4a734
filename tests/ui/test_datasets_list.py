"""Pilot tests of the dataset list (`DatasetsScreen`) on the local server, both datasets APIs:
listing, item counts, search, sort, pages, archive/restore/undo, the archived filter, the
project's quota and PostHog refusing datasets altogether."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from phtui.api import PostHogClient
from phtui.api.errors import NotFoundError
from phtui.app import PhTuiApp
from phtui.config import Settings
from phtui.core.dates import DATETIME_WIDTH
from phtui.screens.confirm import ConfirmScreen
from phtui.screens.datasets.items import DatasetItemsScreen
from phtui.screens.datasets.picker import DatasetsScreen
from phtui.server.runner import RunningServer, start_server
from tests.clients import quick_client
from tests.terminal import terminal
from tests.ui.support import record_calls, wait_until

Size = tuple[int, int]
BEFORE = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_drafts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHTUI_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(params=["revisioned", "classic"])
def either_server(request: pytest.FixtureRequest) -> Iterator[RunningServer]:
    """An empty server of each datasets API."""
    with start_server(seed="empty", datasets_api=request.param) as running:
        yield running


@asynccontextmanager
async def datasets_app(
    server: RunningServer, *, read_only: bool = False, size: Size = (120, 40)
) -> AsyncIterator[tuple[PhTuiApp, Pilot[None], PostHogClient]]:
    async with quick_client(server) as client:
        app = PhTuiApp(
            client=client, mode="datasets", read_only=read_only, settings=Settings(), host_label="t"
        )
        async with app.run_test(size=size) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
            await wait_until(pilot, lambda: not picker(app).pager.loading_marker)
            yield app, pilot, client


def picker(app: PhTuiApp) -> DatasetsScreen:
    return next(s for s in app.screen_stack if isinstance(s, DatasetsScreen))


def pager_text(screen: DatasetsScreen) -> str:
    return screen.pager.render_text().plain


def names(screen: DatasetsScreen) -> list[str]:
    return [dataset.name for dataset in screen.datasets]


def cell(screen: DatasetsScreen, dataset_id: str, column: str) -> str:
    return str(screen.table.get_cell(dataset_id, column))


def toasts(app: PhTuiApp) -> list[str]:
    return [notification.message for notification in app._notifications]


async def select(pilot: Pilot[None], screen: DatasetsScreen, dataset_id: str) -> None:
    await wait_until(pilot, lambda: any(d.id == dataset_id for d in screen.datasets))
    screen.table.move_cursor(row=screen.table.get_row_index(dataset_id))
    await pilot.pause()


def seed(server: RunningServer, name: str, items: int, **fields: Any) -> str:
    dataset = server.create_dataset(name, **fields)
    if items:
        server.bulk_insert_items(dataset, [{"input": {"q": n}} for n in range(items)])
    return dataset


# ------------------------------------------------------------------------------ listing


async def test_lists_names_counts_dates_and_the_quota(
    revisioned_demo_server: RunningServer,
) -> None:
    async with datasets_app(revisioned_demo_server) as (app, pilot, client):
        screen = picker(app)
        assert pager_text(screen).startswith("1-4 of 4 datasets")
        listed = (await client.list_datasets(limit=30)).results
        assert names(screen) == [d.name for d in listed]
        await wait_until(pilot, lambda: all(screen.item_count(d) is not None for d in listed))
        for dataset in listed:
            items = await client.list_dataset_items(dataset.id, limit=1)
            assert screen.item_count(dataset) == items.count
            assert cell(screen, dataset.id, "items") == f"{items.count:,}"
            updated = cell(screen, dataset.id, "updated")
            assert len(updated) == DATETIME_WIDTH and updated.endswith(" UTC")
            assert updated.startswith("2026-")
        # 4 active + the archived "Prompt experiments (old)", against PostHog's 20.
        await wait_until(pilot, lambda: screen.quota == "5 of 20 datasets")
        assert str(screen.query_one("#datasets-quota", Static).render()) == "5 of 20 datasets"


async def test_classic_lists_counts_without_a_quota(demo_server: RunningServer) -> None:
    async with datasets_app(demo_server) as (app, pilot, client):
        screen = picker(app)
        listed = (await client.list_datasets(limit=30)).results
        assert names(screen) == [d.name for d in listed]
        await wait_until(pilot, lambda: all(screen.item_count(d) is not None for d in listed))
        largest = max(screen.item_count(d) or 0 for d in listed)
        assert largest >= 1_000  # the demo's dataset with over a thousand items
        assert screen.quota == ""
        assert not screen.query_one("#datasets-quota").display


async def test_counts_are_read_for_the_rows_on_screen_only(
    fresh_revisioned_server: RunningServer,
) -> None:
    ids = [seed(fresh_revisioned_server, f"counted {n:02}", n % 3) for n in range(25)]
    fresh_revisioned_server.options.latency_ms = 30
    async with quick_client(fresh_revisioned_server) as client:
        calls = record_calls(client, "list_dataset_items")
        in_flight = [0, 0]  # now, most
        counted = client.list_dataset_items

        async def counting(*args: Any, **kwargs: Any) -> Any:
            in_flight[0] += 1
            in_flight[1] = max(in_flight)
            try:
                return await counted(*args, **kwargs)
            finally:
                in_flight[0] -= 1

        client.list_dataset_items = counting  # type: ignore[method-assign]
        app = PhTuiApp(client=client, mode="datasets", settings=Settings(), host_label="t")
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
            screen = picker(app)
            await wait_until(pilot, lambda: len(screen.datasets) == 25)
            visible = screen.table.size.height

            def known() -> int:
                return sum(screen.item_count(d) is not None for d in screen.datasets)

            await wait_until(pilot, lambda: known() >= visible - 1)
            await pilot.pause(0.2)
            assert known() < 25
            # Datasets without a revision have no items: no request for those.
            asked = {call["args"][0] for call in calls}
            assert len(asked) == len(calls) <= visible
            assert all(call["limit"] == 1 for call in calls)
            await pilot.press("ctrl+end")  # the last rows come into view
            await wait_until(pilot, lambda: known() == 25)
            assert 2 <= in_flight[1] <= 4  # concurrently, a few at a time
            for n, dataset_id in enumerate(ids):
                dataset = next(d for d in screen.datasets if d.id == dataset_id)
                assert screen.item_count(dataset) == n % 3
            before = len(calls)
            await pilot.press("r")  # same revisions: the counts are kept
            await wait_until(pilot, lambda: not screen.pager.loading_marker)
            await pilot.pause(0.2)
            assert len(calls) == before


async def test_search_waits_for_a_pause_and_never_sends_an_empty_one(
    fresh_revisioned_server: RunningServer,
) -> None:
    for name in ("srch-alpha unique", "srch-beta unique", "other"):
        fresh_revisioned_server.create_dataset(name)
    async with datasets_app(fresh_revisioned_server) as (app, pilot, client):
        sent = record_calls(client, "list_datasets")
        screen = picker(app)
        await pilot.press("slash")
        await pilot.press(*"srch-al")
        assert screen.query_one("#datasets-search", Input).value == "srch-al"
        await wait_until(pilot, lambda: names(screen) == ["srch-alpha unique"])
        assert "1-1 of 1 datasets" in pager_text(screen)
        searched = [call["search"] for call in sent if call.get("search")]
        assert searched == ["srch-al"]  # one request after the typing, not one per key
        await pilot.press("escape")  # clears the search
        await wait_until(pilot, lambda: len(screen.datasets) == 3)
        await pilot.press(*"/  ", "enter")  # only spaces: no search at all
        await wait_until(pilot, lambda: not screen.pager.loading_marker)
        assert all(call.get("search") in (None, "srch-al") for call in sent)
        assert all(isinstance(call.get("order_by"), str) for call in sent if "search" in call)


async def test_an_empty_search_result_says_so(revisioned_server: RunningServer) -> None:
    async with datasets_app(revisioned_server) as (app, pilot, _):
        screen = picker(app)
        await pilot.press("slash", *"zzz-no-such-dataset", "enter")
        empty = screen.query_one("#datasets-empty", Static)
        await wait_until(pilot, lambda: bool(empty.display))
        assert "No dataset matches “zzz-no-such-dataset”" in str(empty.render())


async def test_sort_cycles_through_created_and_updated(either_server: RunningServer) -> None:
    for n in range(3):
        either_server.create_dataset(f"sorted {n}")
    async with datasets_app(either_server) as (app, pilot, client):
        screen = picker(app)
        newest = [d.id for d in screen.datasets]
        await pilot.press("o")
        await wait_until(pilot, lambda: [d.id for d in screen.datasets] == newest[::-1])
        assert screen.order_by == "created_at"
        await pilot.press("o")
        assert screen.order_by == "-updated_at"
        expected = await client.list_datasets(order_by="-updated_at")
        await wait_until(pilot, lambda: screen.datasets == expected.results)
        assert "recently updated first" in str(screen.query_one("#datasets-sort").render())


async def test_pages_of_thirty(either_server: RunningServer) -> None:
    for n in range(35):
        either_server.create_dataset(f"paged {n:02}")
    async with datasets_app(either_server) as (app, pilot, _):
        screen = picker(app)
        assert pager_text(screen).startswith("1-30 of 35 datasets")
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: pager_text(screen).startswith("31-35 of 35"))
        assert len(screen.datasets) == 5
        await pilot.press("left_square_bracket")
        await wait_until(pilot, lambda: pager_text(screen).startswith("1-30 of 35"))
        await pilot.press("G")  # last row, g first row: the app's keys, not "go to page"
        await wait_until(pilot, lambda: screen.table.cursor_row == 29)
        await pilot.press("g")
        await wait_until(pilot, lambda: screen.table.cursor_row == 0)
        assert isinstance(app.screen, DatasetsScreen)
        await pilot.press("colon", "2", "enter")  # go to page 2
        await wait_until(pilot, lambda: pager_text(screen).startswith("31-35 of 35"))
        await pilot.press("right_curly_bracket", "left_curly_bracket")  # last, first page
        await wait_until(pilot, lambda: pager_text(screen).startswith("1-30 of 35"))


async def test_enter_opens_a_dataset_and_escape_returns(
    revisioned_demo_server: RunningServer,
) -> None:
    async with datasets_app(revisioned_demo_server) as (app, pilot, _):
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetItemsScreen))
        opened = next(s for s in app.screen_stack if isinstance(s, DatasetItemsScreen))
        assert opened.dataset.id == picker(app).datasets[0].id
        assert opened.dataset.archived is False
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))


async def test_read_only_disables_every_change(revisioned_server: RunningServer) -> None:
    async with datasets_app(revisioned_server, read_only=True) as (app, pilot, _):
        screen = picker(app)
        for action in ("new", "edit", "archive"):
            assert screen.check_action(action, ()) is None
        await pilot.press("n")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DatasetsScreen)
        assert any("Read-only mode" in message for message in toasts(app))
        await pilot.press("a")  # looking at archived datasets is reading
        await wait_until(pilot, lambda: screen.archived_view and not screen.pager.loading_marker)
        assert screen.check_action("restore", ()) is None


# ----------------------------------------------------------------- archive and restore


async def test_archive_restore_and_undo(fresh_revisioned_server: RunningServer) -> None:
    keep = fresh_revisioned_server.create_dataset("stays active")
    target = seed(fresh_revisioned_server, "archive me", 2)
    async with datasets_app(fresh_revisioned_server) as (app, pilot, client):
        screen = picker(app)
        await wait_until(pilot, lambda: screen.quota == "2 of 20 datasets")
        await select(pilot, screen, target)
        await pilot.press("d")  # reversible: no confirmation
        await wait_until(pilot, lambda: names(screen) == ["stays active"])
        assert (await client.get_dataset(target)).archived is True
        assert screen.current is not None and screen.current.id == keep
        assert screen.quota == "2 of 20 datasets"  # archived datasets count
        assert any("u undoes it" in message for message in toasts(app))

        await pilot.press("u")
        await wait_until(pilot, lambda: "archive me" in names(screen))
        assert (await client.get_dataset(target)).archived is False
        assert screen.current is not None and screen.current.id == target
        assert screen.check_action("undo", ()) is False  # nothing left to undo: hidden

        await pilot.press("d")
        await wait_until(pilot, lambda: names(screen) == ["stays active"])
        await pilot.press("a")  # the archived ones
        await wait_until(pilot, lambda: screen.archived_view and names(screen) == ["archive me"])
        assert "archived" in pager_text(screen)
        assert screen.query_one("#datasets-view").display
        assert screen.check_action("archive", ()) is False
        await pilot.press("d")  # restores here, as in the items list
        await wait_until(pilot, lambda: screen.datasets == [])
        assert (await client.get_dataset(target)).archived is False
        empty = screen.query_one("#datasets-empty", Static)
        assert "No archived datasets" in str(empty.render())
        await pilot.press("u")  # undoes the restore: archived again
        await wait_until(pilot, lambda: names(screen) == ["archive me"])
        assert (await client.get_dataset(target)).archived is True
        await pilot.press("u")  # and the archive before it
        await wait_until(pilot, lambda: screen.datasets == [])
        assert (await client.get_dataset(target)).archived is False
        await pilot.press("a")
        await wait_until(pilot, lambda: not screen.archived_view and len(screen.datasets) == 2)


async def test_keys_typed_ahead_act_on_the_rows_asked_for(
    fresh_revisioned_server: RunningServer,
) -> None:
    first = fresh_revisioned_server.create_dataset("zz newest")
    wanted = fresh_revisioned_server.create_dataset("RAG wanted", created_at=BEFORE)
    async with datasets_app(fresh_revisioned_server) as (app, pilot, client):
        screen = picker(app)
        assert screen.current is not None and screen.current.id == first
        fresh_revisioned_server.options.latency_ms = 300
        # Search, then archive, before the search answers: the archive waits for the result.
        await pilot.press("slash", *"RAG", "enter", "d")
        assert screen.current is not None and screen.current.id == first  # not answered yet
        await wait_until(pilot, lambda: any("Archived “RAG wanted”" in m for m in toasts(app)))
        assert (await client.get_dataset(wanted)).archived is True
        assert (await client.get_dataset(first)).archived is False


async def test_an_archived_dataset_opens_read_only_and_cannot_be_edited(
    revisioned_demo_server: RunningServer,
) -> None:
    async with datasets_app(revisioned_demo_server) as (app, pilot, _):
        screen = picker(app)
        await pilot.press("a")
        await wait_until(pilot, lambda: names(screen) == ["Prompt experiments (old)"])
        assert screen.check_action("edit", ()) is None
        await pilot.press("e")
        await wait_until(pilot, lambda: any("d to restore" in m for m in toasts(app)))
        assert isinstance(app.screen, DatasetsScreen)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetItemsScreen))
        opened = next(s for s in app.screen_stack if isinstance(s, DatasetItemsScreen))
        assert opened.dataset.archived is True


async def test_classic_deletes_after_asking_and_cannot_list_deleted(
    fresh_server: RunningServer,
) -> None:
    target = fresh_server.create_dataset("delete me ds")
    async with datasets_app(fresh_server) as (app, pilot, client):
        screen = picker(app)
        assert screen.check_action("show_archived", ()) is None
        await pilot.press("a")
        await wait_until(pilot, lambda: any("classic datasets API" in m for m in toasts(app)))
        assert not screen.archived_view
        await select(pilot, screen, target)
        # PostHog's word on these servers: the key bar says Delete, not Archive.
        assert screen.check_action("archive", ()) is False
        assert screen.check_action("delete", ()) is True
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # no: nothing happens
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
        assert (await client.get_dataset(target)).id == target
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.datasets == [])
        with pytest.raises(NotFoundError):
            await client.get_dataset(target)
        await pilot.press("u")
        await wait_until(pilot, lambda: names(screen) == ["delete me ds"])
        assert (await client.get_dataset(target)).archived is False


# --------------------------------------------------------------------- unavailable


async def test_datasets_not_enabled_is_said_once_in_the_list(
    revisioned_demo_server: RunningServer,
) -> None:
    revisioned_demo_server.options.datasets_feature_flag = False
    async with datasets_app(revisioned_demo_server) as (app, pilot, _):
        screen = picker(app)
        await wait_until(pilot, lambda: screen.unavailable is not None)
        empty = screen.query_one("#datasets-empty", Static)
        text = str(empty.render())
        assert "Datasets are not available" in text
        assert "not enabled for this PostHog organisation" in text
        assert "Press r to check again" in text
        assert "scope" not in text.split("scopes are fine")[0]
        assert not screen.table.display
        assert toasts(app) == []  # said in the list, not in a toast
        for action in ("new", "edit", "archive", "show_archived", "search", "next_page"):
            assert screen.check_action(action, ()) is False  # hidden: nothing applies
        assert not screen.query_one("#datasets-bar").display
        await pilot.press("r")  # asks again: still refused, still said once, in the list
        await wait_until(pilot, lambda: not screen.pager.loading_marker)
        await pilot.press("n", "a", "slash")
        await pilot.pause()
        assert isinstance(app.screen, DatasetsScreen)
        assert toasts(app) == []
        assert screen.unavailable is not None
        revisioned_demo_server.options.datasets_feature_flag = True
        await pilot.press("r")
        await wait_until(pilot, lambda: len(screen.datasets) == 4)
        assert screen.unavailable is None and screen.table.display
        assert not empty.display


# ------------------------------------------------------------------- a real terminal


def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 20) -> bool:
    """Poll the server (from a sync test) until `check` holds."""
    deadline = time.monotonic() + timeout
    while not asyncio.run(check()):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_bursts_in_a_real_terminal_take_effect_in_order(
    fresh_revisioned_server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys written in one go, as a fast typist or `tmux send-keys` sends them: a search, then
    archive; a new dataset's name, tab, description and ctrl+s; a rename; go to page 2."""
    server = fresh_revisioned_server
    newest = server.create_dataset("zz newest")
    wanted = server.create_dataset("RAG wanted", created_at=BEFORE)
    server.options.max_datasets_per_project = None  # room for a second page
    for n in range(30):  # a second page, of older datasets
        server.create_dataset(f"filler {n:02}", created_at=BEFORE - timedelta(days=n + 1))
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", server.api_key)
    monkeypatch.setenv("PHTUI_CONFIG", str(tmp_path / "config.toml"))
    args = ["-m", "phtui", "--host", server.url, "--project", str(server.project_id)]

    async def archived(dataset_id: str) -> bool:
        async with quick_client(server) as client:
            return (await client.get_dataset(dataset_id)).archived

    async def named(name: str, description: str) -> bool:
        async with quick_client(server) as client:
            found = await client.find_datasets_by_name(name)
            return [d.description for d in found] == [description]

    with terminal(args, data_dir=tmp_path / "data") as screen:
        screen.wait_for(lambda text: "Default Theme" in text)
        screen.write(b"2")
        screen.wait_for(lambda text: "RAG wanted" in text and "32 of 20 datasets" in text)
        screen.write(b"/RAG\rd")
        assert eventually(lambda: archived(wanted))
        assert not asyncio.run(archived(newest))
        screen.write(b"/\x15\rnBurst name\tBurst desc\x13")  # clear the search (ctrl+u), then new
        assert eventually(lambda: named("Burst name", "Burst desc"))
        screen.wait_for(lambda text: "Saved dataset “Burst name”" in text)  # the form closed
        screen.write(b"eBurst renamed\x13")  # the new dataset is selected; its name replaced
        assert eventually(lambda: named("Burst renamed", "Burst desc"))
        screen.write(b":2\r")
        screen.wait_for(lambda text: "31-32 of 32 datasets" in text)
        screen.write(b"\x11")  # ctrl+q
        assert screen.child.wait(timeout=15) == 0
    assert "Traceback" not in screen.text()
