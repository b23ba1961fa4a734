"""Export a dataset to a file and import a file into a dataset, on both datasets APIs.

No Textual here: the TUI's export/import dialogs and the `phtui datasets pull|push`,
`phtui export` and `phtui import` commands all call `export_items` and `import_items` (and
`phtui.core.push_plan` for push) and show what a `TransferObserver` is told: progress, the
export job's state, waits (429s: "rate limited: waiting 12 s", never a frozen bar) and problems
with single lines as they happen. The file format and the client item id recipe are in
`phtui.core.transfer_file`.

Export
------
Written to `FILE.part` and renamed to `FILE` only when complete, so a cancelled or failed export
never leaves a truncated file; an unwritable path fails before any request.

- Revisioned servers: pinned to one revision (the given one, else the current one). By default
  PostHog's export job (`create_dataset_export` -> status while pending -> the file, following
  the redirect to pre-signed storage without the key), copied line by line as PostHog wrote it.
  When the job fails, is throttled (PostHog allows 10 a day), times out or its download breaks,
  or when asked (`method="direct"`), the items at that revision are read with
  `list_all_dataset_items(revision=N)` and written in the same format and order.
- Classic servers (no revisions): pages of `limit`/`offset`, a few at a time. Offsets shift when
  items are added or removed meanwhile, so a pass is checked: every page must report the same
  count, no id may come twice, the ids must add up to the count, and the first page read again
  at the end must be unchanged. A pass that fails the check is thrown away and read again (up to
  `CLASSIC_PASSES` times): the file holds one consistent reading, and its count is the truth.
- Items nested too deeply for this program to read (`DatasetItem.too_deep`) cannot be written:
  they are listed in `ExportResult.skipped`, never dropped silently.

Import
------
Every record carries a `client_item_id` (its own or the derived one, see `transfer_file`).

- Revisioned servers: creates send it, so PostHog makes them idempotent: a rerun, a retry after
  a lost answer (the client repeats such a create itself) or two imports of the same file at once
  never create an item twice. A dataset that is not much bigger than the file is read first, and
  lines it has with the same content are not sent again (a rerun costs a few page reads instead
  of a request per line). An answer describing an item that existed before this import
  started (its revision is not newer than the dataset's revision then) counts as "already in
  the dataset". 409s are per line: `client_item_id_conflict` names the line and what to do;
  `limit_reached` stops the import and says how many lines fit.
- Classic servers have no such key. A ledger beside the file (`FILE.<dataset id>.imported`,
  else under phtui's data folder) records each record's key as "sent" before its create and
  "done" when PostHog confirms it. A rerun skips "done" records; a "sent" record without an
  answer (interrupted, connection lost) is looked for in the dataset by content before it is
  created again; lines whose answer is lost during a run are looked for the same way at its end.
- 429s are waited out and shown. After `CONNECTION_FAILURES` requests in a row fail to reach
  PostHog, the import stops and says how to resume instead of trying every remaining line.
- A record exported from the very dataset it is imported into (its `dataset_id`) whose
  `item_id` the dataset has is already there, key or no key.
- Cancelling (Ctrl+C, Esc) leaves the report with the counts so far; running the same import
  again resumes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import os
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, Final, TypeVar

from phtui.api.client import PostHogClient
from phtui.api.errors import (
    AuthenticationError,
    ConflictError,
    ExportFailedError,
    ExportTimeoutError,
    LimitReachedError,
    NotFoundError,
    PermissionDeniedError,
    PostHogError,
    RateLimitedError,
    ServerError,
    StorageError,
    TransportError,
    ValidationError,
)
from phtui.api.models import DatasetItem, DatasetsApi, Page
from phtui.core.item_fields import check_create
from phtui.core.transfer_file import (
    ItemFileError,
    ItemRecord,
    ItemsFile,
    LineProblem,
    content_key,
    export_line,
    item_content,
    read_items_file,
)

__all__ = [
    "CLASSIC_PASSES",
    "CONNECTION_FAILURES",
    "DEFAULT_IMPORT_CONCURRENCY",
    "DestinationExistsError",
    "Engine",
    "ExportFormat",
    "ExportMethod",
    "ExportResult",
    "ImportLedger",
    "ImportReport",
    "LineFailed",
    "LineUnanswered",
    "RunStopped",
    "TransferError",
    "TransferObserver",
    "content_keys",
    "create_problem",
    "default_ledger_path",
    "export_items",
    "import_items",
    "part_path",
    "reporting_waits",
]

T = TypeVar("T")

DEFAULT_PAGE_SIZE: Final = 100
DEFAULT_EXPORT_WINDOW: Final = 4
DEFAULT_IMPORT_CONCURRENCY: Final = 8
CLASSIC_PASSES: Final = 5
CONNECTION_FAILURES: Final = 8  # requests in a row that could not reach PostHog: stop
AUTO_JOB_TIMEOUT: Final = 120.0  # then read the items directly instead
JOB_TIMEOUT: Final = 2130.0  # PostHog fails a job pending longer (35.5 minutes)
DEFAULT_RATE_LIMIT_WAIT: Final = 5.0
PREFETCH_ITEMS: Final = 1_000  # read a dataset up to this size (or twice the file) to skip lines

ProgressCallback = Callable[[int, int], None]
"""Called with (done, total) as a transfer advances (the simple form of an observer)."""


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    JSON = "json"


class ExportMethod(StrEnum):
    AUTO = "auto"  # PostHog's export job, else the items read directly
    JOB = "job"  # PostHog's export job only
    DIRECT = "direct"  # the items read at the revision, no job


class TransferError(PostHogError):
    """An export or import could not start or had to stop for a reason the user can act on
    (a file, a path, the dataset): `str()` is one line to show as it is."""


class DestinationExistsError(TransferError):
    """The export's file exists and replacing it was not allowed."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already exists.")
        self.path = path


