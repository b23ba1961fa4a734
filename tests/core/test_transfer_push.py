"""core.push_plan: what a push would do (dry run), doing it, and its faults on both APIs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from phtui.api import PostHogClient
from phtui.api.models import DatasetItem
from phtui.core.push_plan import Action, plan_push, run_push
from phtui.core.transfer import ExportMethod, export_items
from phtui.core.transfer_file import read_items_file
from phtui.server.runner import RunningServer
from tests.clients import quick_client


def quick(server: RunningServer) -> PostHogClient:
    """A fail-fast test client that still retries (lost answers are what these tests are about)."""
    return quick_client(server, max_retries=3, backoff_base=0.01)


@pytest.fixture
async def rclient(fresh_revisioned_server: RunningServer) -> AsyncIterator[PostHogClient]:
    async with quick(fresh_revisioned_server) as api:
        yield api


def _write(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


async def _items(client: PostHogClient, dataset_id: str) -> list[DatasetItem]:
    return (await client.list_all_dataset_items(dataset_id)).items


async def _pulled(client: PostHogClient, dataset_id: str, path: Path) -> list[dict[str, Any]]:
    await export_items(client, dataset_id, path, method=ExportMethod.DIRECT)
    return [json.loads(line) for line in path.read_text().splitlines()]


async def test_a_pulled_file_edited_and_pushed_back(rclient: PostHogClient, tmp_path: Path) -> None:
    dataset = (await rclient.create_dataset("round trip")).id
    await rclient.create_dataset_item(dataset, input="a", client_item_id="k-a")
    await rclient.create_dataset_item(dataset, input="b")  # no key: matched by item id
    await rclient.create_dataset_item(dataset, input="c", metadata={"tag": "x"})
    rows = await _pulled(rclient, dataset, tmp_path / "pulled.jsonl")
    rows[0]["expected_output"] = "A!"
    rows[1]["metadata"] = {"tag": "y", "new": True}
    rows.append({"input": "d", "client_item_id": "k-d"})
    rows.append({"input": "e"})
    rows.append({"expected_output": "no input"})
    source = _write(tmp_path / "edited.jsonl", rows)

    plan = await plan_push(rclient, dataset, read_items_file(source))

    assert plan.summary() == "2 to create, 2 to update, 1 unchanged, 1 refused (of 6 lines)"
    update = plan.of(Action.UPDATE)[0]
    assert dict(update.fields) == {"expected_output": "A!"}
    assert [str(c) for c in update.changes] == ['~ expected_output: null → "A!"']
    text = "\n".join(plan.lines())
    assert "line 1: update item" in text and "('k-a'): expected_output" in text
    assert "line 2: update item" in text and "+ metadata.new: true" in text
    assert "line 4: create a new item ('k-d')" in text
    assert "line 6: refused: input is missing or null" in text
    assert await _items(rclient, dataset) != []  # the plan changed nothing:
    assert {i.input for i in await _items(rclient, dataset)} == {"a", "b", "c"}

    report = await run_push(rclient, plan)

    assert (report.created, report.updated, report.unchanged) == (2, 2, 1)
    assert [p.line for p in report.refused] == [6] and not report.ok
    items = {i.input: i for i in await _items(rclient, dataset)}
    assert items["a"].expected_output == "A!" and items["a"].version == 2
    assert items["b"].metadata == {"tag": "y", "new": True}
    assert set(items) == {"a", "b", "c", "d", "e"}
    again = await plan_push(rclient, dataset, read_items_file(source))
    assert again.summary() == "0 to create, 0 to update, 5 unchanged, 1 refused (of 6 lines)"


async def test_fields_a_line_leaves_out_are_left_alone(
    rclient: PostHogClient, tmp_path: Path
) -> None:
    dataset = (await rclient.create_dataset("partial")).id
    await rclient.create_dataset_item(
        dataset, input="q", expected_output="keep", metadata={"m": 1}, client_item_id="k"
    )
    source = _write(tmp_path / "p.jsonl", [{"client_item_id": "k", "input": "q2"}])
    plan = await plan_push(rclient, dataset, read_items_file(source))
    (entry,) = plan.entries
    assert entry.action is Action.UPDATE and dict(entry.fields) == {"input": "q2"}
    await run_push(rclient, plan)
    (item,) = await _items(rclient, dataset)
    assert (item.input, item.expected_output, item.metadata) == ("q2", "keep", {"m": 1})


async def test_provenance_differences_are_noted_not_sent(
    rclient: PostHogClient, tmp_path: Path
) -> None:
    dataset = (await rclient.create_dataset("provenance")).id
    await rclient.create_dataset_item(dataset, input="q", source_output="old", client_item_id="k")
    source = _write(
        tmp_path / "p.jsonl", [{"client_item_id": "k", "input": "q", "source_output": "new"}]
    )
    (entry,) = (await plan_push(rclient, dataset, read_items_file(source))).entries
    assert entry.action is Action.UNCHANGED
    assert "source_output differs, but PostHog never changes it after create" in entry.note


async def test_limits_are_said_before_they_are_hit(
    fresh_revisioned_server: RunningServer, tmp_path: Path
) -> None:
    async with quick(fresh_revisioned_server) as client:
        dataset = (await client.create_dataset("limits")).id
        old = await client.create_dataset_item(dataset, input="old", client_item_id="old")
        for version in range(1, 3):
            await client.update_dataset_item(old.id, base_version=version, input=f"v{version}")
        gone = await client.create_dataset_item(dataset, input="gone", client_item_id="gone")
        await client.archive_dataset_item(gone.id, base_version=1)
        rows = [
            {"client_item_id": "old", "input": "v3"},
            {"client_item_id": "gone", "input": "back"},
            *({"input": f"new {n}"} for n in range(4)),
        ]
        source = _write(tmp_path / "l.jsonl", rows)

        plan = await plan_push(
            client, dataset, read_items_file(source), item_limit=4, version_limit=3
        )

    assert plan.existing == 2
    assert [(e.record.line, e.action) for e in plan.entries] == [
        (1, Action.REFUSED),
        (2, Action.REFUSED),
        (3, Action.CREATE),
        (4, Action.CREATE),
        (5, Action.REFUSED),
        (6, Action.REFUSED),
    ]
    assert "at PostHog's limit of 3 versions" in plan.entries[0].note
    assert "is archived: restore it first" in plan.entries[1].note
    assert "would pass PostHog's limit of 4 items (it has 2, archived included)" in (
        plan.entries[4].note
    )
    assert plan.limits == [
        "The dataset has 2 of PostHog's 4 items (archived included): 2 of the 4 new items fit; "
        "2 are refused.",
        "1 item is at PostHog's limit of 3 versions: its update is refused (create a new item "
        "instead).",
    ]


async def test_a_change_made_meanwhile_is_reported_not_overwritten(
    rclient: PostHogClient, tmp_path: Path
) -> None:
    dataset = (await rclient.create_dataset("meanwhile")).id
    item = await rclient.create_dataset_item(dataset, input="q", client_item_id="k")
    source = _write(tmp_path / "m.jsonl", [{"client_item_id": "k", "input": "mine"}])
    plan = await plan_push(rclient, dataset, read_items_file(source))
    await rclient.update_dataset_item(item.id, base_version=1, input="theirs")
    report = await run_push(rclient, plan)
    (failed,) = report.failed
    assert failed.code == "stale" and "changed in PostHog after the push read it" in failed.message
    (now,) = await _items(rclient, dataset)
    assert now.input == "theirs"


@pytest.mark.parametrize("api", ["revisioned", "classic"])
@pytest.mark.parametrize("fault", ["throttle_next", "drop_after_commit_next", "drop_next"])
async def test_faults_during_a_push_leave_no_duplicates(
    fresh_revisioned_server: RunningServer,
    fresh_server: RunningServer,
    tmp_path: Path,
    api: str,
    fault: str,
) -> None:
    server = fresh_revisioned_server if api == "revisioned" else fresh_server
    async with quick(server) as client:
        dataset = (await client.create_dataset(f"faults {fault}")).id
        first = await client.create_dataset_item(dataset, input="edit me", client_item_id="e")
        rows = [{"input": f"new {n}", "metadata": {"n": n}} for n in range(12)]
        if api == "revisioned":
            rows.append({"client_item_id": "e", "input": "edited"})
        else:
            rows.append({"item_id": first.id, "input": "edited"})
        source = _write(tmp_path / "f.jsonl", rows)
        plan = await plan_push(client, dataset, read_items_file(source))
        assert (plan.count(Action.CREATE), plan.count(Action.UPDATE)) == (12, 1)
        setattr(server.options, fault, 4)
        try:
            report = await run_push(client, plan, concurrency=3)
        finally:
            setattr(server.options, fault, 0)
        assert report.ok, (report.summary(), report.failed, report.unknown)
        assert report.created + report.already == 12 and report.updated == 1
        items = await _items(client, dataset)
        assert len(items) == 13
        assert sorted(str(i.input) for i in items) == sorted(
            ["edited", *(f"new {n}" for n in range(12))]
        )
        again = await plan_push(client, dataset, read_items_file(source))
        assert again.count(Action.UNCHANGED) == 13, again.lines()


async def test_posthog_decides_the_limits_on_the_run(
    fresh_revisioned_server: RunningServer, tmp_path: Path
) -> None:
    """The plan says what PostHog's documented limits would refuse; the push sends those
    changes all the same (PostHog's limits may have grown), and a full dataset stops the
    creates, not the updates."""
    server = fresh_revisioned_server
    async with quick(server) as client:
        roomy = (await client.create_dataset("roomy")).id
        source = _write(tmp_path / "four.jsonl", [{"input": n} for n in range(4)])
        plan = await plan_push(client, roomy, read_items_file(source), item_limit=2)
        assert (plan.count(Action.CREATE), plan.count(Action.REFUSED)) == (2, 2)
        report = await run_push(client, plan)
        assert report.ok and report.created == 4

        server.options.max_items_per_dataset = 3
        full = (await client.create_dataset("nearly full")).id
        await client.create_dataset_item(full, input="keyed", client_item_id="k")
        await client.create_dataset_item(full, input="other")
        rows = [{"input": f"new {n}"} for n in range(3)] + [{"client_item_id": "k", "input": "v2"}]
        plan = await plan_push(client, full, read_items_file(_write(tmp_path / "f.jsonl", rows)))
        report = await run_push(client, plan, concurrency=1)
    assert (report.created, report.updated) == (1, 1)
    assert [(p.line, p.code) for p in report.failed] == [(2, "limit"), (3, "limit")]
    assert "The dataset is full: PostHog allows 3 items per dataset" in report.failed[0].message
