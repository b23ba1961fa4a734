"""Snapshots of the items screen on the revisioned demo data (PostHog today), at 80x24 and
120x40: the latest revision of "Support answers" (587 items, the count against the limit), and a
past revision, read-only, saying so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from phtui.screens.datasets.items import DatasetItemsScreen
from phtui.screens.datasets.picker import DatasetsScreen
from phtui.screens.datasets.revisions import RevisionPickerScreen
from phtui.server.runner import RunningServer
from tests.ui.support import SNAP_SIZES, SnapCompare, settle, snap_mode

PAST_REVISION = 300


@pytest.fixture(autouse=True)
def no_drafts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHTUI_DATA_DIR", str(tmp_path / "data"))


def items_screen(pilot: Pilot[Any]) -> DatasetItemsScreen | None:
    screen = pilot.app.screen
    return screen if isinstance(screen, DatasetItemsScreen) else None


async def support_answers(pilot: Pilot[Any]) -> None:
    await settle(
        pilot,
        lambda: isinstance(pilot.app.screen, DatasetsScreen) and bool(pilot.app.screen.datasets),
    )
    await pilot.press("G", "enter")  # the oldest dataset: "Support answers", 587 items
    await settle(pilot, lambda: (screen := items_screen(pilot)) is not None and screen.loaded)


async def past_revision(pilot: Pilot[Any]) -> None:
    await support_answers(pilot)
    await pilot.press("v")
    await settle(
        pilot,
        lambda: (
            isinstance(picker := pilot.app.screen, RevisionPickerScreen)
            and picker.options.option_count > 1
        ),
    )
    await pilot.press(*str(PAST_REVISION), "enter")
    await settle(
        pilot,
        lambda: (
            (screen := items_screen(pilot)) is not None
            and screen.viewing == PAST_REVISION
            and screen.loaded
        ),
    )


@pytest.mark.parametrize("size", SNAP_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_items_latest(
    snap_compare: SnapCompare, revisioned_demo_server: RunningServer, size: tuple[int, int]
) -> None:
    assert snap_mode(snap_compare, revisioned_demo_server, "datasets", size, support_answers)


@pytest.mark.parametrize("size", SNAP_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_items_past_revision(
    snap_compare: SnapCompare, revisioned_demo_server: RunningServer, size: tuple[int, int]
) -> None:
    assert snap_mode(snap_compare, revisioned_demo_server, "datasets", size, past_revision)
