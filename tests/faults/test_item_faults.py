"""Fault cells of the datasets screens: the items list (load, page), the item editor's save,
a new item's create and archiving from the list, on both datasets APIs (`grid.py`)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from phtui.api import PostHogClient
from phtui.api.models import DatasetItem
from phtui.app import PhTuiApp
from phtui.core.drafts import DraftStore, default_draft_dir
from phtui.screens.connect import ConnectScreen
from phtui.screens.datasets.conflict import ThreeWayScreen
from phtui.screens.datasets.item_editor import ItemEditorScreen
from phtui.screens.datasets.items import DatasetItemsScreen
from phtui.screens.datasets.picker import DatasetsScreen
from phtui.screens.dialogs import ChoiceScreen
from phtui.server.runner import RunningServer
from tests.faults.grid import Cell, params
from tests.faults.harness import (
    SERVER_FAULTS,
    CellRecord,
    Seen,
    arm,
    arm_on_call,
    clear_faults,
    observer,
    reconnect,
    running_app,
    said_pattern,
    survived,
    unique_name,
    visible_text,
    wait_said,
)
from tests.ui.field_support import burst
from tests.ui.support import wait_until

# ----------------------------------------------------------------------------- helpers


async def make_item(other: PostHogClient, server: RunningServer, name: str) -> DatasetItem:
    dataset_id = server.create_dataset(unique_name(name))
    return await other.create_dataset_item(
        dataset_id, input={"q": "before"}, expected_output="old", metadata={"n": 1}
    )


async def open_editor(
    app: PhTuiApp, pilot: Pilot[None], other: PostHogClient, item: DatasetItem
) -> ItemEditorScreen:
    """The editor on `item`, pushed as the items list pushes it."""
    await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
    dataset = await other.get_dataset(item.dataset)
    editor = ItemEditorScreen(dataset, item)
    app.push_screen(editor)
    await wait_until(pilot, lambda: editor.is_mounted and editor.fields is not None)
    return editor


async def type_into(pilot: Pilot[None], editor: ItemEditorScreen, field: str, text: str) -> None:
    """Select the field's text and type `text` over it, key by key (as a terminal delivers
    keys typed fast: a burst)."""
    editor.editor(field).focus_editor()
    await pilot.pause()
    burst(pilot.app, "f7", *text)
    await wait_until(pilot, lambda: editor.editor(field).text == text)


def status(editor: ItemEditorScreen) -> str:
    from textual.widgets import Static

    return str(editor.query_one("#editor-status", Static).render())


def text_kept(editor: ItemEditorScreen, field: str, typed: str) -> tuple[bool, str]:
    """The typed text is in the field, or in the editor's draft on disk."""
    if editor.editor(field).text == typed:
        return True, "in the editor"
    editor.write_draft()
    draft = DraftStore(default_draft_dir()).load(editor.draft_key)
    if draft is not None and draft.fields.get(field) == typed:
        return True, "in the draft"
    return False, f"editor holds {editor.editor(field).text!r}"


async def server_items(other: PostHogClient, dataset_id: str) -> list[DatasetItem]:
    """Every item of the dataset, active and archived (classic: deleted ones are not listed)."""
    items = (await other.list_all_dataset_items(dataset_id)).items
    if await other.detect_datasets_api() == "revisioned":
        items += (await other.list_all_dataset_items(dataset_id, archived=True)).items
    return items


async def item_count(other: PostHogClient, dataset_id: str) -> int:
    return len(await server_items(other, dataset_id))


async def open_items(
    app: PhTuiApp, pilot: Pilot[None], other: PostHogClient, dataset_id: str, **options: Any
) -> DatasetItemsScreen:
    """The items list of the dataset, pushed as the dataset list pushes it, loaded."""
    await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
    screen = DatasetItemsScreen(await other.get_dataset(dataset_id), **options)
    app.push_screen(screen)
    await wait_until(pilot, lambda: screen.is_mounted and screen.loaded)
    await wait_until(pilot, lambda: not busy(screen))
    return screen


