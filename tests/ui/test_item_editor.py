"""Pilot tests of the item editor on both datasets APIs, against the local server over HTTP.

`any_server` runs a test once on a revisioned server (PostHog today) and once on a classic one
(older self-hosted PostHog) where the behaviour is meant to match; `rev_server` and
`classic_server` hold the tests of one generation.
"""

from __future__ import annotations

import contextlib
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Static

from phtui.api.models import DatasetItem
from phtui.core.drafts import Draft, DraftKey, DraftStore, default_draft_dir
from phtui.core.edit_session import EditSession
from phtui.core.jsondoc import pretty
from phtui.screens.confirm import ConfirmScreen
from phtui.screens.datasets.conflict import ThreeWayScreen
from phtui.screens.datasets.item_editor import ItemEditorScreen
from phtui.screens.datasets.items import DatasetItemsScreen
from phtui.screens.dialogs import ChoiceScreen
from phtui.server.runner import RunningServer
from phtui.widgets.json_editor import JsonEditor
from tests.ui import editor_support
from tests.ui.editor_support import (
    editor_app,
    first_item,
    notice,
    open_editor,
    seed,
    set_json,
    status,
)
from tests.ui.field_support import HOSTILE, HOSTILE_LINES, drawn_text, unsafe_in
from tests.ui.support import record_calls, wait_until
from tests.ui.test_fields_in_screens import assert_nothing_unsafe_is_drawn

revisioned_editor_server = editor_support.revisioned_editor_server
classic_editor_server = editor_support.classic_editor_server
any_server = editor_support.any_server
rev_server = editor_support.rev_server
classic_server = editor_support.classic_server


@pytest.fixture(autouse=True)
def draft_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PHTUI_DATA_DIR", str(tmp_path / "data"))
    return default_draft_dir()


def editor_of(app: Any) -> ItemEditorScreen:
    assert isinstance(app.screen, ItemEditorScreen), app.screen
    return app.screen


# ------------------------------------------------------------------------- opening, fields


async def test_an_item_nested_300_levels_deep_lists_and_opens(any_server: RunningServer) -> None:
    # pydantic's JSON parser stops at 200 levels and its serializer at ~255: the client reads
    # such a page another way, and the editor gets the values without pydantic's serializer.
    deep: Any = "bottom"
    for _ in range(300):
        deep = {"k": deep}
    dataset_id = seed(any_server, "deep ds", 2)
    any_server.bulk_insert_items(dataset_id, [{"input": deep, "output": {"a": "deep"}}])
    async with editor_app(any_server) as (app, pilot, client):
        dataset = await client.get_dataset(dataset_id)
        app.push_screen(DatasetItemsScreen(dataset))
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetItemsScreen))
        screen = app.screen
        assert isinstance(screen, DatasetItemsScreen)
        await wait_until(pilot, lambda: screen.loaded)
        item = screen.table.current_item
        assert item is not None and item.expected_output == {"a": "deep"}
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ItemEditorScreen))
        editor = editor_of(app)
        await wait_until(pilot, lambda: editor.fields is not None)
        assert editor.editor("input").text.count('"k"') == 300
        assert not editor.dirty


async def test_a_revisioned_item_shows_source_and_provenance_read_only(
    rev_server: RunningServer,
) -> None:
    dataset_id = rev_server.create_dataset("provenance ds")
    rev_server.bulk_insert_items(
        dataset_id,
        [
            {
                "input": {"q": "hi"},
                "expected_output": "hello",
                "source_output": "hey \x1b[31mred",
                "source_trace_id": "trace-[bold]1",
                "source_event_id": "event-1",
                "source_timestamp": "2026-05-04T10:12:33Z",
                "client_item_id": "ticket-4821",
            }
        ],
    )
    async with editor_app(rev_server) as (app, pilot, client):
        editor = await open_editor(app, pilot, client, await first_item(client, dataset_id))
        assert editor.fields is not None
        assert editor.fields.editable == ("input", "expected_output", "metadata")
        source = editor.editor("source_output")
        assert source.text_area.read_only and "fixed at create" in source.label
        assert "\\u001b" in source.text  # an escape sequence is drawn, never sent to the terminal
        line = str(editor.query_one("#editor-provenance", Static).render())
        assert "trace trace-[bold]1" in line and "event event-1" in line
        assert "2026-05-04 10:12 UTC" in line and "ticket-4821" in line
        assert not editor.query("#editor-refs")  # nothing to type provenance into


async def test_a_classic_item_edits_its_provenance(classic_server: RunningServer) -> None:
    dataset_id = seed(classic_server, "classic prov ds", 1, ref_trace_id="t-1")
    async with editor_app(classic_server) as (app, pilot, client):
        editor = await open_editor(app, pilot, client, await first_item(client, dataset_id))
        assert editor.ref_input("source_trace_id").value == "t-1"
        assert not editor.query("#field-source_output")
        assert not editor.query("#field-client_item_id")


