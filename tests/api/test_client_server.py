"""Every client method and error path against the real local server over HTTP (classic datasets
API; the revisioned one is tested in test_client_revisioned.py)."""

from __future__ import annotations

import ssl
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime

import httpx
import pytest

from phtui.api import PostHogClient
from phtui.api.errors import (
    AuthenticationError,
    MethodNotAllowedError,
    NotFoundError,
    PermissionDeniedError,
    UnsupportedError,
    ValidationError,
)
from phtui.server.runner import RunningServer

# The `connect` fixture of tests/api/conftest.py.
ClientFactory = Callable[..., AbstractAsyncContextManager[PostHogClient]]

DEFAULT_COLORS = [
    "#1d4aff", "#621da6", "#42827e", "#ce0e74", "#f14f58", "#7c440e", "#529a0a", "#0476fb",
    "#fe729e", "#35416b", "#41cbc4", "#b64b02", "#e4a604", "#a56eff", "#30d5c8",
]  # fmt: skip


def unique(label: str) -> str:
    return f"{label} {uuid.uuid4().hex[:10]}"


# -- themes ------------------------------------------------------------------------------


async def test_list_themes_includes_the_global_default(client: PostHogClient) -> None:
    themes = await client.list_themes()
    default = next(theme for theme in themes if theme.name == "Default Theme")
    assert default.is_global and default.created_by is None
    assert default.colors == DEFAULT_COLORS


async def test_theme_lifecycle(client: PostHogClient) -> None:
    name = unique("Brand")
    created = await client.create_theme(name, ["#1d4aff", "#f14f58"])
    assert (created.name, created.colors, created.is_global) == (
        name,
        ["#1d4aff", "#f14f58"],
        False,
    )
    assert created.created_by is not None and created.created_at is not None
    assert (await client.get_theme(created.id)).name == name
    assert created.id in [theme.id for theme in await client.list_themes()]

    renamed = await client.update_theme(created.id, name=f"{name} v2")
    assert (renamed.name, renamed.colors) == (f"{name} v2", ["#1d4aff", "#f14f58"])
    recoloured = await client.update_theme(created.id, colors=["#000000"])
    assert (recoloured.name, recoloured.colors) == (f"{name} v2", ["#000000"])

    await client.delete_theme(created.id)
    with pytest.raises(NotFoundError):
        await client.get_theme(created.id)


async def test_global_theme_is_staff_only(client: PostHogClient) -> None:
    default = next(theme for theme in await client.list_themes() if theme.is_global)
    with pytest.raises(PermissionDeniedError, match="Only staff users can edit global themes"):
        await client.update_theme(default.id, name="Mine now")


async def test_themes_need_a_paid_plan_to_edit(
    fresh_server: RunningServer, connect: ClientFactory
) -> None:
    async with connect(fresh_server) as api:
        theme = await api.create_theme("Brand", ["#fff"])
        fresh_server.options.paid_plan = False
        with pytest.raises(PermissionDeniedError, match="paid plans"):
            await api.update_theme(theme.id, name="x")


async def test_theme_validation_names_the_field(client: PostHogClient) -> None:
    with pytest.raises(ValidationError) as caught:
        await client.create_theme("", [])
    assert caught.value.field == "name" and caught.value.status == 400


# -- datasets ----------------------------------------------------------------------------


async def test_dataset_lifecycle(client: PostHogClient) -> None:
    name = unique("Support QA")
    created = await client.create_dataset(name, description="golden", metadata={"owner": "ml"})
    assert (created.name, created.description, created.metadata) == (
        name,
        "golden",
        {"owner": "ml"},
    )
    assert created.archived is False and created.team_id == client.project_id
    assert client.datasets_api == "classic"
    assert (await client.get_dataset(created.id)).name == name

    page = await client.list_datasets(search=name)
    assert [dataset.id for dataset in page.results] == [created.id]
    assert (page.count, page.limit, page.offset, page.has_next) == (1, 100, 0, False)

    updated = await client.update_dataset(created.id, description="silver", metadata=None)
    assert (updated.name, updated.description, updated.metadata) == (name, "silver", None)

    deleted = await client.delete_dataset(created.id)
    assert deleted.archived is True
    with pytest.raises(NotFoundError):
        await client.get_dataset(created.id)
    assert (await client.list_datasets(search=name)).count == 0

    restored = await client.restore_dataset(created.id)
    assert restored.archived is False
    archived = await client.archive_dataset(created.id)
    assert archived.archived is True
    assert (await client.restore_dataset(created.id)).archived is False
    assert (await client.get_dataset(created.id)).id == created.id


