"""Pilot tests of an item's history: versions, diffs of any two, restoring any version, undo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from phtui.api import PostHogClient
from phtui.api.models import DatasetItem
from phtui.app import PhTuiApp
from phtui.core.drafts import default_draft_dir
from phtui.screens.confirm import ConfirmScreen
from phtui.screens.datasets.history import ItemHistoryScreen
from phtui.screens.datasets.item_editor import ItemEditorScreen
from phtui.server.runner import RunningServer
from tests.ui import editor_support
from tests.ui.editor_support import editor_app, first_item, open_editor, seed, set_json
from tests.ui.field_support import HOSTILE, HOSTILE_LINES, drawn_text, unsafe_in
from tests.ui.support import record_calls, wait_until

revisioned_editor_server = editor_support.revisioned_editor_server
classic_editor_server = editor_support.classic_editor_server
rev_server = editor_support.rev_server
classic_server = editor_support.classic_server


@pytest.fixture(autouse=True)
def draft_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PHTUI_DATA_DIR", str(tmp_path / "data"))
    return default_draft_dir()


async def item_with_versions(client: PostHogClient, server: RunningServer, name: str) -> str:
    """An item with versions 1-4: two edits, then metadata changed."""
    dataset_id = seed(server, name, 1)
    item = await first_item(client, dataset_id)
    item = await client.update_dataset_item(item.id, base_version=item.version, input="v2")
    item = await client.update_dataset_item(
        item.id, base_version=item.version, input="v3", expected_output="out 3"
    )
    item = await client.update_dataset_item(
        item.id, base_version=item.version, metadata={"n": 0, "tag": "new"}
    )
    return item.id


async def open_history(
    app: PhTuiApp, pilot: Any, client: PostHogClient, item_id: str, results: list[Any]
) -> ItemHistoryScreen:
    item = await client.get_dataset_item(item_id)
    dataset = await client.get_dataset(item.dataset)
    screen = ItemHistoryScreen(dataset, item)
    app.push_screen(screen, results.append)
    await wait_until(pilot, lambda: screen.is_mounted and screen.loaded)
    return screen


def diff_text(screen: ItemHistoryScreen) -> str:
    return str(screen.query_one("#history-diff", Static).render())


def diff_title(screen: ItemHistoryScreen) -> str:
    return str(screen.query_one("#history-diff-title", Static).render())


def status_text(screen: ItemHistoryScreen) -> str:
    return str(screen.query_one("#history-status", Static).render())


async def test_versions_are_listed_newest_first_with_what_changed(
    rev_server: RunningServer,
) -> None:
    async with editor_app(rev_server) as (app, pilot, client):
        item_id = await item_with_versions(client, rev_server, "history list ds")
        screen = await open_history(app, pilot, client, item_id, [])
        assert [v.version for v in screen.versions] == [4, 3, 2, 1]
        rows = [[cell.plain for cell in screen.table.get_row_at(row)] for row in range(4)]
        assert [row[1] for row in rows] == ["v4", "v3", "v2", "v1"]
        assert [row[5] for row in rows] == [
            "metadata",
            "input, expected_output",
            "input",
            "created",
        ]
        assert rows[0][0] == "●" and all(row[4] == "active" for row in rows)
        # Default diff: the highlighted version against the one before it.
        assert diff_title(screen).startswith("Version 3 → version 4")
        assert diff_text(screen) == '+ metadata.tag: "new"'


async def test_any_two_versions_are_compared_with_the_keyboard(rev_server: RunningServer) -> None:
    async with editor_app(rev_server) as (app, pilot, client):
        item_id = await item_with_versions(client, rev_server, "history pick ds")
        screen = await open_history(app, pilot, client, item_id, [])
        await pilot.press("down", "down", "down")  # version 1: how it was created
        assert diff_title(screen) == "Version 1: created with"
        assert '+ input: {"q": "question 0"}' in diff_text(screen)
        await pilot.press("space")  # pin version 1 ...
        await pilot.press("up", "up", "up")  # ... and compare it with version 4
        assert diff_title(screen).startswith("Version 1 → version 4 (pinned)")
        assert diff_text(screen).splitlines() == [
            '~ input: {"q": "question 0"} → "v3"',
            '~ expected_output: {"a": 0} → "out 3"',
            '+ metadata.tag: "new"',
        ]
        assert screen.table.get_row_at(3)[0].plain == "◆"
        await pilot.press("down", "down", "down", "space")  # unpin
        assert screen.pinned is None


async def test_bringing_back_a_version_of_an_active_item_is_a_patch_with_undo(
    rev_server: RunningServer,
) -> None:
    async with editor_app(rev_server) as (app, pilot, client):
        item_id = await item_with_versions(client, rev_server, "history patch ds")
        results: list[Any] = []
        screen = await open_history(app, pilot, client, item_id, results)
        patches = record_calls(client, "update_dataset_item")
        restores = record_calls(client, "restore_dataset_item")
        await pilot.press("down", "down")  # version 2
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.versions[0].version == 5)
        # PostHog refuses a restore of an active item: the differing fields are PATCHed.
        assert restores == []
        assert patches == [
            {
                "args": (item_id,),
                "base_version": 4,
                "input": "v2",
                "expected_output": {"a": 0},
                "metadata": {"n": 0},
            }
        ]
        current = await client.get_dataset_item(item_id)
        assert (current.version, current.input, current.metadata) == (5, "v2", {"n": 0})
        assert "Version 2 is back as version 5" in status_text(screen)
        await pilot.press("u")  # undo: back to version 4's content
        await wait_until(pilot, lambda: screen.versions[0].version == 6)
        current = await client.get_dataset_item(item_id)
        assert (current.input, current.expected_output, current.metadata) == (
            "v3",
            "out 3",
            {"n": 0, "tag": "new"},
        )
        await pilot.press("escape")
        await wait_until(pilot, lambda: bool(results))
        assert isinstance(results[0], DatasetItem) and results[0].version == 6


async def test_bringing_back_a_version_of_an_archived_item_restores_from_it(
    rev_server: RunningServer,
) -> None:
    async with editor_app(rev_server) as (app, pilot, client):
        item_id = await item_with_versions(client, rev_server, "history restore ds")
        await client.archive_dataset_item(item_id, base_version=4)
        screen = await open_history(app, pilot, client, item_id, [])
        assert screen.table.get_row_at(0)[4].plain == "archived"
        assert screen.table.get_row_at(0)[5].plain == "archived"
        restores = record_calls(client, "restore_dataset_item")
        await pilot.press("down", "down", "down", "down")  # version 1
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.versions[0].version == 6)
        assert restores == [{"args": (item_id,), "base_version": 5, "source_version": 1}]
        current = await client.get_dataset_item(item_id)
        assert (current.archived, current.input) == (False, {"q": "question 0"})
        archives = record_calls(client, "archive_dataset_item")
        await pilot.press("u")  # undo: version 5's content, archived again
        await wait_until(pilot, lambda: screen.versions[0].archived)
        assert len(archives) == 1
        current = await client.get_dataset_item(item_id)
        assert (current.archived, current.input, current.version) == (True, "v3", 8)


async def test_a_stale_history_is_reloaded_instead_of_overwriting(
    rev_server: RunningServer,
) -> None:
    async with editor_app(rev_server) as (app, pilot, client):
        item_id = await item_with_versions(client, rev_server, "history stale ds")
        screen = await open_history(app, pilot, client, item_id, [])
        await client.update_dataset_item(item_id, base_version=4, input="someone else")
        await pilot.press("down", "r")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: "changed meanwhile" in status_text(screen))
        await wait_until(pilot, lambda: screen.versions[0].version == 5)
        assert (await client.get_dataset_item(item_id)).input == "someone else"


async def test_the_current_version_cannot_be_brought_back(rev_server: RunningServer) -> None:
    async with editor_app(rev_server) as (app, pilot, client):
        item_id = await item_with_versions(client, rev_server, "history current ds")
        screen = await open_history(app, pilot, client, item_id, [])
        assert screen.check_action("bring_back", ()) is None
        assert screen.blocked_reason("bring_back") == "This is the current version already."


async def test_classic_servers_have_no_history(classic_server: RunningServer) -> None:
    dataset_id = seed(classic_server, "classic history ds", 1)
    async with editor_app(classic_server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.screen is editor
        assert any("keeps no versions" in n.message for n in app._notifications)
        screen = await open_history(app, pilot, client, item.id, [])
        notice = str(screen.query_one("#history-notice", Static).render())
        assert "keeps no item versions" in notice
        assert screen.check_action("bring_back", ()) is False


async def test_history_from_the_editor_brings_the_restored_content_back(
    rev_server: RunningServer,
) -> None:
    async with editor_app(rev_server) as (app, pilot, client):
        item_id = await item_with_versions(client, rev_server, "history editor ds")
        editor = await open_editor(app, pilot, client, await client.get_dataset_item(item_id))
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: isinstance(app.screen, ItemHistoryScreen))
        history = app.screen
        assert isinstance(history, ItemHistoryScreen)
        await wait_until(pilot, lambda: history.loaded)
        await pilot.press("down", "down", "r")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: history.versions[0].version == 5)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is editor)
        assert editor.editor("input").text == '"v2"' and not editor.dirty
        assert editor.session.base_version == 5
        set_json(editor, "input", '"after history"')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not editor.dirty)
        assert (await client.get_dataset_item(item_id)).version == 6


async def test_history_under_unsaved_edits_keeps_them_for_a_three_way_save(
    rev_server: RunningServer,
) -> None:
    async with editor_app(rev_server) as (app, pilot, client):
        item_id = await item_with_versions(client, rev_server, "history dirty ds")
        editor = await open_editor(app, pilot, client, await client.get_dataset_item(item_id))
        assert isinstance(editor, ItemEditorScreen)
        set_json(editor, "expected_output", '"typed"')
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: isinstance(app.screen, ItemHistoryScreen))
        history = app.screen
        assert isinstance(history, ItemHistoryScreen)
        await wait_until(pilot, lambda: history.loaded)
        await pilot.press("down", "down", "r")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: history.versions[0].version == 5)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is editor)
        assert editor.editor("expected_output").text == '"typed"' and editor.dirty
        assert "unsaved edits are kept" in str(editor.query_one("#editor-status").render())


async def test_hostile_text_is_drawn_inert_in_the_history(rev_server: RunningServer) -> None:
    dataset_id = rev_server.create_dataset("hostile history ds")
    async with editor_app(rev_server) as (app, pilot, client):
        item = await client.create_dataset_item(dataset_id, input={HOSTILE: HOSTILE_LINES})
        await client.update_dataset_item(
            item.id, base_version=item.version, expected_output=HOSTILE, metadata={"m": HOSTILE}
        )
        screen = await open_history(app, pilot, client, item.id, [])
        assert "\\u001b]52" in diff_text(screen)  # shown, as JSON escapes it
        for target in ("down", "up"):  # each version's diff
            for widget in screen.query("*"):
                assert unsafe_in(drawn_text(widget)) == [], widget
            await pilot.press(target)
