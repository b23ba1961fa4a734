"""A theme as a file in version control: JSON, CSS custom properties or Design Tokens.

``json`` is the round-trip format: the name and the colours exactly as PostHog stores them (any
JSON), plus where the theme came from (host, project, id) for provenance. ``css`` writes one
custom property per colour in PostHog's ``preset-N`` naming; ``tokens`` a Design Tokens (W3C
DTCG, format 2025.10) group of colour tokens with the same names. Both carry the name so a file
of any format can be applied again; entries that are not colours cannot be written as CSS or
tokens and are left out (``ThemeFile.invalid`` says which). Pure: no I/O, no Textual.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePath
from typing import Any, Literal, TypeGuard

from phtui.core.jsondoc import canonical
from phtui.core.palette import ColorParseError, hex_to_rgb, parse_color, token_name

__all__ = [
    "FILE_FORMAT",
    "ColorDiff",
    "ThemeFile",
    "ThemeFileError",
    "ThemeFormat",
    "color_diff",
    "detect_format",
    "dump_theme",
    "format_for_path",
    "load_theme",
]

# The "format" key of a JSON theme file: a later, different layout gets a new version.
FILE_FORMAT = "phtui-theme/1"
# Where phtui keeps the name and provenance inside a tokens file ($extensions key).
_TOKENS_EXTENSION = "phtui"
_CSS_HEADER = re.compile(r"/\*\s*phtui-theme:\s*(.*?)\s*\*/", re.S)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_PROPERTY = re.compile(r"--preset-(\d+)\s*:\s*([^;}]+)")
_PRESET = re.compile(r"^preset-(\d+)$")


class ThemeFormat(StrEnum):
    JSON = "json"
    CSS = "css"
    TOKENS = "tokens"


class ThemeFileError(ValueError):
    """A file that is not a theme: ``str()`` says why in one line."""


@dataclass(frozen=True)
class ThemeFile:
    """A theme's name and colours, and where it came from (None when unknown)."""

    name: str
    colors: list[Any]
    id: int | None = None
    project_id: int | None = None
    host: str | None = None
    is_global: bool = False

    @property
    def invalid(self) -> list[int]:
        """Positions (0-based) of entries that are not colours."""
        return [index for index, color in enumerate(self.colors) if _as_color(color) is None]

    def provenance(self) -> dict[str, Any]:
        source = {"host": self.host, "project_id": self.project_id, "id": self.id}
        if self.is_global:
            source["is_global"] = True
        return {key: value for key, value in source.items() if value is not None}


def _as_color(entry: object) -> str | None:
    if not isinstance(entry, str):
        return None
    try:
        return parse_color(entry)
    except ColorParseError:
        return None


def format_for_path(path: PurePath) -> ThemeFormat | None:
    """The format a file name suggests (``.css``, ``.tokens``/``.tokens.json``, ``.json``)."""
    name = path.name.lower()
    if name.endswith(".css"):
        return ThemeFormat.CSS
    if name.endswith((".tokens", ".tokens.json")):
        return ThemeFormat.TOKENS
    if name.endswith(".json"):
        return ThemeFormat.JSON
    return None


# ---- writing --------------------------------------------------------------------------------


def dump_theme(theme: ThemeFile, fmt: ThemeFormat) -> str:
    """The file's text (ends with a newline)."""
    if fmt is ThemeFormat.CSS:
        return _dump_css(theme)
    if fmt is ThemeFormat.TOKENS:
        return _dump_tokens(theme)
    document: dict[str, Any] = {"format": FILE_FORMAT, "name": theme.name, "colors": theme.colors}
    if source := theme.provenance():
        document["source"] = source
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _valid_colors(theme: ThemeFile) -> list[tuple[int, str]]:
    return [(i, color) for i, entry in enumerate(theme.colors) if (color := _as_color(entry))]


def _dump_css(theme: ThemeFile) -> str:
    header = {"name": theme.name, **theme.provenance()}
    # "*/" in a name would end the comment: JSON may escape "/" as "\/".
    meta = json.dumps(header, ensure_ascii=True).replace("/", "\\/")
    lines = [
        f"/* phtui-theme: {meta} */",
        "/* A PostHog data color theme: chart series N takes --preset-N. */",
        ":root {",
    ]
    lines += [f"  --{token_name(index)}: {color};" for index, color in _valid_colors(theme)]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dump_tokens(theme: ThemeFile) -> str:
    document: dict[str, Any] = {
        "$type": "color",
        "$description": "A PostHog data color theme: chart series N takes preset-N.",
        "$extensions": {_TOKENS_EXTENSION: {"name": theme.name, **theme.provenance()}},
    }
    for index, color in _valid_colors(theme):
        components = [round(channel / 255, 4) for channel in hex_to_rgb(color)]
        document[token_name(index)] = {
            "$value": {"colorSpace": "srgb", "components": components, "hex": color}
        }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# ---- reading --------------------------------------------------------------------------------


def load_theme(text: str, fmt: ThemeFormat | None = None) -> ThemeFile:
    """Read a theme file; ``fmt`` None: ``detect_format``. Raises ``ThemeFileError``."""
    fmt = fmt or detect_format(text)
    if fmt is ThemeFormat.CSS:
        return _load_css(text)
    document = _json_object(text)
    return _load_tokens(document) if fmt is ThemeFormat.TOKENS else _load_json(document)


def detect_format(text: str) -> ThemeFormat:
    """What a file's text looks like: CSS unless it is JSON, tokens unless it has "colors"."""
    if not text.lstrip().startswith(("{", "[")):
        return ThemeFormat.CSS
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return ThemeFormat.JSON  # reading it says why it is not
    if isinstance(document, dict) and "colors" not in document:
        return ThemeFormat.TOKENS
    return ThemeFormat.JSON


