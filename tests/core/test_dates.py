"""Tests of phtui.core.dates: the one date format of the tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from phtui.core.dates import DATETIME_WIDTH, MISSING, format_datetime


def test_year_minutes_and_the_zone_stated() -> None:
    moment = datetime(2026, 12, 3, 14, 2, 59, 999999, tzinfo=UTC)
    assert format_datetime(moment) == "2026-12-03 14:02 UTC"
    assert len(format_datetime(moment)) == DATETIME_WIDTH


def test_other_zones_are_shown_in_utc_and_naive_values_taken_as_utc() -> None:
    paris = timezone(timedelta(hours=1))
    assert format_datetime(datetime(2026, 1, 1, 0, 30, tzinfo=paris)) == "2025-12-31 23:30 UTC"
    assert format_datetime(datetime(2026, 1, 1, 0, 30)) == "2026-01-01 00:30 UTC"


def test_missing_and_early_years() -> None:
    assert format_datetime(None) == MISSING
    assert format_datetime(datetime(5, 2, 3, tzinfo=UTC)) == "0005-02-03 00:00 UTC"
