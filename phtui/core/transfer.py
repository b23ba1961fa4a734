"""Export a dataset's items to JSONL or JSON, and import JSONL into a dataset.

No Textual here: the TUI modals and the `phtui export` / `phtui import` commands both call
`export_items` and `import_items` and show the progress they report.

Export fetches pages through `limit`/`offset` with a small window of concurrent requests and
writes them in order to `FILE.part`, renamed to `FILE` only when every page is written, so a
cancelled or failed export never leaves a truncated file behind. Offsets shift when items are
added while an export runs (the list is newest first), so rows are de-duplicated by id.

Import reads JSONL one line at a time, creates items with bounded concurrency and reports each
failed line with its number. Resume without duplicates uses a ledger file beside the input
(`FILE.<dataset id>.imported`): one line per imported line, "<line number> <digest of the line's
text>", appended and flushed as soon as PostHog confirms the item. Running the same import again
skips every line already in the ledger, so an interrupted or partly failed import is finished by
running it again. Chosen over a fingerprint in the item's metadata because it leaves the user's
data untouched and needs no scan of the dataset. One window remains: a create whose answer was
lost (connection dropped mid-request) may or may not exist; it is reported as failed and a rerun
creates it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from phtui.api.client import PostHogClient
from phtui.api.errors import (
    APIError,
    AuthenticationError,
    PermissionDeniedError,
    PostHogError,
    ValidationError,
)
from phtui.api.models import DatasetItem, Page

# What an exported line holds, in this order. `id` and the timestamps document where the row
# came from; import ignores them (PostHog sets them).
EXPORT_FIELDS = (
    "id",
    "input",
    "output",
    "metadata",
    "ref_trace_id",
    "ref_timestamp",
    "ref_source_id",
    "created_at",
    "updated_at",
)
IMPORT_FIELDS = ("input", "output", "metadata", "ref_trace_id", "ref_timestamp", "ref_source_id")
# The file keeps the names it always had; the client's items use PostHog's current ones.
FILE_TO_ITEM = {
    "output": "expected_output",
    "ref_trace_id": "source_trace_id",
    "ref_timestamp": "source_timestamp",
    "ref_source_id": "source_event_id",
}
# Server-set fields an exported file carries: accepted on import and dropped.
IGNORED_ON_IMPORT = frozenset({"id", "dataset", "created_at", "updated_at", "created_by", "team"})

DEFAULT_PAGE_SIZE = 100
DEFAULT_EXPORT_WINDOW = 4
DEFAULT_IMPORT_CONCURRENCY = 8

ProgressCallback = Callable[[int, int], None]
"""Called with (done, total) after each page written or line handled."""


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    JSON = "json"


class TransferError(PostHogError):
    """An export or import could not start or had to stop; the message says why."""


# --------------------------------------------------------------------------- export


@dataclass(frozen=True)
class ExportResult:
    path: Path
    items: int


def item_record(item: DatasetItem) -> dict[str, Any]:
    """The JSON object one item becomes in an export."""
    values = item.json_fields(FILE_TO_ITEM.get(name, name) for name in EXPORT_FIELDS)
    return {name: values[FILE_TO_ITEM.get(name, name)] for name in EXPORT_FIELDS}


def part_path(destination: Path) -> Path:
    return destination.with_name(destination.name + ".part")


class _RecordWriter:
    """Writes records as JSONL or as one JSON array, streaming, in the order given."""

    def __init__(self, stream: IO[str], fmt: ExportFormat) -> None:
        self._stream = stream
        self._fmt = fmt
        self._first = True

    def open(self) -> None:
        if self._fmt is ExportFormat.JSON:
            self._stream.write("[")

    def write(self, record: Mapping[str, Any]) -> None:
        text = json.dumps(record, ensure_ascii=False)
        if self._fmt is ExportFormat.JSONL:
            self._stream.write(text + "\n")
        else:
            self._stream.write(("\n" if self._first else ",\n") + "  " + text)
        self._first = False

    def close(self) -> None:
        if self._fmt is ExportFormat.JSON:
            self._stream.write("\n]\n" if not self._first else "]\n")


async def export_items(
    client: PostHogClient,
    dataset_id: str,
    destination: Path,
    *,
    fmt: ExportFormat = ExportFormat.JSONL,
    page_size: int = DEFAULT_PAGE_SIZE,
    window: int = DEFAULT_EXPORT_WINDOW,
    on_progress: ProgressCallback | None = None,
) -> ExportResult:
    """Write every item of the dataset to `destination`; returns how many were written.

    Cancelling the calling task stops the export and removes the partial file.
    """
    if page_size < 1 or window < 1:
        raise ValueError("page_size and window must be positive")
    partial = part_path(destination)
    seen: set[str] = set()

    async def fetch(offset: int) -> Page[DatasetItem]:
        return await client.list_dataset_items(dataset_id, limit=page_size, offset=offset)

    def write_page(writer: _RecordWriter, page: Page[DatasetItem]) -> int:
        written = 0
        for item in page.results:
            if item.id in seen:
                continue
            seen.add(item.id)
            writer.write(item_record(item))
            written += 1
        return written

    pending: deque[asyncio.Task[Page[DatasetItem]]] = deque()
    try:
        with partial.open("w", encoding="utf-8") as stream:
            writer = _RecordWriter(stream, fmt)
            writer.open()
            first = await fetch(0)
            total = first.count
            write_page(writer, first)
            _report(on_progress, len(seen), total)
            last_full = len(first.results) == page_size
            offsets = iter(range(page_size, max(total, page_size), page_size))
            for offset in _take(offsets, window):
                pending.append(asyncio.ensure_future(fetch(offset)))
            last_offset = 0
            while pending:
                page = await pending.popleft()
                last_offset += page_size
                write_page(writer, page)
                last_full = len(page.results) == page_size
                total = max(total, page.count)
                _report(on_progress, len(seen), total)
                for offset in _take(offsets, 1):
                    pending.append(asyncio.ensure_future(fetch(offset)))
            # Items added during the export push older ones past the count read at the start.
            while last_full:
                last_offset += page_size
                page = await fetch(last_offset)
                write_page(writer, page)
                last_full = len(page.results) == page_size
                _report(on_progress, len(seen), max(total, len(seen)))
            writer.close()
        os.replace(partial, destination)
    except BaseException:
        for task in pending:
            task.cancel()
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    _report(on_progress, len(seen), len(seen))
    return ExportResult(path=destination, items=len(seen))


def _take(iterator: Iterator[int], count: int) -> list[int]:
    return [value for _, value in zip(range(count), iterator, strict=False)]


def _report(callback: ProgressCallback | None, done: int, total: int) -> None:
    if callback is not None:
        callback(done, max(total, done))


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class FailedLine:
    line: int
    message: str


@dataclass
class ImportReport:
    total: int = 0  # non-blank lines in the file
    imported: int = 0  # created by this run
    skipped: int = 0  # already imported by an earlier run (ledger)
    failed: list[FailedLine] = field(default_factory=list)
    ledger: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        parts = [f"{self.imported:,} imported"]
        if self.skipped:
            parts.append(f"{self.skipped:,} already imported earlier")
        if self.failed:
            parts.append(f"{len(self.failed):,} failed")
        return ", ".join(parts) + f" (of {self.total:,} lines)"


class LineError(ValueError):
    """A line that is not a valid item; the message names the problem."""


def parse_line(text: str) -> dict[str, Any]:
    """The create-item fields of one JSONL line, or `LineError` saying what is wrong."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise LineError(f"invalid JSON at column {error.colno}: {error.msg}") from None
    if not isinstance(value, dict):
        raise LineError(f"expected a JSON object, found {type(value).__name__}")
    unknown = sorted(set(value) - set(IMPORT_FIELDS) - IGNORED_ON_IMPORT - {"deleted"})
    if unknown:
        raise LineError(
            "unknown field(s): "
            + ", ".join(repr(name) for name in unknown)
            + f"; an item has {', '.join(IMPORT_FIELDS)}"
        )
    for name in ("ref_trace_id", "ref_timestamp", "ref_source_id"):
        if value.get(name) is not None and not isinstance(value[name], str):
            raise LineError(f"'{name}' must be a string or null")
    return {name: value[name] for name in IMPORT_FIELDS if name in value}


