"""Run the server in a background thread: what tests, benchmarks and `phtui --demo` use.

`start_server()` binds the socket first (port 0 picks a free port), starts uvicorn on its own
event loop in a daemon thread and returns once the server accepts connections. It serves the
revisioned datasets API unless `datasets_api="classic"` asks for the classic one (older
self-hosted instances); a database file remembers which one it was seeded for.
"""

from __future__ import annotations

import asyncio
import random
import socket
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

import uvicorn

from phtui.server import auth
from phtui.server import seed as seeding
from phtui.server.app import PostHogAPI, create_app
from phtui.server.compat import DroppingH11Protocol, ThreadServer
from phtui.server.ids import format_datetime, utc_now, uuid7
from phtui.server.options import DATASETS_APIS, DatasetsApi, ServerOptions
from phtui.server.revisioned import bulk
from phtui.server.revisioned.storage import StorageRequest
from phtui.server.seed import OWN
from phtui.server.store import Store, item_row, to_json

__all__ = ["DatasetsApi", "RunningServer", "ServerOptions", "start_server"]

STARTUP_TIMEOUT_SECONDS = 10.0


class RunningServer:
    """A live server. `options` may be changed while it runs; it is read on every request."""

    def __init__(
        self,
        *,
        store: Store,
        options: ServerOptions,
        host: str,
        port: int,
        api_key: str,
        server: ThreadServer,
        thread: threading.Thread,
        api: PostHogAPI,
    ) -> None:
        self.store = store
        self.options = options
        self.datasets_api: DatasetsApi = api.datasets_api
        self._api = api
        self.host = host
        self.port = port
        self.url = f"http://{_url_host(host)}:{port}"
        self.project_id = OWN.project_id
        self.other_project_id = OWN.other_project_id
        self.user_id = OWN.user_id
        self.api_key = api_key
        self._server = server
        self._thread = thread
        self._stopped = False

    def __repr__(self) -> str:  # never show the key
        return (
            f"RunningServer(url={self.url!r}, project_id={self.project_id},"
            f" datasets_api={self.datasets_api!r})"
        )

    @property
    def storage_requests(self) -> list[StorageRequest]:
        """Requests to the pre-signed export URLs (revisioned mode), oldest first."""
        services = self._api.services
        return [] if services is None else services.storage.requests

    def create_api_key(self, scopes: list[str], *, scoped_teams: list[int] | None = None) -> str:
        """A new personal API key of the seeded user with these scopes (and project list)."""
        key = auth.new_personal_api_key()
        self.store.insert_api_key(
            auth.secure_hash(key),
            user_id=self.user_id,
            label="test key",
            scopes=scopes,
            scoped_teams=scoped_teams,
        )
        return key

    def revoke_api_key(self, key: str) -> bool:
        """Revoke `key` while the server runs (the next request with it gets a 401, as a key
        deleted in PostHog's settings does). False if no such key was known."""
        return self.store.delete_api_key(auth.secure_hash(key))

    def create_dataset(self, name: str, **fields: Any) -> str:
        """A dataset of the seeded project, written straight to the store; returns its id.
        `fields`: description, metadata, created_at (datetime), and `deleted` (classic) or
        `archived` (revisioned; `deleted` is accepted as its alias)."""
        created: datetime = fields.pop("created_at", None) or utc_now()
        if self.datasets_api == "revisioned":
            if "deleted" in fields:
                fields["archived"] = bool(fields.pop("deleted"))
            unknown = set(fields) - {"description", "metadata", "archived"}
            if unknown:
                raise TypeError(f"unknown dataset fields: {', '.join(sorted(unknown))}")
            return bulk.insert_dataset(
                self.store,
                team_id=self.project_id,
                name=name,
                created_at=created,
                created_by=self.user_id,
                description=fields.get("description") or "",
                metadata=fields.get("metadata"),
                archived=fields.get("archived", False),
            )
        unknown = set(fields) - {"description", "metadata", "deleted"}
        if unknown:
            raise TypeError(f"unknown dataset fields: {', '.join(sorted(unknown))}")
        dataset_id = uuid7(created)
        deleted = fields.get("deleted", False)
        self.store.insert_dataset(
            {
                "id": dataset_id,
                "team_id": self.project_id,
                "name": name,
                "description": fields.get("description"),
                "metadata": to_json(fields.get("metadata")),
                "created_at": format_datetime(created),
                "updated_at": format_datetime(created),
                "deleted": None if deleted is None else int(deleted),
                "created_by": self.user_id,
            }
        )
        return dataset_id

    def bulk_insert_items(self, dataset_id: str, items: Iterable[dict[str, Any]]) -> int:
        """Insert items in one transaction (100,000 in a few seconds). Later items are newer,
        so they list first. Classic: each dict may hold input, output, metadata, ref_trace_id,
        ref_timestamp (ISO text), ref_source_id, deleted. Revisioned: input (required),
        expected_output, source_output, metadata, client_item_id, source_trace_id,
        source_event_id, source_timestamp, archived (classic names are mapped); each item is
        one version and one dataset revision (an archived one two), quotas not applied."""
        if self.datasets_api == "revisioned":
            return bulk.insert_items(
                self.store,
                team_id=self.project_id,
                dataset_id=dataset_id,
                items=items,
                start=utc_now(),
                user_id=self.user_id,
            )
        if self.store.get_dataset(self.project_id, dataset_id) is None:
            raise LookupError(f"no dataset {dataset_id} in project {self.project_id}")
        start = utc_now()
        rng = random.Random()
        rows = (
            item_row(
                item_id=uuid7(created, rng),
                team_id=self.project_id,
                dataset_id=dataset_id,
                created_at=format_datetime(created),
                created_by=self.user_id,
                **item,
            )
            for created, item in (
                (start + timedelta(microseconds=index), item) for index, item in enumerate(items)
            )
        )
        return self.store.insert_items(rows)

    def stop(self) -> None:
        """Stop serving and close the database; calling it again does nothing."""
        if self._stopped:
            return
        self._server.request_exit()
        self._thread.join(timeout=STARTUP_TIMEOUT_SECONDS)
        self.store.close()
        self._stopped = True

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def start_server(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    db: str = ":memory:",
    seed: str = "empty",
    options: ServerOptions | None = None,
    api_key: str | None = None,
    datasets_api: DatasetsApi = "revisioned",
) -> RunningServer:
    """Start a seeded server (an existing database file keeps its data) and wait until it
    accepts connections. Raises ValueError for a bad seed, mode or port, OSError if the port
    cannot be bound and sqlite3.Error for an unusable database file."""
    if datasets_api not in DATASETS_APIS:
        raise ValueError(f"unknown datasets API {datasets_api!r}; choose revisioned or classic")
    if not 0 <= port <= 65535:
        raise ValueError(f"port must be between 0 and 65535, not {port}")
    key = api_key or auth.new_personal_api_key()
    store = Store(db)
    try:
        if store.is_empty():
            seeding.seed(store, seed, key, datasets_api=datasets_api)
        else:
            _check_mode(store, datasets_api)
            if store.find_api_key(auth.secure_hash(key)) is None:
                _add_key(store, key)
        sock = _bind(host, port)
    except BaseException:
        store.close()
        raise
    options = options or ServerOptions()
    app, api = create_app(store, options, datasets_api=datasets_api)
    config = uvicorn.Config(
        app,
        lifespan="off",
        log_config=None,
        log_level="warning",
        access_log=False,
        http=DroppingH11Protocol,
        ws="none",
        loop="asyncio",
    )
    server = ThreadServer(config)

    def run() -> None:
        asyncio.run(server.serve(sockets=[sock]))

    thread = threading.Thread(target=run, name=f"phtui-server-{sock.getsockname()[1]}", daemon=True)
    thread.start()
    while not server.ready.wait(0.005):
        if not thread.is_alive():
            sock.close()
            store.close()
            raise RuntimeError("the local server failed to start")
    return RunningServer(
        store=store,
        options=options,
        host=host,
        port=sock.getsockname()[1],
        api_key=key,
        server=server,
        thread=thread,
        api=api,
    )


def _check_mode(store: Store, datasets_api: DatasetsApi) -> None:
    """A file seeded before modes existed holds classic data."""
    recorded = store.get_meta("datasets_api") or "classic"
    if recorded != datasets_api:
        raise ValueError(
            f"this database holds {recorded} datasets; start it with datasets_api={recorded!r}"
            " (phtui server --datasets-api " + recorded + ")"
        )


def _add_key(store: Store, key: str) -> None:
    """A database reopened from a file: give the first user this run's key."""
    store.insert_api_key(
        auth.secure_hash(key),
        user_id=store.first_user_id(),
        label="phtui local server",
        scopes=["*"],
        scoped_teams=None,
    )


def _bind(host: str, port: int) -> socket.socket:
    """Bound and listening before the thread starts, so port 0 resolves at once."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY only on sockets whose proto says TCP,
    # and accepted sockets inherit it. With proto 0, Nagle held every response body back
    # until the client's delayed ACK: 40 ms per request on a kept-alive connection.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except BaseException:
        sock.close()
        raise
    return sock


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
