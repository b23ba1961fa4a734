"""One-line previews of JSON values for tables and lists: compact JSON, or what an LLM-shaped
value is about (a chat's last user message, a completion's content, `key=value` metadata).

Every preview is plain text at most ``width`` cells wide, unsafe characters escaped the way JSON
spells them (``\\u001b``), so a cell can never hold a terminal escape or markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from phtui.core.text import collapse_whitespace, fit

__all__ = ["one_line_preview", "summarize"]


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
    # Spaces other than " " (no-break, em, ...) look like one but are not: JSON-escape them too.
    compact = _ODD_SPACE.sub(lambda match: _json_escape(match.group()), compact)
    return fit(compact, width, escape=_json_escape)


_ODD_SPACE = re.compile(r"[^\S ]")  # json.dumps has already escaped \n, \t and the like


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
    return fit(collapse_whitespace(text), width, escape=_json_escape)


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
