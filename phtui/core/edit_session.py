"""An editing session as pure values: where the edit started, what it changed, what to send.

The item editor and the theme editor both keep an `EditSession`: the values the user started
from (`baseline`) and, on a revisioned server, the item version they came from. A save asks it
for a `plan`:

- `Nothing`: no field differs from where the user started;
- `Patch`: exactly the fields the user changed, with the version to send as `base_version`.

When the server's copy moved on (a 409 `stale_version`, another writer seen before a classic
save, or an answer lost after sending), `merge` lines up the three versions field by field: the
baseline, the server's (`theirs`) and the user's (`mine`). Fields only one side changed merge by
themselves; fields both changed differently are conflicts the user settles per field. The
resolution is again a `Plan`, and it never sends a field the user did not change or chose:
another writer's change to a field the user left alone is never reverted.

Servers without versions (classic items, themes) cannot refuse a stale save: `moved` compares a
fresh read with the baseline before saving, and the same `merge` follows when it moved.

A create whose answer was lost (a timeout after the server wrote, a dropped connection) may or
may not have made the object. `CreateAttempt` remembers what was sent and when, and `made`
recognises the object among what the server lists, so a retry looks before creating again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from phtui.core.jsondiff import same_json

__all__ = [
    "CREATE_CLOCK_SLACK",
    "Choice",
    "CreateAttempt",
    "EditSession",
    "FieldMerge",
    "FieldState",
    "Nothing",
    "Patch",
    "Plan",
    "ThreeWay",
]

Choice = Literal["mine", "theirs"]
# unchanged: nobody changed it; mine / theirs: only that side did; same: both, identically;
# conflict: both, differently.
FieldState = Literal["unchanged", "mine", "theirs", "same", "conflict"]


@dataclass(frozen=True)
class Nothing:
    """Nothing to send; `reason` says why in words the status line can show."""

    reason: str = "Nothing to save: no field differs."


@dataclass(frozen=True)
class Patch:
    """Send these fields; `base_version` is the server version they apply to (None: classic)."""

    fields: dict[str, Any]
    base_version: int | None = None


Plan = Nothing | Patch


@dataclass(frozen=True)
class FieldMerge:
    name: str
    base: Any
    theirs: Any
    mine: Any

    @property
    def state(self) -> FieldState:
        mine_changed = not same_json(self.mine, self.base)
        theirs_changed = not same_json(self.theirs, self.base)
        if not mine_changed:
            return "theirs" if theirs_changed else "unchanged"
        if not theirs_changed:
            return "mine"
        return "same" if same_json(self.mine, self.theirs) else "conflict"

    def default_choice(self) -> Choice | None:
        """What to keep without asking: the changed side, or None for a conflict."""
        state = self.state
        if state == "conflict":
            return None
        return "mine" if state == "mine" else "theirs"


@dataclass(frozen=True)
class ThreeWay:
    """The three versions of every field, and the server version `theirs` is."""

    fields: tuple[FieldMerge, ...]
    server_version: int | None = None

    @property
    def conflicts(self) -> list[str]:
        return [f.name for f in self.fields if f.state == "conflict"]

    @property
    def differing(self) -> list[FieldMerge]:
        """The fields worth showing: those where mine and theirs differ (changed by either)."""
        return [f for f in self.fields if not same_json(f.mine, f.theirs)]

    def choices(self, overrides: Mapping[str, Choice] | None = None) -> dict[str, Choice]:
        """Every field's choice: `overrides` first, else the default (conflicts must be given)."""
        chosen: dict[str, Choice] = {}
        for merge in self.fields:
            choice = (overrides or {}).get(merge.name) or merge.default_choice()
            if choice == "mine" and merge.state in ("theirs", "unchanged"):
                choice = "theirs"  # "mine" is the old value there: never revert others' work
            if choice is None:
                raise ValueError(f"choose mine or theirs for {merge.name}")
            chosen[merge.name] = choice
        return chosen

    def resolve(self, overrides: Mapping[str, Choice] | None = None) -> Plan:
        """What to send to turn the server's version into the chosen one."""
        chosen = self.choices(overrides)
        send = {
            merge.name: merge.mine
            for merge in self.fields
            if chosen[merge.name] == "mine" and not same_json(merge.mine, merge.theirs)
        }
        if not send:
            return Nothing("Nothing to save: the server already has what you chose.")
        return Patch(send, self.server_version)

    def result(self, overrides: Mapping[str, Choice] | None = None) -> dict[str, Any]:
        """The values the editor holds once resolved (the server's, with the user's picks)."""
        chosen = self.choices(overrides)
        return {m.name: m.mine if chosen[m.name] == "mine" else m.theirs for m in self.fields}


@dataclass
class EditSession:
    """The values an edit started from (JSON values of the editable fields) and their version."""

    baseline: dict[str, Any]
    base_version: int | None = None
    names: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.names:
            self.names = tuple(self.baseline)

    def changed(self, mine: Mapping[str, Any]) -> list[str]:
        """The fields the user changed, in field order."""
        return [n for n in self.names if n in mine and not same_json(mine[n], self.baseline.get(n))]

    def plan(self, mine: Mapping[str, Any]) -> Plan:
        """The first save attempt: the changed fields, against the version the user started on."""
        changed = self.changed(mine)
        if not changed:
            return Nothing()
        return Patch({name: mine[name] for name in changed}, self.base_version)

    def merge(
        self, theirs: Mapping[str, Any], mine: Mapping[str, Any], server_version: int | None
    ) -> ThreeWay:
        """Line up the baseline, the server's values and the user's, field by field."""
        # A field the user's values lack (not editable here) follows the server.
        return ThreeWay(
            tuple(
                FieldMerge(
                    name,
                    self.baseline.get(name),
                    theirs.get(name),
                    mine[name] if name in mine else theirs.get(name),
                )
                for name in self.names
            ),
            server_version,
        )

    def moved(self, theirs: Mapping[str, Any]) -> bool:
        """Whether the server's values differ from where the edit started (another writer)."""
        return any(not same_json(theirs.get(n), self.baseline.get(n)) for n in self.names)

    def applied(self, theirs: Mapping[str, Any], patch: Patch) -> bool:
        """Whether the server already holds everything `patch` sends (a lost answer that
        committed, or a retry that found its work done): then there is nothing to resend."""
        return all(same_json(theirs.get(name), value) for name, value in patch.fields.items())

    def rebase(self, values: Mapping[str, Any], version: int | None) -> None:
        """Start over from the server's `values` at `version` (after a save, or a reload)."""
        self.baseline = {name: values.get(name) for name in self.names}
        self.base_version = version


# How far the server's clock may be behind ours when recognising an item a lost create made.
CREATE_CLOCK_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class CreateAttempt:
    """A create sent at `started_at` with `fields` (JSON values; provenance timestamps as ISO
    text) whose answer never came: it may or may not have made the object."""

    fields: dict[str, Any]
    started_at: datetime

    def made(self, values: Mapping[str, Any], created_at: datetime | None) -> bool:
        """Whether an object the server lists (its `values`, created at `created_at`) is the
        one this attempt made: created no earlier than the attempt, with the same content."""
        if created_at is not None and created_at < self.started_at - CREATE_CLOCK_SLACK:
            return False
        return all(_same_value(values.get(name), sent) for name, sent in self.fields.items())


def _same_value(server: Any, sent: Any) -> bool:
    if same_json(server, sent):
        return True
    # Timestamps come back in the server's spelling ("...Z" or "+00:00", microseconds or not).
    instants = [_instant(server), _instant(sent)]
    return instants[0] is not None and instants[0] == instants[1]


def _instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
