"""Fixtures of the fault matrix: one server per datasets API for the whole matrix (each cell
makes objects of its own), the fault switches cleared around every cell, and each cell's record
written for `benchmarks/fault_matrix.py`."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any

import pytest

from phtui.server.runner import RunningServer, start_server
from tests.faults.grid import THEMES, Cell
from tests.faults.harness import CellRecord, clear_faults, write_record


@pytest.fixture(scope="session")
def fault_servers() -> Iterator[dict[str, RunningServer]]:
    """A revisioned and a classic server, without quotas (every cell makes a dataset). The
    theme cells use the revisioned one (themes are the same on both)."""
    with (
        start_server(seed="empty", datasets_api="revisioned") as revisioned,
        start_server(seed="empty", datasets_api="classic") as classic,
    ):
        revisioned.options.lift_limits()
        yield {"revisioned": revisioned, "classic": classic, THEMES: revisioned}


@pytest.fixture
def cell_server(cell: Cell, fault_servers: dict[str, RunningServer]) -> Iterator[RunningServer]:
    server = fault_servers[cell.generation]
    clear_faults(server)
    yield server
    clear_faults(server)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Generator[None, Any, Any]:
    report = yield
    if report.when == "call":
        item.stash[OUTCOME] = "xfailed" if hasattr(report, "wasxfail") else report.outcome
    return report


OUTCOME = pytest.StashKey[str]()


@pytest.fixture
def record(cell: Cell, request: pytest.FixtureRequest) -> Iterator[CellRecord]:
    rec = CellRecord(cell)
    yield rec
    write_record(rec, request.node.stash.get(OUTCOME, "error"))
