"""`?` / F1: the keys that work on the current screen, as remapped by the config's keymap."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from phtui.screens.base import PhModal


@dataclass(frozen=True)
class KeyRow:
    keys: str  # e.g. "? / f1"
    description: str
    binding_id: str  # the id to remap in the config's [keymap], or "" when it has none
    enabled: bool


def effective_keys(screen: Screen[Any]) -> list[KeyRow]:
    """The bindings active on `screen`, grouped by action: the screen's own first, then the
    app's, then the focused widget's (cursor movement and the like)."""
    app = screen.app
    grouped: dict[tuple[str, str], list[str]] = {}
    details: dict[tuple[str, str], tuple[str, bool, int]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or binding.system:
            continue
        group = (binding.action, binding.description)
        display = app.get_key_display(binding)
        keys = grouped.setdefault(group, [])
        if display not in keys:
            keys.append(display)
        rank = 0 if active.node is screen else 1 if active.node is app else 2
        details[group] = (binding.id or "", active.enabled, rank)
    rows = [
        (details[group][2], KeyRow(" / ".join(keys), group[1], *details[group][:2]))
        for group, keys in grouped.items()
    ]
    # Within each group, bindings with a keymap id (phtui's own) before Textual's generic ones.
    rows.sort(key=lambda ranked: (ranked[0], not ranked[1].binding_id))
    return [row for _rank, row in rows]


class HelpScreen(PhModal[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    HelpScreen .help-title { text-style: bold; padding: 1 0; }
    HelpScreen DataTable { height: auto; }
    HelpScreen .help-hint { color: $text-muted; padding: 1 0 0 0; }
    """

    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close", id="help.close")]

    def __init__(self, title: str, rows: list[KeyRow]) -> None:
        super().__init__()
        self._title = title
        self._rows = rows

    @classmethod
    def for_screen(cls, screen: Screen[Any]) -> HelpScreen:
        title = screen.title or type(screen).__name__.removesuffix("Screen") or "phtui"
        return cls(f"Keys: {title}", effective_keys(screen))

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, classes="help-title", markup=False)
            table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True)
            table.add_columns("Key", "Action", "Keymap id")
            for row in self._rows:
                style = "" if row.enabled else "dim"
                table.add_row(
                    Text(row.keys, style=f"bold {style}".strip()),
                    Text(row.description, style=style),
                    Text(row.binding_id, style="dim"),
                )
            yield table
            yield Static(
                'Remap any key in the config file: [keymap] "themes.new" = "ctrl+n"',
                classes="help-hint",
                markup=False,
            )

    def on_resize(self, event: events.Resize) -> None:
        # The table scrolls; the title and the hint stay visible (8 rows: borders, title, hint).
        self.query_one(DataTable).styles.max_height = max(event.size.height - 8, 3)

    def action_close(self) -> None:
        self.dismiss(None)
