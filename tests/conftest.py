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
# on a loaded machine (the first example also pays lazy imports such as coloraide's). The suite
# is a gate, so it draws the same examples on every run; PHTUI_HYPOTHESIS=explore draws new ones
# (run it now and then: that is how a UUIDv7 rounding bug was found).
settings.register_profile("phtui", deadline=None, derandomize=True)
settings.register_profile("explore", deadline=None)
settings.load_profile("explore" if os.environ.get("PHTUI_HYPOTHESIS") == "explore" else "phtui")


# The plain `server` fixtures start classic servers (the older-instance path the app's first
# tests were written on); the revisioned ones (today's PostHog) sit beside them.


@pytest.fixture(autouse=True)
def private_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test keeps drafts (and any other data) in a directory of its own, never the user's:
    the editors write drafts as they are typed in, and offer them back when opened."""
    monkeypatch.setenv("PHTUI_DATA_DIR", str(tmp_path_factory.mktemp("data")))


@pytest.fixture(scope="session")
def server() -> Iterator[RunningServer]:
    """One classic demo server for the whole run. Tests create their own rows; never assume
    counts."""
    with start_server(seed="demo", datasets_api="classic") as running:
        yield running


@pytest.fixture
def fresh_server() -> Iterator[RunningServer]:
    """A classic server of its own with only the global theme, a user, its team and another
    org's team."""
    with start_server(seed="empty", datasets_api="classic") as running:
        yield running


@pytest.fixture
def demo_server() -> Iterator[RunningServer]:
    """A pristine classic demo server (deterministic data), for snapshot and UI tests."""
    with start_server(seed="demo", datasets_api="classic") as running:
        yield running


@pytest.fixture(scope="session")
def revisioned_server() -> Iterator[RunningServer]:
    """One revisioned demo server for the whole run: create your own rows, never assume counts
    (and mind the quotas: 20 datasets, 600 items per dataset; lift them on a server of your
    own)."""
    with start_server(seed="demo", datasets_api="revisioned") as running:
        yield running


@pytest.fixture
def fresh_revisioned_server() -> Iterator[RunningServer]:
    """A revisioned server of its own, seeded `empty`, with PostHog's default options."""
    with start_server(seed="empty", datasets_api="revisioned") as running:
        yield running


@pytest.fixture
def revisioned_demo_server() -> Iterator[RunningServer]:
    """A pristine revisioned demo server (deterministic data), for snapshot and UI tests."""
    with start_server(seed="demo", datasets_api="revisioned") as running:
        yield running


@pytest.fixture
async def client(server: RunningServer) -> AsyncIterator[object]:
    """A client of the session server with a short timeout (tests/clients.py). It keeps the
    client's retries: tests of resuming after a dropped connection use this fixture."""
    from tests.clients import quick_client

    async with quick_client(server, max_retries=3) as api:
        yield api
