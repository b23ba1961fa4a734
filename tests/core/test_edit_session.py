"""Tests of phtui.core.edit_session: plans, three-way merges, and never reverting others' work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phtui.core.edit_session import CreateAttempt, EditSession, Nothing, Patch

BASE = {"input": {"q": "hi"}, "expected_output": "hello", "metadata": {"tone": "calm"}}


def session(version: int | None = 3) -> EditSession:
    return EditSession(dict(BASE), version)


def test_an_untouched_edit_plans_nothing() -> None:
    assert isinstance(session().plan(dict(BASE)), Nothing)


def test_a_plan_sends_only_the_changed_fields_with_the_base_version() -> None:
    mine = {**BASE, "expected_output": "Hello!"}
    assert session().plan(mine) == Patch({"expected_output": "Hello!"}, 3)


def test_key_order_is_not_a_change_but_a_type_is() -> None:
    assert isinstance(session().plan({**BASE, "metadata": {"tone": "calm"}}), Nothing)
    assert session().plan({**BASE, "input": {"q": "hi"}, "metadata": {"tone": 1}}) == Patch(
        {"metadata": {"tone": 1}}, 3
    )


def test_the_other_writers_field_is_never_reverted() -> None:
    # Issue: edit only the output; another writer changes output and metadata; "overwrite with
    # mine" sent metadata too and wiped the other writer's change.
    mine = {**BASE, "expected_output": "mine"}
    theirs = {**BASE, "expected_output": "theirs", "metadata": {"tone": "angry"}}
    merge = session().merge(theirs, mine, server_version=5)
    assert merge.conflicts == ["expected_output"]
    assert [(f.name, f.state) for f in merge.differing] == [
        ("expected_output", "conflict"),
        ("metadata", "theirs"),
    ]
    # Asking for "mine" on a field only the other writer changed reverts nothing.
    assert merge.resolve({"expected_output": "mine", "metadata": "mine"}) == Patch(
        {"expected_output": "mine"}, 5
    )
    assert merge.resolve({"expected_output": "mine"}) == Patch({"expected_output": "mine"}, 5)
    assert merge.result({"expected_output": "mine"})["metadata"] == {"tone": "angry"}
    assert isinstance(merge.resolve({"expected_output": "theirs"}), Nothing)


def test_changes_on_different_fields_merge_by_themselves() -> None:
    mine = {**BASE, "input": {"q": "hey"}}
    theirs = {**BASE, "metadata": {}}
    merge = session().merge(theirs, mine, server_version=4)
    assert merge.conflicts == []
    assert merge.resolve() == Patch({"input": {"q": "hey"}}, 4)
    assert merge.result() == {**BASE, "input": {"q": "hey"}, "metadata": {}}


def test_a_conflict_must_be_chosen() -> None:
    merge = session().merge({**BASE, "input": 1}, {**BASE, "input": 2}, server_version=4)
    with pytest.raises(ValueError, match="input"):
        merge.resolve()


def test_the_same_change_on_both_sides_is_no_conflict_and_nothing_to_send() -> None:
    both = {**BASE, "expected_output": "same"}
    merge = session().merge(both, both, server_version=4)
    assert merge.conflicts == []
    assert isinstance(merge.resolve(), Nothing)


def test_a_lost_answer_that_committed_is_recognised() -> None:
    s = session()
    patch = s.plan({**BASE, "expected_output": "new"})
    assert isinstance(patch, Patch)
    assert s.applied({**BASE, "expected_output": "new"}, patch)
    assert not s.applied(BASE, patch)


def test_rebase_starts_over_from_the_server() -> None:
    s = session()
    s.rebase({**BASE, "expected_output": "saved", "extra": 1}, 4)
    assert s.base_version == 4
    assert s.baseline == {**BASE, "expected_output": "saved"}
    assert isinstance(s.plan({**BASE, "expected_output": "saved"}), Nothing)


values = st.one_of(st.none(), st.integers(0, 3), st.sampled_from(["a", "b"]))
sides = st.fixed_dictionaries({"input": values, "expected_output": values, "metadata": values})


@given(
    sides,
    sides,
    sides,
    st.dictionaries(st.sampled_from(list(BASE)), st.sampled_from(["mine", "theirs"])),
)
def test_a_resolution_sends_only_fields_the_user_changed(
    base: dict[str, Any], theirs: dict[str, Any], mine: dict[str, Any], picks: dict[str, Any]
) -> None:
    s = EditSession(base, 1)
    merge = s.merge(theirs, mine, server_version=2)
    overrides = {**{name: "mine" for name in merge.conflicts}, **picks}
    plan = merge.resolve(overrides)
    changed_by_me = set(s.changed(mine))
    if isinstance(plan, Patch):
        assert set(plan.fields) <= changed_by_me
        assert plan.base_version == 2
        # Applying the patch to the server's copy gives exactly the chosen result.
        assert {**theirs, **plan.fields} == merge.result(overrides)


def test_moved_tells_another_writer_from_the_baseline() -> None:
    s = session(None)
    assert not s.moved({**BASE, "metadata": {"tone": "calm"}, "extra": "not a field"})
    assert s.moved({**BASE, "metadata": {"tone": "calm", "by": "someone"}})


NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def test_a_lost_create_is_recognised_by_content_and_time() -> None:
    sent = {
        "input": {"q": "hi"},
        "expected_output": None,
        "metadata": {},
        "source_timestamp": "2026-05-04T10:12:33Z",
    }
    attempt = CreateAttempt(sent, NOW)
    made = {**sent, "source_timestamp": "2026-05-04T10:12:33+00:00", "id": "x"}
    assert attempt.made(made, NOW + timedelta(seconds=1))
    assert attempt.made(made, NOW - timedelta(minutes=1))  # the server's clock may lag
    assert not attempt.made(made, NOW - timedelta(hours=1))  # an older twin is not it
    assert not attempt.made({**made, "metadata": {"n": 1}}, NOW)
    assert not attempt.made({**made, "source_timestamp": "2026-05-04T10:12:34Z"}, NOW)
    assert not attempt.made({**made, "source_timestamp": "not a time"}, NOW)
    assert attempt.made(made, None)
