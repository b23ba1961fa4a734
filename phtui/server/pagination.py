"""DRF's `LimitOffsetPagination` (PostHog's default): parameters, envelope and links."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

DEFAULT_LIMIT = 100
# DRF sets no maximum; values past sqlite's 64-bit integers are clamped instead of failing.
MAX_VALUE = 2**63 - 1


@dataclass(frozen=True)
class PageRequest:
    limit: int
    offset: int


def page_request(
    query: Mapping[str, str], *, default: int = DEFAULT_LIMIT, maximum: int | None = None
) -> PageRequest:
    """Missing, non-numeric, zero or negative `limit` -> the default; bad `offset` -> 0.
    A `limit` above `maximum` is capped silently (DRF's `max_limit`)."""
    limit = _positive_int(query.get("limit"), strict=True)
    offset = _positive_int(query.get("offset"), strict=False)
    limit = default if limit is None else limit
    if maximum is not None:
        limit = min(limit, maximum)
    return PageRequest(limit, offset or 0)


def _positive_int(text: str | None, *, strict: bool) -> int | None:
    if text is None:
        return None
    try:
        value = int(text)
    except ValueError:
        return None
    if value < 0 or (strict and value == 0):
        return None
    return min(value, MAX_VALUE)


def envelope(url: str, page: PageRequest, count: int, results: list[Any]) -> dict[str, Any]:
    """`{count, next, previous, results}` with absolute links built from the request URL."""
    return {
        "count": count,
        "next": _next_link(url, page, count),
        "previous": _previous_link(url, page),
        "results": results,
    }


def _next_link(url: str, page: PageRequest, count: int) -> str | None:
    if page.offset + page.limit >= count:
        return None
    url = replace_query_param(url, "limit", str(page.limit))
    return replace_query_param(url, "offset", str(page.offset + page.limit))


def _previous_link(url: str, page: PageRequest) -> str | None:
    if page.offset <= 0:
        return None
    url = replace_query_param(url, "limit", str(page.limit))
    if page.offset - page.limit <= 0:
        return replace_query_param(url, "offset", None)
    return replace_query_param(url, "offset", str(page.offset - page.limit))


def replace_query_param(url: str, key: str, value: str | None) -> str:
    """Set (or with None, remove) one query parameter; keys come out sorted, as in DRF."""
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    if value is None:
        params.pop(key, None)
    else:
        params[key] = [value]
    return urlunsplit(
        (scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment)
    )
