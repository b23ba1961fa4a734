"""`phtui server` / `python -m phtui.server`: prints how to connect, serves until Ctrl+C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import httpx
import pytest

from phtui.server.cli import build_parser, is_loopback
from phtui.server.runner import start_server


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "phtui.server", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _read_settings(process: subprocess.Popen[str]) -> dict[str, str]:
    assert process.stdout is not None
    settings: dict[str, str] = {}
    for line in process.stdout:
        match = re.match(r"\s+(POSTHOG_\w+)=(\S+)", line)
        if match:
            settings[match.group(1)] = match.group(2)
        if line.startswith("Press Ctrl+C"):
            return settings
    raise AssertionError(f"server exited early: {process.stderr.read() if process.stderr else ''}")


def test_runs_prints_connection_settings_and_stops_on_ctrl_c(http: httpx.Client) -> None:
    process = _start("--port", "0", "--seed", "empty", "--no-throttle")
    try:
        settings = _read_settings(process)
        host = settings["POSTHOG_HOST"]
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", host)
        assert settings["POSTHOG_PROJECT_ID"] == "1"
        assert settings["POSTHOG_PERSONAL_API_KEY"].startswith("phx_")
        response = http.get(
            f"{host}/api/projects/1/data_color_themes/",
            headers={"Authorization": f"Bearer {settings['POSTHOG_PERSONAL_API_KEY']}"},
        )
        assert [theme["name"] for theme in response.json()] == ["Default Theme"]
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0, process.stderr.read() if process.stderr else ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_warns_loudly_when_not_bound_to_loopback() -> None:
    process = _start("--host", "0.0.0.0", "--port", "0", "--seed", "empty")
    try:
        _read_settings(process)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
        assert process.stderr is not None
        assert "WARNING: binding to 0.0.0.0" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_busy_port_is_an_error_not_a_traceback() -> None:
    with start_server() as running:
        process = _start("--port", str(running.port), "--seed", "empty")
        assert process.wait(timeout=10) == 1
        assert process.stderr is not None
        assert "cannot listen" in process.stderr.read()


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("example.com", False),
    ],
)
def test_is_loopback(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected


def test_parser_defaults() -> None:
    args = build_parser().parse_args([])
    assert (args.host, args.seed, args.db, args.throttle, args.retry_after) == (
        "127.0.0.1",
        "demo",
        ":memory:",
        True,
        False,
    )
