"""Binding ids: one `<screen>.<action>` scheme, and retired ids that keep working."""

from __future__ import annotations

import re

from textual.binding import Binding

from phtui.cli.keymap import binding_ids, phtui_node_classes
from phtui.shell.binding_ids import RENAMED, upgrade_keymap

SCHEME = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z0-9_]*$")
# Screens whose owners rename their ids in their own change; until it lands they still declare
# the retired ids, which keep working through `upgrade_keymap` (it keeps the old id too).
PENDING: set[str] = set()


def declared() -> list[tuple[str, str]]:
    """(class name, binding id) of every binding phtui declares."""
    found = []
    for cls in phtui_node_classes():
        for binding in vars(cls).get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                found.append((cls.__name__, binding.id))
    return found


def test_every_binding_id_is_screen_dot_action() -> None:
    wrong = [
        (owner, binding_id) for owner, binding_id in declared() if not SCHEME.match(binding_id)
    ]
    assert not wrong


def test_retired_ids_are_not_given_to_other_bindings() -> None:
    reused = [
        (owner, binding_id)
        for owner, binding_id in declared()
        if binding_id in RENAMED and binding_id not in RENAMED[binding_id] and owner not in PENDING
    ]
    assert not reused


def test_new_ids_exist_and_are_not_retired_themselves() -> None:
    known = binding_ids(phtui_node_classes())
    for old, new_ids in RENAMED.items():
        assert SCHEME.match(old)
        for new in new_ids:
            assert SCHEME.match(new)
            assert new == old or new not in RENAMED, f"{old} -> {new} -> {RENAMED.get(new)}"
            pending = False
            assert pending or new in known, new


def test_theme_editor_ids_were_renamed() -> None:
    ids = binding_ids(phtui_node_classes())
    assert {"theme_editor.save", "theme_editor.add_color", "prompt.cancel", "choice.cancel"} <= ids
    assert not {binding_id for binding_id in ids if binding_id.startswith("editor.")}


def test_an_old_id_remaps_its_new_ids_and_is_reported() -> None:
    keymap, renamed = upgrade_keymap({"editor.save": "ctrl+w", "themes.new": "ctrl+n"})
    assert keymap == {
        "editor.save": "ctrl+w",
        "theme_editor.save": "ctrl+w",
        "themes.new": "ctrl+n",
    }
    assert [entry.describe() for entry in renamed] == ['"editor.save" is now "theme_editor.save"']


def test_an_explicit_new_id_wins_and_silences_the_notice() -> None:
    keymap, renamed = upgrade_keymap({"editor.save": "ctrl+w", "theme_editor.save": "f2"})
    assert keymap["theme_editor.save"] == "f2"
    assert renamed == []


def test_a_shared_old_id_covers_both_screens() -> None:
    keymap, renamed = upgrade_keymap({"datasets.next_page": "n"})
    assert keymap == {"datasets.next_page": "n", "items.next_page": "n"}
    assert renamed[0].describe() == '"datasets.next_page" now also covers "items.next_page"'
    assert upgrade_keymap({"datasets.next_page": "n", "items.next_page": "m"})[1] == []
