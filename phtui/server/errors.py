"""PostHog's flat error bodies (`exceptions_hog`): `{"type", "code", "detail", "attr"}`.

One error at a time: validation reports only the first invalid field, named in `attr`.
"""

from __future__ import annotations

import math

from starlette.responses import JSONResponse, Response


class ErrorResponse(Exception):
    """Anything the pipeline answers as an error instead of running the handler to its end."""

    def to_response(self) -> Response:
        raise NotImplementedError


class APIError(ErrorResponse):
    """An error the server answers with PostHog's error body and status."""

    def __init__(
        self,
        status: int,
        type_: str,
        code: str,
        detail: str,
        attr: str | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.type = type_
        self.code = code
        self.detail = detail
        self.attr = attr
        self.headers = headers or {}

    def body(self) -> dict[str, str | None]:
        return {"type": self.type, "code": self.code, "detail": self.detail, "attr": self.attr}

    def to_response(self) -> Response:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


class BodyError(ErrorResponse):
    """An error with a body of its own shape: the revisioned API's 409s are not flat."""

    def __init__(self, status: int, body: dict[str, object]) -> None:
        super().__init__(str(body.get("detail", "")))
        self.status = status
        self.body = body

    def to_response(self) -> Response:
        return JSONResponse(self.body, status_code=self.status)


def validation_error(code: str, detail: str, attr: str | None) -> APIError:
    # exceptions_hog renames DRF's generic code "invalid" to "invalid_input".
    return APIError(
        400, "validation_error", "invalid_input" if code == "invalid" else code, detail, attr
    )


def not_authenticated(status: int = 401) -> APIError:
    return APIError(
        status,
        "authentication_error",
        "not_authenticated",
        "Authentication credentials were not provided.",
    )


def authentication_failed(source: str) -> APIError:
    return APIError(
        401,
        "authentication_error",
        "authentication_failed",
        f"Personal API key found in request {source} is invalid.",
    )


def permission_denied(detail: str) -> APIError:
    # PostHog reports permission denials with type "authentication_error" too.
    return APIError(403, "authentication_error", "permission_denied", detail)


def not_supported(key: str) -> APIError:
    """The revisioned API's strict bodies: a key it does not know."""
    return validation_error("invalid", "This field is not supported.", key)


def not_found(detail: str = "Not found.") -> APIError:
    return APIError(404, "invalid_request", "not_found", detail)


def method_not_allowed(method: str) -> APIError:
    return APIError(405, "invalid_request", "method_not_allowed", f'Method "{method}" not allowed.')


def parse_error(detail: str) -> APIError:
    return APIError(400, "invalid_request", "parse_error", detail)


def unsupported_media_type(media_type: str) -> APIError:
    return APIError(
        415,
        "invalid_request",
        "unsupported_media_type",
        f'Unsupported media type "{media_type}" in request.',
    )


def request_too_large(limit_bytes: int) -> APIError:
    return APIError(
        413,
        "invalid_request",
        "request_too_large",
        f"Request body exceeded the {limit_bytes // (1024 * 1024)} MB limit.",
    )


def throttled(wait_seconds: float, *, retry_after_header: bool) -> APIError:
    wait = max(1, math.ceil(wait_seconds))
    unit = "second" if wait == 1 else "seconds"
    headers = {"Retry-After": str(wait)} if retry_after_header else None
    return APIError(
        429,
        "throttled_error",
        "throttled",
        f"Request was throttled. Expected available in {wait} {unit}.",
        headers=headers,
    )


def server_error() -> APIError:
    return APIError(500, "server_error", "error", "A server error occurred.")
