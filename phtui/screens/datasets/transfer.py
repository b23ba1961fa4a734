"""Export and import dialogs: a file, then live progress that Esc cancels, then a truthful report.

The work is `phtui.core.transfer` (shared with `phtui datasets pull|push`); these screens ask,
show what its observer is told (the export job's state, waits with the seconds left, problems
with single lines as they happen) and report. A problem the user can fix (a path that cannot be
written, a file that is not UTF-8 text, an existing file) is one line in the dialog, never the
"bug" dialog, and what was typed stays. Both datasets APIs: on a classic server the export has
no revision and no job.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Button, Input, Label, ProgressBar, RadioButton, RadioSet, Static
from textual.worker import Worker, WorkerState

from phtui.api.errors import PostHogError
from phtui.api.models import Dataset
from phtui.core.text import one_line, visible
from phtui.core.transfer import (
    ExportFormat,
    ExportMethod,
    ExportResult,
    ImportReport,
    TransferError,
    TransferObserver,
    export_items,
    import_items,
    skipped_text,
)
from phtui.core.transfer_file import ItemFileError, LineProblem, file_name, read_items_file
from phtui.screens.base import PhModal, task
from phtui.screens.confirm import ConfirmScreen
from phtui.widgets.fields import SafeInput

__all__ = [
    "TRANSFER_CSS",
    "DialogObserver",
    "ExportScreen",
    "ImportScreen",
    "TransferScreen",
    "default_file_name",
]

# The dialogs' shared styles (push.py's too): `.format(name=<the screen class>)`.
TRANSFER_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 80; max-width: 100%; height: auto; max-height: 100%;
    border: thick $primary; background: $surface; padding: 0 1;
}}
{name} .transfer-title {{ text-style: bold; }}
{name} .transfer-help {{ color: $text-muted; }}
{name} RadioSet {{ layout: horizontal; height: auto; width: 100%; border: none; padding: 0; }}
{name} RadioSet > RadioButton {{ margin-right: 2; }}
{name} Label {{ margin-top: 1; }}
{name} .transfer-where {{ color: $text-muted; height: auto; }}
{name} ProgressBar {{ margin-top: 1; }}
{name} .transfer-status {{ height: auto; margin-top: 1; }}
{name} .transfer-status.-error {{ color: $error; }}
{name} #transfer-problems {{ height: auto; max-height: 7; border: round $warning; }}
{name} Horizontal {{ height: auto; align-horizontal: right; }}
{name} Button {{ margin-left: 1; }}
"""


def default_file_name(dataset: Dataset, fmt: ExportFormat, revision: int | None = None) -> str:
    """`support-answers-r612.jsonl` (no revision part on classic servers)."""
    return file_name(dataset.name, revision, fmt.value)


class DialogObserver(TransferObserver):
    """Forwards what the transfer tells to the dialog (same event loop: widgets directly)."""

    def __init__(self, screen: TransferScreen) -> None:
        self._screen = screen

    def progress(self, done: int, total: int | None) -> None:
        self._screen.show_progress(done, total)

    def status(self, text: str) -> None:
        self._screen.status(text)

    def waiting(self, seconds: float, reason: str) -> None:
        self._screen.show_wait(seconds, reason)

    def problem(self, problem: LineProblem) -> None:
        self._screen.add_problem(problem)


