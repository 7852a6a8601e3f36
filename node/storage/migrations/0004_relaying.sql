-- Relaying: which node passed a peer's item on to us, and what software each
-- peer runs (marketplace-aware peers get Proposals, others a Note).

ALTER TABLE remote_items ADD COLUMN relayed_by TEXT;

CREATE TABLE peer_software (
    host       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    version    TEXT NOT NULL DEFAULT '',
    fetched_at TEXT NOT NULL
);
