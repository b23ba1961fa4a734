"""The one base of phtui's screens: the app's services, read-only mode and worker failures.

Every screen (full or modal) gets, from `ServicesMixin`:

- `services`: the app as a `Services` protocol (no screen imports `phtui.app`), and `client`, the
  connected client or `NotConnectedError`, which the app reports as "not connected";
- one declaration of the actions that change data, `MUTATING_ACTIONS`, checked in `check_action`:
  in read-only mode they stay in the key bar, disabled, and pressing one says why in one line.
  Screens put their own conditions in `can_run`, and name a reason for a disabled action in
  `blocked_reason` ("Official theme: press d to duplicate it");
- one path from a failed worker to the app's error reporting: start workers with `task(...)`
  (Textual's `work` with `exit_on_error=False`); an uncaught failure reaches `report`, and the
  worker's name becomes the action in the message (`load_themes` -> "Load themes failed").
  A screen that must keep user edits catches the error itself and calls `report`;
- typed hooks the app calls instead of probing names: `reload()` after a reconnect, and
  `unsaved_edits()` before quitting.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, ClassVar, ParamSpec, TypeVar, cast

from textual import events, work
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from phtui.compat import run_key_binding
from phtui.shell.services import NotConnectedError, Services, humanise

if TYPE_CHECKING:
    from phtui.api import PostHogClient

__all__ = ["PhModal", "PhScreen", "ServicesMixin", "task"]

P = ParamSpec("P")
R = TypeVar("R")
ResultT = TypeVar("ResultT")

READ_ONLY_REASON = "Read-only mode: turn it off in the command palette (ctrl+p) to change data."


def task(
    *, group: str, exclusive: bool = True
) -> Callable[[Callable[P, Coroutine[Any, Any, R]]], Callable[P, Worker[R]]]:
    """`@task(group=...)`: an async worker whose failure is reported, never fatal."""
    return work(group=group, exclusive=exclusive, exit_on_error=False)


class ServicesMixin:
    """What every phtui screen shares (see the module docstring). Mixed into Screen classes."""

    # Actions that change data: disabled (shown dimmed) in read-only mode.
    MUTATING_ACTIONS: ClassVar[frozenset[str]] = frozenset()

    if TYPE_CHECKING:
        app: Any

        def notify(self, message: str, **kwargs: Any) -> None: ...

        @property
        def active_bindings(self) -> dict[str, Any]: ...

    @property
    def services(self) -> Services:
        return cast(Services, self.app)

    @property
    def client(self) -> PostHogClient:
        client = self.services.client
        if client is None:
            raise NotConnectedError()
        return client

    @property
    def read_only(self) -> bool:
        return bool(getattr(self.app, "read_only", False))

    def report(self, error: BaseException, *, action: str) -> None:
        """Hand an error to the app's one handler."""
        self.services.show_error(error, action=action)

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.blocked_reason(action) is not None:
            return None  # shown in the key bar, disabled
        return self.can_run(action, parameters)

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The screen's own conditions: True to run, None to show disabled, False to hide."""
        return True

    def blocked_reason(self, action: str) -> str | None:
        """Why `action` is disabled, in one line, or None when it is not. Screens extend this."""
        if action in self.MUTATING_ACTIONS and self.read_only:
            return READ_ONLY_REASON
        return None

    def on_key(self, event: events.Key) -> None:
        # The screen's own keys run in the App's queue, where Textual would run them once the
        # key had bubbled up, but through here: a disabled one, which would do nothing at all,
        # says why in one line. Deciding here, now, would be too early: the keys before this
        # one in a burst may not have run yet (`j e` would judge `e` on the row `j` left).
        # Textual calls every class's `on_key`: a subclass's handler that takes a key itself
        # must `prevent_default()`, or the key runs here as a binding too.
        active = self.active_bindings.get(event.key)
        if active is None or active.node is not self or active.binding.priority:
            return
        event.stop()
        event.prevent_default()
        self.app.call_later(self._run_key, event.key)

    async def _run_key(self, key: str) -> None:
        if await run_key_binding(self.app, key):
            return
        active = self.active_bindings.get(key)
        if active is None or active.enabled or active.node is not self:
            return
        reason = self.blocked_reason(active.binding.action.partition("(")[0])
        if reason is not None:
            self.notify(reason, title="Not available", severity="warning", markup=False)

    # -- workers -------------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state is WorkerState.ERROR and not worker.exit_on_error and worker.error:
            self.report(worker.error, action=humanise(worker.name))

    # -- hooks the app calls ---------------------------------------------------------------------

    def reload(self) -> None:
        """Load the screen's data again (after a reconnect or when PostHog answers again)."""

    def unsaved_edits(self) -> str | None:
        """What quitting now would lose, e.g. "the theme “Ocean”", or None when nothing."""
        return None


class PhScreen(ServicesMixin, Screen[ResultT]):
    """A full screen of phtui."""


class PhModal(ServicesMixin, ModalScreen[ResultT]):
    """A modal screen of phtui."""

    # A modal hides the app's bindings, so `q` (back: what escape does here) is repeated. The
    # same id as the app's, so one keymap entry remaps both.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.back", "Back", id="app.back", show=False)
    ]
