"""`datasets` (revisioned): list with filters, create, retrieve, PATCH, archive/restore flags and
the revision log. Check orders follow api-revisioned.md section 12."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from phtui.server.context import RequestContext
from phtui.server.errors import not_found
from phtui.server.fields import parse_uuid
from phtui.server.ids import format_datetime, uuid7
from phtui.server.pagination import envelope, page_request
from phtui.server.revisioned import access, content, serializers, validation
from phtui.server.revisioned.conflicts import (
    ARCHIVED_DATASET,
    NAME_TAKEN,
    conflict,
    limit_reached,
)
from phtui.server.revisioned.store import search_text
from phtui.server.store import Row

DATASET_PAGE = (50, 100)  # default and maximum `limit`
REVISION_PAGE = (50, 100)


def list_datasets(ctx: RequestContext) -> Response:
    query = ctx.request.query_params
    archived = validation.query_bool(query, "archived", False)
    search = validation.query_search(query)
    order_by = validation.query_order_by(query)
    id_in = validation.query_id_in(query.getlist("id__in"))
    default, maximum = DATASET_PAGE
    page = page_request(query, default=default, maximum=maximum)
    only, hidden = access.visibility(ctx.options)
    count, rows = ctx.revisioned.store.list_datasets(
        ctx.team_id,
        archived=archived,
        search=search,
        order_by=order_by,
        id_in=id_in,
        only=only,
        hidden=hidden,
        limit=page.limit,
        offset=page.offset,
    )
    users = ctx.store.users_by_id()
    results = [
        serializers.dataset(row, users, access.level_of(ctx.options, row["id"])) for row in rows
    ]
    return JSONResponse(envelope(str(ctx.request.url), page, count, results))


def create(ctx: RequestContext) -> Response:
    fields = ctx.validated(validation.DATASET_CREATE, partial=False, strict=True)
    metadata = fields.get("metadata", {})
    validation.check_metadata_size(metadata)
    now = format_datetime(ctx.clock())
    dataset_id = uuid7(ctx.clock())
    stored_metadata = content.stored(metadata)
    store = ctx.revisioned.store
    with ctx.store.transaction() as conn:
        limit = ctx.options.max_datasets_per_project
        if limit is not None:
            count = store.count_datasets(conn, ctx.team_id)
            if count >= limit:
                raise limit_reached("datasets", count, limit)
        if store.name_taken(conn, ctx.team_id, fields["name"]):
            raise conflict("dataset_name_conflict", NAME_TAKEN)
        store.insert_dataset(
            conn,
            {
                "id": dataset_id,
                "team_id": ctx.team_id,
                "name": fields["name"],
                "description": fields.get("description", ""),
                "metadata": stored_metadata,
                "metadata_text": search_text(stored_metadata),
                "archived": 0,
                "created_at": now,
                "updated_at": now,
                "created_by": ctx.user["id"],
            },
        )
    return respond(ctx, dataset_id, status=201)


def retrieve(ctx: RequestContext) -> Response:
    return respond(ctx, find(ctx, "viewer")["id"])


def partial_update(ctx: RequestContext) -> Response:
    dataset = find(ctx, "editor")
    fields = ctx.validated(validation.DATASET_UPDATE, partial=True, strict=True)
    if dataset["archived"]:
        raise conflict("dataset_archived", ARCHIVED_DATASET["update"])
    validation.check_metadata_size(fields.get("metadata"))
    columns: dict[str, object] = dict(fields)
    if "metadata" in fields:
        columns["metadata"] = content.stored(fields["metadata"])
        columns["metadata_text"] = search_text(str(columns["metadata"]))
    columns["updated_at"] = format_datetime(ctx.clock())  # `{}` only bumps updated_at
    store = ctx.revisioned.store
    with ctx.store.transaction() as conn:
        if "name" in fields and store.name_taken(conn, ctx.team_id, fields["name"], dataset["id"]):
            raise conflict("dataset_name_conflict", NAME_TAKEN)
        store.update_dataset(conn, dataset["id"], columns)
    return respond(ctx, dataset["id"])


def archive(ctx: RequestContext) -> Response:
    return _set_archived(ctx, True)


def restore(ctx: RequestContext) -> Response:
    return _set_archived(ctx, False)


def _set_archived(ctx: RequestContext, archived: bool) -> Response:
    """An idempotent flag: no revision, items untouched, the body ignored."""
    dataset = find(ctx, "editor")
    if bool(dataset["archived"]) != archived:
        with ctx.store.transaction() as conn:
            ctx.revisioned.store.update_dataset(
                conn,
                dataset["id"],
                {"archived": int(archived), "updated_at": format_datetime(ctx.clock())},
            )
    return respond(ctx, dataset["id"])


def revisions(ctx: RequestContext) -> Response:
    dataset = find(ctx, "viewer")
    default, maximum = REVISION_PAGE
    page = page_request(ctx.request.query_params, default=default, maximum=maximum)
    count, rows = ctx.revisioned.store.list_revisions(
        dataset["id"], limit=page.limit, offset=page.offset
    )
    users = ctx.store.users_by_id()
    results = [serializers.revision(row, users) for row in rows]
    return JSONResponse(envelope(str(ctx.request.url), page, count, results))


def find(ctx: RequestContext, needed: str, *, param: str = "pk") -> Row:
    """The URL's dataset (active or archived) in the URL's project, if the caller may `needed`."""
    dataset_id = parse_uuid(ctx.params[param])
    dataset = (
        None if dataset_id is None else ctx.revisioned.store.get_dataset(ctx.team_id, dataset_id)
    )
    if dataset is None:
        raise not_found()
    access.require(ctx.options, dataset["id"], needed)
    return dataset


def respond(ctx: RequestContext, dataset_id: str, *, status: int = 200) -> Response:
    row = ctx.revisioned.store.get_dataset(ctx.team_id, dataset_id)
    if row is None:
        raise not_found()
    level = access.level_of(ctx.options, dataset_id)
    body = serializers.dataset(row, ctx.store.users_by_id(), level)
    return JSONResponse(body, status_code=status)
