"""The one way tables show a date and time: `2026-12-03 14:02 UTC`.

Year included (datasets live for years), minutes (seconds are noise in a list), and the time zone
stated, always UTC: PostHog answers in UTC, and a user over SSH may not share the server's zone.
Both dataset tables (the dataset list and the items table) and the item editor use it.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["DATETIME_WIDTH", "MISSING", "format_datetime"]

DATETIME_WIDTH = 20  # len("2026-12-03 14:02 UTC")
MISSING = "—"


def format_datetime(value: datetime | None) -> str:
    """`value` as `2026-12-03 14:02 UTC` (a naive value is taken as UTC), "—" for None."""
    if value is None:
        return MISSING
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    # f-strings, not strftime: strftime costs ~0.1 ms a call here, 50 ms for a 500-row list.
    return f"{value.year:04}-{value.month:02}-{value.day:02} {value.hour:02}:{value.minute:02} UTC"
