"""Which scopes a personal API key has, found by probing: /users/@me/ does not list them.

PostHog checks the scope before it looks anything up, so a harmless request tells us: a 403
"API key missing required scope 'x'" means x is missing; any other answer means it is there.
Write scopes are probed with a PATCH of an id that cannot exist (404 when allowed), so nothing
is ever changed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from phtui.api.errors import (
    DatasetsUnavailableError,
    NotFoundError,
    PermissionDeniedError,
    PostHogError,
)

if TYPE_CHECKING:
    from phtui.api import PostHogClient

# Ids no PostHog row can have: theme ids are positive int32 serials, dataset ids are UUIDv7.
_NO_THEME_ID = 2_147_483_647
_NO_DATASET_ID = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True)
class Scope:
    name: str
    needed_for: str


SCOPES: tuple[Scope, ...] = (
    Scope("project:read", "seeing themes"),
    Scope("project:write", "creating, editing and deleting themes"),
    Scope("dataset:read", "seeing datasets and items"),
    Scope("dataset:write", "editing datasets and items"),
    Scope("user:read", "listing your projects"),
)


@dataclass
class ScopeReport:
    granted: dict[str, bool | None] = field(default_factory=dict)  # None: could not tell
    problem: str | None = None  # a reason the key cannot use this project at all
    # PostHog refuses every dataset request (datasets not enabled for the organisation): the
    # dataset scopes cannot be told, and it is no fault of the key.
    datasets_unavailable: str | None = None

    @property
    def missing(self) -> list[str]:
        return [name for name, ok in self.granted.items() if ok is False]

    @property
    def usable(self) -> bool:
        can_read = self.granted.get("project:read") or self.granted.get("dataset:read")
        return self.problem is None and bool(can_read)

    def describe(self) -> str:
        lines = []
        for scope in SCOPES:
            state = self.granted.get(scope.name)
            mark = {True: "✓", False: "✗", None: "?"}[state]
            lines.append(f" {mark} {scope.name:<14} {scope.needed_for}")
        if self.missing:
            lines.append(f"Missing: {', '.join(self.missing)}. Add them to the key in PostHog.")
        if self.datasets_unavailable:
            lines.append(self.datasets_unavailable)
        return "\n".join(lines)


async def probe_scopes(client: PostHogClient) -> ScopeReport:
    """Probe every scope of `SCOPES` for `client`'s key and project, concurrently."""
    probes: dict[str, Callable[[], Awaitable[Any]]] = {
        "project:read": client.list_themes,
        "project:write": lambda: client.update_theme(_NO_THEME_ID, name="phtui scope probe"),
        "dataset:read": lambda: client.list_datasets(limit=1),
        "dataset:write": lambda: client.update_dataset(_NO_DATASET_ID, name="phtui scope probe"),
        "user:read": client.get_current_user,
    }
    outcomes = await asyncio.gather(*(_outcome(probe) for probe in probes.values()))
    report = ScopeReport()
    for name, outcome in zip(probes, outcomes, strict=True):
        if isinstance(outcome, DatasetsUnavailableError):
            report.granted[name] = None
            report.datasets_unavailable = str(outcome)
        elif isinstance(outcome, PermissionDeniedError) and outcome.missing_scope:
            report.granted[name] = False
        elif outcome is None or (isinstance(outcome, NotFoundError) and _row_missing(outcome)):
            report.granted[name] = True
        else:
            report.granted[name] = None
            if report.problem is None and name.endswith(":read"):
                report.problem = str(outcome)
    return report


def _row_missing(error: NotFoundError) -> bool:
    """A 404 for the probed row (scope fine), not "Project not found." (wrong project)."""
    return error.detail != "Project not found."


async def _outcome(probe: Callable[[], Awaitable[Any]]) -> PostHogError | None:
    try:
        await probe()
    except PostHogError as error:
        return error
    return None
