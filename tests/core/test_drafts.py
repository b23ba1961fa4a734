"""Tests of phtui.core.drafts on a real filesystem (pytest's tmp_path)."""

from __future__ import annotations

import itertools
import json
import os
import stat
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import platformdirs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phtui.core.drafts import DATA_DIR_ENV, Draft, DraftKey, DraftStore, default_draft_dir

KEY = DraftKey("https://us.posthog.com", 7, "dataset_item", "0190a1b2-c3d4")
NEW_KEY = DraftKey("https://us.posthog.com", 7, "dataset_item", "new:0190ffff")

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


def _ticking_clock() -> Callable[[], str]:
    """Distinct, increasing timestamps so ordering does not depend on the real clock."""
    counter = itertools.count()
    return lambda: f"2026-01-01T00:00:{next(counter):02d}.000000+00:00"


@pytest.fixture
def store(tmp_path: Path) -> DraftStore:
    return DraftStore(tmp_path / "drafts", clock=_ticking_clock())


def test_a_saved_draft_survives_a_new_store(store: DraftStore) -> None:
    fields = {"input": '{"q": "hi"', "output": "not json at all", "metadata": ""}
    store.save(Draft(KEY, fields, base_updated_at="2025-06-01T10:00:00Z"))
    reloaded = DraftStore(store.directory).load(KEY)
    assert reloaded is not None
    assert reloaded.key == KEY
    assert reloaded.fields == fields  # invalid JSON kept exactly
    assert reloaded.base_updated_at == "2025-06-01T10:00:00Z"
    assert reloaded.saved_at == "2026-01-01T00:00:00.000000+00:00"


def test_save_stamps_saved_at(store: DraftStore) -> None:
    draft = Draft(KEY, {"input": "1"}, saved_at="old")
    store.save(draft)
    assert draft.saved_at == "2026-01-01T00:00:00.000000+00:00"
    store.save(draft)
    assert draft.saved_at == "2026-01-01T00:00:01.000000+00:00"


def test_default_saved_at_is_an_iso_utc_time() -> None:
    stamp = datetime.fromisoformat(Draft(KEY, {}).saved_at)
    assert stamp.utcoffset() == timedelta(0)


def test_load_of_an_unknown_key_is_none(store: DraftStore) -> None:
    assert store.load(KEY) is None
    assert store.all() == []
    assert not store.directory.exists()  # reading creates nothing


def test_saving_again_replaces_the_draft(store: DraftStore) -> None:
    store.save(Draft(KEY, {"input": "1"}))
    store.save(Draft(KEY, {"input": "2", "output": "3"}))
    loaded = store.load(KEY)
    assert loaded is not None and loaded.fields == {"input": "2", "output": "3"}
    assert len(store.all()) == 1


def test_discard_forgets_only_that_draft(store: DraftStore) -> None:
    store.save(Draft(KEY, {"input": "1"}))
    store.save(Draft(NEW_KEY, {"input": "2"}))
    store.discard(KEY)
    store.discard(KEY)  # twice is fine
    assert store.load(KEY) is None
    assert store.load(NEW_KEY) is not None


def test_all_lists_newest_first(store: DraftStore) -> None:
    keys = [DraftKey("https://eu.posthog.com", 1, "dataset_item", f"item-{n}") for n in range(5)]
    for key in keys:
        store.save(Draft(key, {"input": key.object_id}))
    store.save(Draft(keys[1], {"input": "touched again"}))
    assert [d.key.object_id for d in store.all()] == [
        "item-1",
        "item-4",
        "item-3",
        "item-2",
        "item-0",
    ]


def test_corrupt_files_are_skipped_and_reported(store: DraftStore) -> None:
    store.save(Draft(KEY, {"input": "kept"}))
    directory = store.directory
    bad_json = directory / ("0" * 32 + ".draft.json")
    bad_json.write_text("{not json")
    wrong_shape = directory / ("1" * 32 + ".draft.json")
    wrong_shape.write_text(json.dumps({"version": 1, "key": [], "fields": {}}))
    bad_bytes = directory / ("2" * 32 + ".draft.json")
    bad_bytes.write_bytes(b"\xff\xfe\x00")
    drafts = store.all()
    assert [d.fields for d in drafts] == [{"input": "kept"}]
    assert sorted(store.corrupt) == sorted([bad_json, wrong_shape, bad_bytes])
    assert bad_json.exists()  # left for the user to inspect


