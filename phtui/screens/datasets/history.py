"""An item's history: every version, what each changed, a diff of any two, and bringing one back.

`ItemHistoryScreen(dataset, item)` lists the item's versions newest first (version, when, who,
archived or active, what changed since the version before). Below, the structural diff
(`core.jsondiff`, through `core.item_history.version_diff`) between the highlighted version and
the one before it, or, once a version is pinned with space, between the pinned one and the
highlighted one.

`r` brings the highlighted version's content back as a new version: a restore from that version
when the item is archived, a PATCH of the differing fields (with `base_version`) when it is
active (`core.item_history.bring_back`: PostHog refuses a restore of an active item). `u` undoes
the last one with the same kind of steps. The screen dismisses with the item's new current
version (`DatasetItem`) when anything changed here, else None.

Classic servers keep no versions: the screen says so and offers nothing else.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Static

from phtui.api import PostHogClient
from phtui.api.errors import PostHogError, StaleVersionError
from phtui.api.models import Dataset, DatasetItem
from phtui.core.dates import format_datetime
from phtui.core.edit_session import Patch
from phtui.core.item_history import (
    VERSIONED_FIELDS,
    Archive,
    Restore,
    Step,
    VersionState,
    bring_back,
    undo_steps,
    version_diff,
    what_changed,
)
from phtui.core.jsondiff import Change, format_path
from phtui.core.jsondoc import escape_unsafe
from phtui.core.text import clip, one_line
from phtui.screens.base import PhScreen, task
from phtui.screens.confirm import ConfirmScreen
from phtui.widgets.datasets.items_table import short_id
from phtui.widgets.key_bar import KeyBar
from phtui.widgets.title_bar import TitleBar

__all__ = ["MAX_DIFF_LINES", "ItemHistoryScreen", "diff_lines", "run_steps", "state_of"]

VERSIONS_PAGE = 100  # the most PostHog gives per page of versions
MAX_DIFF_LINES = 400  # a diff longer than this says how many more changes there are
VALUE_WIDTH = 200  # characters of a value shown in a diff line
WIDE_FROM = 100  # narrower: short dates and names, so the table needs no horizontal scroll


def state_of(item: DatasetItem) -> VersionState:
    return VersionState(item.version or 0, item.archived, item.json_fields(VERSIONED_FIELDS))


async def run_steps(
    client: PostHogClient, item_id: str, steps: tuple[Step, ...], base_version: int
) -> DatasetItem:
    """Send `steps` in turn, each against the version the previous answer gave."""
    version = base_version
    answer: DatasetItem | None = None
    for step in steps:
        if isinstance(step, Patch):
            answer = await client.update_dataset_item(item_id, base_version=version, **step.fields)
        elif isinstance(step, Archive):
            answer = await client.archive_dataset_item(item_id, base_version=version)
        elif isinstance(step, Restore):
            answer = await client.restore_dataset_item(
                item_id, base_version=version, source_version=step.source_version
            )
        version = answer.version or version
    assert answer is not None, "run_steps needs at least one step"
    return answer


def _value(value: Any) -> str:
    """A value on one line as JSON spells it, unsafe characters as JSON escapes (`\u001b`)."""
    return clip(escape_unsafe(json.dumps(value, ensure_ascii=False, sort_keys=True)), VALUE_WIDTH)


def diff_lines(changes: list[Change], limit: int = MAX_DIFF_LINES) -> Content:
    """The changes as coloured lines, server text made safe (`core.text`)."""
    lines: list[Content] = []
    for change in changes[:limit]:
        where = one_line(escape_unsafe(format_path(change.path))) or "(whole value)"
        if change.kind == "added":
            lines.append(Content.assemble(("+ ", "bold $success"), (where, "bold"), ": ",
                                          (_value(change.new), "$success")))  # fmt: skip
        elif change.kind == "removed":
            lines.append(Content.assemble(("- ", "bold $error"), (where, "bold"), ": ",
                                          (_value(change.old), "$error")))  # fmt: skip
        else:
            lines.append(Content.assemble(("~ ", "bold $warning"), (where, "bold"), ": ",
                                          (_value(change.old), "$error"), " → ",
                                          (_value(change.new), "$success")))  # fmt: skip
    if len(changes) > limit:
        lines.append(Content(f"… and {len(changes) - limit:,} more changes"))
    if not lines:
        lines.append(Content.styled("No differences.", "$text-muted"))
    return Content("\n").join(lines)


class ItemHistoryScreen(PhScreen[DatasetItem | None]):
    """The versions of `item` of `dataset`; dismisses with the new current version, or None."""

    DEFAULT_CSS = """
    ItemHistoryScreen #history-title { height: 1; padding: 0 1; background: $boost; }
    ItemHistoryScreen #history-notice { height: auto; padding: 0 1; color: $warning; }
    ItemHistoryScreen #history-versions { height: auto; max-height: 45%; }
    ItemHistoryScreen #history-diff-title { height: 1; padding: 0 1; background: $panel; }
    ItemHistoryScreen #history-diff-scroll { height: 1fr; }
    ItemHistoryScreen #history-diff { height: auto; padding: 0 1; }
    ItemHistoryScreen #history-status { height: 1; padding: 0 1; color: $text-muted; }
    ItemHistoryScreen #history-status.-error { color: $error; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "pin", "Compare with", id="item_history.pin"),
        Binding("r", "bring_back", "Restore this", id="item_history.restore"),
        Binding("u", "undo", "Undo", id="item_history.undo"),
        Binding("f5", "refresh", "Refresh", id="item_history.refresh", show=False),
        Binding("escape", "back", "Back", id="item_history.back"),
    ]

    MUTATING_ACTIONS = frozenset({"bring_back", "undo"})

    def __init__(self, dataset: Dataset, item: DatasetItem) -> None:
        super().__init__()
        self.dataset = dataset
        self.item = item
        self.versions: list[DatasetItem] = []  # newest first
        self.pinned: int | None = None  # a version number: the other side of the diff
        self._undo: list[tuple[VersionState, DatasetItem]] = []  # (before, after) per change
        self._changed: DatasetItem | None = None  # the current version after a change here
        self._busy = False
        self._loaded = False
        self._classic = False
        self._what_changed: dict[int | None, str] = {}  # per version: its "Changed" cell
        self._states: dict[int, VersionState] = {}  # by id() of the version's DatasetItem

    # ---------------------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(self._title(), id="history-title", markup=False)
        yield Static("", id="history-notice", markup=False)
        table: DataTable[Text] = DataTable(id="history-versions", cursor_type="row")
        table.add_columns("", "Version", "When", "Who", "State", "Changed")
        yield table
        yield Static("", id="history-diff-title", markup=False)
        with VerticalScroll(id="history-diff-scroll"):
            yield Static("", id="history-diff")
        yield Static("Loading versions…", id="history-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#history-notice").display = False
        client = self.services.client
        if client is not None and client.datasets_api == "classic":
            self._show_classic()
            return
        self.table.focus()
        self._load()

    def _title(self) -> str:
        return f"History of item {short_id(self.item.id)} in “{clip(self.dataset.name, 40)}”"

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#history-versions", DataTable)

    @property
    def loaded(self) -> bool:
        return self._loaded

    def _notice(self, text: str) -> None:
        notice = self.query_one("#history-notice", Static)
        notice.update(text)
        notice.display = bool(text)

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#history-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    def _show_classic(self) -> None:
        self._classic = True
        self._loaded = True
        self.table.display = False
        self.query_one("#history-diff-title").display = False
        self._notice(
            "This PostHog instance serves the classic datasets API, which keeps no item "
            "versions: there is no history to show. Newer PostHog keeps every version."
        )
        self._status("")
        self.refresh_bindings()

    # ------------------------------------------------------------------------ loading

    @task(group="history-load")
    async def _load(self, select: int | None = None, note: str | None = None) -> None:
        """(Re)load every version; `note` replaces the status line's summary (an error)."""
        client = self.client
        if await client.detect_datasets_api() == "classic":
            self._show_classic()
            return
        versions: list[DatasetItem] = []
        offset = 0
        while True:
            page = await client.list_dataset_item_versions(
                self.item.id, limit=VERSIONS_PAGE, offset=offset
            )
            versions.extend(page.results)
            offset += len(page.results)
            if not page.next or not page.results:
                break
        self.versions = versions
        self._states = {id(version): state_of(version) for version in versions}
        self._what_changed = {
            version.version: self._describe(
                version, versions[index + 1] if index + 1 < len(versions) else None
            )
            for index, version in enumerate(versions)
        }
        if versions:
            self.item = versions[0]
        self._loaded = True
        self._show(select)
        if note is not None:
            self._status(note, error=True)

    def _show(self, select: int | None) -> None:
        table = self.table
        cursor = select if select is not None else self._selected_version()
        table.clear()
        for index, version in enumerate(self.versions):
            before = self.versions[index + 1] if index + 1 < len(self.versions) else None
            table.add_row(*self._cells(version, before), key=str(version.version))
        if cursor is not None:
            with_key = [v.version for v in self.versions]
            if cursor in with_key:
                table.move_cursor(row=with_key.index(cursor))
        if self.dataset.archived:
            self._notice("This dataset is archived: its items' versions cannot be restored.")
        count = len(self.versions)
        archived = ", archived" if self.item.archived else ""
        self._status(
            f"{count} version{'s' if count != 1 else ''} · current: version "
            f"{self.item.version}{archived} · space: compare with · r: restore"
        )
        self._show_diff()
        self.refresh_bindings()

    def _cells(self, version: DatasetItem, before: DatasetItem | None) -> list[Text]:
        marks = ""
        if version.version == self.pinned:
            marks += "◆"
        if version is self.versions[0]:
            marks += "●"
        who = version.version_created_by.display_name if version.version_created_by else "—"
        changed = self._what_changed.get(version.version) or self._describe(version, before)
        wide = self.size.width >= WIDE_FROM
        return [
            Text(marks, style="bold"),
            Text(f"v{version.version}"),
            Text(format_datetime(version.version_created_at)),
            Text(clip(who, 24 if wide else 14)),
            Text("archived" if version.archived else "active"),
            Text(clip(changed, max(12, self.size.width - (70 if wide else 56)))),
        ]

    def on_resize(self) -> None:
        if self.versions:
            self._show(None)

    def state(self, version: DatasetItem) -> VersionState:
        """The version as `core.item_history` reads it, made once per load."""
        known = self._states.get(id(version))
        if known is None:
            known = self._states[id(version)] = state_of(version)
        return known

    def _describe(self, version: DatasetItem, before: DatasetItem | None) -> str:
        if version.too_deep or (before is not None and before.too_deep):
            return "(too deeply nested to compare)"
        return what_changed(self.state(before) if before else None, self.state(version))

    def _selected_version(self) -> int | None:
        selected = self.selected
        return selected.version if selected is not None else None

    @property
    def selected(self) -> DatasetItem | None:
        if not self.versions or not self.table.row_count:
            return None
        row = self.table.cursor_row
        return self.versions[row] if 0 <= row < len(self.versions) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_diff()
        self.refresh_bindings()

    # --------------------------------------------------------------------------- diff

    def compared(self) -> tuple[DatasetItem | None, DatasetItem | None]:
        """(older, newer) of the diff shown: pinned and highlighted, else highlighted and the
        version before it (None for "nothing before": version 1)."""
        selected = self.selected
        if selected is None:
            return None, None
        if self.pinned is not None and self.pinned != selected.version:
            pinned = next((v for v in self.versions if v.version == self.pinned), None)
            if pinned is not None:
                pair = sorted((pinned, selected), key=lambda v: v.version or 0)
                return pair[0], pair[1]
        index = self.versions.index(selected)
        before = self.versions[index + 1] if index + 1 < len(self.versions) else None
        return before, selected

    def _show_diff(self) -> None:
        older, newer = self.compared()
        title = self.query_one("#history-diff-title", Static)
        body = self.query_one("#history-diff", Static)
        if newer is None:
            title.update("")
            body.update("")
            return
        if older is None:
            title.update(f"Version {newer.version}: created with")
            changes = version_diff(None, self.state(newer))
        elif older.too_deep or newer.too_deep:
            title.update(f"Version {older.version} → version {newer.version}")
            body.update("One of these versions is nested too deeply to compare here.")
            return
        else:
            how = "pinned" if self.pinned is not None else "the one before"
            title.update(f"Version {older.version} → version {newer.version} ({how})")
            changes = version_diff(self.state(older), self.state(newer))
        body.update(diff_lines(changes))

    def action_pin(self) -> None:
        selected = self.selected
        if selected is None:
            return
        self.pinned = None if self.pinned == selected.version else selected.version
        self._show(None)

    # ---------------------------------------------------------------------- actions

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("pin", "bring_back", "refresh"):
            return not self._classic
        if action == "undo":
            return bool(self._undo) and not self._classic
        return True

    def blocked_reason(self, action: str) -> str | None:
        if self.can_run(action, ()) is False:
            return None
        reason = super().blocked_reason(action)
        if reason is not None:
            return reason
        if action in ("bring_back", "undo") and self.dataset.archived:
            return "This dataset is archived: restore it from the datasets list first."
        if action in ("bring_back", "undo") and (self._busy or not self._loaded):
            return "One moment: the history is still loading or changing."
        if action == "bring_back":
            selected = self.selected
            if selected is None:
                return "No version highlighted."
            if selected is self.versions[0] and not selected.archived:
                return "This is the current version already."
            if selected.too_deep:
                return "This version is nested too deeply to restore from here."
        return None

    def action_refresh(self) -> None:
        self._load()

    def action_back(self) -> None:
        self.dismiss(self._changed)

    def action_bring_back(self) -> None:
        selected = self.selected
        if selected is None or not self.versions:
            return
        current = self.versions[0]
        steps = bring_back(self.state(current), self.state(selected))
        if not steps:
            self._status(
                f"Version {selected.version} has the current content already: nothing to do."
            )
            return
        new = (current.version or 0) + len(steps)
        what = "restores the item with" if current.archived else "gives the item"
        message = (
            f"This {what} the input, expected output and metadata of version "
            f"{selected.version}, as a new version {new}. Nothing is lost: u undoes it."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._busy = True
                self.refresh_bindings()
                self._apply(current, steps, f"Version {selected.version} is back")

        self.app.push_screen(
            ConfirmScreen(f"Restore version {selected.version}?", message, "Restore"), answered
        )

    def action_undo(self) -> None:
        if not self._undo or not self.versions:
            return
        before, after = self._undo[-1]
        current = self.versions[0]
        if current.version != after.version:
            self._status(
                "The item changed since (by someone else?): undo would overwrite that. Restore "
                "the version you want instead.",
                error=True,
            )
            return
        steps = undo_steps(before, self.state(current))
        if not steps:
            self._undo.pop()
            self._status("Nothing to undo: the item is as it was.")
            return
        self._busy = True
        self.refresh_bindings()
        done = f"Undone: back to the content of version {before.version}"
        self._apply(current, steps, done, undo=True)

    @task(group="history-change", exclusive=False)
    async def _apply(
        self, current: DatasetItem, steps: tuple[Step, ...], done: str, *, undo: bool = False
    ) -> None:
        try:
            answer = await run_steps(self.client, current.id, steps, current.version or 0)
        except StaleVersionError:
            self._busy = False
            self._load(
                note="The item changed meanwhile: the history is reloaded. Look again, then "
                "press r."
            )
            return
        except PostHogError as error:
            self.report(error, action="Restoring a version")
            self._busy = False
            self._load(note=f"Not restored: {one_line(str(error))}")  # a step may have gone through
            return
        self._busy = False
        if undo:
            self._undo.pop()  # only once it went through: a failed undo can be tried again
        else:
            self._undo.append((state_of(current), answer))
        self._changed = answer
        self.pinned = None
        await self._load(select=answer.version).wait()
        undo_hint = " u undoes it." if self._undo else ""
        self._status(f"{done} as version {answer.version}.{undo_hint}")
