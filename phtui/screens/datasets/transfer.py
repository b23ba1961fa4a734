"""Export and import modals: a file name, then a progress bar that Esc cancels, then a report.

The work itself is `phtui.core.transfer`; these screens only ask, show progress and report.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, ProgressBar, RadioButton, RadioSet, Static
from textual.worker import Worker, WorkerState

from phtui.api.errors import PostHogError
from phtui.api.models import Dataset
from phtui.core.transfer import (
    ExportFormat,
    ImportReport,
    TransferError,
    export_items,
    import_items,
)
from phtui.screens.base import PhModal, task

TRANSFER_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 76; max-width: 100%; height: auto; max-height: 100%;
    border: thick $primary; background: $surface; padding: 0 1;
}}
{name} .transfer-title {{ text-style: bold; margin-bottom: 1; }}
{name} RadioSet {{ layout: horizontal; height: auto; width: 100%; }}
{name} ProgressBar {{ margin-top: 1; }}
{name} .transfer-status {{ height: auto; margin-top: 1; }}
{name} #transfer-failures {{ height: auto; max-height: 10; border: round $error; }}
{name} Horizontal {{ height: auto; align-horizontal: right; margin-top: 1; }}
{name} Button {{ margin-left: 1; }}
"""


def default_file_name(dataset: Dataset, fmt: ExportFormat) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", dataset.name).strip("-.") or "dataset"
    return f"{slug}.{fmt.value}"


class _TransferScreen(PhModal[bool]):
    """Shared frame: Esc cancels a running transfer, else closes; the result says if data moved."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel / close", id="transfer.cancel"),
    ]

    def __init__(self, dataset: Dataset) -> None:
        super().__init__()
        self.dataset = dataset
        self._worker: Worker[None] | None = None
        self._changed = False

    @property
    def running(self) -> bool:
        return self._worker is not None and self._worker.state in (
            WorkerState.PENDING,
            WorkerState.RUNNING,
        )

    def progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)

    def status(self, text: str | Text) -> None:
        self.query_one(".transfer-status", Static).update(text)

    def action_cancel(self) -> None:
        if self.running and self._worker is not None:
            self._worker.cancel()
            return
        self.dismiss(self._changed)

    @on(Button.Pressed, "#transfer-close")
    def _close_pressed(self) -> None:
        self.action_cancel()

    def _started(self) -> None:
        self.query_one("#transfer-start", Button).disabled = True
        self.query_one("#transfer-close", Button).label = "Cancel (esc)"
        self.query_one(ProgressBar).display = True

    def _finished(self) -> None:
        self._worker = None
        self.query_one("#transfer-start", Button).disabled = False
        self.query_one("#transfer-close", Button).label = "Close (esc)"


class ExportScreen(_TransferScreen):
    """Export every item of the dataset to a JSONL or JSON file."""

    DEFAULT_CSS = TRANSFER_CSS.format(name="ExportScreen")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                f"Export items of {self.dataset.name!r}", classes="transfer-title", markup=False
            )
            with RadioSet(id="export-format"):
                yield RadioButton("JSONL (one item per line)", value=True, id="format-jsonl")
                yield RadioButton("JSON (one array)", id="format-json")
            yield Label("File")
            yield Input(default_file_name(self.dataset, ExportFormat.JSONL), id="export-path")
            yield ProgressBar(show_eta=False)
            yield Static("", classes="transfer-status", markup=False)
            with Horizontal():
                yield Button("Close (esc)", id="transfer-close")
                yield Button("Export", id="transfer-start", variant="primary")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one("#export-path", Input).focus()

    @property
    def format(self) -> ExportFormat:
        pressed = self.query_one(RadioSet).pressed_button
        return ExportFormat.JSON if pressed and pressed.id == "format-json" else ExportFormat.JSONL

    @on(RadioSet.Changed)
    def _format_changed(self) -> None:
        path = self.query_one("#export-path", Input)
        suffix = f".{self.format.value}"
        typed = path.value.strip()
        path.value = (
            str(Path(typed).with_suffix(suffix))
            if typed
            else default_file_name(self.dataset, self.format)
        )

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#transfer-start")
    def start(self) -> None:
        if self.running:
            return
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            self.status("Enter a file name.")
            return
        self._started()
        self.status("Exporting…")
        self._worker = self._export(Path(text).expanduser(), self.format)

    @task(group="transfer")
    async def _export(self, path: Path, fmt: ExportFormat) -> None:
        try:
            result = await export_items(
                self.client, self.dataset.id, path, fmt=fmt, on_progress=self.progress
            )
        except (PostHogError, OSError) as error:
            self.status(f"Export failed: {error} No file was written.")
            self.report(error, action="Exporting")
            return
        finally:
            self._finished()
        self.status(f"Exported {result.items:,} items to {result.path.resolve()}.")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.CANCELLED:
            self._finished()
            self.status("Export cancelled. No file was written.")


class ImportScreen(_TransferScreen):
    """Import a JSONL file into the dataset; rerunning skips lines already imported."""

    DEFAULT_CSS = TRANSFER_CSS.format(name="ImportScreen")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                f"Import JSONL into {self.dataset.name!r}", classes="transfer-title", markup=False
            )
            yield Static(
                "One item per line: input, output, metadata, ref_trace_id, ref_timestamp, "
                "ref_source_id. Lines already imported into this dataset are skipped, so an "
                "interrupted import is finished by running it again.",
                markup=False,
            )
            yield Label("File")
            yield Input(placeholder="path/to/items.jsonl", id="import-path")
            yield ProgressBar(show_eta=False)
            yield Static("", classes="transfer-status", markup=False)
            with VerticalScroll(id="transfer-failures"):
                yield Static("", id="failure-lines", markup=False)
            with Horizontal():
                yield Button("Close (esc)", id="transfer-close")
                yield Button("Import", id="transfer-start", variant="primary")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one("#transfer-failures").display = False
        self.query_one("#import-path", Input).focus()
        if self.read_only:
            self.query_one("#transfer-start", Button).disabled = True
            self.status("Read-only mode: import is disabled.")

    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#transfer-start")
    def start(self) -> None:
        if self.running or self.read_only:
            return
        text = self.query_one("#import-path", Input).value.strip()
        path = Path(text).expanduser()
        if not text or not path.is_file():
            self.status(f"{text!r} is not a file." if text else "Enter the path of a JSONL file.")
            return
        self.query_one("#transfer-failures").display = False
        self._started()
        self.status("Importing…")
        self._worker = self._import(path)

    @task(group="transfer")
    async def _import(self, path: Path) -> None:
        try:
            result = await import_items(
                self.client, self.dataset.id, path, on_progress=self._import_progress
            )
        except (PostHogError, TransferError, OSError) as error:
            self.status(f"Import stopped: {error} Run it again to resume.")
            self.report(error, action="Importing")
            return
        finally:
            self._finished()
        self._show_report(result)

    def _import_progress(self, done: int, total: int) -> None:
        self._changed = True
        self.progress(done, total)

    def _show_report(self, result: ImportReport) -> None:
        self.status(f"{result.summary()}.")
        if result.failed:
            lines = Text()
            for failed in result.failed:
                lines.append(f"line {failed.line}: ", style="bold")
                lines.append(failed.message + "\n")
            lines.append("Fix the file and import it again: imported lines are skipped.")
            self.query_one("#failure-lines", Static).update(lines)
            self.query_one("#transfer-failures").display = True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.CANCELLED:
            self._finished()
            self.status("Import cancelled. Run it again to import the remaining lines.")
