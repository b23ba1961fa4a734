"""core.transfer against the local server over real HTTP: exports pinned to a revision (job,
direct, classic pages repaired), imports that never create an item twice, and their faults."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from phtui.api import PostHogClient, deepjson
from phtui.api.errors import AuthenticationError, ExportFailedError
from phtui.api.models import DatasetItem
from phtui.core.item_fields import EXPORT_KEYS
from phtui.core.transfer import (
    DestinationExistsError,
    ExportFormat,
    ExportMethod,
    ImportReport,
    TransferError,
    TransferObserver,
    default_ledger_path,
    export_items,
    import_items,
    part_path,
)
from phtui.core.transfer_file import LineProblem, content_key, item_content, read_items_file
from phtui.server.runner import RunningServer
from tests.clients import quick_client


class Recorder(TransferObserver):
    def __init__(self) -> None:
        self.statuses: list[str] = []
        self.waits: list[tuple[float, str]] = []
        self.problems: list[LineProblem] = []
        self.progress_seen: list[tuple[int, int | None]] = []

    def progress(self, done: int, total: int | None) -> None:
        self.progress_seen.append((done, total))

    def status(self, text: str) -> None:
        self.statuses.append(text)

    def waiting(self, seconds: float, reason: str) -> None:
        self.waits.append((seconds, reason))

    def problem(self, problem: LineProblem) -> None:
        self.problems.append(problem)


def quick(server: RunningServer, **options: Any) -> PostHogClient:
    """A fail-fast test client that still retries (lost answers are what these tests are about)."""
    return quick_client(server, **{"max_retries": 3, "backoff_base": 0.01, **options})


@pytest.fixture
async def rclient(fresh_revisioned_server: RunningServer) -> AsyncIterator[PostHogClient]:
    fresh_revisioned_server.options.lift_limits()
    async with quick(fresh_revisioned_server) as api:
        yield api


def _rows(count: int, tag: str = "t") -> list[dict[str, Any]]:
    return [
        {"input": {"q": f"{tag}{n}"}, "expected_output": {"a": n}, "metadata": {"n": n}}
        for n in range(count)
    ]


def _classic_rows(count: int) -> list[dict[str, Any]]:
    return [
        {"input": {"q": f"c{n}"}, "output": {"a": n}, "metadata": {"n": n}} for n in range(count)
    ]


def _write(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


async def _items(client: PostHogClient, dataset_id: str) -> list[DatasetItem]:
    return (await client.list_all_dataset_items(dataset_id)).items


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# ========================================================================= revisioned export


async def test_the_export_job_and_the_direct_read_write_the_same_bytes(
    fresh_revisioned_server: RunningServer, tmp_path: Path
) -> None:
    server = fresh_revisioned_server
    server.options.export_redirect = True  # PostHog Cloud: the file is on pre-signed storage
    dataset = server.create_dataset("same bytes")
    rows = [
        {
            **row,
            "client_item_id": f"k{n}" if n % 2 else None,
            "source_output": "é" if n == 1 else None,
            "source_trace_id": "trace",
            "source_timestamp": "2026-05-04T10:12:33.000120Z",
        }
        for n, row in enumerate(_rows(30))
    ]
    server.bulk_insert_items(dataset, rows)
    recorder = Recorder()
    async with quick(server) as client:
        job = await export_items(client, dataset, tmp_path / "job.jsonl", observer=recorder)
        direct = await export_items(
            client, dataset, tmp_path / "direct.jsonl", method=ExportMethod.DIRECT
        )
    assert (job.method, direct.method) == ("job", "direct")
    assert job.items == direct.items == 30 and job.revision == direct.revision == 30
    assert (tmp_path / "job.jsonl").read_bytes() == (tmp_path / "direct.jsonl").read_bytes()
    first = _lines(tmp_path / "job.jsonl")[0]
    assert list(first) == list(EXPORT_KEYS)
    assert first["source_timestamp"] == "2026-05-04T10:12:33.000120+00:00"
    assert any("complete" in status for status in recorder.statuses)
    assert server.storage_requests and not any(r.had_authorization for r in server.storage_requests)


async def test_an_export_is_pinned_to_its_revision(rclient: PostHogClient, tmp_path: Path) -> None:
    dataset = (await rclient.create_dataset("pinned")).id
    first = await rclient.create_dataset_item(dataset, input="one")
    await rclient.create_dataset_item(dataset, input="two")
    await rclient.update_dataset_item(first.id, base_version=1, input="one, edited")
    await rclient.create_dataset_item(dataset, input="three")

    for method in (ExportMethod.AUTO, ExportMethod.DIRECT):
        path = tmp_path / f"r2-{method}.jsonl"
        result = await export_items(rclient, dataset, path, revision=2, method=method)
        assert result.revision == 2 and result.items == 2
        assert [row["input"] for row in _lines(path)] == ["one", "two"]  # creation order
        assert {row["dataset_revision"] for row in _lines(path)} == {2}

    with pytest.raises(TransferError, match="has no revision 9: its latest is 4"):
        await export_items(rclient, dataset, tmp_path / "r9.jsonl", revision=9)
    assert not (tmp_path / "r9.jsonl").exists()


@pytest.mark.parametrize("fault", ["throttled", "failed"])
async def test_the_direct_read_takes_over_when_the_job_is_not_available(
    fresh_revisioned_server: RunningServer, tmp_path: Path, fault: str
) -> None:
    server = fresh_revisioned_server
    dataset = server.create_dataset(f"fallback {fault}")
    server.bulk_insert_items(dataset, _rows(12))
    if fault == "throttled":
        server.options.export_creations_per_day = 0  # PostHog: 10 a day per key
    else:
        server.options.export_fail_next = 1
    recorder = Recorder()
    async with quick(server, max_rate_limit_wait=1) as client:
        result = await export_items(client, dataset, tmp_path / "f.jsonl", observer=recorder)
        assert result.method == "direct" and result.items == 12
        assert result.fallback is not None
        expected = "10 export jobs a day" if fault == "throttled" else "could not be started"
        assert expected in result.fallback
        assert any("reading the items directly instead" in s for s in recorder.statuses)
        assert len(_lines(tmp_path / "f.jsonl")) == 12
        if fault == "failed":  # asked for the job only: the failure is the answer
            server.options.export_fail_next = 1
            with pytest.raises(ExportFailedError):
                await export_items(client, dataset, tmp_path / "g.jsonl", method=ExportMethod.JOB)
            assert not (tmp_path / "g.jsonl").exists()


async def test_pending_exports_report_their_state_until_complete(
    fresh_revisioned_server: RunningServer, tmp_path: Path
) -> None:
    server = fresh_revisioned_server
    dataset = server.create_dataset("pending")
    server.bulk_insert_items(dataset, _rows(3))
    server.options.export_delay_ms = 700
    recorder = Recorder()
    async with quick(server) as client:
        result = await export_items(
            client, dataset, tmp_path / "p.jsonl", observer=recorder, poll_interval=0.1
        )
    assert result.method == "job" and result.items == 3
    pending = [s for s in recorder.statuses if "pending" in s]
    assert pending and pending[0].startswith("PostHog is preparing the export: pending")
    assert any(": complete" in s for s in recorder.statuses)


async def test_a_dataset_without_items_exports_an_empty_file(
    rclient: PostHogClient, tmp_path: Path
) -> None:
    dataset = (await rclient.create_dataset("empty")).id
    result = await export_items(rclient, dataset, tmp_path / "e.jsonl")
    assert (result.items, result.revision) == (0, None)
    assert (tmp_path / "e.jsonl").read_text() == ""
    await export_items(rclient, dataset, tmp_path / "e.json", fmt=ExportFormat.JSON)
    assert json.loads((tmp_path / "e.json").read_text()) == []


async def test_items_too_deep_to_read_are_named_not_dropped(
    fresh_revisioned_server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = fresh_revisioned_server
    deep: Any = "bottom"
    for _ in range(300):
        deep = [deep]
    dataset = server.create_dataset("deep")
    server.bulk_insert_items(dataset, [{"input": "shallow"}, {"input": deep}])
    async with quick(server) as client:
        # Read with the job: PostHog's own file holds the deep item, copied as it is.
        job = await export_items(client, dataset, tmp_path / "job.jsonl")
        assert job.items == 2 and job.skipped == ()
        assert _lines(tmp_path / "job.jsonl")[1]["input"] == deep
        # A client that cannot read it (a smaller stack than the value needs): named.
        monkeypatch.setattr(deepjson, "safe_depth", lambda: 150)
        monkeypatch.setattr(deepjson, "loads_on_fresh_stack", _too_deep)
        direct = await export_items(
            client, dataset, tmp_path / "direct.jsonl", method=ExportMethod.DIRECT
        )
    assert direct.items == 1 and len(direct.skipped) == 1
    assert "1 could not be written: nested too deeply" in direct.summary()
    assert direct.skipped[0] in direct.summary()


def _too_deep(data: bytes | str) -> Any:
    raise RecursionError


# ============================================================================ classic export


async def test_classic_export_writes_every_item_once_in_posthogs_format(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    dataset = server.create_dataset("classic export")
    server.bulk_insert_items(dataset, _classic_rows(257))
    progress: list[tuple[int, int]] = []

    result = await export_items(
        client,
        dataset,
        tmp_path / "out.jsonl",
        page_size=50,
        window=3,
        on_progress=lambda *p: progress.append(p),
    )

    rows = _lines(tmp_path / "out.jsonl")
    assert (result.items, result.method, result.revision, result.passes) == (257, "pages", None, 1)
    assert len({row["item_id"] for row in rows}) == 257
    assert list(rows[0]) == list(EXPORT_KEYS)
    assert rows[0]["dataset_revision"] is None and rows[0]["version"] is None
    assert progress[-1] == (257, 257)
    assert not part_path(tmp_path / "out.jsonl").exists()


async def test_classic_export_repairs_pages_shifted_by_deletions(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    """1,199 items; the 50 newest are deleted after the first page was read. Offsets shift by
    50: the file must hold the 1,149 live items, once each, and say so."""
    dataset = server.create_dataset("classic shifting")
    server.bulk_insert_items(dataset, _classic_rows(1_199))
    newest = [item.id for item in (await client.list_dataset_items(dataset, limit=50)).results]
    original = client.list_dataset_items
    calls = 0

    async def deleting_after_first_page(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        page = await original(*args, **kwargs)
        calls += 1
        if calls == 1:
            for item_id in newest:
                await client.delete_dataset_item(item_id)
        return page

    client.list_dataset_items = deleting_after_first_page  # type: ignore[method-assign]
    recorder = Recorder()
    try:
        result = await export_items(client, dataset, tmp_path / "s.jsonl", observer=recorder)
    finally:
        del client.list_dataset_items  # type: ignore[method-assign]

    ids = [row["item_id"] for row in _lines(tmp_path / "s.jsonl")]
    live = {item.id for item in await _items(client, dataset)}
    assert result.items == len(ids) == len(set(ids)) == 1_149
    assert set(ids) == live and not set(newest) & set(ids)
    assert result.passes == 2
    assert "Exported 1,149 items" in result.summary()
    assert any("changed while it was read" in status for status in recorder.statuses)


async def test_classic_export_refuses_a_revision(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    dataset = server.create_dataset("classic revision")
    with pytest.raises(TransferError, match="no revisions"):
        await export_items(client, dataset, tmp_path / "r.jsonl", revision=1)


async def test_classic_export_as_a_json_array(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    dataset = server.create_dataset("classic json")
    server.bulk_insert_items(dataset, [{"input": n} for n in range(3)])
    await export_items(client, dataset, tmp_path / "out.json", fmt=ExportFormat.JSON)
    assert sorted(row["input"] for row in json.loads((tmp_path / "out.json").read_text())) == [
        0,
        1,
        2,
    ]


# ========================================================================= export, the file


async def test_an_existing_file_is_kept_unless_replacing_is_allowed(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    dataset = server.create_dataset("no overwrite")
    target = tmp_path / "keep.jsonl"
    target.write_text("mine\n")
    with pytest.raises(DestinationExistsError, match="already exists"):
        await export_items(client, dataset, target, overwrite=False)
    assert target.read_text() == "mine\n"
    await export_items(client, dataset, target, overwrite=True)
    assert target.read_text() == ""


async def test_an_unwritable_path_is_a_one_line_error_before_any_request(
    server: RunningServer, tmp_path: Path
) -> None:
    async with PostHogClient(server.url, "phx_never_used_key_for_this", server.project_id) as c:
        for path, message in [
            (tmp_path / "missing" / "x.jsonl", "the folder"),
            (tmp_path, "is a folder"),
        ]:
            with pytest.raises(TransferError) as caught:
                await export_items(c, "any", path)
            assert message in str(caught.value) and "\n" not in str(caught.value)
        # A folder that refuses new files, even to root (/proc on Linux).
        if Path("/proc/self").exists():
            with pytest.raises(TransferError, match=r"^Cannot write /proc/phtui-x.jsonl: \w"):
                await export_items(c, "any", Path("/proc/phtui-x.jsonl"))


async def test_a_cancelled_export_leaves_no_file(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    dataset = server.create_dataset("export cancel")
    server.bulk_insert_items(dataset, [{"input": n} for n in range(300)])
    target = tmp_path / "c.jsonl"
    started = asyncio.Event()
    server.options.latency_ms = 50
    try:
        task = asyncio.ensure_future(
            export_items(
                client,
                dataset,
                target,
                page_size=10,
                window=1,
                on_progress=lambda *_: started.set(),
            )
        )
        await asyncio.wait_for(started.wait(), 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        server.options.latency_ms = 0
    assert not target.exists() and not part_path(target).exists()


# ========================================================================= revisioned import


async def test_import_rerun_and_interrupt_never_create_an_item_twice(
    rclient: PostHogClient, fresh_revisioned_server: RunningServer, tmp_path: Path
) -> None:
    dataset = (await rclient.create_dataset("rerun")).id
    source = _write(tmp_path / "in.jsonl", _rows(60))
    report = ImportReport()
    seen = asyncio.Event()

    def progress(done: int, total: int) -> None:
        if done >= 20:
            seen.set()

    fresh_revisioned_server.options.latency_ms = 10
    task = asyncio.ensure_future(
        import_items(rclient, dataset, source, on_progress=progress, report=report)
    )
    await asyncio.wait_for(seen.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    fresh_revisioned_server.options.latency_ms = 0
    assert report.interrupted and 20 <= report.imported < 60
    text = report.interrupted_text()
    assert f"Interrupted after {report.handled} of 60 lines" in text
    assert "Run the same import again" in text
    created_before = len(await _items(rclient, dataset))

    again = await import_items(rclient, dataset, source)

    assert again.ok and again.already == created_before
    assert again.imported == 60 - created_before
    assert again.summary() == (
        f"{60 - created_before} imported, {created_before} already in the dataset (of 60 lines)"
    )
    items = await _items(rclient, dataset)
    assert len(items) == 60 and len({json.dumps(i.input) for i in items}) == 60
    third = await import_items(rclient, dataset, source)
    assert (third.imported, third.already) == (0, 60)


async def test_lost_answers_during_an_import_create_nothing_twice(
    fresh_revisioned_server: RunningServer, rclient: PostHogClient, tmp_path: Path
) -> None:
    dataset = (await rclient.create_dataset("lost answers")).id
    source = _write(tmp_path / "lost.jsonl", _rows(40))
    fresh_revisioned_server.options.drop_after_commit_next = 24  # answers lost after commit
    first = await import_items(rclient, dataset, source, concurrency=4)
    assert first.ok, (first.summary(), first.stopped)
    assert first.imported == 40
    fresh_revisioned_server.options.drop_after_commit_next = 10
    second = await import_items(rclient, dataset, source, concurrency=4)
    assert second.already == 40
    assert len(await _items(rclient, dataset)) == 40


async def test_two_imports_of_one_file_at_once_create_each_item_once(
    fresh_revisioned_server: RunningServer, tmp_path: Path
) -> None:
    fresh_revisioned_server.options.lift_limits()
    source = _write(tmp_path / "twice.jsonl", _rows(50))
    async with quick(fresh_revisioned_server) as one, quick(fresh_revisioned_server) as two:
        dataset = (await one.create_dataset("at once")).id
        first, second = await asyncio.gather(
            import_items(one, dataset, source, concurrency=4),
            import_items(two, dataset, source, concurrency=4),
        )
        items = await _items(one, dataset)
    assert first.ok and second.ok
    assert len(items) == 50 and len({i.client_item_id for i in items}) == 50


async def test_conflicts_are_reported_per_line_with_what_to_do(
    rclient: PostHogClient, tmp_path: Path
) -> None:
    dataset = (await rclient.create_dataset("conflicts")).id
    await rclient.create_dataset_item(dataset, input="theirs", client_item_id="ticket-1")
    archived = await rclient.create_dataset_item(dataset, input="old", client_item_id="ticket-2")
    await rclient.archive_dataset_item(archived.id, base_version=1)
    imported = _write(tmp_path / "first.jsonl", [{"input": "edited later"}])
    await import_items(rclient, dataset, imported)
    (item,) = [i for i in await _items(rclient, dataset) if i.input == "edited later"]
    await rclient.update_dataset_item(item.id, base_version=1, input="edited")
    source = _write(
        tmp_path / "in.jsonl",
        [
            {"client_item_id": "ticket-1", "input": "mine"},
            {"client_item_id": "ticket-2", "input": "old"},
            {"input": "edited later"},
            {"client_item_id": "ticket-3", "input": "new"},
        ],
    )
    recorder = Recorder()

    report = await import_items(rclient, dataset, source, observer=recorder)

    assert (report.imported, report.already) == (1, 1)
    first, second = report.failed
    assert (first.line, first.code) == (1, "conflict")
    assert "already has client_item_id 'ticket-1', with other content" in first.message
    assert "phtui datasets push" in first.message
    assert (second.line, second.code) == (2, "archived")
    assert "restore it" in second.message
    notes = [p for p in recorder.problems if p.code == "note"]
    assert [n.line for n in notes] == [3] and "edited in PostHog since" in notes[0].message


async def test_a_full_dataset_stops_the_import_and_says_how_many_fit(
    fresh_revisioned_server: RunningServer, tmp_path: Path
) -> None:
    fresh_revisioned_server.options.max_items_per_dataset = 25
    async with quick(fresh_revisioned_server) as client:
        dataset = (await client.create_dataset("full")).id
        await client.create_dataset_item(dataset, input="already there")
        source = _write(tmp_path / "many.jsonl", _rows(60))
        calls = record_creates(client)
        report = await import_items(client, dataset, source, concurrency=4)
    assert report.imported == 24 and report.stop_kind == "limit"
    assert report.stopped is not None
    assert "PostHog allows 25 items per dataset" in report.stopped
    assert "24 of the file's lines are in it; 36 do not fit" in report.stopped
    assert not report.resumable
    assert len(calls) < 24 + 4 + 2  # stopped, rather than trying every remaining line


def record_creates(client: PostHogClient) -> list[int]:
    calls: list[int] = []
    original = client.create_dataset_item

    async def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return await original(*args, **kwargs)

    client.create_dataset_item = counting  # type: ignore[method-assign]
    return calls


async def test_an_unreachable_posthog_stops_the_import_after_a_run_of_failures(
    fresh_revisioned_server: RunningServer, tmp_path: Path
) -> None:
    server = fresh_revisioned_server
    async with quick(server, max_retries=1) as client:
        dataset = (await client.create_dataset("unreachable")).id
        source = _write(tmp_path / "down.jsonl", _rows(400))
        original = client.create_dataset_item
        calls = 0

        async def going_down(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            if calls == 30:
                server.options.drop_rate = 1.0
            return await original(*args, **kwargs)

        client.create_dataset_item = going_down  # type: ignore[method-assign]
        try:
            report = await import_items(client, dataset, source, concurrency=4)
        finally:
            server.options.drop_rate = 0.0
    assert report.stopped is not None and "did not answer 8 requests in a row" in report.stopped
    assert report.resumable and report.not_run > 300
    assert calls < 50  # not every remaining line, one by one
    async with quick(server) as client:
        again = await import_items(client, dataset, source)
        assert again.ok and again.imported + again.already == 400
        assert len(await _items(client, dataset)) == 400


async def test_waits_are_reported_as_waits(
    fresh_revisioned_server: RunningServer, rclient: PostHogClient, tmp_path: Path
) -> None:
    dataset = (await rclient.create_dataset("throttled")).id
    source = _write(tmp_path / "r.jsonl", _rows(6))
    fresh_revisioned_server.options.throttle_next = 2
    recorder = Recorder()
    report = await import_items(rclient, dataset, source, observer=recorder, concurrency=2)
    assert report.ok and report.imported == 6
    assert any(reason == "rate limited" and seconds >= 1 for seconds, reason in recorder.waits)


async def test_a_file_exported_from_the_dataset_is_already_in_it(
    revisioned_server: RunningServer, tmp_path: Path
) -> None:
    async with quick(revisioned_server) as client:
        (dataset,) = [
            d for d in (await client.list_datasets()).results if d.name == "Support answers"
        ]
        path = tmp_path / "support.jsonl"
        await export_items(client, dataset.id, path, method=ExportMethod.DIRECT)
        calls = record_creates(client)
        report = await import_items(client, dataset.id, path)
    assert report.ok and report.imported == 0 and report.already == len(_lines(path)) > 500
    assert calls == []


async def test_local_checks_refuse_lines_posthog_would_refuse(
    rclient: PostHogClient, tmp_path: Path
) -> None:
    dataset = (await rclient.create_dataset("local checks")).id
    source = _write(
        tmp_path / "bad.jsonl",
        [
            {"expected_output": "no input"},
            {"input": 1, "source_trace_id": "t"},
            {"input": 1, "source_timestamp": "yesterday", "source_trace_id": "t"},
        ],
    )
    report = await import_items(rclient, dataset, source)
    assert [p.line for p in report.failed] == [1, 2, 3]
    assert "input is missing" in report.failed[0].message
    assert "source timestamp" in report.failed[1].message
    assert "'yesterday' is not a timestamp" in report.failed[2].message


async def test_a_file_that_is_not_utf8_imports_nothing(
    rclient: PostHogClient, tmp_path: Path
) -> None:
    dataset = (await rclient.create_dataset("latin-1")).id
    source = tmp_path / "latin1.jsonl"
    source.write_bytes(b'{"input": "ok"}\n{"input": "caf\xe9"}\n')
    with pytest.raises(TransferError, match=r"line 2, column 15: byte 0xe9"):
        await import_items(rclient, dataset, source)
    assert await _items(rclient, dataset) == []


async def test_the_key_refused_stops_at_once(server: RunningServer, tmp_path: Path) -> None:
    dataset = server.create_dataset("import 401")
    source = _write(tmp_path / "k.jsonl", _rows(20))
    async with PostHogClient(server.url, "phx_not_a_key", server.project_id) as stranger:
        with pytest.raises(AuthenticationError):
            await import_items(stranger, dataset, source)


# ============================================================================ classic import


async def test_classic_import_resumes_by_its_ledger_and_reports_failed_lines(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    dataset = server.create_dataset("classic resume")
    good = [json.dumps(row) for row in _rows(6, "imp")]
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join([good[0], good[1], "{broken", good[2], "", "[1]", *good[3:]]) + "\n"
    )

    first = await import_items(client, dataset, source, concurrency=3)

    assert (first.imported, first.already, first.total) == (6, 0, 8)
    assert [(f.line, f.message[:12]) for f in first.failed] == [
        (3, "invalid JSON"),
        (6, "expected a J"),
    ]
    assert first.ledger == default_ledger_path(source, dataset)

    lines = source.read_text().splitlines()
    lines[2] = json.dumps({"input": "fixed"})
    source.write_text("\n".join(lines) + "\n")
    second = await import_items(client, dataset, source, concurrency=3)

    assert (second.imported, second.earlier, len(second.failed)) == (1, 6, 1)
    assert second.summary() == "1 imported, 6 imported earlier, 1 failed (of 8 lines)"
    assert len(await _items(client, dataset)) == 7


async def test_classic_lines_sent_without_an_answer_are_looked_for_by_content(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    """A rerun after an interrupt: the ledger says two lines were sent but never answered; one
    of them reached PostHog. Neither is reported as imported earlier without a look, and
    neither ends up twice."""
    dataset = server.create_dataset("classic unknown")
    source = _write(tmp_path / "u.jsonl", _rows(4, "u"))
    records = read_items_file(source).records
    reached = records[0]
    await client.create_dataset_item(dataset, **reached.create_fields())
    ledger = default_ledger_path(source, dataset)
    ledger.write_text(f"sent {records[0].client_item_id}\nsent {records[1].client_item_id}\n")
    recorder = Recorder()

    report = await import_items(client, dataset, source, observer=recorder)

    assert (report.imported, report.already) == (3, 1)
    assert any("Looking in the dataset" in status for status in recorder.statuses)
    items = await _items(client, dataset)
    assert len(items) == 4 and len({json.dumps(i.input) for i in items}) == 4


async def test_classic_lost_answers_are_settled_in_the_same_run(
    server: RunningServer, tmp_path: Path
) -> None:
    dataset = server.create_dataset("classic lost")
    source = _write(tmp_path / "l.jsonl", _rows(20, "l"))
    async with quick(server) as client:
        server.options.drop_after_commit_next = 3
        try:
            report = await import_items(client, dataset, source, concurrency=2)
        finally:
            server.options.drop_after_commit_next = 0
        assert report.ok and report.imported == 20, report.summary()
        assert len(await _items(client, dataset)) == 20
        again = await import_items(client, dataset, source)
        assert again.earlier == 20 and len(await _items(client, dataset)) == 20


async def test_a_ledger_from_an_older_phtui_still_counts(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    dataset = server.create_dataset("classic legacy ledger")
    source = _write(tmp_path / "old.jsonl", _rows(3, "old"))
    record = read_items_file(source).records[0]
    default_ledger_path(source, dataset).write_text(f"1 {record.digest}\n")
    report = await import_items(client, dataset, source)
    assert (report.imported, report.earlier) == (2, 1)


async def test_classic_source_output_is_refused_per_line(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    dataset = server.create_dataset("classic source output")
    source = _write(tmp_path / "s.jsonl", [{"input": 1, "source_output": "x"}, {"input": 2}])
    report = await import_items(client, dataset, source)
    assert report.imported == 1
    (failed,) = report.failed
    assert failed.line == 1 and "has no source_output" in failed.message


async def test_the_content_key_of_an_item_matches_its_line(
    server: RunningServer, client: PostHogClient, tmp_path: Path
) -> None:
    """What classic content checks rely on: an item created from a line has that line's key."""
    dataset = server.create_dataset("classic keys")
    row = {
        "input": {"q": "é"},
        "output": [1, 2.5],
        "metadata": None,
        "ref_trace_id": "t",
        "ref_timestamp": "2026-05-04T12:12:33+02:00",
    }
    record = read_items_file(_write(tmp_path / "k.jsonl", [row])).records[0]
    item = await client.create_dataset_item(dataset, **record.create_fields())
    assert content_key(item_content(item)) == record.client_item_id
