"""JSON nested deeper than the usual parsers allow, read without recursion.

PostHog stores JSON values as deep as its own parser accepts (Python's, about 900 levels
inside a request). pydantic's fast JSON parser stops at 200 levels and Python's `json` module
at the interpreter's recursion limit (less the frames already in use), so one deep item would
make a whole page unreadable. The client therefore reads a page in up to three ways:

1. `TypeAdapter.validate_json`: the fast path, any value up to 200 levels;
2. `json.loads` then `validate_python`: up to what the recursion limit leaves, which is why
   `loads_on_fresh_stack` tries again on a thread of its own, whose stack is empty (about 990
   levels, more than a Python PostHog can store or send, whatever the caller's own depth);
3. `loads`, below: an iterative parser with no depth limit of its own. A container nested
   deeper than `max_depth` (what the rest of the program could still handle, see
   `safe_depth`) is not built: it becomes `TOO_DEEP`, and `mark_too_deep` turns each object
   holding one into a placeholder (`too_deep: true`, the deep fields null) so the rest of the
   page still loads.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from typing import TYPE_CHECKING, Any, Final

from phtui.api.models import CONTENT_FIELDS  # a placeholder always drops them

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

__all__ = [
    "TOO_DEEP",
    "dumps_on_fresh_stack",
    "loads",
    "loads_on_fresh_stack",
    "mark_too_deep",
    "safe_depth",
]


class _TooDeep:
    __slots__ = ()

    def __repr__(self) -> str:
        return "TOO_DEEP"


TOO_DEEP: Final = _TooDeep()


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS = {"true": True, "false": False, "null": None}
_scanstring = json.decoder.scanstring  # type: ignore[attr-defined]
# Frames kept free for the code that uses a value after it is read (formatting, comparing).
_HEADROOM = 100


_fresh_stack: ThreadPoolExecutor | None = None
_fresh_stack_lock = threading.Lock()


def _on_fresh_stack() -> ThreadPoolExecutor:
    global _fresh_stack
    from concurrent.futures import ThreadPoolExecutor

    with _fresh_stack_lock:
        if _fresh_stack is None:
            _fresh_stack = ThreadPoolExecutor(1, thread_name_prefix="phtui-deep-json")
        return _fresh_stack


def loads_on_fresh_stack(data: bytes | str) -> Any:
    """`json.loads`, and if the caller's stack is too deep for `data`, again on a thread whose
    stack is empty. Raises RecursionError when even that is not deep enough."""
    try:
        return json.loads(data)
    except RecursionError:
        pass
    return _on_fresh_stack().submit(json.loads, data).result()


_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def dumps_on_fresh_stack(value: Any) -> bytes:
    """A request body as httpx would encode it (compact UTF-8, NaN refused), done again on a
    thread of its own when the caller's stack is too deep for `value`."""
    try:
        return _compact(value).encode()
    except RecursionError:
        pass
    return _on_fresh_stack().submit(_compact, value).result().encode()


def safe_depth() -> int:
    """How deep a value may nest for recursive code running about here to still handle it:
    the recursion limit less the frames in use and some headroom."""
    frame = sys._getframe()
    used = 0
    while frame is not None:
        used += 1
        frame = frame.f_back  # type: ignore[assignment]
    return max(1, sys.getrecursionlimit() - used - _HEADROOM)


class _Frame:
    __slots__ = ("container", "is_object", "key")

    def __init__(self, container: dict[str, Any] | list[Any] | None, is_object: bool) -> None:
        self.container = container  # None: deeper than allowed, read but not kept
        self.is_object = is_object
        self.key = ""

    def add(self, value: Any) -> None:
        if isinstance(self.container, dict):
            self.container[self.key] = value
        elif self.container is not None:
            self.container.append(value)


def _error(text: str, pos: int, what: str) -> ValueError:
    return ValueError(f"{what} at character {pos} of {len(text)}")


def _skip(text: str, pos: int) -> int:
    match = _WHITESPACE.match(text, pos)
    return match.end() if match else pos


