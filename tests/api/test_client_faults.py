"""Faults the local server cannot produce, injected with httpx.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from phtui.api import PostHogClient
from phtui.api.auth import OriginBoundBearer
from phtui.api.errors import (
    ConfigurationError,
    InsecureHostError,
    NotFoundError,
    RateLimitedError,
    RedirectError,
    ServerError,
    StorageError,
    TransportError,
    UnexpectedResponseError,
)

HOST = "https://posthog.example.com"
KEY = "phx_mock_key_0123456789"
ITEM = {"id": "i1", "dataset": "d1"}
REVISIONED_ITEM = {**ITEM, "version": 2, "archived": False, "expected_output": None}
Handler = Callable[[httpx.Request], httpx.Response]
# What `GET datasets/?limit=1` shows of each generation (api-revisioned.md section 13).
DATASET_ROWS = {
    "revisioned": {"id": "d1", "archived": False, "current_revision": 3},
    "classic": {"id": "d1", "deleted": False, "team": 1},
}


class Recorder:
    """A MockTransport handler that replays scripted outcomes and records every request."""

    def __init__(self, *outcomes: httpx.Response | Exception) -> None:
        self.outcomes = list(outcomes)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


class Sleeps(list[float]):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_client(
    handler: Handler, sleeps: Sleeps, *, datasets_api: str | None = None, **options: object
) -> PostHogClient:
    """A client on `handler`; with `datasets_api`, a detection request is answered apart (and
    not recorded) as that generation's server would."""

    def route(request: httpx.Request) -> httpx.Response:
        if (
            datasets_api is not None
            and request.method == "GET"
            and request.url.path == "/api/projects/1/datasets/"
            and request.url.params.get("limit") == "1"
        ):
            page = {"count": 1, "results": [DATASET_ROWS[datasets_api]]}
            return httpx.Response(200, json=page)
        return handler(request)

    return PostHogClient(
        HOST,
        KEY,
        1,
        transport=httpx.MockTransport(route),
        sleep=sleeps,
        jitter=lambda: 1.0,
        **options,  # type: ignore[arg-type]
    )


async def test_read_timeout_on_get_is_retried_then_succeeds() -> None:
    handler = Recorder(httpx.ReadTimeout("slow"), httpx.Response(200, json=ITEM))
    sleeps = Sleeps()
    async with make_client(handler, sleeps) as api:
        item = await api.get_dataset_item("i1")
    assert item.id == "i1" and len(handler.requests) == 2
    assert sleeps == [0.5]


async def test_timeouts_exhaust_retries_with_exponential_backoff() -> None:
    handler = Recorder(httpx.ReadTimeout("slow"))
    sleeps = Sleeps()
    async with make_client(handler, sleeps, max_retries=3) as api:
        with pytest.raises(TransportError) as caught:
            await api.get_dataset_item("i1")
    assert len(handler.requests) == 4 and sleeps == [0.5, 1.0, 2.0]
    assert caught.value.kind == "ReadTimeout"
    assert "did not answer in time" in str(caught.value) and HOST in str(caught.value)


@pytest.mark.parametrize("datasets_api", ["revisioned", "classic"])
async def test_post_is_retried_when_the_connection_was_refused(datasets_api: str) -> None:
    handler = Recorder(httpx.ConnectError("refused"), httpx.Response(201, json=ITEM))
    sleeps = Sleeps()
    async with make_client(handler, sleeps, datasets_api=datasets_api) as api:
        item = await api.create_dataset_item("d1", input={"q": 1})
    assert item.id == "i1" and len(handler.requests) == 2


@pytest.mark.parametrize("failure", [httpx.ReadTimeout("slow"), httpx.ReadError("reset")])
@pytest.mark.parametrize(
    ("datasets_api", "client_item_id"),
    [("revisioned", None), ("classic", None), ("classic", "k-1")],
)
async def test_post_is_not_retried_after_it_may_have_arrived(
    failure: Exception, datasets_api: str, client_item_id: str | None
) -> None:
    # Classic servers have no idempotent create: a client_item_id is not even sent there.
    handler = Recorder(failure, httpx.Response(201, json=ITEM))
    sleeps = Sleeps()
    async with make_client(handler, sleeps, datasets_api=datasets_api) as api:
        with pytest.raises(TransportError):
            await api.create_dataset_item("d1", input=1, client_item_id=client_item_id)
    assert len(handler.requests) == 1 and sleeps == []
    assert b"client_item_id" not in handler.requests[0].content


