"""`phtui server`: run the local PostHog-compatible server until Ctrl+C."""

from __future__ import annotations

import argparse
import ipaddress
import sys
import threading

from phtui.server.options import ServerOptions
from phtui.server.runner import start_server
from phtui.server.seed import SEEDS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="phtui server",
        description="Run a local PostHog-compatible API server (themes, datasets, items).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=8010, help="port (0 picks a free one)")
    parser.add_argument("--db", default=":memory:", help="sqlite file to keep data in")
    parser.add_argument("--seed", choices=SEEDS, default="demo", help="data for a new database")
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
    try:
        server = start_server(
            host=args.host, port=args.port, db=args.db, seed=args.seed, options=options
        )
    except OSError as error:
        print(f"phtui server: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    # Ctrl+C may come at any moment after the key is printed: catch it around everything.
    try:
        with server:
            # Printing the key is the point: this local key exists only for this server.
            print(f"PostHog-compatible server on {server.url}")
            print(f"  POSTHOG_HOST={server.url}")
            print(f"  POSTHOG_PROJECT_ID={server.project_id}")
            print(f"  POSTHOG_PERSONAL_API_KEY={server.api_key}")
            print("Press Ctrl+C to stop.", flush=True)
            threading.Event().wait()
    except KeyboardInterrupt:
        print("\nStopped.")
    return 0
