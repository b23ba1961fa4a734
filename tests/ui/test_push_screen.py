"""The push dialog (`p` in the items list) on both datasets APIs, against the local server over
HTTP: the plan writes nothing, the push does what the plan said, a stale item is reported and
kept, read-only mode plans but never pushes, file errors are one line, cancel and 429s show."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Button, Input

from phtui.api import PostHogClient
from phtui.core.transfer import ExportMethod, export_items
from phtui.screens.datasets.push import PushScreen
from phtui.screens.datasets.revisions import RevisionPickerScreen
from phtui.screens.error import ErrorScreen
from phtui.server.runner import RunningServer
from tests.clients import quick_client
from tests.ui.support import SnapCompare, settle, wait_until
from tests.ui.test_transfer_screens import Host, items_app, problems, status, support_answers

APIS = ["classic", "revisioned"]


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)


def api_server(request: pytest.FixtureRequest, api: str) -> RunningServer:
    """The session's demo server of that API (tests make their own datasets)."""
    name = "server" if api == "classic" else "revisioned_server"
    server = request.getfixturevalue(name)
    assert isinstance(server, RunningServer)
    return server


def write_rows(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


async def edited_export(server: RunningServer, name: str, path: Path) -> tuple[str, list[Any]]:
    """A dataset of three items, and its export edited: question 1's expected output changed,
    a new line (line 4) and a second line for question 2 (line 5, refused)."""
    async with quick_client(server) as client:
        await client.detect_datasets_api()
        dataset = (await client.create_dataset(name)).id
        for n in range(3):
            await client.create_dataset_item(
                dataset, input={"q": f"question {n}"}, expected_output={"a": n}
            )
        await export_items(client, dataset, path, method=ExportMethod.DIRECT)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    for row in rows:
        if row["input"] == {"q": "question 1"}:
            row["expected_output"] = {"a": "changed"}
    twice = next(row for row in rows if row["input"] == {"q": "question 2"})
    rows += [{"input": {"q": "new"}, "expected_output": {"a": 9}}, {**twice, "expected_output": 5}]
    write_rows(path, rows)
    return dataset, rows


async def contents(server: RunningServer, dataset_id: str) -> dict[str, Any]:
    """What the server holds now, read by a client of its own: question -> expected output."""
    async with quick_client(server) as client:
        await client.detect_datasets_api()
        items = (await client.list_all_dataset_items(dataset_id)).items
    return {item.input["q"]: item.expected_output for item in items}


async def open_push(app: App[Any], pilot: Pilot[Any], path: Path | str) -> PushScreen:
    await pilot.press("p")
    await wait_until(pilot, lambda: isinstance(app.screen, PushScreen))
    screen = app.screen
    assert isinstance(screen, PushScreen)
    screen.query_one("#push-path", Input).value = str(path)
    return screen


def push_button(app: App[Any]) -> Button:
    return app.screen.query_one("#transfer-start", Button)


# ================================================================================= plan


@pytest.mark.parametrize("api", APIS)
async def test_the_plan_shows_counts_and_refusals_and_writes_nothing(
    request: pytest.FixtureRequest, api: str, tmp_path: Path
) -> None:
    server = api_server(request, api)
    source = tmp_path / "edited.jsonl"
    dataset_id, _ = await edited_export(server, f"push plan {api}", source)
    before = await contents(server, dataset_id)
    async with items_app(server, dataset_id) as (app, pilot, _):
        await open_push(app, pilot, source)
        assert push_button(app).disabled  # nothing planned yet
        await pilot.press("enter")
        await wait_until(pilot, lambda: "to create" in status(app))
        assert "1 to create, 1 to update, 2 unchanged, 1 refused (of 5 lines)" in status(app)
        assert "nothing changes until you press Push (ctrl+s)" in status(app)
        listed = problems(app)
        assert re.search(r"line \d: update item \S+: expected_output", listed)
        assert '~ expected_output.a: 1 → "changed"' in listed
        assert "line 4: create a new item" in listed
        assert re.search(r"line 5: refused: line \d is for the same item", listed)
        assert not push_button(app).disabled
        assert await contents(server, dataset_id) == before  # the plan changed nothing


# ================================================================================= push


@pytest.mark.parametrize("api", APIS)
async def test_push_does_what_the_plan_said_and_then_there_is_nothing_to_push(
    request: pytest.FixtureRequest, api: str, tmp_path: Path
) -> None:
    server = api_server(request, api)
    source = tmp_path / "edited.jsonl"
    dataset_id, _ = await edited_export(server, f"push run {api}", source)
    async with items_app(server, dataset_id) as (app, pilot, items):
        assert items.table.row_count == 3
        await open_push(app, pilot, source)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "1 to create, 1 to update" in status(app))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Pushed:" in status(app))
        assert "Pushed: 1 created, 1 updated, 2 unchanged, 1 refused (of 5 lines)." in status(app)
        assert re.search(r"line 5: line \d is for the same item", problems(app))
        assert push_button(app).disabled  # a plan is pushed once
        assert await contents(server, dataset_id) == {
            "question 0": {"a": 0},
            "question 1": {"a": "changed"},
            "question 2": {"a": 2},
            "new": {"a": 9},
        }
        await pilot.press("enter")  # the same file, planned again
        await wait_until(pilot, lambda: "to create" in status(app))
        assert "0 to create, 0 to update, 4 unchanged, 1 refused (of 5 lines)" in status(app)
        assert "Nothing to push" in status(app) and push_button(app).disabled
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is items)
        await wait_until(pilot, lambda: items.table.row_count == 4)  # refreshed


