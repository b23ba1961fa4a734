"""Create or edit a dataset: name (required), description, metadata (a JSON object).

Each field is checked as it is typed against PostHog's rules (`phtui.core.dataset_fields`): a
problem shows under its field once the field was edited (or a save was tried) and goes away as
soon as it is fixed. The dialog fits 80x24: the metadata editor takes the room that is left, so
the buttons are always on screen.

Saving runs here, in a worker, so a refusal keeps the form and everything typed: a name clash
(409 `dataset_name_conflict`) is said under the name, the project's dataset quota (409
`limit_reached`) in words above the buttons. An edit sends only the changed fields. The screen
that pushed the form receives the saved `Dataset`, or None when nothing was saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static, TextArea

from phtui.api.errors import (
    ConflictError,
    LimitReachedError,
    PostHogError,
    ValidationError,
)
from phtui.api.models import Dataset
from phtui.compat import forward_event
from phtui.core.dataset_fields import (
    DatasetField,
    conflict_field,
    dataset_changes,
    description_problem,
    limit_message,
    metadata_problem,
    name_conflict_message,
    name_problem,
    read_form,
)
from phtui.core.jsondoc import pretty
from phtui.core.limits import LIMITS
from phtui.core.text import clip, one_line
from phtui.screens.base import PhModal, task
from phtui.screens.confirm import ConfirmScreen
from phtui.widgets.fields import SafeInput
from phtui.widgets.json_editor import JsonEditor

FIELDS: tuple[DatasetField, ...] = ("name", "description", "metadata")
_HANDED_ON = "_phtui_handed_on"  # marks a key the form handed to its focused field


class DatasetFormScreen(PhModal[Dataset | None]):
    """`DatasetFormScreen(None)` creates; `DatasetFormScreen(dataset)` edits that dataset."""

    DEFAULT_CSS = """
    DatasetFormScreen { align: center middle; }
    DatasetFormScreen #form-dialog {
        width: 90; max-width: 100%; height: 100%; max-height: 32;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    DatasetFormScreen #form-title { text-style: bold; height: 1; margin-bottom: 1; }
    DatasetFormScreen .form-field { height: auto; margin-bottom: 1; }
    DatasetFormScreen .form-label { height: 1; padding: 0 1; background: $panel; }
    DatasetFormScreen .form-field:focus-within > .form-label { background: $primary-muted; }
    DatasetFormScreen .form-field > Input { padding: 0 1; }
    DatasetFormScreen .form-problem {
        color: $error; height: auto; max-height: 2; padding: 0 1; display: none;
    }
    DatasetFormScreen .form-problem.-shown { display: block; }
    DatasetFormScreen JsonEditor { height: 1fr; min-height: 4; }
    DatasetFormScreen #form-status { height: auto; max-height: 3; color: $text-muted; }
    DatasetFormScreen #form-status.-error { color: $error; }
    DatasetFormScreen #form-buttons { height: auto; align-horizontal: right; }
    DatasetFormScreen Button { margin-left: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not a priority binding: in a burst, fields run it in order, after the text before it.
        Binding("ctrl+s", "save", "Save", id="dataset_form.save"),
        Binding("escape", "cancel", "Cancel", id="dataset_form.cancel"),
    ]

    # Saving changes data; the app's quit guard asks before quitting with `unsaved_edits`.
    MUTATING_ACTIONS = frozenset({"save"})

    def __init__(
        self,
        dataset: Dataset | None,
        *,
        typed_ahead: Sequence[events.Key | events.Paste] = (),
    ) -> None:
        super().__init__()
        self.dataset = dataset
        # Keys typed in the burst that opened the form (`n`, a name, tab...): the name field
        # gets them once it has the focus, in order.
        self._typed_ahead = list(typed_ahead)
        self._initial: tuple[str, str] = ("", "")  # name and description as first shown
        self._touched: set[DatasetField] = set()  # fields whose problems are shown
        # A server's refusal of a field, shown while the field still holds the refused text.
        self._refused: dict[DatasetField, tuple[str, str]] = {}
        self._saving = False

    def compose(self) -> ComposeResult:
        dataset = self.dataset
        metadata = pretty(dataset.metadata) if dataset and dataset.metadata is not None else "{}"
        with Vertical(id="form-dialog"):
            title = f"Edit dataset “{clip(dataset.name, 60)}”" if dataset else "New dataset"
            yield Static(title, id="form-title", markup=False)
            with Vertical(classes="form-field"):
                yield Static("Name (required)", classes="form-label", markup=False)
                yield SafeInput(dataset.name if dataset else "", id="form-name", compact=True)
                yield Static("", id="name-problem", classes="form-problem", markup=False)
            with Vertical(classes="form-field"):
                yield Static("Description", classes="form-label", markup=False)
                yield SafeInput(
                    (dataset.description or "") if dataset else "",
                    id="form-description",
                    compact=True,
                )
                yield Static("", id="description-problem", classes="form-problem", markup=False)
            yield JsonEditor("Metadata (JSON object)", metadata, field="metadata")
            yield Static("", id="metadata-problem", classes="form-problem", markup=False)
            yield Static("", id="form-status", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button("Cancel (esc)", id="form-cancel")
                yield Button("Save (ctrl+s)", id="form-save", variant="primary")

    def on_mount(self) -> None:
        self._initial = self._input_texts()
        name = self.query_one("#form-name", Input)
        self.set_focus(name)
        typed, self._typed_ahead = self._typed_ahead, []
        for key in typed:
            forward_event(name, key)  # a key that moves the focus sends the rest on (SafeInput)

    def on_key(self, event: events.Key) -> None:
        """Keys of the burst that opened this form (`n`, a name, tab, a description) are sent
        to the form itself while no field has the focus yet: hand each, in order, to the field
        that has it now. Keys that come up from a field go on as usual."""
        field = self.focused
        if isinstance(field, Input | TextArea) and not getattr(event, _HANDED_ON, False):
            copy = event.copy()
            setattr(copy, _HANDED_ON, True)  # once: if it comes back up, it goes on
            event.stop()
            event.prevent_default()
            forward_event(field, copy)
            return
        super().on_key(event)

    # ------------------------------------------------------------------------------ state

    def _input_texts(self) -> tuple[str, str]:
        return (self.field_text("name"), self.field_text("description"))

    def field_text(self, field: DatasetField) -> str:
        if field == "metadata":
            return self.query_one(JsonEditor).text
        return self.query_one(f"#form-{field}", Input).value

    def problem(self, field: DatasetField) -> str:
        """The problem shown under `field` ("" when none)."""
        widget = self.query_one(f"#{field}-problem", Static)
        return str(widget.render()) if widget.has_class("-shown") else ""

    @property
    def status(self) -> str:
        return str(self.query_one("#form-status", Static).render())

    def has_unsaved_changes(self) -> bool:
        if not self.is_mounted:
            return False
        return self._input_texts() != self._initial or self.query_one(JsonEditor).dirty

    def unsaved_edits(self) -> str | None:
        if not self.has_unsaved_changes():
            return None
        if self.dataset is None:
            return "the new dataset"
        return f"the dataset “{clip(self.dataset.name, 40)}”"

    # ------------------------------------------------------------------ live validation

    def _check(self, field: DatasetField) -> str | None:
        """The problem of `field` as it is now: PostHog's rules, then a refusal of this text."""
        text = self.field_text(field)
        if field == "name":
            problem = name_problem(text)
        elif field == "description":
            problem = description_problem(text)
        else:
            # The editor's header names a syntax error (line and column); this line says the
            # rest: not an object, too large.
            problem = None if self.query_one(JsonEditor).error else metadata_problem(text)
        if problem is None and field in self._refused:
            refused_text, message = self._refused[field]
            if refused_text == text:
                problem = message
        return problem

    def _show_problem(self, field: DatasetField) -> None:
        widget = self.query_one(f"#{field}-problem", Static)
        problem = self._check(field) if field in self._touched or field in self._refused else None
        widget.update(problem or "")
        widget.set_class(problem is not None, "-shown")

    @on(Input.Changed, "#form-name")
    def _name_changed(self) -> None:
        self._edited("name")

    @on(Input.Changed, "#form-description")
    def _description_changed(self) -> None:
        self._edited("description")

    @on(JsonEditor.Changed)
    def _metadata_changed(self, event: JsonEditor.Changed) -> None:
        event.stop()
        self._edited("metadata")

    def _edited(self, field: DatasetField) -> None:
        if not self.is_mounted:
            return
        if field != "metadata" or self.query_one(JsonEditor).dirty:
            self._touched.add(field)
        self._show_problem(field)
        self._set_status("")  # whatever it said was about the text before this edit

    def _set_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#form-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    # ------------------------------------------------------------------------ actions

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        if not self.has_unsaved_changes():
            self.dismiss(None)
            return
        what = "the new dataset" if self.dataset is None else "your changes to this dataset"
        confirm = ConfirmScreen("Discard changes", f"Discard {what}?", confirm_label="Discard")
        self.app.push_screen(confirm, self._discard_answer)

    def _discard_answer(self, discard: bool | None) -> None:
        if discard:
            self.dismiss(None)

    def action_save(self) -> None:
        if self.read_only:  # the Save button bypasses check_action
            self._set_status("Read-only mode: nothing can be saved.", error=True)
            return
        if self._saving:
            return  # one request at a time: a second create could make a second dataset
        values, problems = read_form(*(self.field_text(field) for field in FIELDS))
        self._touched.update(FIELDS)
        for field in FIELDS:
            self._show_problem(field)
        if values is None:
            self._focus(next(iter(problems)))
            self._set_status("Not saved: fix the field marked in red.", error=True)
            return
        changes = dataset_changes(self.dataset, values)
        if self.dataset is not None and not changes:
            self.dismiss(None)
            return
        self._saving = True
        self._set_status("Saving…")
        self._save(changes)

    def _focus(self, field: DatasetField) -> None:
        if field == "metadata":
            self.query_one(JsonEditor).focus_editor()
        else:
            self.query_one(f"#form-{field}", Input).focus()

    @task(group="dataset-form-save")
    async def _save(self, fields: dict[str, Any]) -> None:
        try:
            if self.dataset is None:
                saved = await self.client.create_dataset(
                    fields["name"],
                    description=fields.get("description"),
                    metadata=fields.get("metadata"),
                )
            else:
                saved = await self.client.update_dataset(self.dataset.id, **fields)
        except PostHogError as error:
            self._refused_by_server(error)
            return
        finally:
            self._saving = False
        self.dismiss(saved)

    def _refused_by_server(self, error: PostHogError) -> None:
        """Say why PostHog refused the save, where it applies; keep every field as typed."""
        field: DatasetField | None = None
        message = one_line(str(error))
        if isinstance(error, LimitReachedError):
            LIMITS.learn(self.client.host, error)  # the list shows it against the quota
            self._set_status(limit_message(error), error=True)
            return
        if isinstance(error, ConflictError):
            field = conflict_field(error)
            if field == "name":
                message = name_conflict_message(self.field_text("name").strip())
            elif error.code == "dataset_archived":
                message = (
                    "This dataset was archived meanwhile: restore it in the list (R), then edit."
                )
        elif isinstance(error, ValidationError):
            field = next((name for name in FIELDS if name == error.field), None)
            message = f"PostHog refused it: {one_line(error.detail or str(error))}"
        if field is not None:
            self._refused[field] = (self.field_text(field), message)
            self._show_problem(field)
            self._focus(field)
            self._set_status("Not saved.", error=True)
            return
        self._set_status(f"Not saved: {message}", error=True)
        if not isinstance(error, ConflictError | ValidationError):
            # Offline, a rejected key, a server error: the app's handler reacts to those too.
            self.report(error, action="Saving the dataset")
