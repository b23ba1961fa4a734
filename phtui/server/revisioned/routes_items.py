"""`dataset_items` (revisioned): snapshots, idempotent creates, versioned PATCH, archive and
restore with `base_version`, and the version log. Check orders follow api-revisioned.md
section 12; every successful change is one new version plus one new dataset revision.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from starlette.responses import JSONResponse, Response

from phtui.server.context import RequestContext
from phtui.server.errors import not_found
from phtui.server.fields import parse_uuid
from phtui.server.pagination import envelope, page_request
from phtui.server.revisioned import access, content, serializers, validation
from phtui.server.revisioned.conflicts import (
    ARCHIVED_DATASET,
    CLIENT_ID_ARCHIVED,
    CLIENT_ID_DIFFERENT,
    ITEM_ALREADY_ACTIVE,
    ITEM_ALREADY_ARCHIVED,
    ITEM_ARCHIVED_UPDATE,
    STALE,
    conflict,
    limit_reached,
)
from phtui.server.revisioned.history import Content, History, ItemState
from phtui.server.store import Row

ITEM_PAGE = (10, 25)  # default and maximum `limit`
VERSION_PAGE = (25, 100)


def list_items(ctx: RequestContext) -> Response:
    query = ctx.request.query_params
    dataset_id = validation.query_dataset(query)
    revision = validation.query_revision(query)
    archived = validation.query_bool(query, "archived", False)
    default, maximum = ITEM_PAGE
    page = page_request(query, default=default, maximum=maximum)
    dataset = ctx.revisioned.store.get_dataset(ctx.team_id, dataset_id)
    if dataset is None:
        raise not_found()
    access.require(ctx.options, dataset["id"], "viewer")
    current = dataset["current_revision"]
    if revision is not None and (current is None or revision > current):
        raise not_found()
    count, rows = ctx.revisioned.store.list_items(
        dataset["id"],
        archived=archived,
        revision=None if revision == current else revision,  # the latest: the quick path
        current_revision=current,
        limit=page.limit,
        offset=page.offset,
    )
    users = ctx.store.users_by_id()
    results = [serializers.item(row, users) for row in rows]
    return JSONResponse(envelope(str(ctx.request.url), page, count, results))


def create(ctx: RequestContext) -> Response:
    fields = ctx.validated(validation.ITEM_CREATE, partial=False, strict=True)
    validation.check_provenance(fields)
    store = ctx.revisioned.store
    if store.get_dataset(ctx.team_id, fields["dataset"]) is None:
        raise not_found()
    access.require(ctx.options, fields["dataset"], "editor")
    metadata = fields.get("metadata", {})
    validation.check_item_payload(
        input=fields["input"],
        expected_output=fields.get("expected_output"),
        source_output=fields.get("source_output"),
        metadata=metadata,
    )
    client_item_id = fields.get("client_item_id")
    with ctx.store.transaction() as conn:
        dataset = _fresh_dataset(ctx, fields["dataset"])
        if dataset["archived"]:
            raise conflict("dataset_archived", ARCHIVED_DATASET["add_items"])
        if client_item_id is not None:
            existing = _existing_key(ctx, conn, dataset["id"], client_item_id)
            if existing is not None:
                if existing["archived"]:
                    raise _item_conflict("client_item_id_conflict", CLIENT_ID_ARCHIVED, existing)
                if not _same_create(existing, fields, metadata):
                    raise _item_conflict("client_item_id_conflict", CLIENT_ID_DIFFERENT, existing)
                return _item_json(ctx, existing)  # an idempotent retry: 200, nothing new
        limit = ctx.options.max_items_per_dataset
        if limit is not None:
            count = store.count_items(conn, dataset["id"])
            if count >= limit:
                raise limit_reached("dataset_items", count, limit)
        history = _history(ctx, dataset)
        item = history.create(
            at=ctx.clock(),
            user_id=ctx.user["id"],
            content=Content(
                content.stored(fields["input"]),
                content.stored_or_null(fields.get("expected_output")),
                content.stored(metadata),
            ),
            source_output=content.stored_or_null(fields.get("source_output")),
            client_item_id=client_item_id,
            source_trace_id=fields.get("source_trace_id"),
            source_event_id=fields.get("source_event_id"),
            source_timestamp=fields.get("source_timestamp"),
        )
        history.write(store, conn)
    return _current(ctx, item.id, status=201)


def retrieve(ctx: RequestContext) -> Response:
    revision = validation.query_revision(ctx.request.query_params)
    row = _find(ctx, "viewer")
    if revision is None:
        return _item_json(ctx, row)
    dataset = _fresh_dataset(ctx, row["dataset"])
    current = dataset["current_revision"]
    at = (
        None
        if current is None or revision > current
        else ctx.revisioned.store.get_item_at(row["id"], revision)
    )
    if at is None:
        raise not_found()
    return _item_json(ctx, at)


def partial_update(ctx: RequestContext) -> Response:
    row = _find(ctx, "editor")
    fields = ctx.validated(validation.ITEM_UPDATE, partial=False, strict=True)
    with ctx.store.transaction() as conn:
        item, dataset = _fresh(ctx, row)
        _check_writable(dataset, item, fields["base_version"], "update_items")
        if item.archived:
            raise _state_conflict("dataset_item_archived", ITEM_ARCHIVED_UPDATE, item)
        current = item.content
        merged = {
            "input": fields["input"] if "input" in fields else content.load(current.input),
            "expected_output": fields["expected_output"]
            if "expected_output" in fields
            else content.load(current.expected_output),
            "metadata": fields["metadata"]
            if "metadata" in fields
            else content.load(current.metadata),
        }
        validation.check_item_payload(source_output=content.load(item.source_output), **merged)
        if all(content.same(getattr(current, name), merged[name]) for name in merged):
            return _current(ctx, item.id)  # nothing changed: no version, no revision
        _check_version_room(ctx, item)
        history = _history(ctx, dataset)
        history.change(
            item,
            at=ctx.clock(),
            user_id=ctx.user["id"],
            content=Content(
                content.stored(merged["input"]),
                content.stored_or_null(merged["expected_output"]),
                content.stored(merged["metadata"]),
            ),
        )
        history.write(ctx.revisioned.store, conn)
    return _current(ctx, item.id)


def archive(ctx: RequestContext) -> Response:
    row = _find(ctx, "editor")
    fields = ctx.validated(validation.ITEM_ARCHIVE, partial=False, strict=True)
    with ctx.store.transaction() as conn:
        item, dataset = _fresh(ctx, row)
        _check_writable(dataset, item, fields["base_version"], "archive_items")
        if item.archived:
            raise _state_conflict("dataset_item_archived", ITEM_ALREADY_ARCHIVED, item)
        limit = ctx.options.max_versions_per_item
        if limit is not None and item.version >= limit - 1:  # the last slot waits for a restore
            raise limit_reached(
                "dataset_item_versions", item.version, limit, kind="archive_reserve"
            )
        history = _history(ctx, dataset)
        history.change(item, at=ctx.clock(), user_id=ctx.user["id"], archived=True)
        history.write(ctx.revisioned.store, conn)
    return _current(ctx, item.id)


def restore(ctx: RequestContext) -> Response:
    row = _find(ctx, "editor")
    fields = ctx.validated(validation.ITEM_RESTORE, partial=False, strict=True)
    with ctx.store.transaction() as conn:
        item, dataset = _fresh(ctx, row)
        _check_writable(dataset, item, fields["base_version"], "restore_items")
        if not item.archived:
            raise _state_conflict("dataset_item_active", ITEM_ALREADY_ACTIVE, item)
        restored = item.content
        source_version = fields.get("source_version")
        if source_version is not None:
            source = (
                ctx.revisioned.store.get_version(item.id, source_version)
                if source_version <= item.version
                else None
            )
            if source is None:
                raise not_found()
            restored = Content(source["input"], source["expected_output"], source["metadata"])
        _check_version_room(ctx, item)
        history = _history(ctx, dataset)
        history.change(item, at=ctx.clock(), user_id=ctx.user["id"], content=restored)
        history.write(ctx.revisioned.store, conn)
    return _current(ctx, item.id)


def versions(ctx: RequestContext) -> Response:
    row = _find(ctx, "viewer")
    default, maximum = VERSION_PAGE
    page = page_request(ctx.request.query_params, default=default, maximum=maximum)
    count, rows = ctx.revisioned.store.list_versions(
        row["id"], limit=page.limit, offset=page.offset
    )
    users = ctx.store.users_by_id()
    results = [serializers.item(version, users) for version in rows]
    return JSONResponse(envelope(str(ctx.request.url), page, count, results))


# -- helpers ---------------------------------------------------------------------------------


def _find(ctx: RequestContext, needed: str) -> Row:
    """The URL's item (current version, active or archived), checked against its dataset."""
    item_id = parse_uuid(ctx.params["pk"])
    row = None if item_id is None else ctx.revisioned.store.get_item(ctx.team_id, item_id)
    if row is None:
        raise not_found()
    access.require(ctx.options, row["dataset"], needed)
    return row


