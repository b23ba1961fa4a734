"""`datasets/{id}/exports/`: create (201, pending), status, and content (200 with the file, or
302 to a pre-signed URL); 409 while pending or failed, 404 once expired."""

from __future__ import annotations

from starlette.responses import JSONResponse, RedirectResponse, Response

from phtui.server.context import RequestContext
from phtui.server.errors import not_found
from phtui.server.ids import format_datetime, parse_int_id
from phtui.server.revisioned import exports, serializers, validation
from phtui.server.revisioned.conflicts import (
    EXPORT_NO_ITEMS,
    EXPORT_NO_REVISION,
    EXPORT_PENDING,
    export_conflict,
)
from phtui.server.revisioned.routes_datasets import find as find_dataset
from phtui.server.store import Row


def create(ctx: RequestContext) -> Response:
    dataset = find_dataset(ctx, "viewer", param="dataset")
    fields = ctx.validated(validation.EXPORT_CREATE, partial=False, strict=True)
    current = dataset["current_revision"]
    revision = fields.get("revision", current)
    if revision is None:
        raise export_conflict(EXPORT_NO_ITEMS)
    if current is None or revision > current:
        raise export_conflict(EXPORT_NO_REVISION)
    now = ctx.clock()
    export_id = ctx.revisioned.store.insert_export(
        {
            "team_id": ctx.team_id,
            "dataset_id": dataset["id"],
            "dataset_revision": revision,
            "status": "pending",
            "filename": exports.filename(dataset["name"], revision, now),
            "created_at": format_datetime(now),
            "expires_after": format_datetime(exports.expires_after(now)),
            "created_by": ctx.user["id"],
        }
    )
    fail_with = None
    if ctx.options.export_fail_next > 0:
        ctx.options.export_fail_next -= 1
        fail_with = ctx.options.export_failure
    ctx.revisioned.exports.schedule(export_id, fail_with=fail_with)
    return _export_json(ctx, _export(ctx, export_id), status=201)


def status(ctx: RequestContext) -> Response:
    return _export_json(ctx, _find(ctx))


def content(ctx: RequestContext) -> Response:
    row = _find(ctx)
    state, exception = ctx.revisioned.exports.state(row)
    if state == "pending":
        raise export_conflict(EXPORT_PENDING)
    if state == "failed":
        raise export_conflict(exception or "")
    if ctx.options.export_redirect:
        url = ctx.revisioned.storage.presigned_url(ctx.request, row["id"], row["filename"])
        return RedirectResponse(url, status_code=302)
    return Response(
        ctx.revisioned.store.export_content(row["id"]),
        media_type="application/x-ndjson",
        headers={
            "Content-Disposition": f'attachment; filename="{row["filename"]}"',
            "Cache-Control": "max-age=86400",
        },
    )


def _find(ctx: RequestContext) -> Row:
    """The export, only under its own dataset, only for its creator, only until it expires."""
    dataset = find_dataset(ctx, "viewer", param="dataset")
    export_id = parse_int_id(ctx.params["pk"])
    row = None if export_id is None else _export(ctx, export_id)
    if (
        row is None
        or row["team_id"] != ctx.team_id
        or row["dataset_id"] != dataset["id"]
        or row["created_by"] != ctx.user["id"]
        or ctx.revisioned.exports.expired(row)
    ):
        raise not_found()
    return row


def _export(ctx: RequestContext, export_id: int) -> Row:
    row = ctx.revisioned.store.get_export(export_id)
    if row is None:
        raise not_found()
    return row


def _export_json(ctx: RequestContext, row: Row, *, status: int = 200) -> Response:
    state, exception = ctx.revisioned.exports.state(row)
    body = serializers.export(row, status=state, exception=exception)
    return JSONResponse(body, status_code=status)
