"""`phtui datasets push`: make a dataset hold a file's items, and say first what that will do.

`plan_push` reads the dataset (revisioned: every item at its current revision, active and
archived) and matches each record of the file (`phtui.core.transfer_file`) with an item:

1. a record with its own `client_item_id`: the item with that key;
2. a record that came from an export (`item_id`, or a classic file's `id`): that item, when the
   dataset has it (item ids are unique across datasets);
3. a record without a key: the item with its derived key (imported from it before), else an
   active item with exactly its content;
4. else no item: the record is a new item.

A matched item is *unchanged* when every editable field the record gives
(`item_fields.editable_fields`) is equal as JSON (`jsondiff.same_json`); else it is *updated*
with those fields, and `base_version` = the version read, so a change made in PostHog meanwhile
is a 409, reported and never overwritten. Fields the record leaves out are left as they are.
Fields fixed at create (source output, provenance) cannot change: a difference is noted, not
sent. An item matched through its derived key but edited since is left as it is.

*Refused*: records PostHog would refuse (`item_fields` checks), matches that are archived
(restore them first) and two records for one item are never sent. Updates of items at PostHog's
version limit and creates past its item limit (`ITEM_LIMIT` and `VERSION_LIMIT`, PostHog's
documented 600 and 40; archived items count towards the first) are refused in the plan and sent
all the same by `run_push`, since PostHog's limits may have grown: PostHog decides, and a full
dataset stops the creates, not the updates.

`run_push` carries a plan out with the import's `Engine`: creates carry the record's key
(revisioned: idempotent; classic: looked for by content when an answer is lost), and an update
whose answer is lost is checked by reading the item again before it is sent again.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from phtui.api.client import PostHogClient
from phtui.api.errors import (
    ConflictError,
    LimitReachedError,
    ServerError,
    StaleVersionError,
    TransportError,
    ValidationError,
)
from phtui.api.models import Dataset, DatasetItem, DatasetsApi
from phtui.core.item_fields import (
    CONTENT_FIELDS,
    CREATE_ONLY_FIELDS,
    check_update,
    editable_fields,
)
from phtui.core.jsondiff import Change, diff, same_json
from phtui.core.text import one_line
from phtui.core.transfer import (
    DEFAULT_IMPORT_CONCURRENCY,
    Engine,
    LineFailed,
    LineUnanswered,
    RunStopped,
    TransferError,
    TransferObserver,
    checking_status,
    content_keys,
    create_problem,
    reporting_waits,
    unanswered,
)
from phtui.core.transfer_file import (
    CONTENT_KEYS,
    ItemRecord,
    ItemsFile,
    LineProblem,
    content_key,
    iso_timestamp,
    item_content,
)

__all__ = [
    "ITEM_LIMIT",
    "VERSION_LIMIT",
    "Action",
    "PlanEntry",
    "PushPlan",
    "PushReport",
    "plan_push",
    "run_push",
]

ITEM_LIMIT: Final = 600  # items per dataset, archived ones included (api-revisioned.md §11)
VERSION_LIMIT: Final = 40  # versions per item
CHANGES_SHOWN: Final = 3
_INDENT: Final = "    "


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass(frozen=True)
class PlanEntry:
    """What the push will do with one record."""

    record: ItemRecord
    action: Action
    item: DatasetItem | None = None  # the item the record matched
    fields: Mapping[str, Any] = field(default_factory=dict)  # an update's PATCH fields
    changes: tuple[Change, ...] = ()  # what an update changes, paths from the field name
    note: str = ""  # why it is refused, or what is worth knowing
    limit: str = ""  # the PostHog limit that refuses it: "items" or "versions"

    def describe(self) -> str:
        """One line (changes indented below an update), server text made safe to print."""
        where = self.record.where
        target = f"item {self.item.id}" if self.item is not None else "a new item"
        key = self.record.client_item_id
        named = f" ({key!r})" if not self.record.derived else ""
        if self.action is Action.CREATE:
            text = f"{where}: create {target}{named}"
        elif self.action is Action.UPDATE:
            fields = ", ".join(self.fields)
            text = f"{where}: update {target}{named}: {fields}"
            for change in self.changes[:CHANGES_SHOWN]:
                text += f"\n{_INDENT}{one_line(str(change))}"
            if len(self.changes) > CHANGES_SHOWN:
                text += f"\n{_INDENT}… and {len(self.changes) - CHANGES_SHOWN:,} more changes"
        elif self.action is Action.UNCHANGED:
            text = f"{where}: unchanged ({target})"
        else:
            text = f"{where}: refused: {self.note}"
            return one_line(text)
        first, _, rest = text.partition("\n")
        first = one_line(first + (f" - {self.note}" if self.note else ""))
        return first + ("\n" + rest if rest else "")


@dataclass
class PushPlan:
    dataset: Dataset
    api: DatasetsApi
    revision: int | None  # the revision the dataset was read at
    entries: list[PlanEntry]
    problems: list[LineProblem]  # lines of the file that are not records (or repeats)
    existing: int  # items counted against the item limit (archived included)
    item_limit: int | None
    version_limit: int | None
    limits: list[str] = field(default_factory=list)  # limits the push would hit, in words
    total: int = 0  # records in the file

    def count(self, action: Action) -> int:
        return sum(1 for entry in self.entries if entry.action is action)

    def to_send(self) -> list[PlanEntry]:
        """What `run_push` sends: creates and updates, and what only PostHog's documented
        limits refused here (PostHog may allow more now, and says so or refuses them itself)."""
        return [e for e in self.entries if e.action in (Action.CREATE, Action.UPDATE) or e.limit]

    def of(self, action: Action) -> list[PlanEntry]:
        return [entry for entry in self.entries if entry.action is action]

    @property
    def invalid(self) -> list[LineProblem]:
        return [problem for problem in self.problems if problem.code != "repeat"]

    def summary(self) -> str:
        """E.g. "12 to create, 5 to update, 570 unchanged, 2 refused (of 589 lines)"."""
        refused = self.count(Action.REFUSED) + len(self.invalid)
        parts = [
            f"{self.count(Action.CREATE):,} to create",
            f"{self.count(Action.UPDATE):,} to update",
            f"{self.count(Action.UNCHANGED):,} unchanged",
            f"{refused:,} refused",
        ]
        repeats = len(self.problems) - len(self.invalid)
        if repeats:
            parts.append(f"{repeats:,} repeated lines left out")
        return ", ".join(parts) + f" (of {self.total:,} lines)"

    def lines(self, *, unchanged: bool = False) -> list[str]:
        """The plan as text: every create, update and refusal in file order (and the unchanged
        records when asked), then the limits."""
        rows: list[tuple[int, str]] = [
            (entry.record.line, entry.describe())
            for entry in self.entries
            if unchanged or entry.action is not Action.UNCHANGED
        ]
        rows.extend(
            (problem.line, one_line(f"{problem}") if problem.code == "repeat" else
             one_line(f"{problem.where}: refused: {problem.message}"))
            for problem in self.problems
        )  # fmt: skip
        rows.sort(key=lambda row: row[0])
        return [text for _, text in rows] + self.limits


async def plan_push(
    client: PostHogClient,
    dataset_id: str,
    items_file: ItemsFile,
    *,
    item_limit: int | None = ITEM_LIMIT,
    version_limit: int | None = VERSION_LIMIT,
    observer: TransferObserver | None = None,
) -> PushPlan:
    """Compare the file with the dataset as it is now (see the module docstring); nothing is
    changed. Classic servers have no limits."""
    watcher = observer or TransferObserver()
    with reporting_waits(client, watcher):
        watcher.status("Reading the dataset.")
        api = await client.detect_datasets_api()
        active = await client.list_all_dataset_items(dataset_id)
        archived: list[DatasetItem] = []
        if api == "revisioned" and active.revision is not None:
            archived = (
                await client.list_all_dataset_items(
                    dataset_id, revision=active.revision, archived=True
                )
            ).items
    if api == "classic":
        item_limit = version_limit = None
    planner = _Planner(api, active.dataset, active.items, archived, version_limit)
    entries = [planner.entry(record) for record in items_file.records]
    existing = len(active.items) + len(archived)
    plan = PushPlan(
        dataset=active.dataset,
        api=api,
        revision=active.revision,
        entries=entries,
        problems=list(items_file.problems),
        existing=existing,
        item_limit=item_limit,
        version_limit=version_limit,
        total=items_file.total,
    )
    _apply_item_limit(plan)
    at_limit = [e for e in plan.entries if e.limit == "versions"]
    if at_limit:
        one = len(at_limit) == 1
        plan.limits.append(
            f"{len(at_limit):,} {'item is' if one else 'items are'} at PostHog's limit of "
            f"{version_limit} versions: {'its update is' if one else 'their updates are'} "
            "refused (create a new item instead)."
        )
    return plan


def _apply_item_limit(plan: PushPlan) -> None:
    creates = plan.of(Action.CREATE)
    if plan.item_limit is None or not creates:
        return
    room = max(0, plan.item_limit - plan.existing)
    if len(creates) <= room:
        return
    over = creates[room:]
    note = (
        f"the dataset would pass PostHog's limit of {plan.item_limit:,} items (it has "
        f"{plan.existing:,}, archived included)"
    )
    refused = {id(entry) for entry in over}
    plan.entries = [
        PlanEntry(entry.record, Action.REFUSED, note=note, limit="items")
        if id(entry) in refused
        else entry
        for entry in plan.entries
    ]
    plan.limits.append(
        f"The dataset has {plan.existing:,} of PostHog's {plan.item_limit:,} items (archived "
        f"included): {room:,} of the {len(creates):,} new items fit; {len(over):,} are refused."
    )


class _Planner:
    def __init__(
        self,
        api: DatasetsApi,
        dataset: Dataset,
        active: list[DatasetItem],
        archived: list[DatasetItem],
        version_limit: int | None,
    ) -> None:
        self.api = api
        self.dataset = dataset
        self.version_limit = version_limit
        everything = [*active, *archived]
        self.by_key = {i.client_item_id: i for i in everything if i.client_item_id}
        self.by_id = {i.id: i for i in everything}
        self.by_content = {
            content_key(item_content(i)): i for i in active if not i.too_deep and not i.archived
        }
        self.claimed: dict[str, ItemRecord] = {}
        self.editable = editable_fields(api)

    def match(self, record: ItemRecord) -> tuple[DatasetItem | None, bool]:
        """(the matched item, whether it was matched by the record's derived key/content)."""
        if not record.derived and self.api == "revisioned":
            found = self.by_key.get(record.client_item_id)
            if found is None and record.item_id:
                found = self.by_id.get(record.item_id)
            return found, False
        if record.item_id and record.item_id in self.by_id:
            return self.by_id[record.item_id], False
        # Classic servers keep no client item id: an item is found by its content there.
        found = self.by_key.get(record.client_item_id) if record.derived else None
        if found is None:
            found = self.by_content.get(content_key(record.values))
        return found, found is not None

    def entry(self, record: ItemRecord) -> PlanEntry:
        item, by_content = self.match(record)
        if item is None:
            problem = create_problem(record, self.api)
            if problem is not None:
                return PlanEntry(record, Action.REFUSED, note=problem.message)
            return PlanEntry(record, Action.CREATE)
        earlier = self.claimed.get(item.id)
        if earlier is not None:
            return PlanEntry(
                record, Action.REFUSED, item, note=f"{earlier.where} is for the same item"
            )
        self.claimed[item.id] = record
        if item.too_deep:
            return PlanEntry(
                record,
                Action.REFUSED,
                item,
                note=f"item {item.id} is nested too deeply for phtui to compare",
            )
        if item.archived:
            return PlanEntry(
                record, Action.REFUSED, item, note=f"item {item.id} is archived: restore it first"
            )
        current = item_content(item)
        if by_content:
            same = same_json(_comparable(current), _comparable(record.values))
            note = "" if same else "imported from this line earlier, edited in PostHog since"
            return PlanEntry(record, Action.UNCHANGED, item, note=note)
        return self._compare(record, item, current)

    def _compare(
        self, record: ItemRecord, item: DatasetItem, current: Mapping[str, Any]
    ) -> PlanEntry:
        fields: dict[str, Any] = {}
        changes: list[Change] = []
        for name in self.editable:
            if name not in record.values:
                continue
            old, new = _normal(name, current.get(name)), _normal(name, record.values[name])
            if not same_json(old, new):
                fields[name] = record.values[name]
                changes.extend(diff(old, new, (name,)))
        fixed = [
            name
            for name in CREATE_ONLY_FIELDS
            if name not in self.editable
            and name in record.values
            and name != "client_item_id"
            and not same_json(_normal(name, current.get(name)), _normal(name, record.values[name]))
        ]
        note = ""
        if fixed:
            one = len(fixed) == 1
            note = (
                f"{', '.join(fixed)} differ{'s' if one else ''}, but PostHog never changes "
                f"{'it' if one else 'them'} after create"
            )
        if not fields:
            return PlanEntry(record, Action.UNCHANGED, item, note=note)
        merged = {name: _normal(name, current.get(name)) for name in CONTENT_FIELDS} | {
            name: _normal(name, value) for name, value in fields.items() if name in CONTENT_FIELDS
        }
        problem = check_update(merged)
        if problem is not None:
            return PlanEntry(record, Action.REFUSED, item, note=problem.message)
        limit = self.version_limit
        if limit is not None and item.version is not None and item.version >= limit:
            return PlanEntry(
                record,
                Action.REFUSED,
                item,
                fields,
                tuple(changes),
                note=f"item {item.id} is at PostHog's limit of {limit} versions",
                limit="versions",
            )
        return PlanEntry(record, Action.UPDATE, item, fields, tuple(changes), note)


def _normal(name: str, value: Any) -> Any:
    if name == "metadata" and value is None:
        return {}
    if name == "source_timestamp":
        return iso_timestamp(value)
    return value


def _comparable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _normal(name, values.get(name)) for name in CONTENT_KEYS}