class TransferObserver:
    """What a transfer tells as it goes. The CLI and the TUI subclass it; the defaults ignore
    everything. Called on the event loop's thread, between awaits."""

    def progress(self, done: int, total: int | None) -> None:
        """`done` of `total` items or lines handled (`total` None while unknown)."""

    def status(self, text: str) -> None:
        """A change of phase, as a sentence ("PostHog is preparing the export: pending, 3 s")."""

    def waiting(self, seconds: float, reason: str) -> None:
        """Nothing will happen for `seconds` ("rate limited", "connection problem (...)")."""

    def problem(self, problem: LineProblem) -> None:
        """A line that was not transferred (or a note about one), as soon as it is known."""


class _CallbackObserver(TransferObserver):
    def __init__(self, callback: ProgressCallback) -> None:
        self._callback = callback

    def progress(self, done: int, total: int | None) -> None:
        self._callback(done, max(total or 0, done))


def _observer(observer: TransferObserver | None, on_progress: ProgressCallback | None) -> Any:
    if observer is not None:
        return observer
    if on_progress is not None:
        return _CallbackObserver(on_progress)
    return TransferObserver()


@contextlib.contextmanager
def reporting_waits(client: PostHogClient, observer: TransferObserver) -> Iterator[None]:
    """Route the client's waits (429s, retries) to `observer` while the block runs; a hook the
    client had is still called, and put back afterwards."""
    previous = client.on_wait
    if previous == observer.waiting:  # the caller routed them there already
        yield
        return

    def hook(seconds: float, reason: str) -> None:
        observer.waiting(seconds, reason)
        if previous is not None:
            previous(seconds, reason)

    client.on_wait = hook
    try:
        yield
    finally:
        if client.on_wait is hook:
            client.on_wait = previous


# ==================================================================================== export


@dataclass(frozen=True)
class ExportResult:
    path: Path  # absolute
    items: int  # lines written
    revision: int | None  # the revision the file is pinned to (None: classic, or no items yet)
    method: str  # "job", "direct" or "pages" (classic)
    skipped: tuple[str, ...] = ()  # ids of items that could not be written
    fallback: str | None = None  # why the export job was not used, when it was tried
    passes: int = 1  # classic: readings needed for a consistent one
    latest: int | None = None  # revisioned, pinned to the latest: the latest once read

    def summary(self, dataset_name: str | None = None) -> str:
        """E.g. "Exported 587 items of 'Support answers' at revision 612 to /home/me/s.jsonl"."""
        of = f" of {dataset_name!r}" if dataset_name is not None else ""
        at = f" at revision {self.revision}" if self.revision is not None else ""
        noun = "item" if self.items == 1 else "items"
        text = f"Exported {self.items:,} {noun}{of}{at} to {self.path}"
        how = {
            "job": " (PostHog's export job)",
            "direct": " (read directly)",
            "pages": "",
        }.get(self.method, "")
        text += how + "."
        if self.passes > 1:
            text += (
                f" The dataset changed while it was read, so it was read {self.passes} times; "
                "the file is one consistent reading."
            )
        if self.latest is not None and self.revision is not None and self.latest > self.revision:
            text += (
                f" The dataset changed while it was exported: revision {self.latest:,} is the "
                "latest now (pull again for it)."
            )
        if self.skipped:
            text += f" {len(self.skipped):,} could not be written: {skipped_text(self.skipped)}."
        return text


def skipped_text(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5:,} more" if len(ids) > 5 else "")
    return f"nested too deeply for phtui to read ({shown})"


def part_path(destination: Path) -> Path:
    return destination.with_name(destination.name + ".part")


class _Writer:
    """Streams lines to `FILE.part` as JSONL or one JSON array; `commit()` renames it."""

    def __init__(self, destination: Path, fmt: ExportFormat) -> None:
        self.destination = destination
        self.part = part_path(destination)
        self.fmt = fmt
        self.count = 0
        self._stream: IO[str] = _open_for_writing(destination, self.part)
        self._begin()

    def _begin(self) -> None:
        self.count = 0
        if self.fmt is ExportFormat.JSON:
            self._stream.write("[")

    def restart(self) -> None:
        """Throw away what was written (a reading to be done again)."""
        self._stream.seek(0)
        self._stream.truncate()
        self._begin()

    def write(self, line: str) -> None:
        if self.fmt is ExportFormat.JSONL:
            self._stream.write(line + "\n")
        else:
            self._stream.write(("\n  " if self.count == 0 else ",\n  ") + line)
        self.count += 1

    def commit(self) -> None:
        if self.fmt is ExportFormat.JSON:
            self._stream.write("\n]\n" if self.count else "]\n")
        self._stream.close()
        try:
            os.replace(self.part, self.destination)
        except OSError as error:
            raise _path_error(self.destination, error) from None

    def discard(self) -> None:
        self._stream.close()
        with contextlib.suppress(OSError):
            self.part.unlink()


def _open_for_writing(destination: Path, part: Path) -> IO[str]:
    if destination.is_dir():
        raise TransferError(f"{destination} is a folder: give a file name.")
    if not destination.parent.is_dir():
        raise TransferError(
            f"Cannot write {destination}: the folder {destination.parent} does not exist."
        )
    try:
        return part.open("w", encoding="utf-8", newline="\n")
    except OSError as error:
        raise _path_error(destination, error) from None


