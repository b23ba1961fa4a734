"""`dataset_items` (Gen A): limit/offset pages newest first, the `dataset` filter, a dataset
reference scoped to the URL's team, soft delete through PATCH, DELETE 405 with no body."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from phtui.server import listing, serializers, soft_delete
from phtui.server.context import RequestContext
from phtui.server.errors import not_found, validation_error
from phtui.server.fields import (
    Field,
    any_json,
    boolean,
    char,
    date_time,
    parse_uuid,
    primary_key_uuid,
)
from phtui.server.ids import format_datetime, uuid7
from phtui.server.pagination import envelope, page_request
from phtui.server.store import Row, item_row, to_json

JSON_COLUMNS = ("input", "output", "metadata")


def item_fields(ctx: RequestContext) -> list[Field]:
    def team_dataset(name: str, value: Any, form: bool) -> str:
        dataset_id = primary_key_uuid(name, value)
        if ctx.store.get_dataset(ctx.team_id, dataset_id) is None:
            raise validation_error(
                "does_not_exist", f'Invalid pk "{value}" - object does not exist.', name
            )
        return dataset_id

    return [
        Field("dataset", team_dataset, required=True, allow_null=False),
        Field("input", any_json),
        Field("output", any_json),
        Field("metadata", any_json),
        Field("ref_trace_id", char(255, allow_blank=True)),
        Field("ref_timestamp", date_time),
        Field("ref_source_id", char(255, allow_blank=True)),
        Field("deleted", boolean),
    ]


def list_items(ctx: RequestContext) -> Response:
    query = ctx.request.query_params
    dataset_id = listing.dataset_id(query, ctx.store.dataset_exists)
    page = page_request(query)
    count, rows = ctx.store.list_items(
        ctx.team_id, dataset_id=dataset_id, limit=page.limit, offset=page.offset
    )
    users = ctx.store.users_by_id()
    results = [serializers.dataset_item(row, users) for row in rows]
    return JSONResponse(envelope(str(ctx.request.url), page, count, results))


def create(ctx: RequestContext) -> Response:
    fields = ctx.validated(item_fields(ctx), partial=False)
    now = ctx.clock()
    item_id = uuid7(now)
    timestamp = fields.get("ref_timestamp")
    row = item_row(
        item_id=item_id,
        team_id=ctx.team_id,
        dataset_id=fields["dataset"],
        created_at=format_datetime(now),
        created_by=ctx.user["id"],
        input=fields.get("input"),
        output=fields.get("output"),
        metadata=fields.get("metadata"),
        ref_trace_id=fields.get("ref_trace_id"),
        ref_timestamp=None if timestamp is None else format_datetime(timestamp),
        ref_source_id=fields.get("ref_source_id"),
        deleted=fields.get("deleted", False),  # the model's default
    )
    ctx.store.insert_items([row])
    return _item_response(ctx, item_id, status=201)


def retrieve(ctx: RequestContext) -> Response:
    return _item_response(ctx, _find(ctx, include_deleted=False)["id"])


def update(ctx: RequestContext) -> Response:
    return _save(ctx, partial=False)


def partial_update(ctx: RequestContext) -> Response:
    return _save(ctx, partial=True)


destroy = soft_delete.forbid_destroy


def _find(ctx: RequestContext, *, include_deleted: bool) -> Row:
    item_id = parse_uuid(ctx.params["pk"])
    item = None if item_id is None else ctx.store.get_item(ctx.team_id, item_id)
    return soft_delete.visible(item, include_deleted=include_deleted)


def _save(ctx: RequestContext, *, partial: bool) -> Response:
    item = _find(ctx, include_deleted=True)
    fields = ctx.validated(item_fields(ctx), partial=partial)
    columns: dict[str, Any] = {}
    for name, value in fields.items():
        if name in JSON_COLUMNS:
            columns[name] = to_json(value)
        elif name == "dataset":
            columns["dataset_id"] = value
        elif name == "ref_timestamp":
            columns[name] = None if value is None else format_datetime(value)
        elif name == "deleted":
            columns["deleted"] = None if value is None else int(value)
            columns["is_deleted"] = int(bool(value))
        else:
            columns[name] = value
    columns["updated_at"] = format_datetime(ctx.clock())  # auto_now: every save
    ctx.store.update_item(item["id"], columns)
    return _item_response(ctx, item["id"])


def _item_response(ctx: RequestContext, item_id: str, *, status: int = 200) -> Response:
    row = ctx.store.get_item(ctx.team_id, item_id)
    if row is None:
        raise not_found()
    return JSONResponse(serializers.dataset_item(row, ctx.store.users_by_id()), status_code=status)
