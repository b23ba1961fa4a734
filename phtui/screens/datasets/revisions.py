"""Pick the revision of a dataset to look at: "Latest", one of the newest revisions, or a number.

Revisions are immutable snapshots (every item change makes one), numbered 1, 2, 3... The list
shows the newest page of them (PostHog's list is newest first) and loads older pages on demand;
any revision can also be typed by number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from phtui.api.models import DatasetRevision
from phtui.core.dates import format_datetime
from phtui.core.paging import parse_number
from phtui.core.text import clip
from phtui.screens.base import PhModal, task
from phtui.screens.dialogs import DIALOG_CSS
from phtui.widgets.fields import SafeInput

REVISIONS_PAGE = 100  # PostHog's largest page of revisions
LATEST = "latest"
MORE = "more"


@dataclass(frozen=True)
class RevisionChoice:
    """The revision picked: a number, or None for "Latest"."""

    revision: int | None


class RevisionPickerScreen(PhModal[RevisionChoice | None]):
    """`push_screen(RevisionPickerScreen(dataset_id, latest=57, viewing=None), callback)`."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="RevisionPickerScreen")
        + """
    RevisionPickerScreen > Vertical { width: 72; }
    RevisionPickerScreen OptionList { height: auto; max-height: 40vh; }
    RevisionPickerScreen .dialog-error { margin-bottom: 1; }
    RevisionPickerScreen .dialog-hint { color: $text-muted; height: auto; }
    """
    )

    # A modal hides the app's vim keys (app.vim_*): the list has its own.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="revision_picker.cancel"),
        Binding("j", "move('cursor_down')", "Down", id="revision_picker.down", show=False),
        Binding("k", "move('cursor_up')", "Up", id="revision_picker.up", show=False),
        Binding("g", "move('first')", "First", id="revision_picker.first", show=False),
        Binding("G", "move('last')", "Last", id="revision_picker.last", show=False),
    ]

    def __init__(
        self, dataset_id: str, *, latest: int | None, viewing: int | None, initial: str = ""
    ) -> None:
        super().__init__()
        self._dataset_id = dataset_id
        self._latest = latest
        self._viewing = viewing
        self._initial = initial  # a number typed ahead, behind the key that opened this
        self._next_offset: int | None = 0

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Show the dataset at a revision", classes="dialog-title")
            yield Static(
                "Past revisions are read-only. Type a number, or pick one below.",
                classes="dialog-hint",
            )
            yield SafeInput(
                self._initial,
                placeholder="revision number, then Enter",
                id="revision-number",
                select_on_focus=False,
            )
            yield Static("", classes="dialog-error", id="revision-error", markup=False)
            latest = f"Latest (revision {self._latest:,})" if self._latest else "Latest"
            yield OptionList(Option(Text(latest), id=LATEST), id="revision-list")

    @property
    def options(self) -> OptionList:
        return self.query_one("#revision-list", OptionList)

    def on_mount(self) -> None:
        number = self.query_one("#revision-number", SafeInput)
        self.set_focus(number if self._initial else self.options)
        number.cursor_position = len(self._initial)
        self.options.highlighted = 0
        if self._latest:
            self._load_more()

    @task(group="revisions")
    async def _load_more(self) -> None:
        offset = self._next_offset
        if offset is None:
            return
        page = await self.client.list_dataset_revisions(
            self._dataset_id, limit=REVISIONS_PAGE, offset=offset
        )
        options = self.options
        if MORE in self._option_ids():
            options.remove_option(MORE)
        options.add_options([self._option(revision) for revision in page.results])
        state = page.state
        self._next_offset = state.next_offset if state.has_next else None
        if self._next_offset is not None:
            options.add_option(Option(Text("Older revisions…", style="italic"), id=MORE))
        if self._viewing is not None and f"r{self._viewing}" in self._option_ids():
            options.highlighted = options.get_option_index(f"r{self._viewing}")

    def _option_ids(self) -> set[str]:
        options = self.options
        return {
            option.id
            for option in (options.get_option_at_index(i) for i in range(options.option_count))
            if option.id is not None
        }

    def _option(self, revision: DatasetRevision) -> Option:
        text = Text(f"Revision {revision.revision:,}", style="bold", no_wrap=True)
        text.overflow = "ellipsis"
        if revision.revision == self._latest:
            text.append(" (latest)")
        text.append(f" · {format_datetime(revision.created_at)}")
        if revision.created_by is not None:
            text.append(f" · {clip(revision.created_by.display_name, 24)}")
        return Option(text, id=f"r{revision.revision}")

    @on(OptionList.OptionSelected, "#revision-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id == MORE:
            self._load_more()
        elif option_id == LATEST:
            self.dismiss(RevisionChoice(None))
        elif option_id.startswith("r"):
            self.dismiss(RevisionChoice(int(option_id[1:])))

    @on(Input.Submitted, "#revision-number")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        error = self.query_one("#revision-error", Static)
        if not self._latest:
            error.update("This dataset has no revisions yet: it has no items.")
            return
        answer = parse_number(event.value, self._latest, noun="revision")
        if isinstance(answer, str):
            error.update(answer)
            return
        self.dismiss(RevisionChoice(None if answer == self._latest else answer))

    def on_key(self, event: events.Key) -> None:
        # A digit typed on the list starts a revision number.
        number = self.query_one("#revision-number", Input)
        character = event.character
        if self.options.has_focus and character and character.isascii() and character.isdigit():
            event.stop()
            event.prevent_default()
            self.set_focus(number)  # now: the digits behind this one are typed there too
            number.insert_text_at_cursor(character)
            return
        super().on_key(event)

    async def action_move(self, action: str) -> None:
        self.options.focus()
        await self.options.run_action(action)

    def action_cancel(self) -> None:
        self.dismiss(None)
