-- The tenant schema at its current version (see TENANT_SNAPSHOT_VERSION in
-- src/backends/postgres/migrate.rs), run with search_path set to the new schema
-- only, in the onboarding's transaction. Names are unqualified: every object lands in
-- tenant_<slug>, and every foreign key stays inside it (Citus-friendly).
-- Upgrades of existing tenants are the numbered files beside this one; when one is
-- added, fold it into this snapshot and bump the version.

CREATE TABLE services (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name             text NOT NULL,
    name_key         text NOT NULL UNIQUE,                    -- lowercased, spaces collapsed
    category         text,
    price_kes        integer NOT NULL CHECK (price_kes >= 0),
    duration_minutes integer CHECK (duration_minutes > 0),
    description      text,
    is_active        boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE staff (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name         text NOT NULL,
    phone_number text,
    is_active    boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE staff_services (
    staff_id   uuid NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    service_id uuid NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    PRIMARY KEY (staff_id, service_id)
);

CREATE TABLE staff_schedules (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    staff_id   uuid NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    weekday    smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),   -- 0 = Monday, tenant's timezone
    start_time time NOT NULL,
    end_time   time NOT NULL,
    CHECK (start_time < end_time)
);
CREATE INDEX staff_schedules_staff ON staff_schedules (staff_id, weekday);

CREATE TABLE customers (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name               text,
    phone_number       text UNIQUE,
    preferred_language text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customer_identities (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    channel     text NOT NULL,                                -- whatsapp, voice, web
    external_id text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel, external_id)
);

CREATE TABLE customer_sessions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id  uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    channel      text NOT NULL,
    thread_id    text NOT NULL,                               -- the LangGraph thread
    state        jsonb,
    started_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_sessions_thread ON customer_sessions (thread_id);

CREATE TABLE appointments (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id uuid NOT NULL REFERENCES customers (id),
    service_id  uuid NOT NULL REFERENCES services (id),
    staff_id    uuid REFERENCES staff (id),
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    status      text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'confirmed', 'cancelled', 'completed', 'no_show')),
    price_kes   integer,
    notes       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (starts_at < ends_at)
);
CREATE INDEX appointments_staff_time ON appointments (staff_id, starts_at);

CREATE TABLE payments (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    appointment_id uuid REFERENCES appointments (id),
    amount_kes     integer NOT NULL CHECK (amount_kes >= 0),
    method         text NOT NULL CHECK (method IN ('mpesa', 'card', 'cash', 'bank_transfer')),
    status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'failed', 'refunded')),
    mpesa_receipt  text UNIQUE,
    phone_number   text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE service_relations (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    service_id         uuid NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    related_service_id uuid NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    relation_type      text NOT NULL DEFAULT 'cross_sell',
    created_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (service_id, related_service_id, relation_type),
    CHECK (service_id <> related_service_id)
);

CREATE TABLE knowledge_snippets (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    topic      text NOT NULL,
    content    text NOT NULL,
    locale     text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE catalog_imports (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source       text NOT NULL,                               -- text, image, text+image
    floor_kes    integer NOT NULL,
    draft        jsonb NOT NULL,                              -- the coloured rows and relations
    status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'committed')),
    report       jsonb,                                       -- created / updated / unchanged
    created_at   timestamptz NOT NULL DEFAULT now(),
    committed_at timestamptz
);

-- The application's own archive of old LangGraph checkpoints.
CREATE TABLE checkpoints_archive (
    thread_id     text NOT NULL,
    checkpoint_ns text NOT NULL DEFAULT '',
    checkpoint_id text NOT NULL,
    checkpoint    jsonb NOT NULL,
    metadata      jsonb NOT NULL DEFAULT '{}',
    archived_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id)
);

-- LangGraph's checkpoint tables exactly as langgraph-checkpoint-postgres 3.2.x leaves
-- them after PostgresSaver.setup() has applied its MIGRATIONS 0..9: the same columns
-- in the same order (task_path last, as its ALTER TABLE adds it), types, defaults,
-- primary keys and indexes, and the migration rows, so that its setup() finds
-- nothing to do. Its index migrations use CREATE INDEX CONCURRENTLY, which cannot run
-- in a transaction; on empty new tables a plain CREATE INDEX is the same index.
CREATE TABLE checkpoint_migrations (
    v INTEGER PRIMARY KEY
);
CREATE TABLE checkpoints (
    thread_id TEXT NOT NULL,
    checkpoint_ns TEXT NOT NULL DEFAULT '',
    checkpoint_id TEXT NOT NULL,
    parent_checkpoint_id TEXT,
    type TEXT,
    checkpoint JSONB NOT NULL,
    metadata JSONB NOT NULL DEFAULT '{}',
    PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id)
);
CREATE TABLE checkpoint_blobs (
    thread_id TEXT NOT NULL,
    checkpoint_ns TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL,
    version TEXT NOT NULL,
    type TEXT NOT NULL,
    blob BYTEA,
    PRIMARY KEY (thread_id, checkpoint_ns, channel, version)
);
CREATE TABLE checkpoint_writes (
    thread_id TEXT NOT NULL,
    checkpoint_ns TEXT NOT NULL DEFAULT '',
    checkpoint_id TEXT NOT NULL,
    task_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    channel TEXT NOT NULL,
    type TEXT,
    blob BYTEA NOT NULL,
    task_path TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id, task_id, idx)
);
CREATE INDEX checkpoints_thread_id_idx ON checkpoints(thread_id);
CREATE INDEX checkpoint_blobs_thread_id_idx ON checkpoint_blobs(thread_id);
CREATE INDEX checkpoint_writes_thread_id_idx ON checkpoint_writes(thread_id);
INSERT INTO checkpoint_migrations (v) VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9);
