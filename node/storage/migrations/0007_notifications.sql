-- Notifications: per-user preferences, the in-app list, admin-managed webhook
-- endpoints, and one outbound delivery row per channel and event (email, daily
-- digest, webhook) with its attempts. A scanner derives events from the rest of
-- the database; UNIQUE event keys make a second scan or a restart notify nobody twice.

CREATE TABLE notification_preferences (
    account_id  INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    email       TEXT NOT NULL DEFAULT '',
    events      TEXT NOT NULL,
    channels    TEXT NOT NULL,
    digest      INTEGER NOT NULL DEFAULT 1,
    quiet_start TEXT,
    quiet_end   TEXT,
    timezone    TEXT NOT NULL DEFAULT 'UTC',
    language    TEXT NOT NULL DEFAULT 'en',
    updated_at  TEXT NOT NULL
);

-- The in-app list: what one account was told, read or not.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    event_key  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at    TEXT,
    UNIQUE (account_id, event_key)
);

CREATE INDEX notifications_by_account ON notifications (account_id, id);

CREATE TABLE webhook_endpoints (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL,
    events          TEXT NOT NULL,
    include_contact INTEGER NOT NULL DEFAULT 0,
    enabled         INTEGER NOT NULL DEFAULT 1,
    description     TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- One row per (channel, recipient, event): an email, a digest or a webhook call.
-- message_id is stable across retries (the webhook-id and the mail's Message-ID).
CREATE TABLE notice_deliveries (
    id              INTEGER PRIMARY KEY,
    message_id      TEXT NOT NULL UNIQUE,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'digest', 'webhook')),
    target          TEXT NOT NULL,
    account_id      INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    endpoint_id     INTEGER REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_key       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    data            TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    locked_until    TEXT,
    last_status     INTEGER,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sent_at         TEXT,
    UNIQUE (channel, target, event_key)
);

CREATE INDEX notice_deliveries_due ON notice_deliveries (state, next_attempt_at);
CREATE INDEX notice_deliveries_by_endpoint ON notice_deliveries (endpoint_id, id);

CREATE TABLE notice_attempts (
    id          INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES notice_deliveries (id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    status      INTEGER,
    outcome     TEXT NOT NULL,
    error       TEXT NOT NULL DEFAULT ''
);

CREATE INDEX notice_attempts_by_delivery ON notice_attempts (delivery_id, id);

-- Peers whose deliveries keep failing: the scanner asks per host for the last success.
CREATE INDEX deliveries_by_host ON deliveries (host, state, updated_at);

-- The scanner's watermark and the secret of unsubscribe links.
CREATE TABLE notification_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
