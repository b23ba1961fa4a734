"""The `phtui` command line: version, help, config inspection and subcommand dispatch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from phtui import __version__
from phtui.cli import main

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


def test_demo_opens_the_app_on_the_local_server_and_quits_cleanly(tmp_path: Path) -> None:
    """`phtui --demo` in a real 80x24 terminal: the theme list appears, ctrl+q exits 0."""
    import fcntl
    import os
    import pty
    import re
    import struct
    import termios
    import threading
    import time

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {name: value for name, value in os.environ.items() if name != "COLORTERM"}
    env |= {"TERM": "xterm-256color", "PHTUI_DATA_DIR": str(tmp_path / "data")}
    child = subprocess.Popen(
        [sys.executable, "-m", "phtui", "--demo", "--read-only"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    chunks: list[bytes] = []

    def drain() -> None:  # keep reading, or the app blocks writing to a full terminal
        try:
            while chunk := os.read(master, 65536):
                chunks.append(chunk)
        except OSError:
            return

    def screen() -> str:
        text = b"".join(chunks).decode("utf-8", "replace")
        return re.sub(r"\x1b\[[0-9;?<>=]*[A-Za-z]", "", text)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (
            "Default Theme" in screen() and "READ-ONLY" in screen()
        ):
            time.sleep(0.1)
        assert "Default Theme" in screen() and "READ-ONLY" in screen()
        os.write(master, b"\x11")  # ctrl+q
        assert child.wait(timeout=15) == 0
    finally:
        if child.poll() is None:
            child.kill()
        reader.join(timeout=5)
        os.close(master)
    assert "Traceback" not in screen()


def test_config_show_warns_about_unknown_keymap_ids(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_file.write_text('[keymap]\n"themes.new" = "ctrl+n"\n"themes.nwe" = "x"\n')
    assert main(["config", "show"]) == 0
    err = capsys.readouterr().err
    assert "'themes.nwe' matches no key binding" in err
    assert "themes.new'" not in err
