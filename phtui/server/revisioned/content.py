"""Item content as PostHog stores and compares it.

Stored JSON is compact and in PostgreSQL jsonb's key order (shorter keys first, then bytewise,
as `jsonb` keeps objects), so what a client reads back is ordered as PostHog would return it.
"Same content" (idempotent creates, unchanged PATCHes) compares canonical texts: key order is
ignored, types are not (`true`, `1` and `1.0` differ).
"""

from __future__ import annotations

import json
from typing import Any

from phtui.server import jsonvalues

_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _jsonb_key(pair: tuple[str, Any]) -> tuple[int, bytes]:
    encoded = pair[0].encode()
    return len(encoded), encoded


def _jsonb_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return dict(sorted(dict(pairs).items(), key=_jsonb_key))


_jsonb_decode = json.JSONDecoder(object_pairs_hook=_jsonb_object).decode


def stored(value: Any) -> str:
    """Compact text with jsonb's key order (the decoder reorders every object, bottom up)."""
    text = _compact(value)
    if "{" not in text:
        return text
    return _compact(_jsonb_decode(text))


def stored_or_null(value: Any) -> str | None:
    """A nullable JSON column: JSON null is SQL NULL."""
    return None if value is None else stored(value)


def same(stored_text: str | None, value: Any) -> bool:
    return jsonvalues.canonical(load(stored_text)) == jsonvalues.canonical(value)


def load(stored_text: str | None) -> Any:
    return None if stored_text is None else json.loads(stored_text)
