"""Every hook the local server has on uvicorn's internals, in one place.

The server can't share `phtui.compat` (it imports nothing of the app), so its hooks live here:
- `ThreadServer`: `uvicorn.Server` woken at once on exit instead of polling every 100 ms, with a
  quick shutdown. Internals: `Server.startup`, `main_loop`, `on_tick`, `shutdown`, `servers`,
  `server_state.connections`/`.tasks`, and each connection's `shutdown()`.
- `DroppingH11Protocol`: uvicorn's h11 protocol, able to drop a connection without any response
  (fault injection). Internals: `H11Protocol.app`, `.transport`, `.cycle.disconnected`.
`tests/server/test_compat.py` checks each of them; pyproject pins uvicorn's minor release.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from typing import Any

import uvicorn
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from phtui.server.faults import DropConnection

__all__ = ["DroppingH11Protocol", "ThreadServer"]

SHUTDOWN_GRACE_SECONDS = 1.0


class ThreadServer(uvicorn.Server):  # type: ignore[misc]
    """uvicorn's server, woken at once by `request_exit` instead of polling every 100 ms."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        await super().startup(sockets=sockets)
        self.ready.set()

    async def main_loop(self) -> None:
        assert self._wake is not None
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Close listeners and idle connections, give busy ones a moment, then cancel."""
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SHUTDOWN_GRACE_SECONDS
        while (self.server_state.connections or self.server_state.tasks) and loop.time() < deadline:
            await asyncio.sleep(0.005)
        for task in list(self.server_state.tasks):
            task.cancel()

    def request_exit(self) -> None:
        self.should_exit = True
        if self.loop is not None and self._wake is not None:
            with contextlib.suppress(RuntimeError):  # loop already closed
                self.loop.call_soon_threadsafe(self._wake.set)


class DroppingH11Protocol(H11Protocol):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inner = self.app

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            try:
                await inner(scope, receive, send)
            except DropConnection:
                # abort() resets the TCP connection at once: the client gets no status line.
                self.transport.abort()
                # Mark the cycle gone now, so uvicorn doesn't try to send its own 500.
                if self.cycle is not None:
                    self.cycle.disconnected = True

        self.app = app
