"""Exceptions raised by `PostHogClient`: one type per failure a user must understand.

Every message is a sentence the user can act on. No exception here holds the API key, an
httpx request or response, or (by construction in the client) a chained httpx exception:
only plain strings and numbers, so printing or logging any of them cannot leak the key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

_MISSING_SCOPE = re.compile(r"missing required scope '([^']+)'")
_KEY_HELP = (
    "Check POSTHOG_PERSONAL_API_KEY, and that the key was created on this PostHog host "
    "(US Cloud, EU Cloud and self-hosted keys differ)."
)


class PostHogError(Exception):
    """Base class of every error raised by `phtui.api`."""


class ConfigurationError(PostHogError, ValueError):
    """The client was configured with a value it cannot use (host, project id, prefix)."""


class InsecureHostError(ConfigurationError):
    """A plain-http host that is not loopback: the key would cross the network in clear text."""


class TransportError(PostHogError):
    """PostHog could not be reached or did not answer: timeout, refused, reset, dropped."""

    def __init__(self, message: str, *, method: str, path: str, kind: str) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.kind = kind  # the httpx exception class name, e.g. "ConnectError", "ReadTimeout"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(kind={self.kind!r}, method={self.method!r}, path={self.path!r})"
        )


class UnexpectedResponseError(PostHogError):
    """A successful status with a body that is not what this endpoint returns."""

    def __init__(self, message: str, *, method: str, path: str, status: int) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.status = status


class APIError(PostHogError):
    """PostHog answered with an error status. Fields follow PostHog's error body."""

    def __init__(
        self,
        status: int,
        type: str | None = None,
        code: str | None = None,
        detail: str | None = None,
        attr: str | None = None,
        *,
        method: str = "",
        path: str = "",
    ) -> None:
        self.status = status
        self.type = type
        self.code = code
        self.detail = detail
        self.attr = attr
        self.method = method
        self.path = path
        super().__init__(self._message())

    @property
    def where(self) -> str:
        return f"{self.method} {self.path}".strip()

    def _said(self) -> str:
        """PostHog's own words, quoted, or nothing when the body had none."""
        return f' PostHog said: "{self.detail}"' if self.detail else ""

    def _message(self) -> str:
        return f"PostHog answered {self.status} to {self.where}.{self._said()}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status}, type={self.type!r}, code={self.code!r}, "
            f"detail={self.detail!r}, attr={self.attr!r}, method={self.method!r}, "
            f"path={self.path!r})"
        )


class AuthenticationError(APIError):
    """401, or 403 with code `not_authenticated`: the key is missing, invalid or revoked."""

    def _message(self) -> str:
        if self.code == "not_authenticated":
            return f"PostHog received no API key ({self.status}). {_KEY_HELP}"
        return f"PostHog rejected the API key ({self.status}). {_KEY_HELP}"


class PermissionDeniedError(APIError):
    """403: authenticated, but this key, user or plan may not do this."""

    @property
    def missing_scope(self) -> str | None:
        match = _MISSING_SCOPE.search(self.detail or "")
        return match.group(1) if match else None

    def _message(self) -> str:
        scope = self.missing_scope
        if scope:
            return (
                f"The API key lacks the scope '{scope}'. Create a personal API key with "
                f"'{scope}' in PostHog (Settings > Personal API keys) and use that one."
            )
        return f"PostHog refused {self.where} (403).{self._said()}"


class NotFoundError(APIError):
    """404: the row does not exist, was soft-deleted, or the project id is wrong."""

    def _message(self) -> str:
        if self.detail == "Project not found.":
            return (
                f"PostHog has no project at {self.path} (404). Check POSTHOG_PROJECT_ID "
                "(the number in your PostHog URL after /project/)."
            )
        return (
            f"{self.where} was not found (404): it may have been deleted, or belong to "
            "another project."
        )


class ValidationError(APIError):
    """400: PostHog rejected a value. `field` names it when PostHog does."""

    @property
    def field(self) -> str | None:
        return self.attr

    def _message(self) -> str:
        reason = self.detail or "the request is invalid"
        if self.attr:
            return f"PostHog rejected the value of '{self.attr}': {reason}"
        return f"PostHog rejected the request: {reason}"