async def test_an_item_changed_after_the_plan_is_reported_not_overwritten(
    fresh_revisioned_server: RunningServer, tmp_path: Path
) -> None:
    server = fresh_revisioned_server
    source = tmp_path / "edited.jsonl"
    dataset_id, _ = await edited_export(server, "push stale", source)
    async with items_app(server, dataset_id) as (app, pilot, _):
        await open_push(app, pilot, source)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "1 to update" in status(app))
        async with quick_client(server) as other:  # someone else edits the item meanwhile
            item = next(
                i
                for i in (await other.list_all_dataset_items(dataset_id)).items
                if i.input == {"q": "question 1"}
            )
            await other.update_dataset_item(
                item.id, base_version=item.version, expected_output={"a": "theirs"}
            )
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Pushed:" in status(app))
        assert "Pushed: 1 created, 0 updated, 2 unchanged, 1 refused, 1 failed" in status(app)
        assert "1 item changed in PostHog after the plan: left as it is" in status(app)
        assert f"item {item.id} changed in PostHog after the push read it (now version 2)" in (
            problems(app)
        )
        assert (await contents(server, dataset_id))["question 1"] == {"a": "theirs"}


async def test_read_only_mode_plans_but_push_is_disabled(
    server: RunningServer, tmp_path: Path
) -> None:
    source = tmp_path / "edited.jsonl"
    dataset_id, _ = await edited_export(server, "push read only", source)
    before = await contents(server, dataset_id)
    async with items_app(server, dataset_id, read_only=True) as (app, pilot, _):
        modal = await open_push(app, pilot, source)
        assert status(app) == "Read-only mode: Push is disabled. Planning works."
        await pilot.press("enter")
        await wait_until(pilot, lambda: "to create" in status(app))
        assert "1 to create, 1 to update" in status(app)
        assert "Read-only mode: Push is disabled." in status(app)
        assert push_button(app).disabled
        assert modal.check_action("push", ()) is None  # shown dimmed
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Pushing" not in status(app)
    assert await contents(server, dataset_id) == before


async def test_a_past_revision_plans_but_push_says_why_it_is_disabled(
    fresh_revisioned_server: RunningServer, tmp_path: Path
) -> None:
    server = fresh_revisioned_server
    source = tmp_path / "edited.jsonl"
    dataset_id, _ = await edited_export(server, "push past revision", source)
    async with items_app(server, dataset_id) as (app, pilot, items):
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, RevisionPickerScreen))
        await pilot.press("2", "enter")
        await wait_until(pilot, lambda: items.viewing == 2 and items.loaded)
        await open_push(app, pilot, source)
        assert status(app).startswith("Revision 2 is a read-only snapshot")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "to create" in status(app))
        assert "1 to create, 1 to update" in status(app)  # compared with the latest
        assert "Revision 2 is a read-only snapshot" in status(app) and push_button(app).disabled


async def test_a_file_error_is_one_line_and_the_path_stays(
    server: RunningServer, tmp_path: Path
) -> None:
    dataset_id = server.create_dataset("push bad file")
    missing = str(tmp_path / "no" / "such.jsonl")
    latin1 = tmp_path / "latin1.jsonl"
    latin1.write_bytes(b'{"input": "caf\xe9"}\n')
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"input": {"q": "open"}\n')
    async with items_app(server, dataset_id) as (app, pilot, _):
        await open_push(app, pilot, missing)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "does not exist" in status(app))
        assert status(app) == f"{missing} does not exist."
        assert app.screen.query_one("#push-path", Input).value == missing
        assert not any(isinstance(s, ErrorScreen) for s in app.screen_stack)
        assert push_button(app).disabled
        app.screen.query_one("#push-path", Input).value = str(latin1)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "not UTF-8" in status(app))
        assert status(app) == (
            f"{latin1} is not UTF-8 text (line 1, column 15: byte 0xe9). Save it as UTF-8 and "
            "try again."
        )
        app.screen.query_one("#push-path", Input).value = str(broken)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "to create" in status(app))
        assert "0 to create, 0 to update, 0 unchanged, 1 refused (of 1 lines)" in status(app)
        assert "line 1, column 24: refused: the line ends before its JSON object is closed" in (
            problems(app)
        )
        assert push_button(app).disabled


# ============================================================================ run faults


