"""Shared fixtures: a real PostHog-compatible server on a free loopback port."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest
from hypothesis import settings

# NO_COLOR breaks every snapshot; a fixed colour depth keeps them stable.
os.environ.pop("NO_COLOR", None)
os.environ.setdefault("TERM", "xterm-256color")

from phtui.server.runner import RunningServer, start_server

# Property tests check results, not speed: Hypothesis's default 200 ms deadline per example fails
# on a loaded machine (the first example also pays lazy imports such as coloraide's).
settings.register_profile("phtui", deadline=None)
settings.load_profile("phtui")


@pytest.fixture(scope="session")
def server() -> Iterator[RunningServer]:
    """One demo server for the whole run. Tests create their own rows; never assume counts."""
    with start_server(seed="demo") as running:
        yield running


@pytest.fixture
def fresh_server() -> Iterator[RunningServer]:
    """A server of its own with only the global theme, a user, its team and another org's team."""
    with start_server(seed="empty") as running:
        yield running


@pytest.fixture
def demo_server() -> Iterator[RunningServer]:
    """A pristine demo server (deterministic data), for snapshot and UI tests."""
    with start_server(seed="demo") as running:
        yield running


@pytest.fixture
async def client(server: RunningServer) -> AsyncIterator[object]:
    """A client of the session server with a short timeout (tests/clients.py). It keeps the
    client's retries: tests of resuming after a dropped connection use this fixture."""
    from tests.clients import quick_client

    async with quick_client(server, max_retries=3) as api:
        yield api
