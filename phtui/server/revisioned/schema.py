"""Tables of the revisioned datasets API (beside the classic ones, which stay untouched).

Item versions are immutable rows. `until_revision` is bookkeeping, not API: the revision that
replaced the version (NULL while it is current), so a snapshot at revision N is a plain range
query, `dataset_revision <= N < until_revision`. `rv_items` holds what belongs to the item
itself plus a pointer to its current version, which keeps the default list one index scan.
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS rv_datasets (
    id TEXT PRIMARY KEY,
    team_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    metadata TEXT NOT NULL,
    -- metadata as PostgreSQL prints jsonb (", " and ": "), which is what `search` reads
    metadata_text TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    current_revision INTEGER,
    current_revision_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT,
    created_by INTEGER,
    UNIQUE (team_id, name)
);
CREATE INDEX IF NOT EXISTS rv_datasets_list ON rv_datasets (team_id, archived, created_at, id);
CREATE TABLE IF NOT EXISTS rv_revisions (
    id TEXT PRIMARY KEY,
    team_id INTEGER NOT NULL,
    dataset_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by INTEGER,
    UNIQUE (dataset_id, revision)
);
CREATE TABLE IF NOT EXISTS rv_items (
    id TEXT PRIMARY KEY,
    team_id INTEGER NOT NULL,
    dataset_id TEXT NOT NULL,
    client_item_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT,
    created_by INTEGER,
    version INTEGER NOT NULL,
    version_id TEXT NOT NULL,
    archived INTEGER NOT NULL,
    UNIQUE (dataset_id, client_item_id)
);
CREATE INDEX IF NOT EXISTS rv_items_page ON rv_items (dataset_id, archived, created_at DESC, id);
CREATE TABLE IF NOT EXISTS rv_versions (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL,
    dataset_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    dataset_revision INTEGER NOT NULL,
    dataset_revision_id TEXT NOT NULL,
    until_revision INTEGER,
    archived INTEGER NOT NULL,
    input TEXT NOT NULL,
    expected_output TEXT,
    source_output TEXT,
    metadata TEXT NOT NULL,
    source_trace_id TEXT,
    source_event_id TEXT,
    source_timestamp TEXT,
    item_created_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by INTEGER,
    UNIQUE (item_id, version)
);
CREATE INDEX IF NOT EXISTS rv_versions_snapshot
    ON rv_versions (dataset_id, item_created_at DESC, item_id);
CREATE TABLE IF NOT EXISTS rv_exports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id INTEGER NOT NULL,
    dataset_id TEXT NOT NULL,
    dataset_revision INTEGER NOT NULL,
    status TEXT NOT NULL,
    filename TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_after TEXT NOT NULL,
    exception TEXT,
    content BLOB,
    created_by INTEGER
);
"""
