"""`phtui datasets pull|push`: a PostHog dataset to a file and back (see `phtui.cli.transfer`).

phtui datasets pull DATASET [--revision N] [-o FILE] [--format jsonl|json] [--direct] [--force]
phtui datasets push DATASET FILE [--dry-run] [--all] [--concurrency N]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from phtui.cli.options import CliError

PROG = "phtui datasets"

USAGE = """\
usage: phtui datasets {pull,push} ...

  phtui datasets pull DATASET [--revision N] [-o FILE] [--format jsonl|json] [--direct] [--force]
        write a dataset's items, pinned to one revision, in PostHog's export format
  phtui datasets push DATASET FILE [--dry-run] [--all] [--concurrency N]
        create and update items so the dataset holds the file's items (--dry-run: say what
        would change, change nothing)

DATASET is a dataset id or its exact name. Each has --help.
"""


def main(argv: Sequence[str]) -> int:
    args = list(argv)
    if args and args[0] in {"-h", "--help"}:
        print(USAGE, end="")
        return 0
    commands = _commands()
    if not args:
        raise CliError("choose a command: pull or push (see phtui datasets --help)", prog=PROG)
    command = commands.get(args[0])
    if command is None:
        raise CliError(
            f"unknown command {args[0]!r}; choose {', '.join(commands)} "
            "(see phtui datasets --help)",
            prog=PROG,
        )
    return command(args[1:])


def _commands() -> dict[str, Callable[[Sequence[str]], int]]:
    from phtui.cli.transfer import main_pull, main_push

    return {"pull": main_pull, "push": main_push}
