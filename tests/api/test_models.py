"""Models read what real servers send, both dataset API generations included."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from phtui.api.models import (
    CurrentUser,
    DataColorTheme,
    Dataset,
    DatasetExport,
    DatasetItem,
    DatasetRevision,
    Page,
    UserBasic,
)

ADA = {
    "id": 7,
    "uuid": "0190-ada",
    "distinct_id": "abc",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
    "is_email_verified": True,
    "hedgehog_config": None,
    "role_at_organization": "engineering",
}


@pytest.mark.parametrize(
    ("wire", "kept"),
    [(True, True), (False, False), ("true", True), ("false", False), ("True", True), (None, False)],
)
def test_theme_is_global_as_bool_or_string(wire: object, kept: bool) -> None:
    theme = DataColorTheme.model_validate({"id": 1, "name": "T", "is_global": wire})
    assert theme.is_global is kept


def test_global_theme_with_null_creator_and_unknown_fields() -> None:
    theme = DataColorTheme.model_validate(
        {"id": 1, "name": "Default Theme", "colors": ["#1d4aff"], "created_by": None, "new": 1}
    )
    assert theme.created_by is None
    assert theme.colors == ["#1d4aff"]
    assert not hasattr(theme, "new")


@pytest.mark.parametrize(
    ("wire", "kept"),
    [
        (None, []),
        ([1, "#fff", None], [1, "#fff", None]),
        ({"a": 1}, [{"a": 1}]),
        ("#fff", ["#fff"]),
    ],
)
def test_theme_colors_keep_whatever_other_clients_stored(wire: object, kept: list[object]) -> None:
    assert DataColorTheme.model_validate({"id": 1, "colors": wire}).colors == kept


def test_classic_dataset() -> None:
    dataset = Dataset.model_validate(
        {
            "id": "01938a5e-7c1e-7d2a-9b1f-3f4a5b6c7d8e",
            "name": "Support QA golden set",
            "description": "Hand-picked support conversations",
            "metadata": {"owner": "ml-team"},
            "created_at": "2025-04-02T08:00:00.000000Z",
            "updated_at": None,
            "deleted": False,
            "created_by": ADA,
            "team": 12345,
        }
    )
    assert dataset.created_at == datetime(2025, 4, 2, 8, 0, tzinfo=UTC)
    assert dataset.created_by is not None and dataset.created_by.display_name == "Ada Lovelace"
    assert (dataset.team_id, dataset.archived, dataset.metadata) == (
        12345,
        False,
        {"owner": "ml-team"},
    )
    assert (dataset.current_revision, dataset.current_revision_id) == (None, None)


@pytest.mark.parametrize(("deleted", "archived"), [(True, True), (False, False), (None, False)])
def test_classic_deleted_is_archived(deleted: bool | None, archived: bool) -> None:
    # Classic rows may carry `deleted: null`, which PostHog counts as not deleted.
    assert Dataset.model_validate({"id": "d", "deleted": deleted}).archived is archived
    item = DatasetItem.model_validate({"id": "i", "dataset": "d", "deleted": deleted})
    assert item.archived is archived


def test_revisioned_dataset() -> None:
    dataset = Dataset.model_validate(
        {
            "id": "d1",
            "name": "n",
            "description": "",
            "metadata": {},
            "archived": True,
            "current_revision": 12,
            "current_revision_id": "r12",
            "created_at": "2026-05-04T10:12:33Z",
            "updated_at": "2026-05-04T10:12:34.5Z",
            "created_by": None,
            "team_id": 9,
            "user_access_level": "editor",
        }
    )
    assert (dataset.archived, dataset.current_revision, dataset.current_revision_id) == (
        True,
        12,
        "r12",
    )
    assert (dataset.team_id, dataset.user_access_level) == (9, "editor")


def test_classic_item_maps_into_todays_names() -> None:
    item = DatasetItem.model_validate(
        {
            "id": "i1",
            "dataset": "d1",
            "input": {"messages": []},
            "output": {"content": "hi"},
            "metadata": None,
            "ref_trace_id": "trace-1",
            "ref_source_id": "gen-1",
            "ref_timestamp": "2025-04-01T12:00:00Z",
            "deleted": True,
            "team": 5,
        }
    )
    assert item.expected_output == {"content": "hi"} and item.source_output is None
    assert (item.source_trace_id, item.source_event_id) == ("trace-1", "gen-1")
    assert item.source_timestamp == datetime(2025, 4, 1, 12, tzinfo=UTC)
    assert (item.archived, item.team_id) == (True, 5)
    versions = (item.version, item.version_id, item.dataset_revision, item.client_item_id)
    assert versions == (None, None, None, None)
    assert (item.version_created_at, item.version_created_by) == (None, None)


def test_revisioned_item() -> None:
    item = DatasetItem.model_validate(
        {
            "id": "i1",
            "dataset": "d1",
            "client_item_id": "ticket-4821",
            "version": 3,
            "version_id": "v3",
            "dataset_revision": 12,
            "dataset_revision_id": "r12",
            "archived": False,
            "input": {"q": 1},
            "expected_output": "target",
            "source_output": "captured",
            "metadata": {},
            "source_trace_id": "trace_abc",
            "source_event_id": "event_def",
            "source_timestamp": "2026-05-04T10:12:33Z",
            "created_at": "2026-05-01T00:00:00Z",
            "updated_at": "2026-05-04T10:12:33Z",
            "created_by": ADA,
            "version_created_at": "2026-05-04T10:12:33Z",
            "version_created_by": ADA,
            "team_id": 1,
        }
    )
    assert (item.version, item.version_id, item.dataset_revision) == (3, "v3", 12)
    assert (item.expected_output, item.source_output, item.client_item_id) == (
        "target",
        "captured",
        "ticket-4821",
    )
    assert item.version_created_by is not None and item.version_created_by.first_name == "Ada"
    assert not item.too_deep and "too_deep" not in item.model_dump()


def test_json_fields_match_model_dump_at_any_depth() -> None:
    item = DatasetItem.model_validate(
        {
            "id": "i",
            "dataset": "d",
            "input": {"q": [1, 2.5, None]},
            "source_timestamp": "2025-04-01T12:00:00.5+02:00",
            "created_at": "2025-04-01T12:00:00Z",
            "created_by": ADA,
        }
    )
    names = ["id", "input", "source_timestamp", "created_at", "created_by", "version"]
    assert item.json_fields(names) == item.model_dump(mode="json", include=set(names))
    deep: object = 1
    for _ in range(400):
        deep = {"k": deep}
    nested = DatasetItem(id="i", dataset="d", input=deep)
    with pytest.raises(ValueError, match="depth"):
        nested.model_dump(mode="json")
    assert nested.json_fields(["input"])["input"] is deep


def test_fields_can_be_set_by_todays_names() -> None:
    item = DatasetItem(id="i", dataset="d", expected_output=1, source_trace_id="t", archived=True)
    assert (item.expected_output, item.source_trace_id, item.archived) == (1, "t", True)


def test_minimal_rows_default_everything_optional() -> None:
    item = DatasetItem.model_validate({"id": "i", "dataset": "d"})
    assert (item.input, item.expected_output, item.metadata, item.created_by) == (
        None,
        None,
        None,
        None,
    )
    assert item.archived is False


def test_revision_and_export() -> None:
    revision = DatasetRevision.model_validate(
        {"id": "r", "dataset_id": "d", "revision": 2, "created_at": None, "team_id": 1}
    )
    assert (revision.revision, revision.created_by) == (2, None)
    export = DatasetExport.model_validate(
        {
            "id": 7,
            "status": "complete",
            "dataset_revision": 3,
            "filename": "support-answers-r3-2026-08-14-093012.jsonl",
            "created_at": "2026-08-14T09:30:12Z",
            "expires_after": "2026-08-21T00:00:00Z",
            "exception": None,
        }
    )
    assert export.done and export.expires_after == datetime(2026, 8, 21, tzinfo=UTC)
    assert not DatasetExport.model_validate({"id": 1, "status": "pending"}).done
    assert DatasetExport.model_validate({"id": 1, "status": "failed"}).done


def test_current_user_with_team_and_organizations() -> None:
    user = CurrentUser.model_validate(
        {
            **ADA,
            "team": {"id": 1, "uuid": "u", "organization": "o1", "name": "Default project"},
            "organization": {"id": "o1", "name": "Acme", "teams": [{"id": 1, "name": "x"}]},
            "organizations": [{"id": "o1", "name": "Acme"}],
        }
    )
    assert user.team is not None and user.team.id == 1
    assert user.organization is not None and user.organization.teams[0].id == 1
    assert [org.name for org in user.organizations] == ["Acme"]


@pytest.mark.parametrize(
    ("first", "last", "email", "shown"),
    [("Ada", "", "a@x", "Ada"), ("", "", "a@x", "a@x"), (None, None, None, "unknown")],
)
def test_display_name(first: str | None, last: str | None, email: str | None, shown: str) -> None:
    assert UserBasic(first_name=first, last_name=last, email=email).display_name == shown


def _page(count: int, results: int, limit: int, offset: int) -> Page[int]:
    return Page[int](count=count, results=list(range(results)), limit=limit, offset=offset)


def test_page_navigation_helpers() -> None:
    first = _page(count=250, results=100, limit=100, offset=0)
    assert (first.has_next, first.has_previous, first.next_offset) == (True, False, 100)
    assert (first.page_number, first.page_count) == (1, 3)
    last = _page(count=250, results=50, limit=100, offset=200)
    assert (last.has_next, last.has_previous, last.previous_offset) == (False, True, 100)
    assert (last.page_number, last.page_count) == (3, 3)


def test_page_steps_by_what_came_back_when_the_server_caps_the_limit() -> None:
    capped = _page(count=60, results=25, limit=100, offset=0)
    assert capped.has_next and capped.next_offset == 25


def test_empty_page() -> None:
    empty = _page(count=0, results=0, limit=100, offset=0)
    assert (empty.has_next, empty.page_number, empty.page_count) == (False, 1, 1)
    beyond = _page(count=5, results=0, limit=100, offset=100)
    assert not beyond.has_next
