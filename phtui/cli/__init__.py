"""The `phtui` command: open the app, or run one of its subcommands.

Errors follow one convention (`phtui.cli.options`): a bad option value, a broken config file or a
refused host is a `CliError` (or `ConfigError`), printed by `main` as one line on stderr with
exit status 2, never a traceback. The app's own exit status is 0 when the user quits and 1 when
it died of an unexpected error (Textual has printed the traceback by then). `--log FILE` (or
`PHTUI_LOG`) works with every command: `main` takes it before dispatching.

Kept lean for startup time: the app, the server and the transfer code are imported only by the
branch that needs them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from phtui import __version__
from phtui.cli.options import (
    EXIT_CRASHED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    ArgumentParser,
    CliError,
    add_connection_options,
    check_connection_options,
    split_log_option,
)

if TYPE_CHECKING:
    from phtui.app import PhTuiApp
    from phtui.config import Settings

T = TypeVar("T")

DESCRIPTION = "A keyboard-first terminal app for PostHog data color themes and datasets."
EPILOG = """\
subcommands:
  phtui server [--port N] [--db FILE] [--seed demo|empty]
                        run the PostHog-compatible local server (prints its key)
  phtui config path     print the config file's path
  phtui config show     print the effective settings (the API key is never shown)
  phtui datasets pull DATASET [--revision N] [-o FILE]
                        write a dataset's items to a file (PostHog's export format)
  phtui datasets push DATASET FILE [--dry-run]
                        create and update items from a file (says first with --dry-run)
  phtui export DATASET [-o FILE]
                        the same as phtui datasets pull
  phtui import DATASET FILE
                        create dataset items from a file (resumable, never twice)
  phtui themes check|export|apply|fix
                        data colour themes as code (check exits 1 when one fails)
  Each has --help, and each takes --log FILE.

environment:
  POSTHOG_PERSONAL_API_KEY, POSTHOG_HOST, POSTHOG_PROJECT_ID, PHTUI_PROFILE,
  PHTUI_READ_ONLY, PHTUI_CONFIG (path of the config file), PHTUI_LOG (as --log)

exit status: 0 done, 1 failed or crashed, 2 bad options or settings, 130 interrupted
"""


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="phtui",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--demo", action="store_true", help="start a local server with demo data and open it"
    )
    parser.add_argument(
        "--datasets-api",
        choices=("revisioned", "classic"),
        default="revisioned",
        help="with --demo: the datasets API the demo serves (classic: older self-hosted PostHog)",
    )
    add_connection_options(parser)
    parser.add_argument(
        "--read-only", action="store_true", help="disable every action that changes data"
    )
    parser.add_argument(
        "--log",
        metavar="FILE",
        help="append requests, statuses, timings and retries to FILE (0600; never the key)",
    )
    parser.add_argument("--version", action="version", version=f"phtui {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `phtui` with `argv` (default: the process's arguments) and return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        args, log_path = split_log_option(args)
        log_path = log_path or os.environ.get("PHTUI_LOG") or None
        if log_path:
            from phtui.cli.logfile import start_logging

            start_logging(log_path)
        return _dispatch(args)
    except CliError as error:
        print(error.line, file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("phtui: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _dispatch(args: list[str]) -> int:
    if args and args[0] in SUBCOMMANDS:
        return SUBCOMMANDS[args[0]](args[1:])
    options = build_parser().parse_args(args)
    if options.demo:
        return run_demo(read_only=options.read_only, datasets_api=options.datasets_api)
    return run_app(
        profile=options.profile,
        host=options.host,
        project_id=options.project,
        read_only=options.read_only,
    )


def exit_status(app: PhTuiApp) -> int:
    """0 when the user quit, 1 when the app died of an error (Textual's `return_code` is 1)."""
    code = app.return_code
    return EXIT_CRASHED if code is None else code


def run_app(
    *, profile: str | None, host: str | None, project_id: int | None, read_only: bool
) -> int:
    settings = _settings(profile=profile, host=host, project_id=project_id)
    _config_check(settings.resolve)  # an unknown --profile is reported before the screen opens
    from phtui.app import PhTuiApp

    app = PhTuiApp(settings=settings, read_only=read_only)
    app.run()
    return exit_status(app)


def run_demo(*, read_only: bool, datasets_api: str = "revisioned") -> int:
    """The local server with demo data on a free loopback port, and the app pointed at it."""
    from phtui.config import Profile, load_settings

    # For the keymap; the connection is the demo server's.
    settings = _config_check(load_settings)
    from phtui.app import PhTuiApp
    from phtui.server.options import DatasetsApi
    from phtui.server.runner import ServerOptions, start_server

    api: DatasetsApi = "classic" if datasets_api == "classic" else "revisioned"
    with start_server(
        seed="demo", datasets_api=api, options=ServerOptions(throttle=True)
    ) as server:
        settings.cli = Profile(
            host=server.url, project_id=server.project_id, api_key=server.api_key
        )
        settings.cli_key_label = "the demo server's key (phtui --demo)"
        app = PhTuiApp(settings=settings, read_only=read_only, demo_server=server)
        app.run()
    return exit_status(app)


def _config_check(step: Callable[[], T]) -> T:
    """Run `step`; a config mistake becomes the one-line `CliError`."""
    from phtui.config import ConfigError

    try:
        return step()
    except ConfigError as error:
        raise CliError(str(error)) from None


def _settings(*, profile: str | None, host: str | None, project_id: int | None) -> Settings:
    from phtui.config import Profile, load_settings

    overrides = Profile(host=host, project_id=project_id)
    if profile:
        return _config_check(lambda: load_settings(cli=overrides, profile=profile))
    return _config_check(lambda: load_settings(cli=overrides))


def config_command(argv: list[str]) -> int:
    parser = ArgumentParser(prog="phtui config", description="Inspect the configuration.")
    parser.add_argument("what", choices=["path", "show"])
    parser.add_argument("--profile", metavar="NAME", help="show this profile as the active one")
    options = parser.parse_args(argv)
    from phtui.config import default_config_path, redacted

    if options.what == "path":
        print(default_config_path())
        return 0
    settings = _settings(profile=options.profile, host=None, project_id=None)
    print(json.dumps(redacted(settings, _config_check(settings.resolve)), indent=2))
    from phtui.cli.keymap import unknown_ids
    from phtui.shell.binding_ids import upgrade_keymap

    for warning in settings.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for entry in upgrade_keymap(settings.keymap)[1]:
        print(f"warning: [keymap] renamed: {entry.describe()}", file=sys.stderr)
    for binding_id in unknown_ids(settings.keymap):
        print(f"warning: [keymap] {binding_id!r} matches no key binding", file=sys.stderr)
    return 0


def server_command(argv: list[str]) -> int:
    from phtui.server.cli import main as server_main

    return server_main(argv)


def export_command(argv: list[str]) -> int:
    check_connection_options("phtui export", argv)
    from phtui.cli.transfer import main_export

    return main_export(argv)


def import_command(argv: list[str]) -> int:
    check_connection_options("phtui import", argv)
    from phtui.cli.transfer import main_import

    return main_import(argv)


def datasets_command(argv: list[str]) -> int:
    from phtui.cli.datasets import main as datasets_main

    return datasets_main(argv)


def themes_command(argv: list[str]) -> int:
    from phtui.cli.themes import main as themes_main

    return themes_main(argv)


SUBCOMMANDS = {
    "server": server_command,
    "datasets": datasets_command,
    "config": config_command,
    "export": export_command,
    "import": import_command,
    "themes": themes_command,
}