@pytest.mark.parametrize(
    "change",
    [
        {"version": 99},
        {"fields": {"input": 5}},
        {"fields": ["input"]},
        {"base_updated_at": 5},
        {"saved_at": None},
        {"key": {"host": "h", "project_id": True, "kind": "k", "object_id": "o"}},
        {"key": {"host": "h", "project_id": 1.5, "kind": "k", "object_id": "o"}},
        {"key": {"host": 1, "project_id": 1, "kind": "k", "object_id": "o"}},
    ],
)
def test_damaged_fields_make_a_file_corrupt(store: DraftStore, change: dict[str, object]) -> None:
    store.save(Draft(KEY, {"input": "1"}))
    path = store.directory / KEY.file_name()
    data = json.loads(path.read_text())
    data.update(change)
    path.write_text(json.dumps(data))
    assert store.load(KEY) is None
    assert store.corrupt == [path]


def test_a_draft_copied_under_another_name_is_not_trusted(store: DraftStore) -> None:
    store.save(Draft(KEY, {"input": "1"}))
    source = store.directory / KEY.file_name()
    copy = store.directory / NEW_KEY.file_name()
    copy.write_bytes(source.read_bytes())
    assert store.load(NEW_KEY) is None
    assert [d.key for d in store.all()] == [KEY]
    assert store.corrupt == [copy]