def line_digest(text: str) -> str:
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:16]


def default_ledger_path(source: Path, dataset_id: str) -> Path:
    return source.with_name(f"{source.name}.{dataset_id}.imported")


class ImportLedger:
    """Lines of one input file already imported into one dataset, kept in an append-only file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries: set[tuple[int, str]] = set()
        self._stream: IO[str] | None = None

    def load(self) -> None:
        self._entries.clear()
        if not self.path.exists():
            return
        for raw in self.path.read_text(encoding="utf-8").splitlines():
            number, _, digest = raw.partition(" ")
            if number.isdigit() and digest:  # a torn last line after a crash is ignored
                self._entries.add((int(number), digest))

    def __contains__(self, entry: tuple[int, str]) -> bool:
        return entry in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def record(self, line: int, digest: str) -> None:
        if self._stream is None:
            self._stream = self.path.open("a", encoding="utf-8")
        self._stream.write(f"{line} {digest}\n")
        self._stream.flush()  # written before the next create: a crash loses at most this line
        self._entries.add((line, digest))

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None


def count_lines(source: Path) -> int:
    """Non-blank lines of the file: the import's total for progress."""
    with source.open("r", encoding="utf-8") as stream:
        return sum(1 for raw in stream if raw.strip())


def _numbered_lines(source: Path) -> Iterator[tuple[int, str]]:
    with source.open("r", encoding="utf-8") as stream:
        for number, raw in enumerate(stream, start=1):
            if raw.strip():
                yield number, raw


