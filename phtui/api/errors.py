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


class DatasetsUnavailableError(PermissionDeniedError):
    """403 on a dataset route that is about neither the key's scopes nor project or dataset
    access: PostHog gates the whole datasets API behind its `llm-analytics-datasets` feature
    flag and, while that is off for the organisation, refuses every dataset request (reads
    included) whatever the key. `flag_confirmed` is True when PostHog said so; some builds
    send only the generic "You do not have permission to perform this action.".
    """

    @property
    def flag_confirmed(self) -> bool:
        return "feature flag" in (self.detail or "").lower()

    def _message(self) -> str:
        if self.flag_confirmed:
            return (
                "Datasets are not enabled for this PostHog organisation: PostHog refuses every "
                "dataset request until its datasets feature ('llm-analytics-datasets') is "
                "turned on for the organisation. The API key and its scopes are fine; ask "
                "PostHog (support or your instance's admin) to enable datasets."
            )
        return (
            f"PostHog refused {self.where} (403) without naming a missing scope. Datasets are "
            "probably not enabled for this PostHog organisation (PostHog's "
            "'llm-analytics-datasets' feature); ask PostHog support or your instance's admin."
            f"{self._said()}"
        )


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
    """405. Datasets and items answer DELETE with 405 (classic PostHog with an empty body)."""

    def _message(self) -> str:
        return (
            f"PostHog does not allow {self.method} on {self.path} (405). Datasets and dataset "
            "items are never removed with DELETE: they are archived (marked deleted on older "
            "PostHog instances) and can be restored."
            if self.method == "DELETE"
            else f"PostHog does not allow {self.method} on {self.path} (405)."
        )


class ConflictError(APIError):
    """409 from the revisioned datasets API. Its body is `{code, detail, ...}`, not PostHog's
    usual error form: `code` names the conflict (`stale_version`, `dataset_archived`,
    `dataset_item_archived`, `dataset_item_active`, `client_item_id_conflict`,
    `dataset_name_conflict`, `limit_reached`; None for export conflicts, which only have a
    `detail`). `current_version` and `current_item_id` describe the item as it is now, when
    PostHog sends them. A 409 is never retried: nothing was changed.
    """

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
        current_version: int | None = None,
        current_item_id: str | None = None,
    ) -> None:
        self.current_version = current_version
        self.current_item_id = current_item_id
        super().__init__(status, type, code, detail, attr, method=method, path=path)

    def _message(self) -> str:
        if self.detail:
            return f"PostHog refused {self.where} (409 conflict): {self.detail}"
        return f"PostHog reported a conflict (409) on {self.where}."


class StaleVersionError(ConflictError):
    """409 `stale_version`: the item changed after it was loaded (`base_version` is not its
    current `version`). Reload it (`current_version` is its version now), re-apply, retry."""

    def _message(self) -> str:
        now = (
            f" (it is at version {self.current_version} now)"
            if self.current_version is not None
            else ""
        )
        return (
            f"The dataset item changed after it was loaded{now}. Reload it and apply your "
            "change again."
        )


class LimitReachedError(ConflictError):
    """409 `limit_reached`: a quota is full. `resource` is "datasets", "dataset_items" or
    "dataset_item_versions"; `current_count` and `limit` are PostHog's figures (read them
    rather than assuming 20 / 600 / 40)."""

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
        current_version: int | None = None,
        current_item_id: str | None = None,
        resource: str | None = None,
        current_count: int | None = None,
        limit: int | None = None,
    ) -> None:
        self.resource = resource
        self.current_count = current_count
        self.limit = limit
        super().__init__(
            status,
            type,
            code,
            detail,
            attr,
            method=method,
            path=path,
            current_version=current_version,
            current_item_id=current_item_id,
        )

    def _message(self) -> str:
        if self.detail:
            return f"PostHog's limit is reached (409): {self.detail}"
        what = (self.resource or "items").replace("_", " ")
        return f"PostHog's limit of {self.limit} {what} is reached (409)."


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


class UnsupportedError(PostHogError, NotImplementedError):
    """The server's datasets API cannot do this: the classic API (older self-hosted PostHog)
    has no revisions, item versions or exports and cannot list deleted rows. Raised before
    the request that would be wrong; `datasets_api` names the generation that cannot."""

    def __init__(self, message: str, *, datasets_api: str = "classic") -> None:
        super().__init__(message)
        self.datasets_api = datasets_api


class ExportFailedError(PostHogError):
    """A dataset export ended `failed`; `reason` is PostHog's `exception` text."""

    def __init__(self, message: str, *, export_id: int, reason: str | None) -> None:
        super().__init__(message)
        self.export_id = export_id
        self.reason = reason


class ExportTimeoutError(PostHogError, TimeoutError):
    """`wait_for_dataset_export` gave up while the export was still `status` (pending)."""

    def __init__(self, message: str, *, export_id: int, status: str) -> None:
        super().__init__(message)
        self.export_id = export_id
        self.status = status


class StorageError(PostHogError):
    """The object storage an export download was redirected to refused it (an expired link,
    or a plain-http address). `origin` is the storage's scheme, host and port only: the
    pre-signed URL's query is a credential and never appears in an error."""

    def __init__(self, message: str, *, origin: str, status: int | None) -> None:
        super().__init__(message)
        self.origin = origin
        self.status = status


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


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# 403 details on dataset routes that are not the feature flag: project, key and object access.
_OTHER_DENIALS = (
    "access to the project",  # "You don't have access to the project."
    "does not have access to the requested",  # a project- or organisation-scoped key
    "does not allow using personal api keys",
    "access to this resource",  # one dataset's access level (viewer / editor)
    "does not support personal api key",
)
_GENERIC_DENIAL = "you do not have permission to perform this action."


def _datasets_unavailable(path: str, detail: str | None) -> bool:
    """A 403 on a dataset route naming the feature flag, or PostHog's generic denial (what
    some builds send for the flag); never a scope or a project or dataset access denial."""
    if "/datasets/" not in path and "/dataset_items/" not in path:
        return False
    text = (detail or "").strip().lower()
    if "feature flag" in text:
        return True
    if _MISSING_SCOPE.search(detail or "") or any(part in text for part in _OTHER_DENIALS):
        return False
    return text == _GENERIC_DENIAL


def _conflict(
    data: dict[str, Any], fields: dict[str, Any], redact: Callable[[str], str]
) -> ConflictError:
    """The revisioned API's 409 body: `{code, detail, current_version?, current_item_id?}` or,
    for quotas, `{code: "limit_reached", detail, resource, current_count, limit}`."""
    version = _int(data.get("current_version"))
    item_id = _text(data.get("current_item_id"), redact)
    if fields["code"] == "limit_reached":
        return LimitReachedError(
            409,
            **fields,
            current_version=version,
            current_item_id=item_id,
            resource=_text(data.get("resource"), redact),
            current_count=_int(data.get("current_count")),
            limit=_int(data.get("limit")),
        )
    kind = StaleVersionError if fields["code"] == "stale_version" else ConflictError
    return kind(409, **fields, current_version=version, current_item_id=item_id)


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
    if status == 403 and _datasets_unavailable(path, fields["detail"]):
        return DatasetsUnavailableError(status, **fields)
    if status == 409:
        return _conflict(data, fields, redact)
    if status == 429:
        return RateLimitedError(status, retry_after=retry_after, **fields)
    if status >= 500:
        return ServerError(status, **fields)
    by_status: dict[int, type[APIError]] = {
        400: ValidationError,
        403: PermissionDeniedError,
        404: NotFoundError,
        405: MethodNotAllowedError,
    }
    return by_status.get(status, APIError)(status, **fields)
