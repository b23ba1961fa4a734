"""Create or edit a dataset: name (required), description, metadata (a JSON object or empty).

Saving runs here, in a worker, so a failure keeps the form and its text open; the screen that
pushed the form receives the saved `Dataset` (or None when cancelled).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from phtui.api.errors import PostHogError
from phtui.api.models import Dataset
from phtui.core.jsondoc import JsonDocError, canonical, parse_json, pretty
from phtui.core.text import clip
from phtui.screens.base import PhModal, task
from phtui.widgets.json_editor import JsonEditor

NAME_MAX = 400  # PostHog's column size


class FormProblem(ValueError):
    """A value the form will not send; the message is shown under the form."""


def read_metadata(text: str) -> dict[str, Any] | None:
    """The metadata field: empty means none, otherwise a JSON object (as PostHog's UI asks)."""
    if not text.strip():
        return None
    try:
        value = parse_json(text)
    except JsonDocError as error:
        raise FormProblem(f"Metadata: {error}") from None
    if value is None:
        return None
    if not isinstance(value, dict):
        raise FormProblem("Metadata must be a JSON object, or empty.")
    return value


def read_name(text: str) -> str:
    name = text.strip()
    if not name:
        raise FormProblem("A dataset needs a name.")
    if len(name) > NAME_MAX:
        raise FormProblem(f"The name is {len(name)} characters long; PostHog allows {NAME_MAX}.")
    return name


class DatasetFormScreen(PhModal[Dataset | None]):
    """`DatasetFormScreen(None)` creates; `DatasetFormScreen(dataset)` edits that dataset."""

    DEFAULT_CSS = """
    DatasetFormScreen { align: center middle; }
    DatasetFormScreen > Vertical {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    DatasetFormScreen .form-title { text-style: bold; margin-bottom: 1; }
    DatasetFormScreen Label { margin-top: 1; }
    DatasetFormScreen JsonEditor { height: 8; }
    DatasetFormScreen #form-error { color: $error; height: auto; }
    DatasetFormScreen Horizontal { height: auto; align-horizontal: right; }
    DatasetFormScreen Button { margin-left: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="dataset_form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="dataset_form.cancel"),
    ]

    def __init__(self, dataset: Dataset | None) -> None:
        super().__init__()
        self.dataset = dataset
        self._initial: tuple[str, str] = ("", "")  # name and description as first shown

    def compose(self) -> ComposeResult:
        dataset = self.dataset
        metadata = pretty(dataset.metadata) if dataset and dataset.metadata is not None else ""
        with Vertical():
            title = f"Edit dataset {dataset.name!r}" if dataset else "New dataset"
            yield Static(title, classes="form-title", markup=False)
            yield Label("Name (required)")
            yield Input(dataset.name if dataset else "", id="form-name", max_length=NAME_MAX)
            yield Label("Description")
            yield Input((dataset.description or "") if dataset else "", id="form-description")
            yield JsonEditor(
                "Metadata (JSON object, or empty)", metadata, field="metadata", allow_empty=True
            )
            yield Static("", id="form-error", markup=False)
            with Horizontal():
                yield Button("Cancel (esc)", id="form-cancel")
                yield Button("Save (ctrl+s)", id="form-save", variant="primary")

    def on_mount(self) -> None:
        self._initial = self._input_texts()
        self.query_one("#form-name", Input).focus()

    def _input_texts(self) -> tuple[str, str]:
        return (
            self.query_one("#form-name", Input).value,
            self.query_one("#form-description", Input).value,
        )

    # The app's quit guard (`phtui.app.HoldsEdits`) asks before quitting with these.
    MUTATING_ACTIONS = frozenset({"save"})

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

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def changes(self) -> dict[str, Any]:
        """The fields to send: all of them for a new dataset, only the edited ones otherwise."""
        name = read_name(self.query_one("#form-name", Input).value)
        description = self.query_one("#form-description", Input).value.strip()
        metadata = read_metadata(self.query_one(JsonEditor).text)
        fields: dict[str, Any] = {
            "name": name,
            "description": description or None,
            "metadata": metadata,
        }
        if self.dataset is None:
            return fields
        before = {
            "name": self.dataset.name,
            "description": self.dataset.description or None,
            "metadata": self.dataset.metadata,
        }
        return {
            key: value
            for key, value in fields.items()
            if canonical(before[key]) != canonical(value)
        }

    def action_save(self) -> None:
        error = self.query_one("#form-error", Static)
        if self.read_only:  # the Save button bypasses check_action
            error.update("Read-only mode: nothing can be saved.")
            return
        try:
            fields = self.changes()
        except FormProblem as problem:
            error.update(str(problem))
            return
        if self.dataset is not None and not fields:
            self.dismiss(None)
            return
        error.update("Saving…")
        self._save(fields)

    @task(group="dataset-form-save")
    async def _save(self, fields: dict[str, Any]) -> None:
        client = self.client
        try:
            if self.dataset is None:
                saved = await client.create_dataset(
                    fields["name"], description=fields["description"], metadata=fields["metadata"]
                )
            else:
                saved = await client.update_dataset(self.dataset.id, **fields)
        except PostHogError as error:
            self.query_one("#form-error", Static).update(str(error))
            self.report(error, action="Saving the dataset")
            return
        self.dismiss(saved)
