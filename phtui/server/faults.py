"""Fault injection (off by default): latency, 500s, 429 bursts and dropped connections, and
faults around a write's commit for timeout and retry matrices.

An ASGI wrapper outside the application, so an injected fault looks like the real thing:
a dropped request raises `DropConnection`, which `compat.DroppingH11Protocol` turns into
a closed TCP connection with no response at all.

Around writes (POST, PUT, PATCH, DELETE), in this order:
- `stall_before_next`: wait `stall_ms` before handling; if the client hangs up meanwhile the
  write is never handled (a timeout before the commit);
- `drop_after_commit_next`: handle it (committed), then drop the connection unanswered;
- `stall_after_commit_next`: handle it (committed), answer only after `stall_ms`.
"""

from __future__ import annotations

import asyncio
import random
from typing import Literal

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from phtui.server.errors import server_error, throttled
from phtui.server.options import ServerOptions

Fault = Literal["drop", "fail", "throttle"]
WriteFault = Literal["stall_before", "drop_after_commit", "stall_after_commit"]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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


def next_write_fault(options: ServerOptions) -> WriteFault | None:
    if options.stall_before_next > 0:
        options.stall_before_next -= 1
        return "stall_before"
    if options.drop_after_commit_next > 0:
        options.drop_after_commit_next -= 1
        return "drop_after_commit"
    if options.stall_after_commit_next > 0:
        options.stall_after_commit_next -= 1
        return "stall_after_commit"
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
        elif scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
        else:
            await self._write(scope, receive, send, next_write_fault(self.options))

    async def _write(
        self, scope: Scope, receive: Receive, send: Send, fault: WriteFault | None
    ) -> None:
        stall = self.options.stall_ms / 1000
        if fault is None:
            await self.app(scope, receive, send)
        elif fault == "stall_before":
            replay = await _read_body(receive)
            if replay is None or await _hangs_up_within(receive, stall):
                return  # the client gave up before anything was handled
            await self.app(scope, _replaying(replay, receive), send)
        else:
            held: list[Message] = []

            async def hold(message: Message) -> None:
                held.append(message)

            await self.app(scope, receive, hold)  # the write commits here
            if fault == "drop_after_commit":
                raise DropConnection
            await asyncio.sleep(stall)
            for message in held:
                await send(message)


async def _read_body(receive: Receive) -> list[Message] | None:
    """The request body's messages, or None if the client hung up before sending it all."""
    messages: list[Message] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        messages.append(message)
        if not message.get("more_body", False):
            return messages


async def _hangs_up_within(receive: Receive, seconds: float) -> bool:
    """Once the body is in, the next message can only be the client hanging up."""
    try:
        message = await asyncio.wait_for(receive(), seconds)
    except TimeoutError:
        return False
    return bool(message["type"] == "http.disconnect")


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay
