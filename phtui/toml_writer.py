"""A small TOML writer for phtui's config file (the stdlib reads TOML but cannot write it).

Supports what the config holds: tables of tables, strings, ints, floats, bools and lists of
those. Strings are always written as escaped basic strings, so a value can never break out of
its quotes and inject settings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def quote(text: str) -> str:
    """A TOML basic string: quotes, backslashes and every control character escaped."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else quote(name)


def value(item: Any) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        if math.isnan(item) or math.isinf(item):
            raise ValueError("TOML config values must be finite numbers")
        return repr(item)
    if isinstance(item, str):
        return quote(item)
    if isinstance(item, list | tuple):
        return "[" + ", ".join(value(element) for element in item) + "]"
    raise TypeError(f"cannot write a {type(item).__name__} to the config file")


def dumps_toml(document: Mapping[str, Any]) -> str:
    """Serialise `document`: plain values first, then one `[table]` section per nested table."""
    lines: list[str] = []
    _write_table(document, (), lines)
    return "\n".join(lines).lstrip("\n") + "\n"


def _write_table(table: Mapping[str, Any], path: tuple[str, ...], lines: list[str]) -> None:
    scalars = {name: item for name, item in table.items() if not isinstance(item, Mapping)}
    tables = {name: item for name, item in table.items() if isinstance(item, Mapping)}
    if path and (scalars or not tables):
        lines.append("")
        lines.append("[" + ".".join(key(part) for part in path) + "]")
    for name, item in scalars.items():
        lines.append(f"{key(name)} = {value(item)}")
    for name, item in tables.items():
        _write_table(item, (*path, name), lines)
