"""core.transfer: line parsing, the resume ledger, and export/import against the local server."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from phtui.api import PostHogClient
from phtui.api.errors import AuthenticationError
from phtui.core.transfer import (
    EXPORT_FIELDS,
    ExportFormat,
    ImportLedger,
    LineError,
    default_ledger_path,
    export_items,
    import_items,
    line_digest,
    parse_line,
    part_path,
)
from phtui.server.runner import RunningServer


def _items(count: int, tag: str = "t") -> list[dict[str, Any]]:
    return [
        {"input": {"q": f"{tag}{n}"}, "output": {"a": n}, "metadata": {"n": n}}
        for n in range(count)
    ]


async def _all_items(client: PostHogClient, dataset_id: str) -> list[Any]:
    return [item async for item in client.iter_dataset_items(dataset_id)]


# ----------------------------------------------------------------------------- parse_line


def test_parse_line_keeps_item_fields_and_drops_server_fields() -> None:
    line = json.dumps(
        {"id": "x", "input": {"a": 1}, "output": None, "ref_trace_id": "t", "created_at": "z"}
    )
    assert parse_line(line) == {"input": {"a": 1}, "output": None, "ref_trace_id": "t"}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"input": 1,', "invalid JSON at column 13"),
        ("[1, 2]", "expected a JSON object, found list"),
        ('{"inptu": 1}', "unknown field(s): 'inptu'"),
        ('{"ref_trace_id": 5}', "'ref_trace_id' must be a string or null"),
    ],
)
def test_parse_line_names_the_problem(line: str, message: str) -> None:
    with pytest.raises(LineError) as caught:
        parse_line(line)
    assert message in str(caught.value)


def test_line_digest_ignores_surrounding_whitespace() -> None:
    assert line_digest('{"a": 1}\n') == line_digest('  {"a": 1}')
    assert line_digest('{"a": 1}') != line_digest('{"a": 2}')


# ------------------------------------------------------------------------------- ledger


def test_ledger_survives_reload_and_ignores_a_torn_last_line(tmp_path: Path) -> None:
    ledger = ImportLedger(tmp_path / "l")
    ledger.record(1, "aaaa")
    ledger.record(3, "bbbb")
    ledger.close()
    with (tmp_path / "l").open("a") as stream:
        stream.write("7")  # a crash mid-write
    again = ImportLedger(tmp_path / "l")
    again.load()
    assert (1, "aaaa") in again and (3, "bbbb") in again
    assert (3, "cccc") not in again  # same line number, different text: not imported
    assert len(again) == 2


# ------------------------------------------------------------------------------- export


async def test_export_jsonl_writes_every_item_once_in_server_order(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    dataset = server.create_dataset("export jsonl")
    server.bulk_insert_items(dataset, _items(257))
    progress: list[tuple[int, int]] = []
    target = tmp_path / "out.jsonl"

    result = await export_items(
        client, dataset, target, page_size=50, window=3, on_progress=lambda *p: progress.append(p)
    )

    rows = [json.loads(line) for line in target.read_text().splitlines()]
    listed = await _all_items(client, dataset)
    assert result.items == 257
    assert [row["id"] for row in rows] == [item.id for item in listed]
    assert list(rows[0]) == list(EXPORT_FIELDS)
    assert progress[-1] == (257, 257)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    assert not part_path(target).exists()


async def test_export_json_is_one_array(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    dataset = server.create_dataset("export json")
    server.bulk_insert_items(dataset, _items(3))
    target = tmp_path / "out.json"

    await export_items(client, dataset, target, fmt=ExportFormat.JSON)

    rows = json.loads(target.read_text())
    assert sorted(row["input"]["q"] for row in rows) == ["t0", "t1", "t2"]


async def test_export_of_an_empty_dataset(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    dataset = server.create_dataset("export empty")
    await export_items(client, dataset, tmp_path / "a.json", fmt=ExportFormat.JSON)
    await export_items(client, dataset, tmp_path / "a.jsonl")
    assert json.loads((tmp_path / "a.json").read_text()) == []
    assert (tmp_path / "a.jsonl").read_text() == ""


async def test_export_of_items_nested_deeper_than_pydantic_serializes(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    deep: Any = "bottom"
    for _ in range(300):  # pydantic's serializer stops at ~255 levels; PostHog stores more
        deep = [deep]
    dataset = server.create_dataset("export deep")
    await client.create_dataset_item(dataset, input=deep, expected_output={"a": 1})
    await export_items(client, dataset, tmp_path / "deep.jsonl")
    (row,) = [json.loads(line) for line in (tmp_path / "deep.jsonl").read_text().splitlines()]
    assert row["input"] == deep and row["output"] == {"a": 1}


async def test_export_resumes_after_a_dropped_connection(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    dataset = server.create_dataset("export drop")
    server.bulk_insert_items(dataset, _items(120))
    server.options.drop_next = 1
    try:
        result = await export_items(client, dataset, tmp_path / "x.jsonl", page_size=40)
    finally:
        server.options.drop_next = 0
    assert result.items == 120
    assert len(set((tmp_path / "x.jsonl").read_text().splitlines())) == 120


async def test_cancelled_export_leaves_no_file(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    dataset = server.create_dataset("export cancel")
    server.bulk_insert_items(dataset, _items(300))
    target = tmp_path / "c.jsonl"
    server.options.latency_ms = 50
    try:
        task = asyncio.ensure_future(export_items(client, dataset, target, page_size=10, window=1))
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        server.options.latency_ms = 0
    assert not target.exists()
    assert not part_path(target).exists()


# ------------------------------------------------------------------------------- import


def _write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def test_import_reports_failed_lines_and_resumes_without_duplicates(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    dataset = server.create_dataset("import resume")
    good = [json.dumps(row) for row in _items(6, "imp")]
    source = _write_lines(
        tmp_path / "in.jsonl", [good[0], good[1], "{broken", good[2], "", "[1]", *good[3:]]
    )

    first = await import_items(client, dataset, source, concurrency=3)

    assert (first.imported, first.skipped, first.total) == (6, 0, 8)
    assert [(failed.line, failed.message[:12]) for failed in first.failed] == [
        (3, "invalid JSON"),
        (6, "expected a J"),
    ]
    assert first.ledger == default_ledger_path(source, dataset)

    # Fix line 3 and run again: only the fixed line is created.
    lines = source.read_text().splitlines()
    lines[2] = json.dumps({"input": "fixed"})
    _write_lines(source, lines)
    second = await import_items(client, dataset, source, concurrency=3)

    assert (second.imported, second.skipped, len(second.failed)) == (1, 6, 1)
    items = await _all_items(client, dataset)
    assert len(items) == 7
    assert sorted(str(item.input) for item in items).count("fixed") == 1


async def test_import_waits_out_rate_limits(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    dataset = server.create_dataset("import 429")
    source = _write_lines(tmp_path / "r.jsonl", [json.dumps(row) for row in _items(10)])
    server.options.throttle_next = 2
    try:
        report = await import_items(client, dataset, source, concurrency=4)
    finally:
        server.options.throttle_next = 0
    assert report.ok and report.imported == 10
    assert len(await _all_items(client, dataset)) == 10


async def test_import_stops_at_once_when_the_key_is_refused(
    server: RunningServer, tmp_path: Path
) -> None:
    dataset = server.create_dataset("import 401")
    source = _write_lines(tmp_path / "k.jsonl", [json.dumps(row) for row in _items(20)])
    async with PostHogClient(server.url, "phx_not_a_key", server.project_id) as stranger:
        with pytest.raises(AuthenticationError):
            await import_items(stranger, dataset, source)
    ledger = default_ledger_path(source, dataset)
    assert not ledger.exists() or ledger.read_text(encoding="utf-8") == ""


async def test_import_progress_reaches_the_total(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    dataset = server.create_dataset("import progress")
    source = _write_lines(tmp_path / "p.jsonl", [json.dumps(row) for row in _items(12)])
    seen: list[tuple[int, int]] = []
    await import_items(client, dataset, source, on_progress=lambda *p: seen.append(p))
    assert seen[-1] == (12, 12)
    assert len(seen) == 12
