"""The three-way view: someone else saved while you were editing; settle it field by field.

For every field where your version and the server's differ it shows the value you started
from, the server's and yours side by side, and lets you keep yours (`m`) or take the
server's (`t`). Fields only one side changed start on that side's value; fields both changed
differently must be chosen. A field you did not change can only follow the server: choosing
"yours" there would revert someone else's work (`ThreeWay.choices` refuses it).

It answers a `ConflictAnswer`: "save" with the choices, or "keep" (escape: back to editing,
nothing sent, nothing typed lost). The editor sends only what `ThreeWay.resolve` plans. Used by
the item editor and the theme editor alike; values are drawn as JSON through `core.jsondoc`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from phtui.core.edit_session import Choice, FieldMerge, ThreeWay
from phtui.core.jsondoc import pretty
from phtui.core.text import visible
from phtui.screens.base import PhModal
from phtui.widgets.json_editor import JsonTextArea
from phtui.widgets.key_bar import KeyBar

__all__ = ["ConflictAnswer", "ThreeWayScreen", "value_text"]

# Three panes are highlighted at once when a field is shown: only up to this size each.
HIGHLIGHT_BYTES = 32_000
STATE_WORDS = {
    "conflict": "both changed",
    "mine": "you changed",
    "theirs": "server changed",
    "same": "both, the same",
    "unchanged": "unchanged",
}


@dataclass(frozen=True)
class ConflictAnswer:
    """ "save": resolve with `choices` and send what that plans; "keep": back to editing."""

    action: Literal["save", "keep"]
    choices: dict[str, Choice] = field(default_factory=dict)


def value_text(value: Any) -> str:
    """A value as the panes show it: pretty JSON (unsafe characters escaped by `pretty`)."""
    return pretty(value)


class ThreeWayScreen(PhModal[ConflictAnswer]):
    """Started-from / server's / yours for each differing field, with a choice per field."""

    DEFAULT_CSS = """
    ThreeWayScreen { align: center middle; }
    ThreeWayScreen > Vertical {
        width: 100%; height: 100%; border: thick $warning; background: $surface;
    }
    ThreeWayScreen #conflict-title { height: auto; max-height: 3; padding: 0 1; }
    ThreeWayScreen #conflict-fields { height: auto; max-height: 6; border: none; }
    ThreeWayScreen #conflict-field { height: 1; padding: 0 1; background: $boost; }
    ThreeWayScreen #conflict-sides { height: 1fr; }
    ThreeWayScreen #conflict-sides > Vertical { width: 1fr; }
    ThreeWayScreen .conflict-side-label { height: 1; padding: 0 1; background: $panel; }
    ThreeWayScreen .conflict-side-label.-chosen { background: $success-muted; text-style: bold; }
    ThreeWayScreen #conflict-sides TextArea { height: 1fr; border: none; padding: 0; }
    ThreeWayScreen #conflict-status { height: 1; padding: 0 1; color: $text-muted; }
    ThreeWayScreen #conflict-status.-error { color: $error; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "choose('mine')", "Keep yours", id="conflict.mine"),
        Binding("t", "choose('theirs')", "Take server's", id="conflict.theirs"),
        Binding("ctrl+s", "save", "Save merged", id="conflict.save"),
        Binding("escape", "keep", "Keep editing", id="conflict.keep"),
        Binding("M", "all('mine')", "All yours", id="conflict.all_mine"),
        Binding("T", "all('theirs')", "All server's", id="conflict.all_theirs"),
    ]

    def __init__(
        self,
        merge: ThreeWay,
        *,
        title: str,
        labels: Mapping[str, str] | None = None,
        base_label: str = "You started from",
        theirs_label: str = "Server's now",
        mine_label: str = "Yours",
    ) -> None:
        super().__init__()
        self.merge = merge
        self._title = title
        self._labels = dict(labels or {})
        self._side_labels = (base_label, theirs_label, mine_label)
        self.fields: list[FieldMerge] = merge.differing
        self.choices: dict[str, Choice] = {}
        for item in self.fields:
            default = item.default_choice()
            if default is not None:
                self.choices[item.name] = default
        self._current = 0

    # ---------------------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(visible(self._title), id="conflict-title", markup=False)
            yield OptionList(*self._options(), id="conflict-fields")
            yield Static("", id="conflict-field", markup=False)
            with Horizontal(id="conflict-sides"):
                for side, label in zip(("base", "theirs", "mine"), self._side_labels, strict=True):
                    with Vertical():
                        yield Static(
                            label, id=f"label-{side}", classes="conflict-side-label", markup=False
                        )
                        yield JsonTextArea(
                            "", read_only=True, soft_wrap=True, id=f"conflict-{side}"
                        )
            yield Static("", id="conflict-status", markup=False)
            yield KeyBar()

    def on_mount(self) -> None:
        options = self.query_one("#conflict-fields", OptionList)
        options.highlighted = 0
        options.focus()
        self._show_field(0)
        self._update_status()

    def label(self, name: str) -> str:
        return self._labels.get(name, name)

    def _options(self) -> list[Option]:
        return [self._option(item) for item in self.fields]

    def _option(self, item: FieldMerge) -> Option:
        choice = self.choices.get(item.name)
        if choice is None:
            chosen: tuple[str, str] = ("choose: m yours, t server's", "bold $warning")
        else:
            chosen = ("→ yours" if choice == "mine" else "→ server's", "")
        prompt = Content.assemble(
            ("⚠ " if item.state == "conflict" else "  ", "bold $warning"),
            f"{self.label(item.name):<18} ",
            (f"{STATE_WORDS[item.state]:<16} ", "dim"),
            chosen,
        )
        return Option(prompt, id=item.name)

    # ----------------------------------------------------------------------------- state

    @property
    def unresolved(self) -> list[str]:
        return [item.name for item in self.fields if item.name not in self.choices]

    def _show_field(self, index: int) -> None:
        if not self.fields:
            return
        self._current = index
        item = self.fields[index]
        for side, value in (("base", item.base), ("theirs", item.theirs), ("mine", item.mine)):
            area = self.query_one(f"#conflict-{side}", JsonTextArea)
            text = value_text(value)
            small = len(text) <= HIGHLIGHT_BYTES
            area.language = "json" if small else None
            area.soft_wrap = small
            area.load_text(text)
        if item.state in ("theirs", "unchanged"):
            hint = "you did not change it: the server's value is kept"
        else:
            hint = "m keeps yours, t takes the server's"
        self.query_one("#conflict-field", Static).update(
            f"{self.label(item.name)}: {STATE_WORDS[item.state]} · {hint}"
        )
        self._mark_chosen(item)

    def _mark_chosen(self, item: FieldMerge) -> None:
        choice = self.choices.get(item.name)
        self.query_one("#label-theirs").set_class(choice == "theirs", "-chosen")
        self.query_one("#label-mine").set_class(choice == "mine", "-chosen")

    def _update_status(self, message: str | None = None, *, error: bool = False) -> None:
        status = self.query_one("#conflict-status", Static)
        if message is None:
            left = self.unresolved
            if left:
                names = ", ".join(self.label(name) for name in left)
                message = f"Choose yours or the server's for: {names}."
            else:
                message = "Ready: ctrl+s saves the merged version (only fields you changed)."
        status.update(message)
        status.set_class(error, "-error")

    @on(OptionList.OptionHighlighted, "#conflict-fields")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_field(event.option_index)

    # --------------------------------------------------------------------------- actions

    def _set(self, item: FieldMerge, choice: Choice) -> bool:
        if choice == "mine" and item.state in ("theirs", "unchanged"):
            return False
        self.choices[item.name] = choice
        index = self.fields.index(item)
        options = self.query_one("#conflict-fields", OptionList)
        options.replace_option_prompt_at_index(index, self._option(item).prompt)
        return True

    @property
    def current(self) -> int:
        """The highlighted field, read from the list itself: keys in a burst ("down m") act
        on the row the cursor is on, not the one the last highlight message named."""
        highlighted = self.query_one("#conflict-fields", OptionList).highlighted
        return highlighted if highlighted is not None else 0

    def action_choose(self, choice: Choice) -> None:
        if not self.fields:
            return
        if self.current != self._current:
            self._show_field(self.current)
        item = self.fields[self._current]
        if not self._set(item, choice):
            self._update_status(
                f"You did not change {self.label(item.name)}: it keeps the server's value "
                "(choosing yours would undo someone else's change).",
                error=True,
            )
            return
        self._mark_chosen(item)
        self._update_status()

    def action_all(self, choice: Choice) -> None:
        for item in self.fields:
            self._set(item, choice)
        self._show_field(self._current)
        self.dismiss(ConflictAnswer("save", dict(self.choices)))

    def action_save(self) -> None:
        if self.unresolved:
            names = ", ".join(self.label(name) for name in self.unresolved)
            self._update_status(f"Choose yours (m) or the server's (t) for: {names}.", error=True)
            return
        self.dismiss(ConflictAnswer("save", dict(self.choices)))

    def action_keep(self) -> None:
        self.dismiss(ConflictAnswer("keep"))