def _fresh_dataset(ctx: RequestContext, dataset_id: str) -> Row:
    dataset = ctx.revisioned.store.get_dataset(ctx.team_id, dataset_id)
    if dataset is None:
        raise not_found()
    return dataset


def _fresh(ctx: RequestContext, row: Row) -> tuple[ItemState, Row]:
    """The item and its dataset as they are inside the write's transaction."""
    current = ctx.revisioned.store.get_item(ctx.team_id, row["id"])
    if current is None:
        raise not_found()
    return ItemState.from_row(current), _fresh_dataset(ctx, row["dataset"])


def _check_writable(dataset: Row, item: ItemState, base_version: int, action: str) -> None:
    """The dataset-archived check comes before the version check (section 9)."""
    if dataset["archived"]:
        raise conflict("dataset_archived", ARCHIVED_DATASET[action])
    if base_version != item.version:
        raise _state_conflict("stale_version", STALE, item)


def _check_version_room(ctx: RequestContext, item: ItemState) -> None:
    limit = ctx.options.max_versions_per_item
    if limit is not None and item.version >= limit:
        raise limit_reached("dataset_item_versions", item.version, limit)


def _state_conflict(code: str, detail: str, item: ItemState) -> Exception:
    return conflict(code, detail, current_version=item.version, current_item_id=item.id)


