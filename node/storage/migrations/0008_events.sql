-- The change feed: one row per change that a consumer acts on, written by the
-- storage layer in the same transaction as the change itself. Consumers (the
-- outbox publisher, the notification scanner) each keep a durable cursor, the
-- last event id they handled, advanced in the transaction of their own writes.
-- AUTOINCREMENT: an id is never reused after old events are pruned.

CREATE TABLE events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    data       TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);

CREATE INDEX events_kind ON events (kind, id);

CREATE TABLE event_cursors (
    consumer TEXT PRIMARY KEY,
    position INTEGER NOT NULL DEFAULT 0
);

INSERT INTO event_cursors (consumer) VALUES ('outbox'), ('notifications');

-- The scanner's timestamp watermark is replaced by its cursor.
DELETE FROM notification_state WHERE key = 'scan_since';