# =============================================================================== run


@dataclass
class PushReport:
    total: int = 0  # records in the file
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    already: int = 0  # creates PostHog already had (an earlier push, or one at the same time)
    refused: list[LineProblem] = field(default_factory=list)  # by the plan: never sent
    failed: list[LineProblem] = field(default_factory=list)  # sent and refused
    unknown: list[LineProblem] = field(default_factory=list)  # sent, never answered
    notes: list[LineProblem] = field(default_factory=list)
    not_run: int = 0
    stopped: str | None = None
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return (
            not (self.refused or self.failed or self.unknown or self.stopped or self.interrupted)
            and not self.not_run
        )

    def summary(self) -> str:
        parts = [
            f"{self.created:,} created",
            f"{self.updated:,} updated",
            f"{self.unchanged + self.already:,} unchanged",
        ]
        if self.refused:
            parts.append(f"{len(self.refused):,} refused")
        if self.failed:
            parts.append(f"{len(self.failed):,} failed")
        if self.unknown:
            parts.append(f"{len(self.unknown):,} not answered")
        if self.not_run:
            parts.append(f"{self.not_run:,} not done")
        return ", ".join(parts) + f" (of {self.total:,} lines)"


async def run_push(
    client: PostHogClient,
    plan: PushPlan,
    *,
    concurrency: int = DEFAULT_IMPORT_CONCURRENCY,
    observer: TransferObserver | None = None,
    report: PushReport | None = None,
) -> PushReport:
    """Carry out `plan`'s creates and updates; `report` (optional) is kept up to date, so it
    can be read after a cancel. Fatal `PostHogError`s (key refused, dataset gone) are raised."""
    report = report if report is not None else PushReport()
    watcher = observer or TransferObserver()
    report.total = plan.total
    report.unchanged = plan.count(Action.UNCHANGED)
    report.refused = sorted(
        [
            entry.record.problem(entry.note, "refused")
            for entry in plan.of(Action.REFUSED)
            if not entry.limit
        ]
        + plan.invalid,
        key=lambda problem: problem.line,
    )
    engine = Engine(
        client,
        plan.dataset.id,
        plan.api,
        watcher,
        concurrency=concurrency,
        base_revision=plan.revision or 0,
        stop_when_full=False,
    )
    run = _PushRun(engine, plan, report, watcher)
    with reporting_waits(client, watcher):
        await run.run()
    return report