def _path_error(path: Path, error: OSError) -> TransferError:
    reason = (error.strerror or str(error)).rstrip(".").lower()
    return TransferError(f"Cannot write {path}: {reason}.")


async def export_items(
    client: PostHogClient,
    dataset_id: str,
    destination: Path,
    *,
    revision: int | None = None,
    method: ExportMethod = ExportMethod.AUTO,
    fmt: ExportFormat = ExportFormat.JSONL,
    overwrite: bool = True,
    observer: TransferObserver | None = None,
    on_progress: ProgressCallback | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    window: int = DEFAULT_EXPORT_WINDOW,
    poll_interval: float = 1.0,
    job_timeout: float | None = None,
) -> ExportResult:
    """Write the dataset's items to `destination` (see the module docstring) and say how many.

    `revision` pins a revisioned export (default: the current revision; classic servers have
    none: `TransferError`). `overwrite=False` refuses an existing file (`DestinationExistsError`).
    Cancelling the calling task stops the export and removes the partial file.
    """
    if page_size < 1 or window < 1:
        raise ValueError("page_size and window must be positive")
    destination = destination.expanduser().absolute()
    if not overwrite and destination.exists():
        raise DestinationExistsError(destination)
    watcher: TransferObserver = _observer(observer, on_progress)
    writer = _Writer(destination, fmt)
    try:
        with reporting_waits(client, watcher):
            api = await client.detect_datasets_api()
            if api == "classic":
                if revision is not None:
                    raise TransferError(
                        "This PostHog serves the classic datasets API, which has no revisions: "
                        "export without one."
                    )
                result = await _export_classic(
                    client, dataset_id, writer, watcher, page_size, window
                )
            else:
                result = await _export_revisioned(
                    client,
                    dataset_id,
                    writer,
                    watcher,
                    revision,
                    method,
                    poll_interval,
                    job_timeout,
                )
                if revision is None and result.revision is not None:
                    result = await _latest_since(client, dataset_id, result)
        writer.commit()
    except BaseException:
        writer.discard()
        raise
    watcher.progress(result.items, result.items)
    return result


async def _export_revisioned(
    client: PostHogClient,
    dataset_id: str,
    writer: _Writer,
    observer: TransferObserver,
    revision: int | None,
    method: ExportMethod,
    poll_interval: float,
    job_timeout: float | None,
) -> ExportResult:
    dataset = await client.get_dataset(dataset_id)
    current = dataset.current_revision
    if revision is not None and (current is None or revision > current):
        latest = f"its latest is {current}" if current is not None else "it has no items yet"
        raise TransferError(f"{dataset.name!r} has no revision {revision}: {latest}.")
    pinned = revision if revision is not None else current
    path = writer.destination
    if pinned is None:  # no item was ever added: PostHog's job would refuse (409)
        return ExportResult(path=path, items=0, revision=None, method="direct")
    total = (await client.list_dataset_items(dataset_id, revision=pinned, limit=1)).count
    observer.progress(0, total)
    fallback: str | None = None
    if method is not ExportMethod.DIRECT:
        timeout = job_timeout or (JOB_TIMEOUT if method is ExportMethod.JOB else AUTO_JOB_TIMEOUT)
        try:
            return await _export_job(
                client, dataset_id, pinned, writer, observer, total, poll_interval, timeout
            )
        except (
            ExportFailedError,
            ExportTimeoutError,
            RateLimitedError,
            StorageError,
            ServerError,
            TransportError,
        ) as error:
            if method is ExportMethod.JOB:
                raise
            fallback = _job_problem(error)
        writer.restart()
        observer.status(f"PostHog's export job {fallback}: reading the items directly instead.")
    else:
        observer.status(f"Reading the {total:,} items of revision {pinned} directly.")
    snapshot = await client.list_all_dataset_items(dataset_id, revision=pinned)
    items = sorted(snapshot.items, key=_creation_order)
    skipped = _write_items(items, pinned, writer, observer, total)
    return ExportResult(
        path=path,
        items=writer.count,
        revision=pinned,
        method="direct",
        skipped=tuple(skipped),
        fallback=fallback,
    )


async def _latest_since(
    client: PostHogClient, dataset_id: str, result: ExportResult
) -> ExportResult:
    """The latest revision once the file is read (the export is pinned to the one before it
    started): a dataset changed meanwhile is said, not silently left out."""
    try:
        latest = (await client.get_dataset(dataset_id)).current_revision
    except PostHogError:
        return result  # the file is right as it is; only the note is missing
    return dataclasses.replace(result, latest=latest)


def _job_problem(error: PostHogError) -> str:
    if isinstance(error, RateLimitedError):
        return "is not available now (PostHog allows 10 export jobs a day)"
    if isinstance(error, ExportTimeoutError):
        return "did not finish in time"
    if isinstance(error, ExportFailedError):
        return f"failed ({error.reason or 'no reason given'})"
    if isinstance(error, StorageError):
        return "file could not be downloaded"
    if isinstance(error, ServerError):
        return f"failed on PostHog's side (server error {error.status})"
    if isinstance(error, TransportError):
        return f"got no answer ({_failure_kind(error.kind)})"
    return "could not be reached"


def _creation_order(item: DatasetItem) -> tuple[str, str]:
    """PostHog's export order: item creation time ascending, then item id."""
    created = item.created_at.isoformat() if item.created_at is not None else ""
    return created, item.id


