"""Settings: profiles, host, project id, key and keymap from a TOML file and the environment.

The file lives in the user config dir (`PHTUI_CONFIG` overrides the path). Precedence, highest
first: command-line options, then the selected profile when one was chosen explicitly
(`--profile` or `PHTUI_PROFILE`), then `POSTHOG_*` / `PHTUI_*` variables, then the file's default
profile, then the built-in presets. A broken file raises `ConfigError` naming file, line and
problem; nothing here ever prints a traceback or the key.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr
from pydantic import ValidationError as PydanticValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

# tomllib and tomlkit are imported where a file is read or written: most starts have no
# file to parse, and every import counts before the first frame (benchmarks/startup_bench.py).

CONFIG_ENV = "PHTUI_CONFIG"
US_HOST = "https://us.posthog.com"
EU_HOST = "https://eu.posthog.com"
LOCAL_HOST = "http://127.0.0.1:8010"  # `phtui server`'s default port

# Built-in profiles: usable by name even when the file does not define them.
PRESET_HOSTS: dict[str, str] = {"us": US_HOST, "eu": EU_HOST, "local": LOCAL_HOST}


class ConfigError(Exception):
    """A config file or variable phtui cannot use. `str()` names the source, line and problem."""

    def __init__(self, source: str, problem: str, *, line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.problem = problem
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {problem}")


class Profile(BaseModel):
    """One named connection: host, project and (optionally) the key."""

    model_config = ConfigDict(extra="forbid")

    host: str | None = None
    project_id: int | None = Field(default=None, gt=0)
    api_key: SecretStr | None = None
    read_only: bool = False


class FileSettings(BaseModel):
    """The shape of the TOML file. Unknown keys are errors so typos get reported."""

    model_config = ConfigDict(extra="forbid")

    # `{}`, not `default_factory=dict`: pydantic copies it per instance (see api/models.py).
    default_profile: str | None = None
    read_only: bool = False
    profiles: dict[str, Profile] = {}
    keymap: dict[str, str] = {}


def default_config_path() -> Path:
    """`PHTUI_CONFIG`, else `config.toml` in the platform's user config dir."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path("phtui", appauthor=False) / "config.toml"


