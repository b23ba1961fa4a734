"""JSON as edited by hand: parsing with line/column errors, pretty printing, diffs.

Decisions:
- Empty or blank text is an error ("Empty: enter JSON such as {} or null"): a field left blank
  by accident must not silently become ``null``.
- ``NaN`` and ``Infinity`` are rejected. Python's ``json`` accepts them, but they are not JSON
  and the server would refuse them.
- ``pretty`` spells every unsafe character (``phtui.core.text``: controls, bidi overrides,
  zero-width and other format characters) as a ``\\uXXXX`` escape: an editor showing the text
  then holds nothing a terminal could act on, and the parsed value is the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from phtui.core.text import unsafe_characters

__all__ = [
    "EMPTY_MESSAGE",
    "JsonDocError",
    "JsonError",
    "byte_size",
    "canonical",
    "changed_fields",
    "check_json",
    "escape_unsafe",
    "format_text",
    "parse_json",
    "pretty",
]

EMPTY_MESSAGE = "Empty: enter JSON such as {} or null"


@dataclass(frozen=True)
class JsonError:
    """Where and why a JSON text is invalid.

    ``line`` and ``column`` are 1-based; the column counts characters (code points), as Textual's
    ``TextArea`` locations do (0-based there).
    """

    message: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.message} at line {self.line}, column {self.column}"


class JsonDocError(ValueError):
    """Invalid JSON text; ``error`` says where. ``str()`` is a sentence fit to show the user."""

    def __init__(self, error: JsonError):
        self.error = error
        # "Empty" needs no location: there is nothing to point at.
        super().__init__(EMPTY_MESSAGE if error.message == EMPTY_MESSAGE else str(error))


class _NonStandardConstant(ValueError):
    """Raised from the decoder when it meets NaN or Infinity."""


def _reject_constant(name: str) -> Any:
    raise _NonStandardConstant(name)


# Strings are matched first so that "NaN" inside a string is skipped over.
_STRING_OR_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)', re.DOTALL)


def parse_json(text: str) -> Any:
    """Parse ``text`` as strict JSON; raise ``JsonDocError`` locating the first problem."""
    if not text.strip():
        raise JsonDocError(JsonError(EMPTY_MESSAGE, 1, 1))
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise JsonDocError(JsonError(error.msg, error.lineno, error.colno)) from None
    except _NonStandardConstant as error:
        raise JsonDocError(_locate_constant(text, str(error))) from None
    except RecursionError:
        raise JsonDocError(JsonError("Nested too deeply", 1, 1)) from None


def _locate_constant(text: str, name: str) -> JsonError:
    """Position of the first NaN/Infinity outside a string (the decoder reads left to right)."""
    message = f"{name} is not valid JSON: use null or a number"
    for match in _STRING_OR_CONSTANT.finditer(text):
        if match.group(1):
            index = match.start(1)
            line = text.count("\n", 0, index) + 1
            column = index - text.rfind("\n", 0, index)
            return JsonError(message, line, column)
    return JsonError(message, 1, 1)


def check_json(text: str) -> JsonError | None:
    """The first problem in ``text``, or None when it is valid JSON."""
    try:
        parse_json(text)
    except JsonDocError as error:
        return error.error
    return None


def pretty(value: Any) -> str:
    """Indented JSON (2 spaces), keys in their given order, non-ASCII kept as is except unsafe
    characters, which are spelled as escapes (the value is the same)."""
    return escape_unsafe(json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False))


def escape_unsafe(text: str) -> str:
    """JSON text with every unsafe character but newline and tab spelled as JSON spells it
    (``\\u001b``, a surrogate pair beyond the BMP).

    Inside a string the escape means the same character, so a valid document keeps its value;
    outside strings such a character is invalid JSON either way. Newlines and tabs are JSON
    whitespace and harmless in an editor, which draws a tab as spaces.
    """
    unsafe = unsafe_characters(text, keep="\n\t")
    if not unsafe:
        return text
    # json.dumps with ensure_ascii spells any one character the way JSON does.
    return text.translate({ord(char): json.dumps(char)[1:-1] for char in unsafe})


def format_text(text: str) -> str:
    """Re-indent a JSON text; raise ``JsonDocError`` when it does not parse."""
    return pretty(parse_json(text))


def canonical(value: Any) -> str:
    """One spelling per JSON value, for comparisons.

    Keys are sorted (object key order carries no meaning in JSON, and the server does not keep
    it), while ``1``, ``1.0`` and ``true`` stay different. Values must be JSON values already
    (e.g. ``model.model_dump(mode="json")``); anything else raises ``TypeError``.
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def changed_fields(original: Mapping[str, Any], edited: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``edited`` that differ from ``original`` as JSON values (a PATCH body).

    Keys only in ``edited`` count as changed. Keys missing from ``edited`` are not reported:
    a PATCH cannot remove a field.
    """
    return {
        key: value
        for key, value in edited.items()
        if key not in original or canonical(original[key]) != canonical(value)
    }


def byte_size(text: str) -> int:
    """UTF-8 size of ``text`` in bytes (lone surrogates counted, not rejected)."""
    return len(text.encode("utf-8", "surrogatepass"))
