-- A tenant's own store: the business tables the booking assistant reads and writes.
CREATE TABLE services (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    name_key         TEXT NOT NULL UNIQUE,                  -- lowercased, spaces collapsed: one service per name
    category         TEXT,
    price_kes        INTEGER NOT NULL CHECK (price_kes >= 0),
    duration_minutes INTEGER CHECK (duration_minutes > 0),
    description      TEXT,
    is_active        INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

CREATE TABLE staff (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    phone_number TEXT,
    is_active    INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE staff_services (
    staff_id   TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    PRIMARY KEY (staff_id, service_id)
);

CREATE TABLE staff_schedules (
    id         TEXT PRIMARY KEY,
    staff_id   TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    weekday    INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),  -- 0 = Monday, in the tenant's timezone
    start_time TEXT NOT NULL,                                     -- HH:MM
    end_time   TEXT NOT NULL,
    CHECK (start_time < end_time)
);
CREATE INDEX staff_schedules_staff ON staff_schedules (staff_id, weekday);

CREATE TABLE customers (
    id                 TEXT PRIMARY KEY,
    name               TEXT,
    phone_number       TEXT UNIQUE,
    preferred_language TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);

CREATE TABLE customer_identities (
    id          TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    channel     TEXT NOT NULL,                                   -- whatsapp, voice, web
    external_id TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (channel, external_id)
);

CREATE TABLE customer_sessions (
    id           TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    channel      TEXT NOT NULL,
    thread_id    TEXT NOT NULL,                                  -- the LangGraph thread
    state        TEXT,
    started_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX customer_sessions_thread ON customer_sessions (thread_id);

CREATE TABLE appointments (
    id          TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    service_id  TEXT NOT NULL REFERENCES services (id),
    staff_id    TEXT REFERENCES staff (id),
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'confirmed', 'cancelled', 'completed', 'no_show')),
    price_kes   INTEGER,
    notes       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (starts_at < ends_at)
);
CREATE INDEX appointments_staff_time ON appointments (staff_id, starts_at);

CREATE TABLE payments (
    id             TEXT PRIMARY KEY,
    appointment_id TEXT REFERENCES appointments (id),
    amount_kes     INTEGER NOT NULL CHECK (amount_kes >= 0),
    method         TEXT NOT NULL CHECK (method IN ('mpesa', 'card', 'cash', 'bank_transfer')),
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'failed', 'refunded')),
    mpesa_receipt  TEXT UNIQUE,
    phone_number   TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE TABLE service_relations (
    id                 TEXT PRIMARY KEY,
    service_id         TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    related_service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    relation_type      TEXT NOT NULL DEFAULT 'cross_sell',
    created_at         TEXT NOT NULL,
    UNIQUE (service_id, related_service_id, relation_type),
    CHECK (service_id <> related_service_id)
);

CREATE TABLE knowledge_snippets (
    id         TEXT PRIMARY KEY,
    topic      TEXT NOT NULL,
    content    TEXT NOT NULL,
    locale     TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE catalog_imports (
    id           TEXT PRIMARY KEY,
    source       TEXT NOT NULL,                              -- text, image, text+image
    floor_kes    INTEGER NOT NULL,
    draft        TEXT NOT NULL,                              -- JSON: the coloured rows and relations
    status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'committed')),
    report       TEXT,                                       -- JSON: created / updated / unchanged
    created_at   TEXT NOT NULL,
    committed_at TEXT
);

-- The application's own archive of old LangGraph checkpoints.
CREATE TABLE checkpoints_archive (
    thread_id     TEXT NOT NULL,
    checkpoint_ns TEXT NOT NULL DEFAULT '',
    checkpoint_id TEXT NOT NULL,
    checkpoint    BLOB,
    metadata      BLOB,
    archived_at   TEXT NOT NULL,
    PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id)
);
