"""Pilot tests of every Datasets action (picker, items, editor, transfer) on the local server."""

from __future__ import annotations

import contextlib
import stat
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Static

from phtui.api import PostHogClient
from phtui.api.errors import NotFoundError
from phtui.api.models import DatasetItem
from phtui.app import PhTuiApp
from phtui.config import Settings
from phtui.core.drafts import Draft, DraftKey, DraftStore, default_draft_dir
from phtui.core.jsondoc import pretty
from phtui.screens.confirm import ConfirmScreen
from phtui.screens.datasets.conflict import ConflictScreen
from phtui.screens.datasets.form import DatasetFormScreen
from phtui.screens.datasets.item_editor import ItemEditorScreen
from phtui.screens.datasets.items import DatasetItemsScreen
from phtui.screens.datasets.picker import DatasetsScreen
from phtui.screens.dialogs import ChoiceScreen
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


async def open_editor(
    app: PhTuiApp, pilot: Pilot[None], client: PostHogClient, item: DatasetItem
) -> ItemEditorScreen:
    dataset = await client.get_dataset(item.dataset)
    editor = ItemEditorScreen(dataset, item)
    app.push_screen(editor)
    await wait_until(pilot, lambda: editor.is_mounted)
    await pilot.pause()
    return editor


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


def set_json(screen: ItemEditorScreen, field: str, text: str) -> None:
    screen.editor(field).load(text, original=False)


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
        assert editor.ref_input("ref_trace_id").disabled


async def test_enter_opens_a_dataset_and_escape_returns(demo_server: RunningServer) -> None:
    async with datasets_app(demo_server) as (app, pilot, _):
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetItemsScreen))
        assert items_screen(app).dataset.id == picker(app).datasets[0].id
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))


# -------------------------------------------------------------------------------- items
# The items screen's tests, on both datasets APIs: tests/ui/test_items_screen.py.


# ------------------------------------------------------------------------------- editor


async def test_an_item_nested_300_levels_deep_lists_and_opens(server: RunningServer) -> None:
    # pydantic's JSON parser stops at 200 levels and its serializer at ~255: the client reads
    # such a page another way, and the editor gets the values without pydantic's serializer.
    deep: Any = "bottom"
    for _ in range(300):
        deep = {"k": deep}
    dataset_id = seed(server, "deep ds", 2)
    server.bulk_insert_items(dataset_id, [{"input": deep, "output": {"a": "deep"}}])
    async with datasets_app(server) as (app, pilot, client):
        screen = await open_items(app, pilot, client, dataset_id)
        item = screen.table.current_item
        assert item is not None and item.expected_output == {"a": "deep"}
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ItemEditorScreen))
        editor = editor_screen(app)
        assert editor.editor("input").text.count('"k"') == 300
        assert not editor.dirty


async def test_save_sends_a_patch_of_the_changed_fields_only(server: RunningServer) -> None:
    dataset_id = seed(server, "patch ds", 2)
    async with datasets_app(server) as (app, pilot, client):
        sent = record_calls(client, "update_dataset_item")
        screen = await open_items(app, pilot, client, dataset_id)
        item = screen.table.current_item
        assert item is not None
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ItemEditorScreen))
        editor = editor_screen(app)
        set_json(editor, "output", '{"a": "changed"}')
        editor.ref_input("ref_trace_id").value = "trace-from-tui"
        await pilot.pause()
        assert editor.editor("output").dirty and not editor.editor("input").dirty
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(sent) and not editor.dirty)
        assert sent == [
            {
                "args": (item.id,),
                "base_version": None,  # a classic server: no versions
                "expected_output": {"a": "changed"},
                "source_trace_id": "trace-from-tui",
            }
        ]
        saved = await client.get_dataset_item(item.id)
        assert (saved.input, saved.expected_output) == (item.input, {"a": "changed"})
        await pilot.press("escape")  # clean: leaves without asking
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetItemsScreen))
        assert screen.table.current_item == saved


