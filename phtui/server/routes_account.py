"""`/api/users/@me/` and `/api/projects/`: how a client finds its user, org and project ids.
The shapes follow PostHog's `UserSerializer`, `TeamBasicSerializer` and
`ProjectBackwardCompatBasicSerializer`, trimmed to fields that make sense locally."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from phtui.server.context import RequestContext
from phtui.server.errors import not_found
from phtui.server.pagination import envelope, page_request
from phtui.server.store import Row, Store


def current_user(ctx: RequestContext) -> Response:
    store, user = ctx.store, ctx.user
    team = store.get_team(user["current_team_id"])
    if team is None:
        raise not_found()
    organizations = store.organizations_of_user(user["id"])
    current_org = next(org for org in organizations if org["id"] == team["organization_id"])
    body = {
        "date_joined": user["date_joined"],
        "uuid": user["uuid"],
        "distinct_id": user["distinct_id"],
        "first_name": user["first_name"],
        "last_name": user["last_name"],
        "email": user["email"],
        "pending_email": None,
        "is_email_verified": None
        if user["is_email_verified"] is None
        else bool(user["is_email_verified"]),
        "has_password": True,
        "id": user["id"],
        "is_staff": ctx.options.user_is_staff,
        "is_impersonated": False,
        "is_2fa_enabled": False,
        "has_social_auth": False,
        "role_at_organization": user["role_at_organization"],
        "hedgehog_config": None,
        "theme_mode": "system",
        "team": team_basic(store, team),
        "organization": organization(ctx, current_org),
        "organizations": [organization_basic(org) for org in organizations],
    }
    return JSONResponse(body)


def list_projects(ctx: RequestContext) -> Response:
    """The projects of the user's current organization, paginated like any DRF list."""
    team = ctx.store.get_team(ctx.user["current_team_id"])
    teams = [] if team is None else ctx.store.teams_of_organization(team["organization_id"])
    page = page_request(ctx.request.query_params)
    window = teams[page.offset : page.offset + page.limit]
    results = [team_basic(ctx.store, row) for row in window]
    return JSONResponse(envelope(str(ctx.request.url), page, len(teams), results))


def retrieve_project(ctx: RequestContext) -> Response:
    assert ctx.team is not None
    body = team_basic(ctx.store, ctx.team)
    body.update(
        {
            "project_id": ctx.team["id"],
            "created_at": ctx.team["created_at"],
            "default_data_theme": None,
        }
    )
    return JSONResponse(body)


def team_basic(store: Store, team: Row) -> dict[str, Any]:
    org = store.get_organization(team["organization_id"])
    return {
        "id": team["id"],
        "uuid": team["uuid"],
        "organization": None if org is None else org["uuid"],
        "project_id": team["id"],
        "api_token": team["api_token"],
        "name": team["name"],
        "completed_snippet_onboarding": True,
        "has_completed_onboarding_for": {"product_analytics": True},
        "ingested_event": True,
        "is_demo": False,
        "timezone": team["timezone"],
        "access_control": False,
    }


def organization_basic(org: Row) -> dict[str, Any]:
    return {
        "id": org["uuid"],
        "name": org["name"],
        "slug": _slug(org["name"]),
        "logo_media_id": None,
        "membership_level": org["membership_level"],
        "members_can_use_personal_api_keys": True,
    }


def organization(ctx: RequestContext, org: Row) -> dict[str, Any]:
    teams = [team_basic(ctx.store, team) for team in ctx.store.teams_of_organization(org["id"])]
    features = (
        [{"key": "data_color_themes", "name": "Data color themes"}] if ctx.options.paid_plan else []
    )
    return {
        **organization_basic(org),
        "created_at": org["created_at"],
        "teams": teams,
        "projects": [
            {"id": team["id"], "name": team["name"], "organization_id": org["uuid"]}
            for team in teams
        ],
        "available_product_features": features,
        "member_count": 1,
    }


def _slug(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())
