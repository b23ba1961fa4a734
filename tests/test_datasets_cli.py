"""`phtui datasets pull|push` against the local server (revisioned), and an import interrupted
with Ctrl+C in a real process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from phtui.cli import main
from phtui.server.runner import RunningServer
from tests.terminal import terminal
from tests.test_transfer_cli import use


@pytest.fixture
def env(
    fresh_revisioned_server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> RunningServer:
    return use(fresh_revisioned_server, tmp_path, monkeypatch)


def _seed(server: RunningServer, name: str, count: int) -> str:
    dataset = server.create_dataset(name)
    server.bulk_insert_items(
        dataset,
        [
            {"input": {"n": n}, "expected_output": n, "client_item_id": f"k{n}"}
            for n in range(count)
        ],
    )
    return dataset


def test_usage_and_unknown_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["datasets", "--help"]) == 0
    assert "phtui datasets pull DATASET" in capsys.readouterr().out
    assert main(["datasets"]) == 2
    assert main(["datasets", "frob"]) == 2
    assert "unknown command 'frob'; choose pull, push" in capsys.readouterr().err


def test_pull_names_the_file_after_the_dataset_and_revision(
    env: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(env, "Support answers", 30)

    assert main(["datasets", "pull", "Support answers"]) == 0

    path = tmp_path / "support-answers-r30.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert [row["input"]["n"] for row in rows] == list(range(30))
    assert {row["dataset_revision"] for row in rows} == {30}
    err = capsys.readouterr().err
    assert (
        f"Exported 30 items of 'Support answers' at revision 30 to {path} (PostHog's export job)."
    )
    assert f"to {path} (PostHog's export job)." in err

    assert main(["datasets", "pull", "Support answers", "--revision", "10", "--direct"]) == 0
    pinned = (tmp_path / "support-answers-r10.jsonl").read_text().splitlines()
    assert len(pinned) == 10
    assert "(read directly)" in capsys.readouterr().err


def test_pull_says_when_the_job_was_not_available(
    env: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(env, "no jobs left", 3)
    env.options.export_creations_per_day = 0
    assert main(["datasets", "pull", "no jobs left", "-o", "out.jsonl"]) == 0
    err = capsys.readouterr().err
    assert "PostHog's export job is not available now (PostHog allows 10 export jobs a day)" in err
    assert "Exported 3 items" in err and "(read directly)" in err


def test_push_dry_run_then_push_then_nothing_left(
    env: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(env, "push me", 5)
    assert main(["datasets", "pull", "push me", "-o", "pulled.jsonl"]) == 0
    rows = [json.loads(line) for line in (tmp_path / "pulled.jsonl").read_text().splitlines()]
    rows[0]["expected_output"] = "changed"
    rows.append({"input": "new one"})
    source = tmp_path / "edited.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in rows))
    capsys.readouterr()

    assert main(["datasets", "push", "push me", str(source), "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Push {source} into 'push me' (revision 5): dry run, nothing was changed."
    assert out[1] == "1 to create, 1 to update, 4 unchanged, 0 refused (of 6 lines)"
    assert out[2].startswith("line 1: update item") and "('k0'): expected_output" in out[2]
    assert out[3] == '    ~ expected_output: 0 → "changed"'
    assert out[4] == "line 6: create a new item"

    assert main(["datasets", "push", "push me", str(source)]) == 0
    err = capsys.readouterr().err
    assert "Pushed into 'push me': 1 created, 1 updated, 4 unchanged (of 6 lines)." in err

    assert main(["datasets", "push", "push me", str(source), "--dry-run"]) == 0
    assert "0 to create, 0 to update, 6 unchanged, 0 refused" in capsys.readouterr().out


def test_push_reports_refusals_and_fails(
    env: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env.create_dataset("refusals")
    source = tmp_path / "r.jsonl"
    source.write_text('{"input": 1}\n{"expected_output": 2}\nnot json\n')
    assert main(["datasets", "push", "refusals", str(source)]) == 1
    err = capsys.readouterr().err
    assert f"{source}:2: input is missing or null" in err
    assert f"{source}:3:1: invalid JSON" in err
    assert "1 created, 0 updated, 0 unchanged, 2 refused (of 3 lines)" in err


def test_push_is_refused_read_only_but_a_dry_run_works(
    env: RunningServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env.create_dataset("read only push")
    source = tmp_path / "r.jsonl"
    source.write_text('{"input": 1}\n')
    monkeypatch.setenv("PHTUI_READ_ONLY", "1")
    assert main(["datasets", "push", "read only push", str(source)]) == 2
    assert "read-only" in capsys.readouterr().err
    assert main(["datasets", "push", "read only push", str(source), "--dry-run"]) == 0


def test_an_interrupted_import_says_how_far_it_got_and_how_to_resume(
    fresh_revisioned_server: RunningServer, tmp_path: Path
) -> None:
    server = fresh_revisioned_server
    server.options.lift_limits()
    dataset = server.create_dataset("interrupted")
    source = tmp_path / "big.jsonl"
    source.write_text("".join(json.dumps({"input": n}) + "\n" for n in range(400)))
    env = dict(
        os.environ,
        PHTUI_CONFIG=str(tmp_path / "none.toml"),
        PHTUI_DATA_DIR=str(tmp_path / "data"),
        POSTHOG_HOST=server.url,
        POSTHOG_PERSONAL_API_KEY=server.api_key,
        POSTHOG_PROJECT_ID=str(server.project_id),
    )
    server.options.latency_ms = 30
    process = subprocess.Popen(
        [sys.executable, "-m", "phtui", "import", dataset, str(source), "--concurrency", "2"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while _count(server, dataset) < 10:  # wait for the import to be under way
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        server.options.latency_ms = 0
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    (line,) = [line for line in err.splitlines() if line]
    assert line.startswith("phtui import: Interrupted after ")
    assert "of 400 lines: " in line and " imported, " in line
    assert line.endswith(
        "Run the same import again to finish: lines already imported are not created twice."
    )
    rerun = subprocess.run(
        [sys.executable, "-m", "phtui", "import", dataset, str(source)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert "already in the dataset (of 400 lines)" in rerun.stderr
    assert _count(server, dataset) == 400


def _count(server: RunningServer, dataset: str) -> int:
    import httpx

    answer = httpx.get(
        f"{server.url}/api/projects/{server.project_id}/dataset_items/",
        params={"dataset": dataset, "limit": 1},
        headers={"Authorization": f"Bearer {server.api_key}"},
    )
    count: int = answer.json()["count"]
    return count


def test_on_a_terminal_waits_count_down_beside_the_progress(
    env: RunningServer, tmp_path: Path
) -> None:
    env.create_dataset("tty waits")
    source = tmp_path / "t.jsonl"
    source.write_text("".join(json.dumps({"input": n}) + "\n" for n in range(30)))
    env.options.retry_after_header = True
    env.options.throttle_next = 1
    args = ["-m", "phtui", "import", "tty waits", str(source), "--concurrency", "1"]
    with terminal(args, data_dir=tmp_path / "data") as screen:
        screen.wait_for(lambda text: "rate limited: waiting 1 s" in text)
        screen.wait_for(lambda text: "30 imported (of 30 lines)" in text)
        assert screen.child.wait(timeout=10) == 0
        assert "of 30 lines (" in screen.text()  # the progress line, rewritten in place