async def test_list_datasets_pages_and_orders(client: PostHogClient) -> None:
    tag = unique("paging")
    ids = [(await client.create_dataset(f"{tag} {n}")).id for n in range(3)]
    newest_first = await client.list_datasets(search=tag, limit=2)
    assert [d.id for d in newest_first.results] == ids[::-1][:2]
    assert newest_first.has_next and newest_first.count == 3
    second = await client.list_datasets(search=tag, limit=2, offset=2)
    assert [d.id for d in second.results] == [ids[0]]
    assert second.has_previous and not second.has_next and second.page_number == 2
    oldest_first = await client.list_datasets(search=tag, order_by="created_at")
    assert [d.id for d in oldest_first.results] == ids


async def test_bad_order_by_is_a_validation_error(client: PostHogClient) -> None:
    with pytest.raises(ValidationError):
        await client.list_datasets(order_by="name")


async def test_find_datasets_by_name_is_exact_across_pages(
    fresh_server: RunningServer, connect: ClientFactory
) -> None:
    for _ in range(105):
        fresh_server.create_dataset("Evals")
    fresh_server.create_dataset("Evals v2")
    fresh_server.create_dataset("Other", description="mentions Evals")
    async with connect(fresh_server) as api:
        found = await api.find_datasets_by_name("Evals")
        assert len(found) == 105 and {d.name for d in found} == {"Evals"}
        assert len({d.id for d in found}) == 105
        assert await api.find_datasets_by_name("evals") == []
        assert await api.find_datasets_by_name("") == []


async def test_update_dataset_refuses_unknown_fields(client: PostHogClient) -> None:
    with pytest.raises(TypeError, match="'colour'"):
        await client.update_dataset("any", colour="red")
    with pytest.raises(TypeError, match="archive_dataset"):
        await client.update_dataset("any", deleted=True)


async def test_dataset_delete_method_is_405_with_an_empty_body(client: PostHogClient) -> None:
    dataset = await client.create_dataset(unique("no delete"))
    # No public method sends DELETE to datasets; this checks the mapping of PostHog's answer.
    with pytest.raises(MethodNotAllowedError) as caught:
        await client._request("DELETE", client._path("datasets", dataset.id))
    assert (caught.value.status, caught.value.detail) == (405, None)
    assert "never removed with DELETE" in str(caught.value)


# -- dataset items -----------------------------------------------------------------------


async def test_dataset_item_lifecycle(client: PostHogClient) -> None:
    dataset = await client.create_dataset(unique("items"))
    when = datetime(2025, 4, 1, 12, 0, tzinfo=UTC)
    item = await client.create_dataset_item(
        dataset.id,
        input={"messages": [{"role": "user", "content": "Where is my order?"}]},
        expected_output={"content": "Checking."},
        metadata={"tags": ["easy"]},
        source_trace_id="trace-abc",
        source_timestamp=when,
        source_event_id="gen-123",
    )
    assert (item.dataset, item.expected_output, item.source_trace_id) == (
        dataset.id,
        {"content": "Checking."},
        "trace-abc",
    )
    assert (item.source_timestamp, item.source_event_id) == (when, "gen-123")
    assert (item.version, item.archived, item.team_id) == (None, False, client.project_id)
    assert (await client.get_dataset_item(item.id)).input == item.input

    # base_version means nothing to a classic server: it is not sent.
    updated = await client.update_dataset_item(
        item.id, base_version=99, expected_output={"content": "Shipped."}
    )
    assert updated.expected_output == {"content": "Shipped."}
    assert (updated.input, updated.metadata) == (item.input, item.metadata)
    cleared = await client.update_dataset_item(item.id, source_trace_id=None)
    assert cleared.source_trace_id is None and cleared.source_event_id == "gen-123"
    emptied = await client.update_dataset_item(item.id, expected_output=None)
    assert emptied.expected_output is None and emptied.metadata == {"tags": ["easy"]}

    assert (await client.delete_dataset_item(item.id)).archived is True
    with pytest.raises(NotFoundError):
        await client.get_dataset_item(item.id)
    assert (await client.list_dataset_items(dataset.id)).count == 0
    assert (await client.restore_dataset_item(item.id)).archived is False
    assert [i.id for i in (await client.list_dataset_items(dataset.id)).results] == [item.id]
    assert (await client.archive_dataset_item(item.id, base_version=1)).archived is True