# ------------------------------------------------------------------------------- saving


async def test_save_sends_a_patch_of_the_changed_fields_only(any_server: RunningServer) -> None:
    dataset_id = seed(any_server, "patch ds", 2)
    async with editor_app(any_server) as (app, pilot, client):
        sent = record_calls(client, "update_dataset_item")
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        set_json(editor, "expected_output", '{"a": "changed"}')
        if client.datasets_api == "classic":
            editor.ref_input("source_trace_id").value = "trace-from-tui"
        await pilot.pause()
        assert editor.editor("expected_output").dirty and not editor.editor("input").dirty
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(sent) and not editor.dirty)
        expected: dict[str, Any] = {
            "args": (item.id,),
            "base_version": item.version,  # None on a classic server: no versions
            "expected_output": {"a": "changed"},
        }
        if client.datasets_api == "classic":
            expected["source_trace_id"] = "trace-from-tui"
        assert sent == [expected]
        saved = await client.get_dataset_item(item.id)
        assert (saved.input, saved.expected_output) == (item.input, {"a": "changed"})
        assert "Saved expected output" in status(editor)
        if item.version is not None:
            assert (
                saved.version == item.version + 1 and editor.session.base_version == saved.version
            )
        await pilot.press("escape")  # clean: leaves without asking
        await wait_until(pilot, lambda: not isinstance(app.screen, ItemEditorScreen))


async def test_every_content_field_saves_on_todays_posthog(rev_server: RunningServer) -> None:
    # Against PostHog today every save phtui sent was refused (`output` unknown, no
    # base_version). Each field, and clearing one, in turn.
    dataset_id = seed(rev_server, "each field ds", 1)
    async with editor_app(rev_server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        for field, text, value in [
            ("input", '{"q": "new"}', {"q": "new"}),
            ("expected_output", "null", None),
            ("metadata", "{}", {}),
            ("metadata", '{"tag": "x"}', {"tag": "x"}),
        ]:
            set_json(editor, field, text)
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: not editor.dirty and "Saved" in status(editor))
            saved = await client.get_dataset_item(item.id)
            assert getattr(saved, field) == value
        assert saved.version == (item.version or 0) + 4


async def test_invalid_json_shows_line_and_column_and_blocks_save(
    any_server: RunningServer,
) -> None:
    dataset_id = seed(any_server, "invalid ds", 1)
    async with editor_app(any_server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        sent = record_calls(client, "update_dataset_item")
        set_json(editor, "metadata", '{\n  "a": ,\n}')
        await pilot.pause()
        label = str(editor.editor("metadata").query_one(Static).render())
        assert "line 2, col 8" in label
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Metadata" in status(editor))
        assert sent == []


async def test_postHogs_rules_are_checked_before_sending(any_server: RunningServer) -> None:
    dataset_id = seed(any_server, "rules ds", 1)
    async with editor_app(any_server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        sent = record_calls(client, "update_dataset_item")
        set_json(editor, "metadata", "[1, 2]")
        if client.datasets_api == "revisioned":
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: "must be a JSON object" in status(editor))
            assert editor.editor("metadata").text_area.has_focus
        else:  # classic: a timestamp that is not one
            set_json(editor, "metadata", "{}")
            editor.ref_input("source_timestamp").value = "yesterday"
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: "not a timestamp" in status(editor))
            assert editor.ref_input("source_timestamp").has_focus
        assert sent == []


async def test_format_pretty_prints_the_focused_field(any_server: RunningServer) -> None:
    dataset_id = seed(any_server, "format ds", 1)
    async with editor_app(any_server) as (app, pilot, client):
        editor = await open_editor(app, pilot, client, await first_item(client, dataset_id))
        set_json(editor, "input", '{"a":1,"b":[1,2]}')
        await pilot.press("ctrl+f")
        assert editor.editor("input").text == '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}'


async def test_leaving_with_unsaved_changes_asks(
    any_server: RunningServer, draft_dir: Path
) -> None:
    dataset_id = seed(any_server, "leave ds", 1)
    async with editor_app(any_server) as (app, pilot, client):
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


# ------------------------------------------------------------------- conflicts: three-way