def busy(screen: DatasetItemsScreen) -> bool:
    """A worker of the screen still running (a load, a prefetch, a change)."""
    return any(worker.node is screen and worker.is_running for worker in screen.app.workers)


def shown_ids(screen: DatasetItemsScreen) -> list[str]:
    """The items the screen holds: revisioned, the loaded dataset; classic, the page shown."""
    if screen.generation == "revisioned":
        return [item.id for item in screen.view.items]
    return [item.id for item in screen.table.items]


async def retry(pilot: Pilot[None], app: PhTuiApp, server: RunningServer) -> None:
    """What the message after a fault says to do: ctrl+r when offline; reconnect after a 401."""
    if any(isinstance(screen, ConnectScreen) for screen in app.screen_stack):
        await reconnect(pilot, app, server)
    elif app.offline:
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: not app.offline)


# -------------------------------------------------------------------------- save item


@pytest.mark.parametrize("cell", params("save_item"))
async def test_save_item(cell: Cell, cell_server: RunningServer, record: CellRecord) -> None:
    server, fault = cell_server, cell.fault
    revisioned = cell.generation == "revisioned"
    async with observer(server) as other:
        item = await make_item(other, server, "edited item")
        base = item.version or 0
        async with running_app(server, "datasets") as (app, pilot, key):
            editor = await open_editor(app, pilot, other, item)
            typed = f'"kept through {fault}"'
            await type_into(pilot, editor, "input", typed)
            writes = 1  # versions the cell expects beyond the base
            if fault in SERVER_FAULTS:
                assert app.client is not None
                arm_on_call(app.client, "update_dataset_item", lambda: arm(server, fault))
            elif fault == "http_401":
                server.revoke_api_key(key)
            elif fault == "gone":
                await other.archive_dataset_item(item.id, base_version=item.version)
                writes += 2  # archived elsewhere, restored here, then saved
            elif fault == "conflict":
                await other.update_dataset_item(
                    item.id, base_version=item.version, expected_output="theirs"
                )
                writes += 1
            seen = Seen.now(app)
            await pilot.press("ctrl+s")
            said = await wait_said(pilot, app, said_pattern(fault), seen=seen)
            record.check("said", bool(said), said or visible_text(app, seen)[-300:])
            record.check("survived", *survived(app))
            record.check("text_kept", *text_kept(editor, "input", typed))
            clear_faults(server)

            # The fault clears: the user's next step saves.
            if fault == "http_401":
                await reconnect(pilot, app, server)
                await pilot.press("ctrl+s")
            elif fault == "gone":
                await wait_until(pilot, lambda: app.screen is editor)
                await pilot.press("ctrl+l")  # restore, as the status line says
                await wait_until(pilot, lambda: "Restored" in status(editor))
                await pilot.press("ctrl+s")
            elif fault == "conflict":
                await wait_until(pilot, lambda: isinstance(app.screen, ThreeWayScreen))
                await pilot.press("ctrl+s")  # nothing conflicts: save the merge
            else:
                await wait_until(pilot, lambda: app.screen is editor)
                await pilot.press("ctrl+s")  # again (after a lost answer: nothing to send)
            try:
                await wait_until(pilot, lambda: app.screen is editor and not editor.dirty)
                record.check("recovered", True, status(editor))
            except AssertionError:
                record.check("recovered", False, status(editor) + " | " + visible_text(app)[-300:])

        stored = await other.get_dataset_item(item.id)
        count = await item_count(other, item.dataset)
        expected_output = "theirs" if fault == "conflict" else "old"
        ok = (
            count == 1
            and stored.input == typed.strip('"')
            and stored.expected_output == expected_output
            and not stored.archived
            and (not revisioned or stored.version == base + writes)
        )
        record.check(
            "clean",
            ok,
            f"items={count} input={stored.input!r} expected_output={stored.expected_output!r} "
            f"version={stored.version} (base {base} + {writes}) archived={stored.archived}",
        )
    record.verify()


