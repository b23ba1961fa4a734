"""What every `phtui` command shares on its command line: option types, errors, `--log`.

The convention for every command (the app and each subcommand): a bad option value, a bad
setting or a refused host is `CliError`; `phtui.cli.main` prints it as one line on stderr,
`PROG: PROBLEM`, and exits with status 2. No traceback, no usage block. Build parsers with
`ArgumentParser` below (its `error()` raises `CliError` instead of printing usage), take the
connection options from `add_connection_options`, and let a command raise `CliError` for
anything the user must fix before it can run.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import NoReturn

__all__ = [
    "EXIT_CRASHED",
    "EXIT_INTERRUPTED",
    "EXIT_USAGE",
    "ArgumentParser",
    "CliError",
    "add_connection_options",
    "check_connection_options",
    "host_url",
    "project_id",
    "split_log_option",
]

EXIT_CRASHED = 1  # the app died with a traceback
EXIT_USAGE = 2  # bad options or settings: one line on stderr
EXIT_INTERRUPTED = 130


class CliError(Exception):
    """Something the user must fix before the command can run. `main` prints one line, exits 2."""

    def __init__(self, message: str, *, prog: str = "phtui") -> None:
        super().__init__(message)
        self.prog = prog

    @property
    def line(self) -> str:
        """The message as printed: one line, prefixed with the command's name."""
        text = " ".join(str(self).split())
        return f"{self.prog}: {text}"


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a mistake raises `CliError` (one line) instead of printing usage."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("allow_abbrev", False)  # `--pro` must not quietly mean `--profile`
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see {self.prog} --help)", prog=self.prog)


def project_id(text: str) -> int:
    """`--project`: a whole number above 0 (argparse turns a ValueError into its message)."""
    if not text.strip().isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"expected a project id (a number above 0), not {text!r}")
    return int(text)


def host_url(text: str) -> str:
    """`--host`: refused at once when the client would refuse it, with the client's reason."""
    from phtui.api.errors import ConfigurationError
    from phtui.api.urls import normalize_host

    try:
        normalize_host(text)
    except ConfigurationError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """`--host`, `--project` and `--profile`, checked as they are parsed."""
    parser.add_argument("--host", type=host_url, help="PostHog host, e.g. https://eu.posthog.com")
    parser.add_argument("--project", type=project_id, metavar="ID", help="project id")
    parser.add_argument("--profile", metavar="NAME", help="profile from the config file")


def check_connection_options(prog: str, args: Sequence[str]) -> None:
    """Check `--host` and `--project` in a subcommand's arguments before it runs.

    Subcommands parse their own arguments; this makes a bad value fail the same way everywhere
    (one line, exit 2) whatever the subcommand's parser does with it.
    """
    parser = ArgumentParser(prog=prog, add_help=False)
    add_connection_options(parser)
    parser.parse_known_args(list(args))


def split_log_option(args: Sequence[str]) -> tuple[list[str], str | None]:
    """`args` without `--log FILE` / `--log=FILE` (anywhere before `--`), and FILE.

    `--log` belongs to every command, so `phtui` takes it before handing the rest on.
    """
    rest: list[str] = []
    path: str | None = None
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest.extend(args[index:])
            break
        if arg == "--log":
            if index + 1 >= len(args) or not args[index + 1]:
                raise CliError("argument --log: expected a file name")
            path = args[index + 1]
            index += 2
            continue
        if arg.startswith("--log="):
            path = arg.removeprefix("--log=")
            if not path:
                raise CliError("argument --log: expected a file name")
        else:
            rest.append(arg)
        index += 1
    return rest, path
