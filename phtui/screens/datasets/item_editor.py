"""The item editor: input, output and metadata as JSON, plus the `ref_*` provenance fields.

Safety of the user's text comes first:
- every change is written to a draft on disk (`core.drafts`) about a second later, and offered
  back the next time this item (or a new item of this dataset) is opened;
- a save sends a PATCH of the changed fields only, after re-reading the item: when someone else
  saved it meanwhile (`updated_at` moved), both versions are shown and the user chooses;
- a failed save keeps the text and the draft, and says why.

Keys avoid tmux's and screen's prefixes (ctrl+b, ctrl+a) and TextArea's own keys.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static

from phtui.api.errors import NotFoundError, PostHogError
from phtui.api.models import Dataset, DatasetItem
from phtui.core.clipboard import clipboard_hint, fits_osc52
from phtui.core.drafts import Draft, DraftKey, DraftStore, default_draft_dir
from phtui.core.jsondoc import changed_fields, pretty
from phtui.core.text import clip
from phtui.screens.base import PhScreen, task
from phtui.screens.datasets.conflict import ConflictScreen
from phtui.screens.datasets.field_names import client_fields, screen_values
from phtui.screens.datasets.items import ITEM_DRAFT_KIND, EditorOutcome
from phtui.screens.dialogs import Choice, ChoiceScreen
from phtui.widgets.datasets.items_table import format_time, short_id
from phtui.widgets.json_editor import JsonEditor, human_size
from phtui.widgets.key_bar import KeyBar
from phtui.widgets.title_bar import TitleBar

JSON_FIELDS = ("input", "output", "metadata")
REF_FIELDS = ("ref_trace_id", "ref_timestamp", "ref_source_id")
REF_LABELS = {
    "ref_trace_id": "Trace id",
    "ref_timestamp": "Trace timestamp",
    "ref_source_id": "Source id",
}
NEW_ITEM_TEXT = "{}"  # PostHog's UI starts each field as an empty object
DRAFT_DELAY_S = 1.0


class EditorProblem(ValueError):
    """A field that cannot be saved as typed; `field` names it so it can get the focus."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def item_texts(item: DatasetItem | None) -> dict[str, str]:
    """The editor texts of an item (or of a new one): JSON pretty-printed, refs as plain text."""
    if item is None:
        return {**dict.fromkeys(JSON_FIELDS, NEW_ITEM_TEXT), **dict.fromkeys(REF_FIELDS, "")}
    dumped = screen_values(item, (*JSON_FIELDS, *REF_FIELDS))
    texts = {name: pretty(dumped[name]) for name in JSON_FIELDS}
    texts.update({name: dumped[name] or "" for name in REF_FIELDS})
    return texts


def item_values(item: DatasetItem) -> dict[str, Any]:
    """The editable fields of an item as JSON values, to diff against the edited ones."""
    return screen_values(item, (*JSON_FIELDS, *REF_FIELDS))


