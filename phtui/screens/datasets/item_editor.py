"""The item editor, on PostHog's revisioned datasets API and on the classic one.

Fields, in today's names (`core.item_fields`):
- revisioned servers: `input`, `expected_output` and `metadata` are JSON editors; `source_output`
  and the provenance (`source_trace_id`, `source_event_id`, `source_timestamp`) and
  `client_item_id` are fixed once the item exists, so an item shows them read-only. A new item
  takes them all, checked with PostHog's pairing rules (`item_fields.check_create`) before
  anything is sent, and gets a `client_item_id` generated once per new-item session (kept in the
  draft), which makes a repeated create answer with the same item instead of a second one;
- classic servers: `input`, `expected_output`, `metadata` and the provenance (their `ref_*`
  fields) are editable; there is no source output, client item id or version.

Saving is planned by `core.edit_session.EditSession`: only the fields the user changed are sent,
with the version they started from as `base_version`. When the server's copy moved on (a 409
`stale_version`; on classic servers, a re-read before saving that differs from where the edit
started) the three-way view (`conflict.ThreeWayScreen`) settles it field by field; a field the
user did not touch is never sent. A save whose answer was lost re-reads the item: when the
server already holds the change it says "Saved"; a create whose answer was lost is repeated with
the same `client_item_id`, or, without one, looks for the item before creating it again. A
second ctrl+s while a save is on its way sends nothing.

Every change is written to a draft on disk (`core.drafts`) about a second later, with where the
edit started (version, baseline values), and offered back the next time this item (or a new item
of this dataset) is opened. A failed save keeps the text and the draft, and the status line says
why until the next action.

An archived dataset or item opens read-only with a line saying so (an archived item can be
restored from here: ctrl+l, which archives an active one; each undoes the other). ctrl+g opens
the item's version history (`history.ItemHistoryScreen`).

Keys avoid tmux's and screen's prefixes (ctrl+b, ctrl+a) and TextArea's own keys.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static

from phtui.api.errors import (
    ConflictError,
    NotFoundError,
    PostHogError,
    StaleVersionError,
    TransportError,
)
from phtui.api.models import Dataset, DatasetItem, DatasetsApi
from phtui.core.clipboard import clipboard_hint, fits_osc52
from phtui.core.dates import format_datetime
from phtui.core.drafts import Draft, DraftKey, DraftStore, default_draft_dir
from phtui.core.edit_session import CreateAttempt, EditSession, Nothing, Patch, ThreeWay
from phtui.core.item_fields import (
    EDITABLE_FIELDS,
    PROVENANCE_FIELDS,
    FieldProblem,
    check_create,
    check_update,
    editable_fields,
)
from phtui.core.jsondiff import same_json
from phtui.core.jsondoc import pretty
from phtui.core.text import clip, one_line
from phtui.screens.base import PhScreen, task
from phtui.screens.datasets.conflict import ThreeWayScreen
from phtui.screens.datasets.items import ITEM_DRAFT_KIND, EditorOutcome
from phtui.screens.dialogs import Choice, ChoiceScreen
from phtui.widgets.datasets.items_table import short_id
from phtui.widgets.fields import SafeInput
from phtui.widgets.json_editor import JsonEditor, human_size
from phtui.widgets.key_bar import KeyBar
from phtui.widgets.title_bar import TitleBar

__all__ = [
    "FIELD_LABELS",
    "EditorFields",
    "ItemEditorScreen",
    "edit_externally",
    "external_editor_command",
    "fields_for",
    "item_texts",
]

JSON_FIELDS = ("input", "expected_output", "metadata", "source_output")
TEXT_FIELDS = ("client_item_id", "source_trace_id", "source_event_id", "source_timestamp")
FIELD_LABELS: Mapping[str, str] = {
    "input": "Input",
    "expected_output": "Expected output",
    "metadata": "Metadata",
    "source_output": "Source output",
    "client_item_id": "Client item ID",
    "source_trace_id": "Source trace ID",
    "source_event_id": "Source event ID",
    "source_timestamp": "Source timestamp",
}
# The one-line fields' titles (narrow: four of them share 80 columns).
SHORT_LABELS: Mapping[str, str] = {
    "client_item_id": "Client item ID",
    "source_trace_id": "Trace ID",
    "source_event_id": "Event ID",
    "source_timestamp": "Trace time",
}
PLACEHOLDERS: Mapping[str, str] = {
    "client_item_id": "none",
    "source_trace_id": "none",
    "source_event_id": "none",
    "source_timestamp": "e.g. 2026-05-04T10:12:33Z",
}
# Drafts written before the revisioned API named these fields as the classic API did.
LEGACY_DRAFT_NAMES: Mapping[str, str] = {
    "output": "expected_output",
    "ref_trace_id": "source_trace_id",
    "ref_timestamp": "source_timestamp",
    "ref_source_id": "source_event_id",
}
NEW_ITEM_TEXT = "{}"  # PostHog's UI starts each field as an empty object
DRAFT_DELAY_S = 1.0
MAX_SAVE_ROUNDS = 5  # re-reads and three-way views in one save before giving up
LOOK_BACK_ITEMS = 25  # newest items read to find what a create with a lost answer made


class EditorProblem(ValueError):
    """A field that cannot be saved as typed (`problem.field` gets the focus)."""

    def __init__(self, problem: FieldProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True)
class EditorFields:
    """Which fields the editor shows and how, for one server generation and item."""

    api: DatasetsApi
    json: tuple[str, ...]  # JSON editors the user can type in
    text: tuple[str, ...]  # one-line fields the user can type in
    shown: tuple[str, ...]  # JSON shown read-only (a revisioned item's source output)

    @property
    def editable(self) -> tuple[str, ...]:
        return (*self.json, *self.text)


def fields_for(api: DatasetsApi, item: DatasetItem | None) -> EditorFields:
    """Revisioned: content editable, the rest set on create only; classic: `ref_*` editable."""
    if api == "classic":
        return EditorFields(api, EDITABLE_FIELDS, PROVENANCE_FIELDS, ())
    if item is None:
        return EditorFields(api, (*EDITABLE_FIELDS, "source_output"), TEXT_FIELDS, ())
    shown = ("source_output",) if item.source_output is not None else ()
    return EditorFields(api, EDITABLE_FIELDS, (), shown)


def item_texts(item: DatasetItem | None, names: tuple[str, ...]) -> dict[str, str]:
    """The editor texts of an item (or a new one): JSON pretty-printed, text fields as is."""
    if item is None:
        return {
            name: "" if name in TEXT_FIELDS or name == "source_output" else NEW_ITEM_TEXT
            for name in names
        }
    values = item.json_fields(names)
    return {
        name: (values[name] or "") if name in TEXT_FIELDS else pretty(values[name])
        for name in names
    }


def check_timestamp(text: str) -> FieldProblem | None:
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return FieldProblem(
            "source_timestamp", f"{text!r} is not a timestamp such as 2026-05-04T10:12:33Z."
        )
    return None


def external_editor_command(environ: dict[str, str] | os._Environ[str]) -> list[str]:
    """`$VISUAL`, else `$EDITOR` (which may carry arguments), else vi."""
    return shlex.split(environ.get("VISUAL") or environ.get("EDITOR") or "vi")


def edit_externally(text: str, command: list[str]) -> str | None:
    """Round-trip `text` through an editor and a private temp file; None if the editor failed."""
    handle, name = tempfile.mkstemp(prefix="phtui-", suffix=".json")  # 0600
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        result = subprocess.run([*command, name], check=False)
        if result.returncode != 0:
            return None
        return path.read_text(encoding="utf-8")
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


class ItemEditorScreen(PhScreen[EditorOutcome]):
    """Edit `item` of `dataset`, or create a new item when `item` is None."""

    DEFAULT_CSS = """
    ItemEditorScreen #editor-title { height: 1; padding: 0 1; background: $boost; }
    ItemEditorScreen #editor-notice { height: auto; padding: 0 1; color: $warning; }
    ItemEditorScreen #editor-refs { height: 3; }
    ItemEditorScreen #editor-refs Input { width: 1fr; }
    ItemEditorScreen #editor-provenance {
        height: auto; max-height: 2; padding: 0 1; color: $text-muted;
    }
    ItemEditorScreen #field-source_output { max-height: 8; }
    ItemEditorScreen #editor-statusbar { height: 1; }
    ItemEditorScreen #editor-status { width: 1fr; height: 1; padding: 0 1; color: $text-muted; }
    ItemEditorScreen #editor-status.-error { color: $error; }
    ItemEditorScreen #editor-draft { width: auto; height: 1; padding: 0 1; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="item_editor.save"),
        Binding("ctrl+n", "save_add", "Save+new", id="item_editor.save_add"),
        Binding("ctrl+f", "format", "Format", id="item_editor.format"),
        Binding("ctrl+o", "external", "$EDITOR", id="item_editor.external"),
        Binding("ctrl+t", "copy", "Copy", id="item_editor.copy"),
        Binding("ctrl+g", "history", "History", id="item_editor.history"),
        Binding("ctrl+l", "archive", "Archive", id="item_editor.archive"),
        Binding("ctrl+l", "restore", "Restore", id="item_editor.restore"),
        Binding("escape", "close", "Back", id="item_editor.close"),
    ]

    MUTATING_ACTIONS = frozenset({"save", "save_add", "archive", "restore"})

    def __init__(
        self, dataset: Dataset, item: DatasetItem | None, *, drafts: DraftStore | None = None
    ) -> None:
        super().__init__()
        self.dataset = dataset
        self.item = item
        self._drafts = drafts or DraftStore(default_draft_dir())
        self.fields: EditorFields | None = None
        self.session = EditSession({})
        self._clean_texts: dict[str, str] = {}  # the one-line fields' saved state
        self._client_item_id = str(uuid.uuid4())  # a new item's, once per new-item session
        self._pending_create: CreateAttempt | None = None  # a create whose answer was lost
        self._saving = False
        self._busy = False  # archive / restore on its way
        self._gone: str | None = None  # "deleted" (classic) or "missing": the item is not there
        self._locked: str | None = None  # why the fields are read-only
        self._draft_timer: Timer | None = None
        self._current = "input"
        self._saved: DatasetItem | None = None
        self._created = 0
        self._leaving_without_draft = False
        self._editors: dict[str, JsonEditor] = {}
        self._shown: dict[str, JsonEditor] = {}
        self._draft_owned = False  # the draft on disk is this session's (safe to drop)
        self._refs: dict[str, Input] = {}

    # -------------------------------------------------------------------------- layout

    def _known_api(self) -> DatasetsApi | None:
        client = self.services.client
        api = client.datasets_api if client is not None else None
        if api is None and self.item is not None:
            api = "revisioned" if self.item.version is not None else "classic"
        return api

    def compose(self) -> ComposeResult:
        yield TitleBar()
        api = self._known_api()
        if api is None:  # nothing has told the client which API yet: ask first (on_mount)
            yield Static("Loading…", id="editor-title", markup=False)
            yield KeyBar()
            return
        fields = self.fields = fields_for(api, self.item)
        self.session = EditSession(
            self._values_of(self.item) if self.item else {},
            self.item.version if self.item else None,
            names=fields.editable,
        )
        texts = item_texts(self.item, (*fields.editable, *fields.shown))
        if self.item is None and "client_item_id" in fields.text:
            texts["client_item_id"] = self._client_item_id
        self._clean_texts = {name: texts[name] for name in fields.text}
        self._editors, self._shown, self._refs = {}, {}, {}
        yield Static(self._title(), id="editor-title", markup=False)
        yield Static("", id="editor-notice", markup=False)
        for name in (*fields.json, *fields.shown):
            shown = name in fields.shown
            label = FIELD_LABELS[name] + (" (fixed at create)" if shown else "")
            editor = JsonEditor(
                label,
                texts[name],
                field=name,
                allow_empty=name == "source_output",
                id=f"field-{name}",
            )
            (self._shown if shown else self._editors)[name] = editor
            yield editor
        if fields.text:
            with Horizontal(id="editor-refs"):
                for name in fields.text:
                    ref = SafeInput(texts[name], id=f"field-{name}", placeholder=PLACEHOLDERS[name])
                    ref.border_title = SHORT_LABELS[name]
                    self._refs[name] = ref
                    yield ref
        if api == "revisioned" and self.item is not None:
            yield Static(self._provenance(), id="editor-provenance", markup=False)
        with Horizontal(id="editor-statusbar"):
            yield Static("", id="editor-status", markup=False)
            yield Static("", id="editor-draft", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        if self.fields is None:
            self._detect_api()
            return
        self._ready()

    @task(group="item-detect")
    async def _detect_api(self) -> None:
        await self.client.detect_datasets_api()
        await self.recompose()
        self._ready()

    def _ready(self) -> None:
        for editor in self._shown.values():
            editor.text_area.read_only = True
        self._apply_lock()
        self.editor("input").focus_editor()
        if self._locked is None:
            self._offer_draft()

    def _lock_reason(self) -> str | None:
        if self.read_only:
            return "Read-only mode: this item cannot be changed."
        if self.dataset.archived:
            return (
                "This dataset is archived: its items are read-only. Restore the dataset from "
                "the datasets list to edit them."
            )
        if self.item is not None and self.item.too_deep:
            return "This item is nested too deeply to show here: export the dataset to read it."
        if self.item is not None and self.item.archived:
            if self.item.version is None:  # classic: deleted
                return "This item is deleted: press ctrl+l to restore it and edit it."
            return (
                f"This item is archived (version {self.item.version}): press ctrl+l to restore "
                "it and edit it, or ctrl+g for its history."
            )
        return None

    def _apply_lock(self) -> None:
        """Make the fields read-only, or editable, as the item's state says, and say why."""
        self._locked = self._lock_reason()
        locked = self._locked is not None
        for editor in self._editors.values():
            editor.text_area.read_only = locked
        for ref in self._refs.values():
            ref.disabled = locked
        notice = self.query_one("#editor-notice", Static)
        notice.update(self._locked or "")
        notice.display = locked
        self.refresh_bindings()

    def _title(self) -> str:
        dataset = clip(self.dataset.name, 40)
        if self.item is None:
            return f"New item in “{dataset}”"
        parts = [f"Item {short_id(self.item.id)}"]
        if self.item.version is not None:
            parts[0] += f" v{self.item.version}"
        parts.append(f"in “{dataset}”")
        updated = format_datetime(self.item.updated_at)
        parts.append(f"· updated {updated}")
        if self.item.archived:
            parts.append("· archived")
        return " ".join(parts)

    def _provenance(self) -> str:
        item = self.item
        if item is None:
            return ""
        parts = []
        if item.source_trace_id:
            parts.append(f"trace {clip(item.source_trace_id, 40)}")
        if item.source_event_id:
            parts.append(f"event {clip(item.source_event_id, 40)}")
        if item.source_timestamp:
            parts.append(format_datetime(item.source_timestamp))
        source = "Source: " + " · ".join(parts) if parts else "No source trace"
        key = clip(item.client_item_id, 60) if item.client_item_id else "none"
        return f"{source} · client item ID {key} (fixed at create)"

    # --------------------------------------------------------------------------- state

    # Fields are reached through references, not DOM queries, so the text can still be read
    # while the app shuts down (the last draft is written from on_unmount).
    def editor(self, name: str) -> JsonEditor:
        return self._editors.get(name) or self._shown[name]

    def ref_input(self, name: str) -> Input:
        return self._refs[name]

    @property
    def api(self) -> DatasetsApi | None:
        return self.fields.api if self.fields else None

    def texts(self) -> dict[str, str]:
        """What the user sees in every editable field (raw, possibly invalid)."""
        texts = {name: editor.text for name, editor in self._editors.items()}
        texts.update({name: ref.value for name, ref in self._refs.items()})
        return texts

    @property
    def dirty(self) -> bool:
        refs = any(ref.value != self._clean_texts.get(name) for name, ref in self._refs.items())
        return refs or any(editor.dirty for editor in self._editors.values())

    # The app's quit guard asks before quitting with these.
    def has_unsaved_changes(self) -> bool:
        return bool(self._editors) and self.dirty  # nothing composed yet: nothing typed

    def unsaved_edits(self) -> str | None:
        if not self.has_unsaved_changes():
            return None
        # Quitting still writes the last draft (on_unmount): the question says so.
        dataset = clip(self.dataset.name, 40)
        if self.item is None:
            what = f"the new item in “{dataset}”"
        else:
            what = f"the item “{short_id(self.item.id)}” in “{dataset}”"
        return f"{what} (its draft is kept)"

    def edited_values(self) -> dict[str, Any]:
        """The editable fields as they would be sent; `EditorProblem` names the first field
        that cannot be sent as typed (bad JSON, or one of PostHog's rules)."""
        values: dict[str, Any] = {}
        for name, editor in self._editors.items():
            editor.check_now()
            if editor.error is not None:
                raise EditorProblem(FieldProblem(name, f"{editor.label}: {editor.error}"))
            values[name] = editor.value()
        for name, ref in self._refs.items():
            text = ref.value.strip() if name == "source_timestamp" else ref.value
            values[name] = text if text.strip() else None
        problem = self._check(values)
        if problem is not None:
            raise EditorProblem(problem)
        return values

    def _check(self, values: dict[str, Any]) -> FieldProblem | None:
        """PostHog's rules, before anything is sent."""
        if self.api == "classic":
            stamp = values.get("source_timestamp")
            return check_timestamp(stamp) if isinstance(stamp, str) else None
        if self.item is None:
            return check_create(values)
        return check_update({**values, "source_output": self.item.source_output})

    def _values_of(self, item: DatasetItem) -> dict[str, Any]:
        names = self.fields.editable if self.fields else editable_fields(self._known_api())
        return item.json_fields(names)

    # -------------------------------------------------------------------- availability

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.fields is None:
            return action == "close"
        if action == "save_add":
            return self.item is None  # "save and add another" belongs to a new item only
        if action == "history":
            return self.item is not None
        if action == "archive":
            return self.item is not None and not self._restorable()
        if action == "restore":
            return self._restorable()
        return True

    def _restorable(self) -> bool:
        if self._gone == "deleted":
            return True
        return self.item is not None and self.item.archived and self._gone is None

    def blocked_reason(self, action: str) -> str | None:
        if self.can_run(action, ()) is False:
            return None  # hidden, not disabled: e.g. archive while restore holds ctrl+l
        reason = super().blocked_reason(action)
        if reason is not None or self.fields is None:
            return reason
        if action in ("save", "save_add") and self._locked is not None:
            return self._locked
        if action in ("archive", "restore") and self.dataset.archived:
            return "This dataset is archived: restore it from the datasets list first."
        if action == "archive" and self.dirty:
            return "Save or discard your changes first: archiving keeps the saved content."
        if action in ("archive", "restore") and self._busy:
            return "One moment: the last change is still on its way."
        if action == "history" and self.api == "classic":
            return "This PostHog instance serves the classic datasets API, which keeps no versions."
        return None

    def _refresh_keys(self) -> None:
        self.refresh_bindings()

    # ------------------------------------------------------------------------- status

    def _status(self, text: str, *, error: bool = False) -> None:
        """The status line: stays until the next action says something else."""
        status = self.query_one("#editor-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    def _draft_note(self, text: str) -> None:
        with contextlib.suppress(Exception):
            self.query_one("#editor-draft", Static).update(text)

    # ------------------------------------------------------------------ change tracking

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        fields: dict[str, Widget] = {**self._editors, **self._shown, **self._refs}
        for name, widget in fields.items():
            if widget.has_focus_within or widget.has_focus:
                self._current = name
                return

    @on(JsonEditor.Changed)
    def _json_changed(self) -> None:
        self._schedule_draft()

    @on(Input.Changed, "#editor-refs Input")
    def _ref_changed(self, event: Input.Changed) -> None:
        # The field as it is now (in a burst the message comes after later keys).
        field = event.input
        name = (field.id or "").removeprefix("field-")
        marker = " ●" if field.value != self._clean_texts.get(name, "") else ""
        field.border_title = SHORT_LABELS[name] + marker
        self._schedule_draft()

    # -------------------------------------------------------------------------- drafts

    @property
    def draft_key(self) -> DraftKey:
        client = self.client
        object_id = self.item.id if self.item else f"new:{self.dataset.id}"
        return DraftKey(client.host, client.project_id, ITEM_DRAFT_KIND, object_id)

    def _schedule_draft(self) -> None:
        if self.fields is None:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY_S, self.write_draft)

    def write_draft(self) -> None:
        """Keep the current texts on disk, with where the edit started (or drop the draft
        once nothing differs)."""
        self._draft_timer = None
        if self.fields is None:
            return
        try:
            if self.dirty:
                item = self.item
                updated = item.updated_at if item is not None else None
                draft = Draft(
                    self.draft_key,
                    self.texts(),
                    base_updated_at=updated.isoformat() if updated else None,
                    base_version=self.session.base_version,
                    baseline=self.session.baseline if item else None,
                    client_item_id=self._new_item_key(),
                )
                self._drafts.save(draft)
                self._draft_owned = True
                self._draft_note(f"draft kept {datetime.now():%H:%M:%S}")
            elif self._draft_owned:  # edits undone: drop our draft (never one put off for later)
                self._drafts.discard(self.draft_key)
                self._draft_owned = False
                self._draft_note("")
        except OSError as error:
            self._status(f"Could not write the draft: {error}", error=True)

    def _new_item_key(self) -> str | None:
        if self.item is not None or "client_item_id" not in self._refs:
            return None
        return self.ref_input("client_item_id").value.strip() or None

    def _discard_draft(self) -> None:
        self._draft_owned = False
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        with contextlib.suppress(OSError):
            self._drafts.discard(self.draft_key)
        self._draft_note("")

    def _offer_draft(self) -> None:
        draft = self._drafts.load(self.draft_key)
        if draft is None:
            return
        texts = self._draft_texts(draft)
        if texts == {n: t for n, t in self.texts().items() if n in texts}:
            return
        saved = draft.saved_at[:19].replace("T", " ")
        message = f"Unsaved edits of this item from {saved} UTC were kept."
        if self._draft_moved(draft):
            message += " The item has changed on the server since; saving will show what differs."
        choices = [
            Choice("restore", "Restore", "r", "primary"),
            Choice("discard", "Discard", "d", "error"),
            Choice("later", "Not now", "escape"),
        ]
        screen = ChoiceScreen("Restore draft?", message, choices, cancel="later")
        self.app.push_screen(screen, lambda answer: self._draft_answer(draft, answer))

    @staticmethod
    def _draft_texts(draft: Draft) -> dict[str, str]:
        return {LEGACY_DRAFT_NAMES.get(name, name): text for name, text in draft.fields.items()}

    def _draft_moved(self, draft: Draft) -> bool:
        item = self.item
        if item is None:
            return False
        if draft.base_version is not None and item.version is not None:
            return draft.base_version != item.version
        if draft.baseline is not None:
            return self.session.moved(draft.baseline)
        base = item.updated_at.isoformat() if item.updated_at else None
        return draft.base_updated_at != base

    def _draft_answer(self, draft: Draft, answer: str | None) -> None:
        if answer == "restore":
            self._draft_owned = True
            self._apply_texts(self._draft_texts(draft))
            if self.item is not None:
                # Compare against where the draft started, so a save shows what moved since.
                if draft.baseline is not None:
                    self.session.baseline = {
                        name: draft.baseline.get(name) for name in self.session.names
                    }
                if draft.base_version is not None:
                    self.session.base_version = draft.base_version
            self._status("Draft restored.")
        elif answer == "discard":
            self._discard_draft()
            self._status("Draft discarded.")

    def _apply_texts(self, texts: Mapping[str, str]) -> None:
        for name, text in texts.items():
            if name in self._editors:
                self.editor(name).load(text, original=False)
            elif name in self._refs:
                self.ref_input(name).value = text

    def on_unmount(self) -> None:
        # Quitting the app, or leaving with "keep draft": make sure the latest text is on disk.
        if self._draft_timer is not None:
            self._draft_timer.stop()
        if not self._leaving_without_draft:
            with contextlib.suppress(Exception):  # never let shutdown fail over a draft
                self.write_draft()

    # ------------------------------------------------------------ the server's versions

    def _load_item(self, item: DatasetItem | None) -> None:
        """Make `item` (or a blank new item) the clean state of every field."""
        self.item = item
        assert self.fields is not None
        names = (*self.fields.editable, *self.fields.shown)
        texts = item_texts(item, names)
        if item is None:
            self._client_item_id = str(uuid.uuid4())
            if "client_item_id" in self._refs:
                texts["client_item_id"] = self._client_item_id
            self.session = EditSession({}, None, names=self.fields.editable)
        else:
            self.session.rebase(self._values_of(item), item.version)
        for name, editor in {**self._editors, **self._shown}.items():
            if name in texts:
                editor.load(texts[name], original=True)
        self._clean_texts = {name: texts[name] for name in self._refs}
        for name, ref in self._refs.items():
            ref.value = texts[name]
            ref.border_title = SHORT_LABELS[name]
        self._update_title()

    def _update_title(self) -> None:
        self.query_one("#editor-title", Static).update(self._title())
        with contextlib.suppress(Exception):
            self.query_one("#editor-provenance", Static).update(self._provenance())

    def _take(self, server: DatasetItem, result: Mapping[str, Any]) -> None:
        """The server's `server` is now where the edit stands: fields whose text already means
        its value become clean, the others show `result` (the merge's value) and stay dirty
        only where it differs from the server's."""
        self.item = server
        self._saved = server
        theirs = self._values_of(server)
        self.session.rebase(theirs, server.version)
        for name, editor in self._editors.items():
            self._settle(editor, name, theirs.get(name), result.get(name))
        for name, ref in self._refs.items():
            value = result.get(name)
            if not self._text_means(ref.value, value):
                ref.value = value or ""
            if self._text_means(ref.value, theirs.get(name)):
                self._clean_texts[name] = ref.value
                ref.border_title = SHORT_LABELS[name]
        self._update_title()

    def _settle(self, editor: JsonEditor, name: str, theirs: Any, wanted: Any) -> None:
        try:
            current = editor.value()
        except ValueError:
            return  # being typed (not JSON yet): never replaced, stays unsaved
        if not same_json(current, wanted):
            editor.load(pretty(wanted), original=same_json(wanted, theirs))
        elif same_json(current, theirs):
            editor.load(editor.text, original=True)  # keep the text as typed, now clean

    @staticmethod
    def _text_means(text: str, value: Any) -> bool:
        return (text.strip() or None) == value if value is None else text == value

    # ---------------------------------------------------------------------------- save

    def action_save(self) -> None:
        self._start_save(add_another=False)

    def action_save_add(self) -> None:
        if self.item is None:
            self._start_save(add_another=True)

    def _start_save(self, *, add_another: bool) -> None:
        if self._saving:
            self._status("Still saving: nothing is sent twice. One moment…")
            return
        values = self._values_or_problem()
        if values is None:
            return
        self._saving = True
        self.write_draft()  # whatever happens next, the text is on disk first
        self._status("Saving…")
        self._save(values, add_another=add_another)

    def _values_or_problem(self) -> dict[str, Any] | None:
        try:
            return self.edited_values()
        except EditorProblem as error:
            problem = error.problem
            self._status(f"Not saved: {problem}", error=True)
            self.notify(str(problem), title="Cannot save", severity="error", markup=False)
            if problem.field in self._editors:
                self.editor(problem.field).focus_editor()
            elif problem.field in self._refs:
                self.ref_input(problem.field).focus()
            return None

    @task(group="item-save", exclusive=False)
    async def _save(self, values: dict[str, Any], *, add_another: bool) -> None:
        try:
            if self.item is None:
                await self._create(values, add_another=add_another)
            else:
                await self._update(values)
        except PostHogError as error:
            self._not_saved(error)
        finally:
            self._saving = False
            self._refresh_keys()

    def _not_saved(self, error: PostHogError) -> None:
        self._status(
            f"Not saved: {one_line(str(error))} Your text is kept (draft on disk).", error=True
        )
        self.report(error, action="Saving the item")

    # -- create ----------------------------------------------------------------------------

    async def _create(self, values: dict[str, Any], *, add_another: bool) -> None:
        sent = {name: value for name, value in values.items() if value is not None}
        attempt = self._pending_create
        note = ""
        if attempt is not None and "client_item_id" not in sent:
            # The last create's answer was lost and nothing makes a repeat safe: look first.
            self._status("Checking whether the last attempt created the item…")
            made = await self._find_created(attempt)
            if made is not None:
                self._pending_create = None
                self._created_earlier(made, values, add_another=add_another)
                return
            note = "The earlier attempt had not created the item: it is created now."
        self._pending_create = CreateAttempt(sent, datetime.now(UTC))
        try:
            created = await self.client.create_dataset_item(self.dataset.id, **values)
        except TransportError as error:
            self._create_lost(error, has_key="client_item_id" in sent)
            return
        except ConflictError as error:
            if error.code == "client_item_id_conflict":
                self._pending_create = None
                await self._key_taken(error, values, earlier=attempt, add_another=add_another)
                return
            if error.code == "dataset_archived":  # archived elsewhere while this was typed
                self._pending_create = None  # refused: nothing was created
                self._dataset_archived()
                self.notify(
                    "This dataset was archived: the item was not created.",
                    title="Not saved",
                    severity="warning",
                    markup=False,
                )
                return
            raise
        self._pending_create = None
        self._finish_create(created, add_another=add_another, note=note)

    def _finish_create(self, created: DatasetItem, *, add_another: bool, note: str = "") -> None:
        self._created += 1
        self._discard_draft()
        if not add_another:
            self._leaving_without_draft = True
            if note:
                self.notify(note, markup=False)
            self.dismiss(self._outcome())
            return
        self._load_item(None)
        self.editor("input").focus_editor()
        self._status(
            note or f"Created item {short_id(created.id)} ({self._created} this time). Next one:"
        )

    def _create_lost(self, error: TransportError, *, has_key: bool) -> None:
        if has_key:
            again = (
                "Press ctrl+s to try again: it goes with the same client item ID, so PostHog "
                "answers with the item if the first attempt made it, never a second one."
            )
        else:
            again = (
                "Press ctrl+s to try again: phtui first looks whether the first attempt made "
                "it, so it is not created twice."
            )
        self._status(
            f"Not sure the item was created (no answer: {error}). {again} Text kept.",
            error=True,
        )
        self.report(error, action="Creating the item")

    async def _find_created(self, attempt: CreateAttempt) -> DatasetItem | None:
        page = await self.client.list_dataset_items(self.dataset.id, limit=LOOK_BACK_ITEMS)
        names = tuple(attempt.fields)
        for item in page.results:
            if not item.too_deep and attempt.made(item.json_fields(names), item.created_at):
                return item
        return None

    def _created_earlier(
        self, made: DatasetItem, values: dict[str, Any], *, add_another: bool
    ) -> None:
        """A create whose answer was lost did make `made`: never create it again."""
        said = f"The earlier attempt did create item {short_id(made.id)}: nothing was sent again."
        names = tuple(name for name in values if name in EDITABLE_FIELDS or name in TEXT_FIELDS)
        theirs = made.json_fields(names)
        if all(same_json(theirs.get(n), values[n]) for n in names if values[n] is not None):
            self._finish_create(made, add_another=add_another, note=said)
            return
        # The text changed after that attempt: it is now an edit of the item it made.
        self._become_edit_of(made)
        self._status(f"{said} Your later changes are not saved yet: ctrl+s saves them to it.")

    def _become_edit_of(self, made: DatasetItem) -> None:
        """Keep the typed text, now as unsaved edits of `made` (a create that happened)."""
        self._discard_draft()
        self._created += 1
        texts = self.texts()
        self.item = made
        self._saved = made
        api = self.api or "revisioned"
        self.fields = fields_for(api, made)
        self.session = EditSession(self._values_of(made), made.version, names=self.fields.editable)
        # The same editors stay; fields a saved item cannot change are locked.
        for name in list(self._editors):
            if name not in self.fields.json:
                editor = self._editors.pop(name)
                editor.text_area.read_only = True
                self._shown[name] = editor
        for name in list(self._refs):
            if name not in self.fields.text:
                self._refs.pop(name).disabled = True
        made_texts = item_texts(made, self.fields.json)
        for name, editor in self._editors.items():
            editor.load(made_texts[name], original=True)
            editor.load(texts[name], original=False)
        self._clean_texts = {n: t for n, t in item_texts(made, self.fields.text).items()}
        self._update_title()
        self.write_draft()
        self._refresh_keys()

    async def _key_taken(
        self,
        error: ConflictError,
        values: dict[str, Any],
        *,
        earlier: CreateAttempt | None,
        add_another: bool,
    ) -> None:
        """PostHog has an item with this client item ID and other content: an earlier attempt
        of ours whose answer was lost (then the text is an edit of it), or someone else's."""
        key = values.get("client_item_id") or ""
        existing: DatasetItem | None = None
        if error.current_item_id:
            with contextlib.suppress(PostHogError):
                existing = await self.client.get_dataset_item(error.current_item_id)
        ours = (
            existing is not None
            and not existing.archived
            and earlier is not None
            and earlier.made(existing.json_fields(tuple(earlier.fields)), existing.created_at)
        )
        if ours and existing is not None:
            self._created_earlier(existing, values, add_another=add_another)
            return
        if existing is None or existing.archived:
            self._status(
                f"Not saved: an archived item already uses the client item ID “{clip(key, 40)}”. "
                "Restore that item instead, or change the client item ID. Text kept.",
                error=True,
            )
            if "client_item_id" in self._refs:
                self.ref_input("client_item_id").focus()
            return
        message = (
            f"Item {short_id(existing.id)} already has the client item ID “{clip(key, 40)}”, with "
            "other content. If an earlier attempt of yours made it, edit it with your text; "
            "otherwise change the client item ID."
        )
        choices = [
            Choice("edit", "Edit that item", "e", "primary"),
            Choice("change", "Change the ID", "c"),
        ]
        answer = await self.app.push_screen_wait(
            ChoiceScreen("Client item ID in use", message, choices, cancel="change")
        )
        if answer == "edit":
            self._become_edit_of(existing)
            self._status(
                f"Editing item {short_id(existing.id)} with your text: ctrl+s saves your changes."
            )
            return
        self._status("Not saved: change the client item ID, then save. Text kept.")
        if "client_item_id" in self._refs:
            self.ref_input("client_item_id").focus()

    # -- update ----------------------------------------------------------------------------

    async def _update(self, values: dict[str, Any]) -> None:
        item = self.item
        assert item is not None
        if self.api == "classic":
            # No versions: another writer shows only as values that moved from the baseline.
            fresh = await self._reread(item)
            if fresh is None:
                return
            if self.session.moved(self._values_of(fresh)):
                await self._settle_with(fresh, values, lost=False)
                return
        plan = self.session.plan(values)
        for _ in range(MAX_SAVE_ROUNDS):
            if isinstance(plan, Nothing):
                self._nothing_to_save(plan)
                return
            try:
                saved = await self.client.update_dataset_item(
                    item.id, base_version=plan.base_version, **plan.fields
                )
            except (StaleVersionError, TransportError) as error:
                fresh = await self._reread(item)
                if fresh is None:
                    return
                lost = isinstance(error, TransportError)
                never_arrived = (
                    lost
                    and fresh.version == plan.base_version
                    and not fresh.archived
                    and not self.session.applied(self._values_of(fresh), plan)
                )
                if never_arrived:
                    raise  # nothing moved: the request never arrived; the text is kept
                next_plan = await self._settle_with(fresh, values, lost=lost, loop=True)
                if next_plan is None:
                    return
                plan = next_plan
                continue
            except ConflictError as error:
                await self._refused(error, item)
                return
            except NotFoundError:
                self._missing()
                return
            self._saved_ok(saved, plan)
            return
        self._status(
            "Not saved: the item keeps changing on the server. Try again in a moment. Text kept.",
            error=True,
        )

    async def _reread(self, item: DatasetItem) -> DatasetItem | None:
        """The server's copy now, or None (said on the status line) when it is gone."""
        try:
            return await self.client.get_dataset_item(item.id)
        except NotFoundError:
            self._missing()
            return None

    def _missing(self) -> None:
        if self.api == "classic":
            self._gone = "deleted"
            self._status(
                "Not saved: this item was deleted on the server. Press ctrl+l to restore it, "
                "then ctrl+s; or copy your text out (ctrl+t, field by field). Your draft stays.",
                error=True,
            )
        else:
            self._gone = "missing"
            self._status(
                "Not saved: this item is no longer on the server. Copy your text out (ctrl+t, "
                "field by field); your draft stays on disk.",
                error=True,
            )
        self._refresh_keys()

    async def _refused(self, error: ConflictError, item: DatasetItem) -> None:
        if error.code == "dataset_item_archived":
            fresh = await self._reread(item)
            if fresh is not None:
                self._archived_elsewhere(fresh)
            return
        if error.code == "dataset_archived":
            self._dataset_archived()
            return
        self._not_saved(error)

    def _dataset_archived(self) -> None:
        self._status(
            "Not saved: this dataset was archived. Restore it from the datasets list, then "
            "save. Your text is kept (draft on disk).",
            error=True,
        )

    def _archived_elsewhere(self, fresh: DatasetItem) -> None:
        self.item = fresh
        self._update_title()
        self._status(
            f"Not saved: someone archived this item (version {fresh.version}). Press ctrl+l to "
            "restore it, then ctrl+s; or copy your text out (ctrl+t). Your draft stays.",
            error=True,
        )
        self._refresh_keys()

    async def _settle_with(
        self, fresh: DatasetItem, values: dict[str, Any], *, lost: bool, loop: bool = False
    ) -> Patch | None:
        """The server's copy moved (or an answer was lost): find out what to send now.
        Returns the next plan to send (when `loop`), or None when settled here."""
        if fresh.archived:
            self._archived_elsewhere(fresh)
            return None
        merge = self.session.merge(self._values_of(fresh), values, fresh.version)
        if not merge.conflicts and isinstance(merge.resolve(), Nothing):
            # Everything the user changed is on the server already (a lost answer that
            # committed, or another writer who made the same change).
            self._take(fresh, merge.result())
            self._saved_state_reached(lost=lost)
            return None
        if not any(field.state in ("theirs", "conflict") for field in merge.fields):
            # Only the version moved (e.g. archived and restored meanwhile): send it again.
            self.session.base_version = fresh.version
            plan = self.session.plan(values)
            if loop:
                return plan if isinstance(plan, Patch) else None
            await self._send_plan(plan)
            return None
        answer = await self.app.push_screen_wait(self._three_way(merge, fresh))
        if answer.action != "save":
            self._status(
                "Not saved: still editing. Saving again shows what differs. Text kept (draft).",
            )
            return None
        result = merge.result(answer.choices)
        plan = merge.resolve(answer.choices)
        self._take(fresh, result)
        values.update(result)  # what the user settled on is what a later round compares
        if isinstance(plan, Nothing):
            self._saved_state_reached(lost=False, took_theirs=True)
            return None
        if loop:
            return plan
        await self._send_plan(plan)
        return None

    async def _send_plan(self, plan: Patch | Nothing) -> None:
        """Send a resolved plan (a classic server: no versions, so no stale answer)."""
        item = self.item
        assert item is not None
        if isinstance(plan, Nothing):
            self._nothing_to_save(plan)
            return
        saved = await self.client.update_dataset_item(
            item.id, base_version=plan.base_version, **plan.fields
        )
        self._saved_ok(saved, plan)

    def _three_way(self, merge: ThreeWay, fresh: DatasetItem) -> ThreeWayScreen:
        when = format_datetime(fresh.version_created_at or fresh.updated_at)
        who = fresh.version_created_by.display_name if fresh.version_created_by else None
        if fresh.version is not None:
            theirs = f"Server's now (v{fresh.version})"
            started = f"You started from (v{self.session.base_version})"
            title = f"Someone saved this item (now version {fresh.version}, {when}"
        else:
            theirs, started = "Server's now", "You started from"
            title = f"Someone saved this item (updated {when}"
        title += f", by {clip(who, 40)})" if who else ")"
        title += " while you were editing. Choose per field; nothing is sent until ctrl+s."
        return ThreeWayScreen(
            merge,
            title=title,
            labels=FIELD_LABELS,
            base_label=started,
            theirs_label=theirs,
            mine_label="Yours",
        )

    def _nothing_to_save(self, plan: Nothing) -> None:
        for editor in self._editors.values():
            if not editor.dirty:
                continue
            with contextlib.suppress(ValueError):
                if same_json(editor.value(), self.session.baseline.get(editor.field)):
                    editor.load(editor.text, original=True)
        if not self.dirty:
            self._discard_draft()
        self._status(plan.reason)

    def _saved_state_reached(self, *, lost: bool, took_theirs: bool = False) -> None:
        if not self.dirty:
            self._discard_draft()
        if took_theirs:
            self._status("Took the server's version: nothing to send.")
        elif lost:
            self._status(
                f"Saved at {datetime.now():%H:%M:%S} (the answer was lost on the way; "
                "PostHog has your change)."
            )
        else:
            self._status("Saved: the server already had your change.")
        self._refresh_keys()

    def _saved_ok(self, saved: DatasetItem, plan: Patch) -> None:
        self._take(saved, {**self._values_of(saved), **self._typed_values()})
        if not self.dirty:
            self._discard_draft()
        else:
            self.write_draft()  # typed while saving: still unsaved
        names = ", ".join(FIELD_LABELS.get(name, name).lower() for name in plan.fields)
        version = f" (version {saved.version})" if saved.version is not None else ""
        self._status(f"Saved {names} at {datetime.now():%H:%M:%S}{version}.")
        self.notify(f"Saved item {short_id(saved.id)}: {names}.", markup=False)
        self._refresh_keys()

    def _typed_values(self) -> dict[str, Any]:
        """What the fields hold now (those that parse): text typed while a save was away."""
        values: dict[str, Any] = {}
        for name, editor in self._editors.items():
            with contextlib.suppress(ValueError):
                values[name] = editor.value()
        for name, ref in self._refs.items():
            values[name] = ref.value if ref.value.strip() else None
        return values

    def _outcome(self) -> EditorOutcome:
        return EditorOutcome(saved=self._saved, created=self._created)

    # ---------------------------------------------------------------- archive / restore

    def action_archive(self) -> None:
        if self.item is not None and not self._busy:
            self._busy = True
            self._change_state(self.item, archive=True)

    def action_restore(self) -> None:
        if self.item is not None and not self._busy:
            self._busy = True
            self._change_state(self.item, archive=False)

    @task(group="item-state", exclusive=False)
    async def _change_state(self, item: DatasetItem, *, archive: bool) -> None:
        client = self.client
        verb = "Archiving" if archive else "Restoring"
        try:
            if archive:
                changed = await client.archive_dataset_item(item.id, base_version=item.version)
            else:
                changed = await client.restore_dataset_item(item.id, base_version=item.version)
        except StaleVersionError:
            await self._state_moved(item)
            return
        except PostHogError as error:
            self._status(f"{verb} failed: {one_line(str(error))}", error=True)
            self.report(error, action=f"{verb} the item")
            return
        finally:
            self._busy = False
            self._refresh_keys()
        self._gone = None
        self._adopt_state(changed)
        undo = "restore it" if archive else "archive it again"
        what = "Archived" if archive else "Restored"
        version = f" (version {changed.version})" if changed.version is not None else ""
        self._status(f"{what}{version}. Press ctrl+l to {undo} (undo).")
        self.notify(f"{what} item {short_id(changed.id)}.", markup=False)

    async def _state_moved(self, item: DatasetItem) -> None:
        fresh = await self._reread(item)
        if fresh is None:
            return
        self._adopt_state(fresh)
        self._status(
            f"The item changed on the server (now version {fresh.version}): look, then press "
            "ctrl+l again.",
            error=True,
        )

    def _adopt_state(self, changed: DatasetItem) -> None:
        """Archive or restore happened (here or elsewhere): follow it without losing text."""
        self._saved = changed
        if not self.dirty:
            self._load_item(changed)
        else:
            self.item = changed
            if not self.session.moved(self._values_of(changed)):
                self.session.base_version = changed.version  # same content, newer version
            self._update_title()
        self._apply_lock()

    # -------------------------------------------------------------------------- history

    def action_history(self) -> None:
        if self.item is None:
            return
        from phtui.screens.datasets.history import ItemHistoryScreen

        self.app.push_screen(ItemHistoryScreen(self.dataset, self.item), self._after_history)

    def _after_history(self, current: DatasetItem | None) -> None:
        if current is None:
            return
        self._saved = current
        if not self.dirty:
            self._load_item(current)
            self._apply_lock()
            self._status(f"Version {current.version} is the item's content now.")
            return
        self.item = current
        self._update_title()
        self._apply_lock()
        self._status(
            f"The item is at version {current.version} now; your unsaved edits are kept: "
            "saving shows what differs."
        )

    # ------------------------------------------------------------------------ leaving

    def action_close(self) -> None:
        if self.fields is None or not self.dirty:
            # Nothing unsaved: drop a draft of this session, keep one put off for later.
            self.write_draft()
            self._leaving_without_draft = True
            self.dismiss(self._outcome())
            return
        choices = [
            Choice("stay", "Keep editing", "escape"),
            Choice("keep", "Leave, keep draft", "k", "primary"),
            Choice("discard", "Discard changes", "d", "error"),
        ]
        message = "This item has unsaved changes. Leave anyway?"
        self.app.push_screen(
            ChoiceScreen("Unsaved changes", message, choices, cancel="stay"), self._close_answer
        )

    def _close_answer(self, answer: str | None) -> None:
        if answer == "keep":
            self.write_draft()
            self._leaving_without_draft = True  # just written
            self.dismiss(self._outcome())
        elif answer == "discard":
            self._leaving_without_draft = True
            self._discard_draft()
            self.dismiss(self._outcome())

    # ------------------------------------------------------------------- field actions

    def _current_editor(self) -> JsonEditor | None:
        if self._current in self._editors or self._current in self._shown:
            return self.editor(self._current)
        return None

    def action_format(self) -> None:
        editor = self._current_editor()
        if editor is None or editor.text_area.read_only:
            return
        if not editor.format():
            self.notify(f"{editor.label}: {editor.error}", title="Cannot format", severity="error")

    def action_copy(self) -> None:
        if self._current in self._refs:
            label, text = FIELD_LABELS[self._current], self.ref_input(self._current).value
        else:
            editor = self._current_editor() or self.editor("input")
            label, text = editor.label, editor.text
        self.app.copy_to_clipboard(text)
        size = human_size(len(text.encode("utf-8", "surrogatepass")))
        if not fits_osc52(text):
            message = f"Sent {label} ({size}); many terminals drop clipboard data this large."
            self.notify(message, severity="warning", markup=False)
        else:
            hint = clipboard_hint(os.environ)
            self.notify(f"Copied {label} ({size})." + (f" {hint}" if hint else ""), markup=False)

    def action_external(self) -> None:
        editor = self._current_editor() or self.editor("input")
        command = external_editor_command(os.environ)
        try:
            with self.app.suspend():
                result = edit_externally(editor.text, command)
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to $EDITOR.", severity="error")
            return
        except OSError as error:
            self.notify(f"Could not run {command[0]!r}: {error}", severity="error", markup=False)
            return
        if result is None:
            self.notify(f"{command[0]} exited with an error: text unchanged.", severity="warning")
            return
        if editor.text_area.read_only:
            self.notify("This field is read-only here: changes made in $EDITOR are not kept.")
            return
        editor.load(result.rstrip("\n") if result.endswith("\n") else result, original=False)
        editor.focus_editor()
        if editor.error is not None:
            self.notify(
                f"{editor.label} from $EDITOR is not valid JSON: {editor.error}. Kept as typed.",
                severity="warning",
                markup=False,
            )
