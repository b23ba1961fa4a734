"""Snapshots of the Datasets screens on the demo data, at 120x40 and 80x24."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from phtui.screens.datasets.items import DatasetItemsScreen
from phtui.screens.datasets.picker import DatasetsScreen
from phtui.server.runner import RunningServer
from tests.ui.support import SNAP_SIZES, SnapCompare, settle, snap_mode


@pytest.fixture(autouse=True)
def no_drafts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHTUI_DATA_DIR", str(tmp_path / "data"))


async def picker_loaded(pilot: Pilot[Any]) -> None:
    await settle(
        pilot,
        lambda: isinstance(pilot.app.screen, DatasetsScreen) and bool(pilot.app.screen.datasets),
    )


async def items_loaded(pilot: Pilot[Any]) -> None:
    await picker_loaded(pilot)
    await pilot.press("down", "down")  # the dataset with over a thousand items
    await pilot.press("enter")
    await settle(
        pilot, lambda: isinstance(pilot.app.screen, DatasetItemsScreen) and pilot.app.screen.loaded
    )


@pytest.mark.parametrize("size", SNAP_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_dataset_picker(
    snap_compare: SnapCompare, demo_server: RunningServer, size: tuple[int, int]
) -> None:
    assert snap_mode(snap_compare, demo_server, "datasets", size, picker_loaded)


@pytest.mark.parametrize("size", SNAP_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_items_table(
    snap_compare: SnapCompare, demo_server: RunningServer, size: tuple[int, int]
) -> None:
    assert snap_mode(snap_compare, demo_server, "datasets", size, items_loaded)
