"""Faults around a write's commit, for a client's timeout/retry matrix: the write committed and
the connection dropped, committed and answered too late, or stalled before it was handled."""

from __future__ import annotations

import time

import httpx
import pytest

from phtui.server.runner import RunningServer


def _count(rv: httpx.Client) -> int:
    return int(rv.get("datasets/").json()["count"])


def test_drop_after_commit_commits_then_answers_nothing(
    rv: httpx.Client, fresh_revisioned_server: RunningServer
) -> None:
    fresh_revisioned_server.options.drop_after_commit_next = 1
    assert rv.get("datasets/").status_code == 200  # reads are not writes: not consumed
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        rv.post("datasets/", json={"name": "committed"})
    assert fresh_revisioned_server.options.drop_after_commit_next == 0
    assert [row["name"] for row in rv.get("datasets/").json()["results"]] == ["committed"]
    # A retry sees the commit: here, the unique name.
    assert rv.post("datasets/", json={"name": "committed"}).status_code == 409


def test_an_idempotent_retry_after_a_dropped_create_gets_200(
    rv: httpx.Client, fresh_revisioned_server: RunningServer
) -> None:
    dataset = rv.post("datasets/", json={"name": "d"}).json()
    body = {"dataset": dataset["id"], "input": 1, "client_item_id": "k-1"}
    fresh_revisioned_server.options.drop_after_commit_next = 1
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        rv.post("dataset_items/", json=body)
    retry = rv.post("dataset_items/", json=body)
    assert (retry.status_code, retry.json()["version"]) == (200, 1)


def test_stall_after_commit_answers_after_the_clients_timeout(
    rv: httpx.Client, fresh_revisioned_server: RunningServer
) -> None:
    options = fresh_revisioned_server.options
    options.stall_after_commit_next, options.stall_ms = 1, 400
    with pytest.raises(httpx.ReadTimeout):
        rv.post("datasets/", json={"name": "late"}, timeout=0.1)
    assert _count(rv) == 1  # committed although the client gave up
    options.stall_after_commit_next, options.stall_ms = 1, 50
    started = time.perf_counter()
    response = rv.post("datasets/", json={"name": "patient"})
    assert response.status_code == 201 and time.perf_counter() - started >= 0.05


def test_stall_before_a_write_never_handles_it_if_the_client_gives_up(
    rv: httpx.Client, fresh_revisioned_server: RunningServer
) -> None:
    options = fresh_revisioned_server.options
    options.stall_before_next, options.stall_ms = 1, 300
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        rv.post("datasets/", json={"name": "never"}, timeout=0.05)
    # Nothing is written, not even once the stall is over.
    while time.monotonic() < started + 0.45:
        assert _count(rv) == 0
    options.stall_before_next, options.stall_ms = 1, 30
    assert rv.post("datasets/", json={"name": "waited"}).status_code == 201
    assert _count(rv) == 1


def test_write_faults_work_in_classic_mode_too(
    api: httpx.Client, fresh_server: RunningServer
) -> None:
    fresh_server.options.drop_after_commit_next = 1
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        api.post("datasets/", json={"name": "classic"})
    assert api.get("datasets/").json()["count"] == 1
