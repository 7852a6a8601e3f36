-- Trust between nodes: per-peer levels, the node's federation policy, key
-- fingerprints, moderation, and the audit log of every such decision.

CREATE TABLE peers (
    host            TEXT PRIMARY KEY,
    level           TEXT NOT NULL
                    CHECK (level IN ('blocked', 'limited', 'unknown', 'trusted', 'partner')),
    severity        TEXT NOT NULL DEFAULT 'noop'
                    CHECK (severity IN ('suspend', 'silence', 'noop')),
    reject_media    INTEGER NOT NULL DEFAULT 0,
    reject_reports  INTEGER NOT NULL DEFAULT 0,
    public_comment  TEXT NOT NULL DEFAULT '',
    private_comment TEXT NOT NULL DEFAULT '',
    obfuscate       INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT NOT NULL
);

CREATE TABLE node_policy (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Every fingerprint a peer's key has had: a change is an audited event.
CREATE TABLE key_history (
    key_id      TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    first_seen  TEXT NOT NULL,
    PRIMARY KEY (key_id, fingerprint)
);

ALTER TABLE remote_keys ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';
ALTER TABLE remote_items ADD COLUMN hidden_at TEXT;
ALTER TABLE remote_items ADD COLUMN opened_at TEXT;

CREATE TABLE reports (
    id          INTEGER PRIMARY KEY,
    direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    activity_id TEXT NOT NULL UNIQUE,
    reporter    TEXT NOT NULL,
    objects     TEXT NOT NULL,
    content     TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
    created_at  TEXT NOT NULL
);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    who     TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT '{}',
    reason  TEXT NOT NULL DEFAULT ''
);

CREATE INDEX audit_log_by_subject ON audit_log (subject, at);
