"""uvicorn's h11 protocol, able to drop a connection without any response (fault injection)."""

from __future__ import annotations

from typing import Any

from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from phtui.server.faults import DropConnection


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
