"""The item changed on the server while it was being edited: show both versions, let the user pick.

Answers: "overwrite" (send my version), "reload" (take the server's, drop mine) or "keep"
(back to editing, nothing sent).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static, TextArea

from phtui.api.models import DatasetItem
from phtui.core.jsondoc import canonical, pretty
from phtui.screens.base import PhModal
from phtui.screens.datasets.field_names import screen_values
from phtui.widgets.datasets.items_table import format_time
from phtui.widgets.json_editor import LARGE_VALUE_BYTES

EDITABLE = ("input", "output", "metadata", "ref_trace_id", "ref_timestamp", "ref_source_id")


def differing_fields(server: dict[str, Any], mine: dict[str, Any]) -> list[str]:
    return [name for name in EDITABLE if canonical(server.get(name)) != canonical(mine.get(name))]


def side_text(values: dict[str, Any], names: list[str]) -> str:
    """The fields that differ, as one JSON object (readable side by side)."""
    return pretty({name: values.get(name) for name in names})


class ConflictScreen(PhModal[str]):
    """Server version on the left, the user's on the right, only the fields that differ."""

    DEFAULT_CSS = """
    ConflictScreen { align: center middle; }
    ConflictScreen > Vertical {
        width: 100%; height: 100%; border: thick $warning; background: $surface; padding: 0 1;
    }
    ConflictScreen .conflict-title { text-style: bold; }
    ConflictScreen #conflict-sides { height: 1fr; }
    ConflictScreen #conflict-sides > Vertical { width: 1fr; }
    ConflictScreen TextArea { height: 1fr; }
    ConflictScreen #conflict-buttons { height: auto; align-horizontal: right; }
    ConflictScreen Button { margin-left: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "answer('keep')", "Keep editing", id="item_conflict.keep"),
        Binding("o", "answer('overwrite')", "Overwrite", id="item_conflict.overwrite"),
        Binding("r", "answer('reload')", "Reload", id="item_conflict.reload"),
    ]

    def __init__(self, server: DatasetItem, mine: dict[str, Any]) -> None:
        super().__init__()
        self.server = server
        theirs = screen_values(server, EDITABLE)
        self._names = differing_fields(theirs, mine) or list(EDITABLE)
        self._theirs = side_text(theirs, self._names)
        self._mine = side_text(mine, self._names)

    def compose(self) -> ComposeResult:
        updated = format_time(self.server.updated_at, wide=True)
        with Vertical():
            yield Static(
                f"Someone saved this item at {updated} UTC while you were editing it. "
                f"Differing: {', '.join(self._names)}.",
                classes="conflict-title",
                markup=False,
            )
            with Horizontal(id="conflict-sides"):
                with Vertical():
                    yield Static("On the server now", markup=False)
                    yield self._side(self._theirs, "conflict-server")
                with Vertical():
                    yield Static("Yours", markup=False)
                    yield self._side(self._mine, "conflict-mine")
            with Horizontal(id="conflict-buttons"):
                yield Button("Keep editing (esc)", id="keep")
                yield Button("Reload theirs (r)", id="reload", variant="warning")
                yield Button("Overwrite with mine (o)", id="overwrite", variant="error")

    @staticmethod
    def _side(text: str, id: str) -> TextArea:
        small = len(text) <= LARGE_VALUE_BYTES
        return TextArea(
            text, language="json" if small else None, read_only=True, soft_wrap=small, id=id
        )

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id or "keep")

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)
