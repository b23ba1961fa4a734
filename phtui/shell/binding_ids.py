"""Binding ids, the names the config's `[keymap]` remaps keys by, and the ids they replaced.

One scheme: `<screen>.<action>`, where `<screen>` names the screen the key works on (the app's
global keys use `app`): `themes.new`, `theme_editor.save`, `datasets.search` (the dataset list),
`items.next_page`, `item_editor.save`, `help.close`. A widget's keys use its screen's name.

An id, once released, keeps working: `RENAMED` maps each retired id to the id(s) that took its
place, and `upgrade_keymap` applies a user's old entry to them (and says so, once, in a notice
and in `phtui config show`). A retired id is never given to another binding. An old id that
one binding used on two screens maps to both new ids (the paging keys the dataset list and the
items table shared).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["RENAMED", "Renamed", "upgrade_keymap"]

_PAGING = ("next_page", "previous_page", "first_page", "last_page", "goto_page")

RENAMED: Mapping[str, tuple[str, ...]] = {
    # The theme editor (and its colour list) was "editor".
    **{
        f"editor.{action}": (f"theme_editor.{action}",)
        for action in (
            "save",
            "close",
            "undo",
            "redo",
            "previous",
            "next",
            "chart_kind",
            "background",
            "add_color",
            "duplicate_color",
            "remove_color",
            "move_up",
            "move_down",
            "import",
            "more_series",
            "fewer_series",
        )
    },
    # The palette import dialog was "import".
    "import.apply": ("palette_import.apply",),
    "import.cancel": ("palette_import.cancel",),
    # The prompt and choice dialogs shared "dialog".
    "dialog.cancel": ("prompt.cancel", "choice.cancel"),
    # The items table used "datasets", the dataset list's name; the paging keys were shared.
    **{f"datasets.{action}": (f"datasets.{action}", f"items.{action}") for action in _PAGING},
    "datasets.back": ("items.back",),
    "datasets.page_size": ("items.page_size",),
    "datasets.find": ("items.find",),
    "datasets.goto_item": ("items.goto_item",),
    "datasets.new_item": ("items.new",),
    "datasets.open_item": ("items.open",),
    "datasets.delete_item": ("items.archive",),
    "datasets.undo_item": ("items.undo",),
    "datasets.refresh_items": ("items.refresh",),
    "datasets.export": ("items.export",),
    "datasets.import": ("items.import",),
    # The export and import dialogs shared "transfer".
    "transfer.cancel": ("export.close", "import.close"),
}


@dataclass(frozen=True)
class Renamed:
    """A keymap entry written with a retired id."""

    old: str
    new: tuple[str, ...]

    def describe(self) -> str:
        """E.g. `"editor.save" is now "theme_editor.save"`."""
        added = [new for new in self.new if new != self.old]
        names = " and ".join(f'"{new}"' for new in added)
        if len(added) < len(self.new):
            return f'"{self.old}" now also covers {names}'
        return f'"{self.old}" is now {names}'


def upgrade_keymap(keymap: Mapping[str, str]) -> tuple[dict[str, str], list[Renamed]]:
    """The keymap to apply, with each retired id's keys given to its new ids, and the renames.

    An entry for a new id that the user wrote explicitly wins over one from an old id. The
    old id stays in the result too: it is harmless once nothing declares it, and it keeps a
    binding that still uses it remapped.
    """
    upgraded = dict(keymap)
    renamed: list[Renamed] = []
    for old, keys in keymap.items():
        new_ids = RENAMED.get(old)
        if new_ids is None:
            continue
        missing = [new for new in new_ids if new not in keymap]
        for new in missing:
            upgraded[new] = keys
        if any(new != old for new in missing):  # silenced once every new id is written out
            renamed.append(Renamed(old, new_ids))
    return upgraded, renamed