class TransferScreen(PhModal[bool]):
    """Shared frame: Esc cancels a running transfer, else closes; the result says if data moved."""

    NAME: ClassVar[str] = "transfer"

    def __init__(self, dataset: Dataset) -> None:
        super().__init__()
        self.dataset = dataset
        self._worker: Worker[None] | None = None
        self._changed = False
        self._wait_until = 0.0
        self._wait_reason = ""
        self._wait_timer: Timer | None = None
        self._phase = ""
        self._problems: list[LineProblem] = []

    def compose_file_form(self, title: str, help_text: str, path_id: str) -> ComposeResult:
        """What a dialog that reads a file shows above its buttons: title, help, the path, then
        (hidden until a run) progress, a status line and the problems or lines it lists."""
        yield Static(title, classes="transfer-title", markup=False)
        yield Static(help_text, classes="transfer-help", markup=False)
        yield Label("File")
        yield SafeInput(placeholder="path/to/items.jsonl", id=path_id)
        yield ProgressBar(show_eta=False)
        yield Static("", classes="transfer-status", markup=False)
        with VerticalScroll(id="transfer-problems"):
            yield Static("", id="problem-lines", markup=False)

    def mount_file_form(self, path_id: str) -> None:
        """Progress and problems hidden until a run; the path field focused."""
        self.query_one(ProgressBar).display = False
        self.query_one("#transfer-problems").display = False
        self.query_one(f"#{path_id}", Input).focus()

    # -- state ---------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._worker is not None and self._worker.state in (
            WorkerState.PENDING,
            WorkerState.RUNNING,
        )

    def action_close(self) -> None:
        if self.running and self._worker is not None:
            self._worker.cancel()
            return
        self.dismiss(self._changed)

    @on(Button.Pressed, "#transfer-close")
    def _close_pressed(self) -> None:
        self.action_close()

    def _started(self) -> None:
        for help_text in self.query(".transfer-help"):
            help_text.display = False  # room for progress and problems at 80x24
        self._problems.clear()
        self.query_one("#problem-lines", Static).update("")
        self.query_one("#transfer-problems").display = False
        self.query_one("#transfer-start", Button).disabled = True
        self.query_one("#transfer-close", Button).label = "Cancel (esc)"
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True

    def _finished(self) -> None:
        self._worker = None
        self._stop_wait()
        self.query_one("#transfer-start", Button).disabled = self.read_only_blocked
        self.query_one("#transfer-close", Button).label = "Close (esc)"

    @property
    def read_only_blocked(self) -> bool:
        return False

    # -- what the observer shows ------------------------------------------------------------------

    def status(self, text: str | Text | Content, *, error: bool = False) -> None:
        """One status line (server text in it, such as a dataset name, made inert)."""
        if isinstance(text, str):
            text = visible(text)
        widget = self.query_one(".transfer-status", Static)
        widget.update(text)
        widget.set_class(error, "-error")
        if isinstance(text, str):
            self._phase = text

    def show_progress(self, done: int, total: int | None) -> None:
        self.query_one(ProgressBar).update(total=total if total else None, progress=done)
        if self._wait_until:
            self._stop_wait()
            self.status(self._phase)

    def show_wait(self, seconds: float, reason: str) -> None:
        now = time.monotonic()
        self._wait_until = max(self._wait_until, now + seconds)
        self._wait_reason = reason
        self._draw_wait()
        if self._wait_timer is None:
            self._wait_timer = self.set_interval(0.5, self._draw_wait)

    def _draw_wait(self) -> None:
        left = self._wait_until - time.monotonic()
        if left <= 0:
            phase = self._phase
            self._stop_wait()
            self.query_one(".transfer-status", Static).update(phase)
            return
        reason = (
            "Rate limited by PostHog"
            if self._wait_reason == "rate limited"
            else f"PostHog: {self._wait_reason}"
        )
        during = f" ({self._phase.rstrip('.…')})" if self._phase else ""
        self.query_one(".transfer-status", Static).update(
            f"{reason}: waiting {max(1, round(left))} s…{during}"
        )

    def _stop_wait(self) -> None:
        self._wait_until = 0.0
        if self._wait_timer is not None:
            self._wait_timer.stop()
            self._wait_timer = None

    def add_problem(self, problem: LineProblem) -> None:
        self._problems.append(problem)
        self._show_problems(self._problems)

    def _show_problems(self, problems: list[LineProblem], footer: str = "") -> None:
        lines = Text()
        for problem in problems[:200]:
            lines.append(f"{problem.where}: ", style="bold")
            lines.append(one_line(problem.message) + "\n")
        if len(problems) > 200:
            lines.append(f"… and {len(problems) - 200:,} more\n")
        if footer:
            lines.append(footer)
        self.query_one("#problem-lines", Static).update(lines)
        self.query_one("#transfer-problems").display = bool(problems or footer)