def _is_fatal(error: BaseException) -> bool:
    """Errors every following line would hit too: stop instead of failing each line."""
    if isinstance(error, AuthenticationError | PermissionDeniedError):
        return True
    if isinstance(error, ValidationError) and error.attr == "dataset":
        return True  # the dataset is gone or belongs to another project
    return isinstance(error, APIError) and error.status == 404


async def import_items(
    client: PostHogClient,
    dataset_id: str,
    source: Path,
    *,
    concurrency: int = DEFAULT_IMPORT_CONCURRENCY,
    ledger_path: Path | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    """Create an item for each JSONL line not yet imported; see the module docstring."""
    if concurrency < 1:
        raise ValueError("concurrency must be positive")
    if not source.is_file():
        raise TransferError(f"{source} is not a file.")
    ledger = ImportLedger(ledger_path or default_ledger_path(source, dataset_id))
    ledger.load()
    report = ImportReport(total=count_lines(source), ledger=ledger.path)
    queue: asyncio.Queue[tuple[int, str] | None] = asyncio.Queue(maxsize=concurrency * 4)

    def handled() -> None:
        _report(on_progress, report.imported + report.skipped + len(report.failed), report.total)

    async def create_worker() -> None:
        while (job := await queue.get()) is not None:
            number, raw = job
            digest = line_digest(raw)
            try:
                fields = parse_line(raw)
                item = {FILE_TO_ITEM.get(name, name): value for name, value in fields.items()}
                await client.create_dataset_item(dataset_id, input=item.pop("input", None), **item)
            except LineError as error:
                report.failed.append(FailedLine(number, str(error)))
            except PostHogError as error:
                if _is_fatal(error):
                    raise
                report.failed.append(FailedLine(number, str(error)))
            else:
                ledger.record(number, digest)
                report.imported += 1
            handled()

    async def feed() -> None:
        for number, raw in _numbered_lines(source):
            if (number, line_digest(raw)) in ledger:
                report.skipped += 1
                handled()
                continue
            await queue.put((number, raw))
        for _ in range(concurrency):
            await queue.put(None)

    workers = [asyncio.ensure_future(create_worker()) for _ in range(concurrency)]
    feeder = asyncio.ensure_future(feed())
    try:
        done, _ = await asyncio.wait([feeder, *workers], return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            if (error := task.exception()) is not None:
                raise error
        await asyncio.gather(feeder, *workers)
    finally:
        for task in (feeder, *workers):
            task.cancel()
        await asyncio.gather(feeder, *workers, return_exceptions=True)
        ledger.close()
    report.failed.sort(key=lambda failed: failed.line)
    return report
