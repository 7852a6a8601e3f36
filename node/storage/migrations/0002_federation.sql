-- Federation: peers' actors and keys, follow relations, the inbox and outbox
-- queues, delivery rows, and peers' offers and requests.

CREATE TABLE remote_actors (
    id           TEXT PRIMARY KEY,
    host         TEXT NOT NULL,
    inbox        TEXT NOT NULL,
    shared_inbox TEXT,
    handle       TEXT,
    name         TEXT,
    document     TEXT NOT NULL,
    fetched_at   TEXT NOT NULL
);

CREATE TABLE remote_keys (
    key_id     TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    public_pem TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);

CREATE TABLE followers (
    actor_id           TEXT PRIMARY KEY,
    inbox              TEXT NOT NULL,
    shared_inbox       TEXT,
    follow_activity_id TEXT NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    created_at         TEXT NOT NULL
);

CREATE TABLE following (
    actor_id           TEXT PRIMARY KEY,
    follow_activity_id TEXT NOT NULL UNIQUE,
    state              TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected')),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);

-- Every accepted inbound activity is a row before the 202 goes out.
CREATE TABLE inbox_activities (
    id              INTEGER PRIMARY KEY,
    inbox           TEXT NOT NULL,
    activity_id     TEXT NOT NULL,
    actor_id        TEXT NOT NULL,
    type            TEXT NOT NULL,
    body            TEXT NOT NULL,
    key_id          TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'received'
                    CHECK (state IN ('received', 'done', 'dropped', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    locked_until    TEXT,
    outcome         TEXT,
    UNIQUE (inbox, activity_id)
);

CREATE INDEX inbox_activities_due ON inbox_activities (state, next_attempt_at);

CREATE TABLE outbox_activities (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL,
    object_id  TEXT,
    public     INTEGER NOT NULL DEFAULT 0,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX outbox_activities_by_object ON outbox_activities (object_id);

-- One row per activity and target inbox; shared inboxes are deduplicated.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    activity_seq    INTEGER NOT NULL REFERENCES outbox_activities (seq),
    inbox           TEXT NOT NULL,
    host            TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'delivered', 'failed', 'pruned')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    locked_until    TEXT,
    last_status     INTEGER,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (activity_seq, inbox)
);

CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);

-- Which HTTP signature scheme a peer's origin accepts (double-knocking).
CREATE TABLE signature_schemes (
    origin     TEXT PRIMARY KEY,
    scheme     TEXT NOT NULL CHECK (scheme IN ('draft-cavage', 'rfc9421')),
    updated_at TEXT NOT NULL
);

-- Peers' offers and requests; a Delete leaves a tombstone (deleted_at).
CREATE TABLE remote_items (
    seq                INTEGER PRIMARY KEY,
    id                 TEXT NOT NULL UNIQUE,
    actor_id           TEXT NOT NULL,
    purpose            TEXT CHECK (purpose IN ('offer', 'request')),
    title              TEXT NOT NULL DEFAULT '',
    summary            TEXT NOT NULL DEFAULT '',
    category           TEXT,
    urgency            TEXT,
    unit               TEXT,
    quantity           REAL,
    available_quantity REAL,
    latitude           REAL,
    longitude          REAL,
    radius_km          REAL,
    area_name          TEXT,
    begins_at          TEXT,
    ends_at            TEXT,
    document           TEXT NOT NULL,
    received_at        TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    deleted_at         TEXT
);

CREATE INDEX remote_items_by_actor ON remote_items (actor_id);
