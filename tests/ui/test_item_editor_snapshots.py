"""Snapshots of the item editor, the three-way view and an item's history, on the demo data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from phtui.core.edit_session import EditSession
from phtui.screens.datasets.conflict import ThreeWayScreen
from phtui.screens.datasets.history import ItemHistoryScreen
from phtui.screens.datasets.item_editor import FIELD_LABELS, ItemEditorScreen
from phtui.screens.datasets.items import DatasetItemsScreen
from phtui.screens.datasets.picker import DatasetsScreen
from phtui.server.runner import RunningServer
from tests.ui.support import SNAP_SIZES, SnapCompare, settle, snap_mode

size_ids = pytest.mark.parametrize("size", SNAP_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")


@pytest.fixture(autouse=True)
def no_drafts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHTUI_DATA_DIR", str(tmp_path / "data"))


def editor_of_dataset(downs: int) -> Any:
    """Open the dataset `downs` rows down the list, then its first item."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, DatasetsScreen) and bool(pilot.app.screen.datasets)
            ),
        )
        await pilot.press(*["down"] * downs, "enter")
        await settle(
            pilot,
            lambda: isinstance(pilot.app.screen, DatasetItemsScreen) and pilot.app.screen.loaded,
        )
        await pilot.press("enter")
        await settle(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, ItemEditorScreen)
                and pilot.app.screen.fields is not None
            ),
        )

    return run_before


@size_ids
def test_item_editor(
    snap_compare: SnapCompare, revisioned_demo_server: RunningServer, size: tuple[int, int]
) -> None:
    # "Support answers": source output and provenance, read-only on today's PostHog.
    assert snap_mode(snap_compare, revisioned_demo_server, "datasets", size, editor_of_dataset(3))


def test_classic_item_editor(snap_compare: SnapCompare, demo_server: RunningServer) -> None:
    # Classic: provenance (ref_*) editable, no source output or versions.
    assert snap_mode(snap_compare, demo_server, "datasets", (80, 24), editor_of_dataset(2))


def test_archived_item_editor(
    snap_compare: SnapCompare, revisioned_demo_server: RunningServer
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await editor_of_dataset(3)(pilot)  # "Support answers", which has archived items
        editor = pilot.app.screen
        assert isinstance(editor, ItemEditorScreen)
        client = pilot.app.client
        archived = await client.list_dataset_items(editor.dataset.id, archived=True, limit=1)
        pilot.app.push_screen(ItemEditorScreen(editor.dataset, archived.results[0]))
        await settle(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, ItemEditorScreen)
                and pilot.app.screen is not editor
                and pilot.app.screen.fields is not None
            ),
        )

    assert snap_mode(snap_compare, revisioned_demo_server, "datasets", (80, 24), run_before)


BASE = {
    "input": {"step": "winback", "tone": "playful"},
    "expected_output": "Subject: We miss you\n\nHi {first_name}, it has been a while.",
    "metadata": {"status": "draft"},
}
THEIRS = {
    **BASE,
    "expected_output": "Subject: Come back for 20% off\n\nHi {first_name}, here is a gift.",
    "metadata": {"status": "in review", "reviewer": "Grace"},
}
MINE = {**BASE, "expected_output": "Subject: We miss you\n\nHi {first_name}, good to see you."}


@size_ids
def test_three_way_view(
    snap_compare: SnapCompare, revisioned_demo_server: RunningServer, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await editor_of_dataset(0)(pilot)
        merge = EditSession(dict(BASE), 3).merge(THEIRS, MINE, server_version=5)
        title = (
            "Someone saved this item (now version 5, 2026-07-14 09:30 UTC, by Grace Hopper) "
            "while you were editing. Choose per field; nothing is sent until ctrl+s."
        )
        pilot.app.push_screen(
            ThreeWayScreen(
                merge,
                title=title,
                labels=FIELD_LABELS,
                base_label="You started from (v3)",
                theirs_label="Server's now (v5)",
            )
        )
        await settle(pilot, lambda: isinstance(pilot.app.screen, ThreeWayScreen))

    assert snap_mode(snap_compare, revisioned_demo_server, "datasets", size, run_before)


@size_ids
def test_item_history(
    snap_compare: SnapCompare, revisioned_demo_server: RunningServer, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await editor_of_dataset(0)(pilot)  # an onboarding email with four versions
        await pilot.press("ctrl+g")
        await settle(
            pilot,
            lambda: isinstance(pilot.app.screen, ItemHistoryScreen) and pilot.app.screen.loaded,
        )
        await pilot.press("down", "down", "down", "space", "up", "up", "up")  # v1 against v4

    assert snap_mode(snap_compare, revisioned_demo_server, "datasets", size, run_before)
