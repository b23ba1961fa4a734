"""The `phtui` command line: version, help, config inspection and subcommand dispatch."""

from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from phtui import __version__
from phtui.cli import main
from phtui.server.runner import RunningServer
from tests.terminal import terminal

KEY = "phx_secret_do_not_print_123"
CONFIG = f"""\
default_profile = "work"

[profiles.work]
host = "https://posthog.example.com"
project_id = 42
api_key = "{KEY}"

[keymap]
"themes.new" = "ctrl+n"
"""


@pytest.fixture(autouse=True)
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("POSTHOG_PERSONAL_API_KEY", "POSTHOG_HOST", "POSTHOG_PROJECT_ID", "PHTUI_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    path.chmod(0o600)
    monkeypatch.setenv("PHTUI_CONFIG", str(path))
    return path


def test_version_from_a_real_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "phtui", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"phtui {__version__}"


def test_help_lists_options_and_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for word in ("--demo", "--host", "--project", "--profile", "--read-only", "--version"):
        assert word in out
    for command in ("phtui server", "phtui config path", "phtui config show", "phtui export"):
        assert command in out
    assert "POSTHOG_PERSONAL_API_KEY" in out


def test_config_path_prints_the_override(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(config_file)


def test_config_show_redacts_the_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "show"]) == 0
    captured = capsys.readouterr()
    assert KEY not in captured.out + captured.err
    shown = json.loads(captured.out)
    assert shown["active"] == {
        "profile": "work",
        "host": "https://posthog.example.com",
        "project_id": 42,
        "api_key": "<set>",
        "read_only": False,
    }
    assert shown["profiles"]["work"]["api_key"] == "<set>"
    assert shown["keymap"] == {"themes.new": "ctrl+n"}


def test_config_show_redacts_a_key_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "phx_from_env_456")
    monkeypatch.setenv("PHTUI_CONFIG", "/nonexistent/phtui.toml")
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert "phx_from_env_456" not in out
    assert json.loads(out)["active"]["api_key"] == "<set>"


