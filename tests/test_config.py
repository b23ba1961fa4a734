"""Settings: the TOML file, the environment, profiles, safe writing and readable errors."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phtui.config import (
    EU_HOST,
    US_HOST,
    ConfigError,
    Profile,
    default_config_path,
    load_settings,
    save_profile,
)

ENV_NAMES = (
    "POSTHOG_PERSONAL_API_KEY",
    "POSTHOG_HOST",
    "POSTHOG_PROJECT_ID",
    "PHTUI_CONFIG",
    "PHTUI_PROFILE",
    "PHTUI_READ_ONLY",
    "PHTUI_API_KEY",
    "PHTUI_HOST",
    "PHTUI_PROJECT_ID",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


def write(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


PROFILES = """\
default_profile = "work"

[profiles.work]
host = "https://posthog.example.com"
project_id = 42
api_key = "phx_work"

[profiles.eu]
project_id = 7
api_key = "phx_eu"

[keymap]
"themes.new" = "ctrl+n"
"""


def test_missing_file_gives_us_cloud_and_nothing_else(tmp_path: Path) -> None:
    resolved = load_settings(path=tmp_path / "absent.toml").resolve()
    assert (resolved.host, resolved.project_id, resolved.api_key) == (US_HOST, None, None)
    assert not resolved.complete


def test_default_profile_is_used(tmp_path: Path) -> None:
    settings = load_settings(path=write(tmp_path, PROFILES))
    resolved = settings.resolve()
    assert resolved.name == "work"
    assert (resolved.host, resolved.project_id, resolved.api_key) == (
        "https://posthog.example.com",
        42,
        "phx_work",
    )
    assert settings.keymap == {"themes.new": "ctrl+n"}


def test_preset_profile_fills_in_its_host(tmp_path: Path) -> None:
    resolved = load_settings(path=write(tmp_path, PROFILES)).resolve(profile="eu")
    assert (resolved.name, resolved.host, resolved.project_id) == ("eu", EU_HOST, 7)


def test_environment_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "phx_env")
    monkeypatch.setenv("POSTHOG_HOST", "https://eu.posthog.com")
    monkeypatch.setenv("POSTHOG_PROJECT_ID", "99")
    resolved = load_settings(path=tmp_path / "absent.toml").resolve()
    assert (resolved.host, resolved.project_id, resolved.api_key) == (EU_HOST, 99, "phx_env")


def test_environment_beats_the_default_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTHOG_PROJECT_ID", "5")
    resolved = load_settings(path=write(tmp_path, PROFILES)).resolve()
    assert resolved.project_id == 5
    assert resolved.api_key == "phx_work"  # the rest still comes from the profile


def test_an_explicit_profile_beats_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTHOG_PROJECT_ID", "5")
    monkeypatch.setenv("PHTUI_PROFILE", "work")
    resolved = load_settings(path=write(tmp_path, PROFILES)).resolve()
    assert resolved.project_id == 42


def test_command_line_options_beat_everything(tmp_path: Path) -> None:
    settings = load_settings(
        path=write(tmp_path, PROFILES), cli=Profile(host="http://127.0.0.1:8000", project_id=3)
    )
    resolved = settings.resolve(profile="work")
    assert (resolved.host, resolved.project_id, resolved.api_key) == (
        "http://127.0.0.1:8000",
        3,
        "phx_work",
    )


def test_unknown_profile_names_the_known_ones(tmp_path: Path) -> None:
    settings = load_settings(path=write(tmp_path, PROFILES))
    with pytest.raises(ConfigError) as caught:
        settings.resolve(profile="prod")
    assert "'prod'" in str(caught.value)
    assert "work" in str(caught.value) and "us" in str(caught.value)


def test_phtui_config_overrides_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, PROFILES)
    monkeypatch.setenv("PHTUI_CONFIG", str(path))
    assert default_config_path() == path
    assert load_settings().resolve().project_id == 42


def test_read_only_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHTUI_READ_ONLY", "1")
    assert load_settings(path=tmp_path / "absent.toml").resolve().read_only


def test_repr_of_the_resolved_profile_hides_the_key(tmp_path: Path) -> None:
    resolved = load_settings(path=write(tmp_path, PROFILES)).resolve()
    assert "phx_work" not in repr(resolved)
    assert "phx_work" not in repr(load_settings(path=write(tmp_path, PROFILES)))


# -- broken files: a message naming file, line and problem --------------------------------


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'default_profile = "us"\n[profiles.us]\nproject_id = \n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path=path)
    assert caught.value.line == 3
    assert str(caught.value).startswith(f"{path}, line 3: ")
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_wrong_type_names_the_setting_and_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.us]\nhost = "https://us.posthog.com"\nproject_id = "abc"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path=path)
    assert caught.value.line == 3
    assert "profiles.us.project_id" in caught.value.problem


def test_unknown_setting_is_reported_as_a_typo(tmp_path: Path) -> None:
    path = write(tmp_path, "\n[profiles.us]\nprojectid = 1\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path=path)
    assert caught.value.line == 3
    assert "unknown setting" in caught.value.problem


def test_keymap_values_must_be_strings(tmp_path: Path) -> None:
    path = write(tmp_path, '[keymap]\n"themes.new" = 3\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path=path)
    assert caught.value.line == 2


def test_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"host = '\xff'\n")
    with pytest.raises(ConfigError, match="cannot be read"):
        load_settings(path=path)


def test_bad_environment_value_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTHOG_PROJECT_ID", "abc")
    with pytest.raises(ConfigError) as caught:
        load_settings(path=tmp_path / "absent.toml")
    assert caught.value.source == "environment"


def test_world_readable_file_with_a_key_warns(tmp_path: Path) -> None:
    settings = load_settings(path=write(tmp_path, PROFILES, mode=0o644))
    assert any("chmod 600" in warning for warning in settings.warnings)
    assert not load_settings(path=write(tmp_path, PROFILES, mode=0o600)).warnings


def test_world_readable_file_without_a_key_does_not_warn(tmp_path: Path) -> None:
    assert not load_settings(path=write(tmp_path, "[keymap]\n", mode=0o644)).warnings


# -- writing ------------------------------------------------------------------------------


def test_save_profile_writes_0600_and_keeps_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path, PROFILES, mode=0o644)
    save_profile(
        path,
        "self-hosted",
        Profile(host="https://ph.example.org", project_id=12, api_key="phx_new"),
        make_default=True,
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    settings = load_settings(path=path)
    assert settings.keymap == {"themes.new": "ctrl+n"}
    assert set(settings.file.profiles) == {"work", "eu", "self-hosted"}
    resolved = settings.resolve()
    assert (resolved.name, resolved.project_id, resolved.api_key) == ("self-hosted", 12, "phx_new")


def test_save_profile_creates_missing_directories(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "config.toml"
    save_profile(path, "us", Profile(project_id=1, api_key="phx_1"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_settings(path=path).resolve(profile="us").host == US_HOST
    assert not [name for name in os.listdir(path.parent) if name.endswith(".tmp")]


def test_saved_strings_cannot_inject_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    sneaky = 'phx_a"\nread_only = true\n[profiles.evil]\nhost = "x'
    save_profile(path, 'we"ird\nname', Profile(project_id=1, api_key=sneaky))
    settings = load_settings(path=path)
    assert list(settings.file.profiles) == ['we"ird\nname']
    assert settings.resolve(profile='we"ird\nname').api_key == sneaky
    assert not settings.file.read_only


HAND_WRITTEN = """\
# phtui settings, by hand
default_profile = "work"  # the office

