"""`phtui export` and `phtui import` (the older names of `phtui datasets pull|push`) against the
local server, configured by the environment: exit statuses, one-line errors, resumable imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phtui.cli import main
from phtui.server.runner import RunningServer


def use(server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RunningServer:
    monkeypatch.setenv("PHTUI_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("PHTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("POSTHOG_HOST", server.url)
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", server.api_key)
    monkeypatch.setenv("POSTHOG_PROJECT_ID", str(server.project_id))
    for name in ("PHTUI_PROFILE", "PHTUI_READ_ONLY", "PHTUI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return server


@pytest.fixture
def env(server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RunningServer:
    return use(server, tmp_path, monkeypatch)


def _seed(server: RunningServer, name: str, count: int) -> str:
    dataset = server.create_dataset(name)
    server.bulk_insert_items(dataset, [{"input": {"n": n}, "output": n} for n in range(count)])
    return dataset


def _one_line_error(err: str, prog: str) -> str:
    lines = [line for line in err.splitlines() if line]
    assert len(lines) == 1, err
    assert lines[0].startswith(f"{prog}: ") and "Traceback" not in err
    return lines[0]


def test_export_by_name_writes_jsonl_named_after_the_dataset(
    env: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(env, "cli export/one", 130)

    assert main(["export", "cli export/one"]) == 0

    lines = (tmp_path / "cli-exportone.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["input"]["n"] for line in lines) == list(range(130))
    err = capsys.readouterr().err
    assert f"Exported 130 items of 'cli export/one' to {tmp_path / 'cli-exportone.jsonl'}." in err
    assert env.api_key not in err


def test_export_by_id_to_json(env: RunningServer, tmp_path: Path) -> None:
    dataset = _seed(env, "cli export json", 4)

    assert main(["export", dataset, "-o", "out.json"]) == 0

    assert len(json.loads((tmp_path / "out.json").read_text())) == 4


def test_an_existing_file_is_replaced_only_with_force(
    env: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = _seed(env, "cli export force", 2)
    (tmp_path / "mine.jsonl").write_text("keep me\n")

    assert main(["export", dataset, "-o", "mine.jsonl"]) == 2
    line = _one_line_error(capsys.readouterr().err, "phtui export")
    assert f"{tmp_path / 'mine.jsonl'} already exists: use --force to replace it." in line
    assert (tmp_path / "mine.jsonl").read_text() == "keep me\n"

    assert main(["export", dataset, "-o", "mine.jsonl", "--force"]) == 0
    assert len((tmp_path / "mine.jsonl").read_text().splitlines()) == 2


def test_an_unwritable_path_is_one_line_and_status_2(
    env: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = _seed(env, "cli export path", 1)
    assert main(["export", dataset, "-o", str(tmp_path / "no" / "such" / "x.jsonl")]) == 2
    line = _one_line_error(capsys.readouterr().err, "phtui export")
    assert "the folder" in line and "does not exist" in line


def test_export_of_an_unknown_dataset_is_a_usage_error(
    env: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "no such dataset anywhere"]) == 2
    line = _one_line_error(capsys.readouterr().err, "phtui export")
    assert "No dataset with the id or name 'no such dataset anywhere'" in line


def test_ambiguous_name_asks_for_an_id(
    env: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    first = env.create_dataset("cli twin")
    second = env.create_dataset("cli twin")
    assert main(["export", "cli twin"]) == 2
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
    assert f"{source}:3:1: invalid JSON: Expecting value" in err
    assert "3 imported, 1 failed (of 4 lines)" in err
    assert "Fix the failed lines and run the same import again" in err

    source.write_text('{"input": 1}\n{"input": 2}\n{"input": "fixed"}\n{"output": 3}\n')
    assert main(["import", dataset, str(source), "--concurrency", "2"]) == 0
    assert "1 imported, 3 imported earlier (of 4 lines)" in capsys.readouterr().err


def test_import_of_a_file_that_is_not_utf8_is_one_line_and_status_2(
    env: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env.create_dataset("cli latin-1")
    source = tmp_path / "latin1.jsonl"
    source.write_bytes(b'{"input": "caf\xe9"}\n')
    assert main(["import", "cli latin-1", str(source)]) == 2
    line = _one_line_error(capsys.readouterr().err, "phtui import")
    assert "is not UTF-8 text (line 1, column 15: byte 0xe9)" in line


@pytest.mark.parametrize("path", ["missing.jsonl", "."])
def test_import_of_a_bad_path_is_one_line_and_status_2(
    env: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], path: str
) -> None:
    env.create_dataset("cli bad path")
    assert main(["import", "cli bad path", path]) == 2
    _one_line_error(capsys.readouterr().err, "phtui import")


def test_a_byte_order_mark_does_not_fail_line_1(
    env: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env.create_dataset("cli bom")
    source = tmp_path / "bom.jsonl"
    source.write_bytes(b'\xef\xbb\xbf{"input": 1}\n{"input": 2}\n')
    assert main(["import", "cli bom", str(source)]) == 0
    assert "2 imported (of 2 lines)" in capsys.readouterr().err


def test_import_is_refused_in_read_only_mode(
    env: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    env.create_dataset("cli read only")
    source = tmp_path / "ro.jsonl"
    source.write_text('{"input": 1}\n')
    monkeypatch.setenv("PHTUI_READ_ONLY", "1")
    assert main(["import", "cli read only", str(source)]) == 2
    assert "read-only" in capsys.readouterr().err


def test_missing_connection_settings_are_a_usage_error(
    env: RunningServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("POSTHOG_PERSONAL_API_KEY")
    assert main(["export", "anything"]) == 2
    assert "POSTHOG_PERSONAL_API_KEY" in capsys.readouterr().err


def test_bad_options_are_one_line_and_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "x", "--format", "xml"]) == 2
    assert main(["import", "x"]) == 2
    for line in capsys.readouterr().err.splitlines():
        assert line.startswith(("phtui export: ", "phtui import: ")), line


def test_a_refused_key_fails_without_showing_it(
    env: RunningServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "phx_wrong_key_for_this_test")
    assert main(["export", "anything"]) == 1
    err = capsys.readouterr().err
    assert "rejected the API key" in err
    assert "phx_wrong_key_for_this_test" not in err


def test_rate_limits_are_shown_as_waits(
    fresh_revisioned_server: RunningServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = use(fresh_revisioned_server, tmp_path, monkeypatch)
    server.create_dataset("cli waits")
    source = tmp_path / "w.jsonl"
    source.write_text("".join(json.dumps({"input": n}) + "\n" for n in range(5)))
    server.options.throttle_next = 1
    assert main(["import", "cli waits", str(source), "--concurrency", "1"]) == 0
    err = capsys.readouterr().err
    assert "rate limited: waiting 1 s" in err
    assert "5 imported (of 5 lines)" in err
