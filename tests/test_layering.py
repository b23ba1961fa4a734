"""Architecture boundaries, as import-linter contracts over whole packages (pyproject.toml).

The contracts: the UI's layers import only downwards (cli > app > screens > widgets > shell >
core > api), the client and the core import no Textual, and the local server shares no code with
the app. A second check imports the client in a fresh interpreter and inspects `sys.modules`,
so a dependency pulled in at run time (not only a literal import line) is caught too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _modules_after_import(module: str) -> set[str]:
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return set(json.loads(out))


def test_import_contracts_hold() -> None:
    # In a child: import-linter configures logging with `disable_existing_loggers`, which would
    # silence the `phtui.*` loggers of every test after this one in the same process.
    code = (
        "from importlinter.cli import lint_imports; "
        f"raise SystemExit(lint_imports(config_filename={str(ROOT / 'pyproject.toml')!r}, "
        "no_cache=True))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, f"an import contract is broken:\n{run.stdout[-3000:]}"


def test_importing_the_client_loads_no_textual_and_no_server() -> None:
    loaded = _modules_after_import("phtui.api")
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}
    assert not {m for m in loaded if m.startswith("phtui.server")}


def test_starting_the_server_loads_nothing_of_the_app() -> None:
    loaded = _modules_after_import("phtui.server.runner")
    app_parts = ("phtui.api", "phtui.core", "phtui.app", "phtui.screens", "phtui.widgets")
    assert not {m for m in loaded if m.startswith(app_parts)}
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}
