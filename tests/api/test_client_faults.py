"""Faults the local server cannot produce, injected with httpx.MockTransport."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from phtui.api import PostHogClient
from phtui.api.auth import OriginBoundBearer
from phtui.api.errors import (
    ConfigurationError,
    InsecureHostError,
    RateLimitedError,
    RedirectError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
)

HOST = "https://posthog.example.com"
KEY = "phx_mock_key_0123456789"
ITEM = {"id": "i1", "dataset": "d1"}
Handler = Callable[[httpx.Request], httpx.Response]


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


def make_client(handler: Handler, sleeps: Sleeps, **options: object) -> PostHogClient:
    return PostHogClient(
        HOST,
        KEY,
        1,
        transport=httpx.MockTransport(handler),
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


async def test_post_is_retried_when_the_connection_was_refused() -> None:
    handler = Recorder(httpx.ConnectError("refused"), httpx.Response(201, json=ITEM))
    sleeps = Sleeps()
    async with make_client(handler, sleeps) as api:
        item = await api.create_dataset_item("d1", input={"q": 1})
    assert item.id == "i1" and len(handler.requests) == 2


@pytest.mark.parametrize("failure", [httpx.ReadTimeout("slow"), httpx.ReadError("reset")])
async def test_post_is_not_retried_after_it_may_have_arrived(failure: Exception) -> None:
    handler = Recorder(failure, httpx.Response(201, json=ITEM))
    sleeps = Sleeps()
    async with make_client(handler, sleeps) as api:
        with pytest.raises(TransportError):
            await api.create_dataset_item("d1")
    assert len(handler.requests) == 1 and sleeps == []


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
