"""Fault injection (off by default): latency, 500s, 429 bursts and dropped connections.

An ASGI wrapper outside the application, so an injected fault looks like the real thing:
a dropped request raises `DropConnection`, which `protocol.DroppingH11Protocol` turns into
a closed TCP connection with no response at all.
"""

from __future__ import annotations

import asyncio
import random
from typing import Literal

from starlette.types import ASGIApp, Receive, Scope, Send

from phtui.server.errors import server_error, throttled
from phtui.server.options import ServerOptions

Fault = Literal["drop", "fail", "throttle"]


class DropConnection(Exception):
    """Raised to make the protocol close the connection without answering."""


def next_fault(options: ServerOptions, rng: random.Random) -> Fault | None:
    """The fault for this request, consuming one of the `*_next` counters if it applies."""
    if options.drop_next > 0:
        options.drop_next -= 1
        return "drop"
    if options.fail_next > 0:
        options.fail_next -= 1
        return "fail"
    if options.throttle_next > 0:
        options.throttle_next -= 1
        return "throttle"
    if options.drop_rate > 0 and rng.random() < options.drop_rate:
        return "drop"
    if options.error_rate > 0 and rng.random() < options.error_rate:
        return "fail"
    return None


class FaultInjector:
    def __init__(self, app: ASGIApp, options: ServerOptions, rng: random.Random) -> None:
        self.app = app
        self.options = options
        self.rng = rng

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.options.latency_ms > 0:
            await asyncio.sleep(self.options.latency_ms / 1000)
        fault = next_fault(self.options, self.rng)
        if fault == "drop":
            raise DropConnection
        if fault == "fail":
            await server_error().to_response()(scope, receive, send)
        elif fault == "throttle":
            error = throttled(1, retry_after_header=self.options.retry_after_header)
            await error.to_response()(scope, receive, send)
        else:
            await self.app(scope, receive, send)
