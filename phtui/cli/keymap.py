"""The binding ids the config's `[keymap]` can remap, to catch typos in `phtui config show`.

The app applies the keymap with `App.set_keymap`, which silently ignores an id that matches no
binding; listing the ids needs every screen imported, so this runs only from the command line.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping

from textual.binding import Binding
from textual.dom import DOMNode

from phtui.shell.binding_ids import RENAMED

UI_PACKAGES = ("phtui.screens", "phtui.widgets")


def binding_ids(classes: Iterable[type[DOMNode]]) -> set[str]:
    """Every `Binding.id` declared by `classes` (and inherited from their bases)."""
    ids: set[str] = set()
    for cls in classes:
        for base in cls.__mro__:
            for binding in vars(base).get("BINDINGS", []):
                if isinstance(binding, Binding) and binding.id:
                    ids.add(binding.id)
    return ids


def phtui_node_classes() -> list[type[DOMNode]]:
    """The app and every widget or screen class defined in phtui's UI packages."""
    from phtui.app import PhTuiApp

    classes: list[type[DOMNode]] = [PhTuiApp]
    for package_name in UI_PACKAGES:
        package = importlib.import_module(package_name)
        for module_info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            module = importlib.import_module(module_info.name)
            classes.extend(
                value
                for value in vars(module).values()
                if isinstance(value, type)
                and issubclass(value, DOMNode)
                and value.__module__ == module.__name__
            )
    return classes


def unknown_ids(keymap: Mapping[str, str]) -> list[str]:
    """The keymap's ids that no binding of phtui declares (nor did: renamed ids are known), in
    the file's order."""
    known = binding_ids(phtui_node_classes()) | set(RENAMED)
    return [binding_id for binding_id in keymap if binding_id not in known]