class _PushRun:
    def __init__(
        self, engine: Engine, plan: PushPlan, report: PushReport, observer: TransferObserver
    ) -> None:
        self.engine = engine
        self.plan = plan
        self.report = report
        self.observer = observer
        self.work = plan.to_send()
        self.unanswered: list[PlanEntry] = []
        self.lost_reasons: list[str] = []  # how the answers of `unanswered` were lost
        self.done = 0

    def _progress(self) -> None:
        self.observer.progress(self.done, len(self.work))

    async def run(self) -> None:
        report, engine = self.report, self.engine
        self._progress()
        try:
            await engine.run_all(self.work, self._one)
            if engine.stopped is None and self.unanswered:
                await self._settle()
        except asyncio.CancelledError:
            report.interrupted = True
            raise
        finally:
            report.unknown = sorted(
                (
                    entry.record.problem("sent, but PostHog did not answer: push again", "unknown")
                    for entry in self.unanswered
                ),
                key=lambda problem: problem.line,
            )
            report.not_run = len(self.work) - self.done - len(self.unanswered)
            report.stopped = engine.stopped
            report.failed.sort(key=lambda problem: problem.line)

    async def _one(self, entry: PlanEntry) -> None:
        try:
            if entry.action is Action.CREATE or entry.limit == "items":
                outcome = await self.engine.create(entry.record)
                if outcome == "created":
                    self.report.created += 1
                else:
                    self.report.already += 1
            else:
                await self._update(entry)
                self.report.updated += 1
        except LineFailed as failure:
            self.report.failed.append(failure.problem)
            self.observer.problem(failure.problem)
        except LineUnanswered as lost:
            self.unanswered.append(entry)  # settled at the end, or counted as not answered
            self.lost_reasons.append(lost.reason)
            return
        except RunStopped:
            return
        self.done += 1
        self._progress()

    async def _update(self, entry: PlanEntry) -> None:
        item = entry.item
        assert item is not None
        record = entry.record
        try:
            await self.engine.call(
                lambda: self.engine.client.update_dataset_item(
                    item.id, base_version=item.version, **entry.fields
                )
            )
        except StaleVersionError as error:
            now = f" (now version {error.current_version})" if error.current_version else ""
            raise LineFailed(
                record.problem(
                    f"item {item.id} changed in PostHog after the push read it{now}: push again "
                    "to see the difference",
                    "stale",
                )
            ) from None
        except LimitReachedError as error:
            raise LineFailed(
                record.problem(f"item {item.id}: {error.detail or error}", "limit")
            ) from None
        except ConflictError as error:
            if error.code == "dataset_archived":
                raise TransferError(
                    "The dataset is archived: restore it before changing its items."
                ) from None
            raise LineFailed(record.problem(str(error), "conflict")) from None
        except ValidationError as error:
            where = f" ({error.field})" if error.field else ""
            raise LineFailed(
                record.problem(f"PostHog refused it{where}: {error.detail}", "refused")
            ) from None
        except (TransportError, ServerError) as error:
            raise unanswered(
                record, error, f"sent, but the answer about item {item.id} was lost"
            ) from None

    async def _settle(self) -> None:
        """Requests sent without an answer: find out what happened, and send what did not."""
        entries, self.unanswered = self.unanswered, []
        reasons, self.lost_reasons = self.lost_reasons, []
        self.observer.status(checking_status(len(entries), "changes", reasons))
        found: dict[str, DatasetItem] | None = None
        again: list[PlanEntry] = []
        for entry in entries:
            if entry.action is Action.UPDATE:
                assert entry.item is not None
                target = entry.item
                current = await self.engine.call(
                    functools.partial(self.engine.client.get_dataset_item, target.id)
                )
                if _applied(current, entry.fields):
                    self.report.updated += 1
                    self.done += 1
                elif current.version == target.version:
                    again.append(entry)
                else:
                    self.report.failed.append(
                        entry.record.problem(
                            f"item {target.id} changed in PostHog meanwhile: push again", "stale"
                        )
                    )
                    self.done += 1
            elif self.plan.api == "classic":
                if found is None:
                    found = await self.engine.call(
                        lambda: content_keys(self.engine.client, self.plan.dataset.id)
                    )
                if content_key(entry.record.values) in found:
                    self.report.created += 1
                    self.done += 1
                else:
                    again.append(entry)
            else:
                again.append(entry)  # same client_item_id: cannot create it twice
        self._progress()
        await self.engine.run_all(again, self._one)


def _applied(item: DatasetItem, fields: Mapping[str, Any]) -> bool:
    current = item_content(item)
    return all(same_json(_normal(n, current.get(n)), _normal(n, v)) for n, v in fields.items())
