-- Responses of POSTs with an Idempotency-Key, shared by every server instance.
CREATE TABLE idempotency_keys (
    key         TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,          -- SHA-256 of method, path and body
    status      INTEGER,                -- NULL while the first request is in flight
    body        TEXT,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
