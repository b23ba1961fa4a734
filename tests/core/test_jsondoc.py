"""Tests of phtui.core.jsondoc: error locations, formatting, field diffs and one-line previews."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from phtui.core.jsondoc import (
    EMPTY_MESSAGE,
    JsonDocError,
    JsonError,
    byte_size,
    canonical,
    changed_fields,
    check_json,
    escape_unsafe,
    format_text,
    parse_json,
    pretty,
)
from phtui.core.preview import one_line_preview, summarize
from phtui.core.text import is_unsafe

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


# --- parse_json / check_json ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ['{"a": [1, 2.5, true, null, "x"]}', "null", "0", '"text"', "[]", "  {}\n"]
)
def test_parse_json_reads_valid_documents(text: str) -> None:
    assert parse_json(text) == json.loads(text)
    assert check_json(text) is None


def test_error_names_the_problem_line_and_column() -> None:
    text = '{\n  "a": 1,\n  "b": 2\n  "c": 3\n}'
    with pytest.raises(JsonDocError) as caught:
        parse_json(text)
    assert caught.value.error == JsonError("Expecting ',' delimiter", 4, 3)
    assert str(caught.value) == "Expecting ',' delimiter at line 4, column 3"
    assert check_json(text) == caught.value.error


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("{", 1, 2),
        ('{"a": }', 1, 7),
        ("[1, 2,]", 1, 7),
        ('{"a": 1}\nextra', 2, 1),
        ("{'a': 1}", 1, 2),
        ('"unterminated', 1, 1),
        ('[\n  "tab\there"\n]', 2, 7),
        ('["日本", x]', 1, 8),  # columns count characters, not bytes or cells
    ],
)
def test_error_locations(text: str, line: int, column: int) -> None:
    error = check_json(text)
    assert error is not None
    assert (error.line, error.column) == (line, column)


@pytest.mark.parametrize("text", ["", " ", "\n\t \n"])
def test_empty_text_is_an_error_with_a_hint(text: str) -> None:
    with pytest.raises(JsonDocError) as caught:
        parse_json(text)
    assert str(caught.value) == EMPTY_MESSAGE == "Empty: enter JSON such as {} or null"
    assert caught.value.error == JsonError(EMPTY_MESSAGE, 1, 1)


@pytest.mark.parametrize(
    ("text", "name", "line", "column"),
    [
        ("NaN", "NaN", 1, 1),
        ('{"x": [1,\n  Infinity]}', "Infinity", 2, 3),
        ('{"NaN": "Infinity", "y": -Infinity}', "-Infinity", 1, 26),
        ('["a \\" NaN", NaN]', "NaN", 1, 14),
    ],
)
def test_non_standard_constants_are_rejected_where_they_are(
    text: str, name: str, line: int, column: int
) -> None:
    error = check_json(text)
    assert error == JsonError(f"{name} is not valid JSON: use null or a number", line, column)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    error = check_json("[" * 200_000 + "]" * 200_000)
    assert error is not None
    assert "Nested too deeply" in error.message


def test_json_doc_error_is_a_value_error() -> None:
    assert issubclass(JsonDocError, ValueError)


@given(json_values)
def test_parse_json_reads_whatever_pretty_writes(value: Any) -> None:
    assert parse_json(pretty(value)) == value


# --- pretty / format_text ------------------------------------------------------------------------


def test_pretty_indents_by_two_keeps_key_order_and_unicode() -> None:
    value = {"z": 1, "a": ["é", "日本"], "m": {}}
    assert pretty(value) == '{\n  "z": 1,\n  "a": [\n    "é",\n    "日本"\n  ],\n  "m": {}\n}'


def test_pretty_spells_unsafe_characters_as_escapes_with_the_same_value() -> None:
    value = {"name\u202e": "a\x1b]52;c;eA==\x07\x9b\u200b\u2028\x7f\U000e0001\ud800 é\n"}
    text = pretty(value)
    assert not [char for char in text if char != "\n" and is_unsafe(char)]
    assert '"name\\u202e": "a\\u001b]52;c;eA==\\u0007\\u009b\\u200b' in text
    assert "\\udb40\\udc01" in text and "é" in text  # a surrogate pair; safe text kept
    assert parse_json(text) == value


@given(st.text())
def test_pretty_text_is_always_safe_and_reads_back(text: str) -> None:
    shown = pretty({"k": text})
    assert not [char for char in shown if char != "\n" and is_unsafe(char)]
    assert parse_json(shown) == {"k": text}


def test_escape_unsafe_keeps_newlines_and_tabs() -> None:
    assert escape_unsafe('["\x1b"]\t\n') == '["\\u001b"]\t\n'


def test_format_text_reformats_and_reports_errors() -> None:
    assert format_text('{"b":1,"a":[true]}') == '{\n  "b": 1,\n  "a": [\n    true\n  ]\n}'
    with pytest.raises(JsonDocError):
        format_text("{")


@given(json_values)
def test_format_text_is_idempotent(value: Any) -> None:
    once = format_text(json.dumps(value))
    assert format_text(once) == once


def test_pretty_refuses_nan() -> None:
    with pytest.raises(ValueError):
        pretty(float("nan"))


# --- changed_fields ------------------------------------------------------------------------------


def test_changed_fields_keeps_only_differences() -> None:
    original = {"input": {"q": "hi"}, "output": "a", "metadata": None}
    edited = {"input": {"q": "hi"}, "output": "b", "metadata": None}
    assert changed_fields(original, edited) == {"output": "b"}


@pytest.mark.parametrize(
    ("before", "after"),
    [(1, 1.0), (1, True), (0, False), (None, False), ("1", 1), ([1], [1.0]), ({}, []), ("", None)],
)
def test_json_types_are_not_conflated(before: Any, after: Any) -> None:
    assert changed_fields({"x": before}, {"x": after}) == {"x": after}


def test_object_key_order_is_not_a_change() -> None:
    assert changed_fields({"m": {"a": 1, "b": 2}}, {"m": {"b": 2, "a": 1}}) == {}


def test_new_keys_are_changes_and_removed_keys_are_not() -> None:
    assert changed_fields({"a": 1, "gone": 2}, {"a": 1, "new": None}) == {"new": None}


def test_non_json_values_are_refused_clearly() -> None:
    with pytest.raises(TypeError):
        changed_fields({"a": 1}, {"a": {1, 2}})


@given(st.dictionaries(st.text(max_size=5), json_values, max_size=5))
def test_nothing_changed_means_an_empty_diff(fields: dict[str, Any]) -> None:
    assert changed_fields(fields, json.loads(json.dumps(fields))) == {}


@given(
    st.dictionaries(st.sampled_from("abcde"), json_values, max_size=5),
    st.dictionaries(st.sampled_from("abcde"), json_values, max_size=5),
)
def test_applying_the_diff_gives_the_edit(original: dict[str, Any], edited: dict[str, Any]) -> None:
    diff = changed_fields(original, edited)
    assert set(diff) <= set(edited)
    patched = {**original, **diff}
    for key, value in edited.items():
        assert canonical(patched[key]) == canonical(value)
    for key in diff:
        assert key not in original or canonical(original[key]) != canonical(edited[key])


# --- one_line_preview ----------------------------------------------------------------------------


def test_preview_is_compact_json() -> None:
    assert one_line_preview({"q": "hi", "n": [1, 2]}, 80) == '{"q": "hi", "n": [1, 2]}'
    assert one_line_preview("text", 80) == '"text"'
    assert one_line_preview(None, 80) == "null"


def test_preview_escapes_newlines_and_control_characters() -> None:
    value = "a\nb\rc\td\x00e\x1bf\x7fg\u2028h\u2029i\u202ej\u0085k\ue000l"
    preview = one_line_preview(value, 200)
    assert preview == (
        '"a\\nb\\rc\\td\\u0000e\\u001bf\\u007fg\\u2028h\\u2029i\\u202ej\\u0085k\\ue000l"'
    )


def test_preview_truncates_with_an_ellipsis() -> None:
    assert one_line_preview("abcdefghij", 8) == '"abcdef…'
    assert one_line_preview("abcdef", 8) == '"abcdef"'
    assert one_line_preview("abcdefg", 8) == '"abcdef…'
    assert one_line_preview([1], 1) == "…"
    assert one_line_preview([1], 0) == ""
    assert one_line_preview([1], -3) == ""


def test_preview_counts_wide_characters_as_two_cells() -> None:
    assert one_line_preview("日本語", 8) == '"日本語"'
    assert one_line_preview("日本語", 7) == '"日本…'
    assert one_line_preview("日本語", 6) == '"日本…'
    assert cell_len(one_line_preview("日本語", 6)) == 6


def test_preview_shows_non_json_values_as_text() -> None:
    from datetime import UTC, datetime

    moment = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert one_line_preview({"at": moment}, 80) == '{"at": "2025-01-02 03:04:05+00:00"}'


def test_preview_of_a_megabyte_is_one_short_line() -> None:
    value = {"text": "x" * 1_000_000, "more": ["y\n" * 1000]}
    preview = one_line_preview(value, 60)
    assert len(preview) <= 60
    assert preview.startswith('{"text": "xxx') and preview.endswith("…")


any_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(any_values, st.integers(min_value=-2, max_value=120))
def test_preview_is_one_line_within_the_width(value: Any, width: int) -> None:
    preview = one_line_preview(value, width)
    assert cell_len(preview) <= max(width, 0)
    assert len(preview.splitlines()) <= 1
    assert all(ch.isprintable() or unicodedata.category(ch) == "Zs" for ch in preview)


@given(json_values, st.integers(min_value=1, max_value=120))
def test_preview_is_the_whole_value_or_a_prefix_with_an_ellipsis(value: Any, width: int) -> None:
    full = one_line_preview(value, 1_000_000)
    preview = one_line_preview(value, width)
    if preview != full:
        assert preview.endswith("…")
        assert full.startswith(preview[:-1])
        assert cell_len(full) > width


# --- summarize ---------------------------------------------------------------------------------

CHAT = [
    {"role": "system", "content": "You are a support agent."},
    {"role": "user", "content": "Where is my order?"},
    {"role": "assistant", "content": "It left yesterday."},
    {"role": "user", "content": "And the invoice?"},
]


def test_summary_of_chat_messages_is_the_last_user_message() -> None:
    assert summarize({"messages": CHAT}, 80) == "user: And the invoice?"
    assert summarize(CHAT, 80) == "user: And the invoice?"
    assert summarize({"system": "x", "messages": CHAT[:2]}, 80) == "user: Where is my order?"


def test_summary_of_chat_without_user_is_the_last_message() -> None:
    assert summarize([CHAT[0]], 80) == "system: You are a support agent."


def test_summary_reads_text_parts_of_a_content_list() -> None:
    parts = [{"type": "text", "text": "Describe"}, {"type": "image_url", "image_url": {}}]
    assert summarize([{"role": "user", "content": parts}], 80) == "user: Describe"
    assert summarize({"content": [{"type": "image"}]}, 80) == '[{"type": "image"}]'


def test_summary_of_a_message_or_completion_is_its_content() -> None:
    assert summarize({"content": "It left yesterday."}, 80) == "It left yesterday."
    assert summarize({"role": "assistant", "content": "Yes."}, 80) == "Yes."
    completion = {"choices": [{"message": {"role": "assistant", "content": "Done."}}]}
    assert summarize(completion, 80) == "Done."


def test_summary_of_other_objects_is_key_value_pairs() -> None:
    metadata = {"tags": ["support", "vip"], "score": 0.5, "model": "gpt-4o", "note": "two words"}
    assert summarize(metadata, 200) == 'tags=support,vip score=0.5 model=gpt-4o note="two words"'
    assert summarize({"mixed": ["a b", "c"], "empty": []}, 80) == 'mixed=["a b", "c"] empty=[]'
    assert summarize({"ok": True, "n": None}, 80) == "ok=true n=null"


def test_summary_falls_back_to_the_json_preview() -> None:
    assert summarize({}, 80) == "{}"
    assert summarize([1, 2], 80) == "[1, 2]"
    assert summarize("text", 80) == '"text"'
    assert summarize(None, 80) == "null"


def test_summary_collapses_whitespace_and_escapes_controls() -> None:
    assert summarize({"content": "  one\n\n two\tthree \u2028four  "}, 80) == "one two three four"
    assert summarize({"content": "a\x1b[31mb\x00"}, 80) == "a\\u001b[31mb\\u0000"


def test_summary_keeps_markup_literal_and_cuts_with_an_ellipsis() -> None:
    assert summarize({"content": "[bold]hi[/bold]"}, 80) == "[bold]hi[/bold]"
    assert summarize({"content": "abcdefghij"}, 6) == "abcde…"
    assert summarize({"content": "日本語"}, 5) == "日本…"
    assert summarize({"content": "x"}, 0) == ""


def test_summary_reads_only_the_start_of_a_huge_content() -> None:
    huge = {"messages": [{"role": "user", "content": "word " * 2_000_000}]}
    assert summarize(huge, 20) == "user: word word wor…"


messages = st.lists(
    st.fixed_dictionaries(
        {"role": st.sampled_from(["user", "assistant", "system", "tool"]), "content": any_values}
    ),
    min_size=1,
    max_size=4,
)


@given(
    any_values | messages | st.fixed_dictionaries({"messages": messages}),
    st.integers(min_value=-2, max_value=120),
)
def test_summary_is_one_line_within_the_width(value: Any, width: int) -> None:
    summary = summarize(value, width)
    assert cell_len(summary) <= max(width, 0)
    assert "\n" not in summary and len(summary.splitlines()) <= 1
    assert all(ch.isprintable() for ch in summary)


# --- byte_size -----------------------------------------------------------------------------------


def test_byte_size_counts_utf8_bytes() -> None:
    assert byte_size("") == 0
    assert byte_size("abc") == 3
    assert byte_size("é") == 2
    assert byte_size("日本") == 6
    assert byte_size("👍") == 4
    assert byte_size("\ud800") == 3  # a lone surrogate is counted, not an error