async def test_overwrite_with_mine_never_reverts_a_field_i_did_not_touch(
    any_server: RunningServer,
) -> None:
    # Edit only expected_output; another writer changes expected_output and metadata; resolve
    # with mine: only expected_output is sent, and their metadata stays.
    dataset_id = seed(any_server, "conflict ds", 1)
    async with editor_app(any_server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        other = await client.update_dataset_item(
            item.id, base_version=item.version, expected_output="theirs", metadata={"by": "them"}
        )
        sent = record_calls(client, "update_dataset_item")
        set_json(editor, "expected_output", '"mine"')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThreeWayScreen))
        view = app.screen
        assert isinstance(view, ThreeWayScreen)
        assert [(f.name, f.state) for f in view.fields] == [
            ("expected_output", "conflict"),
            ("metadata", "theirs"),
        ]
        base = view.query_one("#conflict-base").text  # type: ignore[attr-defined]
        theirs = view.query_one("#conflict-theirs").text  # type: ignore[attr-defined]
        mine = view.query_one("#conflict-mine").text  # type: ignore[attr-defined]
        assert (base, theirs, mine) == (pretty({"a": 0}), '"theirs"', '"mine"')
        await pilot.press("ctrl+s")  # expected_output not chosen yet: refused, says why
        assert "Choose yours (m)" in str(view.query_one("#conflict-status", Static).render())
        await pilot.press("M")  # all mine: overwrite with mine
        await wait_until(pilot, lambda: app.screen is editor and not editor.dirty)
        if client.datasets_api == "revisioned":
            # The rejected first attempt (409) and the resolution.
            assert sent[0]["base_version"] == item.version
            assert sent[1:] == [
                {"args": (item.id,), "base_version": other.version, "expected_output": "mine"}
            ]
        else:
            assert sent == [{"args": (item.id,), "base_version": None, "expected_output": "mine"}]
        saved = await client.get_dataset_item(item.id)
        assert (saved.expected_output, saved.metadata) == ("mine", {"by": "them"})
        assert editor.editor("metadata").text == pretty({"by": "them"})  # theirs shown now


async def test_keep_editing_sends_nothing_and_all_theirs_takes_the_server_version(
    any_server: RunningServer,
) -> None:
    dataset_id = seed(any_server, "conflict reload ds", 1)
    async with editor_app(any_server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        await client.update_dataset_item(item.id, base_version=item.version, expected_output="t")
        set_json(editor, "expected_output", '"mine"')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThreeWayScreen))
        await pilot.press("escape")  # keep editing
        await wait_until(pilot, lambda: app.screen is editor)
        assert editor.editor("expected_output").text == '"mine"'
        assert "still editing" in status(editor)
        assert (await client.get_dataset_item(item.id)).expected_output == "t"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThreeWayScreen))
        await pilot.press("T")  # the server's for every field
        await wait_until(
            pilot, lambda: app.screen is editor and editor.editor("expected_output").text == '"t"'
        )
        assert not editor.dirty
        assert "Took the server's version" in status(editor)


async def test_changes_to_other_fields_merge_and_are_shown_first(any_server: RunningServer) -> None:
    dataset_id = seed(any_server, "merge ds", 1)
    async with editor_app(any_server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        await client.update_dataset_item(item.id, base_version=item.version, metadata={"x": 1})
        set_json(editor, "input", '"mine"')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThreeWayScreen))
        view = app.screen
        assert isinstance(view, ThreeWayScreen)
        assert view.choices == {"input": "mine", "metadata": "theirs"}  # nothing to choose
        await pilot.press("m")  # "mine" on metadata, which I did not change: refused
        await pilot.press("down", "m")
        assert view.choices["metadata"] == "theirs"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is editor and not editor.dirty)
        saved = await client.get_dataset_item(item.id)
        assert (saved.input, saved.metadata) == ("mine", {"x": 1})


# ------------------------------------------------------------------------------- faults


async def test_a_409_during_save_keeps_the_text_and_shows_the_three_way_view(
    rev_server: RunningServer,
) -> None:
    dataset_id = seed(rev_server, "stale ds", 1)
    async with editor_app(rev_server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        typed = '{\n  "kept": "through a 409"\n}'
        set_json(editor, "input", typed)
        original = client.update_dataset_item

        async def someone_first(item_id: str, **fields: Any) -> DatasetItem:
            await original(item_id, base_version=item.version, input="someone else's")
            return await original(item_id, **fields)

        client.update_dataset_item = someone_first  # type: ignore[method-assign]
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThreeWayScreen))
        client.update_dataset_item = original  # type: ignore[method-assign]
        assert editor.editor("input").text == typed
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is editor)
        assert editor.editor("input").text == typed and editor.dirty


