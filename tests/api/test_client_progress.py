"""`list_all_dataset_items(on_progress=...)`: how far a whole-dataset load is, page by page."""

from __future__ import annotations

from phtui.api import PostHogClient
from phtui.server.runner import RunningServer, start_server


def items(count: int) -> list[dict[str, object]]:
    return [{"input": {"n": n}} for n in range(count)]


async def test_progress_counts_every_page_of_a_pinned_load(
    fresh_revisioned_server: RunningServer,
) -> None:
    server = fresh_revisioned_server
    dataset = server.create_dataset("progress")
    server.bulk_insert_items(dataset, items(60))
    seen: list[tuple[int, int]] = []
    async with PostHogClient(server.url, server.api_key, server.project_id) as client:
        snapshot = await client.list_all_dataset_items(
            dataset, on_progress=lambda loaded, total: seen.append((loaded, total))
        )
    assert len(snapshot.items) == 60
    assert len(seen) == 3  # pages of 25, 25 and 10
    assert [loaded for loaded, _ in seen] == sorted(loaded for loaded, _ in seen)
    assert seen[-1] == (60, 60) and {total for _, total in seen} == {60}


async def test_progress_on_a_classic_server() -> None:
    with start_server(seed="empty", datasets_api="classic") as server:
        dataset = server.create_dataset("progress")
        server.bulk_insert_items(dataset, items(150))
        seen: list[tuple[int, int]] = []
        async with PostHogClient(server.url, server.api_key, server.project_id) as client:
            await client.list_all_dataset_items(
                dataset, on_progress=lambda loaded, total: seen.append((loaded, total))
            )
    assert seen == [(100, 150), (150, 150)]


async def test_a_short_pinned_list_is_read_once(fresh_revisioned_server: RunningServer) -> None:
    """Pages asked for before the count was known come back empty: they are past the end, not
    a sign of a server with another page size (no second, one-by-one read)."""
    server = fresh_revisioned_server
    dataset = server.create_dataset("short archived list")
    server.bulk_insert_items(dataset, items(60))
    server.bulk_insert_items(dataset, [{"input": {"gone": n}, "archived": True} for n in range(3)])
    async with PostHogClient(server.url, server.api_key, server.project_id) as client:
        calls: list[int] = []
        original = client.list_dataset_items

        async def counting(*args: object, **kwargs: object) -> object:
            calls.append(1)
            return await original(*args, **kwargs)  # type: ignore[arg-type]

        client.list_dataset_items = counting  # type: ignore[method-assign]
        revision = (await client.get_dataset(dataset)).current_revision
        assert revision is not None
        snapshot = await client.list_all_dataset_items(
            dataset, revision=revision, archived=True, concurrency=2
        )
    assert len(snapshot.items) == 3
    assert len(calls) <= 2  # the first page, and at most the one already on its way