async def test_invalid_json_shows_line_and_column_and_blocks_save(server: RunningServer) -> None:
    dataset_id = seed(server, "invalid ds", 1)
    async with datasets_app(server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        set_json(editor, "metadata", '{\n  "a": ,\n}')
        await pilot.pause()
        label = str(editor.editor("metadata").query_one(Static).render())
        assert "line 2, col 8" in label
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert "Metadata" in str(editor.query_one("#editor-status", Static).render())
        assert (await client.get_dataset_item(item.id)).updated_at == item.updated_at


async def test_format_pretty_prints_the_focused_field(server: RunningServer) -> None:
    dataset_id = seed(server, "format ds", 1)
    async with datasets_app(server) as (app, pilot, client):
        editor = await open_editor(app, pilot, client, await first_item(client, dataset_id))
        set_json(editor, "input", '{"a":1,"b":[1,2]}')
        await pilot.press("ctrl+f")
        assert editor.editor("input").text == '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}'


async def test_leaving_with_unsaved_changes_asks(server: RunningServer, draft_dir: Path) -> None:
    dataset_id = seed(server, "leave ds", 1)
    async with datasets_app(server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        set_json(editor, "input", '"unsaved"')
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("escape")  # keep editing
        await wait_until(pilot, lambda: app.screen is editor)
        assert editor.editor("input").text == '"unsaved"'
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("d")  # discard
        await wait_until(
            pilot, lambda: not isinstance(app.screen, (ChoiceScreen, ItemEditorScreen))
        )
        assert DraftStore(draft_dir).all() == []
        assert (await client.get_dataset_item(item.id)).input == item.input


async def test_conflict_overwrite_sends_mine(server: RunningServer) -> None:
    dataset_id = seed(server, "conflict ds", 1)
    async with datasets_app(server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        await client.update_dataset_item(item.id, expected_output="theirs")  # someone else saves
        set_json(editor, "output", '"mine"')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConflictScreen))
        conflict = app.screen
        assert '"theirs"' in conflict.query_one("#conflict-server").text  # type: ignore[attr-defined]
        assert '"mine"' in conflict.query_one("#conflict-mine").text  # type: ignore[attr-defined]
        await pilot.press("o")
        await wait_until(pilot, lambda: app.screen is editor and not editor.dirty)
        assert (await client.get_dataset_item(item.id)).expected_output == "mine"


async def test_conflict_reload_takes_theirs_and_keep_editing_sends_nothing(
    server: RunningServer,
) -> None:
    dataset_id = seed(server, "conflict reload ds", 1)
    async with datasets_app(server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        await client.update_dataset_item(item.id, expected_output="theirs")
        set_json(editor, "output", '"mine"')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConflictScreen))
        await pilot.press("escape")  # keep editing
        await wait_until(pilot, lambda: app.screen is editor)
        assert editor.editor("output").text == '"mine"'
        assert (await client.get_dataset_item(item.id)).expected_output == "theirs"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConflictScreen))
        await pilot.press("r")
        await wait_until(
            pilot, lambda: app.screen is editor and editor.editor("output").text == '"theirs"'
        )
        assert not editor.dirty