def read_ref(name: str, text: str) -> str | None:
    """A `ref_*` field as sent: blank is null; a timestamp must be ISO 8601."""
    value = text.strip()
    if not value:
        return None
    if name == "ref_timestamp":
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise EditorProblem(name, f"{value!r} is not an ISO 8601 timestamp.") from None
    return value


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
    ItemEditorScreen #editor-refs { height: 3; }
    ItemEditorScreen #editor-refs Input { width: 1fr; }
    ItemEditorScreen #editor-status { height: 1; padding: 0 1; color: $text-muted; }
    ItemEditorScreen #editor-status.-error { color: $error; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="item_editor.save"),
        Binding("ctrl+n", "save_add", "Save+new", id="item_editor.save_add"),
        Binding("ctrl+f", "format", "Format", id="item_editor.format"),
        Binding("ctrl+o", "external", "$EDITOR", id="item_editor.external"),
        Binding("ctrl+t", "copy", "Copy", id="item_editor.copy"),
        Binding("escape", "close", "Back", id="item_editor.close"),
    ]

    def __init__(
        self, dataset: Dataset, item: DatasetItem | None, *, drafts: DraftStore | None = None
    ) -> None:
        super().__init__()
        self.dataset = dataset
        self.item = item
        self._drafts = drafts or DraftStore(default_draft_dir())
        self._texts = item_texts(item)  # the clean state of the ref fields
        self._base_updated_at = item.updated_at if item else None
        self._draft_timer: Timer | None = None
        self._current = "input"
        self._saved: DatasetItem | None = None
        self._created = 0
        self._leaving_without_draft = False
        self._editors: dict[str, JsonEditor] = {}
        self._draft_owned = False  # the draft on disk is this session's (safe to drop)
        self._refs: dict[str, Input] = {}

    # -------------------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(self._title(), id="editor-title", markup=False)
        for name in JSON_FIELDS:
            editor = JsonEditor(
                name.capitalize(), self._texts[name], field=name, id=f"field-{name}"
            )
            self._editors[name] = editor
            yield editor
        with Horizontal(id="editor-refs"):
            for name in REF_FIELDS:
                hint = "ISO 8601, e.g. 2025-04-01T12:00:00Z" if name == "ref_timestamp" else "none"
                ref = Input(self._texts[name], id=f"field-{name}", placeholder=hint)
                ref.border_title = REF_LABELS[name]
                self._refs[name] = ref
                yield ref
        yield Static("", id="editor-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.editor("input").focus_editor()
        if self.read_only:
            # Look, copy and open in $EDITOR, but nothing here can be typed over or saved.
            for editor in self._editors.values():
                editor.text_area.read_only = True
            for ref in self._refs.values():
                ref.disabled = True
            self._status("Read-only mode: this item cannot be changed.")
            return
        self._offer_draft()

    def _title(self) -> str:
        if self.item is None:
            return f"New item in {self.dataset.name!r}"
        updated = format_time(self.item.updated_at, wide=True)
        return f"Item {short_id(self.item.id)} in {self.dataset.name!r} · updated {updated} UTC"

    # --------------------------------------------------------------------------- state

    # Fields are reached through references, not DOM queries, so the text can still be read
    # while the app shuts down (the last draft is written from on_unmount).
    def editor(self, name: str) -> JsonEditor:
        return self._editors[name]

    def ref_input(self, name: str) -> Input:
        return self._refs[name]

    def texts(self) -> dict[str, str]:
        """What the user sees in every field (raw, possibly invalid)."""
        texts = {name: self.editor(name).text for name in JSON_FIELDS}
        texts.update({name: self.ref_input(name).value for name in REF_FIELDS})
        return texts

    @property
    def dirty(self) -> bool:
        refs = any(self.ref_input(name).value != self._texts[name] for name in REF_FIELDS)
        return refs or any(self.editor(name).dirty for name in JSON_FIELDS)

    # The app's quit guard (`phtui.app.HoldsEdits`) asks before quitting with these.
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
        """The fields as they would be sent; `EditorProblem` names the first invalid one."""
        values: dict[str, Any] = {}
        for name in JSON_FIELDS:
            editor = self.editor(name)
            editor.check_now()
            if editor.error is not None:
                raise EditorProblem(name, f"{editor.label}: {editor.error}")
            values[name] = editor.value()
        for name in REF_FIELDS:
            values[name] = read_ref(name, self.ref_input(name).value)
        return values

    MUTATING_ACTIONS = frozenset({"save", "save_add"})

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "Save and add another" belongs to a new item only.
        return not (action == "save_add" and self.item is not None)

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#editor-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    # ------------------------------------------------------------------ change tracking

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        fields: dict[str, Widget] = {**self._editors, **self._refs}
        for name, widget in fields.items():
            if widget.has_focus_within or widget.has_focus:
                self._current = name
                return

    @on(JsonEditor.Changed)
    def _json_changed(self) -> None:
        self._schedule_draft()

    @on(Input.Changed, "#editor-refs Input")
    def _ref_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        marker = " ●" if event.value != self._texts.get(name, "") else ""
        event.input.border_title = REF_LABELS[name] + marker
        self._schedule_draft()

    # -------------------------------------------------------------------------- drafts

    @property
    def draft_key(self) -> DraftKey:
        client = self.client
        object_id = self.item.id if self.item else f"new:{self.dataset.id}"
        return DraftKey(client.host, client.project_id, ITEM_DRAFT_KIND, object_id)

    def _schedule_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY_S, self.write_draft)

    def write_draft(self) -> None:
        """Keep the current texts on disk (or drop the draft once nothing differs)."""
        self._draft_timer = None
        try:
            if self.dirty:
                base = self._base_updated_at.isoformat() if self._base_updated_at else None
                self._drafts.save(Draft(self.draft_key, self.texts(), base_updated_at=base))
                self._draft_owned = True
                self._status(f"Draft kept on disk at {datetime.now():%H:%M:%S}.")
            elif self._draft_owned:  # edits undone: drop our draft (never one put off for later)
                self._drafts.discard(self.draft_key)
                self._draft_owned = False
        except OSError as error:
            self._status(f"Could not write the draft: {error}", error=True)

    def _discard_draft(self) -> None:
        self._draft_owned = False
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        with contextlib.suppress(OSError):
            self._drafts.discard(self.draft_key)

    def _offer_draft(self) -> None:
        draft = self._drafts.load(self.draft_key)
        if draft is None or draft.fields == self.texts():
            return
        saved = draft.saved_at[:19].replace("T", " ")
        base = self._base_updated_at.isoformat() if self._base_updated_at else None
        moved = self.item is not None and draft.base_updated_at != base
        message = f"Unsaved edits of this item from {saved} UTC were kept."
        if moved:
            message += " The item has changed on the server since; saving will show both versions."
        choices = [
            Choice("restore", "Restore", "r", "primary"),
            Choice("discard", "Discard", "d", "error"),
            Choice("later", "Not now", "escape"),
        ]
        screen = ChoiceScreen("Restore draft?", message, choices, cancel="later")
        self.app.push_screen(screen, lambda answer: self._draft_answer(draft, answer))

    def _draft_answer(self, draft: Draft, answer: str | None) -> None:
        if answer == "restore":
            self._draft_owned = True
            self._apply_texts(draft.fields)
            if self.item is not None and draft.base_updated_at:
                # Compare against the version the draft started from, so a save shows conflicts.
                with contextlib.suppress(ValueError):
                    self._base_updated_at = datetime.fromisoformat(draft.base_updated_at)
            self._status("Draft restored.")
        elif answer == "discard":
            self._discard_draft()
            self._status("Draft discarded.")

    def _apply_texts(self, texts: dict[str, str]) -> None:
        for name in JSON_FIELDS:
            if name in texts:
                self.editor(name).load(texts[name], original=False)
        for name in REF_FIELDS:
            if name in texts:
                self.ref_input(name).value = texts[name]

    def _reset_to(self, item: DatasetItem | None) -> None:
        """Make `item` (or a blank new item) the clean state of every field."""
        self.item = item if item is not None else self.item
        texts = item_texts(item)
        self._texts = texts
        for name in JSON_FIELDS:
            self.editor(name).load(texts[name], original=True)
        for name in REF_FIELDS:
            self.ref_input(name).value = texts[name]
        self._base_updated_at = item.updated_at if item else None
        self.query_one("#editor-title", Static).update(self._title())

    def _mark_clean(self, saved: DatasetItem) -> None:
        """After a save: what is on screen is now what the server has (text kept as typed)."""
        for name in JSON_FIELDS:
            self.editor(name).load(self.editor(name).text, original=True)
        self._texts = {**self._texts, **{n: self.ref_input(n).value for n in REF_FIELDS}}
        for name in REF_FIELDS:
            self.ref_input(name).border_title = REF_LABELS[name]
        self.item = saved
        self._base_updated_at = saved.updated_at
        self.query_one("#editor-title", Static).update(self._title())

    def on_unmount(self) -> None:
        # Quitting the app, or leaving with "keep draft": make sure the latest text is on disk.
        if self._draft_timer is not None:
            self._draft_timer.stop()
        if not self._leaving_without_draft:
            with contextlib.suppress(Exception):  # never let shutdown fail over a draft
                self.write_draft()

    # ---------------------------------------------------------------------------- save

    def action_save(self) -> None:
        self._save(add_another=False)

    def action_save_add(self) -> None:
        if self.item is None:
            self._save(add_another=True)

    def _values_or_problem(self) -> dict[str, Any] | None:
        try:
            return self.edited_values()
        except EditorProblem as problem:
            self._status(str(problem), error=True)
            self.notify(str(problem), title="Cannot save", severity="error", markup=False)
            if problem.field in self._editors:
                self.editor(problem.field).focus_editor()
            else:
                self.ref_input(problem.field).focus()
            return None

    @task(group="item-save")
    async def _save(self, *, add_another: bool) -> None:
        values = self._values_or_problem()
        if values is None:
            return
        self.write_draft()  # whatever happens next, the text is on disk first
        self._status("Saving…")
        try:
            if self.item is None:
                await self._create(values, add_another=add_another)
            else:
                await self._update(self.item, values)
        except PostHogError as error:
            self._status(f"Not saved: {error} Your text is kept (draft on disk).", error=True)
            self.report(error, action="Saving the item")

    async def _create(self, values: dict[str, Any], *, add_another: bool) -> None:
        fields = client_fields(values)
        created = await self.client.create_dataset_item(
            self.dataset.id, input=fields.pop("input"), **fields
        )
        self._created += 1
        self._discard_draft()
        if not add_another:
            self._leaving_without_draft = True
            self.dismiss(self._outcome())
            return
        self._reset_to(None)
        self.editor("input").focus_editor()
        self._status(f"Created item {short_id(created.id)} ({self._created} this time). Next one:")

    async def _update(self, item: DatasetItem, values: dict[str, Any]) -> None:
        client = self.client
        try:
            fresh = await client.get_dataset_item(item.id)
        except NotFoundError:
            self._status(
                "This item was deleted on the server: restore it (u in the list) to save. "
                "Your text is kept as a draft.",
                error=True,
            )
            return
        base = item_values(item)
        if fresh.updated_at != self._base_updated_at:
            answer = await self.app.push_screen_wait(ConflictScreen(fresh, values))
            if answer == "reload":
                self._reset_to(fresh)
                self._discard_draft()
                self._status("Reloaded the server's version.")
                return
            if answer != "overwrite":
                self._status("Not saved: still editing. Your text is kept (draft on disk).")
                return
            base = item_values(fresh)
        changes = changed_fields(base, values)
        if not changes:
            self._mark_clean(fresh)
            self._discard_draft()
            self._status("Nothing to save: no field differs from the server.")
            return
        # base_version: the version these edits apply to (a classic server ignores it).
        saved = await client.update_dataset_item(
            item.id, base_version=fresh.version, **client_fields(changes)
        )
        self._saved = saved
        self._mark_clean(saved)
        self._discard_draft()
        fields = ", ".join(changes)
        self._status(f"Saved {fields} at {datetime.now():%H:%M:%S}.")
        self.notify(f"Saved item {short_id(item.id)} ({fields}).")

    def _outcome(self) -> EditorOutcome:
        return EditorOutcome(saved=self._saved, created=self._created)

    # ------------------------------------------------------------------------ leaving

    def action_close(self) -> None:
        if not self.dirty:
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
        return self.editor(self._current) if self._current in JSON_FIELDS else None

    def action_format(self) -> None:
        editor = self._current_editor()
        if editor is None:
            return
        if not editor.format():
            self.notify(f"{editor.label}: {editor.error}", title="Cannot format", severity="error")

    def action_copy(self) -> None:
        if self._current in JSON_FIELDS:
            label, text = self.editor(self._current).label, self.editor(self._current).text
        else:
            label, text = REF_LABELS[self._current], self.ref_input(self._current).value
        self.app.copy_to_clipboard(text)
        size = human_size(len(text.encode("utf-8")))
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
        if self.read_only:
            self.notify("Read-only mode: changes made in $EDITOR are not kept.")
            return
        editor.load(result.rstrip("\n") if result.endswith("\n") else result, original=False)
        editor.focus_editor()
        if editor.error is not None:
            self.notify(
                f"{editor.label} from $EDITOR is not valid JSON: {editor.error}. Kept as typed.",
                severity="warning",
                markup=False,
            )
