"""The item file: what `export`/`pull` write and what `import`/`push` read.

Writing: PostHog's JSONL export format, byte for byte what its export job writes (api-revisioned.md
section 10): one `\\n`-terminated line per item, compact JSON, non-ASCII characters written
literally, keys in `phtui.core.item_fields.EXPORT_KEYS` order, `source_timestamp` in ISO 8601 with
`+00:00` (microseconds only when not zero). Items of a classic server have no revision, version or
client item id: those keys are null.

Reading: JSON Lines (UTF-8; a byte order mark is accepted; blank lines are skipped; `\\r\\n` line
ends too), or one JSON array of objects (what `--format json` writes). Each object is either in
PostHog's export format (`dataset_id`, `dataset_revision`, `item_id`, `client_item_id`, `version`,
`input`, `expected_output`, `source_output`, `metadata`, `source_trace_id`, `source_event_id`,
`source_timestamp`) or in the classic format phtui wrote before (`id`, `input`, `output`,
`metadata`, `ref_trace_id`, `ref_timestamp`, `ref_source_id`, `created_at`, `updated_at`; the
server fields `dataset`, `created_by`, `team` and `deleted` are accepted and ignored). A record
naming one field twice (`output` and `expected_output`) is refused. A file that is not UTF-8 is
refused as a whole (`ItemFileError`, naming the line, column and byte); a line that is not a valid
record is a `LineProblem` naming the file's line and column.

The client item id recipe
-------------------------
Every record has a `client_item_id`, PostHog's per-dataset key that makes a create idempotent: the
file's own `client_item_id` when it has one (a non-empty string), else one derived from the
record, so the same line always gets the same key and a rerun never creates it twice:

    "phtui-" + sha256(canonical(content)).hexdigest()[:32]

where `content` is the object {"input", "expected_output", "source_output", "metadata",
"source_trace_id", "source_event_id", "source_timestamp"} with absent values as null (metadata
absent or null as {}), `source_timestamp` normalised to UTC as `YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00`
(a timestamp without a zone is taken as UTC), plus `"item_id"` when the record says which item
it was exported from (`item_id`, or a classic file's `id`), so two items of a dataset with the
same content stay two items; `canonical` is `phtui.core.jsondiff.canonical` (sorted keys, no
spaces, non-ASCII literal, UTF-8; `1`, `1.0` and `true` stay different). Key order and
whitespace in the file do not change the key; any change of value does. Two records with the
same key are one item: the second is reported as a repeat of the first.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from phtui.api import deepjson
from phtui.api.models import DatasetItem
from phtui.core.item_fields import EXPORT_KEYS, SAME_CONTENT_FIELDS
from phtui.core.jsondiff import canonical
from phtui.core.jsondoc import JsonDocError, parse_json

__all__ = [
    "CONTENT_KEYS",
    "DERIVED_PREFIX",
    "ItemFileError",
    "ItemRecord",
    "ItemsFile",
    "LineProblem",
    "content_key",
    "derived_key",
    "export_line",
    "file_name",
    "iso_timestamp",
    "item_content",
    "parse_record",
    "read_items_file",
]

# What a record holds in today's names: the create fields PostHog compares for "same content".
CONTENT_KEYS: Final = SAME_CONTENT_FIELDS
DERIVED_PREFIX: Final = "phtui-"
BOM: Final = "\ufeff"

# Classic names and the current name each stands for.
_CLASSIC: Final = {
    "output": "expected_output",
    "ref_trace_id": "source_trace_id",
    "ref_source_id": "source_event_id",
    "ref_timestamp": "source_timestamp",
}
# Keys a record may carry that say where it came from, not what it holds.
_ORIGIN: Final = {"dataset_id", "dataset_revision", "item_id", "client_item_id", "version", "id"}
_IGNORED: Final = {"dataset", "created_at", "updated_at", "created_by", "team", "deleted"}
_KNOWN: Final = frozenset(CONTENT_KEYS) | _CLASSIC.keys() | _ORIGIN | _IGNORED
_TEXT_KEYS: Final = ("client_item_id", "source_trace_id", "source_event_id", "source_timestamp")
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class ItemFileError(ValueError):
    """The file as a whole cannot be read (missing, not UTF-8, not JSON): one line to show."""


@dataclass(frozen=True)
class LineProblem:
    """Why one record was not (or could not be) transferred. `line` is the file's line number
    (JSONL) or the record's position (JSON array, `array=True`); `column` is 1-based or 0."""

    line: int
    message: str
    column: int = 0
    code: str = "invalid"  # invalid, repeat, conflict, archived, refused, limit, unknown, stale
    array: bool = False

    @property
    def where(self) -> str:
        place = f"item {self.line:,}" if self.array else f"line {self.line:,}"
        return f"{place}, column {self.column}" if self.column else place

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class ItemRecord:
    """One item of a file, in today's names.

    `values` holds the content fields the record gave (absent ones are not there: a push leaves
    them as they are; a create leaves them out). `client_item_id` is the record's own key or the
    derived one (`derived`). `item_id`/`dataset_id`/`version` say where an exported item came
    from (classic files: `id`). `digest` identifies the line's text (the old import ledger).
    """

    line: int
    values: Mapping[str, Any]
    client_item_id: str
    derived: bool
    item_id: str | None = None
    dataset_id: str | None = None
    version: int | None = None
    digest: str = ""
    array: bool = False

    @property
    def where(self) -> str:
        return f"item {self.line:,}" if self.array else f"line {self.line:,}"

    def value(self, name: str) -> Any:
        """The field's value, with PostHog's default when the record does not give it."""
        if name == "metadata":
            metadata = self.values.get("metadata")
            return {} if metadata is None else metadata
        return self.values.get(name)

    def create_fields(self) -> dict[str, Any]:
        """Keyword arguments for `PostHogClient.create_dataset_item` (without the key)."""
        return {name: self.values[name] for name in CONTENT_KEYS if name in self.values}

    def problem(self, message: str, code: str, column: int = 0) -> LineProblem:
        return LineProblem(self.line, message, column=column, code=code, array=self.array)