class MethodNotAllowedError(APIError):
    """405. Datasets and items answer DELETE with 405 and an empty body (soft delete only)."""

    def _message(self) -> str:
        return (
            f"PostHog does not allow {self.method} on {self.path} (405). Datasets and dataset "
            "items are deleted by marking them deleted, not with DELETE."
            if self.method == "DELETE"
            else f"PostHog does not allow {self.method} on {self.path} (405)."
        )


class ConflictError(APIError):
    """409: the newer dataset API's conflicts (stale version, name clash, limits)."""

    def _message(self) -> str:
        return f"PostHog reported a conflict (409) on {self.where}.{self._said()}"


class RateLimitedError(APIError):
    """429 that the client did not (or could no longer) wait out. `retry_after` is seconds."""

    def __init__(
        self,
        status: int,
        type: str | None = None,
        code: str | None = None,
        detail: str | None = None,
        attr: str | None = None,
        *,
        method: str = "",
        path: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(status, type, code, detail, attr, method=method, path=path)

    def _message(self) -> str:
        wait = (
            f" Try again in {self.retry_after:g} seconds."
            if self.retry_after is not None
            else " Try again in a minute."
        )
        return (
            "PostHog is rate-limiting this API key (429): it allows 480 requests a minute "
            f"and 4800 an hour.{wait}"
        )


class ServerError(APIError):
    """5xx from PostHog or a proxy in front of it, after the client's retries."""

    def _message(self) -> str:
        source = "PostHog" if self.type == "server_error" else "PostHog (or a proxy in front of it)"
        return (
            f"{source} failed with {self.status} on {self.where}. This is not your fault: "
            "try again in a moment, and check https://status.posthog.com if it persists."
        )


class RedirectError(APIError):
    """3xx: the client follows no redirects, so the key never leaves the configured origin."""

    def __init__(self, status: int, *, location: str, method: str = "", path: str = "") -> None:
        self.location = location
        super().__init__(status, method=method, path=path)

    def _message(self) -> str:
        return (
            f"PostHog redirected {self.where} to {self.location or 'another address'} "
            f"({self.status}). Set POSTHOG_HOST to the final address (usually https://...)."
        )


def parse_error_body(body: bytes) -> dict[str, Any]:
    """PostHog's `{type, code, detail, attr}` or `{}` for empty, non-JSON or odd bodies."""
    if not body:
        return {}
    try:
        data = json.loads(body)
    except ValueError:  # an HTML page from a proxy, a truncated body, bad UTF-8
        return {}
    return data if isinstance(data, dict) else {}


def _text(value: Any, redact: Callable[[str], str]) -> str | None:
    if value is None:
        return None
    return redact(value if isinstance(value, str) else json.dumps(value))


def _unchanged(text: str) -> str:
    return text


def error_from_response(
    status: int,
    body: bytes,
    *,
    method: str,
    path: str,
    retry_after: float | None = None,
    redact: Callable[[str], str] = _unchanged,
) -> APIError:
    """The exception for an error response, chosen by status (and `code` for 403).

    `redact` scrubs the body's text, so a server echoing the key back cannot leak it.
    """
    data = parse_error_body(body)
    fields: dict[str, Any] = {
        "type": _text(data.get("type"), redact),
        "code": _text(data.get("code"), redact),
        "detail": _text(data.get("detail"), redact),
        "attr": _text(data.get("attr"), redact),
        "method": method,
        "path": path,
    }
    if status == 401 or (status == 403 and fields["code"] == "not_authenticated"):
        return AuthenticationError(status, **fields)
    if status == 429:
        return RateLimitedError(status, retry_after=retry_after, **fields)
    if status >= 500:
        return ServerError(status, **fields)
    by_status: dict[int, type[APIError]] = {
        400: ValidationError,
        403: PermissionDeniedError,
        404: NotFoundError,
        405: MethodNotAllowedError,
        409: ConflictError,
    }
    return by_status.get(status, APIError)(status, **fields)