async def test_a_500_during_save_keeps_text_and_draft_and_the_draft_comes_back(
    any_server: RunningServer, draft_dir: Path
) -> None:
    dataset_id = seed(any_server, "fault save ds", 1)
    async with editor_app(any_server, max_retries=0) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        original = client.update_dataset_item

        async def fail_once(item_id: str, **fields: Any) -> DatasetItem:
            any_server.options.fail_next = 1
            return await original(item_id, **fields)

        client.update_dataset_item = fail_once  # type: ignore[method-assign]
        editor = await open_editor(app, pilot, client, item)
        set_json(editor, "input", '{"kept": "through a 500"}')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Not saved" in status(editor))
        client.update_dataset_item = original  # type: ignore[method-assign]
        assert editor.editor("input").text == '{"kept": "through a 500"}'
        assert any("500" in n.message for n in app._notifications)
        [draft] = DraftStore(draft_dir).all()
        assert draft.fields["input"] == '{"kept": "through a 500"}'
        assert draft.base_version == item.version
        assert draft.baseline is not None and draft.baseline["input"] == item.input
        # The error stays on the status line: the draft notice does not wipe it.
        editor.editor("input").focus_editor()
        await pilot.press("end", "space")
        draft_note = editor.query_one("#editor-draft", Static)
        await wait_until(pilot, lambda: "draft kept" in str(draft_note.render()), timeout=4)
        assert "Not saved" in status(editor)
        assert (await client.get_dataset_item(item.id)).input == item.input

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
        assert editor.editor("input").text.startswith('{"kept": "through a 500"}')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not editor.dirty)
        assert (await client.get_dataset_item(item.id)).input == {"kept": "through a 500"}
        assert DraftStore(draft_dir).all() == []


async def test_a_patch_whose_answer_was_lost_says_saved_not_conflict(
    any_server: RunningServer,
) -> None:
    dataset_id = seed(any_server, "lost patch ds", 1)
    # No retries: the lost answer reaches the editor (a classic client would retry the PATCH).
    async with editor_app(any_server, max_retries=0) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        set_json(editor, "expected_output", '"arrived"')
        any_server.options.drop_after_commit_next = 1
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Saved" in status(editor))
        assert not isinstance(app.screen, ThreeWayScreen)
        assert "answer was lost" in status(editor) and not editor.dirty
        saved = await client.get_dataset_item(item.id)
        assert saved.expected_output == "arrived"
        if item.version is not None:
            assert saved.version == item.version + 1 == editor.session.base_version


async def test_a_patch_that_never_arrived_is_not_called_saved(rev_server: RunningServer) -> None:
    dataset_id = seed(rev_server, "unsent patch ds", 1)
    async with editor_app(rev_server, max_retries=0) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        set_json(editor, "expected_output", '"not yet"')
        rev_server.options.drop_next = 1  # dropped unhandled: the answer is lost, nothing saved
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Not saved" in status(editor))
        assert not isinstance(app.screen, ThreeWayScreen)
        assert (await client.get_dataset_item(item.id)).version == item.version
        assert editor.dirty and editor.editor("expected_output").text == '"not yet"'


async def test_a_create_whose_answer_was_lost_then_retried_leaves_one_item(
    any_server: RunningServer,
) -> None:
    dataset_id = any_server.create_dataset("lost create ds")
    async with editor_app(any_server, max_retries=0) as (app, pilot, client):
        creates = record_calls(client, "create_dataset_item")
        editor = await open_editor(app, pilot, client, None, dataset_id=dataset_id)
        set_json(editor, "input", '{"q": "only once"}')
        any_server.options.drop_after_commit_next = 1
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Not sure the item was created" in status(editor))
        assert app.screen is editor and editor.editor("input").text == '{"q": "only once"}'
        await pilot.press("ctrl+s")  # try again
        await wait_until(pilot, lambda: not isinstance(app.screen, ItemEditorScreen))
        items = (await client.list_dataset_items(dataset_id)).results
        assert [i.input for i in items] == [{"q": "only once"}]
        if client.datasets_api == "revisioned":
            # The same client item id both times: PostHog answered the repeat with the item.
            assert len(creates) == 2
            assert creates[0]["client_item_id"] == creates[1]["client_item_id"]
            assert items[0].client_item_id == creates[0]["client_item_id"]
        else:
            # No idempotent create: phtui looked, found it and sent nothing again.
            assert len(creates) == 1
            notes = [n.message for n in app._notifications]
            assert any("did create item" in note for note in notes)


async def test_a_create_that_timed_out_unwritten_is_looked_for_then_made_once(
    classic_server: RunningServer,
) -> None:
    dataset_id = classic_server.create_dataset("timed out create ds")
    async with editor_app(classic_server, max_retries=0, timeout=1.0) as (app, pilot, client):
        editor = await open_editor(app, pilot, client, None, dataset_id=dataset_id)
        set_json(editor, "input", '{"q": "never arrived"}')
        classic_server.options.stall_ms = 3_000
        classic_server.options.stall_before_next = 1  # the client hangs up: never written
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Not sure the item was created" in status(editor))
        listed = record_calls(client, "list_dataset_items")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ItemEditorScreen))
        assert len(listed) == 1  # looked first
        assert any("had not created" in n.message for n in app._notifications)
        items = (await client.list_dataset_items(dataset_id)).results
        assert [i.input for i in items] == [{"q": "never arrived"}]