async def _export_job(
    client: PostHogClient,
    dataset_id: str,
    revision: int,
    writer: _Writer,
    observer: TransferObserver,
    total: int,
    poll_interval: float,
    timeout: float,
) -> ExportResult:
    observer.status(f"Asking PostHog to export revision {revision}.")
    export = await client.create_dataset_export(dataset_id, revision=revision)
    started = asyncio.get_running_loop().time()

    def on_status(state: Any) -> None:
        seconds = asyncio.get_running_loop().time() - started
        observer.status(f"PostHog is preparing the export: {state.status}, {seconds:.0f} s.")

    if not export.done:
        on_status(export)
        # Small exports finish in a moment: look often at first, then every `poll_interval`.
        quick = min(2.0, timeout)
        try:
            export = await client.wait_for_dataset_export(
                dataset_id, export.id, poll_interval=0.2, timeout=quick, on_status=on_status
            )
        except ExportTimeoutError:
            export = await client.wait_for_dataset_export(
                dataset_id,
                export.id,
                poll_interval=poll_interval,
                timeout=max(timeout - quick, 0.0),
                on_status=on_status,
            )
    elif export.status == "failed":
        raise ExportFailedError(
            f"PostHog could not export the dataset: {export.exception}",
            export_id=export.id,
            reason=export.exception,
        )
    observer.status(f"Downloading {total:,} items of revision {revision}.")
    async for line in client.download_dataset_export(dataset_id, export.id):
        writer.write(line)
        if writer.count % 25 == 0:
            observer.progress(writer.count, total)
    return ExportResult(
        path=writer.destination, items=writer.count, revision=revision, method="job"
    )


def _write_items(
    items: Iterable[DatasetItem],
    revision: int | None,
    writer: _Writer,
    observer: TransferObserver,
    total: int | None,
) -> list[str]:
    """Write each item's line; return the ids of those that could not be written."""
    skipped: list[str] = []
    for item in items:
        if item.too_deep:
            skipped.append(item.id)
            continue
        try:
            line = export_line(item, revision)
        except RecursionError:
            skipped.append(item.id)
            continue
        writer.write(line)
    observer.progress(writer.count, total)
    return skipped


async def _export_classic(
    client: PostHogClient,
    dataset_id: str,
    writer: _Writer,
    observer: TransferObserver,
    page_size: int,
    window: int,
) -> ExportResult:
    size = page_size
    for attempt in range(1, CLASSIC_PASSES + 1):
        if attempt > 1:
            writer.restart()
        reading = await _classic_pass(client, dataset_id, writer, observer, size, window)
        if reading.consistent:
            return ExportResult(
                path=writer.destination,
                items=writer.count,
                revision=None,
                method="pages",
                skipped=tuple(reading.skipped),
                passes=attempt,
            )
        size = reading.page_size
        observer.status(f"The dataset changed while it was read ({reading.why}): reading it again.")
    raise TransferError(
        f"The dataset kept changing while it was exported ({CLASSIC_PASSES} readings): no file "
        "was written. Export it again when it is not being changed."
    )


@dataclass
class _Reading:
    consistent: bool = True
    why: str = ""
    page_size: int = DEFAULT_PAGE_SIZE
    skipped: list[str] = field(default_factory=list)


async def _classic_pass(
    client: PostHogClient,
    dataset_id: str,
    writer: _Writer,
    observer: TransferObserver,
    page_size: int,
    window: int,
) -> _Reading:
    """Read every page once, writing as it goes, and check the reading (module docstring)."""
    reading = _Reading(page_size=page_size)
    seen: set[str] = set()

    async def fetch(offset: int) -> Page[DatasetItem]:
        return await client.list_dataset_items(dataset_id, limit=page_size, offset=offset)

    first = await fetch(0)
    count = first.count
    if first.results and len(first.results) < page_size and first.has_next:
        return _Reading(False, "the server pages by fewer items", len(first.results))

    def take(page: Page[DatasetItem]) -> bool:
        if page.count != count:
            reading.consistent = False
            reading.why = f"{count:,} items, then {page.count:,}"
            return False
        for item in page.results:
            if item.id in seen:
                reading.consistent = False
                reading.why = "an item came twice"
                return False
            seen.add(item.id)
        reading.skipped.extend(_write_items(page.results, None, writer, observer, count))
        return True

    take(first)
    offsets = iter(range(page_size, count, page_size))
    pending: list[asyncio.Task[Page[DatasetItem]]] = [
        asyncio.ensure_future(fetch(offset)) for offset in _take(offsets, window)
    ]
    try:
        while pending and reading.consistent:
            page = await pending.pop(0)
            if not take(page):
                break
            pending.extend(asyncio.ensure_future(fetch(o)) for o in _take(offsets, 1))
    finally:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    if not reading.consistent:
        return reading
    if len(seen) != count:
        return _Reading(False, f"{count:,} items counted, {len(seen):,} read", page_size)
    again = await fetch(0)
    if again.count != count or [i.id for i in again.results] != [i.id for i in first.results]:
        return _Reading(False, "its newest items changed", page_size)
    return reading


def _take(iterator: Iterator[int], count: int) -> list[int]:
    return [value for _, value in zip(range(count), iterator, strict=False)]


# ==================================================================================== import


