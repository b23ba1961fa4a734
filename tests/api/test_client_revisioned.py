"""The client against the local server's revisioned datasets API, over real HTTP."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from phtui.api import PostHogClient
from phtui.api.errors import (
    ConflictError,
    DatasetsUnavailableError,
    LimitReachedError,
    MethodNotAllowedError,
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
    ValidationError,
)
from phtui.server.runner import RunningServer

ClientFactory = Callable[..., AbstractAsyncContextManager[PostHogClient]]
WHEN = datetime(2026, 5, 4, 10, 12, 33, tzinfo=UTC)


def unique(label: str) -> str:
    return f"{label} {uuid.uuid4().hex[:10]}"


# -- datasets ----------------------------------------------------------------------------


async def test_dataset_lifecycle(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    async with connect(fresh_revisioned_server) as api:
        created = await api.create_dataset("Support QA", description="golden", metadata={"o": 1})
        assert api.datasets_api == "revisioned"
        assert (created.archived, created.current_revision, created.current_revision_id) == (
            False,
            None,
            None,
        )
        assert (created.team_id, created.user_access_level) == (
            fresh_revisioned_server.project_id,
            "editor",
        )
        renamed = await api.update_dataset(created.id, name="Support QA v2", metadata={})
        assert (renamed.name, renamed.description, renamed.metadata) == (
            "Support QA v2",
            "golden",
            {},
        )

        archived = await api.archive_dataset(created.id)
        assert archived.archived is True
        assert (await api.archive_dataset(created.id)).archived is True  # idempotent
        assert (await api.get_dataset(created.id)).archived is True  # still readable
        assert (await api.list_datasets()).count == 0
        only_archived = await api.list_datasets(archived=True)
        assert [d.id for d in only_archived.results] == [created.id]
        with pytest.raises(ConflictError) as caught:
            await api.update_dataset(created.id, name="x")
        assert caught.value.code == "dataset_archived"

        assert (await api.restore_dataset(created.id)).archived is False
        assert (await api.list_datasets(archived=True)).count == 0
        assert (await api.delete_dataset(created.id)).archived is True  # an alias of archive


async def test_dataset_names_are_unique_and_datasets_limited(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    fresh_revisioned_server.options.max_datasets_per_project = 2
    async with connect(fresh_revisioned_server) as api:
        await api.create_dataset("one")
        with pytest.raises(ConflictError) as clash:
            await api.create_dataset("one")
        assert type(clash.value) is ConflictError and clash.value.code == "dataset_name_conflict"
        assert "already exists" in str(clash.value)
        await api.archive_dataset((await api.create_dataset("two")).id)  # archived ones count
        with pytest.raises(LimitReachedError) as full:
            await api.create_dataset("three")
    limit = full.value
    assert (limit.code, limit.resource, limit.current_count, limit.limit) == (
        "limit_reached",
        "datasets",
        2,
        2,
    )
    assert "The limit is 2" in str(limit)


async def test_find_datasets_by_name_on_a_revisioned_server(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    name = unique("find me")
    async with connect(fresh_revisioned_server) as api:
        created = await api.create_dataset(name)
        await api.create_dataset(f"{name} too")
        assert [d.id for d in await api.find_datasets_by_name(name)] == [created.id]


async def test_revisions_are_listed_newest_first(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    async with connect(fresh_revisioned_server) as api:
        dataset = await api.create_dataset("revisions")
        assert (await api.list_dataset_revisions(dataset.id)).count == 0
        item = await api.create_dataset_item(dataset.id, input={"q": 1})
        await api.update_dataset_item(item.id, base_version=1, expected_output="a")
        await api.archive_dataset_item(item.id, base_version=2)
        page = await api.list_dataset_revisions(dataset.id)
        assert [r.revision for r in page.results] == [3, 2, 1]
        assert {r.dataset_id for r in page.results} == {dataset.id}
        second = await api.list_dataset_revisions(dataset.id, limit=1, offset=1)
        assert [r.revision for r in second.results] == [2]
        assert (second.limit, second.offset, second.has_next) == (1, 1, True)
        assert (await api.get_dataset(dataset.id)).current_revision == 3


# -- items -------------------------------------------------------------------------------


async def test_item_lifecycle(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    async with connect(fresh_revisioned_server) as api:
        dataset = await api.create_dataset("items")
        item = await api.create_dataset_item(
            dataset.id,
            input={"messages": [{"role": "user", "content": "How do I cancel?"}]},
            expected_output="Point the user to billing.",
            source_output="You can cancel any time.",
            metadata={"category": "billing"},
            client_item_id="ticket-4821",
            source_trace_id="trace_abc",
            source_event_id="event_def",
            source_timestamp=WHEN,
        )
        assert (item.version, item.dataset_revision, item.archived) == (1, 1, False)
        assert (item.client_item_id, item.source_output, item.source_timestamp) == (
            "ticket-4821",
            "You can cancel any time.",
            WHEN,
        )
        assert item.version_created_at is not None and item.version_id

        # Only the fields given are sent: metadata stays, expected_output changes.
        edited = await api.update_dataset_item(item.id, base_version=1, expected_output="Billing.")
        assert (edited.version, edited.expected_output, edited.metadata) == (
            2,
            "Billing.",
            {"category": "billing"},
        )
        assert edited.id == item.id and edited.version_id != item.version_id
        cleared = await api.update_dataset_item(
            item.id, base_version=2, expected_output=None, metadata={}
        )
        assert (cleared.version, cleared.expected_output, cleared.metadata) == (3, None, {})
        assert cleared.input == item.input and cleared.source_output == item.source_output
        unchanged = await api.update_dataset_item(item.id, base_version=3, input=item.input)
        assert unchanged.version == 3  # same content: no new version

        archived = await api.delete_dataset_item(item.id, base_version=3)  # alias of archive
        assert (archived.version, archived.archived) == (4, True)
        assert (await api.get_dataset_item(item.id)).archived is True  # still readable
        assert (await api.list_dataset_items(dataset.id)).count == 0
        listed = await api.list_dataset_items(dataset.id, archived=True)
        assert [i.id for i in listed.results] == [item.id]

        restored = await api.restore_dataset_item(item.id, base_version=4)
        assert (restored.version, restored.archived, restored.expected_output) == (5, False, None)
        await api.archive_dataset_item(item.id, base_version=5)
        from_v2 = await api.restore_dataset_item(item.id, base_version=6, source_version=2)
        assert (from_v2.version, from_v2.expected_output, from_v2.metadata) == (
            7,
            "Billing.",
            {"category": "billing"},
        )

        versions = await api.list_dataset_item_versions(item.id)
        assert [v.version for v in versions.results] == [7, 6, 5, 4, 3, 2, 1]
        assert [v.archived for v in versions.results[:4]] == [False, True, False, True]
        page = await api.list_dataset_item_versions(item.id, limit=2, offset=2)
        assert [v.version for v in page.results] == [5, 4] and page.limit == 2

        as_of_2 = await api.get_dataset_item(item.id, revision=2)
        assert (as_of_2.version, as_of_2.expected_output) == (2, "Billing.")


async def test_an_identical_create_returns_the_item_it_made(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    statuses: list[int] = []
    async with connect(fresh_revisioned_server, on_response=statuses.append) as api:
        dataset = await api.create_dataset("idempotent")
        fields: dict[str, Any] = {
            "input": {"q": 1},
            "expected_output": "a",
            "client_item_id": "k-1",
            "source_trace_id": "t",
            "source_timestamp": WHEN,
        }
        first = await api.create_dataset_item(dataset.id, **fields)
        again = await api.create_dataset_item(dataset.id, **fields)
        assert statuses[-2:] == [201, 200]
        assert (again.id, again.version, again.version_id) == (first.id, 1, first.version_id)
        assert (await api.get_dataset(dataset.id)).current_revision == 1

        with pytest.raises(ConflictError) as different:
            await api.create_dataset_item(dataset.id, **{**fields, "expected_output": "b"})
        conflict = different.value
        assert (conflict.code, conflict.current_item_id, conflict.current_version) == (
            "client_item_id_conflict",
            first.id,
            1,
        )
        await api.archive_dataset_item(first.id, base_version=1)
        with pytest.raises(ConflictError, match="Unarchive that item"):
            await api.create_dataset_item(dataset.id, **fields)
        assert statuses.count(409) == 2  # a 409 is never retried


async def test_a_stale_base_version_is_a_conflict_never_retried(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    statuses: list[int] = []
    async with connect(fresh_revisioned_server, on_response=statuses.append) as api:
        dataset = await api.create_dataset("stale")
        item = await api.create_dataset_item(dataset.id, input={"q": 1})
        await api.update_dataset_item(item.id, base_version=1, expected_output="mine")
        statuses.clear()
        with pytest.raises(StaleVersionError) as caught:
            await api.update_dataset_item(item.id, base_version=1, expected_output="theirs")
        assert statuses == [409]
        with pytest.raises(StaleVersionError):
            await api.archive_dataset_item(item.id, base_version=1)
        with pytest.raises(ConflictError) as active:
            await api.restore_dataset_item(item.id, base_version=2)
    assert (caught.value.current_version, caught.value.current_item_id) == (2, item.id)
    assert "version 2 now" in str(caught.value)
    assert active.value.code == "dataset_item_active"


async def test_base_version_is_required_before_any_request(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    statuses: list[int] = []
    async with connect(fresh_revisioned_server, on_response=statuses.append) as api:
        dataset = await api.create_dataset("required")
        item = await api.create_dataset_item(dataset.id, input={"q": 1})
        asked = len(statuses)
        with pytest.raises(TypeError, match="base_version"):
            await api.update_dataset_item(item.id, expected_output="x")
        with pytest.raises(TypeError, match="base_version"):
            await api.archive_dataset_item(item.id)
        with pytest.raises(TypeError, match="base_version"):
            await api.delete_dataset_item(item.id)
        with pytest.raises(TypeError, match="base_version"):
            await api.restore_dataset_item(item.id)
        with pytest.raises(ValueError, match="source_trace_id"):
            await api.update_dataset_item(item.id, base_version=1, source_trace_id="t")
        with pytest.raises(ValueError, match="base_version"):
            await api.update_dataset_item(item.id, base_version=0, input=1)
        assert len(statuses) == asked


async def test_server_side_validation_names_the_field(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    async with connect(fresh_revisioned_server) as api:
        dataset = await api.create_dataset("validation")
        with pytest.raises(ValidationError) as no_input:
            await api.create_dataset_item(dataset.id, input=None)
        with pytest.raises(ValidationError) as no_timestamp:
            await api.create_dataset_item(dataset.id, input=1, source_trace_id="t")
        with pytest.raises(NotFoundError):
            await api.create_dataset_item(str(uuid.uuid4()), input=1)
    assert (no_input.value.field, no_input.value.code) == ("input", "null")
    assert no_timestamp.value.field == "source_timestamp"


async def test_archived_datasets_refuse_item_changes(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    async with connect(fresh_revisioned_server) as api:
        dataset = await api.create_dataset("frozen")
        item = await api.create_dataset_item(dataset.id, input={"q": 1})
        await api.archive_dataset(dataset.id)
        with pytest.raises(ConflictError) as caught:
            await api.update_dataset_item(item.id, base_version=1, input={"q": 2})
        assert caught.value.code == "dataset_archived"
        assert (await api.list_dataset_items(dataset.id)).count == 1  # still readable


async def test_item_and_version_limits(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    options = fresh_revisioned_server.options
    options.max_items_per_dataset = 1
    options.max_versions_per_item = 2
    async with connect(fresh_revisioned_server) as api:
        dataset = await api.create_dataset("limits")
        item = await api.create_dataset_item(dataset.id, input={"q": 1}, client_item_id="only")
        with pytest.raises(LimitReachedError) as items:
            await api.create_dataset_item(dataset.id, input={"q": 2})
        # An identical retry still succeeds at the limit.
        assert (
            await api.create_dataset_item(dataset.id, input={"q": 1}, client_item_id="only")
        ).id == item.id
        await api.update_dataset_item(item.id, base_version=1, input={"q": 3})
        with pytest.raises(LimitReachedError) as versions:
            await api.update_dataset_item(item.id, base_version=2, input={"q": 4})
    assert (items.value.resource, items.value.current_count, items.value.limit) == (
        "dataset_items",
        1,
        1,
    )
    assert (versions.value.resource, versions.value.limit) == ("dataset_item_versions", 2)


async def test_delete_is_405_with_a_json_body(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    async with connect(fresh_revisioned_server) as api:
        dataset = await api.create_dataset("no delete")
        with pytest.raises(MethodNotAllowedError) as caught:
            await api._request("DELETE", api._path("datasets", dataset.id))
    assert caught.value.code == "method_not_allowed"


# -- pages, snapshots and the whole dataset ----------------------------------------------


async def test_item_pages_say_what_size_the_server_used(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    dataset_id = fresh_revisioned_server.create_dataset("pages")
    fresh_revisioned_server.bulk_insert_items(dataset_id, ({"input": {"n": n}} for n in range(60)))
    async with connect(fresh_revisioned_server) as api:
        default = await api.list_dataset_items(dataset_id)
        assert (len(default.results), default.limit, default.page_count) == (10, 10, 6)
        capped = await api.list_dataset_items(dataset_id, limit=100)
        assert (len(capped.results), capped.limit, capped.has_next) == (25, 25, True)
        last = await api.list_dataset_items(dataset_id, limit=100, offset=50)
        assert (len(last.results), last.limit, last.page_number, last.has_next) == (
            10,
            25,
            3,
            False,
        )
        pages = [page async for page in api.iter_dataset_item_pages(dataset_id)]
        assert [page.offset for page in pages] == [0, 25, 50]
        items = [item.input["n"] async for item in api.iter_dataset_items(dataset_id, page_size=7)]
        assert items == list(range(59, -1, -1))


async def test_a_revision_is_an_immutable_snapshot(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    async with connect(fresh_revisioned_server) as api:
        dataset = await api.create_dataset("snapshot")
        first = await api.create_dataset_item(dataset.id, input={"n": 1})
        second = await api.create_dataset_item(dataset.id, input={"n": 2})
        await api.update_dataset_item(first.id, base_version=1, input={"n": 10})
        await api.archive_dataset_item(second.id, base_version=1)
        at_2 = await api.list_dataset_items(dataset.id, revision=2)
        assert [i.input for i in at_2.results] == [{"n": 2}, {"n": 1}]
        now = await api.list_all_dataset_items(dataset.id)
        assert (now.revision, [i.input for i in now.items]) == (4, [{"n": 10}])
        then = await api.list_all_dataset_items(dataset.id, revision=2)
        assert (then.revision, then.dataset.id) == (2, dataset.id)
        assert [i.id for i in then.items] == [second.id, first.id]
        archived = await api.list_all_dataset_items(dataset.id, archived=True)
        assert [i.id for i in archived.items] == [second.id]
        with pytest.raises(NotFoundError):
            await api.list_dataset_items(dataset.id, revision=99)


async def test_an_empty_dataset_has_no_revision_and_no_items(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    statuses: list[int] = []
    async with connect(fresh_revisioned_server, on_response=statuses.append) as api:
        dataset = await api.create_dataset("empty")
        statuses.clear()
        snapshot = await api.list_all_dataset_items(dataset.id)
    assert (snapshot.revision, snapshot.items, snapshot.skipped) == (None, [], [])
    assert statuses == [200]  # the dataset only: no page to ask for


async def test_list_all_pins_every_page_to_one_revision(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    server = fresh_revisioned_server
    server.options.max_items_per_dataset = None
    dataset_id = server.create_dataset("six hundred")
    server.bulk_insert_items(dataset_id, ({"input": {"n": n}} for n in range(600)))
    async with connect(server) as api:
        snapshot = await api.list_all_dataset_items(dataset_id)
        assert snapshot.revision == 600 and len(snapshot.items) == 600
        assert [item.input["n"] for item in snapshot.items] == list(range(599, -1, -1))
        # Items added after the revision it is pinned to never show up in it.
        await api.create_dataset_item(dataset_id, input={"n": "late"})
        again = await api.list_all_dataset_items(dataset_id, revision=600)
        assert [item.id for item in again.items] == [item.id for item in snapshot.items]
        assert again.dataset.current_revision == 601


# -- exports -----------------------------------------------------------------------------


async def test_export_round_trip(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    server = fresh_revisioned_server
    server.options.export_delay_ms = 150
    seen: list[str] = []
    async with connect(server) as api:
        dataset = await api.create_dataset("Support answers")
        with pytest.raises(ConflictError, match="Add an item before exporting"):
            await api.create_dataset_export(dataset.id)
        item = await api.create_dataset_item(
            dataset.id, input={"q": "é"}, expected_output="a", client_item_id="c1"
        )
        await api.create_dataset_item(dataset.id, input={"q": 2})
        export = await api.create_dataset_export(dataset.id, revision=1)
        assert (export.status, export.dataset_revision) == ("pending", 1)
        assert export.filename.startswith("support-answers-r1-")
        with pytest.raises(ConflictError, match="still being prepared") as pending:
            [line async for line in api.download_dataset_export(dataset.id, export.id)]
        assert pending.value.code is None
        done = await api.wait_for_dataset_export(
            dataset.id, export.id, poll_interval=0.02, on_status=lambda e: seen.append(e.status)
        )
        lines = [line async for line in api.download_dataset_export(dataset.id, export.id)]
    assert done.status == "complete" and seen[0] == "pending" and seen[-1] == "complete"
    rows = [json.loads(line) for line in lines]
    assert len(rows) == 1 and list(rows[0])[:4] == [
        "dataset_id",
        "dataset_revision",
        "item_id",
        "client_item_id",
    ]
    assert (rows[0]["item_id"], rows[0]["input"], rows[0]["version"]) == (item.id, {"q": "é"}, 1)


async def test_an_export_redirected_to_storage_is_fetched_without_the_key(
    fresh_revisioned_server: RunningServer, connect: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    server = fresh_revisioned_server
    server.options.export_redirect = True
    caplog.set_level("DEBUG", logger="phtui.api")
    async with connect(server) as api:
        dataset = await api.create_dataset("redirected")
        for n in range(3):
            await api.create_dataset_item(dataset.id, input={"n": n})
        export = await api.create_dataset_export(dataset.id)
        await api.wait_for_dataset_export(dataset.id, export.id, poll_interval=0.02)
        lines = [line async for line in api.download_dataset_export(dataset.id, export.id)]
    assert [json.loads(line)["input"] for line in lines] == [{"n": 0}, {"n": 1}, {"n": 2}]
    (fetch,) = server.storage_requests
    assert (fetch.had_authorization, fetch.status) == (False, 200)
    assert fetch.host.split(":")[0] == "localhost"  # another origin than 127.0.0.1
    assert "X-Amz" not in caplog.text and server.api_key not in caplog.text


async def test_failed_and_slow_exports(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    from phtui.api.errors import ExportFailedError, ExportTimeoutError

    server = fresh_revisioned_server
    async with connect(server) as api:
        dataset = await api.create_dataset("exports")
        await api.create_dataset_item(dataset.id, input={"q": 1})
        server.options.export_fail_next = 1
        failed = await api.create_dataset_export(dataset.id)
        with pytest.raises(ExportFailedError) as caught:
            await api.wait_for_dataset_export(dataset.id, failed.id, poll_interval=0.02)
        assert caught.value.reason == "The export could not be started. Try again."
        with pytest.raises(ConflictError, match="could not be started"):
            [line async for line in api.download_dataset_export(dataset.id, failed.id)]
        server.options.export_delay_ms = 60_000
        slow = await api.create_dataset_export(dataset.id)
        with pytest.raises(ExportTimeoutError) as timed_out:
            await api.wait_for_dataset_export(dataset.id, slow.id, poll_interval=0.01, timeout=0.05)
        assert timed_out.value.status == "pending"
        with pytest.raises(NotFoundError):
            await api.get_dataset_export(dataset.id, 999_999)


# -- access and the feature flag ---------------------------------------------------------


async def test_datasets_not_enabled_is_said_plainly(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    fresh_revisioned_server.options.datasets_feature_flag = False
    async with connect(fresh_revisioned_server) as api:
        for call in (api.list_datasets(), api.detect_datasets_api(), api.get_dataset_item("x")):
            with pytest.raises(DatasetsUnavailableError) as caught:
                await call
            assert caught.value.flag_confirmed and caught.value.missing_scope is None
            assert str(caught.value).startswith("Datasets are not enabled for this PostHog")
        assert api.datasets_api is None
        assert await api.list_themes()  # everything else still works


async def test_a_missing_scope_is_still_a_scope_error(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    key = fresh_revisioned_server.create_api_key(["dataset:read"])
    async with connect(fresh_revisioned_server, key=key) as api:
        with pytest.raises(PermissionDeniedError) as caught:
            await api.create_dataset("nope")
    assert type(caught.value) is PermissionDeniedError
    assert caught.value.missing_scope == "dataset:write"


async def test_dataset_access_levels(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    async with connect(fresh_revisioned_server) as api:
        dataset = await api.create_dataset("viewer only")
        fresh_revisioned_server.options.dataset_access_level = "viewer"
        assert (await api.get_dataset(dataset.id)).user_access_level == "viewer"
        with pytest.raises(PermissionDeniedError, match="editor access") as caught:
            await api.create_dataset_item(dataset.id, input=1)
    assert type(caught.value) is PermissionDeniedError


# -- deep JSON ----------------------------------------------------------------------------


def nested(depth: int, leaf: Any = "bottom") -> Any:
    """`depth` objects, one inside the other (built without recursion)."""
    value = leaf
    for _ in range(depth):
        value = {"k": value}
    return value


def depth_of(value: Any) -> tuple[int, Any]:
    """How many objects `nested` stacked, and the leaf (walked without recursion: comparing
    such values with == recurses as deep as they go)."""
    depth = 0
    while isinstance(value, dict):
        assert list(value) == ["k"]
        value, depth = value["k"], depth + 1
    return depth, value


# PostHog accepts bodies nested up to about 900 levels, the body itself included; the local
# server takes exactly 900, so an item's input may nest 899 deep.
@pytest.mark.parametrize("depth", [300, 899])
async def test_values_as_deep_as_posthog_accepts_round_trip(
    fresh_revisioned_server: RunningServer, connect: ClientFactory, depth: int
) -> None:
    async with connect(fresh_revisioned_server) as api:
        dataset = await api.create_dataset("deep")
        shallow = await api.create_dataset_item(dataset.id, input={"q": 1})
        item = await api.create_dataset_item(
            dataset.id, input=nested(depth), expected_output=nested(depth - 1, 7)
        )
        assert depth_of(item.input) == (depth, "bottom")
        page = await api.list_dataset_items(dataset.id)
        assert [i.id for i in page.results] == [item.id, shallow.id] and page.skipped == []
        assert depth_of(page.results[0].input) == (depth, "bottom")
        assert depth_of(page.results[0].expected_output) == (depth - 1, 7)
        assert depth_of((await api.get_dataset_item(item.id)).input) == (depth, "bottom")
        snapshot = await api.list_all_dataset_items(dataset.id)
        assert snapshot.skipped == [] and not any(i.too_deep for i in snapshot.items)
        # ... and can be written back as they came.
        edited = await api.update_dataset_item(
            item.id, base_version=1, input=page.results[0].input, metadata={"d": nested(depth - 1)}
        )
        assert edited.version == 2 and depth_of(edited.metadata["d"]) == (depth - 1, "bottom")
        versions = await api.list_dataset_item_versions(item.id)
        assert [v.version for v in versions.results] == [2, 1]


async def test_deeper_than_posthog_accepts_is_refused_by_the_server(
    fresh_revisioned_server: RunningServer, connect: ClientFactory
) -> None:
    async with connect(fresh_revisioned_server) as api:
        dataset = await api.create_dataset("too deep")
        with pytest.raises(ValidationError):
            await api.create_dataset_item(dataset.id, input=nested(900))


# -- concurrency -------------------------------------------------------------------------


class InFlight(httpx.AsyncHTTPTransport):
    """A real transport that counts how many requests overlap."""

    def __init__(self) -> None:
        super().__init__()
        self.now = 0
        self.most = 0
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.now += 1
        self.requests += 1
        self.most = max(self.most, self.now)
        try:
            return await super().handle_async_request(request)
        finally:
            self.now -= 1


@pytest.mark.parametrize("concurrency", [1, 6])
async def test_list_all_overlaps_its_page_requests(
    fresh_revisioned_server: RunningServer, concurrency: int
) -> None:
    server = fresh_revisioned_server
    server.options.max_items_per_dataset = None
    dataset_id = server.create_dataset("overlap")
    server.bulk_insert_items(dataset_id, ({"input": {"n": n}} for n in range(600)))
    transport = InFlight()
    async with PostHogClient(
        server.url, server.api_key, server.project_id, transport=transport
    ) as api:
        await api.detect_datasets_api()
        server.options.latency_ms = 50
        started = time.perf_counter()
        snapshot = await api.list_all_dataset_items(dataset_id, concurrency=concurrency)
        elapsed = time.perf_counter() - started
    assert len(snapshot.items) == 600 and snapshot.revision == 600
    assert [item.input["n"] for item in snapshot.items] == list(range(599, -1, -1))
    assert transport.requests == 1 + 1 + 24  # detection, the dataset, 24 pages of 25
    assert transport.most == concurrency
    if concurrency == 6:
        # The dataset, the first page, then 23 pages 6 at a time: 6 round trips, not 25.
        # (The brief's budget is 400 ms at 50 ms a request; the bound here leaves room for a
        # loaded test machine while still failing for pages fetched one after another.)
        assert elapsed < 0.9, elapsed


async def test_list_all_never_asks_for_pages_past_the_count(
    fresh_revisioned_server: RunningServer,
) -> None:
    # Two items edited many times: revision 42 could hold 42 items, but the first page says 2.
    server = fresh_revisioned_server
    transport = InFlight()
    async with PostHogClient(
        server.url, server.api_key, server.project_id, transport=transport
    ) as api:
        dataset = await api.create_dataset("edited often")
        for n in range(2):
            item = await api.create_dataset_item(dataset.id, input={"n": n})
            for version in range(1, 21):
                await api.update_dataset_item(item.id, base_version=version, input={"v": version})
        before = transport.requests
        snapshot = await api.list_all_dataset_items(dataset.id, concurrency=1)
    assert snapshot.revision == 42 and len(snapshot.items) == 2
    assert transport.requests - before == 2  # the dataset and one page


async def test_the_demo_data_reads_the_same_concurrently_and_page_by_page(
    revisioned_demo_server: RunningServer, connect: ClientFactory
) -> None:
    async with connect(revisioned_demo_server) as api:
        datasets = (await api.list_datasets()).results
        assert datasets and api.datasets_api == "revisioned"
        for dataset in datasets:
            snapshot = await api.list_all_dataset_items(dataset.id)
            assert snapshot.revision == dataset.current_revision
            pinned = [
                item.version_id
                async for item in api.iter_dataset_items(dataset.id, revision=snapshot.revision)
            ]
            assert [item.version_id for item in snapshot.items] == pinned
            assert all(not item.archived for item in snapshot.items)
