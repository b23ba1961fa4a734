"""JSONL exports (api-revisioned.md section 10): the file, its name, its expiry, and the
background work that takes an export from `pending` to `complete` (or `failed`).
"""

from __future__ import annotations

import asyncio
import json
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from phtui.server.ids import format_datetime
from phtui.server.options import EXPORT_TOO_LARGE, EXPORT_TOO_SLOW, ServerOptions
from phtui.server.revisioned.store import RevisionedStore
from phtui.server.store import Row

AVAILABLE_FOR = timedelta(days=7)
_quote = json.JSONEncoder(ensure_ascii=False).encode


def slugify(text: str) -> str:
    """Django's `slugify`: ASCII only, lowercase, runs of spaces and hyphens become one hyphen."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^\w\s-]", "", ascii_text.lower())
    return re.sub(r"[-\s]+", "-", words).strip("-_")


def filename(dataset_name: str, revision: int, created: datetime) -> str:
    return f"{slugify(f'{dataset_name}-r{revision}')}-{created:%Y-%m-%d-%H%M%S}.jsonl"


def expires_after(created: datetime) -> datetime:
    """Midnight UTC on the day seven days after creation (so at most seven days)."""
    return (created + AVAILABLE_FOR).replace(hour=0, minute=0, second=0, microsecond=0)


def _iso_offset(stored: str | None) -> str:
    """Stored UTC text -> ISO 8601 with `+00:00`, microseconds only when not zero."""
    if stored is None:
        return "null"
    return _quote(stored.replace(".000000Z", "Z").replace("Z", "+00:00"))


def _json_or_null(text: str | None) -> str:
    return "null" if text is None else text


def jsonl(rows: list[Row], revision: int) -> bytes:
    """One compact line per item, keys in PostHog's order. The stored JSON columns are compact
    already, so they are spliced in as they are."""
    lines = []
    for row in rows:
        client_item_id = row["client_item_id"]
        lines.append(
            f'{{"dataset_id":{_quote(row["dataset"])},"dataset_revision":{revision},'
            f'"item_id":{_quote(row["id"])},'
            f'"client_item_id":{"null" if client_item_id is None else _quote(client_item_id)},'
            f'"version":{row["version"]},"input":{row["input"]},'
            f'"expected_output":{_json_or_null(row["expected_output"])},'
            f'"source_output":{_json_or_null(row["source_output"])},'
            f'"metadata":{row["metadata"]},'
            f'"source_trace_id":{_optional_text(row["source_trace_id"])},'
            f'"source_event_id":{_optional_text(row["source_event_id"])},'
            f'"source_timestamp":{_iso_offset(row["source_timestamp"])}}}\n'
        )
    return "".join(lines).encode()


def _optional_text(text: str | None) -> str:
    return "null" if text is None else _quote(text)


class Exports:
    """Prepares exports in the background and tells an export's state as of now."""

    def __init__(
        self, store: RevisionedStore, options: ServerOptions, clock: Callable[[], datetime]
    ) -> None:
        self.store = store
        self.options = options
        self.clock = clock
        self._tasks: set[asyncio.Task[Any]] = set()

    def schedule(self, export_id: int, *, fail_with: str | None) -> None:
        """Prepare the file after `export_delay_ms`, off the event loop (call from a request)."""
        task = asyncio.get_running_loop().create_task(self._run(export_id, fail_with))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, export_id: int, fail_with: str | None) -> None:
        delay = self.options.export_delay_ms / 1000
        if delay > 0:
            await asyncio.sleep(delay)
        await asyncio.to_thread(self.prepare, export_id, fail_with)

    def prepare(self, export_id: int, fail_with: str | None = None) -> None:
        row = self.store.get_export(export_id)
        if row is None or self.state(row)[0] != "pending":
            return
        if fail_with is not None:
            self.store.finish_export(export_id, status="failed", exception=fail_with, content=None)
            return
        rows = self.store.snapshot_for_export(row["dataset_id"], row["dataset_revision"])
        content = jsonl(rows, row["dataset_revision"])
        if len(content) > self.options.export_max_bytes:
            self.store.finish_export(
                export_id, status="failed", exception=EXPORT_TOO_LARGE, content=None
            )
            return
        self.store.finish_export(export_id, status="complete", exception=None, content=content)

    def state(self, row: Row) -> tuple[str, str | None]:
        """(status, exception) now: an export still pending after the timeout has failed."""
        if row["status"] != "pending":
            return row["status"], row["exception"]
        deadline = timedelta(seconds=self.options.export_timeout_seconds)
        if format_datetime(self.clock() - deadline) > row["created_at"]:
            self.store.finish_export(
                row["id"], status="failed", exception=EXPORT_TOO_SLOW, content=None
            )
            return "failed", EXPORT_TOO_SLOW
        return "pending", None

    def expired(self, row: Row) -> bool:
        return format_datetime(self.clock()) > str(row["expires_after"])