@posix_only
def test_permissions_are_private(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        store = DraftStore(tmp_path / "deep" / "drafts")
        store.save(Draft(KEY, {"input": "secret-ish user data"}))
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(store.directory.stat().st_mode) == 0o700
    for path in store.directory.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_writes_leave_no_temporary_files(store: DraftStore) -> None:
    for n in range(3):
        store.save(Draft(KEY, {"input": str(n)}))
    assert [p.name for p in store.directory.iterdir()] == [KEY.file_name()]


def test_a_failed_write_keeps_the_previous_draft(
    store: DraftStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save(Draft(KEY, {"input": "first"}))

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        store.save(Draft(KEY, {"input": "second"}))
    monkeypatch.undo()
    loaded = store.load(KEY)
    assert loaded is not None and loaded.fields == {"input": "first"}
    assert [p.name for p in store.directory.iterdir()] == [KEY.file_name()]


# --- Keys and file names -------------------------------------------------------------------------


def test_file_names_are_stable_safe_and_reveal_nothing() -> None:
    key = DraftKey("https://user:hunter2@eu.posthog.com/../x", "42", "dataset_item", "a/b\\c:d")
    name = key.file_name()
    assert name == key.file_name()
    assert name.endswith(".draft.json")
    stem = name.removesuffix(".draft.json")
    assert len(stem) == 32 and all(c in "0123456789abcdef" for c in stem)
    for part in ("hunter2", "posthog", "42", "dataset", "a/b"):
        assert part not in name


def test_project_id_as_int_or_text_is_the_same_draft(store: DraftStore) -> None:
    as_int = DraftKey("h", 7, "k", "o")
    as_text = DraftKey("h", "7", "k", "o")
    assert as_int.file_name() == as_text.file_name()
    store.save(Draft(as_int, {"input": "1"}))
    assert store.load(as_text) is not None


def test_every_key_field_matters() -> None:
    names = {
        DraftKey(host, project, kind, object_id).file_name()
        for host, project, kind, object_id in itertools.product(
            ["https://a", "https://b"], [1, 2], ["dataset_item", "dataset"], ["x", "new:x"]
        )
    }
    assert len(names) == 16


def test_fields_that_concatenate_alike_do_not_collide() -> None:
    assert DraftKey("ab", 1, "c", "d").file_name() != DraftKey("a", 1, "bc", "d").file_name()


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=50)
@given(
    fields=st.dictionaries(st.text(min_size=1, max_size=10), st.text(), max_size=4),
    base=st.none() | st.text(max_size=30),
    object_id=st.text(max_size=40),
)
def test_any_text_round_trips(
    tmp_path: Path, fields: dict[str, str], base: str | None, object_id: str
) -> None:
    store = DraftStore(tmp_path / "drafts")
    key = DraftKey("https://us.posthog.com", 3, "dataset_item", object_id)
    store.save(Draft(key, fields, base_updated_at=base))
    loaded = DraftStore(tmp_path / "drafts").load(key)
    assert loaded is not None
    assert (loaded.key, loaded.fields, loaded.base_updated_at) == (key, fields, base)


# --- Default directory ---------------------------------------------------------------------------


def test_default_dir_honours_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert default_draft_dir() == tmp_path / "drafts"


def test_default_dir_is_the_platform_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    assert default_draft_dir() == Path(platformdirs.user_data_dir("phtui")) / "drafts"
    monkeypatch.setenv(DATA_DIR_ENV, "")  # empty means unset
    assert default_draft_dir() == Path(platformdirs.user_data_dir("phtui")) / "drafts"


def test_text_that_is_not_valid_unicode_survives(store: DraftStore) -> None:
    # A lone surrogate (e.g. from a bad paste) must not make the save fail and lose the draft.
    fields = {"input": '{"emoji": "\ud83d"}', "output": "\x00\x1b[31m"}
    store.save(Draft(KEY, fields))
    loaded = DraftStore(store.directory).load(KEY)
    assert loaded is not None and loaded.fields == fields


# --- Where the edit started ----------------------------------------------------------------------


def test_the_base_version_baseline_and_client_item_id_round_trip(store: DraftStore) -> None:
    baseline = {"input": {"q": "hi"}, "expected_output": None, "metadata": {"n": 1}}
    store.save(
        Draft(NEW_KEY, {"input": "{"}, base_version=4, baseline=baseline, client_item_id="c-1")
    )
    loaded = DraftStore(store.directory).load(NEW_KEY)
    assert loaded is not None
    assert (loaded.base_version, loaded.baseline, loaded.client_item_id) == (4, baseline, "c-1")


def test_a_draft_written_before_versions_still_loads(store: DraftStore) -> None:
    # Format 1 (phtui before the revisioned datasets API): no base version, baseline or id.
    path = store.directory / KEY.file_name()
    store.directory.mkdir(parents=True)
    key = {"host": KEY.host, "project_id": KEY.project_id, "kind": KEY.kind}
    old = {
        "version": 1,
        "key": {**key, "object_id": KEY.object_id},
        "fields": {"output": '"typed"'},
        "base_updated_at": None,
        "saved_at": "2025-01-01T00:00:00+00:00",
    }
    path.write_text(json.dumps(old))
    loaded = store.load(KEY)
    assert loaded is not None and loaded.fields == {"output": '"typed"'}
    assert (loaded.base_version, loaded.baseline, loaded.client_item_id) == (None, None, None)


@pytest.mark.parametrize(
    "change",
    [
        {"base_version": "3"},
        {"base_version": True},
        {"baseline": [1]},
        {"client_item_id": 5},
    ],
)
def test_damaged_start_fields_make_a_file_corrupt(
    store: DraftStore, change: dict[str, object]
) -> None:
    store.save(Draft(KEY, {"input": "1"}))
    path = store.directory / KEY.file_name()
    data = json.loads(path.read_text())
    data.update(change)
    path.write_text(json.dumps(data))
    assert store.load(KEY) is None


def test_a_baseline_too_deep_to_write_still_keeps_the_texts(store: DraftStore) -> None:
    deep: object = "bottom"
    for _ in range(5_000):
        deep = {"k": deep}
    store.save(Draft(KEY, {"input": "typed"}, baseline={"input": deep}, base_version=2))
    loaded = store.load(KEY)
    assert loaded is not None
    assert (loaded.fields, loaded.baseline, loaded.base_version) == ({"input": "typed"}, None, 2)
