-- The registry in `public`: one row per tenant, its admins, and the onboarding journal.
-- Nothing here references a tenant schema (Citus schema-based sharding keeps `public`
-- on the coordinator and moves each tenant schema as a unit).
CREATE TABLE public.tenants (
    id                           uuid PRIMARY KEY,            -- the onboarding's ULID, as a UUID
    name                         text NOT NULL,
    slug                         text NOT NULL UNIQUE CHECK (slug ~ '^[a-z][a-z0-9_]{0,55}$'),
    vertical                     text NOT NULL,
    status                       text NOT NULL DEFAULT 'trial' CHECK (status IN ('trial', 'active', 'suspended')),
    locale                       text NOT NULL,
    timezone                     text NOT NULL,
    whatsapp_number              text NOT NULL,
    voice_number                 text,
    mpesa_enabled                boolean NOT NULL,
    card_enabled                 boolean NOT NULL DEFAULT false,
    cash_enabled                 boolean NOT NULL DEFAULT true,
    whatsapp_phone_number_id     text,
    whatsapp_access_token        bytea,                       -- sealed: version, key id, nonce, ciphertext
    whatsapp_business_account_id text,
    schema_version               integer NOT NULL,            -- of the tenant schema tenant_<slug>
    created_at                   timestamptz NOT NULL DEFAULT now(),
    updated_at                   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.tenant_admins (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    uuid NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    phone_number text NOT NULL,
    role         text NOT NULL CHECK (role IN ('owner', 'admin', 'staff')),
    is_active    boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, phone_number)
);

CREATE TABLE public.onboarding_journal (
    id          text PRIMARY KEY,                             -- the onboarding id = the tenant id
    slug        text NOT NULL,
    state       text NOT NULL CHECK (state IN ('started', 'done', 'rolled_back', 'left_behind', 'resolved')),
    started_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    left_behind jsonb NOT NULL DEFAULT '[]'                   -- list of leftovers
);
CREATE INDEX onboarding_journal_open ON public.onboarding_journal (started_at)
    WHERE state IN ('started', 'left_behind');