async def test_a_lost_create_edited_before_the_retry_becomes_an_edit_of_it(
    any_server: RunningServer,
) -> None:
    dataset_id = any_server.create_dataset("lost create then edit ds")
    async with editor_app(any_server, max_retries=0) as (app, pilot, client):
        editor = await open_editor(app, pilot, client, None, dataset_id=dataset_id)
        set_json(editor, "input", '{"q": "first"}')
        any_server.options.drop_after_commit_next = 1
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Not sure the item was created" in status(editor))
        set_json(editor, "expected_output", '"added after"')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: editor.item is not None)
        assert "did create item" in status(editor) and editor.dirty
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not editor.dirty and "Saved" in status(editor))
        items = (await client.list_dataset_items(dataset_id)).results
        assert [(i.input, i.expected_output) for i in items] == [({"q": "first"}, "added after")]


async def test_ctrl_s_twice_on_a_new_item_creates_one(any_server: RunningServer) -> None:
    dataset_id = any_server.create_dataset("double save ds")
    async with editor_app(any_server) as (app, pilot, client):
        creates = record_calls(client, "create_dataset_item")
        editor = await open_editor(app, pilot, client, None, dataset_id=dataset_id)
        set_json(editor, "input", '{"q": "twice"}')
        any_server.options.latency_ms = 300
        await pilot.press("ctrl+s", "ctrl+s")
        assert "Still saving" in status(editor)
        await wait_until(pilot, lambda: not isinstance(app.screen, ItemEditorScreen))
        any_server.options.latency_ms = 0
        assert len(creates) == 1
        assert len((await client.list_dataset_items(dataset_id)).results) == 1


# ----------------------------------------------------------------------- gone, archived


async def test_an_item_deleted_elsewhere_says_so_and_offers_a_restore(
    classic_server: RunningServer, draft_dir: Path
) -> None:
    dataset_id = seed(classic_server, "gone ds", 1)
    async with editor_app(classic_server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        await client.delete_dataset_item(item.id)
        set_json(editor, "input", '"mine"')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "deleted on the server" in status(editor))
        assert "ctrl+l to restore" in status(editor) and "u in the list" not in status(editor)
        assert DraftStore(draft_dir).all()  # the draft stays
        draft_note = editor.query_one("#editor-draft", Static)
        await pilot.press("end", "space")
        await wait_until(pilot, lambda: "draft kept" in str(draft_note.render()), timeout=4)
        assert "deleted on the server" in status(editor)  # not wiped by the draft notice
        await pilot.press("ctrl+l")  # restore
        await wait_until(pilot, lambda: "Restored" in status(editor))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not editor.dirty)
        assert (await client.get_dataset_item(item.id)).input == "mine"


async def test_an_item_archived_elsewhere_says_so_and_offers_a_restore(
    rev_server: RunningServer,
) -> None:
    dataset_id = seed(rev_server, "archived elsewhere ds", 1)
    async with editor_app(rev_server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        await client.archive_dataset_item(item.id, base_version=item.version)
        set_json(editor, "input", '"mine"')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "someone archived this item" in status(editor))
        assert editor.editor("input").text == '"mine"'
        await pilot.press("ctrl+l")  # restore: same content, so the edit simply carries on
        await wait_until(pilot, lambda: "Restored" in status(editor))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not editor.dirty and "Saved" in status(editor))
        saved = await client.get_dataset_item(item.id)
        assert (saved.input, saved.archived) == ("mine", False)


async def test_an_archived_item_opens_read_only_and_restores(rev_server: RunningServer) -> None:
    dataset_id = seed(rev_server, "archived item ds", 1, deleted=True)
    async with editor_app(rev_server) as (app, pilot, client):
        [item] = (await client.list_dataset_items(dataset_id, archived=True)).results
        editor = await open_editor(app, pilot, client, item)
        assert "archived (version 2)" in notice(editor) and "ctrl+l" in notice(editor)
        assert editor.editor("input").text_area.read_only
        await pilot.press("ctrl+s")
        assert any("archived" in n.message for n in app._notifications)
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: not editor.editor("input").text_area.read_only)
        assert notice(editor) == "" and "Restored (version 3)" in status(editor)
        set_json(editor, "input", '"edited"')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not editor.dirty)
        assert (await client.get_dataset_item(item.id)).input == "edited"


async def test_archive_from_the_editor_and_undo(any_server: RunningServer) -> None:
    dataset_id = seed(any_server, "archive undo ds", 1)
    async with editor_app(any_server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        calls = record_calls(client, "archive_dataset_item")
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: "Archived" in status(editor))
        assert calls == [{"args": (item.id,), "base_version": item.version}]
        assert editor.editor("input").text_area.read_only
        assert (await client.list_dataset_items(dataset_id)).results == []
        await pilot.press("ctrl+l")  # undo: restore
        await wait_until(pilot, lambda: "Restored" in status(editor))
        assert not editor.editor("input").text_area.read_only
        assert [i.id for i in (await client.list_dataset_items(dataset_id)).results] == [item.id]


