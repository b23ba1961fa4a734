"""`PostHogClient`: PostHog's themes, datasets and items API on one long-lived httpx client."""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
import pydantic
from pydantic import TypeAdapter

from phtui import __version__
from phtui.api import retry, urls
from phtui.api.auth import OriginBoundBearer, check_key
from phtui.api.errors import (
    APIError,
    PostHogError,
    RedirectError,
    TransportError,
    UnexpectedResponseError,
    error_from_response,
    parse_error_body,
)
from phtui.api.models import (
    CurrentUser,
    DataColorTheme,
    Dataset,
    DatasetItem,
    Page,
    Project,
)

log = logging.getLogger("phtui.api")

T = TypeVar("T")
Params = Mapping[str, str | int]

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=10.0)
DATASET_FIELDS = frozenset({"name", "description", "metadata", "deleted"})
DATASET_ITEM_FIELDS = frozenset(
    {
        "dataset",
        "input",
        "output",
        "metadata",
        "ref_trace_id",
        "ref_timestamp",
        "ref_source_id",
        "deleted",
    }
)


@functools.cache
def _adapter(shape: type[T]) -> TypeAdapter[T]:
    """The adapter for `shape`, built once (validating bytes with it is the cheap path) and on
    first use: building all of them at import took ~7 ms of every start."""
    return TypeAdapter(shape)


