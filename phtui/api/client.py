"""`PostHogClient`: PostHog's themes, datasets and items API on one long-lived httpx client.

Two generations of the datasets API
-----------------------------------
PostHog serves the *revisioned* datasets API (immutable item versions, dataset revisions,
archive/restore, `base_version` concurrency, JSONL exports; docs: api-revisioned.md); older
self-hosted instances serve the *classic* one (soft delete through `deleted`, item `output` and
`ref_*` fields). One client speaks both, with one set of models in today's names, and it finds
out which one it talks to from what the server answers, never from configuration:

- Every dataset or item answer is read for keys only one generation sends: `archived` /
  `current_revision` on a dataset or `version` / `expected_output` on an item mean
  revisioned; `deleted` / `team` on a dataset or `output` / `ref_*` / `deleted` on an item
  mean classic. The first answer that settles it fixes `client.datasets_api` ("revisioned" or
  "classic"; None until then) for the life of the client.
- `detect_datasets_api()` settles it on purpose, cheaply: `GET datasets/?limit=1` and read the
  keys; when the project has no dataset, `GET dataset_items/?limit=1` without `dataset`, which
  the revisioned API refuses (400, `attr: "dataset"`) and the classic one answers (200).
- Methods whose request differs by generation (item create/update/archive/restore, dataset
  archive/restore, anything about revisions, versions, exports or archived rows) detect first,
  so they cost one extra request at most once per client. Plain reads (`list_datasets`,
  `get_dataset_item`, ...) send the same request to both and learn from the answer.

On a classic server: `expected_output` is sent as `output`, `source_trace_id` /
`source_event_id` / `source_timestamp` as `ref_trace_id` / `ref_source_id` / `ref_timestamp`;
`source_output` has no classic field (giving one raises ValueError before the create);
`client_item_id` is not sent (a classic server has no idempotent create, so a caller that
retries a create must check for the item itself); `base_version` is ignored; archive and restore
are the old soft delete (`PATCH deleted`); revisions, versions, exports and listing archived
rows raise `UnsupportedError`.

Retries
-------
Idempotent requests (GET, PATCH to fixed values, ...) are retried on 5xx and transport
failures with exponential backoff and full jitter; a POST is retried only when it provably never
left this machine, except a revisioned item create carrying a `client_item_id`, which PostHog
makes idempotent (a repeat answers 200 with the item) and which is therefore retried like a GET.
A revisioned item PATCH carries a `base_version`, so repeating one that may have arrived would
fail as stale: it is retried only when provably unsent. A 429 is waited out (`Retry-After`, or
PostHog's "Expected available in N seconds") up to `max_rate_limit_wait`; a 409 is never
retried. `on_wait(seconds, reason)` is called before every such wait.

Logging
-------
The `phtui.api` logger records each request at DEBUG (method, path, the names but not the
values of query parameters, status, duration) and each retry or wait at INFO. It never logs a
key, a header, a body or a pre-signed download URL. The library installs no handler.
"""

from __future__ import annotations

import asyncio
import functools
import json as jsonlib
import logging
import random
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any, Final, Self, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pydantic
from pydantic import TypeAdapter

from phtui import __version__
from phtui.api import retry, urls
from phtui.api.auth import OriginBoundBearer, check_key
from phtui.api.errors import (
    APIError,
    ExportFailedError,
    ExportTimeoutError,
    PostHogError,
    RedirectError,
    StorageError,
    TransportError,
    UnexpectedResponseError,
    UnsupportedError,
    ValidationError,
    error_from_response,
    parse_error_body,
)
from phtui.api.models import (
    CurrentUser,
    DataColorTheme,
    Dataset,
    DatasetExport,
    DatasetItem,
    DatasetItemsSnapshot,
    DatasetRevision,
    DatasetsApi,
    Page,
    Project,
)

log = logging.getLogger("phtui.api")

T = TypeVar("T")
Params = Mapping[str, str | int]

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=10.0)
DATASET_FIELDS = frozenset({"name", "description", "metadata"})
# The revisioned API's page sizes (default, max) per list; the classic API pages by 100 and
# has no maximum (api-revisioned.md section 3, api.md section 7).
REVISIONED_PAGE_SIZES: Final = {
    "datasets": (50, 100),
    "revisions": (50, 100),
    "dataset_items": (10, 25),
    "versions": (25, 100),
}
CLASSIC_PAGE_SIZE: Final = 100
# `iter_dataset_items` asks for this many; the revisioned API caps it at 25.
ITEM_PAGE_REQUEST: Final = 100
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

# Keys only one generation sends (api-revisioned.md section 13).
_DATASET_KEYS: Final = (
    ("archived", "current_revision", "current_revision_id"),
    ("deleted", "team"),
)
_ITEM_KEYS: Final = (
    ("version", "version_id", "dataset_revision", "expected_output", "source_output"),
    ("output", "ref_trace_id", "ref_source_id", "ref_timestamp", "deleted", "team"),
)
_LEARN_KEYS: Final = {"dataset": _DATASET_KEYS, "item": _ITEM_KEYS}


class _Unset:
    """The type of `UNSET`: "not given", as opposed to None ("clear it")."""

    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Final = _Unset()


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


def _check_window(limit: int | None, offset: int) -> None:
    if (limit is not None and limit < 1) or offset < 0:
        raise ValueError(f"limit must be >= 1 and offset >= 0 (got {limit}, {offset}).")