@dataclass
class ImportReport:
    """What an import did, kept up to date while it runs (read it after a cancel too)."""

    total: int = 0  # records in the file (non-blank lines, or array entries)
    imported: int = 0  # created by this run
    already: int = 0  # already in the dataset (PostHog had it, or it was found there)
    earlier: int = 0  # classic: imported by an earlier run, says the ledger
    repeats: int = 0  # the same item as an earlier line: left out
    failed: list[LineProblem] = field(default_factory=list)
    unknown: list[LineProblem] = field(default_factory=list)  # sent, never answered
    notes: list[LineProblem] = field(default_factory=list)
    not_run: int = 0  # lines not done (the import stopped or was interrupted)
    stopped: str | None = None  # why the import stopped before the end
    stop_kind: str = ""  # "limit" (rerunning will not help) or "unreachable"
    interrupted: bool = False
    api: DatasetsApi | None = None
    ledger: Path | None = None

    @property
    def handled(self) -> int:
        done = self.imported + self.already + self.earlier + self.repeats
        return done + len(self.failed) + len(self.unknown)

    @property
    def ok(self) -> bool:
        """Every line is in the dataset (or a repeat of one that is)."""
        return not (self.failed or self.unknown or self.stopped or self.interrupted or self.not_run)

    @property
    def resumable(self) -> bool:
        """Running the same import again would do more (not after the dataset filled up)."""
        if self.stop_kind == "limit":
            return False
        return bool(self.unknown or self.stopped or self.interrupted or self.not_run)

    def summary(self) -> str:
        """E.g. "1,277 imported, 223 already in the dataset, 2 failed (of 1,502 lines)"."""
        return f"{self.counts()} (of {self.total:,} {_lines(self.total)})"

    def counts(self) -> str:
        parts = [f"{self.imported:,} imported"]
        if self.already:
            parts.append(f"{self.already:,} already in the dataset")
        if self.earlier:
            parts.append(f"{self.earlier:,} imported earlier")
        if self.repeats:
            parts.append(f"{self.repeats:,} repeated {_lines(self.repeats)} left out")
        if self.failed:
            parts.append(f"{len(self.failed):,} failed")
        if self.unknown:
            parts.append(f"{len(self.unknown):,} not answered")
        if self.not_run:
            parts.append(f"{self.not_run:,} not done")
        return ", ".join(parts)

    def interrupted_text(self) -> str:
        """The one line to show when the import was interrupted."""
        return (
            f"Interrupted after {self.handled:,} of {self.total:,} {_lines(self.total)}: "
            f"{self.counts()}. {RESUME_HINT}"
        )


RESUME_HINT: Final = (
    "Run the same import again to finish: lines already imported are not created twice."
)


def _lines(count: int) -> str:
    return "line" if count == 1 else "lines"


def default_ledger_path(source: Path, dataset_id: str) -> Path:
    return source.with_name(f"{source.name}.{dataset_id}.imported")


def _fallback_ledger_path(source: Path, dataset_id: str) -> Path:
    from phtui.core.drafts import default_draft_dir

    digest = hashlib.sha256(str(source.absolute()).encode("utf-8", "surrogatepass")).hexdigest()
    return default_draft_dir().parent / "imports" / f"{digest[:16]}.{dataset_id}.imported"