class ExportScreen(TransferScreen):
    """Export the dataset's items (pinned to `revision`, default the latest) to a file."""

    DEFAULT_CSS = TRANSFER_CSS.format(name="ExportScreen")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Cancel / close", id="export.close"),
    ]

    def __init__(self, dataset: Dataset, *, revision: int | None = None) -> None:
        super().__init__(dataset)
        self.revision = revision

    @property
    def classic(self) -> bool:
        try:
            return self.client.datasets_api == "classic"
        except PostHogError:
            return False

    def compose(self) -> ComposeResult:
        name = one_line(self.dataset.name)
        pinned = self.revision if self.revision is not None else self.dataset.current_revision
        if self.classic:
            what = "every item, read page by page (this PostHog has no revisions)"
        elif pinned is None:
            what = "no items yet"
        elif self.revision is None:
            what = f"at revision {pinned} (the latest)"
        else:
            what = f"at revision {pinned}"
        with Vertical():
            yield Static(f"Export {name!r}: {what}", classes="transfer-title", markup=False)
            with RadioSet(id="export-format"):
                yield RadioButton("JSONL (PostHog's export format)", value=True, id="format-jsonl")
                yield RadioButton("JSON array", id="format-json")
            if not self.classic:
                with RadioSet(id="export-method"):
                    yield RadioButton("PostHog's export job", value=True, id="method-job")
                    yield RadioButton("Read the items directly", id="method-direct")
            yield Label("File")
            yield SafeInput(self._default_path(ExportFormat.JSONL), id="export-path")
            yield Static("", classes="transfer-where", markup=False)
            yield ProgressBar(show_eta=False)
            yield Static("", classes="transfer-status", markup=False)
            with VerticalScroll(id="transfer-problems"):
                yield Static("", id="problem-lines", markup=False)
            with Horizontal():
                yield Button("Close (esc)", id="transfer-close")
                yield Button("Export", id="transfer-start", variant="primary")

    def on_mount(self) -> None:
        self.mount_file_form("export-path")
        self._show_where()

    def _default_path(self, fmt: ExportFormat) -> str:
        pinned = None if self.classic else (self.revision or self.dataset.current_revision)
        return str(Path.cwd() / default_file_name(self.dataset, fmt, pinned))

    @property
    def format(self) -> ExportFormat:
        pressed = self.query_one("#export-format", RadioSet).pressed_button
        return ExportFormat.JSON if pressed and pressed.id == "format-json" else ExportFormat.JSONL

    @property
    def method(self) -> ExportMethod:
        if self.classic:
            return ExportMethod.AUTO
        pressed = self.query_one("#export-method", RadioSet).pressed_button
        direct = pressed is not None and pressed.id == "method-direct"
        return ExportMethod.DIRECT if direct else ExportMethod.AUTO

    def target(self) -> Path | None:
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            return None
        return Path(text).expanduser().absolute()

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self) -> None:
        path = self.query_one("#export-path", Input)
        typed = path.value.strip()
        if typed:
            path.value = str(Path(typed).with_suffix(f".{self.format.value}"))
        else:
            path.value = self._default_path(self.format)

    @on(Input.Changed, "#export-path")
    def _show_where(self) -> None:
        target = self.target()
        where = self.query_one(".transfer-where", Static)
        if target is None:
            where.update("Enter the file to write.")
        elif target.exists():
            where.update(f"Replaces {visible(str(target))} (you will be asked first)")
        else:
            where.update(f"Writes {visible(str(target))}")

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#transfer-start")
    def start(self) -> None:
        if self.running:
            return
        target = self.target()
        if target is None:
            self.status("Enter a file name.", error=True)
            return
        if target.is_dir():
            self.status(f"{visible(str(target))} is a folder: give a file name.", error=True)
            return
        if target.exists():
            message = f"{visible(str(target))} already exists. Replace it with this export?"
            self.app.push_screen(
                ConfirmScreen("Replace the file?", message, confirm_label="Replace"),
                lambda replace: self._run(target) if replace else None,
            )
            return
        self._run(target)

    def _run(self, target: Path) -> None:
        self._started()
        self.status("Exporting…")
        self._worker = self._export(target, self.format, self.method)

    @task(group="transfer")
    async def _export(self, path: Path, fmt: ExportFormat, method: ExportMethod) -> None:
        try:
            result = await export_items(
                self.client,
                self.dataset.id,
                path,
                revision=self.revision,
                method=method,
                fmt=fmt,
                observer=DialogObserver(self),
            )
        except asyncio.CancelledError:
            self._finished()
            self.status("Export cancelled. No file was written.")
            raise
        except TransferError as error:
            self._finished()
            self.query_one(ProgressBar).display = False
            self.status(f"{error} No file was written.", error=True)
            return
        except PostHogError as error:
            self._finished()
            self.status(f"Export failed: {one_line(str(error))} No file was written.", error=True)
            self.report(error, action="Exporting")
            return
        self._finished()
        self._done(result)

    def _done(self, result: ExportResult) -> None:
        self.query_one(ProgressBar).update(total=max(result.items, 1), progress=result.items)
        self.status(visible(result.summary()))
        problems = [
            LineProblem(0, f"item {item_id}: {skipped_text([item_id])}", code="skipped")
            for item_id in result.skipped
        ]
        if result.skipped:
            footer = (
                f"{len(result.skipped):,} items could not be written: export with PostHog's "
                "export job to include them."
            )
            self._show_problems(problems, footer)
        self._show_where()