async def test_cancelling_a_push_says_how_far_it_got(
    fresh_revisioned_server: RunningServer, tmp_path: Path
) -> None:
    server = fresh_revisioned_server
    dataset_id = server.create_dataset("push cancel")
    source = write_rows(tmp_path / "many.jsonl", [{"input": n} for n in range(200)])
    async with items_app(server, dataset_id) as (app, pilot, _):
        await open_push(app, pilot, source)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "200 to create" in status(app))
        server.options.latency_ms = 150  # 200 creates, 8 at a time: about 4 s to cancel in
        try:
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: pushed(app) >= 8)
            await pilot.press("escape")
            await wait_until(pilot, lambda: "Push cancelled after" in status(app))
        finally:
            server.options.latency_ms = 0
        found = re.search(r"Push cancelled after (\d+) of 200 changes \((\d+) created", status(app))
        assert found, status(app)
        assert "Pushing again is safe" in status(app)
        async with quick_client(server) as other:
            on_server = (await other.list_dataset_items(dataset_id, limit=1)).count
        assert 8 <= on_server < 200
        await pilot.press("enter")  # plan again: what is left
        await wait_until(pilot, lambda: "to create" in status(app))
        assert f"{200 - on_server} to create, 0 to update, {on_server} unchanged" in status(app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Pushed:" in status(app))
        assert f"Pushed: {200 - on_server} created, 0 updated, {on_server} unchanged" in status(app)
    async with quick_client(server) as other:
        assert (await other.list_dataset_items(dataset_id, limit=1)).count == 200  # each once


def pushed(app: App[Any]) -> int:
    found = re.search(r"Pushing: (\d+) of", status(app))
    return int(found.group(1)) if found else 0


async def test_rate_limits_show_as_waits_with_seconds_left(
    fresh_revisioned_server: RunningServer, tmp_path: Path
) -> None:
    server = fresh_revisioned_server
    dataset_id = server.create_dataset("push waits")
    source = write_rows(tmp_path / "w.jsonl", [{"input": n} for n in range(5)])
    server.options.retry_after_header = True
    async with items_app(server, dataset_id) as (app, pilot, _):
        await open_push(app, pilot, source)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "5 to create" in status(app))
        server.options.throttle_next = 1
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Rate limited by PostHog: waiting 1 s" in status(app))
        await wait_until(pilot, lambda: "Pushed: 5 created" in status(app))


# =============================================================================== snapshot


def test_push_dialog_after_planning(
    snap_compare: SnapCompare,
    revisioned_demo_server: RunningServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    server = revisioned_demo_server
    monkeypatch.chdir(tmp_path)  # a relative path: the snapshot does not show tmp_path
    app = Host(quick_client(server))

    async def before(pilot: Pilot[Any]) -> None:
        client: PostHogClient = app.client
        dataset = await support_answers(client)
        await export_items(
            client, dataset.id, tmp_path / "pulled.jsonl", method=ExportMethod.DIRECT
        )
        rows = [json.loads(line) for line in (tmp_path / "pulled.jsonl").read_text().splitlines()]
        rows[0]["expected_output"] = "Refunded: the double charge is reversed in 3-5 days."
        rows.append({"client_item_id": "ticket-new-1", "input": {"q": "Can I export a chart?"}})
        rows.append({"expected_output": "no input"})
        write_rows(tmp_path / "edited.jsonl", rows)
        app.push_screen(PushScreen(dataset))
        await settle(pilot, lambda: isinstance(app.screen, PushScreen))
        app.screen.query_one("#push-path", Input).value = "edited.jsonl"
        await pilot.press("enter")
        await settle(pilot, lambda: "to create" in status(app))

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


async def test_a_plan_refused_only_by_a_documented_limit_can_be_pushed(tmp_path: Path) -> None:
    """An item at PostHog's documented 40 versions: the plan refuses its update for that limit,
    yet Push stays possible (PostHog may allow more now) and sends it, as the CLI does."""
    from phtui.server.runner import start_server

    with start_server(seed="empty", datasets_api="revisioned") as server:
        server.options.max_versions_per_item = None  # this PostHog allows more than 40
        async with quick_client(server) as client:
            await client.detect_datasets_api()
            dataset_id = (await client.create_dataset("at the version limit")).id
            item = await client.create_dataset_item(dataset_id, input={"q": "x"})
            for n in range(39):
                item = await client.update_dataset_item(
                    item.id, base_version=item.version, expected_output=n
                )
            assert item.version == 40
        source = write_rows(
            tmp_path / "one.jsonl",
            [{"item_id": item.id, "input": {"q": "x"}, "expected_output": 99}],
        )
        async with items_app(server, dataset_id) as (app, pilot, _):
            await open_push(app, pilot, source)
            await pilot.press("enter")
            await wait_until(pilot, lambda: "to create" in status(app))
            assert "0 to update" in status(app) and "1 refused" in status(app)
            assert not push_button(app).disabled
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: "Pushed" in status(app))
        assert (await contents(server, dataset_id)) == {"x": 99}
