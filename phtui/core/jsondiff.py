"""The one structural diff of JSON values: what changed, where, from what to what.

Used for an item's history (version against version), the conflict view (the version you started
from, the server's, yours), an import's dry run, and the field lists of a PATCH. Equality is
JSON equality as PostHog compares content: object key order does not matter, types do (`1`,
`1.0` and `true` differ), array order does.

Arrays are aligned by their longest common subsequence, so inserting one chat message reports
one addition rather than every later message as changed. Very long arrays fall back to aligning
by position, which stays linear.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "Change",
    "ChangeKind",
    "Path",
    "changed_keys",
    "diff",
    "format_path",
    "same_json",
]

Path = tuple[str | int, ...]
ChangeKind = Literal["added", "removed", "changed"]
# Past this many cells (len(a) * len(b)) arrays are aligned by position instead of by LCS.
_LCS_CELLS = 40_000


def canonical(value: Any) -> str:
    """One spelling per JSON value: sorted keys, no spaces; `1`, `1.0` and `true` differ."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def same_json(a: Any, b: Any) -> bool:
    return a is b or canonical(a) == canonical(b)


@dataclass(frozen=True)
class Change:
    path: Path
    kind: ChangeKind
    old: Any = None  # None for "added"
    new: Any = None  # None for "removed"

    def __str__(self) -> str:
        where = format_path(self.path) or "(whole value)"
        if self.kind == "added":
            return f"+ {where}: {_short(self.new)}"
        if self.kind == "removed":
            return f"- {where}: {_short(self.old)}"
        return f"~ {where}: {_short(self.old)} → {_short(self.new)}"


def format_path(path: Path) -> str:
    """`input.messages[2].content`; keys that are not identifiers are quoted: `metadata["a b"]`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier():
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part, ensure_ascii=False)}]"
    return text


def diff(old: Any, new: Any, path: Path = ()) -> list[Change]:
    """Every difference between two JSON values, outermost first, in document order."""
    changes: list[Change] = []
    _diff(old, new, path, changes)
    return changes


def changed_keys(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """The keys of `new` whose values differ from `old`'s (absent in `old` counts as changed):
    the fields a PATCH must send."""
    return [key for key in new if key not in old or not same_json(old[key], new[key])]


def _diff(old: Any, new: Any, path: Path, out: list[Change]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old:
            if key not in new:
                out.append(Change((*path, key), "removed", old=old[key]))
            else:
                _diff(old[key], new[key], (*path, key), out)
        for key in new:
            if key not in old:
                out.append(Change((*path, key), "added", new=new[key]))
    elif isinstance(old, list) and isinstance(new, list):
        _diff_lists(old, new, path, out)
    elif not same_json(old, new):
        out.append(Change(path, "changed", old=old, new=new))


def _diff_lists(old: Sequence[Any], new: Sequence[Any], path: Path, out: list[Change]) -> None:
    if len(old) * len(new) > _LCS_CELLS:
        for index in range(max(len(old), len(new))):
            if index >= len(new):
                out.append(Change((*path, index), "removed", old=old[index]))
            elif index >= len(old):
                out.append(Change((*path, index), "added", new=new[index]))
            else:
                _diff(old[index], new[index], (*path, index), out)
        return
    for tag, i, j in _align([canonical(v) for v in old], [canonical(v) for v in new]):
        if tag == "same":
            continue
        if tag == "removed":
            out.append(Change((*path, i), "removed", old=old[i]))
        elif tag == "added":
            out.append(Change((*path, j), "added", new=new[j]))
        else:  # a replaced element of the same container kind: look inside it
            _diff(old[i], new[j], (*path, j), out)


def _align(a: list[str], b: list[str]) -> list[tuple[str, int, int]]:
    """Steps turning `a` into `b` by their longest common subsequence: ("same", i, j),
    ("removed", i, -1), ("added", -1, j) or ("replaced", i, j) for a removal met by an addition
    at the same place (so an edited element is reported inside, not as remove-plus-add)."""
    rows, cols = len(a), len(b)
    lengths = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            if a[i] == b[j]:
                lengths[i][j] = lengths[i + 1][j + 1] + 1
            else:
                lengths[i][j] = max(lengths[i + 1][j], lengths[i][j + 1])
    steps: list[tuple[str, int, int]] = []
    i = j = 0
    while i < rows or j < cols:
        if i < rows and j < cols and a[i] == b[j]:
            steps.append(("same", i, j))
            i += 1
            j += 1
        elif i < rows and j < cols and lengths[i + 1][j + 1] == lengths[i][j]:
            # Pairing the two loses no common element: an element edited in place.
            steps.append(("replaced", i, j))
            i += 1
            j += 1
        elif j >= cols or (i < rows and lengths[i + 1][j] >= lengths[i][j + 1]):
            steps.append(("removed", i, -1))
            i += 1
        else:
            steps.append(("added", -1, j))
            j += 1
    return steps


def _short(value: Any, width: int = 60) -> str:
    text = canonical(value)
    return text if len(text) <= width else text[: width - 1] + "…"
