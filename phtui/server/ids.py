"""UUIDv7 ids (time-ordered, as PostHog's `UUIDModel`) and the server's timestamp format."""

from __future__ import annotations

import random
import secrets
from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)


def uuid7(at: datetime, rng: random.Random | None = None) -> str:
    """A lowercase UUIDv7 for the instant `at`; `rng` makes it reproducible (demo seeds)."""
    millis = unix_millis(at)
    rand = rng.getrandbits(74) if rng is not None else secrets.randbits(74)
    rand_a = rand >> 62  # 12 bits
    rand_b = rand & ((1 << 62) - 1)
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= rand_a << 64
    value |= 0b10 << 62
    value |= rand_b
    text = f"{value:032x}"  # what str(uuid.UUID(int=value)) gives, without the object
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def unix_millis(at: datetime) -> int:
    """Milliseconds since the Unix epoch, exactly: `int(at.timestamp() * 1000)` goes through a
    float and can land a millisecond short (2004-06-01 00:00:00.001 gave ...000), so an id made
    a millisecond later could sort before one made earlier. A naive `at` is local time, as for
    `timestamp()`."""
    aware = at.astimezone(UTC) if at.tzinfo is None else at
    return (aware - _EPOCH) // _MILLISECOND


def utc_now() -> datetime:
    return datetime.now(UTC)


def format_datetime(moment: datetime) -> str:
    """ISO-8601 in UTC with microseconds and `Z`, like DRF's output (and sortable as text)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    elif moment.utcoffset():
        moment = moment.astimezone(UTC)
    # isoformat is fixed-width (strftime drops the zeros of years before 1000) and fast.
    return moment.isoformat(timespec="microseconds")[:26] + "Z"


MAX_INT_ID = 2**63 - 1  # sqlite's (and PostgreSQL's bigint) largest integer


def parse_int_id(text: str) -> int | None:
    """An integer id from a URL: ASCII digits only (`"²".isdigit()` is true), at most 2**63-1;
    anything else matches no row."""
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= MAX_INT_ID else None
