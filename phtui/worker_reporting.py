"""Route every failed worker to the app's single error handler, whichever widget ran it.

Textual posts `Worker.StateChanged` only to the node that started the worker and does not bubble
it, so without this an error in a screen's worker would vanish silently. The app installs this
manager so `PhTuiApp.on_worker_state_changed` sees each uncaught worker failure exactly once.
"""

from __future__ import annotations

from typing import Any

from textual.worker import Worker, WorkerState
from textual.worker_manager import WorkerManager


class ReportingWorkerManager(WorkerManager):
    """A `WorkerManager` that forwards failures of non-app workers to the app.

    `_remove_worker` is Textual's done-callback for every worker (stable across Textual 8,
    which pyproject pins); the app's own workers already message the app directly.
    """

    def _remove_worker(self, worker: Worker[Any]) -> None:
        super()._remove_worker(worker)
        failed = worker.state is WorkerState.ERROR and not worker.exit_on_error
        if failed and worker.node is not self._app:
            self._app.post_message(Worker.StateChanged(worker, WorkerState.ERROR))
