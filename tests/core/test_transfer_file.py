"""core.transfer_file: reading both file formats, line/column problems, the client item id
recipe, and PostHog's export line."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from phtui.api.models import DatasetItem
from phtui.core.item_fields import EXPORT_KEYS
from phtui.core.transfer_file import (
    ItemFileError,
    ItemRecord,
    LineProblem,
    content_key,
    export_line,
    file_name,
    iso_timestamp,
    parse_record,
    read_items_file,
)


def _write(tmp_path: Path, content: str | bytes, name: str = "in.jsonl") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def _record(value: Any) -> ItemRecord:
    record = parse_record(1, value)
    assert isinstance(record, ItemRecord), record
    return record


# ------------------------------------------------------------------------------- reading


def test_both_formats_read_into_todays_names(tmp_path: Path) -> None:
    posthog = {
        "dataset_id": "d",
        "dataset_revision": 3,
        "item_id": "i1",
        "client_item_id": "ticket-1",
        "version": 2,
        "input": {"q": 1},
        "expected_output": "a",
        "source_output": "s",
        "metadata": {"m": 1},
        "source_trace_id": "t",
        "source_event_id": "e",
        "source_timestamp": "2026-05-04T10:12:33+00:00",
    }
    classic = {
        "id": "i2",
        "input": {"q": 2},
        "output": "b",
        "metadata": None,
        "ref_trace_id": "t2",
        "ref_timestamp": "2026-05-04T10:12:33Z",
        "ref_source_id": "e2",
        "created_at": "x",
        "updated_at": None,
        "deleted": False,
    }
    path = _write(tmp_path, json.dumps(posthog) + "\n" + json.dumps(classic) + "\n")

    read = read_items_file(path)

    assert read.problems == [] and read.total == 2
    first, second = read.records
    assert (first.client_item_id, first.derived, first.item_id, first.version) == (
        "ticket-1",
        False,
        "i1",
        2,
    )
    assert first.values["expected_output"] == "a" and first.values["source_output"] == "s"
    assert second.item_id == "i2" and second.derived
    assert second.values == {
        "input": {"q": 2},
        "expected_output": "b",
        "metadata": None,
        "source_trace_id": "t2",
        "source_timestamp": "2026-05-04T10:12:33Z",
        "source_event_id": "e2",
    }
    assert second.value("metadata") == {}


def test_a_byte_order_mark_and_crlf_line_ends_are_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path, b'\xef\xbb\xbf{"input": 1}\r\n\r\n{"input": 2}\r\n')
    read = read_items_file(path)
    assert read.problems == []
    assert [(r.line, r.values["input"]) for r in read.records] == [(1, 1), (3, 2)]


def test_a_file_that_is_not_utf8_is_refused_naming_line_column_and_byte(tmp_path: Path) -> None:
    path = _write(tmp_path, b'{"input": "ok"}\n{"input": "caf\xe9"}\n')
    with pytest.raises(ItemFileError) as caught:
        read_items_file(path)
    message = str(caught.value)
    assert "not UTF-8 text (line 2, column 15: byte 0xe9)" in message
    assert "\n" not in message


def test_missing_file_and_folder_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(ItemFileError, match="does not exist"):
        read_items_file(tmp_path / "nope.jsonl")
    with pytest.raises(ItemFileError, match="is a folder"):
        read_items_file(tmp_path)


def test_an_unterminated_object_is_reported_at_its_real_line_and_column(tmp_path: Path) -> None:
    lines = [json.dumps({"input": n}) for n in range(30)] + ['{"input": {"q": "open"}']
    read = read_items_file(_write(tmp_path, "\n".join(lines) + "\n"))
    (problem,) = read.problems
    assert (problem.line, problem.column) == (31, 24)
    assert str(problem) == "line 31, column 24: the line ends before its JSON object is closed"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"input": "abc', "line 1, column 11: invalid JSON: Unterminated string"),
        ('{"input": NaN}', "line 1, column 11: invalid JSON: NaN is not valid JSON"),
        ("[1, 2]", "line 1: expected a JSON object (one item), found an array"),
        ('"text"', "found a string"),
        ('{"inptu": 1}', "line 1: unknown field 'inptu': an item has input, expected_output"),
        ('{"input": 1, "output": 2, "expected_output": 3}', "'output' and 'expected_output'"),
        ('{"input": 1, "ref_trace_id": 5}', "'ref_trace_id' must be text or null"),
        ('{"input": 1, "client_item_id": 5}', "'client_item_id' must be text or null"),
        ('{"input": 1, "version": "2"}', "'version' must be a whole number"),
    ],
)
def test_bad_lines_say_where_and_what(tmp_path: Path, line: str, message: str) -> None:
    read = read_items_file(_write(tmp_path, line + "\n"))
    assert read.records == []
    (problem,) = read.problems
    assert message in str(problem)


def test_a_json_array_file_is_read_with_positions(tmp_path: Path) -> None:
    path = _write(tmp_path, json.dumps([{"input": 1}, [2], {"input": 3}], indent=2), "a.json")
    read = read_items_file(path)
    assert read.array and read.total == 3
    assert [r.where for r in read.records] == ["item 1", "item 3"]
    assert [str(p) for p in read.problems] == [
        "item 2: expected a JSON object (one item), found an array"
    ]


def test_repeated_items_are_left_out_and_key_clashes_refused(tmp_path: Path) -> None:
    lines = [
        {"input": {"a": 1}, "metadata": {"x": 1, "y": 2}},
        {"metadata": {"y": 2, "x": 1}, "input": {"a": 1}},  # same item, other key order
        {"client_item_id": "k", "input": 1},
        {"client_item_id": "k", "input": 2},
    ]
    read = read_items_file(_write(tmp_path, "".join(json.dumps(v) + "\n" for v in lines)))
    assert [r.line for r in read.records] == [1, 3]
    assert [str(p) for p in read.repeats] == ["line 2: the same item as line 1: left out"]
    (clash,) = read.invalid
    assert clash.line == 4 and "also on line 3, with other content" in clash.message


# ----------------------------------------------------------------------- the derived key


def test_the_derived_key_follows_the_documented_recipe() -> None:
    record = _record({"input": {"b": 1, "a": "é"}, "output": None})
    content = {
        "expected_output": None,
        "input": {"a": "é", "b": 1},
        "metadata": {},
        "source_event_id": None,
        "source_output": None,
        "source_timestamp": None,
        "source_trace_id": None,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    expected = "phtui-" + hashlib.sha256(text.encode()).hexdigest()[:32]
    assert record.derived and record.client_item_id == expected
    assert len(expected) == 38


def test_the_derived_key_ignores_layout_and_zone_spelling_but_not_values() -> None:
    base = {"input": {"a": 1, "b": [1, 2]}, "source_trace_id": "t"}
    same = [
        {"source_trace_id": "t", "input": {"b": [1, 2], "a": 1}},
        {**base, "metadata": None},
        {**base, "metadata": {}},
    ]
    key = _record(base).client_item_id
    assert all(_record(value).client_item_id == key for value in same)
    different = [
        {**base, "input": {"a": 1.0, "b": [1, 2]}},  # 1 and 1.0 differ, as PostHog says
        {**base, "input": {"a": True, "b": [1, 2]}},
        {**base, "input": {"a": 1, "b": [2, 1]}},
        {**base, "expected_output": None, "source_output": ""},
    ]
    assert all(_record(value).client_item_id != key for value in different)
    stamped = {**base, "source_timestamp": "2026-05-04T10:12:33Z"}
    also = {**base, "source_timestamp": "2026-05-04T12:12:33+02:00"}
    assert _record(stamped).client_item_id == _record(also).client_item_id


def test_items_exported_with_the_same_content_keep_their_own_keys() -> None:
    one = _record({"item_id": "i-1", "input": "same"})
    two = _record({"item_id": "i-2", "input": "same"})
    again = _record({"item_id": "i-1", "input": "same", "dataset_revision": 9})
    classic = _record({"id": "i-1", "input": "same"})
    assert one.client_item_id != two.client_item_id
    assert one.client_item_id == again.client_item_id == classic.client_item_id
    content = {**_key_content_of("same"), "item_id": "i-1"}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert one.client_item_id == "phtui-" + hashlib.sha256(text.encode()).hexdigest()[:32]


def _key_content_of(value: Any) -> dict[str, Any]:
    names = ("expected_output", "source_event_id", "source_output", "source_timestamp")
    return {"input": value, "metadata": {}, "source_trace_id": None} | dict.fromkeys(names)


def test_a_given_client_item_id_is_kept() -> None:
    assert _record({"client_item_id": "ticket-9", "input": 1}).client_item_id == "ticket-9"
    assert _record({"client_item_id": "", "input": 1}).derived  # empty: none given


def test_content_key_matches_the_key_of_a_record_with_that_content() -> None:
    values = {"input": [1], "expected_output": {"x": None}, "metadata": {"k": "v"}}
    assert content_key(values) == _record(values).client_item_id


# ------------------------------------------------------------------------------- writing


def _item(**fields: Any) -> DatasetItem:
    base: dict[str, Any] = {
        "id": "019f-item",
        "dataset": "019f-dataset",
        "client_item_id": None,
        "version": 3,
        "input": {"q": "Où est ma commande ?"},
        "expected_output": None,
        "source_output": None,
        "metadata": {},
    }
    return DatasetItem.model_validate(base | fields)


def test_export_line_is_posthogs_format() -> None:
    item = _item(
        client_item_id="ticket-4821",
        source_trace_id="trace_abc",
        source_event_id="event_def",
        source_timestamp="2026-05-04T10:12:33Z",
    )
    line = export_line(item, 12)
    assert list(json.loads(line)) == list(EXPORT_KEYS)
    assert line == (
        '{"dataset_id":"019f-dataset","dataset_revision":12,"item_id":"019f-item",'
        '"client_item_id":"ticket-4821","version":3,"input":{"q":"Où est ma commande ?"},'
        '"expected_output":null,"source_output":null,"metadata":{},"source_trace_id":'
        '"trace_abc","source_event_id":"event_def","source_timestamp":'
        '"2026-05-04T10:12:33+00:00"}'
    )


def test_timestamps_are_written_in_utc_with_microseconds_only_when_set() -> None:
    assert iso_timestamp(datetime(2026, 5, 4, 10, 12, 33, tzinfo=UTC)) == (
        "2026-05-04T10:12:33+00:00"
    )
    two_hours = timezone(timedelta(hours=2))
    assert iso_timestamp(datetime(2026, 5, 4, 12, 0, 0, 5, tzinfo=two_hours)) == (
        "2026-05-04T10:00:00.000005+00:00"
    )
    assert iso_timestamp("2026-05-04T10:12:33") == "2026-05-04T10:12:33+00:00"
    assert iso_timestamp("yesterday") == "yesterday"
    assert iso_timestamp(None) is None


def test_file_names_follow_posthogs_slug() -> None:
    assert file_name("Support answers", 612) == "support-answers-r612.jsonl"
    assert file_name("Ünïcode / names!", None, "json") == "unicode-names.json"
    assert file_name("***", None) == "dataset.jsonl"


def test_line_problems_read_as_file_positions() -> None:
    assert str(LineProblem(3, "bad", column=7)) == "line 3, column 7: bad"
    assert str(LineProblem(1_200, "bad")) == "line 1,200: bad"
    assert str(LineProblem(2, "bad", array=True)) == "item 2: bad"
