"""Bad input is a 400 (or a 404), never a 500, and deep values PostHog stores come back intact."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from phtui.server.jsonvalues import MAX_DEPTH
from phtui.server.runner import RunningServer

Json = dict[str, Any]
ErrorOf = Callable[[httpx.Response], tuple[int, str, str, str, str | None]]
JSON = {"Content-Type": "application/json"}


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_parse_errors(
    rv: httpx.Client, make_dataset: Callable[..., Json], error_of: ErrorOf, number: str
) -> None:
    dataset = make_dataset()
    raw = f'{{"dataset": "{dataset["id"]}", "input": {{"x": [{number}]}}}}'
    status, type_, code, detail, attr = error_of(
        rv.post("dataset_items/", content=raw, headers=JSON)
    )
    assert (status, type_, code, attr) == (400, "invalid_request", "parse_error", None)
    assert (
        detail == f"JSON parse error - Out of range float values are not JSON compliant: '{number}'"
    )


def test_values_nested_as_deep_as_a_drf_parse_allows_are_stored_and_served_intact(
    rv: httpx.Client, make_dataset: Callable[..., Json], ok: Callable[..., Json]
) -> None:
    dataset = make_dataset()
    for depth in (300, MAX_DEPTH - 1):  # the body object is one level more
        value: Any = json.loads(_nested(depth - 1) if depth > 1 else "[]")
        head = f'{{"dataset": "{dataset["id"]}", "client_item_id": "d{depth}"'
        raw = f'{head}, "input": {_nested(depth)}}}'
        item = ok(rv.post("dataset_items/", content=raw, headers=JSON), 201)
        assert json.dumps(item["input"]) == _nested(depth)
        # read back, listed, versioned, retried (same content) and exported
        assert ok(rv.get(f"dataset_items/{item['id']}/"))["input"] == item["input"]
        assert ok(rv.post("dataset_items/", content=raw, headers=JSON)) == item
        patched = ok(
            rv.patch(
                f"dataset_items/{item['id']}/", json={"base_version": 1, "metadata": {"d": value}}
            )
        )
        assert patched["metadata"]["d"] == value
    page = ok(rv.get("dataset_items/", params={"dataset": dataset["id"]}))
    assert len(page["results"]) == 2
    export = ok(rv.post(f"datasets/{dataset['id']}/exports/", json={}), 201)
    deadline = time.monotonic() + 10
    while (
        rv.get(f"datasets/{dataset['id']}/exports/{export['id']}/").json()["status"] != "complete"
    ):
        assert time.monotonic() < deadline
        time.sleep(0.005)
    lines = rv.get(f"datasets/{dataset['id']}/exports/{export['id']}/content/").text.splitlines()
    assert sorted(len(json.dumps(json.loads(line)["input"])) for line in lines) == [
        600,
        2 * (MAX_DEPTH - 1),
    ]


@pytest.mark.parametrize("depth", [MAX_DEPTH, 960, 1_000, 100_000])
def test_deeper_bodies_are_parse_errors(rv: httpx.Client, error_of: ErrorOf, depth: int) -> None:
    raw = f'{{"name": "deep", "metadata": {{"x": {_nested(depth)}}}}}'
    status, type_, code, detail, attr = error_of(rv.post("datasets/", content=raw, headers=JSON))
    assert (status, type_, code, attr) == (400, "invalid_request", "parse_error", None)
    assert detail == (
        "JSON parse error - maximum recursion depth exceeded while decoding a JSON array"
        " from a unicode string"
    )


def test_brackets_inside_strings_do_not_count_as_depth(
    rv: httpx.Client, ok: Callable[..., Json]
) -> None:
    ok(rv.post("datasets/", json={"name": "[" * 400, "description": "{" * 5000}), 201)


def test_a_lone_surrogate_is_a_parse_error(
    rv: httpx.Client, error_of: ErrorOf, ok: Callable[..., Json]
) -> None:
    status, _, code, detail, _ = error_of(
        rv.post("datasets/", content=b'{"name": "a\\ud800b"}', headers=JSON)
    )
    assert (status, code) == (400, "parse_error")
    assert "surrogate" in detail
    # A proper pair is one emoji.
    assert (
        ok(rv.post("datasets/", content=b'{"name": "\\ud83e\\udd94"}', headers=JSON), 201)["name"]
        == "🦔"
    )
    status = rv.post(
        "datasets/", content=b'{"name": "x", "metadata": {"\\udfff": 1}}', headers=JSON
    ).status_code
    assert status == 400


def test_page_parameters_out_of_range_are_clamped(
    rv: httpx.Client,
    make_dataset: Callable[..., Json],
    make_item: Callable[..., Json],
    ok: Callable[..., Json],
) -> None:
    dataset = make_dataset()
    make_item(dataset["id"])
    for params in (
        {"limit": str(10**12)},
        {"offset": "-1"},
        {"offset": str(10**30)},
        {"limit": "1e3"},
    ):
        ok(rv.get("dataset_items/", params={"dataset": dataset["id"], **params}))
        ok(rv.get("datasets/", params=params))
        ok(rv.get(f"datasets/{dataset['id']}/revisions/", params=params))


@pytest.mark.parametrize("pk", [str(2**63), str(2**64 + 1), "²", "١٢"])
def test_huge_or_odd_integer_ids_are_404(
    rv: httpx.Client,
    fresh_revisioned_server: RunningServer,
    make_dataset: Callable[..., Json],
    pk: str,
) -> None:
    dataset = make_dataset()
    assert rv.get(f"datasets/{dataset['id']}/exports/{pk}/").status_code == 404
    assert rv.get(f"data_color_themes/{pk}/").status_code == 404
    response = rv.get(f"{fresh_revisioned_server.url}/api/projects/{pk}/datasets/")
    assert response.status_code == 404


def test_a_client_hanging_up_mid_body_leaves_no_traceback(
    fresh_revisioned_server: RunningServer, rv: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with socket.create_connection(
        (fresh_revisioned_server.host, fresh_revisioned_server.port)
    ) as sock:
        sock.sendall(
            b"POST /api/projects/1/datasets/ HTTP/1.1\r\nHost: x\r\n"
            b"Authorization: Bearer " + fresh_revisioned_server.api_key.encode() + b"\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
            b'{"name": "half'
        )
    assert rv.get("datasets/").json()["count"] == 0  # the server carries on, nothing created
    assert not [
        record for record in caplog.records if record.exc_info or record.levelno >= logging.ERROR
    ]
