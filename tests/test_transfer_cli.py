"""`phtui export` and `phtui import` against the local server, configured by the environment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phtui.cli import main
from phtui.cli.transfer import main_export, main_import
from phtui.server.runner import RunningServer


@pytest.fixture
def env(server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RunningServer:
    monkeypatch.setenv("PHTUI_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("POSTHOG_HOST", server.url)
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", server.api_key)
    monkeypatch.setenv("POSTHOG_PROJECT_ID", str(server.project_id))
    for name in ("PHTUI_PROFILE", "PHTUI_READ_ONLY", "PHTUI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return server


def _seed(server: RunningServer, name: str, count: int) -> str:
    dataset = server.create_dataset(name)
    server.bulk_insert_items(dataset, [{"input": {"n": n}, "output": n} for n in range(count)])
    return dataset


def test_export_by_name_writes_jsonl_named_after_the_dataset(
    env: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(env, "cli export/one", 130)

    assert main(["export", "cli export/one"]) == 0

    lines = (tmp_path / "cli-export-one.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["input"]["n"] for line in lines) == list(range(130))
    err = capsys.readouterr().err
    assert "Exported 130 items" in err
    assert env.api_key not in err


def test_export_by_id_to_json(env: RunningServer, tmp_path: Path) -> None:
    dataset = _seed(env, "cli export json", 4)

    assert main_export([dataset, "-o", "out.json"]) == 0

    assert len(json.loads((tmp_path / "out.json").read_text())) == 4


def test_export_of_an_unknown_dataset_is_a_usage_error(
    env: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main_export(["no such dataset anywhere"]) == 2
    assert "No dataset with the id or name 'no such dataset anywhere'" in capsys.readouterr().err


def test_ambiguous_name_asks_for_an_id(
    env: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    first = env.create_dataset("cli twin")
    second = env.create_dataset("cli twin")
    assert main_export(["cli twin"]) == 2
    err = capsys.readouterr().err
    assert "2 datasets are named 'cli twin'" in err
    assert first in err and second in err


def test_import_reports_failed_lines_and_a_rerun_finishes(
    env: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = env.create_dataset("cli import")
    source = tmp_path / "in.jsonl"
    source.write_text('{"input": 1}\n{"input": 2}\nnot json\n{"output": 3}\n')

    assert main(["import", "cli import", str(source)]) == 1
    err = capsys.readouterr().err
    assert f"{source}:3: invalid JSON at column 1" in err
    assert "3 imported, 1 failed (of 4 lines)" in err

    source.write_text('{"input": 1}\n{"input": 2}\n{"input": "fixed"}\n{"output": 3}\n')
    assert main_import([dataset, str(source), "--concurrency", "2"]) == 0
    assert "1 imported, 3 already imported earlier (of 4 lines)" in capsys.readouterr().err


def test_import_is_refused_in_read_only_mode(
    env: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    env.create_dataset("cli read only")
    source = tmp_path / "ro.jsonl"
    source.write_text('{"input": 1}\n')
    monkeypatch.setenv("PHTUI_READ_ONLY", "1")
    assert main_import(["cli read only", str(source)]) == 2
    assert "read-only" in capsys.readouterr().err


def test_missing_connection_settings_are_a_usage_error(
    env: RunningServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("POSTHOG_PERSONAL_API_KEY")
    assert main_export(["anything"]) == 2
    assert "POSTHOG_PERSONAL_API_KEY" in capsys.readouterr().err


def test_a_refused_key_fails_without_showing_it(
    env: RunningServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "phx_wrong_key_for_this_test")
    assert main_export(["anything"]) == 1
    err = capsys.readouterr().err
    assert "rejected the API key" in err
    assert "phx_wrong_key_for_this_test" not in err
