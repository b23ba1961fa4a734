"""`data_color_themes`: a bare JSON array (not paginated), global themes visible to every team,
object permissions for staff-only global edits and the paid-plan feature, hard delete."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from phtui.server import serializers
from phtui.server.context import RequestContext
from phtui.server.errors import not_found, permission_denied
from phtui.server.fields import Field, any_json, char
from phtui.server.ids import format_datetime, parse_int_id
from phtui.server.store import Row

THEME_FIELDS = [
    Field("name", char(100, allow_blank=False), required=True, allow_null=False),
    Field("colors", any_json, allow_null=False),
]


def list_themes(ctx: RequestContext) -> Response:
    users = ctx.store.users_by_id()
    rows = ctx.store.list_themes(ctx.team_id)
    return JSONResponse([serializers.theme(row, users) for row in rows])


def create(ctx: RequestContext) -> Response:
    fields = ctx.validated(THEME_FIELDS, partial=False)
    # `is_global` in the body is ignored: the API cannot create global themes.
    theme_id = ctx.store.insert_theme(
        team_id=ctx.team_id,
        name=fields["name"],
        colors=fields.get("colors", []),
        created_at=format_datetime(ctx.clock()),
        created_by=ctx.user["id"],
    )
    return _theme_response(ctx, theme_id, status=201)


def retrieve(ctx: RequestContext) -> Response:
    return _theme_response(ctx, _find(ctx)["id"])


def update(ctx: RequestContext) -> Response:
    return _save(ctx, partial=False)


def partial_update(ctx: RequestContext) -> Response:
    return _save(ctx, partial=True)


def destroy(ctx: RequestContext) -> Response:
    theme = _find(ctx)
    _check_may_edit(ctx, theme)
    ctx.store.delete_theme(theme["id"])
    return Response(status_code=204)


def _save(ctx: RequestContext, *, partial: bool) -> Response:
    theme = _find(ctx)
    _check_may_edit(ctx, theme)
    fields = ctx.validated(THEME_FIELDS, partial=partial)
    ctx.store.update_theme(theme["id"], fields)
    return _theme_response(ctx, theme["id"])


def _find(ctx: RequestContext) -> Row:
    pk = ctx.params["pk"]
    theme_id = parse_int_id(pk)
    theme = None if theme_id is None else ctx.store.get_theme(ctx.team_id, theme_id)
    if theme is None:
        raise not_found()
    return theme


def _check_may_edit(ctx: RequestContext, theme: Row) -> None:
    """PostHog's `GlobalThemePermission`, then `PaidThemePermission`."""
    if theme["team_id"] is None and not ctx.options.user_is_staff:
        raise permission_denied("Only staff users can edit global themes.")
    if not ctx.options.paid_plan:
        raise permission_denied("This feature is only available on paid plans.")


def _theme_response(ctx: RequestContext, theme_id: int, *, status: int = 200) -> Response:
    theme = ctx.store.get_theme(ctx.team_id, theme_id)
    if theme is None:
        raise not_found()
    return JSONResponse(serializers.theme(theme, ctx.store.users_by_id()), status_code=status)
