"""Test clients that fail fast: a short timeout and no retries, unless a test is about them.

The local server answers in milliseconds; a test that waits on the client's production timeouts
(30 s reads, three retries with backoff) only hides a hang until pytest-timeout ends it.
"""

from __future__ import annotations

from typing import Any

import httpx

from phtui.api import PostHogClient
from phtui.server.runner import RunningServer

QUICK_TIMEOUT = httpx.Timeout(5.0)


def quick_client(server: RunningServer, **overrides: Any) -> PostHogClient:
    """A client of `server`'s seeded user; pass `max_retries=...` in tests of retrying."""
    options: dict[str, Any] = {"timeout": QUICK_TIMEOUT, "max_retries": 0, **overrides}
    return PostHogClient(server.url, server.api_key, server.project_id, **options)
