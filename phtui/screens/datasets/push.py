"""The push dialog: the TUI side of `phtui datasets push`. Plan first (nothing is written), then
push what the plan says, with live progress that Esc cancels, then a truthful report.

The work is `phtui.core.push_plan` (shared with the CLI). Enter plans: the file is read and
compared with the dataset as it is now, and the dialog shows the plan's summary, the PostHog
limits it would hit and its lines (creates, updates with their changes, refusals with their
reasons). Push (ctrl+s) carries out that plan once; an item changed in PostHog after the plan is
a 409 that `run_push` reports per line, never overwritten. A plan is always allowed (read-only
mode, a past revision shown): only Push is disabled, with the reason. A file that cannot be read
is one line in the dialog, and the typed path stays.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, ProgressBar, Static

from phtui.api.errors import PostHogError
from phtui.api.models import Dataset
from phtui.core.push_plan import PushPlan, PushReport, plan_push, run_push
from phtui.core.text import one_line
from phtui.core.transfer import TransferError
from phtui.core.transfer_file import ItemFileError, LineProblem, read_items_file
from phtui.screens.base import task
from phtui.screens.datasets.transfer import TRANSFER_CSS, DialogObserver, TransferScreen

__all__ = ["PushScreen"]

PLAN_LINES_SHOWN = 500  # a plan's lines drawn in the dialog; the CLI's --dry-run lists them all
AGAIN = "Pushing again is safe: press Enter to plan again (nothing is created twice)."


class PushScreen(TransferScreen):
    """Push a file into the dataset: plan (Enter), then push (ctrl+s). `blocked` is why the
    items screen cannot change the dataset now (a past revision, an archived dataset)."""

    DEFAULT_CSS = TRANSFER_CSS.format(name="PushScreen")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Cancel / close", id="push.close"),
        Binding("ctrl+s", "push", "Push", id="push.push"),
    ]
    MUTATING_ACTIONS = frozenset({"push"})

    def __init__(self, dataset: Dataset, *, blocked: str | None = None) -> None:
        super().__init__(dataset)
        self.blocked = blocked
        self.plan: PushPlan | None = None  # the plan Push carries out (once)
        self._planned: Path | None = None  # the file it was made from
        self._report: PushReport | None = None  # the push running, or the last one
        self._work = 0  # the changes that push sends

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="push-frame"):
            yield from self.compose_file_form(
                f"Push a file into {one_line(self.dataset.name)!r}",
                "Enter compares the file with the dataset and shows what a push would create, "
                "update and refuse; nothing changes until you press Push (ctrl+s).",
                "push-path",
            )
            with Horizontal():
                yield Button("Close (esc)", id="transfer-close")
                yield Button("Plan (enter)", id="push-plan")
                yield Button("Push (ctrl+s)", id="transfer-start", variant="primary")

    def on_mount(self) -> None:
        self.mount_file_form("push-path")
        self.query_one("#transfer-start", Button).disabled = True
        reason = self._not_allowed()
        if reason is not None:
            self.status(f"{reason} Planning works.")

    # -- the list's room ----------------------------------------------------------------------

    def on_resize(self) -> None:
        self._fit_list()

    def status(self, text: str | Text | Content, *, error: bool = False) -> None:
        super().status(text, error=error)
        self.call_after_refresh(self._fit_list)

    def _fit_list(self) -> None:
        """Give the list (the plan, then the problems) the rows the rest leaves: it scrolls, so
        the dialog's buttons stay on screen at 80x24. A fixed max-height would waste tall
        terminals; a 1fr height would stretch short lists to the full screen."""
        box = self.query_one("#transfer-problems", VerticalScroll)
        frame = self.query_one("#push-frame", Vertical)
        used = frame.styles.gutter.height + box.styles.margin.height + box.styles.gutter.height
        for child in frame.children:
            if child is not box and child.display:
                used += child.outer_size.height + child.styles.margin.height
        box.styles.max_height = max(3, self.size.height - used)

    # -- what Push needs ----------------------------------------------------------------------

    def _not_allowed(self) -> str | None:
        """Why this dialog may never push, plan or no plan."""
        if self.read_only:
            return "Read-only mode: Push is disabled."
        return self.blocked

    def push_blocked(self) -> str | None:
        """Why Push is disabled now, in one line, or None."""
        reason = self._not_allowed()
        if reason is not None:
            return reason
        if self.plan is None:
            return "Plan first: type the file's path and press Enter."
        if not self.plan.to_send():
            return "Nothing to push: no line creates or updates an item."
        return None

    @property
    def read_only_blocked(self) -> bool:
        return self.push_blocked() is not None

    def blocked_reason(self, action: str) -> str | None:
        reason = super().blocked_reason(action)
        if reason is None and action == "push":
            reason = self.push_blocked()
        return reason

    def _finished(self) -> None:
        super()._finished()
        self.query_one("#push-plan", Button).disabled = False
        self.refresh_bindings()  # ctrl+s follows the plan

    def _started(self) -> None:
        super()._started()
        self.query_one("#push-plan", Button).disabled = True
        self.call_after_refresh(self._fit_list)

    # -- planning ------------------------------------------------------------------------------

    @on(Input.Submitted, "#push-path")
    @on(Button.Pressed, "#push-plan")
    def start_plan(self) -> None:
        if self.running:
            return
        text = self.query_one("#push-path", Input).value.strip()
        if not text:
            self.status("Enter the path of a JSONL file.", error=True)
            return
        path = Path(text).expanduser().absolute()
        self.plan = None
        self._started()
        self.status(f"Reading {path}…")
        self._worker = self._plan(path)

    @on(Input.Changed, "#push-path")
    def _path_changed(self) -> None:
        typed = self.query_one("#push-path", Input).value.strip()
        if self.plan is None or self.running:
            return
        if self._planned is not None and Path(typed).expanduser().absolute() == self._planned:
            return
        # Push carries out the plan shown: a plan for another file must be made first.
        self.plan = None
        self.query_one("#transfer-start", Button).disabled = True
        self.refresh_bindings()
        self.status("Press Enter to plan this file.")
        self._show_problems([])

    @task(group="transfer")
    async def _plan(self, path: Path) -> None:
        try:
            items_file = await asyncio.to_thread(read_items_file, path)
            self.status(f"Comparing {items_file.total:,} lines with the dataset…")
            plan = await plan_push(
                self.client, self.dataset.id, items_file, observer=DialogObserver(self)
            )
        except asyncio.CancelledError:
            self._finished()
            self.query_one(ProgressBar).display = False
            self.status("Planning cancelled: nothing was changed.")
            raise
        except (ItemFileError, TransferError) as error:
            self._finished()
            self.query_one(ProgressBar).display = False
            self.status(str(error), error=True)
            return
        except PostHogError as error:
            self._finished()
            self.query_one(ProgressBar).display = False
            self.status(f"Planning failed: {one_line(str(error))}", error=True)
            self.report(error, action="Planning the push")
            return
        self.plan, self._planned = plan, path
        self._finished()
        self.query_one(ProgressBar).display = False
        self._show_plan(plan)

    def _show_plan(self, plan: PushPlan) -> None:
        reason = self.push_blocked()
        if reason is None:
            at = "the dataset" if plan.revision is None else f"revision {plan.revision:,}"
            reason = f"Compared with {at}: nothing changes until you press Push (ctrl+s)."
        self.status(
            Content.assemble(
                (one_line(plan.summary()), "bold"),
                "\n" + one_line(reason),
                *(("\n" + one_line(limit), "$warning") for limit in plan.limits),
            )
        )
        # `lines()` ends with the limits, shown above already.
        lines = plan.lines()
        lines = lines[: len(lines) - len(plan.limits)]
        drawn = Text()
        for line in lines[:PLAN_LINES_SHOWN]:
            if line.startswith(" "):  # an update's change
                drawn.append(line + "\n", style="dim")
                continue
            where, _, what = line.partition(": ")
            drawn.append(f"{where}: ", style="bold")
            drawn.append(what + "\n")
        if len(lines) > PLAN_LINES_SHOWN:
            drawn.append(
                f"… and {len(lines) - PLAN_LINES_SHOWN:,} more lines (phtui datasets push "
                "--dry-run lists them all)\n"
            )
        drawn.rstrip()
        self.query_one("#problem-lines", Static).update(drawn)
        box = self.query_one("#transfer-problems", VerticalScroll)
        box.display = bool(lines)
        box.scroll_home(animate=False)
        self.call_after_refresh(self._fit_list)

    # -- pushing -------------------------------------------------------------------------------

    @on(Button.Pressed, "#transfer-start")
    def _push_pressed(self) -> None:
        self.action_push()

    def action_push(self) -> None:
        plan = self.plan
        if self.running or plan is None or self.push_blocked() is not None:
            return
        self.plan = None  # a plan is carried out once; pushing again plans again
        self._report = report = PushReport()
        self._work = len(plan.to_send())
        self._started()
        self.status(f"Pushing {self._work:,} changes…")
        self._worker = self._push(plan, report)

    @task(group="transfer")
    async def _push(self, plan: PushPlan, report: PushReport) -> None:
        try:
            await run_push(self.client, plan, observer=DialogObserver(self), report=report)
        except asyncio.CancelledError:
            self._finished()
            self._changed |= report.created + report.updated > 0
            self.status(f"Push cancelled after {self._sent(report)}. {AGAIN}")
            raise
        except TransferError as error:
            self._finished()
            self._changed |= report.created + report.updated > 0
            self.status(f"{error} Stopped after {self._sent(report)}.", error=True)
            return
        except PostHogError as error:
            self._finished()
            self._changed |= report.created + report.updated > 0
            self.status(
                f"Push stopped after {self._sent(report)}: {one_line(str(error))} {AGAIN}",
                error=True,
            )
            self.report(error, action="Pushing")
            return
        self._finished()
        self._done(report)

    def _sent(self, report: PushReport) -> str:
        done = report.created + report.updated + report.already + len(report.failed)
        return f"{done:,} of {self._work:,} changes ({report.summary()})"

    def show_progress(self, done: int, total: int | None) -> None:
        report = self._report
        if report is None or not self.running:
            super().show_progress(done, total)
            return
        # Other changes go on while one waits out a 429: the wait stays shown until its time is
        # up (the base clears it at the next progress), with the progress beside it.
        self.query_one(ProgressBar).update(total=total if total else None, progress=done)
        phase = f"Pushing: {done:,} of {total or 0:,} changes"
        if self._wait_until:
            self._phase = phase
            self._draw_wait()
        else:
            self.status(phase)
        if report.created or report.updated:
            self._changed = True

    def _done(self, report: PushReport) -> None:
        self._changed |= report.created + report.updated > 0
        text = f"Pushed: {report.summary()}."
        stale = [problem for problem in report.failed if problem.code == "stale"]
        if stale:
            one = len(stale) == 1
            text += (
                f" {len(stale):,} {'item' if one else 'items'} changed in PostHog after the plan: "
                f"left as {'it is' if one else 'they are'}; plan again to see the difference."
            )
        if report.stopped:
            text += f" Stopped: {report.stopped} {AGAIN}"
        elif report.unknown or report.not_run:
            text += f" {AGAIN}"
        trouble = bool(report.failed or report.unknown or report.stopped or report.not_run)
        self.status(text, error=trouble)
        problems: list[LineProblem] = sorted(
            [*report.failed, *report.unknown, *report.refused, *report.notes],
            key=lambda problem: problem.line,
        )
        self._show_problems(problems)