async def test_archiving_waits_for_unsaved_changes(any_server: RunningServer) -> None:
    dataset_id = seed(any_server, "archive dirty ds", 1)
    async with editor_app(any_server) as (app, pilot, client):
        editor = await open_editor(app, pilot, client, await first_item(client, dataset_id))
        calls = record_calls(client, "archive_dataset_item")
        set_json(editor, "input", '"unsaved"')
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert calls == []
        assert any("Save or discard" in n.message for n in app._notifications)


async def test_an_archived_dataset_opens_its_items_read_only(rev_server: RunningServer) -> None:
    dataset_id = seed(rev_server, "archived dataset ds", 1)
    async with editor_app(rev_server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        await client.archive_dataset(dataset_id)
        editor = await open_editor(app, pilot, client, item)
        assert "dataset is archived" in notice(editor)
        assert editor.editor("input").text_area.read_only
        sent = record_calls(client, "update_dataset_item")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert sent == []


# --------------------------------------------------------------------------- new items


async def test_new_item_with_save_and_add_another(any_server: RunningServer) -> None:
    dataset_id = any_server.create_dataset("new items ds")
    async with editor_app(any_server) as (app, pilot, client):
        dataset = await client.get_dataset(dataset_id)
        items_screen = DatasetItemsScreen(dataset)
        app.push_screen(items_screen)
        await wait_until(pilot, lambda: items_screen.is_mounted and items_screen.loaded)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ItemEditorScreen))
        editor = editor_of(app)
        await wait_until(pilot, lambda: editor.fields is not None)
        assert editor.editor("input").text == "{}"
        set_json(editor, "input", '{"q": "first"}')
        editor.ref_input("source_trace_id").value = "trace-1"
        editor.ref_input("source_timestamp").value = "2025-04-01T12:00:00Z"
        revisioned = client.datasets_api == "revisioned"
        first_key = editor.ref_input("client_item_id").value if revisioned else None
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: editor.editor("input").text == "{}")
        assert editor.ref_input("source_timestamp").value == ""
        if revisioned:
            assert editor.ref_input("client_item_id").value not in ("", first_key)
        set_json(editor, "input", '{"q": "second"}')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetItemsScreen))
        await wait_until(pilot, lambda: items_screen.table.row_count == 2)
        items = (await client.list_dataset_items(dataset_id)).results
        assert [i.input for i in items] == [{"q": "second"}, {"q": "first"}]
        assert items[1].source_trace_id == "trace-1" and items[1].source_timestamp is not None
        if revisioned:
            assert items[1].client_item_id == first_key and items[0].client_item_id


async def test_a_new_revisioned_item_takes_source_output_and_checks_pairing(
    rev_server: RunningServer,
) -> None:
    dataset_id = rev_server.create_dataset("new rev ds")
    async with editor_app(rev_server) as (app, pilot, client):
        editor = await open_editor(app, pilot, client, None, dataset_id=dataset_id)
        sent = record_calls(client, "create_dataset_item")
        set_json(editor, "input", '{"q": "with source"}')
        set_json(editor, "source_output", '"captured"')
        editor.ref_input("source_trace_id").value = "trace-9"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "source timestamp" in status(editor))
        assert editor.ref_input("source_timestamp").has_focus and sent == []
        editor.ref_input("client_item_id").value = "my-key-1"
        editor.ref_input("source_timestamp").value = "2026-05-04T10:12:33Z"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ItemEditorScreen))
        [item] = (await client.list_dataset_items(dataset_id)).results
        assert (item.source_output, item.source_trace_id, item.client_item_id) == (
            "captured",
            "trace-9",
            "my-key-1",
        )


async def test_a_client_item_id_taken_by_another_item_is_explained(
    rev_server: RunningServer,
) -> None:
    dataset_id = rev_server.create_dataset("taken key ds")
    rev_server.bulk_insert_items(dataset_id, [{"input": "theirs", "client_item_id": "k-1"}])
    async with editor_app(rev_server) as (app, pilot, client):
        editor = await open_editor(app, pilot, client, None, dataset_id=dataset_id)
        set_json(editor, "input", '"mine"')
        editor.ref_input("client_item_id").value = "k-1"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("c")  # change the id
        await wait_until(pilot, lambda: app.screen is editor)
        assert editor.ref_input("client_item_id").has_focus
        assert editor.editor("input").text == '"mine"'
        assert len((await client.list_dataset_items(dataset_id)).results) == 1


# ------------------------------------------------------------------------------- drafts