# --------------------------------------------------------------------------- list / page


@pytest.mark.parametrize("cell", params("list_page"))
async def test_list_page(cell: Cell, cell_server: RunningServer, record: CellRecord) -> None:
    server, fault = cell_server, cell.fault
    record.no_text()
    async with observer(server) as other:
        dataset_id = server.create_dataset(unique_name("listed"))
        for n in range(3):
            await other.create_dataset_item(dataset_id, input={"n": n})
        async with running_app(server, "datasets") as (app, pilot, key):
            screen = await open_items(app, pilot, other, dataset_id, page_size=2)
            assert app.client is not None
            if fault in SERVER_FAULTS:
                arm(server, fault, read=True)
            elif fault == "http_401":
                server.revoke_api_key(key)
            elif fault == "gone":  # archived (classic: deleted) elsewhere
                await other.archive_dataset(dataset_id)
            seen = Seen.now(app)
            await pilot.press("r")
            said = await wait_said(pilot, app, said_pattern(fault), seen=seen)
            record.check("said", bool(said), said or visible_text(app, seen)[-300:])
            record.check("survived", *survived(app))
            clear_faults(server)

            if fault == "gone":
                await other.restore_dataset(dataset_id)
                await wait_until(pilot, lambda: app.screen is screen)
                await pilot.press("r")
            else:
                await retry(pilot, app, server)
            try:
                await wait_until(
                    pilot,
                    lambda: (
                        app.screen is screen
                        and screen.loaded
                        and not busy(screen)
                        and not screen.dataset.archived
                    ),
                )
                record.check("recovered", True)
            except AssertionError:
                record.check("recovered", False, visible_text(app)[-300:])
            shown = shown_ids(screen)
            live = [item.id for item in await server_items(other, dataset_id)]
            if screen.generation == "classic":
                live = live[: len(shown)] if shown else live
            record.check(
                "clean",
                len(shown) == len(set(shown)) and sorted(shown) == sorted(live) and bool(shown),
                f"shown {len(shown)} rows ({len(set(shown))} distinct), server {len(live)}",
            )
    record.verify()


# ---------------------------------------------------------------------------- create item


@pytest.mark.parametrize("cell", params("create_item"))
async def test_create_item(cell: Cell, cell_server: RunningServer, record: CellRecord) -> None:
    server, fault = cell_server, cell.fault
    async with observer(server) as other:
        dataset_id = server.create_dataset(unique_name("grows"))
        async with running_app(server, "datasets") as (app, pilot, key):
            screen = await open_items(app, pilot, other, dataset_id)
            await pilot.press("n")
            await wait_until(pilot, lambda: isinstance(app.screen, ItemEditorScreen))
            editor = app.screen
            assert isinstance(editor, ItemEditorScreen)
            await wait_until(pilot, lambda: editor.fields is not None)
            typed = f'"new through {fault}"'
            await type_into(pilot, editor, "input", typed)
            others = 0  # items another writer makes
            if fault in SERVER_FAULTS:
                assert app.client is not None
                arm_on_call(app.client, "create_dataset_item", lambda: arm(server, fault))
            elif fault == "http_401":
                server.revoke_api_key(key)
            elif fault == "gone":
                await other.archive_dataset(dataset_id)
            elif fault == "conflict":
                taken = editor.ref_input("client_item_id").value
                await other.create_dataset_item(dataset_id, input="theirs", client_item_id=taken)
                others = 1
            seen = Seen.now(app)
            await pilot.press("ctrl+s")
            said = await wait_said(pilot, app, said_pattern(fault), seen=seen)
            record.check("said", bool(said), said or visible_text(app, seen)[-300:])
            record.check("survived", *survived(app))
            record.check("text_kept", *text_kept(editor, "input", typed))
            clear_faults(server)

            if fault == "gone":
                await other.restore_dataset(dataset_id)
            elif fault == "conflict":
                await wait_until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
                await pilot.press("c")  # change the ID
                await wait_until(pilot, lambda: app.screen is editor)
                burst(app, "ctrl+u", *"mine-1")
                await wait_until(
                    pilot, lambda: editor.ref_input("client_item_id").value == "mine-1"
                )
            else:
                await retry(pilot, app, server)
            await wait_until(pilot, lambda: app.screen is editor)
            await pilot.press("ctrl+s")
            try:
                await wait_until(pilot, lambda: app.screen is screen and not busy(screen))
                record.check("recovered", True)
            except AssertionError:
                record.check("recovered", False, status(editor) + " | " + visible_text(app)[-300:])

        items = await server_items(other, dataset_id)
        mine = [item for item in items if item.input == typed.strip('"')]
        record.check(
            "clean",
            len(mine) == 1 and len(items) == 1 + others,
            f"{len(mine)} items with the typed input, {len(items)} in all (expected {1 + others})",
        )
    record.verify()


