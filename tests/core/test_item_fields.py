"""Tests of phtui.core.item_fields: PostHog's item rules, checked before sending."""

from __future__ import annotations

from phtui.core.item_fields import (
    ITEM_PAYLOAD_LIMIT,
    check_create,
    check_update,
    compact_size,
    editable_fields,
)


def test_compact_size_is_measured_as_postHog_does() -> None:
    assert compact_size({"b": 1, "a": "é"}) == len('{"a":"é","b":1}'.encode())


def test_editable_fields_per_generation() -> None:
    assert editable_fields("revisioned") == ("input", "expected_output", "metadata")
    assert "source_trace_id" in editable_fields("classic")


def test_update_rules() -> None:
    assert check_update({"input": {"q": 1}, "metadata": {}}) is None
    problem = check_update({"input": None, "metadata": {}})
    assert problem is not None and problem.field == "input"
    problem = check_update({"input": 1, "metadata": []})
    assert problem is not None and problem.field == "metadata"
    problem = check_update({"input": "x" * ITEM_PAYLOAD_LIMIT, "metadata": {}})
    assert problem is not None and "406,666" in problem.message


def test_provenance_pairing_rules() -> None:
    ok = {"input": 1, "source_trace_id": "t", "source_timestamp": "2026-05-04T10:12:33Z"}
    assert check_create(ok) is None
    problem = check_create({"input": 1, "source_trace_id": "t"})
    assert problem is not None and problem.field == "source_timestamp"
    problem = check_create({"input": 1, "source_event_id": "e"})
    assert problem is not None and problem.field == "source_trace_id"
    problem = check_create({**ok, "source_timestamp": "yesterday"})
    assert problem is not None and problem.field == "source_timestamp"


def test_text_ids_may_not_be_blank_or_too_long() -> None:
    problem = check_create({"input": 1, "client_item_id": "  "})
    assert problem is not None and problem.field == "client_item_id"
    problem = check_create({"input": 1, "client_item_id": "x" * 256})
    assert problem is not None and "255" in problem.message