def _key(text: str, pos: int, frame: _Frame) -> int:
    """Read `"key" :` at `pos` into `frame`; return the position after the colon."""
    pos = _skip(text, pos)
    if text[pos : pos + 1] != '"':
        raise _error(text, pos, "Expected a property name")
    frame.key, pos = _scanstring(text, pos + 1, True)
    pos = _skip(text, pos)
    if text[pos : pos + 1] != ":":
        raise _error(text, pos, "Expected ':'")
    return pos + 1


def _scalar(text: str, pos: int) -> tuple[Any, int]:
    char = text[pos : pos + 1]
    if char == '"':
        value, end = _scanstring(text, pos + 1, True)
        return value, end
    match = _NUMBER.match(text, pos)
    if match:
        number = match.group()
        if match.group(1) or match.group(2):
            return float(number), match.end()
        return int(number), match.end()
    for literal, value in _LITERALS.items():
        if text.startswith(literal, pos):
            return value, pos + len(literal)
    raise _error(text, pos, "Expected a value")


def loads(data: bytes | str, *, max_depth: int) -> Any:
    """Parse JSON text of any depth without recursion; containers nested deeper than
    `max_depth` (the outermost value is depth 1) are read and replaced by `TOO_DEEP`.

    Raises ValueError for text that is not JSON.
    """
    text = data.decode() if isinstance(data, bytes) else data
    frames: list[_Frame] = []
    pos = 0
    while True:
        pos = _skip(text, pos)
        char = text[pos : pos + 1]
        value: Any
        if char in ("{", "["):
            is_object = char == "{"
            keep = len(frames) < max_depth and (not frames or frames[-1].container is not None)
            container: dict[str, Any] | list[Any] | None = None
            if keep:
                container = {} if is_object else []
            frame = _Frame(container, is_object)
            frames.append(frame)
            pos = _skip(text, pos + 1)
            if text[pos : pos + 1] != ("}" if is_object else "]"):
                if is_object:
                    pos = _key(text, pos, frame)
                continue  # read the first member
            pos += 1
            frames.pop()
            value = TOO_DEEP if container is None else container
        else:
            value, pos = _scalar(text, pos)
        # Hand the value to its container, then close every container that ends here.
        while True:
            if not frames:
                if _skip(text, pos) != len(text):
                    raise _error(text, pos, "Extra data")
                return value
            frame = frames[-1]
            frame.add(value)
            pos = _skip(text, pos)
            char = text[pos : pos + 1]
            if char == ",":
                pos = _key(text, pos + 1, frame) if frame.is_object else pos + 1
                break
            if char != ("}" if frame.is_object else "]"):
                raise _error(text, pos, "Expected ',' or a closing bracket")
            pos += 1
            frames.pop()
            value = TOO_DEEP if frame.container is None else frame.container


def _holds_too_deep(value: Any) -> bool:
    stack = [value]
    while stack:
        node = stack.pop()
        if node is TOO_DEEP:
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _placeholder(row: dict[str, Any]) -> dict[str, Any]:
    """`row` with its content and any other too-deep field null, marked `too_deep`."""
    kept = {
        key: None if key in CONTENT_FIELDS or _holds_too_deep(value) else value
        for key, value in row.items()
    }
    kept["too_deep"] = True
    return kept


def mark_too_deep(data: Any) -> tuple[Any, list[str]]:
    """Replace each object (a page's result, or the answer itself) holding a `TOO_DEEP` by
    its placeholder; return the data and the ids of the objects replaced. Raises ValueError
    when a `TOO_DEEP` sits anywhere else (such an answer cannot be read in part)."""
    replaced: list[str] = []

    def mark(row: Any) -> Any:
        if isinstance(row, dict) and _holds_too_deep(row):
            replaced.append(str(row.get("id")))
            return _placeholder(row)
        return row

    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = {**data, "results": [mark(row) for row in data["results"]]}
    elif isinstance(data, dict) and "id" in data:
        data = mark(data)
    if _holds_too_deep(data):
        raise ValueError("JSON nested too deeply outside any row")
    return data, replaced
