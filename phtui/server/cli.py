"""`phtui server`: run the local PostHog-compatible server until Ctrl+C.

A bad option (an unknown flag, a port out of range, a database file that cannot be opened or
was seeded for the other datasets API) is one line on stderr and exit status 2; a port that is
already taken is exit status 1. Never a traceback.
"""

from __future__ import annotations

import argparse
import ipaddress
import sqlite3
import sys
import threading
from typing import NoReturn

from phtui.server.options import DATASETS_APIS, ServerOptions
from phtui.server.runner import start_server
from phtui.server.seed import SEEDS

PROG = "phtui server"


class _Parser(argparse.ArgumentParser):
    """argparse's errors as one line (its default prints the usage block first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 0 and 65535, not {port}")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Run a local PostHog-compatible API server (themes, datasets, items).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=_port, default=8010, help="port (0 picks a free one)")
    parser.add_argument("--db", default=":memory:", help="sqlite file to keep data in")
    parser.add_argument("--seed", choices=SEEDS, default="demo", help="data for a new database")
    parser.add_argument(
        "--datasets-api",
        choices=DATASETS_APIS,
        default="revisioned",
        help="which datasets API to serve: PostHog's current revisioned one (default) or the"
        " classic one of older self-hosted instances",
    )
    parser.add_argument(
        "--no-limits",
        action="store_true",
        help="lift the revisioned API's quotas (20 datasets, 600 items, 40 versions) and the"
        " 10-a-day export allowance",
    )
    parser.add_argument(
        "--throttle",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="PostHog's 480/min and 4800/h per-key limits (default: on)",
    )
    parser.add_argument(
        "--retry-after",
        action="store_true",
        help="send Retry-After on 429 (PostHog does not)",
    )
    return parser


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not is_loopback(args.host):
        print(
            f"WARNING: binding to {args.host} exposes this test server (and its data) to your"
            " network. It is meant for local use only.",
            file=sys.stderr,
        )
    options = ServerOptions(throttle=args.throttle, retry_after_header=args.retry_after)
    if args.no_limits:
        options.lift_limits()
    try:
        server = start_server(
            host=args.host,
            port=args.port,
            db=args.db,
            seed=args.seed,
            options=options,
            datasets_api=args.datasets_api,
        )
    except OSError as error:
        print(f"{PROG}: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    except sqlite3.Error as error:
        print(f"{PROG}: cannot use the database {args.db}: {error}", file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    # Ctrl+C may come at any moment after the key is printed: catch it around everything.
    try:
        with server:
            # Printing the key is the point: this local key exists only for this server.
            print(f"PostHog-compatible server on {server.url} ({server.datasets_api} datasets API)")
            print(f"  POSTHOG_HOST={server.url}")
            print(f"  POSTHOG_PROJECT_ID={server.project_id}")
            print(f"  POSTHOG_PERSONAL_API_KEY={server.api_key}")
            print("Press Ctrl+C to stop.", flush=True)
            threading.Event().wait()
    except KeyboardInterrupt:
        print("\nStopped.")
    return 0