async def test_drafts_are_written_while_typing_and_private(
    any_server: RunningServer, draft_dir: Path
) -> None:
    dataset_id = seed(any_server, "draft ds", 1)
    async with editor_app(any_server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        editor.editor("input").focus_editor()
        await pilot.press("x", "space")
        await wait_until(pilot, lambda: bool(DraftStore(draft_dir).all()), timeout=4)
        [draft] = DraftStore(draft_dir).all()
        assert draft.key == DraftKey(client.host, client.project_id, "dataset_item", item.id)
        assert draft.fields["input"] == editor.editor("input").text
        assert draft.fields["input"].startswith("x {")
        assert draft.base_version == item.version
        assert draft.baseline is not None and draft.baseline["metadata"] == item.metadata
        path = next(draft_dir.iterdir())
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_a_new_items_draft_keeps_its_client_item_id(
    rev_server: RunningServer, draft_dir: Path
) -> None:
    dataset_id = rev_server.create_dataset("new draft ds")
    async with editor_app(rev_server) as (app, pilot, client):
        editor = await open_editor(app, pilot, client, None, dataset_id=dataset_id)
        key = editor.ref_input("client_item_id").value
        set_json(editor, "input", '"crashed before the answer"')
        editor.write_draft()
        [draft] = DraftStore(draft_dir).all()
        assert draft.client_item_id == key and draft.fields["client_item_id"] == key
        editor._leaving_without_draft = True
        app.pop_screen()
        await pilot.pause()
        again = await open_editor(app, pilot, client, None, dataset_id=dataset_id)
        assert again.ref_input("client_item_id").value != key  # a new session, a new key
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("r")
        await wait_until(pilot, lambda: app.screen is again)
        assert again.ref_input("client_item_id").value == key  # the draft's, for a safe retry


async def test_a_draft_of_a_moved_item_saves_through_the_three_way_view(
    any_server: RunningServer, draft_dir: Path
) -> None:
    dataset_id = seed(any_server, "moved draft ds", 1)
    async with editor_app(any_server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        set_json(editor, "expected_output", '"from the draft"')
        editor.write_draft()
        editor._leaving_without_draft = True
        app.pop_screen()
        await client.update_dataset_item(item.id, base_version=item.version, expected_output="x")
        moved = await client.get_dataset_item(item.id)
        again = await open_editor(app, pilot, client, moved)
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("r")
        await wait_until(pilot, lambda: app.screen is again)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ThreeWayScreen))
        view = app.screen
        assert isinstance(view, ThreeWayScreen)
        assert [(f.name, f.base, f.theirs, f.mine) for f in view.fields] == [
            ("expected_output", {"a": 0}, "x", "from the draft")
        ]


