"""Fault cells of the command line's transfers: `phtui datasets push` (import/push) and
`phtui datasets pull` (export/pull), in-process through `phtui.cli.main`, on both datasets APIs
(`grid.py`).

The command keeps its real client (retries, backoff, waits for 429s, its `on_wait` lines on
stderr) with only the read timeout and the backoff shortened, so a cell takes a second, not the
production 30 s. A fault meets the command's own key request: the push's first write, the
pull's export job (revisioned) or page read (classic).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

import phtui.cli.transfer as cli_transfer
from phtui.api import PostHogClient
from phtui.api.models import DatasetItem
from phtui.cli import main
from phtui.config import ResolvedProfile
from phtui.core.transfer_file import export_line
from phtui.server.runner import RunningServer
from tests.faults.grid import READ_ONLY, Cell, params
from tests.faults.harness import (
    SERVER_FAULTS,
    TIMEOUT_S,
    CellRecord,
    arm,
    arm_on_call,
    clear_faults,
    observer,
    unique_name,
)

T = TypeVar("T")
DOCUMENTED_EXITS = {0, 1, 2, 130}

# What stderr must say, per fault (case-insensitive).
SAID: dict[str, str] = {
    "timeout_before_commit": r"ReadTimeout|did not answer|answer was lost|not answered",
    "timeout_after_commit": r"ReadTimeout|did not answer|answer was lost|not answered",
    "reset_before": r"RemoteProtocolError|closed the connection|answer was lost|not answered|"
    r"connection problem",
    "reset_after_commit": r"RemoteProtocolError|closed the connection|answer was lost|"
    r"not answered|connection problem",
    "http_500": r"server error 500|\b500\b",
    "http_429": r"rate limited|throttled|\b429\b",
    "http_401": r"rejected the API key",
    "gone": r"archived|deleted|no dataset",
    "conflict": r"\bchanged\b",  # not "unchanged"
}


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


@dataclass
class Command:
    """`phtui` in this process, configured by the environment, with a quick client."""

    server: RunningServer
    key: str
    # Called with each client the command makes (to arm a fault on one of its requests).
    on_client: Callable[[PostHogClient], None] | None = None
    # Clear the server's faults at the client's first wait (a one-shot read timeout).
    clear_at_first_wait: bool = False
    runs: list[tuple[int, str]] = field(default_factory=list)

    def client(
        self, resolved: ResolvedProfile, shown: Callable[[float, str], None] | None = None
    ) -> PostHogClient:
        """`open_client` with the cells' short timeout and backoff."""

        def waiting(seconds: float, reason: str) -> None:
            if self.clear_at_first_wait:
                self.clear_at_first_wait = False
                clear_faults(self.server)
            if shown is not None:
                shown(seconds, reason)

        assert resolved.api_key is not None and resolved.project_id is not None
        client = PostHogClient(
            resolved.host,
            resolved.api_key,
            resolved.project_id,
            on_wait=waiting,
            timeout=httpx.Timeout(TIMEOUT_S),
            backoff_base=0.01,
        )
        if self.on_client is not None:
            self.on_client(client)
        return client

    def __call__(self, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
        capsys.readouterr()
        status = main(list(argv))
        err = capsys.readouterr().err
        self.runs.append((status, err))
        return status, err


@pytest.fixture
def command(
    cell: Cell, cell_server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Command]:
    server = cell_server
    key = server.create_api_key(["*"])
    monkeypatch.setenv("PHTUI_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("POSTHOG_HOST", server.url)
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", key)
    monkeypatch.setenv("POSTHOG_PROJECT_ID", str(server.project_id))
    for name in ("PHTUI_PROFILE", "PHTUI_READ_ONLY", "PHTUI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    cmd = Command(server, key)
    monkeypatch.setattr(cli_transfer, "open_client", cmd.client)
    yield cmd


def survived(status: int, err: str) -> tuple[bool, str]:
    """A documented exit status, and no traceback: every problem is a line of its own."""
    ok = status in DOCUMENTED_EXITS and "Traceback" not in err
    return ok, f"exit {status}; stderr: {err.strip()[-300:]}"


def said(fault: str, err: str) -> tuple[bool, str]:
    match = re.search(SAID[fault], err, re.IGNORECASE)
    if match is None:
        return False, f"stderr never says it: {err.strip()[-300:]}"
    start = err.rfind("\n", 0, match.start()) + 1
    end = err.find("\n", match.end())
    return True, err[start : end if end >= 0 else None]


def arm_first(client: PostHogClient, methods: tuple[str, ...], fire: Callable[[], None]) -> None:
    """Arm once, at the first call of any of `methods` (requests may go concurrently)."""
    fired = False

    def once() -> None:
        nonlocal fired
        if not fired:
            fired = True
            fire()

    for method in methods:
        arm_on_call(client, method, once)


def after_first(client: PostHogClient, method: str, then: Callable[[], None]) -> None:
    """Run `then` (another writer) once the first call of `client.method` has answered."""
    original = getattr(client, method)
    done: list[bool] = []

    async def answered_first(*args: Any, **kwargs: Any) -> Any:
        result = await original(*args, **kwargs)
        if not done:
            done.append(True)
            then()
        return result

    setattr(client, method, answered_first)


def content(item: DatasetItem) -> tuple[str, str]:
    return json.dumps(item.input, sort_keys=True), json.dumps(item.expected_output, sort_keys=True)


async def items_of(dataset_id: str, server: RunningServer) -> list[DatasetItem]:
    async with observer(server) as other:
        items = (await other.list_all_dataset_items(dataset_id)).items
        if other.datasets_api == "revisioned":
            items += (await other.list_all_dataset_items(dataset_id, archived=True)).items
        return items


async def set_gone(server: RunningServer, dataset_id: str, gone: bool) -> None:
    async with observer(server) as other:
        if gone:
            await other.archive_dataset(dataset_id)  # classic: soft delete
        else:
            await other.restore_dataset(dataset_id)


# ------------------------------------------------------------------------------ push


@pytest.mark.parametrize("cell", params("import_push"))
def test_push(
    cell: Cell,
    command: Command,
    record: CellRecord,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, fault = command.server, cell.fault
    revisioned = cell.generation == "revisioned"
    dataset_id = server.create_dataset(unique_name("pushed"))

    async def existing() -> DatasetItem:
        async with observer(server) as other:
            return await other.create_dataset_item(
                dataset_id, input={"q": "kept"}, expected_output="old"
            )

    item = run(existing())
    # A file pulled earlier, edited: the existing item's answer changed, two new lines.
    changed = json.loads(export_line(item, item.dataset_revision, dataset_id))
    changed["expected_output"] = "new"
    lines = [json.dumps(changed), '{"input": {"q": "one"}}', '{"input": {"q": "two"}}']
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = path.read_bytes()

    if fault in SERVER_FAULTS:  # at the update, and again at the first create

        def arm_both(client: PostHogClient) -> None:
            for method in ("update_dataset_item", "create_dataset_item"):
                arm_first(client, (method,), lambda: arm(server, fault, add=True))

        command.on_client = arm_both
    elif fault == "http_401":
        server.revoke_api_key(command.key)
    elif fault == "gone":
        run(set_gone(server, dataset_id, True))
    elif fault == "conflict":  # another writer, between the push's plan and its writes
        original = cli_transfer.run_push
        done: list[bool] = []

        async def someone_first(client: PostHogClient, plan: Any, **options: Any) -> Any:
            if not done:  # the first push only
                done.append(True)
                async with observer(server) as other:
                    await other.update_dataset_item(
                        item.id, base_version=item.version, expected_output="theirs"
                    )
            return await original(client, plan, **options)

        monkeypatch.setattr(cli_transfer, "run_push", someone_first)

    # One request at a time, so the update and then a create each meet a fault.
    push = ("datasets", "push", dataset_id, str(path), "--concurrency", "1")
    status, err = command(capsys, *push)
    record.check("survived", *survived(status, err))
    record.check("said", *said(fault, err))
    record.check("text_kept", path.read_bytes() == before, "the file is as it was")

    # The fault clears: the same push again.
    clear_faults(server)
    command.on_client = None
    if fault == "http_401":
        monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", server.create_api_key(["*"]))
    elif fault == "gone":
        run(set_gone(server, dataset_id, False))
    again, err_again = command(capsys, *push)
    record.check("recovered", again == 0, f"exit {again}: {err_again.strip()[-300:]}")

    items = run(items_of(dataset_id, server))
    wanted = sorted(
        [('{"q": "kept"}', '"new"'), ('{"q": "one"}', "null"), ('{"q": "two"}', "null")]
    )
    got = sorted(content(i) for i in items)
    record.check("clean", got == wanted and not any(i.archived for i in items), f"{got}")
    if revisioned:
        record.notes["clean"] += f"; existing item at version {items[0].version}"
    record.verify()


# ------------------------------------------------------------------------------ pull


@pytest.mark.parametrize("cell", params("export_pull"))
def test_pull(
    cell: Cell,
    command: Command,
    record: CellRecord,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, fault = command.server, cell.fault
    revisioned = cell.generation == "revisioned"
    record.no_text("a pull types nothing; the file it writes is checked as the server state")
    dataset_id = server.create_dataset(unique_name("pulled"))
    # Classic: more than a page (100), so another writer can change it between two pages.
    count = 3 if revisioned else 101
    server.bulk_insert_items(dataset_id, [{"input": {"n": n}} for n in range(count)])
    out = tmp_path / "pulled.jsonl"
    key_request = "create_dataset_export" if revisioned else "list_dataset_items"

    def add_one() -> None:
        async def add() -> None:
            async with observer(server) as other:
                await other.create_dataset_item(dataset_id, input={"n": "late"})

        # The command's loop is running: the other writer goes on a thread of its own.
        thread = threading.Thread(target=lambda: asyncio.run(add()))
        thread.start()
        thread.join()

    if fault in SERVER_FAULTS:
        read = (cell.operation, cell.generation) in READ_ONLY
        command.clear_at_first_wait = read and fault == "timeout_before_commit"
        command.on_client = lambda client: arm_first(
            client, (key_request,), lambda: arm(server, fault, read=read)
        )
    elif fault == "http_401":
        server.revoke_api_key(command.key)
    elif fault == "gone":
        run(set_gone(server, dataset_id, True))
    elif fault == "conflict":  # an item added once the export has started
        command.on_client = lambda client: after_first(client, key_request, add_one)

    status, err = command(capsys, "datasets", "pull", dataset_id, "-o", str(out), "--force")
    record.check("survived", *survived(status, err))
    record.check("said", *said(fault, err))
    first = out.read_text(encoding="utf-8") if status == 0 and out.exists() else None

    clear_faults(server)
    command.on_client = None
    command.clear_at_first_wait = False
    if fault == "http_401":
        monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", server.create_api_key(["*"]))
    elif fault == "gone":
        run(set_gone(server, dataset_id, False))
    again, err_again = command(capsys, "datasets", "pull", dataset_id, "-o", str(out), "--force")
    record.check("recovered", again == 0, f"exit {again}: {err_again.strip()[-300:]}")

    # Each file written holds exactly the live items of one moment: no line twice, none lost.
    live = sorted(json.dumps(i.input, sort_keys=True) for i in run(items_of(dataset_id, server)))
    problems = []
    for name, text in (("first", first), ("again", out.read_text(encoding="utf-8"))):
        if text is None:
            continue
        rows = [json.loads(line) for line in text.splitlines()]
        inputs = sorted(json.dumps(row["input"], sort_keys=True) for row in rows)
        ids = [row["item_id"] for row in rows]
        expected = live
        if name == "first" and fault == "conflict" and revisioned:  # pinned to the revision
            expected = [i for i in live if i != '{"n": "late"}']  # before the late item
        if len(set(ids)) != len(ids) or inputs != expected:
            problems.append(f"{name}: {len(rows)} lines, {len(set(ids))} ids, {len(live)} live")
    record.check("clean", not problems, "; ".join(problems) or f"{len(live)} items in each file")
    record.verify()