async def test_a_500_during_save_keeps_text_and_draft_and_the_draft_comes_back(
    server: RunningServer, draft_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset_id = seed(server, "fault save ds", 1)
    async with datasets_app(server, max_retries=0) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        original_get = client.get_dataset_item

        async def get_then_fail(id: str) -> DatasetItem:
            fetched = await original_get(id)
            server.options.fail_next = 1  # the PATCH that follows gets a 500
            return fetched

        monkeypatch.setattr(client, "get_dataset_item", get_then_fail)
        editor = await open_editor(app, pilot, client, item)
        set_json(editor, "input", '{"kept": "through a 500"}')
        await pilot.press("ctrl+s")
        status = editor.query_one("#editor-status", Static)
        await wait_until(pilot, lambda: "Not saved" in str(status.render()))
        assert editor.editor("input").text == '{"kept": "through a 500"}'
        assert any("500" in n.message for n in app._notifications)
        [draft] = DraftStore(draft_dir).all()
        assert draft.fields["input"] == '{"kept": "through a 500"}'
        assert (await original_get(item.id)).input == item.input
        monkeypatch.setattr(client, "get_dataset_item", original_get)

        # Leave keeping the draft, open the item again: the draft is offered back.
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("k")
        await wait_until(
            pilot, lambda: not isinstance(app.screen, (ChoiceScreen, ItemEditorScreen))
        )
        editor = await open_editor(app, pilot, client, item)
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("r")
        await wait_until(pilot, lambda: app.screen is editor)
        assert editor.editor("input").text == '{"kept": "through a 500"}'
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not editor.dirty)
        assert (await client.get_dataset_item(item.id)).input == {"kept": "through a 500"}
        assert DraftStore(draft_dir).all() == []


async def test_drafts_are_written_while_typing_and_private(
    server: RunningServer, draft_dir: Path
) -> None:
    dataset_id = seed(server, "draft ds", 1)
    async with datasets_app(server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        editor.editor("input").focus_editor()
        await pilot.press("x", "space")
        await wait_until(pilot, lambda: bool(DraftStore(draft_dir).all()), timeout=4)
        [draft] = DraftStore(draft_dir).all()
        assert draft.key == DraftKey(client.host, client.project_id, "dataset_item", item.id)
        assert draft.fields["input"] == editor.editor("input").text
        assert draft.fields["input"].startswith("x {")
        path = next(draft_dir.iterdir())
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_quitting_asks_first_and_still_keeps_the_draft(
    server: RunningServer, draft_dir: Path
) -> None:
    dataset_id = seed(server, "quit ds", 1)
    async with datasets_app(server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        assert app.unsaved_edits() == []
        editor.editor("input").focus_editor()
        await pilot.press("z")
        assert editor.has_unsaved_changes()
        expected = f"the item “{item.id[-8:]}” in “quit ds” (its draft is kept)"
        assert app.unsaved_edits() == [expected]
        await pilot.press("ctrl+q")  # well before the one-second draft timer
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await pilot.pause()
        assert app.return_code == 0
    [draft] = DraftStore(draft_dir).all()
    assert draft.fields["input"].startswith("z{")


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


async def test_a_draft_put_off_for_later_survives_an_untouched_visit(
    server: RunningServer, draft_dir: Path
) -> None:
    dataset_id = seed(server, "later ds", 1)
    async with datasets_app(server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        set_json(editor, "output", '"draft text"')
        editor.write_draft()
        editor._leaving_without_draft = True
        app.pop_screen()
        await pilot.pause()
        await open_editor(app, pilot, client, item)
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("escape")  # not now
        await pilot.press("escape")  # leave the untouched editor
        await wait_until(
            pilot, lambda: not isinstance(app.screen, (ChoiceScreen, ItemEditorScreen))
        )
    [draft] = DraftStore(draft_dir).all()
    assert draft.fields["output"] == '"draft text"'


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


async def test_new_item_with_save_and_add_another(server: RunningServer) -> None:
    dataset_id = server.create_dataset("new items ds")
    async with datasets_app(server) as (app, pilot, client):
        screen = await open_items(app, pilot, client, dataset_id)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ItemEditorScreen))
        editor = editor_screen(app)
        assert editor.editor("input").text == "{}"
        set_json(editor, "input", '{"q": "first"}')
        editor.ref_input("ref_timestamp").value = "2025-04-01T12:00:00Z"
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: editor.editor("input").text == "{}")
        assert editor.ref_input("ref_timestamp").value == ""
        set_json(editor, "input", '{"q": "second"}')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetItemsScreen))
        await wait_until(pilot, lambda: screen.table.row_count == 2)
        items = (await client.list_dataset_items(dataset_id)).results
        assert [i.input for i in items] == [{"q": "second"}, {"q": "first"}]
        assert items[1].source_timestamp is not None