def _trust_nothing() -> ssl.SSLContext:
    """TLS settings for a plain-HTTP host (loopback, or allowed explicitly), which never uses
    TLS: every request stays on that origin. A verifying context with no CA certificates fails
    closed should TLS ever be tried, and spares loading the CA bundle (~20 ms of startup)."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def _check_window(limit: int, offset: int) -> None:
    if limit < 1 or offset < 0:
        raise ValueError(f"limit must be >= 1 and offset >= 0 (got {limit}, {offset}).")


def _jsonable(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in fields.items()}


def _check_fields(method: str, fields: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise TypeError(
            f"{method}() got unknown field(s) {', '.join(map(repr, unknown))}; "
            f"writable fields are {', '.join(sorted(allowed))}."
        )


class PostHogClient:
    """Async client for one PostHog project. Use as `async with PostHogClient(...) as api:`.

    Retries idempotent requests on 5xx and transport failures with exponential backoff and
    full jitter, retries a POST only when it never left this machine, and waits out 429s up
    to `max_rate_limit_wait` seconds. The key is sent only to `host`'s origin.
    """

    def __init__(
        self,
        host: str,
        api_key: str,
        project_id: int | str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        prefix: str = "projects",
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        backoff_base: float = 0.5,
        max_backoff: float = 8.0,
        max_rate_limit_wait: float = 60.0,
        allow_insecure_http: bool = False,
        user_agent: str = f"phtui/{__version__}",
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
        on_response: Callable[[int], None] | None = None,
    ) -> None:
        key = check_key(api_key)
        # Called with the status of every answer PostHog gives (any status, retried or not):
        # proof that it is reachable, so a UI can leave its offline state. Settable later.
        self.on_response = on_response
        self._host = urls.normalize_host(host, allow_insecure_http=allow_insecure_http)
        self._project_id = urls.normalize_project_id(project_id)
        self._prefix = urls.normalize_prefix(prefix)
        self._base = urls.project_base_path(self._prefix, self._project_id)
        self._policy = retry.RetryPolicy(
            max_retries, backoff_base, max_backoff, max_rate_limit_wait
        )
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._auth = OriginBoundBearer(key, self._host)
        scheme, hostname, _ = urls.origin_of(self._host)
        self._http = httpx.AsyncClient(
            base_url=self._host,
            auth=self._auth,
            headers={"User-Agent": user_agent, "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            verify=_trust_nothing() if scheme == "http" else True,
            # Honour HTTPS_PROXY and SSL_CERT_FILE for real hosts (corporate networks); a
            # loopback server must never be reached through a proxy.
            trust_env=not urls.is_loopback(hostname),
        )

    # -- lifecycle and identity ------------------------------------------------------------

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def host(self) -> str:
        """The origin every request goes to, e.g. "https://us.posthog.com"."""
        return self._host

    @property
    def project_id(self) -> int | str:
        return self._project_id

    @property
    def prefix(self) -> str:
        return self._prefix

    @property
    def closed(self) -> bool:
        return self._http.is_closed

    def __repr__(self) -> str:
        return (
            f"PostHogClient(host={self._host!r}, project_id={self._project_id!r}, "
            f"prefix={self._prefix!r})"
        )

    # -- data color themes -----------------------------------------------------------------

    async def list_themes(self) -> list[DataColorTheme]:
        """Every theme the project sees (its own and the global ones); PostHog does not page it."""
        return await self._get(self._path("data_color_themes"), _adapter(list[DataColorTheme]))

    async def get_theme(self, id: int) -> DataColorTheme:
        return await self._get(self._path("data_color_themes", id), _adapter(DataColorTheme))

    async def create_theme(self, name: str, colors: list[Any]) -> DataColorTheme:
        body = {"name": name, "colors": colors}
        return await self._send(
            "POST", self._path("data_color_themes"), body, _adapter(DataColorTheme)
        )

    async def update_theme(
        self, id: int, *, name: str | None = None, colors: list[Any] | None = None
    ) -> DataColorTheme:
        """PATCH only the fields given (None means unchanged)."""
        body: dict[str, Any] = {}
        if name is not None:
            body["name"] = name
        if colors is not None:
            body["colors"] = colors
        return await self._send(
            "PATCH", self._path("data_color_themes", id), body, _adapter(DataColorTheme)
        )

    async def delete_theme(self, id: int) -> None:
        """Hard delete (204)."""
        await self._request("DELETE", self._path("data_color_themes", id))

    # -- datasets --------------------------------------------------------------------------

    async def list_datasets(
        self,
        *,
        search: str | None = None,
        order_by: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Page[Dataset]:
        _check_window(limit, offset)
        params: dict[str, str | int] = {"limit": limit, "offset": offset}
        if search:
            params["search"] = search
        if order_by:
            params["order_by"] = order_by
        return await self._get_page(self._path("datasets"), _adapter(Page[Dataset]), params)

    async def get_dataset(self, id: str) -> Dataset:
        return await self._get(self._path("datasets", id), _adapter(Dataset))

    async def create_dataset(
        self, name: str, *, description: str | None = None, metadata: Any = None
    ) -> Dataset:
        body: dict[str, Any] = {"name": name}
        if description is not None:
            body["description"] = description
        if metadata is not None:
            body["metadata"] = metadata
        return await self._send("POST", self._path("datasets"), body, _adapter(Dataset))

    async def update_dataset(self, id: str, **fields: Any) -> Dataset:
        """PATCH the given fields: any of name, description, metadata, deleted."""
        _check_fields("update_dataset", fields, DATASET_FIELDS)
        return await self._send(
            "PATCH", self._path("datasets", id), _jsonable(fields), _adapter(Dataset)
        )

    async def delete_dataset(self, id: str) -> Dataset:
        """Soft delete (PATCH deleted=true): PostHog answers DELETE on datasets with 405."""
        return await self.update_dataset(id, deleted=True)

    async def restore_dataset(self, id: str) -> Dataset:
        return await self.update_dataset(id, deleted=False)

    async def find_datasets_by_name(self, name: str) -> list[Dataset]:
        """Datasets named exactly `name`. PostHog's search is a substring match on name,
        description and metadata, and names are not unique, so every page is checked."""
        if not name:
            return []
        found: list[Dataset] = []
        offset = 0
        while True:
            page = await self.list_datasets(search=name, limit=100, offset=offset)
            found.extend(dataset for dataset in page.results if dataset.name == name)
            if not page.has_next:
                return found
            offset = page.next_offset

    # -- dataset items ---------------------------------------------------------------------

    async def list_dataset_items(
        self, dataset_id: str, *, limit: int = 100, offset: int = 0
    ) -> Page[DatasetItem]:
        _check_window(limit, offset)
        params: dict[str, str | int] = {"dataset": dataset_id, "limit": limit, "offset": offset}
        return await self._get_page(
            self._path("dataset_items"), _adapter(Page[DatasetItem]), params
        )

    async def iter_dataset_item_pages(
        self, dataset_id: str, *, page_size: int = 100
    ) -> AsyncIterator[Page[DatasetItem]]:
        """Every page of a dataset's items, stepping `offset` itself (never the server's URLs).

        Items are newest first, so rows created while iterating shift later pages: a row may
        then be seen twice. Pages are fetched one at a time, as the caller consumes them.
        """
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        offset = 0
        while True:
            page = await self.list_dataset_items(dataset_id, limit=page_size, offset=offset)
            if page.results:
                yield page
            if not page.has_next:
                return
            offset = page.next_offset

    async def iter_dataset_items(
        self, dataset_id: str, *, page_size: int = 100
    ) -> AsyncIterator[DatasetItem]:
        """Every item of a dataset, fetched page by page."""
        async for page in self.iter_dataset_item_pages(dataset_id, page_size=page_size):
            for item in page.results:
                yield item

    async def get_dataset_item(self, id: str) -> DatasetItem:
        return await self._get(self._path("dataset_items", id), _adapter(DatasetItem))

    async def create_dataset_item(
        self,
        dataset_id: str,
        *,
        input: Any = None,
        output: Any = None,
        metadata: Any = None,
        ref_trace_id: str | None = None,
        ref_timestamp: datetime | str | None = None,
        ref_source_id: str | None = None,
    ) -> DatasetItem:
        optional = {
            "input": input,
            "output": output,
            "metadata": metadata,
            "ref_trace_id": ref_trace_id,
            "ref_timestamp": ref_timestamp,
            "ref_source_id": ref_source_id,
        }
        body = {"dataset": dataset_id, **{k: v for k, v in optional.items() if v is not None}}
        return await self._send(
            "POST", self._path("dataset_items"), _jsonable(body), _adapter(DatasetItem)
        )

    async def update_dataset_item(self, id: str, **fields: Any) -> DatasetItem:
        """PATCH the given fields only (None sets a field to null)."""
        _check_fields("update_dataset_item", fields, DATASET_ITEM_FIELDS)
        path = self._path("dataset_items", id)
        return await self._send("PATCH", path, _jsonable(fields), _adapter(DatasetItem))

    async def delete_dataset_item(self, id: str) -> DatasetItem:
        """Soft delete (PATCH deleted=true); the item can be restored."""
        return await self.update_dataset_item(id, deleted=True)

    async def restore_dataset_item(self, id: str) -> DatasetItem:
        return await self.update_dataset_item(id, deleted=False)

    # -- account ---------------------------------------------------------------------------

    async def get_current_user(self) -> CurrentUser:
        return await self._get("/api/users/@me/", _adapter(CurrentUser))

    async def list_projects(self) -> list[Project]:
        """Every project of the key owner's current organization (all pages)."""
        projects: list[Project] = []
        offset = 0
        while True:
            params = {"limit": 100, "offset": offset}
            page = await self._get_page("/api/projects/", _adapter(Page[Project]), params)
            projects.extend(page.results)
            if not page.has_next:
                return projects
            offset = page.next_offset

    # -- plumbing --------------------------------------------------------------------------

    def _path(self, resource: str, pk: int | str | None = None) -> str:
        return urls.resource_path(self._base, resource, pk)

    async def _get(self, path: str, adapter: TypeAdapter[T], params: Params | None = None) -> T:
        response = await self._request("GET", path, params=params)
        return self._decode(response, adapter, "GET", path)

    async def _get_page(self, path: str, adapter: TypeAdapter[Page[T]], params: Params) -> Page[T]:
        page = await self._get(path, adapter, params)
        page.limit = int(params["limit"])
        page.offset = int(params["offset"])
        return page

    async def _send(
        self, method: str, path: str, body: dict[str, Any], adapter: TypeAdapter[T]
    ) -> T:
        response = await self._request(method, path, json=body)
        return self._decode(response, adapter, method, path)

    @staticmethod
    def _decode(response: httpx.Response, adapter: TypeAdapter[T], method: str, path: str) -> T:
        try:
            return adapter.validate_json(response.content)
        except pydantic.ValidationError as exc:
            problem = exc.errors(include_url=False, include_input=False)[0]
            where = ".".join(str(part) for part in problem["loc"]) or "body"
            error = UnexpectedResponseError(
                f"PostHog's answer to {method} {path} was not in the expected shape "
                f"({where}: {problem['msg']}). Is POSTHOG_HOST a PostHog instance?",
                method=method,
                path=path,
                status=response.status_code,
            )
        raise error  # outside `except`: no chained pydantic error quoting the body

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
    ) -> httpx.Response:
        """Send with retries; return a 2xx response or raise a `PostHogError`.

        Errors are raised outside `except` blocks so they never chain an httpx exception
        (whose request object carries the Authorization header).
        """
        attempt = 0
        while True:
            error: PostHogError
            delay: float | None = None
            reason = ""
            try:
                response = await self._http.request(method, path, params=params, json=json)
            except httpx.RequestError as exc:
                delivery = retry.classify_transport_error(exc)
                if attempt < self._policy.max_retries and retry.should_retry_transport(
                    method, delivery
                ):
                    delay = retry.backoff_delay(attempt, self._policy, self._jitter)
                    reason = type(exc).__name__
                error = self._transport_error(exc, method, path)
            else:
                status = response.status_code
                if self.on_response is not None:
                    self.on_response(status)
                if status < 300:
                    return response
                error, delay = self._failure(response, method, path, attempt)
                reason = str(status)
            if delay is None:
                raise error
            log.debug("retrying %s %s after %s in %.2fs", method, path, reason, delay)
            await self._sleep(delay)
            attempt += 1

    def _failure(
        self, response: httpx.Response, method: str, path: str, attempt: int
    ) -> tuple[APIError, float | None]:
        """The error for a non-2xx response, and how long to wait before retrying (or None)."""
        status = response.status_code
        if 300 <= status < 400:
            location = response.headers.get("Location", "")
            return RedirectError(status, location=location, method=method, path=path), None
        hint: float | None = None
        if status == 429:
            header = retry.parse_retry_after_header(
                response.headers.get("Retry-After"), now=self._clock()
            )
            detail = retry.parse_throttle_detail(_detail_of(response))
            hint = retry.rate_limit_wait(header, detail)
        error = error_from_response(
            status,
            response.content,
            method=method,
            path=path,
            retry_after=hint,
            redact=self._auth.redact,
        )
        can_retry = attempt < self._policy.max_retries
        if status == 429:
            wait = (
                hint
                if hint is not None
                else retry.backoff_delay(attempt, self._policy, self._jitter)
            )
            if can_retry and wait <= self._policy.max_rate_limit_wait:
                return error, wait
            return error, None
        if can_retry and retry.should_retry_status(method, status):
            return error, retry.backoff_delay(attempt, self._policy, self._jitter)
        return error, None

    def _transport_error(self, exc: httpx.RequestError, method: str, path: str) -> TransportError:
        kind = type(exc).__name__
        if isinstance(exc, httpx.TimeoutException):
            what = f"did not answer in time ({kind})"
        elif isinstance(exc, httpx.ConnectError):
            what = "could not be reached (connection refused or host unknown)"
        elif isinstance(exc, httpx.DecodingError):
            what = "sent an answer that could not be decoded"
        else:
            what = f"closed the connection without an answer ({kind})"
        message = (
            f"PostHog at {self._host} {what} on {method} {path}. "
            "Check your network and POSTHOG_HOST, then try again."
        )
        return TransportError(message, method=method, path=path, kind=kind)


def _detail_of(response: httpx.Response) -> str | None:
    detail = parse_error_body(response.content).get("detail")
    return detail if isinstance(detail, str) else None
