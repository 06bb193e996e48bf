-- The registry: one row per tenant, its admins, and the onboarding journal.
CREATE TABLE tenants (
    id                           TEXT PRIMARY KEY,          -- ULID
    name                         TEXT NOT NULL,
    slug                         TEXT NOT NULL UNIQUE,
    vertical                     TEXT NOT NULL,
    status                       TEXT NOT NULL DEFAULT 'trial' CHECK (status IN ('trial', 'active', 'suspended')),
    locale                       TEXT NOT NULL,
    timezone                     TEXT NOT NULL,
    whatsapp_number              TEXT NOT NULL,
    voice_number                 TEXT,
    mpesa_enabled                INTEGER NOT NULL CHECK (mpesa_enabled IN (0, 1)),
    card_enabled                 INTEGER NOT NULL DEFAULT 0 CHECK (card_enabled IN (0, 1)),
    cash_enabled                 INTEGER NOT NULL DEFAULT 1 CHECK (cash_enabled IN (0, 1)),
    whatsapp_phone_number_id     TEXT,
    whatsapp_access_token        TEXT,                      -- sealed (ChaCha20-Poly1305), never plaintext
    whatsapp_business_account_id TEXT,
    schema_version               INTEGER NOT NULL,
    created_at                   TEXT NOT NULL,
    updated_at                   TEXT NOT NULL
);

CREATE TABLE tenant_admins (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    phone_number TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'staff')),
    is_active    INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at   TEXT NOT NULL,
    UNIQUE (tenant_id, phone_number)
);

CREATE TABLE onboarding_journal (
    id          TEXT PRIMARY KEY,                            -- the onboarding id = the tenant id
    slug        TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('started', 'done', 'rolled_back', 'left_behind', 'resolved')),
    started_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    left_behind TEXT NOT NULL DEFAULT '[]'                   -- JSON list of leftovers
);
CREATE INDEX onboarding_journal_open ON onboarding_journal (started_at) WHERE state IN ('started', 'left_behind');
