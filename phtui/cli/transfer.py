"""The transfer commands: `phtui datasets pull|push` and their older names `phtui export` and
`phtui import`.

    phtui datasets pull DATASET [--revision N] [-o FILE] [--format jsonl|json] [--direct] [--force]
    phtui datasets push DATASET FILE [--dry-run] [--all] [--concurrency N]
    phtui export DATASET ...     = phtui datasets pull DATASET ...
    phtui import DATASET FILE    creates the file's items that are not in the dataset yet (never
                                 updates one: that is push)

DATASET is a dataset id or its exact name. The connection comes from `phtui.config` (profile,
`POSTHOG_*` variables, config file), exactly as for the app. The work is `phtui.core.transfer`
and `phtui.core.push_plan`, shared with the TUI. Progress, waits ("rate limited: waiting 12 s")
and problems go to stderr (problems as `FILE:LINE:COLUMN: message`); a dry run's plan goes to
stdout. Every error is one line. Exit status: 0 done, 1 failed (PostHog refused or was
unreachable, or some lines were not transferred), 2 a problem to fix first (options, settings,
an unknown dataset, a file that cannot be read or written), 130 interrupted (the message says
how many lines were done and how to resume).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import sys
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from phtui.api import PostHogClient
from phtui.api.errors import NotFoundError, PostHogError, UnsupportedError, ValidationError
from phtui.api.models import Dataset
from phtui.cli.connection import UsageError, open_client, resolve_profile
from phtui.cli.options import ArgumentParser, CliError, add_connection_options
from phtui.config import ResolvedProfile
from phtui.core.push_plan import PushReport, plan_push, run_push
from phtui.core.text import one_line
from phtui.core.transfer import (
    DEFAULT_IMPORT_CONCURRENCY,
    RESUME_HINT,
    ExportFormat,
    ExportMethod,
    ImportReport,
    TransferError,
    TransferObserver,
    export_items,
    import_items,
)
from phtui.core.transfer_file import ItemFileError, LineProblem, file_name, read_items_file

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer cut off by `head`


class CommandFailed(Exception):
    """The command ran and failed: one line on stderr, exit status 1."""


# ---------------------------------------------------------------------------- arguments


def pull_parser(prog: str = "phtui datasets pull") -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog=prog,
        description=(
            "Write a dataset's items to a file in PostHog's export format (JSON Lines), pinned "
            "to one revision. Uses PostHog's export job, or reads the items directly when the "
            "job is not available (PostHog allows 10 a day) or with --direct."
        ),
    )
    parser.add_argument("dataset", metavar="DATASET", help="dataset id or exact name")
    parser.add_argument(
        "--revision", type=int, metavar="N", help="the revision to export (default: the latest)"
    )
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="default: NAME-rREVISION.jsonl here"
    )
    parser.add_argument(
        "--format", choices=[fmt.value for fmt in ExportFormat], help="default: from -o, or jsonl"
    )
    parser.add_argument(
        "--direct", action="store_true", help="read the items directly, without an export job"
    )
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    add_connection_options(parser)
    return parser


def export_parser() -> argparse.ArgumentParser:
    return pull_parser("phtui export")


def push_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="phtui datasets push",
        description=(
            "Make a dataset hold a file's items: create the new ones, update those whose "
            "content changed (matched by client_item_id, or by item id for a file pulled from "
            "this dataset), leave the others alone. Reads PostHog's export format and the "
            "classic one. Run it again to resume: nothing is created twice."
        ),
    )
    parser.add_argument("dataset", metavar="DATASET", help="dataset id or exact name")
    parser.add_argument("file", type=Path, metavar="FILE", help="JSONL file (or a JSON array)")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="say what would be created, updated, left unchanged or refused, and change nothing",
    )
    parser.add_argument(
        "--all", action="store_true", help="with --dry-run: list unchanged lines too"
    )
    _concurrency_option(parser)
    add_connection_options(parser)
    return parser


def import_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="phtui import",
        description=(
            "Create one dataset item per JSONL line (PostHog's export format, or the classic "
            "input/output/metadata/ref_* one). Each line gets a client_item_id (its own, or "
            "one derived from its content), so running the same import again resumes it and "
            "never creates an item twice. To update existing items, use phtui datasets push."
        ),
    )
    parser.add_argument("dataset", metavar="DATASET", help="dataset id or exact name")
    parser.add_argument("file", type=Path, metavar="FILE", help="JSONL file (or a JSON array)")
    _concurrency_option(parser)
    add_connection_options(parser)
    return parser


def _concurrency_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_IMPORT_CONCURRENCY,
        metavar="N",
        help=f"requests in flight (default {DEFAULT_IMPORT_CONCURRENCY})",
    )


# --------------------------------------------------------------------------- connection


async def find_dataset(client: PostHogClient, wanted: str) -> Dataset:
    """The dataset with this id, else the one with exactly this name (active ones first, then
    archived ones on revisioned servers)."""
    if _UUID.match(wanted):
        with contextlib.suppress(NotFoundError, ValidationError):
            return await client.get_dataset(wanted)
    matches = await client.find_datasets_by_name(wanted)
    if not matches and await client.detect_datasets_api() == "revisioned":
        matches = await _archived_named(client, wanted)
    if not matches:
        raise UsageError(f"No dataset with the id or name {wanted!r}.")
    if len(matches) > 1:
        ids = ", ".join(match.id for match in matches)
        raise UsageError(f"{len(matches)} datasets are named {wanted!r}; use an id: {ids}")
    return matches[0]


async def _archived_named(client: PostHogClient, name: str) -> list[Dataset]:
    found: list[Dataset] = []
    offset = 0
    with contextlib.suppress(UnsupportedError):
        while True:
            page = await client.list_datasets(search=name, archived=True, offset=offset)
            found.extend(dataset for dataset in page.results if dataset.name == name)
            if not page.has_next:
                break
            offset = page.next_offset
    return found


def default_file_name(dataset: Dataset, fmt: ExportFormat, revision: int | None = None) -> str:
    """`support-answers-r612.jsonl` (no revision part on classic servers)."""
    return file_name(
        dataset.name, revision if revision is not None else dataset.current_revision, fmt.value
    )


# ----------------------------------------------------------------------------- progress


class CliObserver(TransferObserver):
    """Progress on stderr: on a terminal one line rewritten in place (waits count down on it);
    otherwise only problems, waits and changes of phase, each on a line of its own."""

    def __init__(self, stream: TextIO, noun: str, *, source: Path | None = None) -> None:
        self._stream = stream
        self._noun = noun
        self._source = source
        self._tty = stream.isatty()
        self._last_draw = 0.0
        self._line = ""
        self._progress = ""
        self._wait_until = 0.0
        self._wait_reason = ""
        self._last_status = ""
        self.problems: list[LineProblem] = []

    # -- what the transfer reports --------------------------------------------------------

    def progress(self, done: int, total: int | None) -> None:
        if total:
            percent = f" ({done * 100 // total}%)" if total else ""
            self._progress = f"{done:,} of {total:,} {self._noun}{percent}"
        else:
            self._progress = f"{done:,} {self._noun}"
        self._wait_until = 0.0
        now = time.monotonic()
        if now - self._last_draw >= 0.1 or done == total:
            self._draw(self._progress)

    def status(self, text: str) -> None:
        phase = re.sub(r"\d", "", text)
        if self._tty:
            self._draw(one_line(text))
        elif phase != self._last_status:
            self._say(one_line(text))
        self._last_status = phase

    def waiting(self, seconds: float, reason: str) -> None:
        now = time.monotonic()
        # Several requests in flight often wait for the same reason at once: say it once.
        repeat = reason == self._wait_reason and now < self._wait_until
        self._wait_until = max(self._wait_until if repeat else 0.0, now + seconds)
        self._wait_reason = reason
        if self._tty:
            self._draw_wait()
        elif not repeat:
            self._say(f"{reason}: waiting {_seconds(seconds)}")

    def problem(self, problem: LineProblem) -> None:
        self.problems.append(problem)
        self._say(self.problem_line(problem))

    def problem_line(self, problem: LineProblem) -> str:
        where = f"{problem.line}:{problem.column}" if problem.column else f"{problem.line}"
        prefix = f"{self._source}:{where}" if self._source and not problem.array else problem.where
        return one_line(f"{prefix}: {problem.message}")

    # -- drawing ------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        """A line of its own, above the progress line."""
        self._say(one_line(text))

    def _say(self, text: str) -> None:
        if self._tty and self._line:
            self._stream.write("\r\x1b[2K")
        self._stream.write(text + "\n")
        if self._tty and self._line:
            self._stream.write(self._line)
        self._stream.flush()

    def _draw(self, text: str) -> None:
        self._last_draw = time.monotonic()
        if not self._tty:
            return
        self._line = text
        self._stream.write("\r\x1b[2K" + text)
        self._stream.flush()

    def _draw_wait(self) -> None:
        left = self._wait_until - time.monotonic()
        if left > 0:
            done = f"{self._progress} · " if self._progress else ""
            self._draw(f"{done}{self._wait_reason}: waiting {_seconds(left)}")
        elif self._progress:
            self._wait_until = 0.0
            self._draw(self._progress)

    async def tick(self) -> None:
        """Count waits down on a terminal, twice a second, while the transfer runs."""
        while True:
            await asyncio.sleep(0.5)
            if self._tty and self._wait_until:
                self._draw_wait()

    def finish(self) -> None:
        if self._tty and self._line:
            self._stream.write("\r\x1b[2K")
            self._stream.flush()
            self._line = ""


def _seconds(seconds: float) -> str:
    return f"{max(1, round(seconds)):,} s"


@contextlib.asynccontextmanager
async def _live(observer: CliObserver) -> AsyncIterator[None]:
    ticker = asyncio.ensure_future(observer.tick())
    try:
        yield
    finally:
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker
        observer.finish()


def _err(text: str) -> None:
    print(one_line(text), file=sys.stderr)


# ------------------------------------------------------------------------------ commands


@dataclass
class _State:
    """What a command has done so far: read by the interrupt handler."""

    interrupted: Callable[[], str] | None = None


async def _pull(options: argparse.Namespace, resolved: ResolvedProfile, state: _State) -> int:
    output: Path | None = options.output
    fmt = ExportFormat(options.format) if options.format else None
    if fmt is None:
        json_name = output is not None and output.suffix.lower() == ".json"
        fmt = ExportFormat.JSON if json_name else ExportFormat.JSONL
    if options.revision is not None and options.revision < 1:
        raise UsageError("--revision must be a number above 0.")
    state.interrupted = lambda: "Export interrupted: no file was written."
    observer = CliObserver(sys.stderr, "items")
    async with open_client(resolved, observer.waiting) as client:
        dataset = await find_dataset(client, options.dataset)
        if dataset.archived:  # found all the same (by id, or among the archived by name)
            observer.say(
                f"{dataset.name!r} is archived: its items are exported all the same (restore "
                "the dataset to change them)."
            )
        name = output or Path(default_file_name(dataset, fmt, options.revision))
        destination = name.expanduser().absolute()
        if destination.exists() and not options.force:
            raise UsageError(f"{destination} already exists: use --force to replace it.")
        method = ExportMethod.DIRECT if options.direct else ExportMethod.AUTO
        async with _live(observer):
            result = await export_items(
                client,
                dataset.id,
                destination,
                revision=options.revision,
                method=method,
                fmt=fmt,
                overwrite=True,
                observer=observer,
            )
    if result.fallback:
        _err(f"PostHog's export job {result.fallback}: the items were read directly.")
    _err(result.summary(dataset.name))
    return EXIT_FAILED if result.skipped else EXIT_OK


def _read(path: Path) -> Any:
    try:
        return read_items_file(path)
    except ItemFileError as error:
        raise UsageError(str(error)) from None


async def _import(options: argparse.Namespace, resolved: ResolvedProfile, state: _State) -> int:
    if resolved.read_only:
        raise UsageError("This profile is read-only: import is disabled.")
    if options.concurrency < 1:
        raise UsageError("--concurrency must be at least 1.")
    items_file = _read(options.file)
    report = ImportReport(total=items_file.total)
    state.interrupted = report.interrupted_text
    observer = CliObserver(sys.stderr, "lines", source=options.file)
    async with open_client(resolved, observer.waiting) as client:
        dataset = await find_dataset(client, options.dataset)
        async with _live(observer):
            try:
                await import_items(
                    client,
                    dataset.id,
                    items_file,
                    concurrency=options.concurrency,
                    observer=observer,
                    report=report,
                )
            except PostHogError as error:
                if not report.handled or isinstance(error, TransferError):
                    raise
                raise CommandFailed(
                    f"{error} Stopped after {report.handled:,} of {report.total:,} lines "
                    f"({report.counts()}): run the same import again to resume."
                ) from None
    _err(f"Import into {dataset.name!r}: {report.summary()}.")
    if report.stopped:
        _err(f"Stopped: {report.stopped}")
    if report.ok:
        return EXIT_OK
    if report.resumable:
        _err(RESUME_HINT)
    elif report.failed:
        _err("Fix the failed lines and run the same import again: lines already imported are "
             "not created twice.")  # fmt: skip
    return EXIT_FAILED


async def _push(options: argparse.Namespace, resolved: ResolvedProfile, state: _State) -> int:
    if resolved.read_only and not options.dry_run:
        raise UsageError("This profile is read-only: push is disabled (--dry-run works).")
    if options.concurrency < 1:
        raise UsageError("--concurrency must be at least 1.")
    items_file = _read(options.file)
    observer = CliObserver(sys.stderr, "changes", source=options.file)
    async with open_client(resolved, observer.waiting) as client:
        dataset = await find_dataset(client, options.dataset)
        state.interrupted = lambda: "Push interrupted before any change: nothing was sent."
        async with _live(observer):
            plan = await plan_push(client, dataset.id, items_file, observer=observer)
        at = f" (revision {plan.revision})" if plan.revision is not None else ""
        if options.dry_run:
            print(
                one_line(
                    f"Push {options.file} into {dataset.name!r}{at}: dry run, nothing was changed."
                )
            )
            print(plan.summary())
            for line in plan.lines(unchanged=options.all):
                print(line)
            return EXIT_OK
        _err(f"Push {options.file} into {dataset.name!r}{at}: {plan.summary()}.")
        report = PushReport()
        state.interrupted = lambda: _push_interrupted(report)
        async with _live(observer):
            await run_push(
                client, plan, concurrency=options.concurrency, observer=observer, report=report
            )
    for problem in report.refused:
        observer.problem(problem)
    _err(f"Pushed into {dataset.name!r}: {report.summary()}.")
    if report.stopped:
        _err(f"Stopped: {report.stopped} Run the same push again to finish.")
    elif report.unknown:
        _err("Run the same push again to finish: nothing is created twice.")
    return EXIT_OK if report.ok else EXIT_FAILED


def _push_interrupted(report: PushReport) -> str:
    done = report.created + report.updated + report.already + len(report.failed)
    return (
        f"Push interrupted after {done:,} changes ({report.summary()}). Run the same push again "
        "to finish: it compares again, and nothing is created twice."
    )


Runner = Callable[[argparse.Namespace, ResolvedProfile, _State], Coroutine[Any, Any, int]]


def run_command(prog: str, runner: Runner, options: argparse.Namespace) -> int:
    """Run one transfer command (module docstring): something to fix first is a `CliError`
    (`phtui.cli.main` prints it as one line, exit status 2); a failure is one line here."""
    state = _State()
    try:
        resolved = resolve_profile(options)
        return asyncio.run(runner(options, resolved, state))
    except (UsageError, TransferError) as error:
        raise CliError(one_line(str(error)), prog=prog) from None
    except (PostHogError, CommandFailed) as error:
        _err(f"{prog}: {error}")
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (`... --dry-run | head`): stop quietly, as `head`'s writers do.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except OSError as error:
        where = f" {error.filename}" if error.filename else ""
        raise CliError(one_line(f"{error.strerror or error}{where}"), prog=prog) from None
    except KeyboardInterrupt:
        text = state.interrupted() if state.interrupted is not None else "interrupted."
        print(file=sys.stderr)
        _err(f"{prog}: {text}")
        return EXIT_INTERRUPTED


def main_export(argv: Sequence[str]) -> int:
    return run_command("phtui export", _pull, export_parser().parse_args(list(argv)))


def main_import(argv: Sequence[str]) -> int:
    return run_command("phtui import", _import, import_parser().parse_args(list(argv)))


def main_pull(argv: Sequence[str]) -> int:
    return run_command("phtui datasets pull", _pull, pull_parser().parse_args(list(argv)))


def main_push(argv: Sequence[str]) -> int:
    return run_command("phtui datasets push", _push, push_parser().parse_args(list(argv)))
