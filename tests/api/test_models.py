"""Models read what real servers send, both dataset API generations included."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from phtui.api.models import CurrentUser, DataColorTheme, Dataset, DatasetItem, Page, UserBasic

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


def test_gen_a_dataset() -> None:
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
    assert (dataset.team, dataset.deleted, dataset.metadata) == (12345, False, {"owner": "ml-team"})


def test_gen_b_names_are_aliases() -> None:
    item = DatasetItem.model_validate(
        {
            "id": "i1",
            "dataset": "d1",
            "input": {"messages": []},
            "expected_output": {"content": "hi"},
            "source_trace_id": "trace-1",
            "source_event_id": "gen-1",
            "source_timestamp": "2025-04-01T12:00:00Z",
            "archived": True,
            "team_id": 5,
            "version": 3,
        }
    )
    assert item.output == {"content": "hi"}
    assert (item.ref_trace_id, item.ref_source_id) == ("trace-1", "gen-1")
    assert item.ref_timestamp == datetime(2025, 4, 1, 12, tzinfo=UTC)
    assert (item.deleted, item.team) == (True, 5)
    dataset = Dataset.model_validate({"id": "d1", "name": "n", "archived": False, "team_id": 9})
    assert (dataset.deleted, dataset.team) == (False, 9)


def test_gen_a_names_win_and_fields_can_be_set_by_name() -> None:
    item = DatasetItem(id="i", dataset="d", output=1, ref_trace_id="t", deleted=None)
    assert (item.output, item.ref_trace_id, item.deleted) == (1, "t", None)


def test_minimal_rows_default_everything_optional() -> None:
    item = DatasetItem.model_validate({"id": "i", "dataset": "d"})
    assert (item.input, item.output, item.metadata, item.created_by) == (None, None, None, None)


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