def _item_conflict(code: str, detail: str, row: Row) -> Exception:
    return conflict(code, detail, current_version=row["version"], current_item_id=row["id"])


def _existing_key(
    ctx: RequestContext, conn: sqlite3.Connection, dataset_id: str, client_item_id: str
) -> Row | None:
    item_id = ctx.revisioned.store.find_client_item(conn, dataset_id, client_item_id)
    return None if item_id is None else ctx.revisioned.store.get_item(ctx.team_id, item_id)


def _same_create(existing: Row, fields: dict[str, Any], metadata: Any) -> bool:
    """A create retry matches the current version: content as JSON values, provenance equal
    (timestamps as instants: both sides are stored UTC text). Omitted = null / {}."""
    return (
        content.same(existing["input"], fields["input"])
        and content.same(existing["expected_output"], fields.get("expected_output"))
        and content.same(existing["source_output"], fields.get("source_output"))
        and content.same(existing["metadata"], metadata)
        and existing["source_trace_id"] == fields.get("source_trace_id")
        and existing["source_event_id"] == fields.get("source_event_id")
        and existing["source_timestamp"] == fields.get("source_timestamp")
    )


def _history(ctx: RequestContext, dataset: Row) -> History:
    return History(
        team_id=ctx.team_id, dataset_id=dataset["id"], revision=dataset["current_revision"]
    )


def _item_json(ctx: RequestContext, row: Row, *, status: int = 200) -> Response:
    return JSONResponse(serializers.item(row, ctx.store.users_by_id()), status_code=status)


def _current(ctx: RequestContext, item_id: str, *, status: int = 200) -> Response:
    row = ctx.revisioned.store.get_item(ctx.team_id, item_id)
    if row is None:
        raise not_found()
    return _item_json(ctx, row, status=status)
