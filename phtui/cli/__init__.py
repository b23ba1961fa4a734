"""The `phtui` command: open the app, or run one of its subcommands.

Kept lean for startup time: the app, the server and the transfer code are imported only by the
branch that needs them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from phtui import __version__

if TYPE_CHECKING:
    from phtui.config import Settings

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
  Each has --help.

environment:
  POSTHOG_PERSONAL_API_KEY, POSTHOG_HOST, POSTHOG_PROJECT_ID, PHTUI_PROFILE,
  PHTUI_READ_ONLY, PHTUI_CONFIG (path of the config file)
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    parser.add_argument("--host", help="PostHog host, e.g. https://eu.posthog.com")
    parser.add_argument("--project", type=int, metavar="ID", help="project id")
    parser.add_argument("--profile", metavar="NAME", help="profile from the config file")
    parser.add_argument(
        "--read-only", action="store_true", help="disable every action that changes data"
    )
    parser.add_argument("--version", action="version", version=f"phtui {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
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


def run_app(
    *, profile: str | None, host: str | None, project_id: int | None, read_only: bool
) -> int:
    from phtui.config import ConfigError

    try:
        settings = _settings(profile=profile, host=host, project_id=project_id)
        settings.resolve()  # an unknown --profile is reported here, before the screen opens
    except ConfigError as error:
        print(f"phtui: {error}", file=sys.stderr)
        return 2
    from phtui.app import PhTuiApp

    PhTuiApp(settings=settings, read_only=read_only).run()
    return 0


def run_demo(*, read_only: bool, datasets_api: str = "revisioned") -> int:
    """The local server with demo data on a free loopback port, and the app pointed at it."""
    from phtui.config import ConfigError, Profile, load_settings

    try:
        settings = load_settings()  # for the keymap; the connection is the demo server's
    except ConfigError as error:
        print(f"phtui: {error}", file=sys.stderr)
        return 2
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
        PhTuiApp(settings=settings, read_only=read_only, demo_server=server).run()
    return 0


def _settings(*, profile: str | None, host: str | None, project_id: int | None) -> Settings:
    from phtui.config import Profile, load_settings

    overrides = Profile(host=host, project_id=project_id)
    if profile:
        return load_settings(cli=overrides, profile=profile)
    return load_settings(cli=overrides)


def config_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="phtui config", description="Inspect the configuration.")
    parser.add_argument("what", choices=["path", "show"])
    parser.add_argument("--profile", metavar="NAME", help="show this profile as the active one")
    options = parser.parse_args(argv)
    from phtui.config import ConfigError, default_config_path, redacted

    if options.what == "path":
        print(default_config_path())
        return 0
    try:
        settings = _settings(profile=options.profile, host=None, project_id=None)
        print(json.dumps(redacted(settings, settings.resolve()), indent=2))
    except ConfigError as error:
        print(f"phtui: {error}", file=sys.stderr)
        return 2
    from phtui.cli.keymap import unknown_ids

    for warning in settings.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for binding_id in unknown_ids(settings.keymap):
        print(f"warning: [keymap] {binding_id!r} matches no key binding", file=sys.stderr)
    return 0


def server_command(argv: list[str]) -> int:
    from phtui.server.cli import main as server_main

    return server_main(argv)


def export_command(argv: list[str]) -> int:
    from phtui.cli.transfer import main_export

    return main_export(argv)


def import_command(argv: list[str]) -> int:
    from phtui.cli.transfer import main_import

    return main_import(argv)


def datasets_command(argv: list[str]) -> int:
    from phtui.cli.datasets import main as datasets_main

    return datasets_main(argv)


SUBCOMMANDS = {
    "server": server_command,
    "datasets": datasets_command,
    "config": config_command,
    "export": export_command,
    "import": import_command,
}
