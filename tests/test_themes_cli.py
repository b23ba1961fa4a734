"""`phtui themes check|export|apply|fix` against the local server: output and exit statuses."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from phtui.api.models import DataColorTheme
from phtui.cli import main
from phtui.core.palette_check import PaletteCheck, check_palette
from phtui.server.runner import RunningServer
from phtui.server.seed import DEFAULT_THEME_COLORS
from tests.clients import quick_client

# Passes the CLI's default check (normal vision, 3:1 on both backgrounds): mid-tones far apart.
PASSING = ["#d1475b", "#2a7fb8", "#5f8a00", "#9b59d0"]
FAILING = ["#d1475b", "#d2485c", "#ffff00"]  # a near-duplicate pair; yellow vanishes on white


def _connect(monkeypatch: pytest.MonkeyPatch, server: RunningServer, tmp_path: Path) -> None:
    monkeypatch.setenv("PHTUI_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("POSTHOG_HOST", server.url)
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", server.api_key)
    monkeypatch.setenv("POSTHOG_PROJECT_ID", str(server.project_id))
    for name in ("PHTUI_PROFILE", "PHTUI_READ_ONLY", "PHTUI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def env(
    fresh_server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> RunningServer:
    """A server of its own (only the global Default Theme), configured by the environment."""
    _connect(monkeypatch, fresh_server, tmp_path)
    return fresh_server


# The commands run their own event loop (asyncio.run), so these tests are synchronous too.


def _create(server: RunningServer, name: str, colors: Sequence[object]) -> DataColorTheme:
    async def create() -> DataColorTheme:
        async with quick_client(server) as client:
            return await client.create_theme(name, list(colors))

    return asyncio.run(create())


def _themes(server: RunningServer) -> list[DataColorTheme]:
    async def themes() -> list[DataColorTheme]:
        async with quick_client(server) as client:
            return await client.list_themes()

    return asyncio.run(themes())


def _one_line_error(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


# ---- check --------------------------------------------------------------------------------


def test_sanity_the_fixtures_pass_and_fail_the_default_check() -> None:
    check = PaletteCheck(cvd_kinds=())
    assert check_palette(PASSING, check).passed
    assert not check_palette(FAILING, check).passed


def test_check_exits_0_when_every_theme_passes(
    env: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    theme = _create(env, "Passing", PASSING)
    assert main(["themes", "check", "Passing", str(theme.id)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"ok    “Passing” (id {theme.id})"
    assert out[-1].startswith("2 themes checked: 2 passed, 0 failed (ΔE2000 ≥ 10 under normal")


def test_check_exits_1_and_prints_a_line_per_failure(
    env: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _create(env, "Passing", PASSING)
    failing = _create(env, "Failing", FAILING)
    assert main(["themes", "check", "Passing", "Failing"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[1] == f"FAIL  “Failing” (id {failing.id}): 2 failures"
    assert out[2].startswith("  1↔2 (neighbour) normal: ΔE 0.")
    assert "  3 on light #ffffff: 1.07:1 < 3:1" in out
    assert out[-1].startswith("2 themes checked: 1 passed, 1 failed")


def test_check_without_themes_checks_every_theme(
    env: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _create(env, "Passing", PASSING)
    assert main(["themes", "check"]) == 1  # the official Default Theme fails 3:1
    out = capsys.readouterr().out
    assert "FAIL  “Default Theme” (id 1, official)" in out and "ok    “Passing”" in out


def test_check_options_select_vision_backgrounds_and_threshold(
    env: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _create(env, "Yellow", ["#ffff00", "#2a7fb8"])
    assert main(["themes", "check", "Yellow", "--background", "dark"]) == 0
    assert main(["themes", "check", "Yellow", "--background", "light"]) == 1
    _create(env, "Close", ["#d1475b", "#c94f62"])
    assert main(["themes", "check", "Close", "--min-delta-e", "2", "--background", "dark"]) == 0
    assert main(["themes", "check", "Close", "--min-delta-e", "12", "--background", "dark"]) == 1
    capsys.readouterr()
    assert main(["themes", "check", "Close", "--cvd", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["check"]["conditions"] == ["normal", "protanopia", "deuteranopia", "tritanopia"]


def test_check_json_has_stable_keys(env: RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    theme = _create(env, "Failing", [*FAILING, "oops"])
    assert main(["themes", "check", "Failing", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["passed"] is False
    assert report["check"] == {
        "metric": "CIEDE2000",
        "min_delta_e": 10.0,
        "conditions": ["normal"],
        "pairs": "all",
        "min_contrast": 3.0,
        "backgrounds": {"light": "#ffffff", "dark": "#1d1f27"},
    }
    (entry,) = report["themes"]
    assert entry["name"] == "Failing" and entry["id"] == theme.id and entry["file"] is None
    assert entry["not_colours"] == [4]
    assert entry["pair_failures"][0]["series"] == [1, 2]
    assert set(entry["pair_failures"][0]) == {
        "series", "adjacency", "condition", "delta_e", "threshold",
    }  # fmt: skip
    assert entry["contrast_failures"] == [
        {
            "series": 3,
            "color": "#ffff00",
            "background": "light",
            "background_color": "#ffffff",
            "ratio": 1.074,
            "minimum": 3.0,
        }
    ]


def test_check_a_local_file_needs_no_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PHTUI_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("POSTHOG_PERSONAL_API_KEY", raising=False)
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"name": "Good", "colors": PASSING}))
    assert main(["themes", "check", str(good)]) == 0
    assert capsys.readouterr().out.startswith(f"ok    {good} (“Good”)")
    bad = tmp_path / "bad.css"
    bad.write_text('/* phtui-theme: {"name": "Bad"} */ :root { --preset-1: #ffff00; }')
    assert main(["themes", "check", str(bad)]) == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["themes", "check", "No such theme"], "No theme with the id or name “No such theme”."),
        (["themes", "check", "--min-delta-e", "x"], "argument --min-delta-e: not a number: 'x'"),
        (["themes", "check", "--background", "grey"], "argument --background: invalid choice"),
        (["themes", "frobnicate"], "argument COMMAND: invalid choice: 'frobnicate'"),
        (["themes"], "the following arguments are required: COMMAND"),
        (["themes", "fix", "Default Theme", "--lock", "16"], "--lock takes positions 1 to 15"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    env: RunningServer, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    try:
        status = main(argv)
    except SystemExit as exited:  # argparse's own errors
        status = int(exited.code or 0)
    assert status == 2
    err = _one_line_error(capsys.readouterr().err)
    assert message in err


def test_an_ambiguous_name_lists_the_ids(
    env: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _create(env, "Twin", PASSING)
    second = _create(env, "Twin", FAILING)
    assert main(["themes", "check", "Twin"]) == 2
    err = _one_line_error(capsys.readouterr().err)
    assert f"2 themes are named “Twin”; use an id: {first.id}, {second.id}" in err
    assert main(["themes", "check", str(first.id)]) == 0


def test_connection_problems_exit_2_without_a_verdict(
    env: RunningServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "phx_wrong_key_for_this_test")
    assert main(["themes", "check"]) == 2
    err = _one_line_error(capsys.readouterr().err)
    assert "rejected the API key" in err and "phx_wrong_key_for_this_test" not in err
    monkeypatch.delenv("POSTHOG_PERSONAL_API_KEY")
    assert main(["themes", "check"]) == 2
    assert "POSTHOG_PERSONAL_API_KEY" in _one_line_error(capsys.readouterr().err)
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", env.api_key)
    monkeypatch.setenv("POSTHOG_HOST", "http://127.0.0.1:9")  # nothing listens there
    assert main(["themes", "check"]) == 2
    _one_line_error(capsys.readouterr().err)


def test_a_name_with_terminal_escapes_is_printed_inert(
    env: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _create(env, "Evil\x1b]52;c;aGk=\x07\u202e", FAILING)
    assert main(["themes", "check"]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "“Evil\\x1b]52;c;aGk=\\x07\\u202e”" in out


# ---- export and apply ---------------------------------------------------------------------


def test_export_prints_json_with_provenance(
    env: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    theme = _create(env, "Brand", ["#1d4aff", "teal", 7])
    assert main(["themes", "export", "Brand"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "format": "phtui-theme/1",
        "name": "Brand",
        "colors": ["#1d4aff", "teal", 7],
        "source": {"host": env.url, "project_id": env.project_id, "id": theme.id},
    }


def test_export_css_and_tokens_by_option_or_file_name(
    env: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _create(env, "Brand", ["#1d4aff", "oops", "#f54e00"])
    assert main(["themes", "export", "Brand", "-o", "brand.css"]) == 0
    css = (tmp_path / "brand.css").read_text()
    assert "--preset-1: #1d4aff;" in css and "--preset-3: #f54e00;" in css
    err = capsys.readouterr().err
    assert "warning: preset-2 is not a colour: left out" in err
    assert "Exported “Brand” (id" in err and "to brand.css (css)." in err
    assert main(["themes", "export", "Brand", "--format", "tokens"]) == 0
    tokens = json.loads(capsys.readouterr().out)
    assert tokens["preset-3"]["$value"]["hex"] == "#f54e00"


def test_export_then_apply_round_trips_and_shows_the_diff_first(
    env: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    theme = _create(env, "Brand", ["#1d4aff", "#f54e00", "#f9bd2b"])
    assert main(["themes", "export", "Brand", "-o", "brand.json"]) == 0
    path = tmp_path / "brand.json"
    assert main(["themes", "apply", "brand.json"]) == 0  # unchanged: nothing to do
    assert "(no change: the colours are the same)" in capsys.readouterr().out

    document = json.loads(path.read_text())
    document["colors"] = ["#1d4aff", "#e14a00", "#f9bd2b", "#2b8a3e"]
    path.write_text(json.dumps(document))
    assert main(["themes", "apply", "brand.json", "--dry-run"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Update “Brand” (id {theme.id}):",
        "  preset-2  #f54e00 → #e14a00",
        "  preset-4  + #2b8a3e (added)",
        "Dry run: nothing changed.",
    ]
    assert next(t for t in _themes(env) if t.id == theme.id).colors[1] == "#f54e00"

    assert main(["themes", "apply", "brand.json"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"Updated “Brand” (id {theme.id})."
    stored = next(t for t in _themes(env) if t.id == theme.id)
    assert stored.colors == document["colors"]


@pytest.mark.parametrize("fmt", ["json", "css", "tokens"])
def test_apply_creates_a_theme_by_name_from_every_format(
    env: RunningServer, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    _create(env, "Source", ["#1d4aff", "#f54e00"])
    assert main(["themes", "export", "Source", "--format", fmt, "-o", f"source.{fmt}"]) == 0
    assert main(["themes", "apply", f"source.{fmt}", "--theme", "Copy"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == ["Create “Copy” with 2 colours:", "  preset-1  + #1d4aff (added)",
                       "  preset-2  + #f54e00 (added)"]  # fmt: skip
    copy = next(t for t in _themes(env) if t.name == "Copy")
    assert copy.colors == ["#1d4aff", "#f54e00"]


def test_copy_a_theme_between_profiles(
    fresh_server: RunningServer,
    demo_server: RunningServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        "".join(
            f'[profiles.{name}]\nhost = "{server.url}"\nproject_id = {server.project_id}\n'
            f'api_key = "{server.api_key}"\n'
            for name, server in (("a", demo_server), ("b", fresh_server))
        )
    )
    config.chmod(0o600)
    monkeypatch.setenv("PHTUI_CONFIG", str(config))
    for name in ("POSTHOG_PERSONAL_API_KEY", "POSTHOG_HOST", "POSTHOG_PROJECT_ID", "PHTUI_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["themes", "export", "Pastel", "--profile", "a", "-o", "pastel.json"]) == 0
    assert main(["themes", "apply", "pastel.json", "--profile", "b"]) == 0
    copied = next(t for t in _themes(fresh_server) if t.name == "Pastel")
    original = next(t for t in _themes(demo_server) if t.name == "Pastel")
    assert copied.colors == original.colors


def test_apply_refuses_official_themes_and_read_only_profiles(
    env: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"name": "Default Theme", "colors": PASSING}))
    assert main(["themes", "apply", "t.json"]) == 2
    assert "official theme: only PostHog staff" in _one_line_error(capsys.readouterr().err)
    assert main(["themes", "apply", "t.json", "--dry-run"]) == 0  # a diff is harmless
    monkeypatch.setenv("PHTUI_READ_ONLY", "1")
    assert main(["themes", "apply", "t.json", "--theme", "New"]) == 2
    assert "read-only" in _one_line_error(capsys.readouterr().err)
    assert all(t.name != "New" for t in _themes(env))


def test_a_write_posthog_refuses_exits_1(
    env: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", env.create_api_key(["project:read"]))
    (tmp_path / "t.json").write_text(json.dumps({"name": "New", "colors": PASSING}))
    assert main(["themes", "apply", "t.json"]) == 1
    assert "project:write" in _one_line_error(capsys.readouterr().err)


def test_apply_of_a_broken_file_is_a_usage_error(
    env: RunningServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "t.json").write_text('{"name": "x", "colors": ')
    assert main(["themes", "apply", "t.json"]) == 2
    assert "t.json: not JSON: Expecting value" in _one_line_error(capsys.readouterr().err)
    assert main(["themes", "apply", "missing.json"]) == 2
    assert "missing.json: cannot be read" in _one_line_error(capsys.readouterr().err)


# ---- fix ----------------------------------------------------------------------------------


def test_fix_prints_the_proposal_and_write_saves_it(
    env: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    theme = _create(env, "Fixable", ["#1d4aff", "#f54e00", "#f9bd2b", "#30abc6"])
    assert main(["themes", "fix", "Fixable"]) == 0  # the proposal passes
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"“Fixable” (id {theme.id}): ")
    assert any(line.startswith("  preset-3  #f9bd2b → #") and "ΔEOK 0." in line for line in out)
    assert out[-1] == "After the fix every check passes."
    assert (_themes(env))[-1].colors[2] == "#f9bd2b"  # printing changes nothing

    assert main(["themes", "fix", "Fixable", "--write"]) == 0
    assert (
        capsys.readouterr().out.splitlines()[-1] == f"Saved the fix to “Fixable” (id {theme.id})."
    )
    assert main(["themes", "check", "Fixable"]) == 0
    assert main(["themes", "fix", "Fixable"]) == 0
    assert "passes: nothing to fix." in capsys.readouterr().out


def test_fix_keeps_locked_colours_and_exits_1_when_failures_remain(
    env: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["themes", "fix", "Default Theme", "--cvd", "--lock", "1,2"]) == 1
    out = capsys.readouterr().out
    assert "Locked: preset-1, preset-2" in out and "Still failing after the fix:" in out
    assert "  preset-1 " not in out and "  preset-2 " not in out


def test_fix_write_on_an_official_theme_saves_a_copy(
    env: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["themes", "fix", "Default Theme", "--write"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("Official theme: saved the fix as the new theme “Default Theme (fixed)”")
    themes = {t.name: t for t in _themes(env)}
    assert themes["Default Theme"].colors == DEFAULT_THEME_COLORS
    assert check_palette(themes["Default Theme (fixed)"].colors, PaletteCheck(cvd_kinds=())).passed


def test_fix_write_rewrites_a_file_in_its_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PHTUI_CONFIG", str(tmp_path / "none.toml"))
    path = tmp_path / "brand.css"
    path.write_text('/* phtui-theme: {"name": "Brand"} */\n:root { --preset-1: #ffff00; }\n')
    assert main(["themes", "fix", str(path), "--write"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"Wrote the fix to {path}."
    assert main(["themes", "check", str(path)]) == 0
    assert '"name": "Brand"' in path.read_text()


def test_the_top_level_help_names_the_themes_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "phtui themes check|export|apply|fix" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        main(["themes", "check", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for option in ("--min-delta-e", "--cvd", "--background", "--format", "--profile"):
        assert option in out
