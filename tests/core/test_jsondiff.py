"""Tests of phtui.core.jsondiff: the one structural diff."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from phtui.core.jsondiff import Change, changed_keys, diff, format_path, same_json

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=12,
)


def test_equal_values_have_no_changes_whatever_the_key_order() -> None:
    assert diff({"a": 1, "b": [1, {"c": 2}]}, {"b": [1, {"c": 2}], "a": 1}) == []


def test_types_matter_as_postHog_compares_them() -> None:
    assert not same_json(1, 1.0)
    assert not same_json(1, True)
    assert not same_json("1", 1)
    assert diff({"n": 1}, {"n": 1.0}) == [Change(("n",), "changed", 1, 1.0)]


def test_added_removed_and_changed_keys_with_paths() -> None:
    old = {"input": {"q": "hi", "lang": "en"}, "metadata": {"a b": 1}}
    new = {"input": {"q": "hello", "tone": "calm"}, "metadata": {}}
    changes = diff(old, new)
    assert [(format_path(c.path), c.kind) for c in changes] == [
        ("input.q", "changed"),
        ("input.lang", "removed"),
        ('metadata["a b"]', "removed"),
        ("input.tone", "added"),
    ] or [(format_path(c.path), c.kind) for c in changes] == [
        ("input.q", "changed"),
        ("input.lang", "removed"),
        ("input.tone", "added"),
        ('metadata["a b"]', "removed"),
    ]


def test_an_inserted_chat_message_is_one_addition() -> None:
    old = {"messages": [{"role": "system"}, {"role": "user", "content": "a"}]}
    new = {
        "messages": [{"role": "system"}, {"role": "assistant"}, {"role": "user", "content": "a"}]
    }
    assert diff(old, new) == [Change(("messages", 1), "added", new={"role": "assistant"})]


def test_an_element_edited_in_place_is_reported_inside_it() -> None:
    old = [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]
    new = [{"role": "user", "content": "A"}, {"role": "assistant", "content": "b"}]
    assert diff(old, new) == [Change((0, "content"), "changed", "a", "A")]


def test_swapped_elements_are_a_removal_and_an_addition() -> None:
    assert [c.kind for c in diff(["x", "y"], ["y", "x"])] == ["removed", "added"]


def test_long_arrays_are_aligned_by_position() -> None:
    old = list(range(500))
    new = [*range(499), -1]
    assert diff(old, new) == [Change((499,), "changed", 499, -1)]


def test_changed_keys_are_the_fields_a_patch_sends() -> None:
    assert changed_keys({"a": 1, "b": {"x": [1]}}, {"a": 1, "b": {"x": [2]}, "c": None}) == [
        "b",
        "c",
    ]


def test_str_reads_as_a_diff_line() -> None:
    assert str(Change(("input", "q"), "changed", "hi", "hello")) == '~ input.q: "hi" → "hello"'
    assert str(Change(("tags", 0), "added", new="vip")) == '+ tags[0]: "vip"'


@given(json_values, json_values)
def test_a_diff_is_empty_exactly_when_the_values_are_equal(a: Any, b: Any) -> None:
    assert (diff(a, b) == []) == same_json(a, b)