# --------------------------------------------------------------------------- archive item


@pytest.mark.parametrize("cell", params("archive_item"))
async def test_archive_item(cell: Cell, cell_server: RunningServer, record: CellRecord) -> None:
    server, fault = cell_server, cell.fault
    revisioned = cell.generation == "revisioned"
    record.no_text()
    async with observer(server) as other:
        dataset_id = server.create_dataset(unique_name("shrinks"))
        for n in range(2):
            await other.create_dataset_item(dataset_id, input={"n": n})
        async with running_app(server, "datasets") as (app, pilot, key):
            screen = await open_items(app, pilot, other, dataset_id)
            target = screen.table.current_item
            assert target is not None
            writes = 1  # versions the target gets
            if fault in SERVER_FAULTS:
                assert app.client is not None
                arm_on_call(app.client, "archive_dataset_item", lambda: arm(server, fault))
            elif fault == "http_401":
                server.revoke_api_key(key)
            elif fault == "gone":
                await other.archive_dataset_item(target.id, base_version=target.version)
            elif fault == "conflict":
                await other.update_dataset_item(
                    target.id, base_version=target.version, input={"n": "theirs"}
                )
                writes = 2
            seen = Seen.now(app)
            await pilot.press("d")
            said = await wait_said(pilot, app, said_pattern(fault), seen=seen)
            record.check("said", bool(said), said or visible_text(app, seen)[-300:])
            record.check("survived", *survived(app))
            clear_faults(server)

            committed = fault in ("timeout_after_commit", "reset_after_commit", "gone")
            await retry(pilot, app, server)
            await wait_until(pilot, lambda: app.screen is screen and not busy(screen))
            if not committed:  # the archive did not happen: press d again on it
                assert screen.table.select_item(target.id)
                await pilot.press("d")

            def archived_here() -> bool:
                item = screen.view.get(target.id) if revisioned else None
                if revisioned:
                    return item is not None and item.archived
                return target.id not in shown_ids(screen)

            try:
                await wait_until(pilot, lambda: not busy(screen) and archived_here())
                record.check("recovered", True)
            except AssertionError:
                record.check("recovered", False, visible_text(app)[-300:])

        items = {item.id: item for item in await server_items(other, dataset_id)}
        rest = [item for item in items.values() if item.id != target.id]
        if revisioned:  # one archive version, never two
            stored = items[target.id]
            done = stored.archived and stored.version == (target.version or 0) + writes
            state = f"archived={stored.archived} version={stored.version} (was {target.version})"
        else:  # classic lists no deleted item (and retrieves none)
            done = target.id not in items
            state = f"listed={not done}"
        record.check(
            "clean",
            done and len(rest) == 1 and not rest[0].archived,
            f"target {state} + {writes} expected; others {[(i.archived, i.version) for i in rest]}",
        )
    record.verify()
