"""Personal API keys: finding the key in a request, hashing it, and PostHog's scope rules."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence

from starlette.requests import Request

from phtui.server.errors import permission_denied

_BEARER = re.compile(r"^Bearer\s+(\S.+)$")


def new_personal_api_key() -> str:
    """A fresh key in PostHog's `phx_` format."""
    return "phx_" + secrets.token_urlsafe(35)


def secure_hash(key: str) -> str:
    """Keys are stored hashed, as PostHog does; the server never keeps a key in clear."""
    return "sha256$" + hashlib.sha256(key.encode()).hexdigest()


def find_key(request: Request) -> tuple[str, str] | None:
    """(key, source) from the Authorization header, else the `personal_api_key` query
    parameter; `source` is the wording PostHog uses in its 401 detail."""
    header = request.headers.get("authorization", "")
    match = _BEARER.match(header.strip())
    if match:
        return match.group(1).strip(), "Authorization header"
    from_query = request.query_params.get("personal_api_key")
    if from_query:
        return from_query, "query string"
    return None


def required_scope(scope_object: str, *, read: bool) -> str:
    """Read actions need `X:read`, everything else `X:write`."""
    return f"{scope_object}:{'read' if read else 'write'}"


def check_scope(key_scopes: Sequence[str], required: str) -> None:
    """403 unless the key grants `required`: `*` grants all, `X:write` implies `X:read`,
    and an empty scope list grants all (api.md section 12)."""
    if not key_scopes or "*" in key_scopes:
        return
    accepted = {required}
    if required.endswith(":read"):
        accepted.add(required.removesuffix(":read") + ":write")
    if accepted.isdisjoint(key_scopes):
        raise permission_denied(f"API key missing required scope '{required}'")


def check_scoped_teams(scoped_teams: Sequence[int] | None, team_id: int) -> None:
    if scoped_teams is not None and team_id not in scoped_teams:
        raise permission_denied(
            f"API key does not have access to the requested project: ID {team_id}."
        )
