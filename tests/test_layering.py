"""Architecture boundaries: the API and core layers know nothing of the UI; the server is separate.

Each check imports the package in a fresh interpreter and inspects `sys.modules`, so a transitive
import through a third module is caught too, not only a literal `import textual` line.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

API_AND_CORE = [
    "phtui.api",
    "phtui.api.client",
    "phtui.api.models",
    "phtui.api.errors",
    "phtui.core.palette",
    "phtui.core.jsondoc",
    "phtui.core.drafts",
    "phtui.core.paging",
    "phtui.core.transfer",
]

UI_AND_CLIENT = ("phtui.api", "phtui.core", "phtui.app", "phtui.screens", "phtui.widgets")


def _modules_after_import(module: str) -> set[str]:
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return set(json.loads(out))


@pytest.mark.parametrize("module", API_AND_CORE)
def test_api_and_core_import_no_textual(module: str) -> None:
    loaded = _modules_after_import(module)
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}


def test_server_imports_nothing_of_client_core_or_ui() -> None:
    loaded = _modules_after_import("phtui.server.runner")
    offenders = {m for m in loaded if m.startswith(UI_AND_CLIENT)}
    assert not offenders
    assert not {m for m in loaded if m.startswith("textual")}


def test_client_never_imports_the_server() -> None:
    loaded = _modules_after_import("phtui.api")
    assert not {m for m in loaded if m.startswith("phtui.server")}
