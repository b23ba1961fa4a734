"""The connection of the command-line tools (`phtui datasets pull|push`, `phtui themes ...`):
the profile from the same settings as the app (`--profile`, `--host`, `--project`, `POSTHOG_*`,
the config file), and the client built from it."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from phtui.api import PostHogClient
from phtui.config import ConfigError, Profile, ResolvedProfile, load_settings

__all__ = ["UsageError", "open_client", "resolve_profile"]


class UsageError(Exception):
    """Something to fix before the command can run: becomes a `CliError` (one line, status 2)."""


def resolve_profile(options: argparse.Namespace) -> ResolvedProfile:
    """The connection the parsed options (from `add_connection_options`) ask for, complete."""
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


def open_client(
    resolved: ResolvedProfile, on_wait: Callable[[float, str], None] | None = None
) -> PostHogClient:
    """The client for `resolved`; `on_wait` hears of its waits (429s, retries) from the first
    request on."""
    assert resolved.api_key is not None and resolved.project_id is not None
    return PostHogClient(resolved.host, resolved.api_key, resolved.project_id, on_wait=on_wait)