class ImportScreen(TransferScreen):
    """Import a file into the dataset; importing it again never creates an item twice."""

    DEFAULT_CSS = TRANSFER_CSS.format(name="ImportScreen")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Cancel / close", id="import.close"),
    ]

    def __init__(self, dataset: Dataset) -> None:
        super().__init__(dataset)
        self._report: ImportReport | None = None

    @property
    def read_only_blocked(self) -> bool:
        return self.read_only

    def compose(self) -> ComposeResult:
        with Vertical():
            yield from self.compose_file_form(
                f"Import into {one_line(self.dataset.name)!r}",
                "One item per line, in PostHog's export format or the classic one. Each line "
                "gets a client_item_id (its own, or one made from its content), so importing "
                "a file again adds only what is missing, never an item twice.",
                "import-path",
            )
            with Horizontal():
                yield Button("Close (esc)", id="transfer-close")
                yield Button("Import", id="transfer-start", variant="primary")

    def on_mount(self) -> None:
        self.mount_file_form("import-path")
        if self.read_only:
            self.query_one("#transfer-start", Button).disabled = True
            self.status("Read-only mode: import is disabled.")

    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#transfer-start")
    def start(self) -> None:
        if self.running or self.read_only:
            return
        text = self.query_one("#import-path", Input).value.strip()
        if not text:
            self.status("Enter the path of a JSONL file.", error=True)
            return
        path = Path(text).expanduser().absolute()
        self._started()
        self.status(f"Reading {visible(str(path))}…")
        self._report = ImportReport()
        self._worker = self._import(path, self._report)

    @task(group="transfer")
    async def _import(self, path: Path, report: ImportReport) -> None:
        try:
            items_file = await asyncio.to_thread(read_items_file, path)
            report.total = items_file.total
            self.status(f"Importing {items_file.total:,} lines…")
            await import_items(
                self.client,
                self.dataset.id,
                items_file,
                observer=DialogObserver(self),
                report=report,
            )
        except asyncio.CancelledError:
            self._finished()
            self._changed |= report.imported > 0
            self.status(
                f"Cancelled after {report.handled:,} of {report.total:,} lines: "
                f"{report.counts()}. Import again to finish: lines already imported are not "
                "created twice."
            )
            raise
        except (ItemFileError, TransferError) as error:
            self._finished()
            self._changed |= report.imported > 0
            self.query_one(ProgressBar).display = report.handled > 0
            self.status(str(error), error=True)
            return
        except PostHogError as error:
            self._finished()
            self._changed |= report.imported > 0
            done = f" after {report.handled:,} of {report.total:,} lines" if report.total else ""
            self.status(
                f"Import stopped{done}: {one_line(str(error))} Import again to resume.",
                error=True,
            )
            self.report(error, action="Importing")
            return
        self._finished()
        self._done(report)

    def show_progress(self, done: int, total: int | None) -> None:
        super().show_progress(done, total)
        if self._report is not None and self._report.total and not self._wait_until:
            self.status(f"Importing: {done:,} of {total or 0:,} lines")
        if self._report is not None and self._report.imported:
            self._changed = True

    def _done(self, report: ImportReport) -> None:
        self._changed |= report.imported > 0
        text = f"{report.summary()}."
        if report.stopped:
            text += f" Stopped: {report.stopped}"
        failed = report.failed
        if report.resumable:
            text += " Import again to finish: lines already imported are not created twice."
            self.status(text, error=bool(report.stopped))
        else:
            self.status(text)
        if failed:
            self._show_problems(
                [*failed, *report.notes],
                "Fix these lines and import the file again: lines already imported are skipped.",
            )
