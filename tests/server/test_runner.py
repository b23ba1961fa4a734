"""The thread runner: fast start and stop, free ports, file databases, store helpers."""

from __future__ import annotations

import socket
import ssl
import time
from pathlib import Path

import httpx
import pytest

from phtui.server.runner import ServerOptions, start_server


def _port_is_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_starts_on_a_free_port_and_stops_cleanly(tls_context: ssl.SSLContext) -> None:
    server = start_server()
    assert server.port > 0
    assert server.url == f"http://127.0.0.1:{server.port}"
    assert _port_is_open(server.port)
    headers = {"Authorization": f"Bearer {server.api_key}"}
    with httpx.Client(headers=headers, verify=tls_context) as client:
        assert client.get(f"{server.url}/api/users/@me/").status_code == 200
        started = time.perf_counter()
        server.stop()  # with a keep-alive connection open
        assert time.perf_counter() - started < 5  # a hang guard, not a speed test
    assert not _port_is_open(server.port)


def test_context_manager_and_two_servers_side_by_side(http: httpx.Client) -> None:
    with start_server() as first, start_server() as second:
        assert first.port != second.port
        assert first.api_key != second.api_key
        response = http.get(
            f"{second.url}/api/users/@me/", headers={"Authorization": f"Bearer {first.api_key}"}
        )
        assert response.status_code == 401  # keys are per server
    assert not _port_is_open(first.port)


def test_options_and_api_key_are_the_callers(http: httpx.Client) -> None:
    options = ServerOptions(paid_plan=False)
    with start_server(options=options, api_key="phx_fixed_for_this_test") as server:
        assert server.options is options
        assert server.api_key == "phx_fixed_for_this_test"
        response = http.get(
            f"{server.url}/api/users/@me/",
            headers={"Authorization": "Bearer phx_fixed_for_this_test"},
        )
        assert response.status_code == 200


def test_repr_never_shows_the_key() -> None:
    with start_server() as server:
        assert server.api_key not in repr(server)


def test_a_file_database_keeps_its_data(http: httpx.Client, tmp_path: Path) -> None:
    db = str(tmp_path / "phtui.sqlite3")
    with start_server(db=db, seed="empty", datasets_api="classic") as first:
        dataset_id = first.create_dataset("kept")
    # Existing data wins over the seed.
    with start_server(db=db, seed="demo", datasets_api="classic") as second:
        response = http.get(
            f"{second.url}/api/projects/{second.project_id}/datasets/",
            headers={"Authorization": f"Bearer {second.api_key}"},
        )
        assert [row["id"] for row in response.json()["results"]] == [dataset_id]


def test_unknown_seed_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown seed"):
        start_server(seed="lots")


def test_create_dataset_and_bulk_insert(http: httpx.Client) -> None:
    with start_server(datasets_api="classic") as server:
        dataset_id = server.create_dataset("bulk", description="d", metadata={"k": 1})
        count = server.bulk_insert_items(
            dataset_id,
            ({"input": {"n": index}, "metadata": {"tags": ["t"]}} for index in range(20_000)),
        )
        assert count == 20_000
        page = http.get(
            f"{server.url}/api/projects/{server.project_id}/dataset_items/",
            params={"dataset": dataset_id, "limit": 2, "offset": 19_998},
            headers={"Authorization": f"Bearer {server.api_key}"},
        ).json()
        assert page["count"] == 20_000
        assert [row["input"] for row in page["results"]] == [{"n": 1}, {"n": 0}]
        with pytest.raises(TypeError):
            server.create_dataset("bad", colour="red")
        with pytest.raises(LookupError):
            server.bulk_insert_items("0195a000-0000-7000-8000-000000000000", [{}])


def test_stop_twice_is_harmless() -> None:
    server = start_server()
    server.stop()
    server.stop()
    assert not _port_is_open(server.port)


def test_a_busy_port_raises_oserror() -> None:
    with start_server() as running, pytest.raises(OSError):
        start_server(port=running.port)


def test_accepted_connections_send_without_nagle_delay(http: httpx.Client) -> None:
    """Responses leave in two writes (head, then body); without TCP_NODELAY the body waited for
    the client's delayed ACK, 40 ms on every kept-alive request."""
    with start_server() as server:
        response = http.get(
            f"{server.url}/api/users/@me/", headers={"Authorization": f"Bearer {server.api_key}"}
        )
        assert response.status_code == 200
        connections = list(server._server.server_state.connections)
        assert connections
        for connection in connections:
            sock = connection.transport.get_extra_info("socket")
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
