"""The export and import dialogs on both datasets APIs: Pilot tests on the local server, and
snapshots of the dialogs alone (so other screens' changes do not move them)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Static

from phtui.api import PostHogClient
from phtui.app import PhTuiApp
from phtui.config import Settings
from phtui.screens.confirm import ConfirmScreen
from phtui.screens.datasets.items import DatasetItemsScreen
from phtui.screens.datasets.picker import DatasetsScreen
from phtui.screens.datasets.transfer import ExportScreen, ImportScreen
from phtui.screens.error import ErrorScreen
from phtui.server.runner import RunningServer
from tests.clients import quick_client
from tests.ui.support import SNAP_SIZES, SnapCompare, settle, wait_until


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)


@asynccontextmanager
async def items_app(
    server: RunningServer, dataset_id: str, *, read_only: bool = False
) -> AsyncIterator[tuple[PhTuiApp, Pilot[None], DatasetItemsScreen]]:
    async with quick_client(server, max_retries=3, backoff_base=0.01) as client:
        app = PhTuiApp(
            client=client, mode="datasets", read_only=read_only, settings=Settings(), host_label="t"
        )
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
            app.push_screen(DatasetItemsScreen(await client.get_dataset(dataset_id)))
            await wait_until(pilot, lambda: isinstance(app.screen, DatasetItemsScreen))
            screen = app.screen
            assert isinstance(screen, DatasetItemsScreen)
            await wait_until(pilot, lambda: screen.loaded)
            yield app, pilot, screen


def status(app: App[Any]) -> str:
    return str(app.screen.query_one(".transfer-status", Static).render())


def lines_done(app: App[Any]) -> int:
    found = re.search(r"Importing: (\d+) of", status(app))
    return int(found.group(1)) if found else 0


def problems(app: App[Any]) -> str:
    return str(app.screen.query_one("#problem-lines", Static).render())


def seed(server: RunningServer, name: str, count: int, *, classic: bool = True) -> str:
    dataset = server.create_dataset(name)
    output = "output" if classic else "expected_output"
    server.bulk_insert_items(
        dataset, [{"input": {"q": f"question {n}"}, output: {"a": n}} for n in range(count)]
    )
    return dataset


# ================================================================================== export


async def test_export_writes_every_item_and_says_where(
    server: RunningServer, tmp_path: Path
) -> None:
    dataset_id = seed(server, "export modal ds", 230)
    async with items_app(server, dataset_id) as (app, pilot, _):
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        field = app.screen.query_one("#export-path", Input)
        assert field.value == str(tmp_path / "export-modal-ds.jsonl")  # classic: no revision
        where = str(app.screen.query_one(".transfer-where", Static).render())
        assert where == f"Writes {tmp_path / 'export-modal-ds.jsonl'}"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Exported 230 items" in status(app))
        assert f"to {tmp_path / 'export-modal-ds.jsonl'}." in status(app)
        assert len((tmp_path / "export-modal-ds.jsonl").read_text().splitlines()) == 230


async def test_an_existing_file_is_replaced_only_when_confirmed(
    server: RunningServer, tmp_path: Path
) -> None:
    dataset_id = seed(server, "export replace ds", 3)
    target = tmp_path / "mine.jsonl"
    target.write_text("keep me\n")
    async with items_app(server, dataset_id) as (app, pilot, _):
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        modal = app.screen
        modal.query_one("#export-path", Input).value = str(target)
        await pilot.pause()
        where = str(modal.query_one(".transfer-where", Static).render())
        assert where == f"Replaces {target} (you will be asked first)"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is modal)
        assert target.read_text() == "keep me\n" and status(app) == ""
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: "Exported 3 items" in status(app))
        assert len(target.read_text().splitlines()) == 3


async def test_an_unwritable_path_is_one_line_in_the_dialog_and_the_path_stays(
    server: RunningServer, tmp_path: Path
) -> None:
    dataset_id = seed(server, "export bad path ds", 2)
    typed = str(tmp_path / "no" / "such" / "folder.jsonl")
    async with items_app(server, dataset_id) as (app, pilot, _):
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        app.screen.query_one("#export-path", Input).value = typed
        await pilot.press("enter")
        await wait_until(pilot, lambda: "does not exist" in status(app))
        assert isinstance(app.screen, ExportScreen)  # not the "this is a bug" dialog
        assert not any(isinstance(s, ErrorScreen) for s in app.screen_stack)
        assert app.screen.query_one("#export-path", Input).value == typed
        assert "No file was written." in status(app)


async def test_export_cancel_leaves_no_file(server: RunningServer, tmp_path: Path) -> None:
    dataset_id = seed(server, "export cancel ds", 300)
    async with items_app(server, dataset_id) as (app, pilot, _):
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        modal = app.screen
        target = tmp_path / "never.jsonl"
        modal.query_one("#export-path", Input).value = str(target)
        server.options.latency_ms = 400
        try:
            await pilot.press("enter")
            await wait_until(pilot, lambda: "Exporting" in status(app))
            await pilot.press("escape")
            await wait_until(pilot, lambda: "cancelled" in status(app))
        finally:
            server.options.latency_ms = 0
        assert not target.exists() and not target.with_name("never.jsonl.part").exists()
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetItemsScreen))


async def test_revisioned_export_shows_the_job_until_it_completes(
    fresh_revisioned_server: RunningServer, tmp_path: Path
) -> None:
    server = fresh_revisioned_server
    dataset_id = seed(server, "Support answers", 40, classic=False)
    server.options.export_delay_ms = 3000
    async with items_app(server, dataset_id) as (app, pilot, _):
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        title = str(app.screen.query_one(".transfer-title", Static).render())
        assert title == "Export 'Support answers': at revision 40 (the latest)"
        field = app.screen.query_one("#export-path", Input)
        assert field.value == str(tmp_path / "support-answers-r40.jsonl")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "preparing the export: pending" in status(app))
        await wait_until(pilot, lambda: "Exported 40 items" in status(app), timeout=15)
        assert "at revision 40" in status(app) and "(PostHog's export job)" in status(app)


async def test_an_export_opened_at_a_revision_writes_that_revision(
    fresh_revisioned_server: RunningServer, tmp_path: Path
) -> None:
    server = fresh_revisioned_server
    dataset_id = seed(server, "history", 6, classic=False)
    async with items_app(server, dataset_id) as (app, pilot, screen):
        app.push_screen(ExportScreen(screen.dataset, revision=2))
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        title = str(app.screen.query_one(".transfer-title", Static).render())
        assert title == "Export 'history': at revision 2"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Exported 2 items" in status(app))
        rows = (tmp_path / "history-r2.jsonl").read_text().splitlines()
        assert [json.loads(row)["dataset_revision"] for row in rows] == [2, 2]


async def test_revisioned_export_falls_back_and_says_why(
    fresh_revisioned_server: RunningServer, tmp_path: Path
) -> None:
    server = fresh_revisioned_server
    dataset_id = seed(server, "fallback", 5, classic=False)
    server.options.export_creations_per_day = 0
    async with items_app(server, dataset_id) as (app, pilot, _):
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Exported 5 items" in status(app))
        assert "(read directly)" in status(app)
        assert (tmp_path / "fallback-r5.jsonl").exists()


# ================================================================================== import


async def test_import_reports_failed_lines_where_they_are_and_refreshes(
    server: RunningServer, tmp_path: Path
) -> None:
    dataset_id = server.create_dataset("import modal ds")
    source = tmp_path / "in.jsonl"
    source.write_text('{"input": 1}\n{"input": 2}\n{"inptu": 3}\n{"input": {"q": "open"}\n')
    async with items_app(server, dataset_id) as (app, pilot, screen):
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportScreen))
        modal = app.screen
        modal.query_one("#import-path", Input).value = str(source)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "2 imported, 2 failed" in status(app))
        listed = problems(app)
        assert "line 3: unknown field 'inptu'" in listed
        assert "line 4, column 24: the line ends before its JSON object is closed" in listed
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen.table.row_count == 2)


async def test_a_file_that_is_not_utf8_is_one_line_and_nothing_is_lost(
    server: RunningServer, tmp_path: Path
) -> None:
    dataset_id = server.create_dataset("import latin-1 ds")
    source = tmp_path / "latin1.jsonl"
    source.write_bytes(b'{"input": "caf\xe9"}\n')
    async with items_app(server, dataset_id) as (app, pilot, _):
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportScreen))
        app.screen.query_one("#import-path", Input).value = str(source)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "not UTF-8" in status(app))
        assert f"{source} is not UTF-8 text (line 1, column 15: byte 0xe9)." in status(app)
        assert "Importing" not in status(app)
        assert not any(isinstance(s, ErrorScreen) for s in app.screen_stack)
        assert app.screen.query_one("#import-path", Input).value == str(source)


async def test_cancelling_an_import_says_how_far_it_got(
    fresh_revisioned_server: RunningServer, tmp_path: Path
) -> None:
    server = fresh_revisioned_server
    dataset_id = server.create_dataset("import cancel ds")
    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps({"input": n}) + "\n" for n in range(200)))
    async with items_app(server, dataset_id) as (app, pilot, _):
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportScreen))
        app.screen.query_one("#import-path", Input).value = str(source)
        server.options.latency_ms = 150  # 200 lines take 4 s: time to cancel
        try:
            await pilot.press("enter")
            await wait_until(pilot, lambda: lines_done(app) >= 8)
            await pilot.press("escape")
            await wait_until(pilot, lambda: "Cancelled after" in status(app))
        finally:
            server.options.latency_ms = 0
        assert "of 200 lines: " in status(app) and " imported, " in status(app)
        assert "Import again to finish" in status(app)
        await pilot.press("enter")  # the same file again: resumes
        await wait_until(pilot, lambda: "already in the dataset (of 200 lines)" in status(app))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetItemsScreen))
        items = await app.client.list_dataset_items(dataset_id, limit=1)  # type: ignore[union-attr]
        assert items.count == 200


async def test_rate_limits_show_as_waits_with_seconds_left(
    fresh_revisioned_server: RunningServer, tmp_path: Path
) -> None:
    server = fresh_revisioned_server
    dataset_id = server.create_dataset("import waits ds")
    source = tmp_path / "w.jsonl"
    source.write_text("".join(json.dumps({"input": n}) + "\n" for n in range(5)))
    server.options.retry_after_header = True
    async with items_app(server, dataset_id) as (app, pilot, _):
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportScreen))
        app.screen.query_one("#import-path", Input).value = str(source)
        server.options.throttle_next = 1
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Rate limited by PostHog: waiting 1 s" in status(app))
        await wait_until(pilot, lambda: "5 imported (of 5 lines)" in status(app))


async def test_import_is_disabled_read_only(server: RunningServer, tmp_path: Path) -> None:
    dataset_id = server.create_dataset("import read only ds")
    async with items_app(server, dataset_id, read_only=True) as (app, pilot, _):
        app.push_screen(ImportScreen(await app.client.get_dataset(dataset_id)))  # type: ignore[union-attr]
        await wait_until(pilot, lambda: isinstance(app.screen, ImportScreen))
        assert status(app) == "Read-only mode: import is disabled."
        app.screen.query_one("#import-path", Input).value = "x.jsonl"
        await pilot.press("enter")
        await pilot.pause()
        assert status(app) == "Read-only mode: import is disabled."


# =============================================================================== snapshots


class Host(App[None]):
    """The dialogs alone over an empty screen, with the app's services (client, read-only,
    errors) and its styles."""

    CSS_PATH = PhTuiApp.CSS_PATH

    def __init__(self, client: PostHogClient) -> None:
        super().__init__()
        self.client = client
        self.read_only = False
        self.errors: list[BaseException] = []

    def compose(self) -> ComposeResult:
        yield Static("")

    def show_error(self, error: BaseException, *, action: str) -> None:
        self.errors.append(error)


async def support_answers(client: PostHogClient) -> Any:
    await client.detect_datasets_api()
    return next(d for d in (await client.list_datasets()).results if d.name == "Support answers")


@pytest.mark.parametrize("size", SNAP_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_export_dialog(
    snap_compare: SnapCompare,
    revisioned_demo_server: RunningServer,
    size: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir("/tmp")  # the default path is shown in full
    server = revisioned_demo_server
    app = Host(quick_client(server))

    async def before(pilot: Pilot[Any]) -> None:
        app.push_screen(ExportScreen(await support_answers(app.client)))
        await settle(pilot, lambda: isinstance(app.screen, ExportScreen))

    assert snap_compare(app, terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SNAP_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_import_dialog_after_a_run(
    snap_compare: SnapCompare,
    revisioned_demo_server: RunningServer,
    size: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    server = revisioned_demo_server
    (tmp_path / "in.jsonl").write_text(
        '{"client_item_id": "ticket-new-1", "input": {"q": "new"}}\n'
        '{"input": {"q": "open"}\n'
        '{"inptu": 3}\n'
        '{"expected_output": "no input"}\n'
    )
    monkeypatch.chdir(tmp_path)  # a relative path: the snapshot does not show tmp_path
    app = Host(quick_client(server))

    async def before(pilot: Pilot[Any]) -> None:
        app.push_screen(ImportScreen(await support_answers(app.client)))
        await settle(pilot, lambda: isinstance(app.screen, ImportScreen))
        app.screen.query_one("#import-path", Input).value = "in.jsonl"
        await pilot.press("enter")
        await settle(pilot, lambda: "1 imported" in status(app))

    assert snap_compare(app, terminal_size=size, run_before=before)
