"""Request-body validation with DRF's rules and messages: fields are checked in serializer
order and the first invalid one is reported (as PostHog's error handler does)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from phtui.server import jsonvalues
from phtui.server.errors import validation_error

# DRF's BooleanField vocabulary (1 and 0 also match True, False, 1.0 and 0.0, as in DRF).
TRUE_VALUES: frozenset[object] = frozenset(
    {"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1", 1}
)
FALSE_VALUES: frozenset[object] = frozenset(
    {"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0", 0}
)
NULL_VALUES: frozenset[object] = frozenset({"null", "Null", "NULL", ""})

DATETIME_FORMAT_HINT = "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]"
# Django's parse_datetime: a date, a "T" or space, then at least hours and minutes.
_DATETIME_RE = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{1,2}(?::\d{1,2}(?:[.,]\d{1,6}\d*)?)?\s*"
    r"(?:Z|[+-]\d{2}(?::?\d{2})?)?$"
)


@dataclass(frozen=True)
class Field:
    """One writable serializer field. `parse` turns a non-null input into the stored value."""

    name: str
    parse: Callable[[str, Any, bool], Any]
    required: bool = False
    allow_null: bool = True


def validate(
    data: Mapping[str, Any], fields: Sequence[Field], *, partial: bool, form: bool = False
) -> dict[str, Any]:
    """The validated subset of `data`; read-only and unknown keys are ignored, as DRF does.
    `form` marks form-encoded input, whose JSON fields arrive as JSON text."""
    result: dict[str, Any] = {}
    for field in fields:
        if field.name not in data:
            if field.required and not partial:
                raise validation_error("required", "This field is required.", field.name)
            continue
        value = data[field.name]
        if value is None:
            if not field.allow_null:
                raise validation_error("null", "This field may not be null.", field.name)
            result[field.name] = None
            continue
        result[field.name] = field.parse(field.name, value, form)
    return result


def char(max_length: int | None, *, allow_blank: bool) -> Callable[[str, Any, bool], str]:
    """DRF's CharField: numbers become text, whitespace is trimmed, `None` = no limit."""

    def parse(name: str, value: Any, form: bool) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise validation_error("invalid", "Not a valid string.", name)
        text = str(value).strip()
        if not text:
            if allow_blank:
                return ""
            raise validation_error("blank", "This field may not be blank.", name)
        if max_length is not None and len(text) > max_length:
            raise validation_error(
                "max_length", f"Ensure this field has no more than {max_length} characters.", name
            )
        if "\x00" in text:
            raise validation_error(
                "null_characters_not_allowed", "Null characters are not allowed.", name
            )
        return text

    return parse


def any_json(name: str, value: Any, form: bool) -> Any:
    if form and isinstance(value, str):
        try:
            return jsonvalues.load(value)
        except ValueError:
            raise validation_error("invalid", "Value must be valid JSON.", name) from None
    return value


def boolean(name: str, value: Any, form: bool) -> bool | None:
    try:
        if value in TRUE_VALUES:
            return True
        if value in FALSE_VALUES:
            return False
        if value in NULL_VALUES:
            return None
    except TypeError:  # unhashable input (a list or an object)
        pass
    raise validation_error("invalid", "Must be a valid boolean.", name)


def date_time(name: str, value: Any, form: bool) -> datetime:
    if isinstance(value, str) and _DATETIME_RE.match(value.strip()):
        try:
            moment = datetime.fromisoformat(value.strip().replace(",", "."))
        except ValueError:
            moment = None
        if moment is not None:
            try:
                return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
            except OverflowError:  # DRF's DateTimeField.enforce_timezone
                raise validation_error("overflow", "Datetime value out of range.", name) from None
    raise validation_error(
        "invalid",
        f"Datetime has wrong format. Use one of these formats instead: {DATETIME_FORMAT_HINT}.",
        name,
    )


def primary_key_uuid(name: str, value: Any) -> str:
    """A UUID primary key as Django reads it (strings and integers), lowercase hyphenated."""
    try:
        if isinstance(value, bool | list | dict):
            raise TypeError
        if isinstance(value, int):
            return str(uuid.UUID(int=value))
        return str(uuid.UUID(hex=str(value)))
    except TypeError:
        raise validation_error(
            "incorrect_type",
            f"Incorrect type. Expected pk value, received {type(value).__name__}.",
            name,
        ) from None
    except ValueError:
        raise validation_error(
            "invalid", f"\u201c{value}\u201d is not a valid UUID.", name
        ) from None


def parse_uuid(text: str) -> str | None:
    """Lowercase hyphenated form of a UUID string, or None if it is not one."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None
