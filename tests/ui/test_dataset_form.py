"""Pilot tests of the dataset form (`DatasetFormScreen`) opened from the list, on the local
server: create, edit (only changed fields), problems under their fields that clear once fixed,
PostHog's quota and name clashes, and the 80x24 layout."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input

from phtui.app import PhTuiApp
from phtui.core.dataset_fields import DESCRIPTION_LIMIT, NAME_LIMIT
from phtui.core.limits import KnownLimits
from phtui.screens.confirm import ConfirmScreen
from phtui.screens.datasets import form as form_module
from phtui.screens.datasets import picker as picker_module
from phtui.screens.datasets.form import DatasetFormScreen
from phtui.screens.datasets.picker import DatasetsScreen
from phtui.server.runner import RunningServer
from phtui.widgets.json_editor import JsonEditor
from tests.ui.support import record_calls, wait_until
from tests.ui.test_datasets_list import datasets_app, picker, select, toasts


@pytest.fixture(autouse=True)
def no_drafts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHTUI_DATA_DIR", str(tmp_path / "data"))


async def open_form(app: PhTuiApp, pilot: Pilot[None], key: str = "n") -> DatasetFormScreen:
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, DatasetFormScreen))
    form = app.screen
    assert isinstance(form, DatasetFormScreen)
    return form


def set_metadata(form: DatasetFormScreen, text: str) -> None:
    form.query_one(JsonEditor).load(text, original=False)


async def test_create_a_dataset(fresh_revisioned_server: RunningServer) -> None:
    async with datasets_app(fresh_revisioned_server) as (app, pilot, client):
        sent = record_calls(client, "create_dataset")
        await open_form(app, pilot)
        await pilot.press(*"  created in tui ")
        await pilot.press("tab", *"about it")
        set_metadata(app.screen, '{"owner": "qa"}')  # type: ignore[arg-type]
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
        assert sent == [
            {
                "args": ("created in tui",),
                "description": "about it",
                "metadata": {"owner": "qa"},
            }
        ]
        [created] = await client.find_datasets_by_name("created in tui")
        assert (created.description, created.metadata) == ("about it", {"owner": "qa"})
        screen = picker(app)
        await wait_until(pilot, lambda: screen.current is not None)
        assert screen.current is not None and screen.current.id == created.id
        assert screen.quota == "1 of 20 datasets"


async def test_problems_show_under_their_field_and_clear_once_fixed(
    fresh_revisioned_server: RunningServer,
) -> None:
    async with datasets_app(fresh_revisioned_server) as (app, pilot, client):
        sent = record_calls(client, "create_dataset")
        form = await open_form(app, pilot)
        assert form.problem("name") == ""  # nothing said before anything was typed
        await pilot.press("ctrl+s")
        assert form.problem("name") == "A dataset needs a name."
        assert "fix the field" in form.status
        await pilot.press(*"named")
        assert form.problem("name") == ""
        assert form.status == ""

        set_metadata(form, "[1, 2]")
        await pilot.pause()
        assert "not an array" in form.problem("metadata")
        set_metadata(form, "null")
        await pilot.pause()
        assert "not null" in form.problem("metadata")
        set_metadata(form, '{"a": ')  # a syntax error is named in the editor's header
        await pilot.pause()
        assert form.problem("metadata") == ""
        assert form.query_one(JsonEditor).error is not None
        await pilot.press("ctrl+s")
        assert app.screen is form
        assert form.query_one(JsonEditor).text_area.has_focus
        set_metadata(form, '{"a": 1}')
        await pilot.pause()
        assert form.problem("metadata") == "" and form.query_one(JsonEditor).error is None

        form.query_one("#form-description", Input).value = "d" * (DESCRIPTION_LIMIT + 1)
        await pilot.pause()
        assert "10,001 characters long" in form.problem("description")
        form.query_one("#form-description", Input).value = "d" * DESCRIPTION_LIMIT
        await pilot.pause()
        assert form.problem("description") == ""
        form.query_one("#form-name", Input).value = "n" * (NAME_LIMIT + 1)
        await pilot.pause()
        assert "401 characters long" in form.problem("name")
        assert sent == []


async def test_metadata_over_a_megabyte_is_refused_before_sending(
    fresh_revisioned_server: RunningServer,
) -> None:
    async with datasets_app(fresh_revisioned_server) as (app, pilot, client):
        sent = record_calls(client, "create_dataset")
        form = await open_form(app, pilot)
        await pilot.press(*"big metadata")
        set_metadata(form, '{"k": "' + "x" * 1_000_000 + '"}')
        await wait_until(pilot, lambda: form.problem("metadata") != "")
        assert "1,000,008 bytes" in form.problem("metadata")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and sent == []


async def test_edit_sends_only_changed_fields(fresh_revisioned_server: RunningServer) -> None:
    dataset_id = fresh_revisioned_server.create_dataset(
        "edit me ds", description="old", metadata={"k": 1}
    )
    async with datasets_app(fresh_revisioned_server) as (app, pilot, client):
        sent = record_calls(client, "update_dataset")
        await select(pilot, picker(app), dataset_id)
        form = await open_form(app, pilot, "e")
        assert form.query_one("#form-name", Input).value == "edit me ds"
        await pilot.press("ctrl+s")  # nothing changed: nothing sent
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
        assert sent == []
        form = await open_form(app, pilot, "e")
        form.query_one("#form-description", Input).value = ""
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
        # A cleared description is "" (PostHog refuses null), and nothing else is sent.
        assert sent == [{"args": (dataset_id,), "description": ""}]
        saved = await client.get_dataset(dataset_id)
        assert (saved.name, saved.description, saved.metadata) == ("edit me ds", "", {"k": 1})


async def test_a_name_clash_is_said_on_the_name_and_keeps_the_text(
    revisioned_demo_server: RunningServer,
) -> None:
    async with datasets_app(revisioned_demo_server) as (app, pilot, client):
        form = await open_form(app, pilot)
        await pilot.press(*"Prompt experiments (old)")  # the archived dataset's name
        await pilot.press("tab", *"typed words")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: form.problem("name") != "")
        assert "already exists" in form.problem("name")
        assert "archived datasets count too" in form.problem("name")
        assert app.screen is form
        assert form.query_one("#form-name", Input).value == "Prompt experiments (old)"
        assert form.query_one("#form-description", Input).value == "typed words"
        assert form.query_one("#form-name", Input).has_focus
        assert toasts(app) == []
        await pilot.press("end", "!")
        assert form.problem("name") == ""  # another name: the clash no longer applies
        await pilot.press("backspace")
        assert "already exists" in form.problem("name")  # PostHog said so about this name
        await pilot.press("space", "2", "ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
        assert await client.find_datasets_by_name("Prompt experiments (old) 2")


async def test_a_create_at_the_limit_says_it_and_keeps_the_form(
    revisioned_demo_server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What this server says of its quota stays with this test (another may reuse its port).
    limits = KnownLimits()
    monkeypatch.setattr(form_module, "LIMITS", limits)
    monkeypatch.setattr(picker_module, "LIMITS", limits)
    revisioned_demo_server.options.max_datasets_per_project = 5  # the demo has 5
    async with datasets_app(revisioned_demo_server) as (app, pilot, client):
        screen = picker(app)
        await wait_until(pilot, lambda: screen.quota == "5 of 20 datasets")
        form = await open_form(app, pilot)
        await pilot.press(*"one too many")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "PostHog allows" in form.status)
        assert "allows at most 5 datasets per project. This project has 5, archived ones" in (
            form.status
        )
        assert app.screen is form
        assert form.query_one("#form-name", Input).value == "one too many"
        assert await client.find_datasets_by_name("one too many") == []
        await pilot.press("escape")  # typed text: asks before discarding
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
        # The list now knows the project's real quota.
        assert screen.quota == "5 of 5 datasets: limit reached"
        assert screen.query_one("#datasets-quota").has_class("-full")


async def test_a_failed_save_keeps_the_text_and_says_why(
    fresh_revisioned_server: RunningServer,
) -> None:
    async with datasets_app(fresh_revisioned_server) as (app, pilot, client):
        form = await open_form(app, pilot)
        await pilot.press(*"kept")
        fresh_revisioned_server.options.fail_next = 1
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: form.status.startswith("Not saved"))
        assert app.screen is form
        assert form.query_one("#form-name", Input).value == "kept"
        await pilot.press("ctrl+s")  # PostHog answers again: saved
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))
        assert await client.find_datasets_by_name("kept")


async def test_unsaved_form_holds_the_quit_and_escape_asks(
    revisioned_server: RunningServer,
) -> None:
    async with datasets_app(revisioned_server) as (app, pilot, _):
        form = await open_form(app, pilot)
        assert not form.has_unsaved_changes()
        await pilot.press("a")
        assert app.unsaved_edits() == ["the new dataset"]
        await pilot.press("backspace")
        assert not form.has_unsaved_changes()
        set_metadata(form, '{"k": 1}')
        assert app.unsaved_edits() == ["the new dataset"]
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # keep editing
        await wait_until(pilot, lambda: app.screen is form)
        assert form.query_one(JsonEditor).text == '{"k": 1}'
        set_metadata(form, "{}")
        await pilot.press("escape")  # nothing typed any more: closes at once
        await wait_until(pilot, lambda: isinstance(app.screen, DatasetsScreen))


async def test_the_form_fits_80x24_with_long_text_and_every_problem(
    fresh_revisioned_server: RunningServer,
) -> None:
    async with datasets_app(fresh_revisioned_server, size=(80, 24)) as (app, pilot, _):
        form = await open_form(app, pilot)
        form.query_one("#form-name", Input).value = "n" * 600
        form.query_one("#form-description", Input).value = "d " * 6_000
        set_metadata(form, "[" + ", ".join(['"long value"'] * 400) + "]")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert all(form.problem(field) for field in ("name", "description", "metadata"))
        screen_region = form.region
        for button in form.query(Button):
            assert button.region.height >= 1, button.id
            assert screen_region.contains_region(button.region), button.id
        assert form.query_one(JsonEditor).region.height >= 4
