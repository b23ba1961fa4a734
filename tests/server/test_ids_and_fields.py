"""UUIDv7 ids, the datetime format, and DRF's field parsing rules, as pure functions."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phtui.server.errors import APIError
from phtui.server.fields import boolean, char, date_time, primary_key_uuid
from phtui.server.ids import format_datetime, uuid7

moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@given(moments)
def test_uuid7_is_a_lowercase_version_7_uuid_carrying_its_millisecond(moment: datetime) -> None:
    text = uuid7(moment)
    parsed = uuid.UUID(text)
    assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
    assert text == str(parsed)
    since_epoch = moment - datetime(1970, 1, 1, tzinfo=UTC)
    assert parsed.int >> 80 == since_epoch // timedelta(milliseconds=1)


@given(moments, st.integers(min_value=1, max_value=10**9))
def test_uuid7_sorts_by_time(moment: datetime, later_ms: int) -> None:
    assert uuid7(moment) < uuid7(moment + timedelta(milliseconds=later_ms))


def test_uuid7_of_the_next_millisecond_sorts_after_where_floats_round_down() -> None:
    # 1086048000.001 * 1000 is 1086048000000.9999 as a float: the same millisecond as 0.000.
    moment = datetime(2004, 6, 1, tzinfo=UTC)
    later = moment + timedelta(milliseconds=1)
    assert uuid.UUID(uuid7(later)).int >> 80 == (uuid.UUID(uuid7(moment)).int >> 80) + 1
    assert all(uuid7(moment) < uuid7(later) for _ in range(50))


def test_uuid7_is_reproducible_with_a_seeded_generator() -> None:
    moment = datetime(2025, 1, 1, tzinfo=UTC)
    assert uuid7(moment, random.Random(1)) == uuid7(moment, random.Random(1))
    assert uuid7(moment) != uuid7(moment)


@given(moments)
def test_format_datetime_is_utc_with_microseconds_and_sorts_as_text(moment: datetime) -> None:
    text = format_datetime(moment)
    assert text.endswith("Z")
    assert len(text) == len("2025-01-01T00:00:00.000000Z")
    assert datetime.fromisoformat(text) == moment
    assert format_datetime(moment + timedelta(microseconds=1)) > text


def test_format_datetime_converts_other_zones() -> None:
    moment = datetime(2025, 4, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    assert format_datetime(moment) == "2025-04-01T12:00:00.000000Z"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), ("true", True), ("1", True), (1, True), ("off", False), (0, False), ("", None)],
)
def test_boolean_vocabulary(value: object, expected: bool | None) -> None:
    assert boolean("deleted", value, False) is expected


@pytest.mark.parametrize("value", ["maybe", 2, [], {}])
def test_boolean_rejects_everything_else(value: object) -> None:
    with pytest.raises(APIError) as raised:
        boolean("deleted", value, False)
    assert (raised.value.code, raised.value.attr) == ("invalid_input", "deleted")


def test_char_turns_numbers_into_text_and_rejects_null_characters() -> None:
    parse = char(10, allow_blank=False)
    assert parse("name", 12.5, False) == "12.5"
    with pytest.raises(APIError) as raised:
        parse("name", "a\x00b", False)
    assert raised.value.code == "null_characters_not_allowed"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-04-01T12:00:00Z", datetime(2025, 4, 1, 12, tzinfo=UTC)),
        ("2025-04-01 12:00", datetime(2025, 4, 1, 12, tzinfo=UTC)),
        ("2025-04-01T12:00:00.5+00:00", datetime(2025, 4, 1, 12, 0, 0, 500000, tzinfo=UTC)),
    ],
)
def test_date_time_accepts_iso_8601(text: str, expected: datetime) -> None:
    assert date_time("ref_timestamp", text, False) == expected


def test_primary_key_uuid_reads_integers_like_django() -> None:
    assert primary_key_uuid("dataset", 1) == "00000000-0000-0000-0000-000000000001"
    upper = "0195A000-0000-7000-8000-000000000000"
    assert primary_key_uuid("dataset", upper) == upper.lower()
