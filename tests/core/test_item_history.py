"""Tests of phtui.core.item_history: version rows, version diffs and bringing a version back."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from phtui.core.edit_session import Patch
from phtui.core.item_history import (
    Archive,
    Restore,
    Step,
    VersionState,
    bring_back,
    steps_to,
    undo_steps,
    version_diff,
    what_changed,
)

V1 = VersionState(1, False, {"input": "q", "expected_output": None, "metadata": {}})
V2 = VersionState(2, False, {**V1.values, "expected_output": "a", "metadata": {"ok": True}})
V3 = VersionState(3, True, V2.values)  # archived


def test_rows_say_what_each_version_changed() -> None:
    assert what_changed(None, V1) == "created"
    assert what_changed(V1, V2) == "expected_output, metadata"
    assert what_changed(V2, V3) == "archived"
    assert what_changed(V3, VersionState(4, False, V1.values)) == (
        "restored; expected_output, metadata"
    )
    assert what_changed(V1, VersionState(2, False, dict(V1.values))) == "no change"


def test_the_diff_names_fields_and_paths() -> None:
    assert [str(change) for change in version_diff(V1, V2)] == [
        '~ expected_output: null → "a"',
        "+ metadata.ok: true",
    ]
    assert [str(change) for change in version_diff(V2, V3)] == ["~ archived: false → true"]
    assert [str(change) for change in version_diff(None, V1)] == [
        '+ input: "q"',
        "+ expected_output: null",
        "+ metadata: {}",
    ]


def test_bringing_back_on_an_active_item_is_a_patch_of_what_differs() -> None:
    # Restore with source_version is refused on an active item (409 dataset_item_active).
    assert bring_back(V2, V1) == (Patch({"expected_output": None, "metadata": {}}, 2),)


def test_bringing_back_on_an_archived_item_is_a_restore_from_that_version() -> None:
    assert bring_back(V3, V1) == (Restore(1),)
    assert bring_back(V3, V2) == (Restore(None),)  # same content: a plain restore


def test_bringing_back_the_current_content_is_nothing() -> None:
    assert bring_back(V2, VersionState(2, False, dict(V2.values))) == ()


def test_undo_returns_to_the_state_before() -> None:
    after_archive = VersionState(4, True, V2.values)
    assert undo_steps(V2, after_archive) == (Restore(None),)
    after_restore = VersionState(4, False, V1.values)  # restored from version 1
    assert undo_steps(V3, after_restore) == (
        Patch({"expected_output": "a", "metadata": {"ok": True}}, 4),
        Archive(),
    )
    after_patch = VersionState(3, False, V1.values)
    assert undo_steps(V2, after_patch) == (
        Patch({"expected_output": "a", "metadata": {"ok": True}}, 3),
    )


values = st.sampled_from([None, "a", 1, {"k": 1}])
states = st.builds(
    VersionState,
    st.integers(1, 9),
    st.booleans(),
    st.fixed_dictionaries({"input": values, "expected_output": values, "metadata": values}),
)


def apply(state: VersionState, steps: tuple[Step, ...], history: dict[int, Any]) -> VersionState:
    """What the server does with the steps (api-revisioned.md section 9), refusing what it
    refuses."""
    for step in steps:
        version = state.version + 1
        if isinstance(step, Patch):
            assert not state.archived, "PATCH of an archived item: 409"
            state = VersionState(version, False, {**state.values, **step.fields})
        elif isinstance(step, Archive):
            assert not state.archived, "archive of an archived item: 409"
            state = VersionState(version, True, state.values)
        else:
            assert state.archived, "restore of an active item: 409 dataset_item_active"
            source = history[step.source_version] if step.source_version else state.values
            state = VersionState(version, False, source)
        history[version] = state.values
    return state


@given(states, states, st.booleans())
def test_the_steps_reach_the_target_and_the_server_accepts_them(
    current: VersionState, target: VersionState, archived: bool
) -> None:
    history = {target.version: target.values, current.version: current.values}
    if target.version == current.version:
        target = VersionState(target.version, target.archived, current.values)
        history[target.version] = current.values
    reached = apply(current, steps_to(current, target, archived=archived), history)
    assert reached.archived == archived
    assert reached.content() == target.content()
