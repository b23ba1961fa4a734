"""The one date format: year, minutes, and the zone stated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from phtui.core.dates import DATETIME_WIDTH, MISSING, format_datetime


def test_utc_value() -> None:
    assert format_datetime(datetime(2026, 12, 3, 14, 2, 59, 999, tzinfo=UTC)) == (
        "2026-12-03 14:02 UTC"
    )


def test_other_zones_are_converted_to_utc() -> None:
    berlin = timezone(timedelta(hours=1))
    assert format_datetime(datetime(2027, 1, 1, 0, 30, tzinfo=berlin)) == "2026-12-31 23:30 UTC"


def test_naive_values_are_taken_as_utc() -> None:
    assert format_datetime(datetime(2026, 7, 6, 8, 30)) == "2026-07-06 08:30 UTC"


def test_none_is_a_dash() -> None:
    assert format_datetime(None) == MISSING


@given(st.datetimes(min_value=datetime(1000, 1, 2), timezones=st.timezones()))
def test_every_value_has_the_same_width_and_matches_strftime(value: datetime) -> None:
    text = format_datetime(value)
    assert len(text) == DATETIME_WIDTH
    assert text == value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