def test_config_show_on_a_broken_file_prints_one_line_and_no_traceback(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_file.write_text('[profiles.work]\napi_key = "phx_x\n', encoding="utf-8")
    assert main(["config", "show"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"phtui: {config_file}, line 2: ")
    assert "Traceback" not in err and "phx_x" not in err


def test_unknown_profile_exits_before_the_app_starts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--profile", "nope"]) == 2
    assert "no profile named 'nope'" in capsys.readouterr().err


def test_server_subcommand_is_dispatched(monkeypatch: pytest.MonkeyPatch) -> None:
    import phtui.server.cli

    seen: list[list[str]] = []
    monkeypatch.setattr(phtui.server.cli, "main", lambda argv: seen.append(argv) or 0)
    assert main(["server", "--port", "0", "--seed", "empty"]) == 0
    assert seen == [["--port", "0", "--seed", "empty"]]


@pytest.mark.parametrize(
    ("command", "target"), [("export", "main_export"), ("import", "main_import")]
)
def test_transfer_subcommands_are_dispatched(
    monkeypatch: pytest.MonkeyPatch, command: str, target: str
) -> None:
    import phtui.cli.transfer

    seen: list[list[str]] = []
    monkeypatch.setattr(phtui.cli.transfer, target, lambda argv: seen.append(argv) or 3)
    assert main([command, "--dataset", "x"]) == 3
    assert seen == [["--dataset", "x"]]


def test_demo_opens_the_app_on_the_local_server_and_quits_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`phtui --demo` in a real 80x24 terminal: the theme list appears, ctrl+q exits 0; with
    PHTUI_LOG set the requests are logged and no key is."""
    log = tmp_path / "phtui.log"
    monkeypatch.setenv("PHTUI_LOG", str(log))
    args = ["-m", "phtui", "--demo", "--read-only"]
    with terminal(args, data_dir=tmp_path / "data") as screen:
        screen.wait_for(lambda text: "Default Theme" in text and "READ-ONLY" in text)
        screen.write(b"\x11")  # ctrl+q
        assert screen.child.wait(timeout=15) == 0
    assert "Traceback" not in screen.text()
    logged = log.read_text(encoding="utf-8")
    assert "GET /api/projects/1/data_color_themes/ -> 200" in logged
    assert not re.search(r"phx_(?!<hidden>)", logged)
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_textual_debug_writes_no_keys_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """TEXTUAL_DEBUG makes Textual's driver append every byte typed to ./keys.log (an API key
    typed into the connect screen included): phtui's driver never runs in that mode."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TEXTUAL_DEBUG", "1")
    with terminal(["-m", "phtui", "--demo"], data_dir=tmp_path / "data") as screen:
        screen.wait_for(lambda text: "Default Theme" in text)
        screen.write(b"\x10")  # ctrl+p: the command palette
        screen.wait_for(lambda text: "Search for commands" in text)
        screen.write(b"phx_typed_secret")  # keys a debug driver would log
        screen.wait_for(lambda text: "phx_typed_secret" in text)
        screen.write(b"\x1b")
        screen.write(b"\x11")  # ctrl+q
        assert screen.child.wait(timeout=15) == 0
    assert not (tmp_path / "keys.log").exists()


CRASHING_DEMO = """
import sys
from phtui.screens.themes.overview import ThemesScreen

def broken(self):
    raise RuntimeError("the theme list broke (a test)")

ThemesScreen.on_mount = broken
from phtui.cli import main
from phtui.server.runner import RunningServer
from tests.terminal import terminal
sys.exit(main(["--demo"]))
"""


def test_a_crash_is_a_non_zero_exit_status(tmp_path: Path) -> None:
    with terminal(["-c", CRASHING_DEMO], data_dir=tmp_path / "data") as screen:
        status = screen.child.wait(timeout=30)
    assert "the theme list broke" in screen.text()  # Textual printed the traceback
    assert status == 1


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--project", "0"], "argument --project: expected a project id"),
        (["--project", "-5"], "not '-5'"),
        (["--project=abc"], "not 'abc'"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--host", "http://example.com"], "Refusing plain http:// for example.com"),
        (["--host", "https://x.example/path"], "must be an origin only"),
        (["--log"], "argument --log: expected a file name"),
        (["config", "nope"], "invalid choice: 'nope'"),
        (["export", "--host", "http://example.com", "x"], "phtui export: argument --host:"),
        (["import", "x", "f.jsonl", "--project", "0"], "phtui import: argument --project:"),
    ],
)
def test_bad_option_values_are_one_line_and_status_2(
    args: list[str], problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1, captured.err
    assert problem in captured.err and "Traceback" not in captured.err
    assert captured.err.startswith("phtui")


def test_a_bad_variable_is_one_line_and_status_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POSTHOG_PROJECT_ID", "-5")
    assert main(["config", "show"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("phtui: environment: project_id:") and err.count("\n") == 1


def test_an_unwritable_log_file_is_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--log", str(tmp_path / "missing" / "dir" / "x.log"), "config", "path"]) == 2
    assert capsys.readouterr().err.startswith("phtui: cannot write the log file")


@pytest.fixture
def log_handlers() -> Iterator[None]:
    """Detach whatever `--log` attached, so later tests do not write to a deleted file."""
    import logging

    from phtui.cli.logfile import LEVELS, stop_logging

    yield
    for name in LEVELS:
        for handler in list(logging.getLogger(name).handlers):
            stop_logging(handler)


def test_log_option_writes_requests_and_retries_never_the_key(
    fresh_server: RunningServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    log_handlers: None,
) -> None:
    key = fresh_server.create_api_key(["*"])
    monkeypatch.setenv("POSTHOG_HOST", fresh_server.url)
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", key)
    monkeypatch.setenv("POSTHOG_PROJECT_ID", str(fresh_server.project_id))
    monkeypatch.chdir(tmp_path)
    dataset = fresh_server.create_dataset("logged")
    fresh_server.options.fail_next = 1  # one 500, retried
    log = tmp_path / "phtui.log"
    # `--log` after the subcommand's own arguments works too: `main` takes it first.
    assert main(["export", dataset, "-o", "out.jsonl", "--log", str(log)]) == 0
    logged = log.read_text(encoding="utf-8")
    assert re.search(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} ", logged, re.M)
    assert f"/api/projects/{fresh_server.project_id}/datasets/{dataset}/" in logged
    assert "-> 500" in logged and "server error 500; waiting" in logged
    assert key not in logged and key[4:] not in logged
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_key_mask_hides_anything_shaped_like_a_key() -> None:
    import logging

    from phtui.cli.logfile import KeyMask

    record = logging.LogRecord(
        "phtui.api", logging.INFO, __file__, 1, "sent %s with Authorization: Bearer %s",
        ("phx_abcDEF123", "sekrit"), None,
    )  # fmt: skip
    KeyMask().filter(record)
    assert record.getMessage() == "sent phx_<hidden> with Authorization: Bearer <hidden>"


def test_config_show_warns_about_unknown_keymap_ids(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_file.write_text('[keymap]\n"themes.new" = "ctrl+n"\n"themes.nwe" = "x"\n')
    assert main(["config", "show"]) == 0
    err = capsys.readouterr().err
    assert "'themes.nwe' matches no key binding" in err
    assert "themes.new'" not in err


def test_config_show_reports_renamed_keymap_ids(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_file.write_text('[keymap]\n"editor.save" = "ctrl+w"\n')
    assert main(["config", "show"]) == 0
    err = capsys.readouterr().err
    assert 'warning: [keymap] renamed: "editor.save" is now "theme_editor.save"' in err
    assert "matches no key binding" not in err