async def test_an_old_draft_with_classic_field_names_is_restored(
    any_server: RunningServer, draft_dir: Path
) -> None:
    dataset_id = seed(any_server, "old draft ds", 1)
    async with editor_app(any_server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        key = DraftKey(client.host, client.project_id, "dataset_item", item.id)
        DraftStore(draft_dir).save(Draft(key, {"output": '"from an older phtui"'}))
        editor = await open_editor(app, pilot, client, item)
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("r")
        await wait_until(pilot, lambda: app.screen is editor)
        assert editor.editor("expected_output").text == '"from an older phtui"'


async def test_quitting_asks_first_and_still_keeps_the_draft(
    any_server: RunningServer, draft_dir: Path
) -> None:
    dataset_id = seed(any_server, "quit ds", 1)
    async with editor_app(any_server) as (app, pilot, client):
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


async def test_a_draft_put_off_for_later_survives_an_untouched_visit(
    any_server: RunningServer, draft_dir: Path
) -> None:
    dataset_id = seed(any_server, "later ds", 1)
    async with editor_app(any_server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        set_json(editor, "expected_output", '"draft text"')
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
    assert draft.fields["expected_output"] == '"draft text"'


# ------------------------------------------------------------------------ field actions


@pytest.fixture
def fake_editor(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """An $EDITOR command that replaces the file's text with the given one."""

    def make(text: str) -> str:
        script = tmp_path / "fake_editor.py"
        script.write_text(f"import sys\nopen(sys.argv[1], 'w', encoding='utf-8').write({text!r})\n")
        return f"{sys.executable} {script}"

    yield make


async def test_external_editor_round_trip_validates_on_return(
    rev_server: RunningServer, monkeypatch: pytest.MonkeyPatch, fake_editor: Callable[[str], str]
) -> None:
    dataset_id = seed(rev_server, "external ds", 1)
    async with editor_app(rev_server) as (app, pilot, client):
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        editor = await open_editor(app, pilot, client, await first_item(client, dataset_id))
        editor.editor("expected_output").focus_editor()
        await pilot.pause()
        monkeypatch.setenv("VISUAL", fake_editor('{"from": "editor"}\n'))
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert editor.editor("expected_output").text == '{"from": "editor"}'
        assert editor.editor("expected_output").error is None
        monkeypatch.setenv("VISUAL", fake_editor("{oops"))
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert editor.editor("expected_output").text == "{oops"  # kept as typed, flagged
        assert editor.editor("expected_output").error is not None
        assert any("not valid JSON" in n.message for n in app._notifications)


async def test_copy_sends_the_focused_field_to_the_clipboard(
    rev_server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset_id = seed(rev_server, "copy ds", 1)
    async with editor_app(rev_server) as (app, pilot, client):
        copied: list[str] = []
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        editor = await open_editor(app, pilot, client, await first_item(client, dataset_id))
        editor.editor("metadata").focus_editor()
        await pilot.pause()
        await pilot.press("ctrl+t")
        assert copied == [editor.editor("metadata").text]


async def test_large_values_switch_highlighting_off(rev_server: RunningServer) -> None:
    dataset_id = rev_server.create_dataset("large ds")
    big = {"rows": ["x" * 100 for _ in range(3_000)]}  # about 320 KB pretty-printed
    rev_server.bulk_insert_items(dataset_id, [{"input": big, "output": {"small": 1}}])
    async with editor_app(rev_server) as (app, pilot, client):
        editor = await open_editor(app, pilot, client, await first_item(client, dataset_id))
        large, small = editor.editor("input"), editor.editor("expected_output")
        assert (large.highlighting, small.highlighting) == (False, True)
        assert "highlighting off" in str(large.query_one(Static).render())
        large.focus_editor()
        await pilot.press("x")
        await wait_until(pilot, lambda: large.dirty)


async def test_read_only_mode_keeps_every_field_read_only(rev_server: RunningServer) -> None:
    dataset_id = seed(rev_server, "read only ds", 1)
    async with editor_app(rev_server, read_only=True) as (app, pilot, client):
        editor = await open_editor(app, pilot, client, await first_item(client, dataset_id))
        assert "Read-only mode" in notice(editor)
        assert all(editor.editor(n).text_area.read_only for n in ("input", "metadata"))


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


class ViewApp(App[None]):
    def __init__(self, view: ThreeWayScreen) -> None:
        super().__init__()
        self.view = view

    def on_mount(self) -> None:
        self.push_screen(self.view)


async def test_keys_in_a_burst_choose_for_the_field_the_cursor_is_on() -> None:
    # Over SSH keys arrive together ("down m"): the highlight message comes after the "m".
    base = {"input": 1, "expected_output": 1, "metadata": {}}
    merge = EditSession(base, 1).merge(
        {**base, "input": 2, "expected_output": 2}, {**base, "input": 3, "expected_output": 3}, 2
    )
    view = ThreeWayScreen(merge, title="t")
    app = ViewApp(view)
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: view.is_mounted)
        for key, char in (("down", None), ("m", "m"), ("up", None), ("t", "t")):
            app._driver.send_message(events.Key(key, char))  # type: ignore[union-attr]
        await wait_until(pilot, lambda: len(view.choices) == 2)
        assert view.choices == {"input": "theirs", "expected_output": "mine"}


# ------------------------------------------------------------------- hostile server text


async def test_hostile_server_text_is_drawn_inert_in_the_editor(any_server: RunningServer) -> None:
    dataset_id = any_server.create_dataset("hostile ds")
    extra = (
        {"ref_trace_id": HOSTILE, "ref_source_id": HOSTILE}
        if any_server.datasets_api == "classic"
        else {
            "source_trace_id": HOSTILE,
            "source_event_id": HOSTILE,
            "source_timestamp": "2026-05-04T10:12:33Z",
            "source_output": {"said": HOSTILE_LINES},
            "client_item_id": HOSTILE,
        }
    )
    any_server.bulk_insert_items(
        dataset_id,
        [
            {
                "input": {HOSTILE: HOSTILE_LINES},
                "output": HOSTILE,
                "metadata": {"m": HOSTILE},
                **extra,
            }
        ],
    )
    async with editor_app(any_server) as (app, pilot, client):
        item = await first_item(client, dataset_id)
        editor = await open_editor(app, pilot, client, item)
        assert not editor.dirty  # drawing escapes changes nothing: nothing to save
        if any_server.datasets_api == "classic":
            assert editor.ref_input("source_trace_id").value == HOSTILE  # kept, not escaped
        await assert_nothing_unsafe_is_drawn(pilot, editor)


async def test_hostile_text_is_drawn_inert_in_the_three_way_view() -> None:
    base = {"input": HOSTILE, "expected_output": HOSTILE_LINES, "metadata": {HOSTILE: 1}}
    merge = EditSession(base, 1).merge(
        {**base, "expected_output": "theirs " + HOSTILE}, {**base, "expected_output": "mine"}, 2
    )
    view = ThreeWayScreen(merge, title="Someone " + HOSTILE, labels={"expected_output": "Out"})
    app = ViewApp(view)
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: view.is_mounted)
        for widget in view.query("*"):
            assert unsafe_in(drawn_text(widget)) == [], widget
