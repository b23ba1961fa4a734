"""`phtui export DATASET [-o FILE] [--format jsonl|json]` and `phtui import DATASET FILE`.

DATASET is a dataset id or its exact name. The connection comes from `phtui.config` (profile,
`POSTHOG_*` variables, config file), exactly as for the app. Progress goes to stderr; exit codes:
0 done, 1 failed (or some lines failed to import), 2 bad arguments or settings, 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from phtui.api import PostHogClient
from phtui.api.errors import NotFoundError, PostHogError, ValidationError
from phtui.api.models import Dataset
from phtui.config import ConfigError, Profile, ResolvedProfile, load_settings
from phtui.core.transfer import (
    DEFAULT_IMPORT_CONCURRENCY,
    ExportFormat,
    TransferError,
    export_items,
    import_items,
)

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """Bad arguments or settings: reported on stderr with exit code 2."""


# ---------------------------------------------------------------------------- arguments


def _connection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", metavar="NAME", help="profile from the config file")
    parser.add_argument("--host", help="PostHog host, e.g. https://eu.posthog.com")
    parser.add_argument("--project", type=int, metavar="ID", help="project id")


def export_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="phtui export", description="Export every item of a dataset to JSONL or JSON."
    )
    parser.add_argument("dataset", metavar="DATASET", help="dataset id or exact name")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: NAME.FORMAT")
    parser.add_argument(
        "--format", choices=[fmt.value for fmt in ExportFormat], help="default: from -o, or jsonl"
    )
    _connection_options(parser)
    return parser


def import_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="phtui import",
        description=(
            "Create one dataset item per JSONL line (fields: input, output, metadata, "
            "ref_trace_id, ref_timestamp, ref_source_id). Lines already imported by an earlier "
            "run are skipped (ledger file FILE.<dataset id>.imported), so rerun to resume."
        ),
    )
    parser.add_argument("dataset", metavar="DATASET", help="dataset id or exact name")
    parser.add_argument("file", type=Path, metavar="FILE", help="JSONL file")
    parser.add_argument(
        "--concurrency", type=int, default=DEFAULT_IMPORT_CONCURRENCY, metavar="N",
        help=f"requests in flight (default {DEFAULT_IMPORT_CONCURRENCY})",
    )  # fmt: skip
    _connection_options(parser)
    return parser


# --------------------------------------------------------------------------- connection


def _resolve(options: argparse.Namespace) -> ResolvedProfile:
    try:
        overrides = Profile(host=options.host, project_id=options.project)
        extra = {"profile": options.profile} if options.profile else {}
        resolved = load_settings(cli=overrides, **extra).resolve()
    except ConfigError as error:
        raise UsageError(str(error)) from None
    if not resolved.complete:
        raise UsageError(
            "No connection settings: set POSTHOG_PERSONAL_API_KEY and POSTHOG_PROJECT_ID "
            "(and POSTHOG_HOST), or choose a profile with --profile."
        )
    return resolved


def _client(resolved: ResolvedProfile) -> PostHogClient:
    assert resolved.api_key is not None and resolved.project_id is not None
    return PostHogClient(resolved.host, resolved.api_key, resolved.project_id)


async def find_dataset(client: PostHogClient, wanted: str) -> Dataset:
    """The dataset with this id, else the one with exactly this name."""
    if _UUID.match(wanted):
        try:
            return await client.get_dataset(wanted)
        except (NotFoundError, ValidationError):
            pass  # a name that looks like an id: fall through to the name lookup
    matches = await client.find_datasets_by_name(wanted)
    if not matches:
        raise UsageError(f"No dataset with the id or name {wanted!r}.")
    if len(matches) > 1:
        ids = ", ".join(match.id for match in matches)
        raise UsageError(f"{len(matches)} datasets are named {wanted!r}; use an id: {ids}")
    return matches[0]


# ----------------------------------------------------------------------------- progress


class ProgressLine:
    """A progress line on stderr: rewritten in place on a terminal, else only the last one."""

    def __init__(self, stream: TextIO, noun: str) -> None:
        self._stream = stream
        self._noun = noun
        self._tty = stream.isatty()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self._tty and (now - self._last >= 0.1 or done == total):
            self._last = now
            percent = f" ({done * 100 // total}%)" if total else ""
            self._stream.write(f"\r{done:,} of {total:,} {self._noun}{percent}")
            self._stream.flush()

    def finish(self) -> None:
        if self._tty:
            self._stream.write("\n")


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "dataset"


# ------------------------------------------------------------------------------ commands


async def _export(options: argparse.Namespace, resolved: ResolvedProfile) -> int:
    fmt = ExportFormat(options.format) if options.format else None
    output: Path | None = options.output
    if fmt is None:
        fmt = (
            ExportFormat.JSON if output and output.suffix.lower() == ".json" else ExportFormat.JSONL
        )
    async with _client(resolved) as client:
        dataset = await find_dataset(client, options.dataset)
        destination = output or Path(f"{_slug(dataset.name)}.{fmt.value}")
        progress = ProgressLine(sys.stderr, "items")
        try:
            result = await export_items(
                client, dataset.id, destination, fmt=fmt, on_progress=progress
            )
        finally:
            progress.finish()
    print(f"Exported {result.items:,} items of {dataset.name!r} to {result.path}", file=sys.stderr)
    return EXIT_OK


async def _import(options: argparse.Namespace, resolved: ResolvedProfile) -> int:
    if resolved.read_only:
        raise UsageError("This profile is read-only: import is disabled.")
    if options.concurrency < 1:
        raise UsageError("--concurrency must be at least 1.")
    if not options.file.is_file():
        raise UsageError(f"{options.file} is not a file.")
    async with _client(resolved) as client:
        dataset = await find_dataset(client, options.dataset)
        progress = ProgressLine(sys.stderr, "lines")
        try:
            report = await import_items(
                client,
                dataset.id,
                options.file,
                concurrency=options.concurrency,
                on_progress=progress,
            )
        finally:
            progress.finish()
    for failed in report.failed:
        print(f"{options.file}:{failed.line}: {failed.message}", file=sys.stderr)
    print(f"Import into {dataset.name!r}: {report.summary()}.", file=sys.stderr)
    if report.failed:
        print("Fix or drop the failed lines and run the same command again to finish: "
              "lines already imported are skipped.", file=sys.stderr)  # fmt: skip
        return EXIT_FAILED
    return EXIT_OK


def _run(command: str, options: argparse.Namespace) -> int:
    try:
        resolved = _resolve(options)
        runner = _export if command == "export" else _import
        return asyncio.run(runner(options, resolved))
    except UsageError as error:
        print(f"phtui {command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (PostHogError, TransferError, OSError) as error:
        print(f"phtui {command}: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"\nphtui {command}: interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED


def main_export(argv: Sequence[str]) -> int:
    return _run("export", export_parser().parse_args(list(argv)))


def main_import(argv: Sequence[str]) -> int:
    return _run("import", import_parser().parse_args(list(argv)))
