"""DRF's LimitOffsetPagination rules, as pure functions."""

from __future__ import annotations

import pytest

from phtui.server.pagination import (
    DEFAULT_LIMIT,
    MAX_VALUE,
    PageRequest,
    envelope,
    page_request,
    replace_query_param,
)

URL = "http://h:1/api/projects/1/datasets/?search=a%20b&limit=10"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, PageRequest(DEFAULT_LIMIT, 0)),
        ({"limit": "5", "offset": "10"}, PageRequest(5, 10)),
        ({"limit": "0"}, PageRequest(DEFAULT_LIMIT, 0)),
        ({"limit": "1.5"}, PageRequest(DEFAULT_LIMIT, 0)),
        ({"offset": "-1"}, PageRequest(DEFAULT_LIMIT, 0)),
        ({"limit": "9" * 30, "offset": "9" * 30}, PageRequest(MAX_VALUE, MAX_VALUE)),
    ],
)
def test_page_request(query: dict[str, str], expected: PageRequest) -> None:
    assert page_request(query) == expected


def test_replace_query_param_sorts_keys_and_keeps_others() -> None:
    assert replace_query_param(URL, "offset", "20") == (
        "http://h:1/api/projects/1/datasets/?limit=10&offset=20&search=a+b"
    )
    assert replace_query_param(URL, "limit", None) == (
        "http://h:1/api/projects/1/datasets/?search=a+b"
    )


def test_envelope_links_at_the_edges() -> None:
    middle = envelope(URL, PageRequest(10, 15), 40, [])
    assert middle["next"].endswith("?limit=10&offset=25&search=a+b")
    assert middle["previous"].endswith("?limit=10&offset=5&search=a+b")
    near_start = envelope(URL, PageRequest(10, 7), 40, [])
    assert near_start["previous"].endswith("?limit=10&search=a+b")  # offset 0 is dropped
    last = envelope(URL, PageRequest(10, 30), 40, [])
    assert last["next"] is None
    empty = envelope(URL, PageRequest(10, 0), 0, [])
    assert (empty["next"], empty["previous"]) == (None, None)
