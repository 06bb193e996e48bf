-- Responses of POSTs with an Idempotency-Key, shared by every server instance.
CREATE TABLE public.idempotency_keys (
    key         text PRIMARY KEY,
    fingerprint text NOT NULL,          -- SHA-256 of method, path and body
    status      integer,                -- NULL while the first request is in flight
    body        text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX idempotency_keys_expiry ON public.idempotency_keys (expires_at);
