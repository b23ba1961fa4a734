"""The uvicorn internals `phtui.server.compat` relies on, each checked by name.

When an upgrade renames or changes one of them, the test named after it fails here rather than
the local server hanging on exit or failing to drop a connection in a fault test.
"""

from __future__ import annotations

import inspect

import httpx
import pytest
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from phtui.server.compat import DroppingH11Protocol, ThreadServer
from phtui.server.runner import RunningServer


def test_server_has_the_loop_hooks_thread_server_overrides() -> None:
    for name in ("startup", "main_loop", "on_tick", "shutdown"):
        assert callable(getattr(uvicorn.Server, name)), name
    assert "startup" in inspect.getsource(uvicorn.Server._serve)
    assert "main_loop" in inspect.getsource(uvicorn.Server._serve)
    assert "server_state" in inspect.getsource(uvicorn.Server.__init__)
    config = uvicorn.Config(app=lambda *a: None)
    server = ThreadServer(config)
    assert hasattr(server.server_state, "connections") and hasattr(server.server_state, "tasks")


def test_h11_protocol_keeps_app_transport_and_cycle() -> None:
    source = inspect.getsource(H11Protocol)
    assert "self.app = " in source
    assert "self.transport" in source
    assert "self.cycle" in source and "disconnected" in source
    assert issubclass(DroppingH11Protocol, H11Protocol)


def test_a_dropped_request_gets_no_response(server: RunningServer) -> None:
    server.options.drop_next = 1
    with pytest.raises(httpx.RemoteProtocolError), httpx.Client(base_url=server.url) as client:
        client.get("/api/users/@me/", headers={"Authorization": f"Bearer {server.api_key}"})
    server.options.drop_next = 0