async def test_item_with_only_a_dataset(client: PostHogClient) -> None:
    dataset = await client.create_dataset(unique("bare"))
    item = await client.create_dataset_item(dataset.id, input=None)
    assert (item.input, item.expected_output, item.metadata) == (None, None, None)


async def test_item_in_an_unknown_dataset_is_rejected(client: PostHogClient) -> None:
    with pytest.raises(ValidationError) as caught:
        await client.create_dataset_item(str(uuid.uuid4()), input={"q": 1})
    assert caught.value.field == "dataset"


async def test_update_dataset_item_takes_only_todays_names(client: PostHogClient) -> None:
    with pytest.raises(TypeError, match="'output'"):
        await client.update_dataset_item("any", output=1)  # type: ignore[call-arg]


async def test_classic_has_no_client_item_id_so_a_repeat_creates_again(
    client: PostHogClient,
) -> None:
    dataset = await client.create_dataset(unique("repeat"))
    first = await client.create_dataset_item(dataset.id, input={"q": 1}, client_item_id="k")
    second = await client.create_dataset_item(dataset.id, input={"q": 1}, client_item_id="k")
    assert first.id != second.id and first.client_item_id is None
    assert (await client.list_dataset_items(dataset.id)).count == 2


async def test_what_classic_cannot_do_is_refused_before_any_request(
    server: RunningServer, connect: ClientFactory
) -> None:
    dataset_id = server.create_dataset(unique("classic limits"))
    statuses: list[int] = []
    async with connect(server, on_response=statuses.append) as api:
        assert await api.detect_datasets_api() == "classic"
        asked = len(statuses)
        refusals = {
            "list deleted datasets": api.list_datasets(archived=True),
            "list deleted items": api.list_dataset_items(dataset_id, archived=True),
            "show a dataset at a revision": api.list_dataset_items(dataset_id, revision=1),
            "show an item at a revision": api.get_dataset_item("i", revision=1),
            "list dataset revisions": api.list_dataset_revisions(dataset_id),
            "list item versions": api.list_dataset_item_versions("i"),
            "export datasets": api.create_dataset_export(dataset_id),
            "restore an item from an earlier version": api.restore_dataset_item(
                "i", base_version=2, source_version=1
            ),
        }
        for what, call in refusals.items():
            with pytest.raises(UnsupportedError, match=what) as caught:
                await call
            assert isinstance(caught.value, NotImplementedError)
            assert "classic datasets API" in str(caught.value)
        with pytest.raises(ValueError, match="no source_output field"):
            await api.create_dataset_item(dataset_id, input=1, source_output="captured")
        assert len(statuses) == asked


async def test_iterate_every_item_page_by_page(
    server: RunningServer, client: PostHogClient
) -> None:
    dataset_id = server.create_dataset(unique("iterate"))
    server.bulk_insert_items(dataset_id, ({"input": {"n": n}} for n in range(250)))
    pages = [page async for page in client.iter_dataset_item_pages(dataset_id, page_size=100)]
    assert [len(page.results) for page in pages] == [100, 100, 50]
    assert [page.offset for page in pages] == [0, 100, 200]
    items = [item async for item in client.iter_dataset_items(dataset_id, page_size=100)]
    assert sorted(item.input["n"] for item in items) == list(range(250))
    first = await client.list_dataset_items(dataset_id, limit=100, offset=200)
    assert (first.count, len(first.results), first.has_next, first.page_count) == (
        250,
        50,
        False,
        3,
    )


async def test_list_all_dataset_items_pages_one_after_another_on_classic(
    server: RunningServer, client: PostHogClient
) -> None:
    dataset_id = server.create_dataset(unique("all classic"))
    server.bulk_insert_items(dataset_id, ({"input": {"n": n}} for n in range(230)))
    snapshot = await client.list_all_dataset_items(dataset_id)
    assert (snapshot.dataset.id, snapshot.revision, snapshot.skipped) == (dataset_id, None, [])
    assert [item.input["n"] for item in snapshot.items] == list(range(229, -1, -1))
    with pytest.raises(UnsupportedError):
        await client.list_all_dataset_items(dataset_id, revision=1)


async def test_iterating_an_empty_dataset_yields_nothing(client: PostHogClient) -> None:
    dataset = await client.create_dataset(unique("empty"))
    assert [item async for item in client.iter_dataset_items(dataset.id)] == []
    with pytest.raises(ValueError):
        [item async for item in client.iter_dataset_items(dataset.id, page_size=0)]


