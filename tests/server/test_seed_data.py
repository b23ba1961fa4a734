"""Seeds: what `empty` and `demo` contain, and that `demo` is the same on every run."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from phtui.server.runner import RunningServer, start_server


def _get(http: httpx.Client, server: RunningServer, path: str, **params: Any) -> Any:
    response = http.get(
        f"{server.url}/api/projects/{server.project_id}/{path}",
        params=params,
        headers={"Authorization": f"Bearer {server.api_key}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_empty_seed_has_only_the_global_theme(
    http: httpx.Client, fresh_server: RunningServer
) -> None:
    assert [theme["name"] for theme in _get(http, fresh_server, "data_color_themes/")] == [
        "Default Theme"
    ]
    assert _get(http, fresh_server, "datasets/")["count"] == 0
    assert _get(http, fresh_server, "dataset_items/")["count"] == 0
    assert fresh_server.project_id != fresh_server.other_project_id


def test_demo_seed_contents(http: httpx.Client, demo_server: RunningServer) -> None:
    themes = _get(http, demo_server, "data_color_themes/")
    names = [theme["name"] for theme in themes]
    assert names[0] == "Default Theme"
    assert {"Brand", "Colorblind safe (Okabe-Ito)", "Pastel"} <= set(names)
    assert len(names) >= 4
    assert all(theme["created_by"] is not None for theme in themes[1:])

    datasets = _get(http, demo_server, "datasets/")["results"]
    assert len(datasets) == 3
    counts = {
        dataset["name"]: _get(http, demo_server, "dataset_items/", dataset=dataset["id"], limit=1)[
            "count"
        ]
        for dataset in datasets
    }
    assert max(counts.values()) >= 1000
    assert min(counts.values()) >= 5

    items = _get(http, demo_server, "dataset_items/", limit=2000)["results"]
    chats = [
        item for item in items if isinstance(item["input"], dict) and "messages" in item["input"]
    ]
    assert len(chats) == len(items)
    roles = {message["role"] for item in chats for message in item["input"]["messages"]}
    assert {"system", "user"} <= roles
    assert any(item["ref_trace_id"] and item["ref_timestamp"] for item in items)
    assert any(item["output"] is None for item in items)
    assert all(isinstance(item["metadata"]["tags"], list) for item in items)
    assert any("scores" in item["metadata"] for item in items)
    texts = [message["content"] for item in chats for message in item["input"]["messages"]]
    assert any("[bold]" in text for text in texts)
    assert any("\x1b[" in text for text in texts)
    assert any(not text.isascii() for text in texts)


def test_demo_seed_is_deterministic(http: httpx.Client) -> None:
    def snapshot() -> list[Any]:
        with start_server(seed="demo", datasets_api="classic") as server:
            return [
                _get(http, server, "data_color_themes/"),
                _get(http, server, "datasets/"),
                _get(http, server, "dataset_items/", limit=2000)["results"],
            ]

    first, second = snapshot(), snapshot()
    assert first == second
    ids = [item["id"] for item in first[2]]
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(item_id).version == 7 for item_id in ids)


def test_demo_hides_a_deleted_dataset_that_patch_can_restore(
    http: httpx.Client,
    demo_server: RunningServer,
) -> None:
    hidden = demo_server.store.deleted_dataset_ids(demo_server.project_id)
    assert len(hidden) == 1
    response = http.patch(
        f"{demo_server.url}/api/projects/1/datasets/{hidden[0]}/",
        json={"deleted": False},
        headers={"Authorization": f"Bearer {demo_server.api_key}"},
    )
    assert response.status_code == 200
    assert _get(http, demo_server, "datasets/")["count"] == 4
