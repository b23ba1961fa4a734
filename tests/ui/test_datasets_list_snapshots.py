"""Snapshots of the dataset list and the dataset form on the revisioned demo data (four active
datasets and an archived one), at 120x40 and 80x24."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from phtui.screens.datasets.form import DatasetFormScreen
from phtui.screens.datasets.picker import DatasetsScreen
from phtui.server.runner import RunningServer
from phtui.widgets.json_editor import JsonEditor
from tests.ui.support import SNAP_SIZES, SnapCompare, settle, snap_mode


@pytest.fixture(autouse=True)
def no_drafts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHTUI_DATA_DIR", str(tmp_path / "data"))


def list_screen(pilot: Pilot[Any]) -> DatasetsScreen | None:
    screen = pilot.app.screen
    return screen if isinstance(screen, DatasetsScreen) else None


def list_settled(pilot: Pilot[Any], *, archived: bool = False) -> bool:
    """Rows, item counts and the quota are all shown."""
    screen = list_screen(pilot)
    return (
        screen is not None
        and screen.archived_view == archived
        and bool(screen.datasets)
        and not screen.pager.loading_marker
        and all(screen.item_count(dataset) is not None for dataset in screen.datasets)
        and bool(screen.quota)
    )


async def list_loaded(pilot: Pilot[Any]) -> None:
    await settle(pilot, lambda: list_settled(pilot))


@pytest.mark.parametrize("size", SNAP_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_dataset_list(
    snap_compare: SnapCompare, revisioned_demo_server: RunningServer, size: tuple[int, int]
) -> None:
    assert snap_mode(snap_compare, revisioned_demo_server, "datasets", size, list_loaded)


@pytest.mark.parametrize("size", SNAP_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_archived_datasets(
    snap_compare: SnapCompare, revisioned_demo_server: RunningServer, size: tuple[int, int]
) -> None:
    async def archived(pilot: Pilot[Any]) -> None:
        await list_loaded(pilot)
        await pilot.press("a")
        await settle(pilot, lambda: list_settled(pilot, archived=True))

    assert snap_mode(snap_compare, revisioned_demo_server, "datasets", size, archived)


@pytest.mark.parametrize("size", SNAP_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_form_with_long_text_and_problems(
    snap_compare: SnapCompare, revisioned_demo_server: RunningServer, size: tuple[int, int]
) -> None:
    async def form_open(pilot: Pilot[Any]) -> None:
        await list_loaded(pilot)
        await pilot.press("e")  # the first dataset
        await settle(pilot, lambda: isinstance(pilot.app.screen, DatasetFormScreen))
        form = pilot.app.screen
        form.query_one("#form-name", Input).value = "Onboarding email drafts " * 20
        form.query_one("#form-description", Input).value = "A long description. " * 600
        form.query_one(JsonEditor).load('[\n  "not an object"\n]', original=False)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "fix the field" in form.status)  # type: ignore[attr-defined]

    assert snap_mode(snap_compare, revisioned_demo_server, "datasets", size, form_open)


def test_datasets_unavailable(
    snap_compare: SnapCompare, revisioned_demo_server: RunningServer
) -> None:
    revisioned_demo_server.options.datasets_feature_flag = False

    async def refused(pilot: Pilot[Any]) -> None:
        await settle(
            pilot, lambda: (screen := list_screen(pilot)) is not None and bool(screen.unavailable)
        )

    assert snap_mode(snap_compare, revisioned_demo_server, "datasets", (80, 24), refused)