@dataclass
class ItemsFile:
    """A file read by `read_items_file`: its records and the lines that are not records."""

    path: Path
    records: list[ItemRecord] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)  # invalid lines, repeats
    total: int = 0  # non-blank lines (or array entries)
    array: bool = False

    @property
    def repeats(self) -> list[LineProblem]:
        return [problem for problem in self.problems if problem.code == "repeat"]

    @property
    def invalid(self) -> list[LineProblem]:
        return [problem for problem in self.problems if problem.code != "repeat"]


# ------------------------------------------------------------------------------ writing


def iso_timestamp(value: datetime | str | None) -> str | None:
    """A timestamp as PostHog's export writes it: UTC, `+00:00`, microseconds only when set.
    A naive datetime is taken as UTC; text that is not a timestamp comes back unchanged."""
    if value is None:
        return None
    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return value
    assert isinstance(moment, datetime)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def export_line(item: DatasetItem, revision: int | None, dataset_id: str | None = None) -> str:
    """One item as a line of PostHog's export (no newline). `revision` is the pinned revision
    (None on classic servers). Raises RecursionError for a value too deep for this stack."""
    content = item.json_fields(("input", "expected_output", "source_output", "metadata"))
    record = {
        "dataset_id": item.dataset or dataset_id,
        "dataset_revision": revision,
        "item_id": item.id,
        "client_item_id": item.client_item_id,
        "version": item.version,
        **content,
        "source_trace_id": item.source_trace_id,
        "source_event_id": item.source_event_id,
        "source_timestamp": iso_timestamp(item.source_timestamp),
    }
    assert tuple(record) == EXPORT_KEYS
    return str(_compact(record))


def file_name(dataset_name: str, revision: int | None, extension: str = "jsonl") -> str:
    """The name PostHog gives an export, without its timestamp: `support-answers-r612.jsonl`
    (Django's slugify of "<name>-r<N>"; no revision part when there is none)."""
    text = f"{dataset_name}-r{revision}" if revision is not None else dataset_name
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^\w\s-]", "", ascii_text.lower())
    slug = re.sub(r"[-\s]+", "-", words).strip("-_") or "dataset"
    return f"{slug}.{extension}"


# ----------------------------------------------------------------------- the derived key


