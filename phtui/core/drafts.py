"""Unsaved edits kept on disk until they are saved to the server or discarded.

One JSON file per draft, named by a hash of its key so that no host, id or other text leaks into
file names. Writes are atomic (temporary file + ``os.replace``) so a crash mid-write leaves the
previous draft intact. Field texts are stored raw: invalid JSON is kept exactly as typed.

A draft also carries where its edit started, so a save after a restart still finds out whether
someone else changed the object meanwhile, and sends only what the user changed:
``base_version`` (the item version, on servers that have versions), ``baseline`` (the JSON values
the edit started from: the only way to tell for objects without versions, such as themes and
classic items) and, for a new item, its ``client_item_id`` (so a create repeated after a crash or
a lost answer is recognised by the server instead of making a second item). Files written before
these existed (format 1) still load, without them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

__all__ = ["DATA_DIR_ENV", "Draft", "DraftKey", "DraftStore", "default_draft_dir"]

DATA_DIR_ENV = "PHTUI_DATA_DIR"
_FORMAT_VERSION = 2
_READABLE_VERSIONS = (1, 2)
_SUFFIX = ".draft.json"


def default_draft_dir() -> Path:
    """``$PHTUI_DATA_DIR/drafts`` when that is set, else the platform's user data dir."""
    base = os.environ.get(DATA_DIR_ENV)
    root = Path(base) if base else Path(platformdirs.user_data_dir("phtui"))
    return root / "drafts"


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class DraftKey:
    """What a draft edits: e.g. ``kind="dataset_item"``, ``object_id="new:<dataset_id>"``.

    ``project_id`` 7 and "7" name the same project.
    """

    host: str
    project_id: str | int
    kind: str
    object_id: str

    def file_name(self) -> str:
        """A stable, filesystem-safe name: a hash of the fields, revealing none of them."""
        identity = json.dumps([self.host, str(self.project_id), self.kind, self.object_id])
        return hashlib.sha256(identity.encode()).hexdigest()[:32] + _SUFFIX

    def same_as(self, other: DraftKey) -> bool:
        return self.file_name() == other.file_name()


@dataclass
class Draft:
    """Editor texts by field name (raw, possibly invalid JSON) and when they were last saved.

    Where the edit started, for conflict checks (each None when unknown or not applicable):
    ``base_updated_at`` is the server's ``updated_at`` of the object, ``base_version`` its
    version, ``baseline`` its values (JSON) as the edit began; ``client_item_id`` is the key a
    new item is created with (kept so that a retry is idempotent).
    """

    key: DraftKey
    fields: dict[str, str]
    base_updated_at: str | None = None
    saved_at: str = field(default_factory=_now_iso)
    base_version: int | None = None
    baseline: dict[str, Any] | None = None
    client_item_id: str | None = None


class DraftStore:
    """Drafts in ``directory`` (created 0700; files 0600).

    ``corrupt`` lists the unreadable files met by the last ``load``/``all`` call; they are left
    in place for the user to inspect, never deleted.
    """

    def __init__(self, directory: Path, *, clock: Callable[[], str] = _now_iso) -> None:
        self.directory = directory
        self.corrupt: list[Path] = []
        self._clock = clock

    def save(self, draft: Draft) -> None:
        """Write ``draft`` atomically, stamping ``draft.saved_at`` with the current time."""
        draft.saved_at = self._clock()
        self._ensure_directory()
        try:
            payload = json.dumps(_to_json(draft), ensure_ascii=False, indent=1)
        except RecursionError:
            # A baseline nested deeper than json can write (PostHog stores up to ~900 levels):
            # keep the texts, which matter most, and lose only the conflict check's baseline.
            plain = _to_json(draft)
            plain["baseline"] = None
            payload = json.dumps(plain, ensure_ascii=False, indent=1)
        handle, temp_name = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        temp = Path(temp_name)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", errors="surrogatepass") as file:
                file.write(payload)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temp, 0o600)  # mkstemp already uses 0600; be explicit about the promise
            os.replace(temp, self._path(draft.key))
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise

    def load(self, key: DraftKey) -> Draft | None:
        """The draft for ``key``, or None when there is none (or its file is unreadable)."""
        self.corrupt = []
        path = self._path(key)
        if not path.exists():
            return None
        draft = self._read(path)
        if draft is None or not draft.key.same_as(key):
            return None
        return draft

    def discard(self, key: DraftKey) -> None:
        """Forget the draft for ``key`` (nothing happens when there is none)."""
        self._path(key).unlink(missing_ok=True)

    def all(self) -> list[Draft]:
        """Every readable draft, most recently saved first."""
        self.corrupt = []
        if not self.directory.is_dir():
            return []
        drafts = [
            draft
            for path in sorted(self.directory.glob("*" + _SUFFIX))
            if (draft := self._read(path)) is not None
        ]
        drafts.sort(key=lambda draft: draft.saved_at, reverse=True)
        return drafts

    def _path(self, key: DraftKey) -> Path:
        return self.directory / key.file_name()

    def _ensure_directory(self) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)  # mkdir's mode is filtered by the umask

    def _read(self, path: Path) -> Draft | None:
        try:
            text = path.read_text(encoding="utf-8", errors="surrogatepass")
            draft = _from_json(json.loads(text))
        except (OSError, ValueError, TypeError, KeyError):
            self.corrupt.append(path)
            return None
        if path.name != draft.key.file_name():
            self.corrupt.append(path)  # renamed or copied by hand: its key would not find it
            return None
        return draft


def _to_json(draft: Draft) -> dict[str, Any]:
    key = draft.key
    return {
        "version": _FORMAT_VERSION,
        "key": {
            "host": key.host,
            "project_id": key.project_id,
            "kind": key.kind,
            "object_id": key.object_id,
        },
        "fields": draft.fields,
        "base_updated_at": draft.base_updated_at,
        "saved_at": draft.saved_at,
        "base_version": draft.base_version,
        "baseline": draft.baseline,
        "client_item_id": draft.client_item_id,
    }


def _from_json(data: Any) -> Draft:
    """Rebuild a draft, checking every type (files may be damaged or edited by hand)."""
    if not isinstance(data, dict) or data.get("version") not in _READABLE_VERSIONS:
        raise ValueError("not a phtui draft")
    key, fields = data["key"], data["fields"]
    strings = (key["host"], key["kind"], key["object_id"], data["saved_at"])
    if not all(isinstance(value, str) for value in strings):
        raise TypeError("draft key fields must be strings")
    project_id = key["project_id"]
    if isinstance(project_id, bool) or not isinstance(project_id, str | int):
        raise TypeError("project_id must be a string or an integer")
    if not isinstance(fields, dict) or not all(
        isinstance(name, str) and isinstance(text, str) for name, text in fields.items()
    ):
        raise TypeError("fields must map names to texts")
    base = data["base_updated_at"]
    if base is not None and not isinstance(base, str):
        raise TypeError("base_updated_at must be a string or null")
    version = data.get("base_version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise TypeError("base_version must be an integer or null")
    baseline = data.get("baseline")
    if baseline is not None and not isinstance(baseline, dict):
        raise TypeError("baseline must be an object or null")
    client_item_id = data.get("client_item_id")
    if client_item_id is not None and not isinstance(client_item_id, str):
        raise TypeError("client_item_id must be a string or null")
    return Draft(
        key=DraftKey(key["host"], project_id, key["kind"], key["object_id"]),
        fields=dict(fields),
        base_updated_at=base,
        saved_at=data["saved_at"],
        base_version=version,
        baseline=baseline,
        client_item_id=client_item_id,
    )
