"""Revisioned exports (api-revisioned.md section 10): pending -> complete in the background, the
exact JSONL format and headers, 409s, failures, the 302 to another origin, the daily allowance
and expiry. Tests poll an export's status with a deadline; they never sleep and assert."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from phtui.server.options import EXPORT_NOT_STARTED, EXPORT_TOO_LARGE, EXPORT_TOO_SLOW
from phtui.server.runner import RunningServer

Json = dict[str, Any]
ErrorOf = Callable[[httpx.Response], tuple[int, str, str, str, str | None]]
FILE_KEYS = [
    "dataset_id",
    "dataset_revision",
    "item_id",
    "client_item_id",
    "version",
    "input",
    "expected_output",
    "source_output",
    "metadata",
    "source_trace_id",
    "source_event_id",
    "source_timestamp",
]


def wait_for(rv: httpx.Client, dataset_id: str, export_id: int, *, status: str) -> Json:
    deadline = time.monotonic() + 10
    while True:
        body: Json = rv.get(f"datasets/{dataset_id}/exports/{export_id}/").json()
        if body["status"] == status or time.monotonic() > deadline:
            assert body["status"] == status, body
            return body
        time.sleep(0.005)


@pytest.fixture
def filled(
    rv: httpx.Client, make_dataset: Callable[..., Json], make_item: Callable[..., Json]
) -> Json:
    """A dataset at revision 4: two active items (one edited), one archived."""
    dataset = make_dataset("Support Answers — Ünïcode!")
    first = make_item(
        dataset["id"],
        input={"messages": [{"role": "user", "content": "How do I cancel? ✓"}]},
        expected_output="Point the user to the billing settings page.",
        source_output="You can cancel any time.",
        metadata={"category": "billing"},
        client_item_id="ticket-4821",
        source_trace_id="trace_abc",
        source_event_id="event_def",
        source_timestamp="2026-05-04T10:12:33Z",
    )
    second = make_item(
        dataset["id"],
        input="second",
        source_trace_id="t",
        source_timestamp="2026-05-04T10:12:33.5+01:00",
    )
    rv.patch(f"dataset_items/{first['id']}/", json={"base_version": 1, "expected_output": {"v": 2}})
    third = make_item(dataset["id"], input="archived soon")
    rv.post(f"dataset_items/{third['id']}/archive/", json={"base_version": 1})
    return {"dataset": dataset, "items": [first, second, third]}


def test_create_is_pending_then_complete_with_the_exact_file(
    rv: httpx.Client, fresh_revisioned_server: RunningServer, filled: Json, ok: Callable[..., Json]
) -> None:
    dataset = filled["dataset"]
    fresh_revisioned_server.options.export_delay_ms = 60_000
    export = ok(rv.post(f"datasets/{dataset['id']}/exports/", json={}), 201)
    assert list(export) == [
        "id",
        "status",
        "dataset_revision",
        "filename",
        "created_at",
        "expires_after",
        "exception",
    ]
    assert isinstance(export["id"], int)
    assert (export["status"], export["dataset_revision"], export["exception"]) == (
        "pending",
        5,
        None,
    )
    assert re.fullmatch(
        r"support-answers-unicode-r5-\d{4}-\d{2}-\d{2}-\d{6}\.jsonl", export["filename"]
    )
    assert export["expires_after"].endswith("T00:00:00Z")
    content = f"datasets/{dataset['id']}/exports/{export['id']}/content/"
    assert rv.get(content).json() == {"detail": "The export is still being prepared."}
    assert rv.get(content).status_code == 409
    fresh_revisioned_server.options.export_delay_ms = 0
    second = ok(rv.post(f"datasets/{dataset['id']}/exports/", json={"revision": 5}), 201)
    assert second["status"] == "pending"
    done = wait_for(rv, dataset["id"], second["id"], status="complete")
    assert done == {**second, "status": "complete"}
    response = rv.get(f"datasets/{dataset['id']}/exports/{second['id']}/content/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.headers["content-disposition"] == f'attachment; filename="{second["filename"]}"'
    assert response.headers["cache-control"] == "max-age=86400"
    first, other, _ = filled["items"]
    text = response.content.decode()
    assert "✓" in text and "\\u" not in text  # non-ASCII written literally
    lines = text.split("\n")
    assert lines[-1] == "" and len(lines) == 3  # one \n-terminated line per active item
    assert lines[0] == (
        f'{{"dataset_id":"{dataset["id"]}","dataset_revision":5,"item_id":"{first["id"]}",'
        '"client_item_id":"ticket-4821","version":2,'
        '"input":{"messages":[{"role":"user","content":"How do I cancel? ✓"}]},'
        '"expected_output":{"v":2},"source_output":"You can cancel any time.",'
        '"metadata":{"category":"billing"},"source_trace_id":"trace_abc",'
        '"source_event_id":"event_def","source_timestamp":"2026-05-04T10:12:33+00:00"}'
    )
    record = json.loads(lines[1])
    assert list(record) == FILE_KEYS
    assert (record["item_id"], record["version"], record["client_item_id"]) == (
        other["id"],
        1,
        None,
    )
    assert record["source_timestamp"] == "2026-05-04T09:12:33.500000+00:00"


def test_an_export_is_pinned_to_its_revision(
    rv: httpx.Client, filled: Json, make_item: Callable[..., Json], ok: Callable[..., Json]
) -> None:
    dataset = filled["dataset"]
    export = ok(rv.post(f"datasets/{dataset['id']}/exports/", json={"revision": 1}), 201)
    make_item(dataset["id"], input="after")
    wait_for(rv, dataset["id"], export["id"], status="complete")
    lines = rv.get(f"datasets/{dataset['id']}/exports/{export['id']}/content/").text.splitlines()
    assert [json.loads(line)["version"] for line in lines] == [1]
    assert json.loads(lines[0])["expected_output"] == "Point the user to the billing settings page."


def test_a_revision_with_only_archived_items_is_an_empty_file(
    rv: httpx.Client,
    make_dataset: Callable[..., Json],
    make_item: Callable[..., Json],
    ok: Callable[..., Json],
) -> None:
    dataset = make_dataset()
    item = make_item(dataset["id"])
    rv.post(f"dataset_items/{item['id']}/archive/", json={"base_version": 1})
    export = ok(rv.post(f"datasets/{dataset['id']}/exports/"), 201)  # no body at all: latest
    wait_for(rv, dataset["id"], export["id"], status="complete")
    assert rv.get(f"datasets/{dataset['id']}/exports/{export['id']}/content/").content == b""


def test_create_conflicts_and_validation(
    rv: httpx.Client,
    make_dataset: Callable[..., Json],
    make_item: Callable[..., Json],
    error_of: ErrorOf,
) -> None:
    dataset = make_dataset()
    path = f"datasets/{dataset['id']}/exports/"
    response = rv.post(path, json={})
    assert (response.status_code, response.json()) == (
        409,
        {"detail": "Add an item before exporting this dataset."},
    )
    make_item(dataset["id"])
    for revision in (2, 10**30):
        response = rv.post(path, json={"revision": revision})
        assert (response.status_code, response.json()) == (
            409,
            {"detail": "This dataset revision does not exist."},
        )
    assert error_of(rv.post(path, json={"revision": 0}))[2:] == (
        "min_value",
        "Ensure this value is greater than or equal to 1.",
        "revision",
    )
    assert error_of(rv.post(path, json={"revision": None}))[2] == "null"
    assert error_of(rv.post(path, json={"dataset_revision": 1}))[3:] == (
        "This field is not supported.",
        "dataset_revision",
    )
    assert error_of(rv.get(path))[:3] == (405, "invalid_request", "method_not_allowed")


def test_archived_datasets_export_too(
    rv: httpx.Client, filled: Json, ok: Callable[..., Json]
) -> None:
    dataset = filled["dataset"]
    rv.post(f"datasets/{dataset['id']}/archive/")
    export = ok(rv.post(f"datasets/{dataset['id']}/exports/", json={}), 201)
    wait_for(rv, dataset["id"], export["id"], status="complete")


@pytest.mark.parametrize("failure", [EXPORT_NOT_STARTED, EXPORT_TOO_LARGE])
def test_injected_failures(
    rv: httpx.Client,
    fresh_revisioned_server: RunningServer,
    filled: Json,
    ok: Callable[..., Json],
    failure: str,
) -> None:
    fresh_revisioned_server.options.export_fail_next = 1
    fresh_revisioned_server.options.export_failure = failure
    dataset = filled["dataset"]
    export = ok(rv.post(f"datasets/{dataset['id']}/exports/", json={}), 201)
    failed = wait_for(rv, dataset["id"], export["id"], status="failed")
    assert failed["exception"] == failure
    response = rv.get(f"datasets/{dataset['id']}/exports/{export['id']}/content/")
    assert (response.status_code, response.json()) == (409, {"detail": failure})
    assert fresh_revisioned_server.options.export_fail_next == 0
    following = ok(rv.post(f"datasets/{dataset['id']}/exports/", json={}), 201)
    wait_for(rv, dataset["id"], following["id"], status="complete")


def test_a_file_over_the_size_limit_fails(
    rv: httpx.Client, fresh_revisioned_server: RunningServer, filled: Json, ok: Callable[..., Json]
) -> None:
    fresh_revisioned_server.options.export_max_bytes = 100
    dataset = filled["dataset"]
    export = ok(rv.post(f"datasets/{dataset['id']}/exports/", json={}), 201)
    assert (
        wait_for(rv, dataset["id"], export["id"], status="failed")["exception"] == EXPORT_TOO_LARGE
    )


def test_an_export_that_takes_too_long_fails(
    rv: httpx.Client, fresh_revisioned_server: RunningServer, filled: Json, ok: Callable[..., Json]
) -> None:
    options = fresh_revisioned_server.options
    options.export_delay_ms = 60_000
    dataset = filled["dataset"]
    export = ok(rv.post(f"datasets/{dataset['id']}/exports/", json={}), 201)
    options.clock_offset = timedelta(minutes=35)
    assert ok(rv.get(f"datasets/{dataset['id']}/exports/{export['id']}/"))["status"] == "pending"
    options.clock_offset = timedelta(minutes=36)
    failed = ok(rv.get(f"datasets/{dataset['id']}/exports/{export['id']}/"))
    assert (failed["status"], failed["exception"]) == ("failed", EXPORT_TOO_SLOW)
    response = rv.get(f"datasets/{dataset['id']}/exports/{export['id']}/content/")
    assert response.json() == {"detail": EXPORT_TOO_SLOW}


def test_expired_exports_are_404(
    rv: httpx.Client, fresh_revisioned_server: RunningServer, filled: Json, ok: Callable[..., Json]
) -> None:
    dataset = filled["dataset"]
    export = ok(rv.post(f"datasets/{dataset['id']}/exports/", json={}), 201)
    wait_for(rv, dataset["id"], export["id"], status="complete")
    fresh_revisioned_server.options.clock_offset = timedelta(days=7)  # past midnight, day 7
    assert rv.get(f"datasets/{dataset['id']}/exports/{export['id']}/").status_code == 404
    assert rv.get(f"datasets/{dataset['id']}/exports/{export['id']}/content/").status_code == 404


def test_exports_are_found_only_under_their_dataset(
    rv: httpx.Client, filled: Json, make_dataset: Callable[..., Json], ok: Callable[..., Json]
) -> None:
    dataset = filled["dataset"]
    export = ok(rv.post(f"datasets/{dataset['id']}/exports/", json={}), 201)
    other = make_dataset()
    for path in (
        f"datasets/{other['id']}/exports/{export['id']}/",
        f"datasets/{dataset['id']}/exports/{export['id'] + 1000}/",
        f"datasets/{dataset['id']}/exports/{2**64}/",
        f"datasets/{dataset['id']}/exports/abc/content/",
    ):
        assert rv.get(path).status_code == 404


def test_content_may_redirect_to_a_presigned_url_on_another_origin(
    rv: httpx.Client,
    http: httpx.Client,
    fresh_revisioned_server: RunningServer,
    filled: Json,
    ok: Callable[..., Json],
) -> None:
    fresh_revisioned_server.options.export_redirect = True
    dataset = filled["dataset"]
    export = ok(rv.post(f"datasets/{dataset['id']}/exports/", json={}), 201)
    wait_for(rv, dataset["id"], export["id"], status="complete")
    response = rv.get(f"datasets/{dataset['id']}/exports/{export['id']}/content/")
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(f"http://localhost:{fresh_revisioned_server.port}/")
    assert "X-Amz-Signature=" in location
    # Following it with the API key is refused, as object storage does.
    refused = http.get(
        location, headers={"Authorization": f"Bearer {fresh_revisioned_server.api_key}"}
    )
    assert refused.status_code == 400 and b"InvalidArgument" in refused.content
    downloaded = http.get(location)
    assert downloaded.status_code == 200
    assert downloaded.headers["content-type"] == "application/x-ndjson"
    assert downloaded.text.count("\n") == 2
    assert [request.had_authorization for request in fresh_revisioned_server.storage_requests] == [
        True,
        False,
    ]
    # A forged or expired link is refused.
    assert http.get(location.replace("X-Amz-Signature=", "X-Amz-Signature=0")).status_code == 403
    fresh_revisioned_server.options.clock_offset = timedelta(hours=2)
    assert http.get(location).status_code == 403


def test_a_redirect_followed_by_httpx_drops_the_authorization_header(
    fresh_revisioned_server: RunningServer, filled: Json, tls_context: Any, ok: Callable[..., Json]
) -> None:
    """httpx strips Authorization on a redirect to another origin: the storage records none."""
    fresh_revisioned_server.options.export_redirect = True
    dataset = filled["dataset"]
    with httpx.Client(
        base_url=f"{fresh_revisioned_server.url}/api/projects/1/",
        headers={"Authorization": f"Bearer {fresh_revisioned_server.api_key}"},
        follow_redirects=True,
        verify=tls_context,
    ) as client:
        export = ok(client.post(f"datasets/{dataset['id']}/exports/", json={}), 201)
        wait_for(client, dataset["id"], export["id"], status="complete")
        response = client.get(f"datasets/{dataset['id']}/exports/{export['id']}/content/")
    assert response.status_code == 200 and response.text.count("\n") == 2
    assert [request.had_authorization for request in fresh_revisioned_server.storage_requests] == [
        False
    ]


def test_ten_creations_a_day_per_key_failed_attempts_included(
    rv: httpx.Client, fresh_revisioned_server: RunningServer, filled: Json, error_of: ErrorOf
) -> None:
    dataset = filled["dataset"]
    path = f"datasets/{dataset['id']}/exports/"
    statuses = [rv.post(path, json={}).status_code for _ in range(8)]
    statuses += [
        rv.post(path, json={"revision": 99}).status_code,
        rv.post(path, json={"x": 1}).status_code,
    ]
    assert statuses == [201] * 8 + [409, 400]
    status, type_, code, detail, _ = error_of(rv.post(path, json={}))
    assert (status, type_, code) == (429, "throttled_error", "throttled")
    wait = int(
        re.fullmatch(r"Request was throttled. Expected available in (\d+) seconds.", detail)[1]
    )
    assert 86_000 < wait <= 86_400
    # Reads are not throttled; another key has its own allowance; a day later it is back.
    assert rv.get(f"datasets/{dataset['id']}/").status_code == 200
    key = fresh_revisioned_server.create_api_key(["dataset:read"])
    assert rv.post(path, json={}, headers={"Authorization": f"Bearer {key}"}).status_code == 201
    fresh_revisioned_server.options.clock_offset = timedelta(days=1, seconds=1)
    assert rv.post(path, json={}).status_code == 201


def test_the_allowance_can_be_changed_or_lifted(
    rv: httpx.Client, fresh_revisioned_server: RunningServer, filled: Json
) -> None:
    path = f"datasets/{filled['dataset']['id']}/exports/"
    fresh_revisioned_server.options.export_creations_per_day = 1
    assert [rv.post(path, json={}).status_code for _ in range(2)] == [201, 429]
    fresh_revisioned_server.options.export_creations_per_day = None
    assert [rv.post(path, json={}).status_code for _ in range(12)] == [201] * 12