def _key_content(values: Mapping[str, Any]) -> dict[str, Any]:
    content = {name: values.get(name) for name in CONTENT_KEYS}
    if content["metadata"] is None:
        content["metadata"] = {}
    content["source_timestamp"] = iso_timestamp(content["source_timestamp"])
    return content


def content_key(values: Mapping[str, Any]) -> str:
    """A key of this content alone: the derived client item id of a record that does not say
    which item it came from, and how an item is found by its content."""
    return _hashed(_key_content(values))


def derived_key(values: Mapping[str, Any], item_id: str | None = None) -> str:
    """The derived client item id of a record (see the module docstring)."""
    if item_id is None:
        return content_key(values)
    return _hashed({**_key_content(values), "item_id": item_id})


def _hashed(value: Any) -> str:
    text = canonical(value)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return DERIVED_PREFIX + digest[:32]


def item_content(item: DatasetItem) -> dict[str, Any]:
    """An item's content in the shape `content_key` and comparisons take."""
    values = item.json_fields(("input", "expected_output", "source_output", "metadata"))
    values["source_trace_id"] = item.source_trace_id
    values["source_event_id"] = item.source_event_id
    values["source_timestamp"] = iso_timestamp(item.source_timestamp)
    return values


# ------------------------------------------------------------------------------ reading


