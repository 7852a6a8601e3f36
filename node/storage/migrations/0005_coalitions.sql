-- Coalitions: what peers' items say about themselves, text search over them,
-- subscription filters and backfill jobs, and claims across nodes.

ALTER TABLE remote_items ADD COLUMN status TEXT NOT NULL DEFAULT 'open';
ALTER TABLE remote_items ADD COLUMN minimum_quantity REAL;
ALTER TABLE remote_items ADD COLUMN unit_based INTEGER NOT NULL DEFAULT 0;
ALTER TABLE remote_items ADD COLUMN intent_id TEXT;
ALTER TABLE remote_items ADD COLUMN referred_from TEXT;
ALTER TABLE remote_items ADD COLUMN location_precision TEXT;

CREATE INDEX remote_items_open ON remote_items (status, ends_at);

CREATE VIRTUAL TABLE remote_items_fts USING fts5 (
    title, summary, content = 'remote_items', content_rowid = 'seq'
);

INSERT INTO remote_items_fts (rowid, title, summary) SELECT seq, title, summary FROM remote_items;

CREATE TRIGGER remote_items_fts_insert AFTER INSERT ON remote_items BEGIN
    INSERT INTO remote_items_fts (rowid, title, summary) VALUES (new.seq, new.title, new.summary);
END;

CREATE TRIGGER remote_items_fts_delete AFTER DELETE ON remote_items BEGIN
    INSERT INTO remote_items_fts (remote_items_fts, rowid, title, summary)
    VALUES ('delete', old.seq, old.title, old.summary);
END;

CREATE TRIGGER remote_items_fts_update AFTER UPDATE OF title, summary ON remote_items BEGIN
    INSERT INTO remote_items_fts (remote_items_fts, rowid, title, summary)
    VALUES ('delete', old.seq, old.title, old.summary);
    INSERT INTO remote_items_fts (rowid, title, summary) VALUES (new.seq, new.title, new.summary);
END;

-- What a subscription keeps: purposes, categories and a region (JSON), or all.
ALTER TABLE following ADD COLUMN filters TEXT NOT NULL DEFAULT '{}';

-- Catching up on a new subscription: one row per peer, resumable page by page.
CREATE TABLE backfills (
    actor_id   TEXT PRIMARY KEY,
    next_page  TEXT,
    pages_done INTEGER NOT NULL DEFAULT 0,
    items_seen INTEGER NOT NULL DEFAULT 0,
    state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    last_error TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);

CREATE TABLE claims (
    id                TEXT PRIMARY KEY,
    direction         TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
    offer_activity_id TEXT NOT NULL UNIQUE,
    intent_id         TEXT NOT NULL,
    item_id           TEXT NOT NULL,
    counterparty      TEXT NOT NULL,
    quantity          REAL NOT NULL CHECK (quantity > 0),
    unit              TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN
                      ('pending', 'tentative', 'accepted', 'rejected', 'withdrawn',
                       'fulfilled', 'expired')),
    hold_until        TEXT,
    agreement_id      TEXT,
    commitment_id     TEXT NOT NULL,
    note              TEXT NOT NULL DEFAULT '',
    reason            TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

CREATE INDEX claims_by_item ON claims (item_id, state);