# -- account, prefixes and projects ------------------------------------------------------


async def test_current_user_and_projects(server: RunningServer, client: PostHogClient) -> None:
    user = await client.get_current_user()
    assert user.email and user.team is not None and user.team.id == server.project_id
    projects = await client.list_projects()
    assert server.project_id in [project.id for project in projects]
    assert server.other_project_id not in [project.id for project in projects]


async def test_environments_prefix(server: RunningServer, connect: ClientFactory) -> None:
    async with connect(server, prefix="environments") as api:
        assert api.prefix == "environments"
        dataset = await api.create_dataset(unique("env"))
        assert any(theme.name == "Default Theme" for theme in await api.list_themes())
    async with connect(server) as api:
        assert (await api.get_dataset(dataset.id)).id == dataset.id


async def test_current_project_alias(server: RunningServer, connect: ClientFactory) -> None:
    async with connect(server, project_id="@current") as api:
        assert api.project_id == "@current"
        dataset = await api.create_dataset(unique("current"))
    assert dataset.team_id == server.project_id


async def test_unknown_project_is_not_found(server: RunningServer, connect: ClientFactory) -> None:
    async with connect(server, project_id=987654321) as api:
        with pytest.raises(NotFoundError, match="POSTHOG_PROJECT_ID"):
            await api.list_datasets()


async def test_another_orgs_project_is_denied(
    server: RunningServer, connect: ClientFactory
) -> None:
    async with connect(server, project_id=server.other_project_id) as api:
        with pytest.raises(PermissionDeniedError, match="access to the project"):
            await api.list_themes()


# -- keys and scopes ---------------------------------------------------------------------


async def test_unknown_key_is_an_authentication_error(
    server: RunningServer, connect: ClientFactory
) -> None:
    async with connect(server, key="phx_not_a_real_key") as api:
        with pytest.raises(AuthenticationError) as caught:
            await api.list_datasets()
    assert caught.value.status == 401 and caught.value.code == "authentication_failed"
    assert "POSTHOG_PERSONAL_API_KEY" in str(caught.value)


async def test_read_scope_cannot_write(server: RunningServer, connect: ClientFactory) -> None:
    async with connect(server, key=server.create_api_key(["dataset:read"])) as api:
        await api.list_datasets(limit=1)
        with pytest.raises(PermissionDeniedError) as caught:
            await api.create_dataset(unique("denied"))
        assert caught.value.missing_scope == "dataset:write"
        assert str(caught.value).startswith("The API key lacks the scope 'dataset:write'.")
        with pytest.raises(PermissionDeniedError) as themes:
            await api.list_themes()
        assert themes.value.missing_scope == "project:read"


async def test_write_scope_implies_read(server: RunningServer, connect: ClientFactory) -> None:
    async with connect(server, key=server.create_api_key(["project:write"])) as api:
        theme = await api.create_theme(unique("scoped"), [])
        assert (await api.get_theme(theme.id)).id == theme.id
        await api.delete_theme(theme.id)


async def test_project_scoped_key_outside_its_project(
    server: RunningServer, connect: ClientFactory
) -> None:
    key = server.create_api_key(["*"], scoped_teams=[server.other_project_id])
    async with connect(server, key=key) as api:
        with pytest.raises(PermissionDeniedError, match="does not have access"):
            await api.list_datasets()


async def test_a_loopback_server_is_never_reached_through_a_proxy(
    server: RunningServer, connect: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with connect(server, max_retries=0) as api:
        assert await api.list_themes()


def _tls_of(api: PostHogClient) -> ssl.SSLContext:
    transport = api._http._transport
    assert isinstance(transport, httpx.AsyncHTTPTransport)
    context = transport._pool._ssl_context
    assert context is not None
    return context


async def test_plain_http_hosts_trust_no_certificate_and_https_hosts_verify() -> None:
    # A plain-HTTP origin never does TLS; should it ever be tried, nothing is trusted.
    async with PostHogClient("http://127.0.0.1:8010", "phx_" + "a" * 40, 1) as local:
        context = _tls_of(local)
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
        assert context.cert_store_stats()["x509_ca"] == 0
    async with PostHogClient("https://us.posthog.com", "phx_" + "a" * 40, 1) as cloud:
        context = _tls_of(cloud)
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
        assert context.cert_store_stats()["x509_ca"] > 0  # httpx's default trust store
