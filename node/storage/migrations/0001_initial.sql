-- Accounts, API tokens, the group's own offers and requests, and their
-- local-only private details.

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'coordinator')),
    created_at    TEXT NOT NULL,
    disabled_at   TEXT
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'coordinator')),
    account_id   INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    label        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);

CREATE TABLE items (
    seq                INTEGER PRIMARY KEY,
    id                 TEXT NOT NULL UNIQUE,
    purpose            TEXT NOT NULL CHECK (purpose IN ('offer', 'request')),
    title              TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    language           TEXT NOT NULL,
    translations       TEXT NOT NULL DEFAULT '{}',
    category           TEXT NOT NULL,
    item_spec          TEXT NOT NULL DEFAULT '',
    action             TEXT NOT NULL,
    unit               TEXT NOT NULL,
    quantity           REAL NOT NULL CHECK (quantity > 0),
    available_quantity REAL NOT NULL CHECK (available_quantity >= 0),
    minimum_quantity   REAL CHECK (minimum_quantity IS NULL OR minimum_quantity > 0),
    unit_based         INTEGER NOT NULL DEFAULT 0,
    urgency            TEXT NOT NULL,
    location_precision TEXT,
    latitude           REAL,
    longitude          REAL,
    radius_km          REAL,
    area_name          TEXT,
    begins_at          TEXT NOT NULL,
    ends_at            TEXT,
    recurring          INTEGER NOT NULL DEFAULT 0,
    visibility         TEXT NOT NULL,
    status             TEXT NOT NULL,
    close_reason       TEXT,
    closed_at          TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);

CREATE INDEX items_by_purpose ON items (purpose, status, created_at);
CREATE INDEX items_by_end ON items (status, ends_at);

-- Contact details and notes never leave the node and are deleted
-- retention_days after the item closes or expires.
CREATE TABLE item_private (
    item_id     TEXT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    contact     TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    purge_after TEXT
);

CREATE INDEX item_private_by_purge ON item_private (purge_after)
    WHERE purge_after IS NOT NULL;

CREATE VIRTUAL TABLE items_fts USING fts5 (
    title, description, item_spec, content = 'items', content_rowid = 'seq'
);

CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
    INSERT INTO items_fts (rowid, title, description, item_spec)
    VALUES (new.seq, new.title, new.description, new.item_spec);
END;

CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, title, description, item_spec)
    VALUES ('delete', old.seq, old.title, old.description, old.item_spec);
END;

CREATE TRIGGER items_fts_update AFTER UPDATE OF title, description, item_spec ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, title, description, item_spec)
    VALUES ('delete', old.seq, old.title, old.description, old.item_spec);
    INSERT INTO items_fts (rowid, title, description, item_spec)
    VALUES (new.seq, new.title, new.description, new.item_spec);
END;
