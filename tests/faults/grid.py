"""The fault matrix: which faults meet which operations, on which datasets API.

Every cell is one test (`tests/faults/test_*.py`), named `OPERATION-FAULT-GENERATION`
(`themes` for the theme cells, which have no datasets API). A cell where the fault cannot happen
to the operation is "n/a" with the reason (a skipped test whose reason starts with "n/a:"), never
a pass; a cell the app fails today and that needs a large fix is `xfail(strict=True)` with the
reason. `benchmarks/fault_matrix.py` prints the grid's totals from a run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest

GENERATIONS = ("revisioned", "classic")
THEMES = "themes"  # the "generation" of the theme cells: themes are the same on both APIs

FAULTS = (
    "timeout_before_commit",  # the request is never handled: the client gives up first
    "timeout_after_commit",  # handled (committed), the answer comes after the client gave up
    "reset_before",  # the connection is closed before anything is handled
    "reset_after_commit",  # handled (committed), then the connection is closed unanswered
    "http_500",
    "http_429",
    "http_401",  # the key is revoked while the app runs
    "gone",  # the object was deleted or archived elsewhere first
    "conflict",  # another writer changed the object between load and save
)

OPERATIONS = (
    "list_page",  # the items list: load a dataset / a server page (r)
    "save_item",  # item editor: edit an item, ctrl+s
    "create_item",  # items list: n, type, ctrl+s
    "archive_item",  # items list: d
    "save_theme",  # themes: e, rename, ctrl+s
    "create_theme",  # themes: n, name, ctrl+s
    "import_push",  # phtui datasets push DATASET FILE
    "export_pull",  # phtui datasets pull DATASET -o FILE
)
THEME_OPERATIONS = frozenset({"save_theme", "create_theme"})
# Operations whose every request is a read, per generation: faults around a write's commit
# cannot meet them.
READ_ONLY = {
    ("list_page", "revisioned"),
    ("list_page", "classic"),
    ("export_pull", "classic"),
}
WRITE_ONLY_FAULTS = ("timeout_after_commit", "reset_after_commit")

NA_READ = (
    "a read commits nothing: a fault after the commit needs a write (this operation only reads "
    "on this API; timeouts and resets before an answer are the other cells)"
)

# (operation, fault, generation or None for every generation) -> why the cell cannot happen.
NOT_APPLICABLE: Mapping[tuple[str, str, str | None], str] = {
    **{(op, fault, gen): NA_READ for op, gen in READ_ONLY for fault in WRITE_ONLY_FAULTS},
    ("list_page", "conflict", None): (
        "a read holds no edit to conflict with; a list that moved under the pager is the "
        "`gone` cell (the dataset archived / deleted elsewhere)"
    ),
    ("create_item", "gone", "classic"): (
        "the classic API creates items in a soft-deleted dataset (PostHog's classic view "
        "checks only that the dataset row exists): nothing fails"
    ),
    ("create_item", "conflict", "classic"): (
        "the classic API has no client item id: nothing identifies a new item before it "
        "exists, so no other writer can conflict with it"
    ),
    ("archive_item", "gone", "classic"): (
        "the classic API soft-deletes with PATCH deleted=true, which succeeds again on an item "
        "deleted elsewhere (the same end state): nothing fails"
    ),
    ("archive_item", "conflict", "classic"): (
        "the classic API sends no version with the delete, and a soft delete keeps the other "
        "writer's content: there is nothing to conflict with"
    ),
    ("create_theme", "gone", THEMES): "a new theme has nothing on the server to be deleted",
    ("create_theme", "conflict", THEMES): (
        "themes have no unique key (PostHog allows two themes of one name): a new theme "
        "cannot conflict with another writer"
    ),
    ("import_push", "conflict", "classic"): (
        "classic items have no version: push sends only the fields the file changes (another "
        "writer's other fields stay) and the file wins where both changed a field, by design"
    ),
}

# (operation, fault, generation or None) -> why the app fails this cell today (strict xfail).
XFAIL: Mapping[tuple[str, str, str | None], str] = {}


@dataclass(frozen=True)
class Cell:
    operation: str
    fault: str
    generation: str  # "revisioned", "classic" or THEMES

    @property
    def id(self) -> str:
        return f"{self.operation}-{self.fault}-{self.generation}"

    def _lookup(self, table: Mapping[tuple[str, str, str | None], str]) -> str | None:
        return table.get((self.operation, self.fault, self.generation)) or table.get(
            (self.operation, self.fault, None)
        )

    @property
    def not_applicable(self) -> str | None:
        return self._lookup(NOT_APPLICABLE)

    @property
    def xfail(self) -> str | None:
        return self._lookup(XFAIL)


def generations_of(operation: str) -> tuple[str, ...]:
    return (THEMES,) if operation in THEME_OPERATIONS else GENERATIONS


def all_cells(operations: Iterable[str] = OPERATIONS) -> list[Cell]:
    return [
        Cell(operation, fault, generation)
        for operation in operations
        for generation in generations_of(operation)
        for fault in FAULTS
    ]


def params(*operations: str) -> list[Any]:
    """`pytest.param`s of these operations' cells, marked n/a (skip) or xfail."""
    result = []
    for cell in all_cells(operations):
        marks: list[Any] = []
        if cell.not_applicable is not None:
            marks.append(pytest.mark.skip(reason=f"n/a: {cell.not_applicable}"))
        elif cell.xfail is not None:
            marks.append(pytest.mark.xfail(strict=True, reason=cell.xfail))
        result.append(pytest.param(cell, id=cell.id, marks=marks))
    return result