class ImportLedger:
    """Classic servers only: the records of one file sent to and created in one dataset.

    One entry a line, appended and flushed at once: `sent KEY` before the create, `done KEY`
    when PostHog confirmed it. Lines from older phtui versions, "<line number> <digest>", mean
    done. A torn last line (a crash mid-write) is ignored.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done: set[str] = set()
        self.sent: set[str] = set()
        self.legacy: set[tuple[int, str]] = set()
        self._stream: IO[str] | None = None

    def load(self) -> None:
        self.done.clear()
        self.sent.clear()
        self.legacy.clear()
        if not self.path.exists():
            return
        for raw in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            state, _, key = raw.partition(" ")
            if not key:
                continue
            if state == "done":
                self.done.add(key)
            elif state == "sent":
                self.sent.add(key)
            elif state.isdigit():
                self.legacy.add((int(state), key))

    def is_done(self, record: ItemRecord) -> bool:
        return record.client_item_id in self.done or (record.line, record.digest) in self.legacy

    def was_sent(self, record: ItemRecord) -> bool:
        return record.client_item_id in self.sent and not self.is_done(record)

    def _append(self, text: str) -> None:
        if self._stream is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._stream = self.path.open("a", encoding="utf-8")
        self._stream.write(text + "\n")
        self._stream.flush()  # on disk before the next request: a crash loses nothing

    def mark_sent(self, key: str) -> None:
        self._append(f"sent {key}")
        self.sent.add(key)

    def mark_done(self, key: str) -> None:
        self._append(f"done {key}")
        self.done.add(key)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None


class RunStopped(Exception):
    """The run stops taking lines (`Engine.stopped` says why)."""


_FATAL: Final = (AuthenticationError, PermissionDeniedError, NotFoundError)


class Engine:
    """The request side of import and push: one record's create (or update) with every outcome
    PostHog can give, 429s waited out and shown, a run of connection failures ending the run.
    `phtui.core.push_plan` drives it too."""

    def __init__(
        self,
        client: PostHogClient,
        dataset_id: str,
        api: DatasetsApi,
        observer: TransferObserver,
        *,
        concurrency: int,
        base_revision: int,
        ledger: ImportLedger | None = None,
        max_connection_failures: int = CONNECTION_FAILURES,
        stop_when_full: bool = True,
    ) -> None:
        self.client = client
        self.dataset_id = dataset_id
        self.api = api
        self.observer = observer
        self.concurrency = concurrency
        self.base_revision = base_revision
        self.ledger = ledger
        self.max_failures = max(max_connection_failures, concurrency)
        self.failures_in_a_row = 0
        self.stopped: str | None = None  # why the run stops taking lines
        self.stop_kind = ""  # "limit" or "unreachable"
        # A full dataset (409 limit_reached) stops an import; a push goes on with its updates.
        self.stop_when_full = stop_when_full
        self.full = ""  # what PostHog said once the dataset is full
        self.in_flight: set[int] = set()

    # -- the pool ----------------------------------------------------------------------------

    async def run_all(
        self, records: Sequence[T], handle: Callable[[T], Awaitable[None]]
    ) -> list[T]:
        """`handle` each record, `concurrency` at a time in order, until one says stop; return
        the records never started. A fatal error cancels the others and is raised."""
        remaining = iter(records)
        not_started: list[T] = []

        async def worker() -> None:
            for record in remaining:
                if self.stopped is not None:
                    not_started.append(record)
                    continue
                await handle(record)

        failure: BaseException | None = None
        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(min(self.concurrency, max(len(records), 1))):
                    group.create_task(worker())
        except BaseExceptionGroup as errors:
            failure = errors.exceptions[0]
        if failure is not None:
            raise failure
        return not_started

    async def call(self, make: Callable[[], Awaitable[T]]) -> T:
        """`make()`, waiting out 429s the client gave up on (shown as waits) and counting
        connection failures (`RunStopped` after too many in a row)."""
        while True:
            try:
                result = await make()
            except RateLimitedError as error:
                delay = (
                    error.retry_after if error.retry_after is not None else DEFAULT_RATE_LIMIT_WAIT
                )
                self.observer.waiting(delay, "rate limited")
                await asyncio.sleep(delay)
                continue
            except (TransportError, ServerError) as error:
                self.failures_in_a_row += 1
                if self.failures_in_a_row >= self.max_failures and self.stopped is None:
                    kind = error.kind if isinstance(error, TransportError) else str(error.status)
                    self.stop_kind = "unreachable"
                    self.stopped = (
                        f"PostHog did not answer {self.failures_in_a_row} requests in a row "
                        f"({_failure_kind(kind)})."
                    )
                raise
            self.failures_in_a_row = 0
            return result

    # -- creating ----------------------------------------------------------------------------

    def create_problem(self, record: ItemRecord) -> LineProblem | None:
        return create_problem(record, self.api)

    async def create(self, record: ItemRecord) -> str:
        """Create the record's item. Returns "created", "already" or "edited" (a derived key
        whose item was edited since), or raises: `LineFailed` for a problem with this line,
        `LineUnanswered` when the answer was lost, `RunStopped`, or a fatal `PostHogError`."""
        if self.full and not self.stop_when_full:  # known without asking again
            raise LineFailed(record.problem(self.full, "limit"))
        fields = record.create_fields()
        self.in_flight.add(record.line)
        try:
            if self.ledger is not None:
                self.ledger.mark_sent(record.client_item_id)
            try:
                item = await self.call(
                    lambda: self.client.create_dataset_item(
                        self.dataset_id,
                        input=fields.get("input"),  # classic servers take an item without one
                        client_item_id=record.client_item_id,
                        **{name: v for name, v in fields.items() if name != "input"},
                    )
                )
            except LimitReachedError as error:
                self._limit(error)
                if self.stop_when_full:
                    raise RunStopped() from None
                raise LineFailed(record.problem(self.full, "limit")) from None
            except ConflictError as error:
                return self._conflict(record, error)
            except ValidationError as error:
                if error.field == "dataset":
                    raise
                where = f" ({error.field})" if error.field else ""
                raise LineFailed(
                    record.problem(f"PostHog refused it{where}: {error.detail}", "refused")
                ) from None
            except (TransportError, ServerError) as error:
                raise unanswered(record, error) from None
            if self.ledger is not None:
                self.ledger.mark_done(record.client_item_id)
            if self.api == "classic":
                return "created"
            new = item.version == 1 and (item.dataset_revision or 0) > self.base_revision
            return "created" if new else "already"
        finally:
            self.in_flight.discard(record.line)

    def _limit(self, error: LimitReachedError) -> None:
        limit = f"{error.limit:,}" if error.limit is not None else "its"
        self.full = (
            f"The dataset is full: PostHog allows {limit} items per dataset (archived ones count)."
        )
        if self.stop_when_full and self.stopped is None:
            self.stop_kind = "limit"
            self.stopped = self.full

    def _conflict(self, record: ItemRecord, error: ConflictError) -> str:
        if error.code == "dataset_archived":
            raise TransferError(
                "The dataset is archived: restore it before adding items (the dataset list "
                "shows archived datasets)."
            )
        if error.code != "client_item_id_conflict":
            raise LineFailed(record.problem(str(error), "conflict"))
        item = error.current_item_id or "an item"
        archived = "archived" in (error.detail or "").lower()
        if record.derived:
            if archived:
                raise LineFailed(
                    record.problem(
                        f"imported earlier as item {item}, which is archived now: restore that "
                        "item to have it back",
                        "archived",
                    )
                )
            self.observer.problem(
                record.problem(
                    f"imported earlier as item {item}, edited in PostHog since: left as it is",
                    "note",
                )
            )
            return "edited"
        key = record.client_item_id
        if archived:
            raise LineFailed(
                record.problem(
                    f"an archived item ({item}) has client_item_id {key!r}: restore it, or give "
                    "this line another client_item_id",
                    "archived",
                )
            )
        version = f" (version {error.current_version})" if error.current_version else ""
        raise LineFailed(
            record.problem(
                f"item {item}{version} already has client_item_id {key!r}, with other content: "
                "to replace it use `phtui datasets push`; to add this line as a new item give "
                "it another client_item_id",
                "conflict",
            )
        )


def create_problem(record: ItemRecord, api: DatasetsApi | None) -> LineProblem | None:
    """Why PostHog would refuse this record as a new item, found before sending it."""
    if api == "classic":
        if record.values.get("source_output") is not None:
            return record.problem(
                "this PostHog (classic datasets API) has no source_output: remove it or move it "
                "into metadata",
                "invalid",
            )
        return None
    if record.values.get("input") is None:
        return record.problem("input is missing or null: PostHog requires one", "invalid")
    found = check_create({**record.values, "client_item_id": record.client_item_id})
    return None if found is None else record.problem(found.message, "invalid")


class LineFailed(Exception):
    """This line was not transferred; `problem` says why."""

    def __init__(self, problem: LineProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class LineUnanswered(Exception):
    """This line's request was sent but its answer was lost: it may or may not have happened.
    `reason` says how, in a few words ("server error 500", "connection problem: ReadTimeout")."""

    def __init__(self, problem: LineProblem, reason: str = "") -> None:
        super().__init__(problem.message)
        self.problem = problem
        self.reason = reason


def unanswered(record: ItemRecord, error: PostHogError, message: str = "") -> LineUnanswered:
    """The `LineUnanswered` for a request of `record` that ended in `error` (a lost answer, or
    a 5xx: either may have happened)."""
    return LineUnanswered(
        record.problem(message or _unanswered(error), "unknown"), reason=lost_reason(error)
    )


def lost_reason(error: PostHogError) -> str:
    if isinstance(error, TransportError):
        return _failure_kind(error.kind)
    if isinstance(error, ServerError):
        return f"server error {error.status}"
    return type(error).__name__


def checking_status(count: int, noun: str, reasons: Iterable[str]) -> str:
    """The line said before settling requests whose answer was lost, naming how they were lost:
    "Checking 2 lines whose answer was lost (server error 500)."."""
    why = "; ".join(sorted({reason for reason in reasons if reason}))
    return f"Checking {count:,} {noun} whose answer was lost" + (f" ({why})." if why else ".")


def _failure_kind(kind: str) -> str:
    if kind.isdigit():
        return f"server error {kind}"
    return "connection refused" if kind == "ConnectError" else f"connection problem: {kind}"


def _unanswered(error: PostHogError) -> str:
    if isinstance(error, TransportError):
        return f"sent, but PostHog's answer was lost ({_failure_kind(error.kind)})"
    status = error.status if isinstance(error, ServerError) else "?"
    return f"sent, but PostHog failed with {status}"


async def content_keys(client: PostHogClient, dataset_id: str) -> dict[str, DatasetItem]:
    """The dataset's active items by the derived key of their content (classic servers use
    this to find an item whose create was never answered)."""
    snapshot = await client.list_all_dataset_items(dataset_id)
    return {content_key(item_content(i)): i for i in snapshot.items if not i.too_deep}


async def import_items(
    client: PostHogClient,
    dataset_id: str,
    source: Path | ItemsFile,
    *,
    concurrency: int = DEFAULT_IMPORT_CONCURRENCY,
    observer: TransferObserver | None = None,
    on_progress: ProgressCallback | None = None,
    ledger_path: Path | None = None,
    report: ImportReport | None = None,
    max_connection_failures: int = CONNECTION_FAILURES,
) -> ImportReport:
    """Create an item for each record of `source` not yet in the dataset (module docstring).

    `report` (optional) is filled in as the import runs, so a caller can read the counts after
    cancelling it. `TransferError` when the file cannot be read (not UTF-8, missing...) or the
    dataset cannot take items; other `PostHogError`s (key refused, dataset gone) stop the import.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be positive")
    report = report if report is not None else ImportReport()
    watcher: TransferObserver = _observer(observer, on_progress)
    if isinstance(source, ItemsFile):
        items_file = source
    else:
        try:
            items_file = read_items_file(source)
        except ItemFileError as error:
            raise TransferError(str(error)) from None
    report.total = items_file.total
    for problem in items_file.problems:
        if problem.code == "repeat":
            report.repeats += 1
        else:
            report.failed.append(problem)
        watcher.problem(problem)
    with reporting_waits(client, watcher):
        dataset = await client.get_dataset(dataset_id)
        api = await client.detect_datasets_api()
        report.api = api
        ledger: ImportLedger | None = None
        if api == "classic":
            ledger = _open_ledger(items_file.path, dataset_id, ledger_path)
            report.ledger = ledger.path
        engine = Engine(
            client,
            dataset_id,
            api,
            watcher,
            concurrency=concurrency,
            base_revision=dataset.current_revision or 0,
            ledger=ledger,
            max_connection_failures=max_connection_failures,
        )
        run = _ImportRun(engine, report, watcher)
        try:
            await run.run(items_file.records)
        finally:
            if ledger is not None:
                ledger.close()
    report.failed.sort(key=lambda problem: problem.line)
    return report


