"""The sqlite schema. Timestamps are stored already formatted (fixed-width UTC text sorts
chronologically); JSON columns hold JSON text."""

SCHEMA = """
CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    api_token TEXT NOT NULL,
    timezone TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL,
    distinct_id TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    is_email_verified INTEGER,
    role_at_organization TEXT,
    current_team_id INTEGER NOT NULL REFERENCES teams(id),
    date_joined TEXT NOT NULL
);
CREATE TABLE memberships (
    user_id INTEGER NOT NULL REFERENCES users(id),
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    level INTEGER NOT NULL,
    PRIMARY KEY (user_id, organization_id)
);
CREATE TABLE api_keys (
    secure_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    label TEXT NOT NULL,
    scopes TEXT NOT NULL,
    scoped_teams TEXT
);
CREATE TABLE data_color_themes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id INTEGER REFERENCES teams(id),
    name TEXT NOT NULL,
    colors TEXT NOT NULL,
    created_at TEXT,
    created_by INTEGER REFERENCES users(id)
);
CREATE TABLE datasets (
    id TEXT PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES teams(id),
    name TEXT NOT NULL,
    description TEXT,
    metadata TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT,
    deleted INTEGER,
    created_by INTEGER REFERENCES users(id)
);
CREATE INDEX datasets_list ON datasets (team_id, created_at DESC, id);
CREATE TABLE dataset_items (
    id TEXT PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES teams(id),
    dataset_id TEXT NOT NULL REFERENCES datasets(id),
    input TEXT,
    output TEXT,
    metadata TEXT,
    ref_trace_id TEXT,
    ref_timestamp TEXT,
    ref_source_id TEXT,
    -- `deleted` is what the API shows (null, false or true); `is_deleted` is its 0/1 form,
    -- so list queries can use the page index (a null counts as not deleted).
    deleted INTEGER,
    is_deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT,
    created_by INTEGER REFERENCES users(id)
);
CREATE INDEX dataset_items_page
    ON dataset_items (team_id, dataset_id, is_deleted, created_at DESC, id);
CREATE INDEX dataset_items_team_page
    ON dataset_items (team_id, is_deleted, created_at DESC, id);
"""

# Facts about the database itself, e.g. which datasets API it was seeded for.
META_SCHEMA = """
CREATE TABLE IF NOT EXISTS server_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
