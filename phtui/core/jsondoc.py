"""JSON as edited by hand: parsing with line/column errors, pretty printing, diffs, previews.

Decisions:
- Empty or blank text is an error ("Empty: enter JSON such as {} or null"): a field left blank
  by accident must not silently become ``null``.
- ``NaN`` and ``Infinity`` are rejected. Python's ``json`` accepts them, but they are not JSON
  and the server would refuse them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from rich.cells import get_character_cell_size

__all__ = [
    "EMPTY_MESSAGE",
    "JsonDocError",
    "JsonError",
    "byte_size",
    "canonical",
    "changed_fields",
    "check_json",
    "format_text",
    "one_line_preview",
    "parse_json",
    "pretty",
    "summarize",
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
    """Indented JSON (2 spaces), non-ASCII kept as is, keys in their given order."""
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)


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


ELLIPSIS = "…"
# Characters that could break a one-line cell, move the cursor or have no known width: C0/C1
# controls, line and paragraph separators, format characters (bidi overrides, zero-width
# joiners), surrogates, private-use and unassigned code points.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def one_line_preview(value: Any, width: int) -> str:
    """Compact one-line JSON of ``value``, at most ``width`` terminal cells, "…" when cut.

    Strings show as JSON strings (with quotes). Values that are not JSON (e.g. datetimes) are
    shown via ``str``.
    """
    if width <= 0:
        return ""
    compact = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    if len(compact) <= width and compact.isascii() and compact.isprintable():
        return compact  # the common case: nothing to escape, one cell per character
    return _fit(compact, width)


def _fit(text: Iterable[str], width: int) -> str:
    """Escape unsafe characters and cut to ``width`` cells, reading only as far as needed."""
    pieces: list[str] = []
    used = 0
    cut: int | None = None  # pieces kept when an ellipsis is needed
    for char in text:
        if unicodedata.category(char) in _UNSAFE_CATEGORIES:
            piece = _json_escape(char)
            size = len(piece)
        else:
            piece, size = char, get_character_cell_size(char)
        if cut is None and used + size > width - 1:
            cut = len(pieces)
        used += size
        if used > width:
            return "".join(pieces[:cut]) + ELLIPSIS
        pieces.append(piece)
    return "".join(pieces)


def _json_escape(char: str) -> str:
    """``\\uXXXX``, as a UTF-16 surrogate pair beyond the BMP (as JSON spells it)."""
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


# A metadata value shown bare in a `key=value` summary; anything else is shown as JSON.
_BARE_TOKEN = re.compile(r"[\w.@:/+-]+")


def summarize(value: Any, width: int) -> str:
    """One line saying what a dataset value is about, at most ``width`` cells, "…" when cut.

    Common LLM shapes read as text rather than JSON:

    - chat messages (``{"messages": [...]}`` or a list of ``{role, content}``): the last user
      message, ``user: <content>`` (the last message when no user spoke);
    - a single message or completion (``{"content": ...}``, OpenAI's ``{"choices": [...]}``):
      the content;
    - any other non-empty object: ``key=value`` pairs, one-word strings (and lists of them:
      ``tags=a,b``) bare;
    - anything else: `one_line_preview`.

    Whitespace runs (newlines included) become one space; other control characters are escaped.
    The result is plain text, never markup.
    """
    if width <= 0:
        return ""
    text = _summary_text(value)
    if text is None:
        return one_line_preview(value, width)
    return _fit(_collapse_whitespace(text), width)


def _summary_text(value: Any) -> str | None:
    """The summary before fitting, or None when the value has no friendlier shape."""
    if isinstance(value, Mapping):
        if _is_chat(value.get("messages")):
            return _chat_summary(value["messages"])
        if "content" in value:
            return _content_text(value["content"])
        choices = value.get("choices")
        if isinstance(choices, list) and choices and isinstance(choices[0], Mapping):
            message = choices[0].get("message")
            if isinstance(message, Mapping) and "content" in message:
                return _content_text(message["content"])
        if value:
            return " ".join(f"{key}={_pair_value(item)}" for key, item in value.items())
        return None
    if _is_chat(value):
        return _chat_summary(value)
    return None


def _is_chat(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(message, Mapping) and "role" in message for message in value)
    )


def _chat_summary(messages: list[Mapping[str, Any]]) -> str:
    users = [message for message in messages if message["role"] == "user"]
    message = users[-1] if users else messages[-1]
    return f"{message['role']}: {_content_text(message.get('content'))}"


def _content_text(content: Any) -> str:
    """A message's content as text: a string as is, the text parts of a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [
            part["text"]
            for part in content
            if isinstance(part, Mapping) and isinstance(part.get("text"), str)
        ]
        if texts:
            return " ".join(texts)
    return _compact_json(content)


def _pair_value(value: Any) -> str:
    if _is_bare(value):
        return str(value)
    if isinstance(value, list) and value and all(_is_bare(item) for item in value):
        return ",".join(value)  # tags=support,vip
    return _compact_json(value)


def _is_bare(value: Any) -> bool:
    return isinstance(value, str) and _BARE_TOKEN.fullmatch(value) is not None


def _compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


def _collapse_whitespace(text: str) -> Iterator[str]:
    """The characters of ``text`` with each whitespace run as one space, none at the ends."""
    pending_space = False
    started = False
    for char in text:
        if char.isspace():
            pending_space = started
            continue
        if pending_space:
            yield " "
            pending_space = False
        started = True
        yield char


def byte_size(text: str) -> int:
    """UTF-8 size of ``text`` in bytes (lone surrogates counted, not rejected)."""
    return len(text.encode("utf-8", "surrogatepass"))