[profiles.work]  # self-hosted
host = "https://posthog.example.com"  # behind the VPN
project_id = 42
api_key = "phx_old"
read_only = true  # never change production by accident

# Keys I like
[keymap]
"themes.new" = "ctrl+n"  # n is too easy to hit
"""


def test_updating_a_profile_keeps_comments_layout_and_other_settings(tmp_path: Path) -> None:
    path = write(tmp_path, HAND_WRITTEN)
    save_profile(path, "work", Profile(host="https://posthog.example.com", api_key="phx_new"))
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN.replace("phx_old", "phx_new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_adding_a_profile_keeps_every_comment(tmp_path: Path) -> None:
    path = write(tmp_path, HAND_WRITTEN)
    save_profile(
        path, "eu", Profile(host=EU_HOST, project_id=7, api_key="phx_eu"), make_default=True
    )
    text = path.read_text(encoding="utf-8")
    for line in HAND_WRITTEN.splitlines():
        if "#" in line and "default_profile" not in line:
            assert line in text
    assert 'default_profile = "eu"  # the office' in text
    settings = load_settings(path=path)
    assert settings.file.profiles["work"].read_only  # untouched
    resolved = settings.resolve()
    assert (resolved.name, resolved.host, resolved.project_id) == ("eu", EU_HOST, 7)
    assert settings.keymap == {"themes.new": "ctrl+n"}


def test_saving_into_a_broken_file_refuses_instead_of_overwriting(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.work\nhost = "x"\n')
    with pytest.raises(ConfigError, match="not valid TOML"):
        save_profile(path, "work", Profile(api_key="phx_new"))
    assert path.read_text(encoding="utf-8") == '[profiles.work\nhost = "x"\n'


@given(name=st.text(min_size=1), key=st.text(min_size=1), comment=st.text())
def test_any_name_and_key_read_back_identically_and_comments_stay(
    tmp_path_factory: pytest.TempPathFactory, name: str, key: str, comment: str
) -> None:
    comment = " ".join(comment.split()).replace("\x7f", "")
    comment = "".join(char for char in comment if char.isprintable())
    path = tmp_path_factory.mktemp("config") / "config.toml"
    path.write_text(f"# {comment}\n[keymap]\n", encoding="utf-8")
    save_profile(path, name, Profile(project_id=1, api_key=key))
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"# {comment}\n")
    assert tomllib.loads(text)["profiles"] == {name: {"project_id": 1, "api_key": key}}


def test_environment_sets_only_connection_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PHTUI_WARNINGS", '["injected"]')
    monkeypatch.setenv("PHTUI_FILE", '{"read_only": true}')
    monkeypatch.setenv("PHTUI_CLI", '{"host": "https://evil.example"}')
    settings = load_settings(path=tmp_path / "absent.toml")
    assert settings.warnings == []
    assert not settings.file.read_only
    assert settings.resolve().host == US_HOST


def test_a_missing_default_profile_is_reported(tmp_path: Path) -> None:
    settings = load_settings(path=write(tmp_path, 'default_profile = "gone"\n'))
    with pytest.raises(ConfigError, match="no profile named 'gone'"):
        settings.resolve()


# -- where the key came from (named when PostHog rejects it) -------------------------------


def test_key_source_names_the_profile_and_its_file(tmp_path: Path) -> None:
    path = write(tmp_path, PROFILES)
    source = load_settings(path=path).resolve().key_source
    assert source is not None and source.kind == "profile"
    assert source.describe() == f"the profile “work” in {path}"


@pytest.mark.parametrize("variable", ["POSTHOG_PERSONAL_API_KEY", "PHTUI_API_KEY"])
def test_key_source_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "phx_env")
    resolved = load_settings(path=write(tmp_path, PROFILES)).resolve()  # env beats the default
    assert resolved.api_key == "phx_env" and resolved.key_source is not None
    assert resolved.key_source.describe() == f"the environment variable {variable}"


def test_key_source_of_an_explicit_profile_beats_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "phx_env")
    resolved = load_settings(path=write(tmp_path, PROFILES)).resolve(profile="eu")
    assert resolved.api_key == "phx_eu"
    assert resolved.key_source is not None and resolved.key_source.name == "eu"


def test_key_source_of_the_command_line(tmp_path: Path) -> None:
    settings = load_settings(path=tmp_path / "absent.toml", cli=Profile(api_key="phx_cli"))
    settings.cli_key_label = "--demo's local server"
    source = settings.resolve().key_source
    assert source is not None and source.describe() == "--demo's local server"


def test_no_key_has_no_source(tmp_path: Path) -> None:
    assert load_settings(path=tmp_path / "absent.toml").resolve().key_source is None