def _json_object(text: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ThemeFileError(
            f"not JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise ThemeFileError("not JSON: nested too deeply") from None
    if not isinstance(document, dict):
        raise ThemeFileError("a theme file holds a JSON object, not a list or a value")
    return document


def _name(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ThemeFileError(f"{where} has no theme name (a non-empty string)")
    return value


def _provenance(source: object) -> dict[str, Any]:
    if not isinstance(source, dict):
        return {}
    found: dict[str, Any] = {}
    for key in ("id", "project_id"):
        value = source.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            found[key] = value
    if isinstance(source.get("host"), str):
        found["host"] = source["host"]
    found["is_global"] = source.get("is_global") is True
    return found


def _load_json(document: dict[str, Any]) -> ThemeFile:
    colors = document.get("colors")
    if not isinstance(colors, list):
        raise ThemeFileError('the file has no "colors" list')
    name = _name(document.get("name"), "the file")
    return ThemeFile(name, colors, **_provenance(document.get("source")))


def _load_tokens(document: dict[str, Any]) -> ThemeFile:
    meta = document.get("$extensions", {})
    meta = meta.get(_TOKENS_EXTENSION) if isinstance(meta, dict) else None
    if not isinstance(meta, dict):
        raise ThemeFileError(
            f'the tokens file has no "$extensions"."{_TOKENS_EXTENSION}" with the theme name'
        )
    numbered = [
        (_preset_number(key), _token_color(key, value))
        for key, value in document.items()
        if not key.startswith("$")
    ]
    colors: list[Any] = [color for _, color in numbered]
    if all(number is not None for number, _ in numbered):  # preset-N: N decides the order
        colors = [color for _, color in sorted(numbered, key=lambda item: item[0] or 0)]
    return ThemeFile(_name(meta.get("name"), "the tokens file"), colors, **_provenance(meta))


def _preset_number(key: str) -> int | None:
    match = _PRESET.match(key)
    return int(match.group(1)) if match else None


def _token_color(key: str, token: object) -> str:
    value = token.get("$value") if isinstance(token, dict) else None
    if isinstance(value, str):  # earlier drafts of the format: a hex string
        return _parse(value, f"token {key!r}")
    if isinstance(value, dict):
        if isinstance(value.get("hex"), str):
            return _parse(value["hex"], f"token {key!r}")
        components = value.get("components")
        if value.get("colorSpace") == "srgb" and _unit_triplet(components):
            red, green, blue = (round(channel * 255) for channel in components)
            return f"#{red:02x}{green:02x}{blue:02x}"
    raise ThemeFileError(f"token {key!r} has no sRGB colour value (hex or srgb components)")


def _unit_triplet(value: object) -> TypeGuard[list[float]]:
    return (
        isinstance(value, list)
        and len(value) == 3
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in value)
        and all(0 <= c <= 1 for c in value)
    )


def _parse(text: str, where: str) -> str:
    try:
        return parse_color(text)
    except ColorParseError as error:
        raise ThemeFileError(f"{where}: {error}") from None


def _load_css(text: str) -> ThemeFile:
    header = _CSS_HEADER.search(text)
    if header is None:
        raise ThemeFileError("the CSS file has no /* phtui-theme: {...} */ comment with the name")
    try:
        meta = json.loads(header.group(1))
    except json.JSONDecodeError:
        raise ThemeFileError("the phtui-theme comment is not a JSON object") from None
    if not isinstance(meta, dict):
        raise ThemeFileError("the phtui-theme comment is not a JSON object")
    found: dict[int, str] = {}
    for match in _CSS_PROPERTY.finditer(_CSS_COMMENT.sub(" ", text)):
        number = int(match.group(1))
        if number in found:
            raise ThemeFileError(f"--preset-{number} is set twice")
        found[number] = _parse(match.group(2).strip(), f"--preset-{number}")
    if not found:
        raise ThemeFileError("the CSS file sets no --preset-N custom property")
    colors = [found[number] for number in sorted(found)]
    return ThemeFile(_name(meta.get("name"), "the CSS file"), colors, **_provenance(meta))


# ---- comparing ------------------------------------------------------------------------------

DiffKind = Literal["changed", "added", "removed"]


@dataclass(frozen=True)
class ColorDiff:
    """What happens at position ``index`` (0-based): ``old`` -> ``new`` (None: absent)."""

    index: int
    kind: DiffKind
    old: object = field(default=None)
    new: object = field(default=None)

    def describe(self) -> str:
        """One line: ``preset-3  #42827e -> #3f8a85``; entries shown as JSON when not text."""
        label = f"{token_name(self.index):<10}"
        if self.kind == "added":
            return f"{label}+ {_shown(self.new)} (added)"
        if self.kind == "removed":
            return f"{label}- {_shown(self.old)} (removed)"
        return f"{label}{_shown(self.old)} → {_shown(self.new)}"


def _shown(entry: object) -> str:
    return entry if isinstance(entry, str) else json.dumps(entry)


def color_diff(old: Sequence[object], new: Sequence[object]) -> list[ColorDiff]:
    """Position by position, as PostHog assigns colours to series: changed, added, removed."""
    diff = [
        ColorDiff(index, "changed", before, after)
        for index, (before, after) in enumerate(zip(old, new, strict=False))
        if canonical(before) != canonical(after)
    ]
    diff += [ColorDiff(i, "added", new=new[i]) for i in range(len(old), len(new))]
    diff += [ColorDiff(i, "removed", old=old[i]) for i in range(len(new), len(old))]
    return diff
