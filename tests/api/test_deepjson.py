"""The iterative JSON parser reads what `json` reads, at any depth, and marks what is too deep."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phtui.api.deepjson import TOO_DEEP, loads, loads_on_fresh_stack, mark_too_deep, safe_depth

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


def nested(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


@given(json_values, st.sampled_from([None, 2]), st.booleans())
def test_reads_what_json_reads(value: Any, indent: int | None, ascii_only: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    assert loads(text, max_depth=10_000) == json.loads(text)
    assert loads(text.encode(), max_depth=10_000) == json.loads(text)


def test_far_deeper_than_the_recursion_limit() -> None:
    depth = sys.getrecursionlimit() * 20
    text = "[" * depth + "]" * depth
    with pytest.raises(RecursionError):
        json.loads(text)
    value = loads(text, max_depth=depth)
    for _ in range(depth - 1):
        value = value[0]
    assert value == []


def test_containers_past_the_limit_become_too_deep() -> None:
    text = json.dumps({"a": [1, {"b": [2]}], "c": "x", "d": {}})
    assert loads(text, max_depth=2) == {"a": [1, TOO_DEEP], "c": "x", "d": {}}
    assert loads(text, max_depth=1) == {"a": TOO_DEEP, "c": "x", "d": TOO_DEEP}
    assert loads("[[]]", max_depth=1) == [TOO_DEEP]


@pytest.mark.parametrize(
    "text", ["", "[", "[1,]", '{"a" 1}', '{"a":1,}', "[1] 2", "{1: 2}", "nul", '"open', "01"]
)
def test_rejects_what_is_not_json(text: str) -> None:
    with pytest.raises(ValueError):
        json.loads(text)
    with pytest.raises(ValueError):
        loads(text, max_depth=10)


def test_rows_holding_too_deep_values_become_placeholders() -> None:
    page = {
        "count": 3,
        "next": None,
        "results": [
            {"id": "a", "input": {"q": 1}, "metadata": {}},
            {"id": "b", "input": nested(50), "metadata": {"ok": 1}, "version": 2},
            {"id": "c", "input": 1, "created_by": nested(50)},
        ],
    }
    data = loads(json.dumps(page), max_depth=20)
    marked, skipped = mark_too_deep(data)
    assert skipped == ["b", "c"]
    first, second, third = marked["results"]
    assert first == page["results"][0]
    assert second == {"id": "b", "input": None, "metadata": None, "version": 2, "too_deep": True}
    assert third == {"id": "c", "input": None, "created_by": None, "too_deep": True}


def test_a_single_row_and_rows_without_too_deep_values() -> None:
    row = loads(json.dumps({"id": "x", "input": nested(30)}), max_depth=10)
    assert mark_too_deep(row) == ({"id": "x", "input": None, "too_deep": True}, ["x"])
    shallow = {"count": 1, "results": [{"id": "y", "input": [1]}]}
    assert mark_too_deep(shallow) == (shallow, [])


def test_too_deep_outside_any_row_cannot_be_read_in_part() -> None:
    with pytest.raises(ValueError, match="outside any row"):
        mark_too_deep(loads(json.dumps([nested(30)]), max_depth=10))


def test_safe_depth_leaves_room_below_the_recursion_limit() -> None:
    depth = safe_depth()
    assert 0 < depth < sys.getrecursionlimit() - 100
    json.loads("[" * depth + "]" * depth)  # what it allows, recursive code here can handle


def _from_a_deep_stack(frames: int, text: str) -> Any:
    if frames:
        return _from_a_deep_stack(frames - 1, text)
    return loads_on_fresh_stack(text)


def test_a_deep_caller_still_reads_what_python_can_write() -> None:
    depth = sys.getrecursionlimit() - 60
    text = "[" * depth + "]" * depth
    with pytest.raises(RecursionError):
        _deep_json_loads(sys.getrecursionlimit() // 2, text)
    value = _from_a_deep_stack(sys.getrecursionlimit() // 2, text)
    assert isinstance(value, list)
    with pytest.raises(RecursionError):  # beyond any stack: left to `loads`
        loads_on_fresh_stack("[" * 5000 + "]" * 5000)


def _deep_json_loads(frames: int, text: str) -> Any:
    if frames:
        return _deep_json_loads(frames - 1, text)
    return json.loads(text)