@pytest.mark.parametrize(
    "failure",
    [httpx.ReadTimeout("slow"), httpx.ReadError("reset"), httpx.Response(503, text="")],
)
async def test_an_idempotent_create_is_retried_even_if_it_may_have_arrived(
    failure: httpx.Response | Exception,
) -> None:
    handler = Recorder(failure, httpx.Response(200, json=REVISIONED_ITEM))
    sleeps = Sleeps()
    async with make_client(handler, sleeps, datasets_api="revisioned") as api:
        item = await api.create_dataset_item("d1", input={"q": 1}, client_item_id="k-1")
    assert (item.id, item.version) == ("i1", 2) and sleeps == [0.5]
    first, second = handler.requests
    assert first.content == second.content and b'"client_item_id":"k-1"' in first.content


@pytest.mark.parametrize("failure", [httpx.ReadError("reset"), httpx.Response(502, text="")])
async def test_a_revisioned_item_patch_is_not_repeated_once_it_may_have_arrived(
    failure: httpx.Response | Exception,
) -> None:
    # A repeat of an applied PATCH would carry a stale base_version.
    handler = Recorder(failure, httpx.Response(200, json=REVISIONED_ITEM))
    sleeps = Sleeps()
    async with make_client(handler, sleeps, datasets_api="revisioned") as api:
        with pytest.raises((TransportError, ServerError)):
            await api.update_dataset_item("i1", base_version=1, input={"q": 2})
    assert len(handler.requests) == 1 and sleeps == []


async def test_a_revisioned_item_patch_that_never_left_is_retried() -> None:
    handler = Recorder(httpx.ConnectError("refused"), httpx.Response(200, json=REVISIONED_ITEM))
    async with make_client(handler, Sleeps(), datasets_api="revisioned") as api:
        item = await api.update_dataset_item("i1", base_version=1, metadata={})
    assert item.version == 2 and len(handler.requests) == 2
    assert json.loads(handler.requests[1].content) == {"base_version": 1, "metadata": {}}


async def test_a_classic_patch_to_fixed_values_is_retried() -> None:
    handler = Recorder(httpx.ReadError("reset"), httpx.Response(200, json=ITEM))
    async with make_client(handler, Sleeps(), datasets_api="classic") as api:
        await api.update_dataset_item("i1", base_version=7, expected_output=None, input=[1])
    assert len(handler.requests) == 2
    assert json.loads(handler.requests[1].content) == {"output": None, "input": [1]}


async def test_refused_connection_message() -> None:
    handler = Recorder(httpx.ConnectError("[Errno 111] Connection refused"))
    async with make_client(handler, Sleeps(), max_retries=0) as api:
        with pytest.raises(TransportError, match="could not be reached"):
            await api.list_themes()


async def test_html_502_from_a_proxy_is_retried_then_reported() -> None:
    html = httpx.Response(502, html="<html><h1>502 Bad Gateway</h1></html>")
    handler = Recorder(html)
    sleeps = Sleeps()
    async with make_client(handler, sleeps, max_retries=2) as api:
        with pytest.raises(ServerError) as caught:
            await api.list_themes()
    assert caught.value.status == 502 and caught.value.detail is None
    assert len(handler.requests) == 3 and "proxy" in str(caught.value)