def _open_ledger(source: Path, dataset_id: str, path: Path | None) -> ImportLedger:
    candidates = (
        [path]
        if path is not None
        else [
            default_ledger_path(source, dataset_id),
            _fallback_ledger_path(source, dataset_id),
        ]
    )
    failure: OSError | None = None
    for candidate in candidates:
        ledger = ImportLedger(candidate)
        try:
            ledger.load()
            candidate.parent.mkdir(parents=True, exist_ok=True)
            with candidate.open("a", encoding="utf-8"):
                pass  # writable: found out now, not after the first create
        except OSError as error:
            failure = error
            continue
        return ledger
    assert failure is not None
    raise TransferError(
        f"Cannot keep the import's record (needed on this PostHog to resume without "
        f"duplicates): {failure.strerror or failure}."
    )


class _ImportRun:
    def __init__(self, engine: Engine, report: ImportReport, observer: TransferObserver) -> None:
        self.engine = engine
        self.report = report
        self.observer = observer
        self.unknown: list[ItemRecord] = []
        self.lost_reasons: list[str] = []  # how the answers of `unknown` were lost
        self._found: dict[str, DatasetItem] | None = None

    def _progress(self) -> None:
        self.observer.progress(self.report.handled, self.report.total)

    async def run(self, records: list[ItemRecord]) -> None:
        report, engine = self.report, self.engine
        self._progress()
        todo = await self._skip_present(records)
        if engine.ledger is not None:
            todo = await self._classic_resume(todo)
        try:
            await engine.run_all(todo, self._one)
            if engine.stopped is None and self.unknown:
                await self._settle_unknown()
        except asyncio.CancelledError:
            report.interrupted = True
            raise
        finally:
            report.unknown = sorted(
                (self._unknown_problem(record) for record in self.unknown),
                key=lambda problem: problem.line,
            )
            # Lines never started, and those in flight when the run stopped or was cancelled.
            report.not_run = report.total - report.handled
            if engine.stopped is not None:
                report.stopped = engine.stopped
                report.stop_kind = engine.stop_kind
                if engine.stop_kind == "limit":
                    report.stopped += (
                        f" {report.imported + report.already + report.earlier:,} of the file's "
                        "lines are in it; "
                        f"{report.not_run:,} do not fit: import them into another dataset."
                    )
            self._progress()

    def _unknown_problem(self, record: ItemRecord) -> LineProblem:
        return record.problem("sent, but PostHog did not answer: run the import again", "unknown")

    async def _skip_present(self, records: list[ItemRecord]) -> list[ItemRecord]:
        """Records the dataset has already, found without sending them: those exported from
        this very dataset whose item it has (key or no key), and (revisioned) those whose key it
        has with the same content. Saves a request per line on a rerun (429s come sooner than
        the end of a big file); PostHog stays the judge of everything that is sent."""
        engine, client = self.engine, self.engine.client
        from_here = any(r.item_id and r.dataset_id == engine.dataset_id for r in records)
        revisioned = engine.api == "revisioned"
        if not from_here and not revisioned:
            return records
        if not from_here:
            first = await engine.call(lambda: client.list_dataset_items(engine.dataset_id, limit=1))
            if first.count == 0 or first.count > max(PREFETCH_ITEMS, 2 * len(records)):
                return records  # nothing to find, or reading it costs more than it saves
        self.observer.status("Reading the dataset, to skip the lines it already has.")
        active = await engine.call(lambda: client.list_all_dataset_items(engine.dataset_id))
        items = list(active.items)
        if revisioned and active.revision is not None:
            pinned = active.revision
            archived = await engine.call(
                lambda: client.list_all_dataset_items(
                    engine.dataset_id, revision=pinned, archived=True
                )
            )
            items.extend(archived.items)
        ids = {item.id for item in items}
        by_key = {item.client_item_id: item for item in items if item.client_item_id}
        todo = []
        for record in records:
            if record.item_id in ids and record.dataset_id == engine.dataset_id:
                self.report.already += 1
                continue
            known = by_key.get(record.client_item_id) if revisioned else None
            if (
                known is not None
                and not known.archived
                and not known.too_deep
                and content_key(item_content(known)) == content_key(record.values)
            ):
                self.report.already += 1
                continue
            todo.append(record)
        self._progress()
        return todo

    async def _classic_resume(self, records: list[ItemRecord]) -> list[ItemRecord]:
        """Skip records an earlier run imported; look for those it sent without an answer."""
        ledger = self.engine.ledger
        assert ledger is not None
        todo: list[ItemRecord] = []
        for record in records:
            if ledger.is_done(record):
                self.report.earlier += 1
            elif ledger.was_sent(record):
                found = await self._find(record, fresh=False)
                if found:
                    ledger.mark_done(record.client_item_id)
                    self.report.already += 1
                else:
                    todo.append(record)
            else:
                todo.append(record)
        self._progress()
        return todo

    async def _find(self, record: ItemRecord, *, fresh: bool) -> bool:
        """Is there an item with this record's content? (Classic: reads the dataset once.)"""
        if self._found is None or fresh:
            self.observer.status("Looking in the dataset for lines whose answer was lost.")
            self._found = await self.engine.call(
                lambda: content_keys(self.engine.client, self.engine.dataset_id)
            )
        return content_key(record.values) in self._found

    async def _one(self, record: ItemRecord) -> None:
        problem = self.engine.create_problem(record)
        if problem is not None:
            self._failed(problem)
            return
        try:
            outcome = await self.engine.create(record)
        except LineFailed as failure:
            self._failed(failure.problem)
            return
        except LineUnanswered as lost:
            self.unknown.append(record)  # settled at the end, or counted as not answered
            self.lost_reasons.append(lost.reason)
            self._progress()
            return
        except RunStopped:
            return
        if outcome == "created":
            self.report.imported += 1
        else:
            self.report.already += 1
        self._progress()

    def _failed(self, problem: LineProblem) -> None:
        self.report.failed.append(problem)
        self.observer.problem(problem)
        self._progress()

    async def _settle_unknown(self) -> None:
        """Lines sent without an answer: look for them (classic) or send them again (revisioned,
        where a repeat with the same key cannot create a second item)."""
        records, self.unknown = self.unknown, []
        reasons, self.lost_reasons = self.lost_reasons, []
        self.observer.status(checking_status(len(records), "lines", reasons))
        retry: list[ItemRecord] = []
        if self.engine.ledger is not None:
            for index, record in enumerate(records):
                if await self._find(record, fresh=index == 0):
                    self.engine.ledger.mark_done(record.client_item_id)
                    self.report.imported += 1
                else:
                    retry.append(record)
        else:
            retry = records
        self._progress()
        not_started = await self.engine.run_all(retry, self._one)
        self.unknown.extend(not_started)
