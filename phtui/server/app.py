"""The ASGI application: PostHog's request pipeline in PostHog's order.

route -> authenticate -> scoped-team check -> scope check -> project access -> feature flag ->
throttles -> method -> body -> handler. Every failure becomes PostHog's error body.
"""

from __future__ import annotations

import logging
import random
import time
from datetime import datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from phtui.server import auth, body
from phtui.server.context import RequestContext
from phtui.server.errors import (
    ErrorResponse,
    authentication_failed,
    method_not_allowed,
    not_authenticated,
    not_found,
    permission_denied,
    server_error,
    throttled,
)
from phtui.server.faults import FaultInjector
from phtui.server.ids import parse_int_id, utc_now
from phtui.server.options import DatasetsApi, ServerOptions
from phtui.server.revisioned.access import FLAG_DETAIL
from phtui.server.revisioned.exports import Exports
from phtui.server.revisioned.services import Services
from phtui.server.revisioned.storage import PREFIX as STORAGE_PREFIX
from phtui.server.revisioned.storage import Storage
from phtui.server.revisioned.store import RevisionedStore
from phtui.server.routes import Endpoint, endpoints, match
from phtui.server.store import ApiKeyRecord, Row, Store
from phtui.server.throttle import Rate, Throttle

logger = logging.getLogger("phtui.server")

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
BODY_METHODS = {"POST", "PUT", "PATCH"}


class PostHogAPI:
    """Holds the store, the options and the throttle state the pipeline needs."""

    def __init__(
        self, store: Store, options: ServerOptions, datasets_api: DatasetsApi = "revisioned"
    ) -> None:
        self.store = store
        self.options = options
        self.datasets_api = datasets_api
        self.endpoints = endpoints(datasets_api)
        self.throttle = Throttle()
        # The export allowance is a day long: it follows the (offset) wall clock.
        self.export_throttle = Throttle(
            clock=lambda: time.time() + options.clock_offset.total_seconds()
        )
        self.services: Services | None = None
        if datasets_api == "revisioned":
            revisioned = RevisionedStore(store)
            self.services = Services(
                store=revisioned,
                exports=Exports(revisioned, options, self.now),
                storage=Storage(revisioned, self.now),
            )

    def now(self) -> datetime:
        return utc_now() + self.options.clock_offset

    async def handle(self, request: Request) -> Response:
        try:
            return await self._handle(request)
        except ErrorResponse as error:
            return error.to_response()
        except body.ClientGone:
            return Response(status_code=400)  # no one is listening: nothing to log either
        except Exception:
            logger.exception("unhandled error in %s %s", request.method, request.url.path)
            return server_error().to_response()

    async def _handle(self, request: Request) -> Response:
        found = match(self.endpoints, request.url.path)
        if found is None:
            raise not_found("Endpoint not found.")
        endpoint, params = found
        key_hash, key, user = self._authenticate(request, endpoint)
        method = "GET" if request.method == "HEAD" else request.method
        team = self._authorize(endpoint, params, key, user, method)
        self._throttle(key_hash, endpoint, method)
        handler = endpoint.handlers.get(method)
        if handler is None:
            raise method_not_allowed(request.method)
        raw = await body.read_raw(request) if method in BODY_METHODS else b""
        ctx = RequestContext(
            request=request,
            store=self.store,
            options=self.options,
            user=user,
            key=key,
            team=team,
            params=params,
            raw_body=raw,
            clock=self.now,
            services=self.services,
        )
        return handler(ctx)

    def _authenticate(self, request: Request, endpoint: Endpoint) -> tuple[str, ApiKeyRecord, Row]:
        found = auth.find_key(request)
        if found is None:
            status = self.options.themes_no_credentials_status if endpoint.themes else 401
            raise not_authenticated(status)
        key, source = found
        key_hash = auth.secure_hash(key)
        record = self.store.find_api_key(key_hash)
        user = None if record is None else self.store.get_user(record.user_id)
        if record is None or user is None:
            raise authentication_failed(source)
        return key_hash, record, user

    def _authorize(
        self,
        endpoint: Endpoint,
        params: dict[str, str],
        key: ApiKeyRecord,
        user: Row,
        method: str,
    ) -> Row | None:
        """PostHog's order: the key's project list (which needs the project), the scope,
        then whether the user may see the project at all."""
        team: Row | None = None
        if endpoint.team_nested and key.scoped_teams is not None:
            team = self._team(params["team"], user)
            auth.check_scoped_teams(key.scoped_teams, team["id"])
        read = method in endpoint.reads
        auth.check_scope(key.scopes, auth.required_scope(endpoint.scope_object, read=read))
        if endpoint.team_nested:
            if team is None:
                team = self._team(params["team"], user)
            if self.store.membership_level(user["id"], team["organization_id"]) is None:
                raise permission_denied("You don't have access to the project.")
        if endpoint.feature_flag and not self.options.datasets_feature_flag:
            raise permission_denied(FLAG_DETAIL)
        return team

    def _team(self, raw_id: str, user: Row) -> Row:
        team_id = user["current_team_id"] if raw_id == "@current" else parse_int_id(raw_id)
        team = None if team_id is None else self.store.get_team(team_id)
        if team is None:
            raise not_found("Project not found.")
        return team

    def _throttle(self, key_hash: str, endpoint: Endpoint, method: str) -> None:
        """DRF runs every throttle of the view; a refused request is not counted."""
        options = self.options
        if options.throttle:
            rates = (
                Rate("burst", options.burst_per_minute, 60),
                Rate("sustained", options.sustained_per_hour, 3600),
            )
            wait = self.throttle.check(key_hash, rates)
            if wait is not None:
                raise throttled(wait, retry_after_header=options.retry_after_header)
        per_day = options.export_creations_per_day
        if endpoint.export_throttled and method == "POST" and per_day is not None:
            wait = self.export_throttle.check(key_hash, (Rate("dataset_export", per_day, 86400),))
            if wait is not None:
                raise throttled(wait, retry_after_header=options.retry_after_header)


def create_app(
    store: Store,
    options: ServerOptions,
    *,
    datasets_api: DatasetsApi = "revisioned",
    rng: random.Random | None = None,
) -> tuple[ASGIApp, PostHogAPI]:
    """The Starlette app, wrapped in fault injection (a no-op unless options ask for faults),
    and the API object behind it."""
    api = PostHogAPI(store, options, datasets_api)
    routes = [Route("/{path:path}", api.handle, methods=METHODS)]
    if api.services is not None:
        storage = Route(
            STORAGE_PREFIX + "{path:path}", api.services.storage.handle, methods=METHODS
        )
        routes.insert(0, storage)
    app = Starlette(routes=routes)
    return FaultInjector(app, options, rng or random.Random()), api