async def test_foreign_next_urls_are_never_followed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        results = [{"id": f"i{n}", "dataset": "d1"} for n in range(offset, min(offset + 2, 5))]
        page = {"count": 5, "next": "https://evil.example/steal?offset=2", "results": results}
        return httpx.Response(200, json=page)

    seen: list[httpx.Request] = []

    def recording(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    async with make_client(recording, Sleeps()) as api:
        ids = [item.id async for item in api.iter_dataset_items("d1", page_size=2)]
    assert ids == ["i0", "i1", "i2", "i3", "i4"]
    assert {request.url.host for request in seen} == {"posthog.example.com"}
    assert [request.url.params["offset"] for request in seen] == ["0", "2", "4"]


async def test_redirects_are_reported_not_followed() -> None:
    handler = Recorder(httpx.Response(302, headers={"Location": "https://elsewhere.example/x"}))
    async with make_client(handler, Sleeps()) as api:
        with pytest.raises(RedirectError) as caught:
            await api.list_themes()
    assert len(handler.requests) == 1
    assert "https://elsewhere.example/x" in str(caught.value) and "POSTHOG_HOST" in str(
        caught.value
    )


def test_the_key_only_goes_to_the_configured_origin() -> None:
    auth = OriginBoundBearer(KEY, HOST)
    cases = {
        f"{HOST}/api/x/": True,
        "https://posthog.example.com:443/api/": True,
        "http://posthog.example.com/api/": False,
        "https://posthog.example.com:8443/api/": False,
        "https://evil.example/api/": False,
    }
    for url, sent in cases.items():
        request = next(auth.auth_flow(httpx.Request("GET", url)))
        assert ("Authorization" in request.headers) is sent, url
    assert KEY not in repr(auth)


async def test_a_success_with_an_unexpected_body_is_reported() -> None:
    handler = Recorder(httpx.Response(200, html="<html>login</html>"))
    async with make_client(handler, Sleeps()) as api:
        with pytest.raises(UnexpectedResponseError, match="not in the expected shape"):
            await api.list_themes()


async def test_a_long_throttle_beyond_the_cap_is_raised_at_once() -> None:
    detail = "Request was throttled. Expected available in 120 seconds."
    body = {"type": "throttled_error", "code": "throttled", "detail": detail, "attr": None}
    handler = Recorder(httpx.Response(429, json=body))
    sleeps = Sleeps()
    async with make_client(handler, sleeps, max_rate_limit_wait=60.0) as api:
        with pytest.raises(RateLimitedError) as caught:
            await api.list_themes()
    assert caught.value.retry_after == 120.0 and sleeps == [] and len(handler.requests) == 1


async def test_a_throttle_without_any_hint_backs_off() -> None:
    handler = Recorder(httpx.Response(429, text=""), httpx.Response(200, json=[]))
    sleeps = Sleeps()
    async with make_client(handler, sleeps) as api:
        assert await api.list_themes() == []
    assert sleeps == [0.5]


async def test_retry_after_http_date_uses_the_injected_clock() -> None:
    date = "Wed, 21 Oct 2015 07:28:05 GMT"  # 1445412485
    handler = Recorder(
        httpx.Response(429, headers={"Retry-After": date}), httpx.Response(200, json=[])
    )
    sleeps = Sleeps()
    async with make_client(handler, sleeps, clock=lambda: 1445412480.0) as api:
        await api.list_themes()
    assert sleeps == [5.0]


def test_configuration_is_checked_up_front() -> None:
    with pytest.raises(ConfigurationError, match="POSTHOG_PERSONAL_API_KEY"):
        PostHogClient(HOST, "  ", 1)
    with pytest.raises(InsecureHostError):
        PostHogClient("http://posthog.example.com", KEY, 1)
    with pytest.raises(ConfigurationError):
        PostHogClient(HOST, KEY, 1, prefix="teams")


async def test_insecure_http_can_be_allowed_explicitly() -> None:
    async with PostHogClient(
        "http://posthog.internal:8000", KEY, 1, allow_insecure_http=True
    ) as api:
        assert api.host == "http://posthog.internal:8000"
    assert api.closed


async def test_an_undecodable_body_is_a_transport_error_and_not_retried() -> None:
    broken = httpx.Response(
        200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(b"not gzip")
    )
    handler = Recorder(broken)
    sleeps = Sleeps()
    async with make_client(handler, sleeps) as api:
        with pytest.raises(TransportError, match="could not be decoded") as caught:
            await api.list_themes()
    assert caught.value.kind == "DecodingError" and len(handler.requests) == 1 and sleeps == []


@pytest.mark.parametrize("key", ["phx_has space", "phx_tab\there", "phx_caf\u00e9", "phx_\x00"])
def test_keys_that_cannot_be_a_header_are_refused_without_quoting_them(key: str) -> None:
    with pytest.raises(ConfigurationError, match="Copy it again") as caught:
        PostHogClient(HOST, key, 1)
    assert key not in str(caught.value)


async def test_page_windows_are_checked_before_sending() -> None:
    handler = Recorder(httpx.Response(200, json={"count": 0, "results": []}))
    async with make_client(handler, Sleeps()) as api:
        with pytest.raises(ValueError, match="limit must be"):
            await api.list_datasets(limit=0)
        with pytest.raises(ValueError, match="offset"):
            await api.list_dataset_items("d1", offset=-1)
        page = await api.list_datasets(limit=7, offset=14)
    assert (page.limit, page.offset) == (7, 14) and len(handler.requests) == 1
    assert handler.requests[0].url.params["limit"] == "7"


async def test_the_key_is_stripped_and_sent_as_a_bearer_token() -> None:
    handler = Recorder(httpx.Response(200, json=[]))
    async with PostHogClient(HOST, f"  {KEY}\n", 1, transport=httpx.MockTransport(handler)) as api:
        await api.list_themes()
    request = handler.requests[0]
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.url.path == "/api/projects/1/data_color_themes/"
    assert request.headers["User-Agent"].startswith("phtui/")


async def test_list_projects_follows_every_page_by_offset() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        ids = range(offset, min(offset + limit, 150))
        results = [{"id": n, "name": f"p{n}"} for n in ids]
        return httpx.Response(200, json={"count": 150, "next": None, "results": results})

    async with make_client(handler, Sleeps()) as api:
        projects = await api.list_projects()
    assert [project.id for project in projects] == list(range(150))


# -- JSON deeper than any parser here can follow -----------------------------------------


def _nested(depth: int) -> str:
    return '{"k":' * depth + "1" + "}" * depth


async def test_an_item_too_deep_to_read_leaves_the_rest_of_its_page() -> None:
    # Far deeper than PostHog could have stored; the server cannot produce it, a mock can.
    rows = [
        '{"id":"a","dataset":"d1","version":1,"input":{"q":1}}',
        f'{{"id":"b","dataset":"d1","version":4,"archived":false,"input":{_nested(5000)},'
        '"expected_output":"kept?","source_trace_id":"t"}',
        '{"id":"c","dataset":"d1","version":1,"input":[2]}',
    ]
    body = f'{{"count":3,"next":null,"previous":null,"results":[{",".join(rows)}]}}'
    item = rows[1].encode()
    handler = Recorder(
        httpx.Response(200, content=body.encode()), httpx.Response(200, content=item)
    )
    async with make_client(handler, Sleeps()) as api:
        page = await api.list_dataset_items("d1")
        single = await api.get_dataset_item("b")
    assert [item.id for item in page.results] == ["a", "b", "c"] and page.skipped == ["b"]
    first, deep, last = page.results
    assert (first.input, last.input, first.too_deep, last.too_deep) == ({"q": 1}, [2], False, False)
    assert deep.too_deep and (deep.input, deep.expected_output) == (None, None)
    assert (deep.version, deep.source_trace_id) == (4, "t")  # shallow fields survive
    assert api.datasets_api == "revisioned"
    # A single item on its own is read the same way (`Page.skipped` does not apply).
    assert single.too_deep and single.id == "b"


async def test_a_body_too_deep_outside_any_row_is_an_unexpected_answer() -> None:
    handler = Recorder(httpx.Response(200, content=f"[{_nested(5000)}]".encode()))
    async with make_client(handler, Sleeps()) as api:
        with pytest.raises(UnexpectedResponseError, match="nested too deeply"):
            await api.list_themes()


# -- export downloads redirected to object storage ---------------------------------------

SIGNED = "https://storage.example.net/exports/7/f.jsonl?X-Amz-Signature=s3cr3t&X-Amz-Date=1"


def _export_routes(
    storage: Handler, *, location: str = SIGNED
) -> tuple[Handler, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def route(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "posthog.example.com":
            if request.url.path.endswith("/content/"):
                return httpx.Response(302, headers={"Location": location})
            # Any answer from PostHog may set a session cookie: it must not travel on.
            return httpx.Response(
                200,
                json={"id": "d1", "archived": False, "current_revision": 1},
                headers={"Set-Cookie": "sessionid=abc; Path=/"},
            )
        return storage(request)

    return route, seen


async def test_a_redirected_download_goes_to_storage_without_any_credential(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG", logger="phtui.api")
    lines = b'{"item_id":"a"}\n{"item_id":"b"}\n'
    route, seen = _export_routes(lambda request: httpx.Response(200, content=lines))
    async with make_client(route, Sleeps()) as api:
        await api.get_dataset("d1")  # settles the generation, and gets a cookie
        got = [line async for line in api.download_dataset_export("d1", 7)]
    assert got == ['{"item_id":"a"}', '{"item_id":"b"}']
    content, fetch = seen[-2:]
    assert content.headers["Authorization"] == f"Bearer {KEY}"
    assert str(fetch.url) == SIGNED
    assert "Authorization" not in fetch.headers and "Cookie" not in fetch.headers
    assert "s3cr3t" not in caplog.text and "X-Amz" not in caplog.text
    assert "storage.example.net" in caplog.text  # the origin alone is logged


async def test_a_refused_download_never_shows_the_signed_url() -> None:
    route, _ = _export_routes(lambda request: httpx.Response(403, text="<Error>expired</Error>"))
    async with make_client(route, Sleeps(), datasets_api="revisioned") as api:
        with pytest.raises(StorageError) as caught:
            [line async for line in api.download_dataset_export("d1", 7)]
    assert caught.value.status == 403 and caught.value.origin == "https://storage.example.net"
    assert "s3cr3t" not in str(caught.value) and "X-Amz" not in repr(vars(caught.value))
    assert "may have expired" in str(caught.value)


async def test_a_download_redirected_to_plain_http_is_refused() -> None:
    storage = Recorder(httpx.Response(200, content=b"{}\n"))
    route, _ = _export_routes(storage, location=SIGNED.replace("https://", "http://"))
    async with make_client(route, Sleeps(), datasets_api="revisioned") as api:
        with pytest.raises(StorageError, match="unencrypted"):
            [line async for line in api.download_dataset_export("d1", 7)]
    assert storage.requests == []


async def test_a_dropped_storage_connection_is_a_transport_error() -> None:
    route, _ = _export_routes(Recorder(httpx.ReadError("reset")))
    async with make_client(route, Sleeps(), datasets_api="revisioned") as api:
        with pytest.raises(TransportError) as caught:
            [line async for line in api.download_dataset_export("d1", 7)]
    assert caught.value.__context__ is None and "s3cr3t" not in str(caught.value)


# -- list_all_dataset_items against answers the local server does not give ---------------


def _snapshot_server(count: int, cap: int, fail_at: int | None = None) -> Handler:
    """A revisioned server whose item pages hold at most `cap` rows."""

    def handler(request: httpx.Request) -> httpx.Response:
        if "/datasets/" in request.url.path:
            return httpx.Response(200, json={"id": "d1", "archived": False, "current_revision": 99})
        offset = int(request.url.params["offset"])
        if offset == fail_at:
            return httpx.Response(404, json={"type": "invalid_request", "detail": "Not found."})
        size = min(int(request.url.params["limit"]), cap)
        rows = [
            {"id": f"i{n}", "dataset": "d1", "version": 1}
            for n in range(offset, min(offset + size, count))
        ]
        return httpx.Response(200, json={"count": count, "next": None, "results": rows})

    return handler


async def test_list_all_steps_by_what_a_smaller_cap_gives() -> None:
    async with make_client(_snapshot_server(count=60, cap=10), Sleeps()) as api:
        snapshot = await api.list_all_dataset_items("d1")
    assert [item.id for item in snapshot.items] == [f"i{n}" for n in range(60)]
    assert snapshot.revision == 99


async def test_list_all_raises_the_clients_own_error_when_a_page_fails() -> None:
    async with make_client(_snapshot_server(count=90, cap=25, fail_at=50), Sleeps()) as api:
        with pytest.raises(NotFoundError) as caught:
            await api.list_all_dataset_items("d1", revision=90)
    assert caught.value.__context__ is None


async def test_a_download_redirected_within_posthogs_origin_stays_on_the_client() -> None:
    def storage(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no other origin is involved")

    route, seen = _export_routes(storage, location="/files/7.jsonl?token=t0k3n")

    def same_origin(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/files/7.jsonl":
            seen.append(request)
            return httpx.Response(200, content=b'{"a":1}\n')
        return route(request)

    async with make_client(same_origin, Sleeps(), datasets_api="revisioned") as api:
        got = [line async for line in api.download_dataset_export("d1", 7)]
    assert got == ['{"a":1}']
    assert seen[-1].url.params["token"] == "t0k3n"
    assert seen[-1].headers["Authorization"] == f"Bearer {KEY}"  # PostHog's own origin
