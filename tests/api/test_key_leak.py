"""The API key never appears in a message, repr, log line, traceback or chained exception."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

import httpx
import pytest

from phtui.api import PostHogClient
from phtui.api.errors import (
    AuthenticationError,
    PermissionDeniedError,
    PostHogError,
    TransportError,
)
from phtui.server.runner import RunningServer

KEY = "phx_LEAKCANARY_5f1e2d3c4b5a"
HOST = "https://posthog.example.com"


def _json(status: int, detail: str) -> Callable[[httpx.Request], httpx.Response]:
    body = {"type": "x", "code": "y", "detail": detail, "attr": None}
    return lambda request: httpx.Response(status, json=body)


def _raise(error: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    return handler


def _echo_key(request: httpx.Request) -> httpx.Response:
    # A hostile or buggy server that echoes the credentials back in an error body.
    return httpx.Response(500, text=request.headers["Authorization"])


def _echo_key_as_detail(request: httpx.Request) -> httpx.Response:
    body = {
        "type": "validation_error",
        "code": "invalid",
        "detail": request.headers["Authorization"],
    }
    return httpx.Response(400, json={**body, "attr": request.headers["Authorization"]})


FAULTS: dict[str, Callable[[httpx.Request], httpx.Response]] = {
    "401": _json(401, "Personal API key found in request Authorization header is invalid."),
    "403 scope": _json(403, "API key missing required scope 'project:read'"),
    "404": _json(404, "Not found."),
    "429": _json(429, "Request was throttled. Expected available in 1 second."),
    "500 echoing the key": _echo_key,
    "400 echoing the key as detail": _echo_key_as_detail,
    "HTML 502": lambda request: httpx.Response(502, html="<h1>Bad Gateway</h1>"),
    "redirect": lambda request: httpx.Response(301, headers={"Location": "https://x.example/"}),
    "unexpected body": lambda request: httpx.Response(200, text="<html>"),
    "connect refused": _raise(httpx.ConnectError("refused")),
    "read timeout": _raise(httpx.ReadTimeout("timed out")),
    "dropped": _raise(httpx.RemoteProtocolError("Server disconnected")),
}


async def _no_sleep(seconds: float) -> None:
    return None


def _assert_clean(error: BaseException) -> None:
    assert error.__cause__ is None and error.__context__ is None
    text = "".join(traceback.format_exception(error))
    assert KEY not in text and KEY not in repr(error) and KEY not in str(error)
    for name, value in vars(error).items():
        assert not isinstance(value, httpx.Request | httpx.Response | Exception), name
        assert KEY not in repr(value), name


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_errors_never_carry_the_key(fault: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    transport = httpx.MockTransport(FAULTS[fault])
    async with PostHogClient(HOST, KEY, 1, transport=transport, sleep=_no_sleep) as api:
        with pytest.raises(PostHogError) as caught:
            await api.list_themes()
        _assert_clean(caught.value)
        with pytest.raises(PostHogError) as caught:
            await api.create_theme("t", ["#fff"])
        _assert_clean(caught.value)
    assert KEY not in caplog.text
    assert all(KEY not in record.getMessage() for record in caplog.records)


def test_client_repr_and_state_hide_the_key() -> None:
    api = PostHogClient(HOST, KEY, "@current", prefix="environments")
    assert repr(api) == (
        "PostHogClient(host='https://posthog.example.com', project_id='@current', "
        "prefix='environments')"
    )
    assert KEY not in str(api) and KEY not in repr(vars(api))
    assert (api.host, api.project_id, api.prefix) == (HOST, "@current", "environments")
    assert not hasattr(api, "api_key")


async def test_real_server_errors_never_carry_the_key(
    fresh_server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    key = fresh_server.create_api_key(["dataset:read"])
    async with PostHogClient(fresh_server.url, key, fresh_server.project_id) as api:
        with pytest.raises(PermissionDeniedError) as denied:
            await api.create_dataset("nope")
        fresh_server.options.drop_next = 1
        with pytest.raises(TransportError) as dropped:
            await api.create_dataset("dropped")
    async with PostHogClient(fresh_server.url, f"{key}x", fresh_server.project_id) as api:
        with pytest.raises(AuthenticationError) as rejected:
            await api.list_datasets()
    for caught in (denied, dropped, rejected):
        text = "".join(traceback.format_exception(caught.value))
        assert (
            caught.value.__context__ is None and key not in text and key not in repr(caught.value)
        )
    assert key not in caplog.text
