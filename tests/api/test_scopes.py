"""Probing a key's scopes on the real server, both datasets APIs."""

from __future__ import annotations

import pytest

from phtui.api import PostHogClient
from phtui.api.scopes import probe_scopes
from phtui.server.runner import start_server


@pytest.mark.parametrize("datasets_api", ["revisioned", "classic"])
async def test_a_key_with_some_scopes(datasets_api: str) -> None:
    with start_server(seed="empty", datasets_api=datasets_api) as server:
        key = server.create_api_key(["project:read", "dataset:read"])
        async with PostHogClient(server.url, key, server.project_id) as api:
            report = await probe_scopes(api)
    assert report.granted == {
        "project:read": True,
        "project:write": False,
        "dataset:read": True,
        "dataset:write": False,
        "user:read": False,
    }
    assert report.usable and report.problem is None and report.datasets_unavailable is None


async def test_datasets_not_enabled_is_not_a_scope_or_a_key_problem() -> None:
    with start_server(seed="empty", datasets_api="revisioned") as server:
        server.options.datasets_feature_flag = False
        async with PostHogClient(server.url, server.api_key, server.project_id) as api:
            report = await probe_scopes(api)
    assert report.granted["dataset:read"] is None and report.granted["dataset:write"] is None
    assert report.missing == [] and report.problem is None and report.usable
    assert report.datasets_unavailable is not None
    assert report.datasets_unavailable.startswith("Datasets are not enabled")
    assert report.describe().endswith(report.datasets_unavailable)
