"""The revisioned demo seed (deterministic, inside the quotas, with real histories and the
tricky text), `start_server`'s modes, `RunningServer` helpers, and `phtui server` options."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from phtui.server.options import ServerOptions
from phtui.server.runner import RunningServer, start_server

Json = dict[str, Any]


def _get(http: httpx.Client, server: RunningServer, path: str, **params: Any) -> Any:
    response = http.get(
        f"{server.url}/api/projects/{server.project_id}/{path}",
        params=params,
        headers={"Authorization": f"Bearer {server.api_key}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def _all_items(
    http: httpx.Client, server: RunningServer, dataset_id: str, **params: Any
) -> list[Json]:
    rows: list[Json] = []
    while True:
        page = _get(
            http, server, "dataset_items/", dataset=dataset_id, limit=25, offset=len(rows), **params
        )
        rows += page["results"]
        if page["next"] is None:
            return rows


def test_demo_contents(http: httpx.Client, revisioned_server: RunningServer) -> None:
    server = revisioned_server
    active = _get(http, server, "datasets/", order_by="created_at")["results"]
    archived = _get(http, server, "datasets/", archived="true")["results"]
    assert len(active) >= 4 and len(archived) >= 1
    assert len(active) + len(archived) <= 20
    by_name = {row["name"]: row for row in active}
    support = by_name["Support answers"]
    assert support["current_revision"] > 587
    revisions = _get(http, server, f"datasets/{support['id']}/revisions/")
    assert revisions["count"] == support["current_revision"]
    items = _all_items(http, server, support["id"])
    hidden = _all_items(http, server, support["id"], archived="true")
    assert 560 <= len(items) + len(hidden) <= 600 and hidden
    assert any(
        item["source_trace_id"] and item["source_timestamp"] and item["source_event_id"]
        for item in items
    )
    assert all(
        item["source_timestamp"] < item["created_at"] for item in items if item["source_timestamp"]
    )
    assert any(item["client_item_id"] for item in items)
    assert all(item["expected_output"] is not None and item["source_output"] for item in items)
    histories = [item for item in items if item["version"] >= 3]
    assert len(histories) >= 10 and max(item["version"] for item in items) <= 6
    versions = _get(http, server, f"dataset_items/{histories[0]['id']}/versions/")
    assert [row["version"] for row in versions["results"]] == list(
        range(histories[0]["version"], 0, -1)
    )
    texts = json_texts(http, server, by_name["Tool-calling regression suite"]["id"])
    assert any("[bold]" in text for text in texts)
    assert any("\x1b[" in text for text in texts)
    assert any("\u202e" in text for text in texts)
    assert any(len(text) > 5000 for text in texts)
    assert any(not text.isascii() for text in texts)
    onboarding = _all_items(http, server, by_name["Onboarding email drafts"]["id"])
    assert {item["version"] for item in onboarding} >= {3, 4, 5, 6}


def json_texts(http: httpx.Client, server: RunningServer, dataset_id: str) -> list[str]:
    rows = _all_items(http, server, dataset_id) + _all_items(
        http, server, dataset_id, archived="true"
    )
    return [message["content"] for row in rows for message in row["input"]["messages"]]


def test_demo_is_deterministic_and_fast(http: httpx.Client) -> None:
    def snapshot() -> tuple[list[Any], float]:
        started = time.perf_counter()
        with start_server(seed="demo") as server:
            elapsed = time.perf_counter() - started
            datasets = _get(http, server, "datasets/")["results"]
            first = datasets[-1]["id"]
            pages = [
                _get(http, server, "datasets/", archived="true"),
                _get(http, server, "dataset_items/", dataset=first, limit=25, offset=100),
                _get(http, server, f"datasets/{first}/revisions/", limit=100, offset=500),
            ]
            # Links carry the random port; the rows must be identical.
            return [datasets, *[(page["count"], page["results"]) for page in pages]], elapsed

    (first, first_time), (second, second_time) = snapshot(), snapshot()
    assert first == second
    assert min(first_time, second_time) < 1.0  # seeded on every `phtui --demo` start


def test_running_server_exposes_its_mode(
    revisioned_server: RunningServer, server: RunningServer
) -> None:
    assert revisioned_server.datasets_api == "revisioned"
    assert server.datasets_api == "classic"
    assert "revisioned" in repr(revisioned_server) and revisioned_server.api_key not in repr(
        revisioned_server
    )
    with start_server() as default:
        assert default.datasets_api == "revisioned"


def test_bulk_insert_makes_one_version_and_revision_per_item(
    http: httpx.Client, fresh_revisioned_server: RunningServer
) -> None:
    server = fresh_revisioned_server
    dataset_id = server.create_dataset("bulk", description="d", metadata={"k": 1})
    started = time.perf_counter()
    count = server.bulk_insert_items(
        dataset_id,
        (
            {"input": {"n": n}, "output": {"a": n}, "ref_trace_id": f"t{n}", "deleted": n == 1}
            for n in range(20_000)
        ),
    )
    assert count == 20_000 and time.perf_counter() - started < 10
    dataset = _get(http, server, f"datasets/{dataset_id}/")
    assert dataset["current_revision"] == 20_001  # item 1 was archived: a second revision
    page = _get(http, server, "dataset_items/", dataset=dataset_id, limit=2, offset=19_997)
    assert page["count"] == 19_999
    assert [row["input"] for row in page["results"]] == [{"n": 2}, {"n": 0}]
    row = page["results"][1]
    assert (row["expected_output"], row["source_trace_id"], row["version"]) == ({"a": 0}, "t0", 1)
    assert row["source_timestamp"] == row["created_at"]
    archived = _get(http, server, "dataset_items/", dataset=dataset_id, archived="true")["results"]
    assert [(row["input"], row["version"]) for row in archived] == [({"n": 1}, 2)]
    more = server.bulk_insert_items(dataset_id, [{"input": "later", "client_item_id": "k"}])
    assert more == 1 and _get(http, server, f"datasets/{dataset_id}/")["current_revision"] == 20_002
    with pytest.raises(TypeError):
        server.bulk_insert_items(dataset_id, [{"input": 1, "colour": "red"}])
    with pytest.raises(ValueError):
        server.bulk_insert_items(dataset_id, [{"expected_output": 1}])
    with pytest.raises(LookupError):
        server.bulk_insert_items(str(uuid.uuid4()), [{"input": 1}])
    with pytest.raises(TypeError):
        server.create_dataset("bad", colour="red")
    assert _get(http, server, f"datasets/{server.create_dataset('gone', deleted=True)}/")[
        "archived"
    ]


def test_a_database_file_remembers_its_mode(tmp_path: Path) -> None:
    db = str(tmp_path / "phtui.sqlite3")
    with start_server(db=db, seed="empty") as first:
        first.create_dataset("kept")
    with pytest.raises(ValueError, match="holds revisioned datasets"):
        start_server(db=db, datasets_api="classic")
    with start_server(db=db, seed="demo") as again:
        assert (
            again.store.read_one("SELECT count(*) AS n FROM rv_datasets WHERE team_id = 1")["n"]
            == 1
        )
    with pytest.raises(ValueError, match="unknown datasets API"):
        start_server(datasets_api="gen-c")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="port"):
        start_server(port=99_999)


def test_an_unusable_database_is_an_sqlite_error() -> None:
    with pytest.raises(sqlite3.Error):
        start_server(db="/proc/phtui-test.db")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "phtui.server", *args], capture_output=True, text=True, timeout=20
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "99999"], "port must be between 0 and 65535"),
        (["--port", "0", "--db", "/proc/x.db"], "cannot use the database /proc/x.db"),
        (["--no-such-option"], "unrecognized arguments"),
        (["--datasets-api", "gen-c"], "invalid choice"),
        (["--seed", "lots"], "invalid choice"),
    ],
)
def test_bad_options_are_one_line_and_status_2(args: list[str], message: str) -> None:
    result = _cli(*args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_modes_and_no_limits() -> None:
    from phtui.server.cli import build_parser

    args = build_parser().parse_args([])
    assert (args.datasets_api, args.no_limits) == ("revisioned", False)
    args = build_parser().parse_args(["--datasets-api", "classic", "--no-limits"])
    assert (args.datasets_api, args.no_limits) == ("classic", True)
    options = ServerOptions()
    options.lift_limits()
    assert (
        options.max_datasets_per_project,
        options.max_items_per_dataset,
        options.max_versions_per_item,
        options.export_creations_per_day,
    ) == (None, None, None, None)


def test_classic_mode_has_none_of_the_revisioned_routes(
    api: httpx.Client, fresh_server: RunningServer
) -> None:
    dataset = api.post("datasets/", json={"name": "classic"}).json()
    assert "deleted" in dataset and "archived" not in dataset
    for path in (f"datasets/{dataset['id']}/archive/", f"datasets/{dataset['id']}/revisions/"):
        assert api.post(path).json()["detail"] == "Endpoint not found."
    assert api.get("dataset_items/").status_code == 200  # no `dataset` needed
    assert api.get("datasets/", params={"limit": 1000}).status_code == 200
    delete = api.delete(f"datasets/{dataset['id']}/")
    assert (delete.status_code, delete.content) == (405, b"")