def read_items_file(path: Path) -> ItemsFile:
    """Read and check every record of `path` (see the module docstring). `ItemFileError` when
    the file cannot be read at all; problems with single lines are in `ItemsFile.problems`."""
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise ItemFileError(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise ItemFileError(f"{path} is a folder, not a file.") from None
    except OSError as error:
        raise ItemFileError(f"{path} cannot be read: {error.strerror or error}.") from None
    text = _decode(path, content)
    result = ItemsFile(path=path)
    stripped = text.lstrip()
    if stripped.startswith("["):
        records = _array(text)
        if records is not None:
            result.array = True
            _add_records(result, enumerate(records, start=1), array=True)
            return result
    _add_records(result, _jsonl(text), array=False)
    return result


def _decode(path: Path, content: bytes) -> str:
    start = 3 if content.startswith(b"\xef\xbb\xbf") else 0
    try:
        return content[start:].decode("utf-8")
    except UnicodeDecodeError as error:
        at = start + error.start
        line_start = content.rfind(b"\n", 0, at) + 1
        line = content.count(b"\n", 0, at) + 1
        column = len(content[line_start:at].decode("utf-8", "replace")) + 1
        raise ItemFileError(
            f"{path} is not UTF-8 text (line {line:,}, column {column}: byte "
            f"0x{content[at]:02x}). Save it as UTF-8 and try again."
        ) from None


def _array(text: str) -> list[Any] | None:
    """The entries of a file holding one JSON array of items, or None if it is not one (a JSON
    Lines file whose only line is an array of something else is a bad line, not an array)."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    one_line = len([line for line in text.split("\n") if line.strip()]) == 1
    if one_line and not any(isinstance(entry, dict) for entry in value):
        return None
    return value


def _jsonl(text: str) -> Iterable[tuple[int, Any]]:
    """(line number, parsed value or LineProblem) for each non-blank line."""
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if not line.strip():
            continue
        yield number, _parse_line(number, line)


def _parse_line(number: int, line: str) -> Any:
    try:
        return _Parsed(parse_json(line), _digest(line))
    except RecursionError:
        pass  # parse_json's own guard did not catch it: read on a fresh stack below
    except JsonDocError as error:
        if error.error.message != "Nested too deeply":
            return _line_problem(number, line, error)
    try:
        return _Parsed(deepjson.loads_on_fresh_stack(line), _digest(line))
    except RecursionError:
        return LineProblem(number, "nested more deeply than phtui can read (about 900 levels)")
    except ValueError as error:
        return LineProblem(number, f"invalid JSON: {error}")


def _line_problem(number: int, line: str, error: JsonDocError) -> LineProblem:
    """The problem at its real column: the line is parsed without its line end, so an object
    left open is reported where the line stops, not at column 1 of the next."""
    column, message = error.error.column, error.error.message
    if message.startswith("Expecting") and column > len(line.rstrip()):
        opened = "object" if line.lstrip().startswith("{") else "value"
        message = f"the line ends before its JSON {opened} is closed"
    else:
        message = f"invalid JSON: {message}"
    return LineProblem(number, message, column=column)


@dataclass(frozen=True)
class _Parsed:
    value: Any
    digest: str


def _digest(line: str) -> str:
    return hashlib.sha256(line.strip().encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _add_records(result: ItemsFile, entries: Iterable[tuple[int, Any]], *, array: bool) -> None:
    first_with_key: dict[str, ItemRecord] = {}
    for number, entry in entries:
        result.total += 1
        if isinstance(entry, LineProblem):
            result.problems.append(entry)
            continue
        parsed = entry if isinstance(entry, _Parsed) else _Parsed(entry, "")
        outcome = parse_record(number, parsed.value, digest=parsed.digest, array=array)
        if isinstance(outcome, LineProblem):
            result.problems.append(outcome)
            continue
        earlier = first_with_key.get(outcome.client_item_id)
        if earlier is None:
            first_with_key[outcome.client_item_id] = outcome
            result.records.append(outcome)
        elif _same_content(earlier, outcome):
            result.problems.append(
                outcome.problem(f"the same item as {earlier.where}: left out", "repeat")
            )
        else:
            result.problems.append(
                outcome.problem(
                    f"client_item_id {outcome.client_item_id!r} is also on {earlier.where}, "
                    "with other content: give one of them another client_item_id",
                    "invalid",
                )
            )


def _same_content(a: ItemRecord, b: ItemRecord) -> bool:
    return canonical(_key_content(a.values)) == canonical(_key_content(b.values))


def parse_record(
    line: int, value: Any, *, digest: str = "", array: bool = False
) -> ItemRecord | LineProblem:
    """One parsed JSON value as an `ItemRecord`, or the `LineProblem` saying what is wrong."""

    def problem(message: str) -> LineProblem:
        return LineProblem(line, message, array=array)

    if not isinstance(value, dict):
        kind = {list: "an array", str: "a string", bool: "true or false"}.get(type(value))
        found = kind or ("null" if value is None else "a number")
        return problem(f"expected a JSON object (one item), found {found}")
    unknown = sorted(set(value) - _KNOWN)
    if unknown:
        return problem(
            f"unknown field {', '.join(map(repr, unknown))}: an item has "
            + ", ".join(CONTENT_KEYS)
            + " (classic files: output, ref_*)"
        )
    values: dict[str, Any] = {}
    for name, item_value in value.items():
        assert isinstance(name, str)  # JSON object keys
        if name in _ORIGIN or name in _IGNORED:
            continue
        current = _CLASSIC.get(name, name)
        if current in values:
            other = next(k for k in value if k != name and _CLASSIC.get(k, k) == current)
            return problem(f"{other!r} and {name!r} are the same field: keep one")
        values[current] = item_value
    for name in _TEXT_KEYS:
        text = value.get(name)
        if text is not None and not isinstance(text, str):
            return problem(f"{name!r} must be text or null")
    for name in ("ref_trace_id", "ref_source_id", "ref_timestamp"):
        text = value.get(name)
        if text is not None and not isinstance(text, str):
            return problem(f"{name!r} must be text or null")
    origin = _origin(value)
    if isinstance(origin, str):
        return problem(origin)
    item_id, dataset_id, version = origin
    given = value.get("client_item_id")
    derived = not given
    key = derived_key(values, item_id) if derived else str(given)
    return ItemRecord(
        line=line,
        values=values,
        client_item_id=key,
        derived=derived,
        item_id=item_id,
        dataset_id=dataset_id,
        version=version,
        digest=digest,
        array=array,
    )


def _origin(value: Mapping[str, Any]) -> tuple[str | None, str | None, int | None] | str:
    item_id = value.get("item_id", value.get("id"))
    dataset_id = value.get("dataset_id", value.get("dataset"))
    version = value.get("version")
    if item_id is not None and not isinstance(item_id, str):
        return "'item_id' must be text or null"
    if dataset_id is not None and not isinstance(dataset_id, str):
        dataset_id = None  # a classic `dataset` may be an object: only a hint, never required
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        return "'version' must be a whole number or null"
    return item_id, dataset_id, version
