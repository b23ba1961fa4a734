"""The items screen in a real terminal (a pty, the real driver): keys typed in one burst, as
tmux send-keys or a fast typist over SSH deliver them, land where they were meant to."""

from __future__ import annotations

from pathlib import Path

from tests.terminal import terminal


def test_bursts_reach_the_search_and_the_go_to_prompt(tmp_path: Path) -> None:
    with terminal(["-m", "phtui", "--demo"], data_dir=tmp_path / "data") as screen:
        screen.wait_for(lambda text: "Default Theme" in text)
        screen.write(b"2")  # the Datasets mode
        screen.wait_for(lambda text: "Support answers" in text)
        screen.write(b"G\r")  # the last dataset, "Support answers"
        screen.wait_for(lambda text: "587 of 600 items" in text)
        # One write: the search opens and takes every letter, Enter goes back to the table,
        # and "go to item" finds one the search hides (and clears the search).
        screen.write(b"/refund\r#ticket-4335\r")
        screen.wait_for(lambda text: "search 'refund':" in text)
        screen.wait_for(lambda text: "client item id ticket-4335" in text)
        # ticket-4335 is archived: going to it showed all items, archived ones too (587).
        screen.write(b":3\r")  # go to page 3, in one write
        screen.wait_for(lambda text: "101-150 of 587 items" in text)
        screen.write(b"\x11")  # ctrl+q
        assert screen.child.wait(timeout=15) == 0
    assert "Traceback" not in screen.text()
