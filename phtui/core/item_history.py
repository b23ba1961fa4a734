"""An item's history as pure values: what each version changed, and how to reach another state.

A revisioned PostHog item is a list of immutable versions. Only `input`, `expected_output` and
`metadata` can differ between them (source output and provenance are fixed at create), and the
`archived` flag, which archive and restore flip.

Bringing back the content of version m is not one request (api-revisioned.md section 9):
- an **archived** item is restored with `source_version: m`, which copies m's content into the
  new active version;
- an **active** item cannot be "restored" (409 `dataset_item_active`): it gets a PATCH of the
  fields whose content differs from m's, with `base_version` = its current version.

`steps_to` plans either, and undoing a step is planning the way back to the state before it.
Steps carry no base version except the first PATCH's: the caller sends each with the version
the previous answer gave (the first with the version the user saw, so a stale view is refused).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from phtui.core.edit_session import Patch
from phtui.core.item_fields import EDITABLE_FIELDS
from phtui.core.jsondiff import Change, canonical, diff, same_json

__all__ = [
    "VERSIONED_FIELDS",
    "Archive",
    "Restore",
    "Step",
    "VersionState",
    "bring_back",
    "steps_to",
    "undo_steps",
    "version_diff",
    "what_changed",
]

# What can differ from one version of an item to the next, besides `archived`.
VERSIONED_FIELDS: tuple[str, ...] = EDITABLE_FIELDS


@dataclass(frozen=True)
class VersionState:
    """One version of an item: its number, archived flag and field values (JSON)."""

    version: int
    archived: bool
    values: Mapping[str, Any]

    def content(self) -> dict[str, Any]:
        return {name: self.values.get(name) for name in VERSIONED_FIELDS}

    @cached_property
    def spelled(self) -> dict[str, str]:
        """Each versioned field's one JSON spelling (`jsondiff.canonical`), made once: a history
        compares every version with two neighbours, and items run to hundreds of KB."""
        return {name: canonical(self.values.get(name)) for name in VERSIONED_FIELDS}


@dataclass(frozen=True)
class Restore:
    """POST restore/ (the item must be archived): `source_version` m copies m's content, None
    keeps the archived version's content."""

    source_version: int | None = None


@dataclass(frozen=True)
class Archive:
    """POST archive/ (the item must be active): a new version, same content, archived."""


Step = Restore | Archive | Patch


def what_changed(older: VersionState | None, newer: VersionState) -> str:
    """One line for a history row: "created", "archived", "restored; input", "metadata"..."""
    if older is None:
        return "created, archived" if newer.archived else "created"
    parts: list[str] = []
    if older.archived != newer.archived:
        parts.append("archived" if newer.archived else "restored")
    fields = [n for n in VERSIONED_FIELDS if older.spelled[n] != newer.spelled[n]]
    if fields:
        parts.append(", ".join(fields))
    return "; ".join(parts) or "no change"


def version_diff(old: VersionState | None, new: VersionState) -> list[Change]:
    """The structural diff from `old` to `new`: paths start with the field (`metadata.tone`),
    and `archived` appears when it flipped. No `old` (version 1): every field is an addition."""
    before: dict[str, Any] = old.content() if old is not None else {}
    after: dict[str, Any] = new.content()
    if old is not None and old.archived != new.archived:
        before["archived"], after["archived"] = old.archived, new.archived
    return diff(before, after)


def steps_to(current: VersionState, target: VersionState, *, archived: bool) -> tuple[Step, ...]:
    """The requests turning the item from `current` into `target`'s content, archived or not
    as asked. Empty when it is already there."""
    differs = [
        n for n in VERSIONED_FIELDS if not same_json(current.values.get(n), target.values.get(n))
    ]
    steps: list[Step] = []
    if current.archived:
        if differs or not archived:
            steps.append(Restore(target.version if differs else None))
            if archived:
                steps.append(Archive())
    else:
        if differs:
            steps.append(Patch({n: target.values.get(n) for n in differs}, current.version))
        if archived:
            steps.append(Archive())
    return tuple(steps)


def bring_back(current: VersionState, target: VersionState) -> tuple[Step, ...]:
    """Make `target`'s content the item's current, active content."""
    return steps_to(current, target, archived=False)


def undo_steps(before: VersionState, after: VersionState) -> tuple[Step, ...]:
    """Undo whatever turned `before` into `after`: back to `before`'s content and state."""
    return steps_to(after, before, archived=before.archived)
