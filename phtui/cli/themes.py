"""`phtui themes check|export|apply|fix`: data colour themes as code.

THEME is a theme id or its exact name in PostHog (names are not unique: an ambiguous name is an
error that lists the ids) or, for ``check``, ``export`` and ``fix``, the path of a theme file
(``phtui.core.theme_file``: JSON, CSS or tokens). The connection comes from ``phtui.config``
exactly as for the app and ``phtui export`` (profile, ``POSTHOG_*`` variables, config file), so
copying a theme between profiles is ``export --profile A`` then ``apply --profile B``.

Exit status: 0 done (``check``: every theme passes; ``fix``: the proposal passes), 1 a theme
fails (``check``, ``fix``) or PostHog refused a change, 2 usage, settings or connection errors,
130 interrupted. Every error is one line on stderr; results go to stdout. Server text (theme
names) is printed through ``phtui.core.text``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from phtui.api import PostHogClient
from phtui.api.errors import PostHogError
from phtui.api.models import DataColorTheme
from phtui.cli.connection import UsageError, open_client, resolve_profile
from phtui.cli.options import ArgumentParser, CliError, add_connection_options
from phtui.config import ResolvedProfile
from phtui.core.fixer_settings import check_summary
from phtui.core.palette import CVD_KINDS, token_name
from phtui.core.palette_check import CheckResult, Mode, PaletteCheck, check_palette
from phtui.core.palette_fix import FixProposal, propose_fix
from phtui.core.text import one_line, visible
from phtui.core.theme_edit import NAME_MAX_LENGTH
from phtui.core.theme_file import (
    ThemeFile,
    ThemeFileError,
    ThemeFormat,
    color_diff,
    detect_format,
    dump_theme,
    format_for_path,
    load_theme,
)

__all__ = ["main"]

EXIT_OK, EXIT_FAILED = 0, 1  # usage errors are CliError: `phtui.cli.main` prints them, exit 2
PROG = "phtui themes"
_BACKGROUNDS: dict[str, tuple[Mode, ...]] = {
    "both": ("light", "dark"),
    "light": ("light",),
    "dark": ("dark",),
}


class WriteRefused(Exception):
    """PostHog refused a change (exit status 1, unlike a connection problem)."""


# ---------------------------------------------------------------------------- arguments


def _delta_e(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"must be between 0 and 100, not {text}")
    return value


def _check_options(parser: argparse.ArgumentParser) -> None:
    default = PaletteCheck()
    parser.add_argument(
        "--min-delta-e", type=_delta_e, default=default.min_distance, metavar="X",
        help=f"least CIEDE2000 between two series' colours (default {default.min_distance:g}, "
        "the literature's threshold for chart marks)",
    )  # fmt: skip
    parser.add_argument(
        "--cvd", action="store_true",
        help="also check under simulated protanopia, deuteranopia and tritanopia",
    )  # fmt: skip
    parser.add_argument(
        "--background", choices=list(_BACKGROUNDS), default="both",
        help=f"chart backgrounds a colour needs {default.min_contrast:g}:1 contrast on "
        "(WCAG 2.1 graphical objects; default both)",
    )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog=PROG,
        description="Check, export, apply and fix data colour themes (themes as code).",
        epilog="THEME: a theme id or exact name in PostHog, or a theme file (check, export, fix)."
        " Exit status: 0 ok, 1 a theme fails or PostHog refused a change, 2 usage or"
        " connection error.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check", help="check themes; exit 1 if any fails (for CI)",
        description="Check themes the way PostHog charts use them: series i gets colour i mod "
        "n, so neighbours and the wrap-around pair count most. No THEME: every theme.",
    )  # fmt: skip
    check.add_argument("themes", nargs="*", metavar="THEME")
    _check_options(check)
    check.add_argument("--format", choices=["text", "json"], default="text")
    add_connection_options(check)

    export = commands.add_parser(
        "export", help="write a theme to a file or stdout",
        description="Write a theme as JSON (name, colours, provenance: round-trips with apply),"
        " CSS custom properties (--preset-N) or Design Tokens (DTCG) JSON.",
    )  # fmt: skip
    export.add_argument("theme", metavar="THEME")
    export.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: stdout")
    export.add_argument(
        "--format", choices=[fmt.value for fmt in ThemeFormat],
        help="default: from -o's name, else json",
    )  # fmt: skip
    add_connection_options(export)

    apply = commands.add_parser(
        "apply", help="create or update a theme from a file",
        description="Create or update the theme named in FILE (or --theme), showing the colour "
        "diff before changing anything.",
    )  # fmt: skip
    apply.add_argument("file", type=Path, metavar="FILE")
    apply.add_argument("--theme", metavar="NAME", help="the theme to create or update (id or name)")
    apply.add_argument("--dry-run", action="store_true", help="show the diff, change nothing")
    add_connection_options(apply)

    fix = commands.add_parser(
        "fix", help="print the fixer's proposal; --write saves it",
        description="Propose the smallest OKLCH change (keeping hues) that makes the theme pass; "
        "official themes are saved as a copy. Exit 0 when the proposal passes.",
    )  # fmt: skip
    fix.add_argument("theme", metavar="THEME")
    fix.add_argument("--write", action="store_true", help="save the proposal (file or PostHog)")
    fix.add_argument(
        "--lock", metavar="N[,N...]", default="",
        help="positions (1-based, as preset-N) that must not change: brand colours",
    )  # fmt: skip
    _check_options(fix)
    add_connection_options(fix)
    return parser


def _check_from(options: argparse.Namespace) -> PaletteCheck:
    return PaletteCheck(
        min_distance=options.min_delta_e,
        min_cvd_distance=options.min_delta_e,
        cvd_kinds=CVD_KINDS if options.cvd else (),
        modes=_BACKGROUNDS[options.background],
    )


# ------------------------------------------------------------------------------ sources


@dataclass(frozen=True)
class Source:
    """A theme read from PostHog (``path`` None) or from a file."""

    theme: ThemeFile
    path: Path | None = None
    fmt: ThemeFormat = ThemeFormat.JSON

    @property
    def label(self) -> str:
        name = f"“{one_line(self.theme.name)}”"
        if self.path is not None:
            return f"{self.path} ({name})"
        official = ", official" if self.theme.is_global else ""
        return f"{name} (id {self.theme.id}{official})"


class Session:
    """The connection, opened on first use: commands on files never need settings."""

    def __init__(self, options: argparse.Namespace) -> None:
        self._options = options
        self._resolved: ResolvedProfile | None = None
        self._client: PostHogClient | None = None
        self._themes: list[DataColorTheme] | None = None

    @property
    def resolved(self) -> ResolvedProfile:
        if self._resolved is None:
            try:  # the settings exactly as `phtui export` reads them
                self._resolved = resolve_profile(self._options)
            except UsageError as error:
                raise CliError(str(error)) from None
        return self._resolved

    @property
    def client(self) -> PostHogClient:
        if self._client is None:
            self._client = open_client(self.resolved)
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def themes(self, *, fresh: bool = False) -> list[DataColorTheme]:
        if self._themes is None or fresh:
            self._themes = await self.client.list_themes()
        return self._themes

    def as_file(self, theme: DataColorTheme) -> ThemeFile:
        return ThemeFile(
            theme.name,
            list(theme.colors),
            id=theme.id,
            project_id=self.resolved.project_id,
            host=self.resolved.host,
            is_global=theme.is_global,
        )

    async def find(self, wanted: str) -> DataColorTheme | None:
        """The theme with this id, else the one with exactly this name; None when none is."""
        themes = await self.themes()
        if wanted.isdigit():
            by_id = [theme for theme in themes if theme.id == int(wanted)]
            if by_id:
                return by_id[0]
        matches = [theme for theme in themes if theme.name == wanted]
        if len(matches) > 1:
            ids = ", ".join(str(theme.id) for theme in matches)
            raise CliError(
                f"{len(matches)} themes are named “{one_line(wanted)}”; use an id: {ids}"
            )
        return matches[0] if matches else None

    async def source(self, wanted: str, *, files: bool = True) -> Source:
        path = Path(wanted)
        if files and path.is_file():
            return read_file(path)
        theme = await self.find(wanted)
        if theme is None:
            raise CliError(f"No theme with the id or name “{one_line(wanted)}”.")
        return Source(self.as_file(theme))

    async def is_staff(self) -> bool:
        try:
            return (await self.client.get_current_user()).is_staff
        except PostHogError:
            return False  # not knowing: treat official themes as read-only, the safe side

    def check_writable(self) -> None:
        if self.resolved.read_only:
            raise CliError("This profile is read-only: changing themes is disabled.")


def read_file(path: Path, fmt: ThemeFormat | None = None) -> Source:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"{path}: cannot be read ({error.__class__.__name__})") from None
    fmt = fmt or format_for_path(path) or detect_format(text)
    try:
        return Source(load_theme(text, fmt), path, fmt)
    except ThemeFileError as error:
        raise CliError(f"{path}: {error}") from None


def _write_file(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CliError(f"{path}: cannot be written ({error.strerror or error})") from None


async def _writing(action: Awaitable[DataColorTheme]) -> DataColorTheme:
    """A write to PostHog: its refusal is exit status 1, not a connection problem."""
    try:
        return await action
    except PostHogError as error:
        raise WriteRefused(str(error)) from None


# ---------------------------------------------------------------------------------- check


def _pair_json(result: CheckResult) -> list[dict[str, Any]]:
    return [
        {
            "series": [failure.i + 1, failure.j + 1],
            "adjacency": failure.adjacency,
            "condition": failure.condition,
            "delta_e": round(failure.distance, 3),
            "threshold": failure.threshold,
        }
        for failure in result.pair_failures
    ]


def _contrast_json(result: CheckResult) -> list[dict[str, Any]]:
    return [
        {
            "series": failure.index + 1,
            "color": failure.color,
            "background": failure.mode,
            "background_color": failure.background,
            "ratio": round(failure.ratio, 3),
            "minimum": failure.minimum,
        }
        for failure in result.contrast_failures
    ]


def check_json(check: PaletteCheck, results: Sequence[tuple[Source, CheckResult]]) -> str:
    """The machine-readable report: stable keys, series numbered from 1 like preset-N."""
    document = {
        "passed": all(result.passed for _, result in results),
        "check": {
            "metric": "CIEDE2000",
            "min_delta_e": check.min_distance,
            "conditions": list(check.conditions),
            "pairs": check.pairs,
            "min_contrast": check.min_contrast,
            "backgrounds": {mode: check.background(mode) for mode in check.modes},
        },
        "themes": [
            {
                "name": source.theme.name,
                "id": source.theme.id if source.path is None else None,
                "file": str(source.path) if source.path is not None else None,
                "passed": result.passed,
                "score": round(result.score, 3),
                "not_colours": [index + 1 for index in result.invalid],
                "pair_failures": _pair_json(result),
                "contrast_failures": _contrast_json(result),
            }
            for source, result in results
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def check_text(check: PaletteCheck, results: Sequence[tuple[Source, CheckResult]]) -> str:
    """A line per theme, a line per failure (indented), then a summary."""
    lines = []
    for source, result in results:
        if result.passed:
            lines.append(f"ok    {source.label}")
        else:
            count = result.failure_count
            lines.append(f"FAIL  {source.label}: {count} failure{'s' if count != 1 else ''}")
            lines += [f"  {line}" for line in result.describe()]
        lines += [
            f"  note: {token_name(index)} is not a colour and was not checked"
            for index in result.invalid
        ]
    failed = sum(not result.passed for _, result in results)
    noun = "theme" if len(results) == 1 else "themes"
    lines.append(
        f"{len(results)} {noun} checked: {len(results) - failed} passed, {failed} failed "
        f"({check_summary(check)})."
    )
    return "\n".join(lines)


async def run_check(options: argparse.Namespace, session: Session) -> int:
    check = _check_from(options)
    if options.themes:
        sources = [await session.source(wanted) for wanted in options.themes]
    else:
        sources = [Source(session.as_file(theme)) for theme in await session.themes()]
    results = [(source, check_palette(source.theme.colors, check)) for source in sources]
    render = check_json if options.format == "json" else check_text
    print(render(check, results))
    return EXIT_OK if all(result.passed for _, result in results) else EXIT_FAILED


# --------------------------------------------------------------------------------- export


async def run_export(options: argparse.Namespace, session: Session) -> int:
    output: Path | None = options.output
    fmt = ThemeFormat(options.format) if options.format else None
    fmt = fmt or (format_for_path(output) if output else None) or ThemeFormat.JSON
    source = await session.source(options.theme)
    text = dump_theme(source.theme, fmt)
    if fmt is not ThemeFormat.JSON:
        for index in source.theme.invalid:
            print(f"warning: {token_name(index)} is not a colour: left out", file=sys.stderr)
    if output is None:
        sys.stdout.write(text)
    else:
        _write_file(output, text)
        print(f"Exported {source.label} to {output} ({fmt.value}).", file=sys.stderr)
    return EXIT_OK


# ---------------------------------------------------------------------------------- apply


def _print_diff(old: Sequence[object], new: Sequence[object]) -> bool:
    """Print the colour diff (one line per position); False when there is none."""
    diff = color_diff(old, new)
    for line in diff:
        print(f"  {visible(line.describe(), keep_newlines=False)}")
    return bool(diff)


async def run_apply(options: argparse.Namespace, session: Session) -> int:
    wanted = read_file(options.file).theme
    target_name = options.theme or wanted.name
    if not options.dry_run:
        session.check_writable()
    existing = await session.find(target_name)
    if existing is None:
        name = wanted.name if options.theme is None else options.theme
        if len(name) > NAME_MAX_LENGTH:
            raise CliError(f"a theme name has at most {NAME_MAX_LENGTH} characters")
        print(f"Create “{one_line(name)}” with {len(wanted.colors)} colours:")
        _print_diff([], wanted.colors)
        if options.dry_run:
            print("Dry run: nothing changed.")
            return EXIT_OK
        created = await _writing(session.client.create_theme(name, wanted.colors))
        print(f"Created “{one_line(created.name)}” (id {created.id}).")
        return EXIT_OK
    label = Source(session.as_file(existing)).label
    if existing.is_global and not options.dry_run and not await session.is_staff():
        raise CliError(
            f"{label} is an official theme: only PostHog staff can change it. "
            "Use --theme NEW_NAME to create a copy."
        )
    print(f"Update {label}:")
    if not _print_diff(existing.colors, wanted.colors):
        print("  (no change: the colours are the same)")
        return EXIT_OK
    if options.dry_run:
        print("Dry run: nothing changed.")
        return EXIT_OK
    await _writing(session.client.update_theme(existing.id, colors=wanted.colors))
    print(f"Updated {label}.")
    return EXIT_OK


# ------------------------------------------------------------------------------------ fix


def _locked(text: str, length: int) -> frozenset[int]:
    locked = set()
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        if not part.isdigit() or not 1 <= int(part) <= length:
            raise CliError(f"--lock takes positions 1 to {length}, not {part!r}")
        locked.add(int(part) - 1)
    return frozenset(locked)


def fix_text(source: Source, proposal: FixProposal) -> str:
    before, after = proposal.before, proposal.after
    if before.passed:
        return f"{source.label} passes: nothing to fix."
    changed = len(proposal.changes)
    lines = [
        f"{source.label}: {before.failure_count} failures, {after.failure_count} after the fix "
        f"({changed} colour{'s' if changed != 1 else ''} changed, ΔEOK = distance moved)"
    ]
    lines += [
        f"  {token_name(change.index):<10}{change.old_hex} → {change.new_hex}  "
        f"ΔEOK {change.distance:.3f}"
        for change in proposal.changes
    ]
    if proposal.locked:
        locked = ", ".join(token_name(index) for index in sorted(proposal.locked))
        lines.append(f"Locked: {locked}")
    if after.passed:
        lines.append("After the fix every check passes.")
    else:
        lines.append("Still failing after the fix:")
        lines += [f"  {line}" for line in after.describe()]
    return "\n".join(lines)


async def _save_fix(session: Session, source: Source, proposal: FixProposal) -> str:
    fixed = replace(source.theme, colors=proposal.apply_all())
    if source.path is not None:
        _write_file(source.path, dump_theme(fixed, source.fmt))
        return f"Wrote the fix to {source.path}."
    session.check_writable()
    theme = source.theme
    assert theme.id is not None
    if theme.is_global and not await session.is_staff():
        name = f"{theme.name} (fixed)"[:NAME_MAX_LENGTH]
        copy = await _writing(session.client.create_theme(name, fixed.colors))
        saved = Source(session.as_file(copy)).label
        return f"Official theme: saved the fix as the new theme {saved}."
    await _writing(session.client.update_theme(theme.id, colors=fixed.colors))
    return f"Saved the fix to {source.label}."


async def run_fix(options: argparse.Namespace, session: Session) -> int:
    source = await session.source(options.theme)
    locked = _locked(options.lock, len(source.theme.colors))
    proposal = propose_fix(source.theme.colors, _check_from(options), locked=locked)
    print(fix_text(source, proposal))
    if options.write and proposal.changes:
        print(await _save_fix(session, source, proposal))
    return EXIT_OK if proposal.solved else EXIT_FAILED


# ------------------------------------------------------------------------------------ run

_COMMANDS: dict[str, Callable[[argparse.Namespace, Session], Awaitable[int]]] = {
    "check": run_check,
    "export": run_export,
    "apply": run_apply,
    "fix": run_fix,
}


async def _run(options: argparse.Namespace) -> int:
    session = Session(options)
    try:
        return await _COMMANDS[options.command](options, session)
    finally:
        await session.close()


def main(argv: Sequence[str]) -> int:
    options = build_parser().parse_args(list(argv))
    prog = f"{PROG} {options.command}"
    try:
        return asyncio.run(_run(options))
    except CliError as error:
        raise CliError(str(error), prog=prog) from None
    except PostHogError as error:  # could not reach PostHog, or it refused the key: no verdict
        raise CliError(one_line(str(error)), prog=prog) from None
    except WriteRefused as error:
        print(f"{prog}: {one_line(str(error))}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:  # `... | head` stopped reading: not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