async def test_bad_ref_timestamp_is_refused(server: RunningServer) -> None:
    dataset_id = seed(server, "bad ts ds", 1)
    async with datasets_app(server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        editor.ref_input("ref_timestamp").value = "yesterday"
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert "ISO 8601" in str(editor.query_one("#editor-status", Static).render())
        assert editor.ref_input("ref_timestamp").has_focus


@pytest.fixture
def fake_editor(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """An $EDITOR command that replaces the file's text with the given one."""

    def make(text: str) -> str:
        script = tmp_path / "fake_editor.py"
        script.write_text(f"import sys\nopen(sys.argv[1], 'w', encoding='utf-8').write({text!r})\n")
        return f"{sys.executable} {script}"

    yield make


async def test_external_editor_round_trip_validates_on_return(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch, fake_editor: Callable[[str], str]
) -> None:
    dataset_id = seed(server, "external ds", 1)
    async with datasets_app(server) as (app, pilot, client):
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        editor = await open_editor(app, pilot, client, await first_item(client, dataset_id))
        editor.editor("output").focus_editor()
        await pilot.pause()
        monkeypatch.setenv("VISUAL", fake_editor('{"from": "editor"}\n'))
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert editor.editor("output").text == '{"from": "editor"}'
        assert editor.editor("output").error is None
        monkeypatch.setenv("VISUAL", fake_editor("{oops"))
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert editor.editor("output").text == "{oops"  # kept as typed, flagged invalid
        assert editor.editor("output").error is not None
        assert any("not valid JSON" in n.message for n in app._notifications)


async def test_copy_sends_the_focused_field_to_the_clipboard(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset_id = seed(server, "copy ds", 1)
    async with datasets_app(server) as (app, pilot, client):
        copied: list[str] = []
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        editor = await open_editor(app, pilot, client, await first_item(client, dataset_id))
        editor.editor("metadata").focus_editor()
        await pilot.pause()
        await pilot.press("ctrl+t")
        assert copied == [editor.editor("metadata").text]


async def test_large_values_switch_highlighting_off(server: RunningServer) -> None:
    dataset_id = server.create_dataset("large ds")
    big = {"rows": ["x" * 100 for _ in range(3_000)]}  # about 320 KB pretty-printed
    server.bulk_insert_items(dataset_id, [{"input": big, "output": {"small": 1}}])
    async with datasets_app(server) as (app, pilot, client):
        editor = await open_editor(app, pilot, client, await first_item(client, dataset_id))
        large, small = editor.editor("input"), editor.editor("output")
        assert (large.highlighting, small.highlighting) == (False, True)
        assert "highlighting off" in str(large.query_one(Static).render())
        large.focus_editor()
        await pilot.press("x")
        await wait_until(pilot, lambda: large.dirty)


class EditorApp(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield JsonEditor("Input", self.text, field="input")


async def test_large_text_area_keeps_its_size_right_while_typing() -> None:
    text = pretty({"rows": [f"value {n}" for n in range(30_000)]})  # ~490 KB, 30,000 lines
    app = EditorApp(text)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.query_one(JsonEditor)
        area = editor.text_area
        assert (editor.highlighting, area.soft_wrap, area.match_cursor_bracket) == (
            False,
            False,
            False,
        )
        assert area.find_matching_bracket("{", (0, 0)) is None  # no whole-document scan
        assert area.wrapped_document.height == area.document.line_count
        editor.focus_editor()
        area.move_cursor((5, 0))
        await pilot.press("enter", *("x" * 40))  # longer than any line so far
        assert area.wrapped_document.height == area.document.line_count == 30_005
        assert area.virtual_size.width >= 40 + area.gutter_width
        assert area.virtual_size.height == 30_005
        await wait_until(pilot, lambda: editor.error is not None)  # "x…" is not JSON: flagged
