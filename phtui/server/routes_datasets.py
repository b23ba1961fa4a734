"""`datasets` (Gen A): limit/offset pages, newest first, search/order_by/id__in filters,
soft delete through PATCH `deleted`, and DELETE answered 405 with an empty body."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from phtui.server import listing, serializers, soft_delete
from phtui.server.context import RequestContext
from phtui.server.errors import not_found
from phtui.server.fields import Field, any_json, boolean, char, parse_uuid
from phtui.server.ids import format_datetime, uuid7
from phtui.server.pagination import envelope, page_request
from phtui.server.store import Row, to_json

DATASET_FIELDS = [
    Field("name", char(400, allow_blank=False), required=True, allow_null=False),
    Field("description", char(None, allow_blank=True)),  # a TextField: no limit
    Field("metadata", any_json),
    Field("deleted", boolean),
]


def list_datasets(ctx: RequestContext) -> Response:
    query = ctx.request.query_params
    page = page_request(query)
    count, rows = ctx.store.list_datasets(
        ctx.team_id,
        search=query.get("search") or None,
        order_by=listing.order_by(query),
        id_in=listing.id_in(query),
        limit=page.limit,
        offset=page.offset,
    )
    users = ctx.store.users_by_id()
    results = [serializers.dataset(row, users) for row in rows]
    return JSONResponse(envelope(str(ctx.request.url), page, count, results))


def create(ctx: RequestContext) -> Response:
    fields = ctx.validated(DATASET_FIELDS, partial=False)
    now = ctx.clock()
    dataset_id = uuid7(now)
    ctx.store.insert_dataset(
        {
            "id": dataset_id,
            "team_id": ctx.team_id,
            "created_at": format_datetime(now),
            "updated_at": format_datetime(now),
            "created_by": ctx.user["id"],
            "deleted": 0,  # the model's default
            **_columns(fields),
        }
    )
    return _dataset_response(ctx, dataset_id, status=201)


def retrieve(ctx: RequestContext) -> Response:
    dataset = find(ctx, include_deleted=False)
    return _dataset_response(ctx, dataset["id"])


def update(ctx: RequestContext) -> Response:
    return _save(ctx, partial=False)


def partial_update(ctx: RequestContext) -> Response:
    return _save(ctx, partial=True)


destroy = soft_delete.forbid_destroy


def find(ctx: RequestContext, *, include_deleted: bool) -> Row:
    """The URL's dataset in the URL's team; updates still find soft-deleted rows."""
    dataset_id = parse_uuid(ctx.params["pk"])
    dataset = None if dataset_id is None else ctx.store.get_dataset(ctx.team_id, dataset_id)
    return soft_delete.visible(dataset, include_deleted=include_deleted)


def _save(ctx: RequestContext, *, partial: bool) -> Response:
    dataset = find(ctx, include_deleted=True)
    fields = ctx.validated(DATASET_FIELDS, partial=partial)
    columns = _columns(fields)
    columns["updated_at"] = format_datetime(ctx.clock())  # auto_now: every save
    ctx.store.update_dataset(dataset["id"], columns)
    return _dataset_response(ctx, dataset["id"])


def _columns(fields: dict[str, Any]) -> dict[str, Any]:
    columns = dict(fields)
    if "metadata" in columns:
        columns["metadata"] = to_json(columns["metadata"])
    if "deleted" in columns and columns["deleted"] is not None:
        columns["deleted"] = int(columns["deleted"])
    return columns


def _dataset_response(ctx: RequestContext, dataset_id: str, *, status: int = 200) -> Response:
    row = ctx.store.get_dataset(ctx.team_id, dataset_id)
    if row is None:
        raise not_found()
    return JSONResponse(serializers.dataset(row, ctx.store.users_by_id()), status_code=status)