def _check_positive(name: str, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or value < 1):
        raise ValueError(f"{name} must be an integer >= 1 (got {value!r}).")


def _jsonable(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in fields.items()}


def _check_fields(method: str, fields: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise TypeError(
            f"{method}() got unknown field(s) {', '.join(map(repr, unknown))}; "
            f"writable fields are {', '.join(sorted(allowed))}."
        )


def _given(**fields: Any) -> dict[str, Any]:
    """The fields that were given (not `UNSET`), None included."""
    return {name: value for name, value in fields.items() if value is not UNSET}


def _present(**fields: Any) -> dict[str, Any]:
    """The fields that are not None."""
    return {name: value for name, value in fields.items() if value is not None}


def _loggable(path: str, params: Params | None) -> str:
    """The path with the names of its query parameters but not their values."""
    return f"{path}?{'&'.join(sorted(params))}" if params else path


def _limit_in(url: str | None) -> int | None:
    """The `limit` of a `next` link: the page size the server actually used."""
    if not url:
        return None
    try:
        values = parse_qs(urlsplit(url).query).get("limit")
    except ValueError:
        return None
    if values and values[0].isdigit() and int(values[0]) > 0:
        return int(values[0])
    return None


def _too_deep_for_fast_path(error: pydantic.ValidationError) -> bool:
    return any(
        problem["type"] == "json_invalid" and "recursion" in problem["msg"]
        for problem in error.errors(include_url=False, include_input=False)
    )


def _generation_of(row: Any, keys: tuple[tuple[str, ...], tuple[str, ...]]) -> DatasetsApi | None:
    if not isinstance(row, dict):
        return None
    revisioned, classic = keys
    if any(key in row for key in revisioned):
        return "revisioned"
    if any(key in row for key in classic):
        return "classic"
    return None


class PostHogClient:
    """Async client for one PostHog project. Use as `async with PostHogClient(...) as api:`.

    Retries idempotent requests on 5xx and transport failures with exponential backoff and
    full jitter, retries a POST only when it never left this machine (or is an idempotent
    create), and waits out 429s up to `max_rate_limit_wait` seconds. The key is sent only to
    `host`'s origin. See the module docstring for how the datasets API is detected.
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
        on_wait: Callable[[float, str], None] | None = None,
    ) -> None:
        key = check_key(api_key)
        # Called with the status of every answer PostHog gives (any status, retried or not):
        # proof that it is reachable, so a UI can leave its offline state. Settable later.
        self.on_response = on_response
        # Called with the seconds and a short reason ("rate limited", "server error 503",
        # "connection problem (ReadError)") before every wait between attempts, so a UI can
        # say "Rate limited by PostHog: waiting 15 s" instead of looking frozen. Settable later.
        self.on_wait = on_wait
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
        self._timeout = timeout
        self._user_agent = user_agent
        self._transport = transport
        self._allow_insecure_http = allow_insecure_http
        self._auth = OriginBoundBearer(key, self._host)
        self._datasets_api: DatasetsApi | None = None
        self._detecting: asyncio.Lock | None = None
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
            # httpx's default pool (100 connections, 20 kept alive) is what lets
            # `list_all_dataset_items` overlap its page requests; say so explicitly.
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
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

    @property
    def datasets_api(self) -> DatasetsApi | None:
        """ "revisioned" or "classic" once an answer has shown which datasets API the server
        speaks (after the first dataset call, or `await detect_datasets_api()`); else None."""
        return self._datasets_api

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

    # -- which datasets API ----------------------------------------------------------------

    async def detect_datasets_api(self) -> DatasetsApi:
        """Which datasets API the server speaks; asks only while it is not known yet.

        `GET datasets/?limit=1` and read the keys; if the project has no dataset,
        `GET dataset_items/?limit=1` without `dataset`: 400 naming `dataset` = revisioned,
        200 = classic. Errors (no key, no scope, datasets not enabled) are raised as usual.
        """
        if self._datasets_api is not None:
            return self._datasets_api
        if self._detecting is None:
            self._detecting = asyncio.Lock()
        async with self._detecting:  # concurrent callers share one detection
            if self._datasets_api is None:
                await self._get(
                    self._path("datasets"), _adapter(Page[Dataset]), {"limit": 1}, learn="dataset"
                )
            if self._datasets_api is None:
                await self._detect_from_item_list()
        assert self._datasets_api is not None
        return self._datasets_api

    async def _detect_from_item_list(self) -> None:
        path = self._path("dataset_items")
        refused: ValidationError | None = None
        try:
            await self._get(path, _adapter(Page[DatasetItem]), {"limit": 1}, learn="item")
        except ValidationError as error:
            refused = error
        if refused is not None:
            if refused.field != "dataset":
                raise refused
            self._learned("revisioned", "dataset_items/ requires `dataset`")
        elif self._datasets_api is None:
            self._learned("classic", "dataset_items/ answered without `dataset`")

    def _learned(self, api: DatasetsApi, how: str) -> None:
        if self._datasets_api is None:
            self._datasets_api = api
            log.info("datasets API: %s (%s)", api, how)

    def _unsupported(self, what: str) -> UnsupportedError:
        return UnsupportedError(
            f"This PostHog instance serves the classic datasets API (older self-hosted "
            f"PostHog), which cannot {what}. Upgrade PostHog to use it."
        )

    async def _require_revisioned(self, what: str) -> None:
        if await self.detect_datasets_api() == "classic":
            raise self._unsupported(what)

    # -- datasets --------------------------------------------------------------------------

    async def list_datasets(
        self,
        *,
        search: str | None = None,
        order_by: str | None = None,
        archived: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> Page[Dataset]:
        """One page of active datasets, or (revisioned only) of archived ones: PostHog lists
        either, never both. The classic API cannot list deleted datasets (UnsupportedError)."""
        _check_window(limit, offset)
        params: dict[str, str | int] = {"limit": limit, "offset": offset}
        if search:
            params["search"] = search
        if order_by:
            params["order_by"] = order_by
        if archived:
            await self._require_revisioned("list deleted datasets")
            params["archived"] = "true"
        return await self._get_page(
            self._path("datasets"), _adapter(Page[Dataset]), params, "datasets", learn="dataset"
        )

    async def get_dataset(self, id: str) -> Dataset:
        """A dataset, active or archived (classic: 404 once deleted)."""
        return await self._get(self._path("datasets", id), _adapter(Dataset), learn="dataset")

    async def create_dataset(
        self, name: str, *, description: str | None = None, metadata: Any = None
    ) -> Dataset:
        body: dict[str, Any] = {"name": name, **_present(description=description)}
        if metadata is not None:
            body["metadata"] = metadata
        return await self._send(
            "POST", self._path("datasets"), body, _adapter(Dataset), learn="dataset"
        )

    async def update_dataset(self, id: str, **fields: Any) -> Dataset:
        """PATCH the given fields: any of name, description, metadata (last write wins).
        Archive and restore with `archive_dataset` / `restore_dataset`."""
        if "deleted" in fields or "archived" in fields:
            raise TypeError(
                "update_dataset() does not archive or restore: use archive_dataset() or "
                "restore_dataset()."
            )
        _check_fields("update_dataset", fields, DATASET_FIELDS)
        return await self._send(
            "PATCH", self._path("datasets", id), _jsonable(fields), _adapter(Dataset), "dataset"
        )

    async def archive_dataset(self, id: str) -> Dataset:
        """Archive (revisioned: `POST archive/`, idempotent) or soft-delete (classic: `PATCH
        deleted=true`). An archived dataset stays readable and can be restored."""
        return await self._dataset_flag(id, "archive", deleted=True)

    async def restore_dataset(self, id: str) -> Dataset:
        return await self._dataset_flag(id, "restore", deleted=False)

    async def delete_dataset(self, id: str) -> Dataset:
        """Alias of `archive_dataset`: PostHog never hard-deletes datasets (DELETE is 405)."""
        return await self.archive_dataset(id)

    async def _dataset_flag(self, id: str, action: str, *, deleted: bool) -> Dataset:
        path = self._path("datasets", id)
        if await self.detect_datasets_api() == "classic":
            return await self._send("PATCH", path, {"deleted": deleted}, _adapter(Dataset))
        return await self._send("POST", f"{path}{action}/", None, _adapter(Dataset))

    async def find_datasets_by_name(self, name: str) -> list[Dataset]:
        """Active datasets named exactly `name`. PostHog's search is a substring match on name,
        description and metadata (and classic names are not unique), so every page is checked."""
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

    async def list_dataset_revisions(
        self, dataset_id: str, *, limit: int | None = None, offset: int = 0
    ) -> Page[DatasetRevision]:
        """A dataset's revisions, newest first (revisioned only)."""
        _check_window(limit, offset)
        await self._require_revisioned("list dataset revisions")
        params: dict[str, str | int] = {"offset": offset, **_present(limit=limit)}
        path = f"{self._path('datasets', dataset_id)}revisions/"
        return await self._get_page(path, _adapter(Page[DatasetRevision]), params, "revisions")

    # -- dataset items ---------------------------------------------------------------------

    async def list_dataset_items(
        self,
        dataset_id: str,
        *,
        revision: int | None = None,
        archived: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> Page[DatasetItem]:
        """One page of a dataset's items, newest first: active ones, or (revisioned only)
        archived ones; at a `revision` (revisioned only), the immutable snapshot of then.

        `limit=None` is the server's default page size (revisioned: 10, at most 25; classic:
        100); a larger `limit` is capped by the server, and `Page.limit` says what it used.
        """
        _check_window(limit, offset)
        _check_positive("revision", revision)
        if revision is not None:
            await self._require_revisioned("show a dataset at a revision")
        if archived:
            await self._require_revisioned("list deleted items")
        params: dict[str, str | int] = {"dataset": dataset_id, "offset": offset}
        if limit is not None:
            params["limit"] = limit
        if revision is not None:
            params["revision"] = revision
        if archived:
            params["archived"] = "true"
        return await self._get_page(
            self._path("dataset_items"),
            _adapter(Page[DatasetItem]),
            params,
            "dataset_items",
            learn="item",
        )

    async def iter_dataset_item_pages(
        self,
        dataset_id: str,
        *,
        revision: int | None = None,
        archived: bool = False,
        page_size: int | None = None,
    ) -> AsyncIterator[Page[DatasetItem]]:
        """Every page of a dataset's items, stepping `offset` itself (never the server's URLs).

        `page_size=None` asks for 100 (the revisioned API gives 25). Items are newest first,
        so rows created while iterating shift later pages (a row may then be seen twice)
        unless `revision` pins the pages to one snapshot, or use `list_all_dataset_items`.
        Pages are fetched one at a time, as the caller consumes them.
        """
        if page_size is not None and page_size < 1:
            raise ValueError("page_size must be at least 1")
        size = page_size or ITEM_PAGE_REQUEST
        offset = 0
        while True:
            page = await self.list_dataset_items(
                dataset_id, revision=revision, archived=archived, limit=size, offset=offset
            )
            if page.results:
                yield page
            if not page.has_next:
                return
            offset = page.next_offset

    async def iter_dataset_items(
        self,
        dataset_id: str,
        *,
        revision: int | None = None,
        archived: bool = False,
        page_size: int | None = None,
    ) -> AsyncIterator[DatasetItem]:
        """Every item of a dataset, fetched page by page (see `iter_dataset_item_pages`)."""
        pages = self.iter_dataset_item_pages(
            dataset_id, revision=revision, archived=archived, page_size=page_size
        )
        async for page in pages:
            for item in page.results:
                yield item

    async def list_all_dataset_items(
        self,
        dataset_id: str,
        *,
        revision: int | None = None,
        archived: bool = False,
        concurrency: int = 6,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> DatasetItemsSnapshot:
        """Every item of a dataset at one revision, in server order (newest first).

        Revisioned: pinned to `revision`, or to the dataset's `current_revision` read first,
        so pages can never shift between requests. A revision N holds at most N items (each
        item's creation is a revision of its own), so every page up to N is requested at once
        at the largest page size (25), at most `concurrency` at a time over the client's one
        connection pool; pages past the count the first answer gives are never asked for.
        With `revision` given, the dataset is read alongside the pages. A dataset with no
        revision yet has no items. Classic (no revisions): pages of 100, one after another.
        `on_progress(loaded, total)` is called as each page lands (items so far, the count).
        """
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        _check_positive("revision", revision)
        if revision is None or self._datasets_api is None:
            dataset = await self.get_dataset(dataset_id)  # its keys settle the generation
            if await self.detect_datasets_api() == "classic":
                if revision is not None:
                    raise self._unsupported("show a dataset at a revision")
                return await self._all_items_classic(
                    dataset, archived=archived, on_progress=on_progress
                )
            pinned = revision if revision is not None else dataset.current_revision
            if pinned is None:
                return DatasetItemsSnapshot(dataset=dataset, revision=None, items=[])
            items, skipped = await self._pinned_items(
                dataset_id, pinned, archived, concurrency, on_progress
            )
        else:
            await self._require_revisioned("show a dataset at a revision")
            pinned = revision
            dataset, (items, skipped) = await asyncio.gather(
                self.get_dataset(dataset_id),
                self._pinned_items(dataset_id, pinned, archived, concurrency, on_progress),
            )
        return DatasetItemsSnapshot(dataset=dataset, revision=pinned, items=items, skipped=skipped)

    async def _all_items_classic(
        self,
        dataset: Dataset,
        *,
        archived: bool,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> DatasetItemsSnapshot:
        if archived:
            raise self._unsupported("list deleted items")
        items: list[DatasetItem] = []
        skipped: list[str] = []
        async for page in self.iter_dataset_item_pages(dataset.id, page_size=CLASSIC_PAGE_SIZE):
            items.extend(page.results)
            skipped.extend(page.skipped)
            if on_progress is not None:
                on_progress(len(items), page.count)
        return DatasetItemsSnapshot(dataset=dataset, revision=None, items=items, skipped=skipped)

    async def _pinned_items(
        self,
        dataset_id: str,
        revision: int,
        archived: bool,
        concurrency: int,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> tuple[list[DatasetItem], list[str]]:
        """Every page of one immutable snapshot, concurrently (see `list_all_dataset_items`)."""
        size = REVISIONED_PAGE_SIZES["dataset_items"][1]
        gate = asyncio.Semaphore(concurrency)  # wakes waiters first come, first served
        count: int | None = None  # the snapshot's count, once any page has said it
        loaded = 0

        async def page_at(offset: int) -> Page[DatasetItem] | None:
            nonlocal count, loaded
            async with gate:
                if count is not None and offset >= count:
                    return None
                page = await self.list_dataset_items(
                    dataset_id, revision=revision, archived=archived, limit=size, offset=offset
                )
                count = page.count
                if on_progress is not None:
                    loaded += len(page.results)
                    on_progress(loaded, count)
                return page

        failure: BaseException | None = None
        try:
            async with asyncio.TaskGroup() as group:  # one failure cancels the other pages
                tasks = [group.create_task(page_at(o)) for o in range(0, revision, size)]
        except BaseExceptionGroup as errors:
            failure = errors.exceptions[0]
        if failure is not None:
            raise failure  # the client's own error, outside `except`
        pages = [page for task in tasks if (page := task.result()) is not None]
        total = pages[0].count if pages else 0
        # Pages asked for before any answer said the count may lie past it: empty, not short.
        within = [page for page in pages if page.offset < total]
        pages = within or pages[:1]
        items = [item for page in pages for item in page.results]
        skipped = [item_id for page in pages for item_id in page.skipped]
        if len(items) != total or any(len(p.results) != size for p in pages[:-1]):
            # Pages not of the size asked for (a server with another cap): step by what came.
            log.info("GET dataset_items/ pages were not %d long: reading them in turn", size)
            items, skipped = [], []
            async for page in self.iter_dataset_item_pages(
                dataset_id, revision=revision, archived=archived, page_size=size
            ):
                items.extend(page.results)
                skipped.extend(page.skipped)
        return items, skipped

    async def get_dataset_item(self, item_id: str, *, revision: int | None = None) -> DatasetItem:
        """An item's current version (active or archived; classic: 404 once deleted), or
        (revisioned only) its version as of `revision`."""
        _check_positive("revision", revision)
        params: dict[str, str | int] | None = None
        if revision is not None:
            await self._require_revisioned("show an item at a revision")
            params = {"revision": revision}
        path = self._path("dataset_items", item_id)
        return await self._get(path, _adapter(DatasetItem), params, learn="item")

    async def create_dataset_item(
        self,
        dataset_id: str,
        *,
        input: Any,
        expected_output: Any = None,
        source_output: Any = None,
        metadata: Any = None,
        client_item_id: str | None = None,
        source_trace_id: str | None = None,
        source_event_id: str | None = None,
        source_timestamp: datetime | str | None = None,
    ) -> DatasetItem:
        """Create an item (revisioned: version 1 and a new dataset revision).

        With a `client_item_id` (revisioned), a create is idempotent: repeating it with the same
        content answers 200 with the existing item, so it is retried even after a failure that
        may have reached the server; different content or an archived item with that id is a
        `ConflictError` (`client_item_id_conflict`). None leaves an optional field out.
        On classic servers see the module docstring (`source_output` raises ValueError there).
        """
        path = self._path("dataset_items")
        if await self.detect_datasets_api() == "classic":
            if source_output is not None:
                raise ValueError(
                    "This PostHog instance serves the classic datasets API, which has no "
                    "source_output field: leave it out, or keep it in metadata."
                )
            classic = _present(
                input=input,
                output=expected_output,
                metadata=metadata,
                ref_trace_id=source_trace_id,
                ref_timestamp=source_timestamp,
                ref_source_id=source_event_id,
            )
            body = _jsonable({"dataset": dataset_id, **classic})
            return await self._send("POST", path, body, _adapter(DatasetItem), "item")
        optional = _present(
            expected_output=expected_output,
            source_output=source_output,
            metadata=metadata,
            client_item_id=client_item_id,
            source_trace_id=source_trace_id,
            source_event_id=source_event_id,
            source_timestamp=source_timestamp,
        )
        body = _jsonable({"dataset": dataset_id, "input": input, **optional})
        idempotent = True if client_item_id is not None else None
        return await self._send(
            "POST", path, body, _adapter(DatasetItem), "item", idempotent=idempotent
        )

    async def update_dataset_item(
        self,
        item_id: str,
        *,
        base_version: int | None = None,
        input: Any = UNSET,
        expected_output: Any = UNSET,
        metadata: Any = UNSET,
        source_trace_id: Any = UNSET,
        source_event_id: Any = UNSET,
        source_timestamp: Any = UNSET,
    ) -> DatasetItem:
        """PATCH only the fields given (`expected_output=None` clears it; `metadata={}` clears
        metadata on a revisioned server). Revisioned: `base_version` (the `version` of the item
        you edited) is required, and a stale one raises `StaleVersionError`; the answer is the
        new version (or the same one when nothing changed). Classic: `base_version` is ignored.

        The `source_*` fields can only change on classic servers (revisioned provenance is
        fixed at create: ValueError).
        """
        content = _given(input=input, expected_output=expected_output, metadata=metadata)
        provenance = _given(
            source_trace_id=source_trace_id,
            source_event_id=source_event_id,
            source_timestamp=source_timestamp,
        )
        path = self._path("dataset_items", item_id)
        if await self.detect_datasets_api() == "classic":
            names = {"expected_output": "output", "source_trace_id": "ref_trace_id"}
            names |= {"source_event_id": "ref_source_id", "source_timestamp": "ref_timestamp"}
            body = {names.get(name, name): value for name, value in (content | provenance).items()}
            return await self._send("PATCH", path, _jsonable(body), _adapter(DatasetItem), "item")
        if base_version is None:
            raise TypeError(
                "update_dataset_item() needs base_version on PostHog's revisioned datasets API: "
                "pass the `version` of the item you edited."
            )
        _check_positive("base_version", base_version)
        if provenance:
            raise ValueError(
                f"PostHog cannot change {', '.join(sorted(provenance))} after an item is created."
            )
        body = {"base_version": base_version, **content}
        return await self._send(
            "PATCH", path, _jsonable(body), _adapter(DatasetItem), "item", idempotent=False
        )

    async def archive_dataset_item(
        self, item_id: str, *, base_version: int | None = None
    ) -> DatasetItem:
        """Archive an item (revisioned: a new version with `archived: true`; `base_version`
        required) or soft-delete it (classic: `PATCH deleted=true`). It can be restored."""
        path = self._path("dataset_items", item_id)
        if await self.detect_datasets_api() == "classic":
            return await self._send("PATCH", path, {"deleted": True}, _adapter(DatasetItem))
        body = {"base_version": self._base_version("archive_dataset_item", base_version)}
        return await self._send("POST", f"{path}archive/", body, _adapter(DatasetItem), "item")

    async def restore_dataset_item(
        self,
        item_id: str,
        *,
        base_version: int | None = None,
        source_version: int | None = None,
    ) -> DatasetItem:
        """Restore an archived item (revisioned: a new active version, with the content of
        `source_version` when given, else the last content; `base_version` required), or
        undelete it (classic: `PATCH deleted=false`; no `source_version` there)."""
        _check_positive("source_version", source_version)
        path = self._path("dataset_items", item_id)
        if await self.detect_datasets_api() == "classic":
            if source_version is not None:
                raise self._unsupported("restore an item from an earlier version")
            return await self._send("PATCH", path, {"deleted": False}, _adapter(DatasetItem))
        body: dict[str, Any] = {
            "base_version": self._base_version("restore_dataset_item", base_version),
            **_present(source_version=source_version),
        }
        return await self._send("POST", f"{path}restore/", body, _adapter(DatasetItem), "item")

    async def delete_dataset_item(
        self, item_id: str, *, base_version: int | None = None
    ) -> DatasetItem:
        """Alias of `archive_dataset_item`: PostHog never hard-deletes items (DELETE is 405)."""
        return await self.archive_dataset_item(item_id, base_version=base_version)

    @staticmethod
    def _base_version(method: str, base_version: int | None) -> int:
        if base_version is None:
            raise TypeError(
                f"{method}() needs base_version on PostHog's revisioned datasets API: pass the "
                "`version` of the item as you last read it."
            )
        _check_positive("base_version", base_version)
        return base_version

    async def list_dataset_item_versions(
        self, item_id: str, *, limit: int | None = None, offset: int = 0
    ) -> Page[DatasetItem]:
        """Every version of an item, newest first, archived ones included (revisioned only)."""
        _check_window(limit, offset)
        await self._require_revisioned("list item versions")
        params: dict[str, str | int] = {"offset": offset, **_present(limit=limit)}
        path = f"{self._path('dataset_items', item_id)}versions/"
        return await self._get_page(path, _adapter(Page[DatasetItem]), params, "versions")

    # -- dataset exports (revisioned only) --------------------------------------------------

    def _export_path(self, dataset_id: str, export_id: int | None = None) -> str:
        path = f"{self._path('datasets', dataset_id)}exports/"
        if export_id is None:
            return path
        if isinstance(export_id, bool) or not isinstance(export_id, int):
            raise ValueError(f"{export_id!r} is not an export id (an integer).")
        return f"{path}{export_id}/"

    async def create_dataset_export(
        self, dataset_id: str, *, revision: int | None = None
    ) -> DatasetExport:
        """Start a JSONL export of the latest revision, or of `revision`; normally `pending`.
        PostHog allows 10 a day per key (429 beyond). A dataset with no items yet, or an
        unknown revision, is a `ConflictError`."""
        _check_positive("revision", revision)
        await self._require_revisioned("export datasets")
        body = _present(revision=revision)
        return await self._send(
            "POST", self._export_path(dataset_id), body, _adapter(DatasetExport)
        )

    async def get_dataset_export(self, dataset_id: str, export_id: int) -> DatasetExport:
        """An export's status (only its creator sees it; 404 once expired)."""
        await self._require_revisioned("export datasets")
        return await self._get(self._export_path(dataset_id, export_id), _adapter(DatasetExport))

    async def wait_for_dataset_export(
        self,
        dataset_id: str,
        export_id: int,
        *,
        poll_interval: float = 1.0,
        timeout: float = 300.0,
        on_status: Callable[[DatasetExport], None] | None = None,
    ) -> DatasetExport:
        """Poll until the export is complete and return it. `on_status` sees every poll.

        Raises `ExportFailedError` (with PostHog's reason) when it failed, and
        `ExportTimeoutError` when it is still pending after `timeout` seconds.
        """
        if poll_interval <= 0 or timeout < 0:
            raise ValueError("poll_interval must be > 0 and timeout >= 0")
        deadline = time.monotonic() + timeout
        while True:
            export = await self.get_dataset_export(dataset_id, export_id)
            if on_status is not None:
                on_status(export)
            if export.status == "complete":
                return export
            if export.status == "failed":
                reason = export.exception
                raise ExportFailedError(
                    f"PostHog could not export the dataset: {reason or 'no reason given'}",
                    export_id=export.id,
                    reason=reason,
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ExportTimeoutError(
                    f"The export was still {export.status} after {timeout:g} s; check it "
                    "again later with get_dataset_export().",
                    export_id=export.id,
                    status=export.status,
                )
            await self._sleep(min(poll_interval, remaining))

    async def download_dataset_export(self, dataset_id: str, export_id: int) -> AsyncIterator[str]:
        """The lines of a complete export's JSONL file (one JSON object each, no newline).

        PostHog answers with the file or with a redirect to a pre-signed object-storage URL
        (PostHog Cloud). That URL is fetched by a separate plain request, with no API key,
        header or cookie of this client, and is never logged or shown: its query is a
        credential. A pending or failed export is a `ConflictError` with PostHog's detail.
        """
        await self._require_revisioned("export datasets")
        path = f"{self._export_path(dataset_id, export_id)}content/"
        response = await self._request("GET", path, stream=True, redirect_ok=True)
        try:
            if response.status_code in _REDIRECTS:
                location = response.headers.get("Location", "")
                await response.aclose()
                async for line in self._download_elsewhere(location, path):
                    yield line
                return
            async for line in self._lines(response, "GET", path):
                yield line
        finally:
            await response.aclose()

    async def _download_elsewhere(self, location: str, path: str) -> AsyncIterator[str]:
        target = httpx.URL(self._host).join(location) if location else None
        if target is None or target.scheme not in {"http", "https"} or not target.host:
            raise RedirectError(302, location="", method="GET", path=path)
        origin = f"{target.scheme}://{target.netloc.decode('ascii')}"
        if urls.same_origin(origin, self._host):  # PostHog's own origin: its rules, its key
            response = await self._request(
                "GET", target.path, params=dict(target.params), stream=True
            )
            try:
                async for line in self._lines(response, "GET", path):
                    yield line
            finally:
                await response.aclose()
            return
        if target.scheme == "http" and not (
            self._allow_insecure_http or urls.is_loopback(target.host)
        ):
            raise StorageError(
                f"PostHog sent the export's download to plain http://{target.host}; refusing "
                "to fetch it unencrypted.",
                origin=origin,
                status=None,
            )
        log.debug("GET %s: following the export download to %s", path, origin)
        plain = httpx.AsyncClient(
            headers={"User-Agent": self._user_agent},
            timeout=self._timeout,
            transport=self._transport,
            follow_redirects=False,
            trust_env=not urls.is_loopback(target.host),
        )
        failure: PostHogError | None = None
        try:
            try:
                response = await plain.send(plain.build_request("GET", target), stream=True)
            except httpx.RequestError as exc:
                failure = TransportError(
                    f"The export's storage at {origin} could not be reached "
                    f"({type(exc).__name__}). Try the download again.",
                    method="GET",
                    path=path,
                    kind=type(exc).__name__,
                )
            if failure is not None:
                raise failure
            try:
                if response.status_code >= 300:
                    raise StorageError(
                        f"The export's storage at {origin} answered {response.status_code}: "
                        "the download link may have expired. Download the export again.",
                        origin=origin,
                        status=response.status_code,
                    )
                async for line in self._lines(response, "GET", path):
                    yield line
            finally:
                await response.aclose()
        finally:
            if self._transport is None:  # a transport given to the client is the caller's
                await plain.aclose()

    async def _lines(self, response: httpx.Response, method: str, path: str) -> AsyncIterator[str]:
        lines = response.aiter_lines()
        while True:
            failure: TransportError | None = None
            try:
                line = await anext(lines)
            except StopAsyncIteration:
                return
            except httpx.RequestError as exc:
                failure = self._transport_error(exc, method, path)
            if failure is not None:
                raise failure  # outside `except`: no chained httpx error
            if line:
                yield line

    # -- account ---------------------------------------------------------------------------

    async def get_current_user(self) -> CurrentUser:
        return await self._get("/api/users/@me/", _adapter(CurrentUser))

    async def list_projects(self) -> list[Project]:
        """Every project of the key owner's current organization (all pages)."""
        projects: list[Project] = []
        offset = 0
        while True:
            params = {"limit": 100, "offset": offset}
            page = await self._get_page("/api/projects/", _adapter(Page[Project]), params, None)
            projects.extend(page.results)
            if not page.has_next:
                return projects
            offset = page.next_offset

    # -- plumbing --------------------------------------------------------------------------

    def _path(self, resource: str, pk: int | str | None = None) -> str:
        return urls.resource_path(self._base, resource, pk)

    async def _get(
        self,
        path: str,
        adapter: TypeAdapter[T],
        params: Params | None = None,
        *,
        learn: str | None = None,
    ) -> T:
        response = await self._request("GET", path, params=params)
        return self._decode(response, adapter, "GET", path, learn)

    async def _get_page(
        self,
        path: str,
        adapter: TypeAdapter[Page[T]],
        params: Params,
        kind: str | None,
        *,
        learn: str | None = None,
    ) -> Page[T]:
        page = await self._get(path, adapter, params, learn=learn)
        requested = int(params["limit"]) if "limit" in params else None
        page.limit = self._page_limit(page, requested, kind)
        page.offset = int(params.get("offset", 0))
        return page

    def _page_limit(self, page: Page[Any], requested: int | None, kind: str | None) -> int:
        """The page size the server used: the `limit` of its `next` link, else what was asked
        (capped at the revisioned maximum), else the server's default."""
        used = _limit_in(page.next)
        if used is not None:
            return used
        if kind is None or self._datasets_api is None:
            return requested or max(len(page.results), 1)
        if self._datasets_api == "classic":
            return requested or CLASSIC_PAGE_SIZE
        default, maximum = REVISIONED_PAGE_SIZES[kind]
        return min(requested, maximum) if requested is not None else default

    async def _send(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        adapter: TypeAdapter[T],
        learn: str | None = None,
        *,
        idempotent: bool | None = None,
    ) -> T:
        response = await self._request(method, path, json=body, idempotent=idempotent)
        return self._decode(response, adapter, method, path, learn)

    def _decode(
        self,
        response: httpx.Response,
        adapter: TypeAdapter[T],
        method: str,
        path: str,
        learn: str | None = None,
    ) -> T:
        """The body as `adapter`'s type: pydantic's fast parser first; for JSON nested deeper
        than it allows, `json.loads`; deeper than that, `deepjson` with placeholders for the
        rows that are too deep (listed in `Page.skipped`). See `phtui.api.deepjson`."""
        content = response.content
        data: Any = None
        parsed = False
        skipped: list[str] = []
        problem = ""
        value: Any = None
        try:
            value = adapter.validate_json(content)
        except pydantic.ValidationError as exc:
            if not _too_deep_for_fast_path(exc):
                problem = self._shape_problem(exc)
            else:
                data, skipped, problem = self._parse_deep(content)
                parsed = not problem
        if parsed:
            try:
                value = adapter.validate_python(data)
            except pydantic.ValidationError as exc:
                problem = self._shape_problem(exc)
        if problem:
            error = UnexpectedResponseError(
                f"PostHog's answer to {method} {path} was not in the expected shape "
                f"({problem}). Is POSTHOG_HOST a PostHog instance?",
                method=method,
                path=path,
                status=response.status_code,
            )
            raise error  # outside `except`: no chained pydantic error quoting the body
        if skipped and isinstance(value, Page):
            value.skipped = skipped
            log.info("%s %s: %d row(s) nested too deeply to read", method, path, len(skipped))
        if learn is not None and self._datasets_api is None:
            self._learn(data if parsed else content, learn)
        return value  # type: ignore[no-any-return]

    @staticmethod
    def _shape_problem(error: pydantic.ValidationError) -> str:
        first = error.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        return f"{where}: {first['msg']}"

    @staticmethod
    def _parse_deep(content: bytes) -> tuple[Any, list[str], str]:
        """(data, ids of placeholder rows, problem) for a body too deep for pydantic's parser."""
        from phtui.api import deepjson  # rarely needed: not imported at startup

        try:
            return deepjson.loads_on_fresh_stack(content), [], ""
        except RecursionError:
            pass
        except ValueError as exc:
            return None, [], f"body: not JSON ({exc})"
        try:
            data = deepjson.loads(content, max_depth=deepjson.safe_depth())
            marked, skipped = deepjson.mark_too_deep(data)
        except ValueError as exc:
            return None, [], f"body: {exc}"
        return marked, skipped, ""

    def _learn(self, data: Any, kind: str) -> None:
        """Settle `datasets_api` from the keys of a dataset or item answer (or page of them)."""
        if isinstance(data, bytes):
            try:
                data = jsonlib.loads(data)
            except (ValueError, RecursionError):
                return
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            rows = data["results"]
            data = rows[0] if rows else None
        api = _generation_of(data, _LEARN_KEYS[kind])
        if api is not None:
            self._learned(api, f"{kind} keys")

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        stream: bool = False,
        redirect_ok: bool = False,
    ) -> httpx.Response:
        """Send with retries; return a 2xx response (or a 3xx when `redirect_ok`) or raise a
        `PostHogError`. `idempotent` overrides the method's retry rule (see `retry`). A
        `stream` response is the caller's to close.

        Errors are raised outside `except` blocks so they never chain an httpx exception
        (whose request object carries the Authorization header).
        """
        where = _loggable(path, params)
        body: bytes | None = None
        headers: dict[str, str] | None = None
        if json is not None:  # encoded here: a value as deep as PostHog allows must go out
            body = _encode(json)
            headers = {"Content-Type": "application/json"}
        attempt = 0
        while True:
            error: PostHogError
            delay: float | None = None
            reason = ""
            started = time.perf_counter()
            try:
                request = self._http.build_request(
                    method, path, params=params, content=body, headers=headers
                )
                response = await self._http.send(request, stream=stream)
            except httpx.RequestError as exc:
                kind = type(exc).__name__
                log.debug(
                    "%s %s failed after %.0f ms: %s",
                    method,
                    where,
                    (time.perf_counter() - started) * 1000,
                    kind,
                )
                delivery = retry.classify_transport_error(exc)
                if attempt < self._policy.max_retries and retry.should_retry_transport(
                    method, delivery, idempotent
                ):
                    delay = retry.backoff_delay(attempt, self._policy, self._jitter)
                    reason = f"connection problem ({kind})"
                error = self._transport_error(exc, method, path)
            else:
                status = response.status_code
                log.debug(
                    "%s %s -> %d in %.0f ms%s",
                    method,
                    where,
                    status,
                    (time.perf_counter() - started) * 1000,
                    f" (attempt {attempt + 1})" if attempt else "",
                )
                if self.on_response is not None:
                    self.on_response(status)
                if status < 300 or (redirect_ok and status in _REDIRECTS):
                    return response
                content = await self._error_body(response) if stream else response.content
                error, delay = self._failure(response, content, method, path, attempt, idempotent)
                reason = "rate limited" if status == 429 else f"server error {status}"
            if delay is None:
                raise error
            log.info(
                "%s %s: %s; waiting %.2f s before attempt %d of %d",
                method,
                where,
                reason,
                delay,
                attempt + 2,
                self._policy.max_retries + 1,
            )
            if self.on_wait is not None:
                self.on_wait(delay, reason)
            await self._sleep(delay)
            attempt += 1

    @staticmethod
    async def _error_body(response: httpx.Response) -> bytes:
        """The body of a streamed error answer (empty if it cannot be read), closing it."""
        try:
            return await response.aread()
        except httpx.HTTPError:
            return b""
        finally:
            await response.aclose()

    def _failure(
        self,
        response: httpx.Response,
        content: bytes,
        method: str,
        path: str,
        attempt: int,
        idempotent: bool | None = None,
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
            detail = retry.parse_throttle_detail(_detail_of(content))
            hint = retry.rate_limit_wait(header, detail)
        error = error_from_response(
            status,
            content,
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
        if can_retry and retry.should_retry_status(method, status, idempotent):
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


# How httpx encodes `json=`: compact UTF-8, non-finite numbers refused.
_compact = jsonlib.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def _encode(value: Any) -> bytes:
    """A JSON request body; one nested deeper than this stack allows is encoded on a fresh one."""
    try:
        return _compact(value).encode()
    except RecursionError:
        pass
    from phtui.api import deepjson

    return deepjson.dumps_on_fresh_stack(value)


def _detail_of(content: bytes) -> str | None:
    detail = parse_error_body(content).get("detail")
    return detail if isinstance(detail, str) else None