class Settings(BaseSettings):
    """Everything phtui reads before connecting. `load_settings()` adds the file's contents."""

    model_config = SettingsConfigDict(
        env_prefix="PHTUI_", populate_by_name=True, extra="ignore", env_ignore_empty=True
    )

    host: str | None = Field(default=None, validation_alias=AliasChoices("host", "POSTHOG_HOST"))
    project_id: int | None = Field(
        default=None, gt=0, validation_alias=AliasChoices("project_id", "POSTHOG_PROJECT_ID")
    )
    api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("api_key", "POSTHOG_PERSONAL_API_KEY", "PHTUI_API_KEY"),
    )
    profile: str | None = None
    read_only: bool = False
    # Command-line options: they beat everything else.
    cli: Profile = Field(default_factory=Profile, exclude=True)
    file: FileSettings = Field(default_factory=FileSettings, exclude=True)
    config_path: Path | None = Field(default=None, exclude=True)
    warnings: list[str] = Field(default=[], exclude=True)
    # How to name `cli.api_key` when it is rejected (e.g. "phtui --demo's local server").
    cli_key_label: str = Field(default="the command line", exclude=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML file is read by `load_settings` (for line-accurate errors), not as a source;
        # and the environment may set only the connection fields, not `file`, `cli`, ...
        return (init_settings, _Only(settings_cls, env_settings, ENV_FIELDS))

    @property
    def keymap(self) -> dict[str, str]:
        return dict(self.file.keymap)

    def profile_names(self) -> list[str]:
        """Profiles in the file, then the presets it does not redefine."""
        names = list(self.file.profiles)
        return names + [name for name in PRESET_HOSTS if name not in names]

    def resolve(self, *, profile: str | None = None) -> ResolvedProfile:
        """The connection to use, after applying the precedence in the module docstring.

        Raises `ConfigError` when the chosen (or default) profile does not exist.
        """
        chosen = profile or self.profile
        name = chosen or self.file.default_profile
        stored = self._profile(name) if name else Profile()
        env = Profile(host=self.host, project_id=self.project_id, api_key=self.api_key)
        first, second = (stored, env) if chosen else (env, stored)
        key = self.cli.api_key or first.api_key or second.api_key
        source = None
        if self.cli.api_key:
            source = KeySource("option", self.cli_key_label)
        elif key is not None and key is stored.api_key:
            source = KeySource("profile", name or "", self.config_path)
        elif key is not None:
            source = KeySource("environment", _key_variable())
        return ResolvedProfile(
            name=name,
            host=self.cli.host or first.host or second.host or US_HOST,
            project_id=self.cli.project_id or first.project_id or second.project_id,
            api_key=key.get_secret_value() if key else None,
            read_only=any(
                (self.read_only, self.file.read_only, stored.read_only, self.cli.read_only)
            ),
            key_source=source,
        )

    def _profile(self, name: str) -> Profile:
        if name in self.file.profiles:
            stored = self.file.profiles[name]
            if stored.host is None and name in PRESET_HOSTS:
                return stored.model_copy(update={"host": PRESET_HOSTS[name]})
            return stored
        if name in PRESET_HOSTS:
            return Profile(host=PRESET_HOSTS[name])
        known = ", ".join(self.profile_names())
        raise ConfigError(
            str(self.config_path or "settings"), f"no profile named {name!r} (known: {known})"
        )


ENV_FIELDS = frozenset({"host", "project_id", "api_key", "profile", "read_only"})
KEY_VARIABLES = ("POSTHOG_PERSONAL_API_KEY", "PHTUI_API_KEY")  # in the order Settings reads them


def _key_variable() -> str:
    """The variable the key was read from (the first one set), as `Settings.api_key` reads it."""
    return next((name for name in KEY_VARIABLES if os.environ.get(name)), "settings")


class _Only(PydanticBaseSettingsSource):
    """Another source's values, limited to `fields`."""

    def __init__(
        self,
        settings_cls: type[BaseSettings],
        inner: PydanticBaseSettingsSource,
        fields: frozenset[str],
    ) -> None:
        super().__init__(settings_cls)
        self._inner = inner
        self._fields = fields

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ delegates to the inner source

    def __call__(self) -> dict[str, Any]:
        return {name: value for name, value in self._inner().items() if name in self._fields}


@dataclass(frozen=True)
class KeySource:
    """Where the API key came from, so a rejected key can be traced to what to fix.

    `kind`: "environment" (`name` is the variable), "profile" (`name` in the file at `path`),
    "option" (`name` is the command-line option) or "form" (typed in the connect screen).
    """

    kind: Literal["environment", "profile", "option", "form"]
    name: str = ""
    path: Path | None = None

    def describe(self) -> str:
        """E.g. "the profile “work” in /home/ada/.config/phtui/config.toml"."""
        if self.kind == "environment":
            return f"the environment variable {self.name}"
        if self.kind == "profile":
            where = f" in {self.path}" if self.path else ""
            return f"the profile “{self.name}”{where}"
        if self.kind == "option":
            return self.name
        return "the connect form"


@dataclass(frozen=True)
class ResolvedProfile:
    """What the app connects with. `repr` never shows the key."""

    name: str | None
    host: str
    project_id: int | None
    api_key: str | None
    read_only: bool = False
    key_source: KeySource | None = None  # None: no key, or a caller that did not say

    def __repr__(self) -> str:
        key = "set" if self.api_key else "unset"
        return (
            f"ResolvedProfile(name={self.name!r}, host={self.host!r}, "
            f"project_id={self.project_id!r}, api_key={key})"
        )

    @property
    def complete(self) -> bool:
        return bool(self.api_key and self.project_id)


def load_settings(*, path: Path | None = None, **overrides: Any) -> Settings:
    """Settings from the environment and the TOML file at `path` (default: `default_config_path`).

    A missing file is fine. Raises `ConfigError` for a file or variable that cannot be used.
    """
    config_path = path or default_config_path()
    file_settings, warnings = read_config_file(config_path)
    try:
        return Settings(file=file_settings, config_path=config_path, warnings=warnings, **overrides)
    except PydanticValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise ConfigError("environment", f"{field}: {first['msg']}") from None


def read_config_file(path: Path) -> tuple[FileSettings, list[str]]:
    """Parse and validate the file; return it with warnings (e.g. a key readable by others)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return FileSettings(), []
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(str(path), f"cannot be read ({error.__class__.__name__})") from None
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, problem = _split_toml_error(str(error))
        raise ConfigError(str(path), problem, line=line) from None
    try:
        parsed = FileSettings.model_validate(data)
    except PydanticValidationError as error:
        first = error.errors()[0]
        loc = tuple(str(part) for part in first["loc"])
        problem = f"{'.'.join(loc)}: {_friendly(first['msg'], first['type'])}"
        raise ConfigError(str(path), problem, line=locate_key(text, loc)) from None
    warnings = []
    if _holds_key(parsed) and _readable_by_others(path):
        warnings.append(
            f"{path} holds an API key and is readable by other users: run chmod 600 {path}"
        )
    return parsed, warnings


def _friendly(message: str, kind: str) -> str:
    if kind == "extra_forbidden":
        return "unknown setting (check the spelling)"
    return message


def _split_toml_error(message: str) -> tuple[int | None, str]:
    """tomllib says 'Invalid value (at line 3, column 9)': split off the position."""
    marker = " (at line "
    if marker not in message:
        return None, message
    problem, _, rest = message.partition(marker)
    line_text = rest.split(",", 1)[0].rstrip(")")
    return (int(line_text) if line_text.isdigit() else None), problem


def locate_key(text: str, loc: tuple[str, ...]) -> int | None:
    """Best-effort line of `loc` (e.g. ('profiles', 'us', 'project_id')) in TOML text."""
    lines = text.splitlines()
    start = 0
    *tables, key = loc if loc else ("",)
    if tables:
        header_names = {".".join(tables[:i]) for i in range(1, len(tables) + 1)}
        for number, raw in enumerate(lines):
            stripped = raw.strip()
            if stripped.startswith("[") and stripped.strip("[]").strip() in header_names:
                start = number
    for number in range(start, len(lines)):
        name = lines[number].split("=", 1)[0].strip().strip('"')
        if "=" in lines[number] and name == key:
            return number + 1
    return start + 1 if tables else None


def _holds_key(parsed: FileSettings) -> bool:
    return any(profile.api_key for profile in parsed.profiles.values())


def _readable_by_others(path: Path) -> bool:
    if os.name != "posix":
        return False
    return bool(path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))


def save_profile(
    path: Path,
    name: str,
    profile: Profile,
    *,
    make_default: bool = False,
) -> None:
    """Set profile `name`'s host, project and key in the file, written 0600.

    Everything else stays as the user wrote it: comments, order, other profiles and the
    profile's other settings (tomlkit edits the document in place). Raises `ConfigError` when
    the existing file cannot be read or parsed: it is never overwritten blindly.
    """
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    text = ""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        pass
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(str(path), f"cannot be read ({error.__class__.__name__})") from None
    try:
        document = tomlkit.parse(text)
    except TOMLKitError as error:
        line = getattr(error, "line", None)
        raise ConfigError(str(path), "not valid TOML: fix it before saving", line=line) from None
    profiles = document.setdefault("profiles", tomlkit.table(is_super_table=True))
    if not isinstance(profiles, dict) or not isinstance(profiles.get(name, {}), dict):
        raise ConfigError(str(path), f"profiles.{name} is not a table: fix it before saving")
    if name not in profiles:
        new = tomlkit.table()
        new.add(tomlkit.nl())  # a blank line before whatever table follows
        profiles[name] = new
    table = profiles[name]
    for key, value in _profile_fields(profile).items():
        table[key] = value
    if make_default:
        document["default_profile"] = name  # tomlkit puts it above the tables
    write_private(path, tomlkit.dumps(document))


def _profile_fields(profile: Profile) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if profile.host:
        fields["host"] = profile.host
    if profile.project_id:
        fields["project_id"] = profile.project_id
    if profile.api_key:
        fields["api_key"] = profile.api_key.get_secret_value()
    if profile.read_only:
        fields["read_only"] = True
    return fields


def write_private(path: Path, text: str) -> None:
    """Write `text` atomically with mode 0600: the file may hold an API key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def redacted(settings: Settings, resolved: ResolvedProfile) -> Mapping[str, Any]:
    """What `phtui config show` prints: every value, the key reduced to whether it is set."""
    profiles = {
        name: {
            **profile.model_dump(exclude={"api_key"}, exclude_none=True),
            "api_key": "<set>" if profile.api_key else "<unset>",
        }
        for name, profile in settings.file.profiles.items()
    }
    return {
        "config_file": str(settings.config_path),
        "active": {
            "profile": resolved.name,
            "host": resolved.host,
            "project_id": resolved.project_id,
            "api_key": "<set>" if resolved.api_key else "<unset>",
            "read_only": resolved.read_only,
        },
        "default_profile": settings.file.default_profile,
        "profiles": profiles,
        "keymap": settings.keymap,
    }
