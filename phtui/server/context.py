"""What a route handler gets: the authenticated user, the URL's team, the parsed body."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from phtui.server import body as request_body
from phtui.server.errors import not_supported, validation_error
from phtui.server.fields import Field, validate
from phtui.server.ids import utc_now
from phtui.server.options import ServerOptions
from phtui.server.revisioned.services import Services
from phtui.server.store import ApiKeyRecord, Row, Store


@dataclass
class RequestContext:
    """Built by the pipeline once the request has passed authentication and permissions."""

    request: Request
    store: Store
    options: ServerOptions
    user: Row
    key: ApiKeyRecord
    team: Row | None
    params: Mapping[str, str]
    raw_body: bytes = b""
    _body: request_body.Body | None = field(default=None, repr=False)
    clock: Callable[[], datetime] = utc_now
    services: Services | None = None  # the revisioned API's, None in classic mode

    @property
    def revisioned(self) -> Services:
        if self.services is None:
            raise RuntimeError("this route belongs to the revisioned datasets API")
        return self.services

    @property
    def team_id(self) -> int:
        if self.team is None:
            raise RuntimeError("this route is not nested under a project")
        return int(self.team["id"])

    def body(self) -> request_body.Body:
        """Parsed lazily, as DRF does, so auth and permission errors come first."""
        if self._body is None:
            content_type = self.request.headers.get("content-type")
            self._body = request_body.parse(content_type, self.raw_body)
        return self._body

    def validated(
        self, fields: list[Field], *, partial: bool, strict: bool = False
    ) -> dict[str, Any]:
        """The body's fields; `strict` (the revisioned API) refuses keys not in `fields`, the
        alphabetically first one reported."""
        parsed = self.body()
        if not isinstance(parsed.data, dict):
            if parsed.data is None:
                raise validation_error("null", "This field may not be null.", None)
            raise validation_error(
                "invalid",
                f"Invalid data. Expected a dictionary, but got {type(parsed.data).__name__}.",
                None,
            )
        if strict:
            unknown = sorted(set(parsed.data) - {field.name for field in fields})
            if unknown:
                raise not_supported(unknown[0])
        return validate(parsed.data, fields, partial=partial, form=parsed.is_form)


Handler = Callable[[RequestContext], Response]
