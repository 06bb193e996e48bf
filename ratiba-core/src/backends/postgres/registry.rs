//! `SchemaProvisioner` on PostgreSQL: registry rows and the tenant schema in one
//! transaction, held open by the pending tenant until the Onboarder commits.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;
use sqlx::postgres::PgRow;
use sqlx::{Connection, Executor, Postgres, Row};
use ulid::Ulid;

use super::error::sqlstate;
use super::ident::{schema_name, slug_of_schema};
use super::migrate::{TENANT_SNAPSHOT, TENANT_SNAPSHOT_VERSION};
use super::{db_error, PgStore, SLUG_LOCK_SQL, SLUG_LOCK_TIMEOUT, TOKEN_COLUMN};
use crate::catalog::{CatalogCommit, CatalogDraft, CommitReport, Service};
use crate::error::{Error, Result};
use crate::ports::{PendingTenant, SchemaProvisioner, StoreCheck, StoreInspection};
use crate::secrets::Secret;
use crate::staff::{StaffMember, StaffSpec};
use crate::tenant::{
    AdminRole, NewTenant, Slug, Tenant, TenantAdmin, TenantStatus, WhatsAppCredentials,
};

/// LangGraph's tables (langgraph-checkpoint-postgres), in every tenant schema.
pub(super) const CHECKPOINT_TABLES: &[&str] = &[
    "checkpoint_migrations",
    "checkpoints",
    "checkpoint_blobs",
    "checkpoint_writes",
];

/// The named indexes of the snapshot (primary keys are checked on their own).
const EXPECTED_INDEXES: &[&str] = &[
    "staff_schedules_staff",
    "customer_sessions_thread",
    "appointments_staff_time",
    "checkpoints_thread_id_idx",
    "checkpoint_blobs_thread_id_idx",
    "checkpoint_writes_thread_id_idx",
];

/// How many migrations langgraph-checkpoint-postgres 3.2.x has (rows v = 0..9).
const LANGGRAPH_MIGRATIONS: i32 = 10;

/// A tenant id (a ULID) as the UUID PostgreSQL stores: the same 128 bits.
pub(super) fn ulid_to_uuid(id: &Ulid) -> String {
    let h = format!("{:032x}", u128::from(*id));
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

pub(super) fn uuid_to_ulid(uuid: &str) -> Result<String> {
    let hex: String = uuid.chars().filter(|c| *c != '-').collect();
    u128::from_str_radix(&hex, 16)
        .map(|n| Ulid::from(n).to_string())
        .map_err(|_| Error::backend(format!("bad tenant id '{uuid}' in the registry")))
}

fn not_found(slug: &Slug) -> Error {
    Error::not_found(format!("no tenant with slug '{slug}'"))
}

fn from_epoch(secs: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0)
        .ok_or_else(|| Error::backend(format!("bad timestamp {secs} in the registry")))
}

const TENANT_COLUMNS: &str = "id::text AS id, name, slug, vertical, status, locale, timezone,
    whatsapp_number, voice_number, mpesa_enabled, extract(epoch FROM created_at)::bigint AS created_s";

fn tenant_from_row(row: &PgRow, admins: Vec<TenantAdmin>) -> Result<Tenant> {
    let status: String = row.get("status");
    Ok(Tenant {
        id: uuid_to_ulid(row.get("id"))?,
        name: row.get("name"),
        slug: row.get("slug"),
        vertical: row.get("vertical"),
        status: TenantStatus::parse(&status)
            .ok_or_else(|| Error::backend(format!("unknown status '{status}'")))?,
        locale: row.get("locale"),
        timezone: row.get("timezone"),
        whatsapp_number: row.get("whatsapp_number"),
        voice_number: row.get("voice_number"),
        mpesa_enabled: row.get("mpesa_enabled"),
        created_at: from_epoch(row.get("created_s"))?,
        admins,
    })
}

fn admin_from_row(row: &PgRow) -> Result<TenantAdmin> {
    let role: String = row.get("role");
    Ok(TenantAdmin {
        phone_number: row.get("phone_number"),
        role: AdminRole::parse(&role)
            .ok_or_else(|| Error::backend(format!("unknown role '{role}'")))?,
        is_active: row.get("is_active"),
    })
}

/// Maps the errors of the locking and inserting steps of `prepare` and `delete`.
fn slug_error(what: &str, slug: &Slug, err: sqlx::Error) -> Error {
    match sqlstate(&err).as_deref() {
        Some("55P03") => Error::conflict(format!(
            "another onboarding or change of '{slug}' is in progress; try again when it ends"
        ))
        .with_source(err),
        Some("23505") => {
            Error::conflict(format!("a tenant with slug '{slug}' already exists")).with_source(err)
        }
        Some("42P06") => Error::conflict(format!(
            "schema tenant_{slug} exists without a registry row; run `ratiba reconcile --fix`"
        ))
        .with_source(err),
        _ => db_error(what, err),
    }
}

impl PgStore {
    async fn read_tenant(&self, slug: &Slug) -> Result<Option<Tenant>> {
        let sql = format!("SELECT {TENANT_COLUMNS} FROM public.tenants WHERE slug = $1");
        let Some(row) = sqlx::query(&sql)
            .bind(slug.as_str())
            .fetch_optional(&self.admin)
            .await
            .map_err(|e| db_error("read tenant", e))?
        else {
            return Ok(None);
        };
        let id: String = row.get("id");
        let admins = sqlx::query(
            "SELECT phone_number, role, is_active FROM public.tenant_admins
              WHERE tenant_id = $1::uuid ORDER BY created_at, phone_number",
        )
        .bind(&id)
        .fetch_all(&self.admin)
        .await
        .map_err(|e| db_error("read tenant admins", e))?
        .iter()
        .map(admin_from_row)
        .collect::<Result<Vec<_>>>()?;
        tenant_from_row(&row, admins).map(Some)
    }

    /// The tenant's WhatsApp access token, opened with the keyring; `None` when
    /// none is stored. `NotFound` for an unknown slug.
    pub async fn whatsapp_access_token(&self, slug: &Slug) -> Result<Option<Secret>> {
        let row = sqlx::query(
            "SELECT id::text AS id, whatsapp_access_token FROM public.tenants WHERE slug = $1",
        )
        .bind(slug.as_str())
        .fetch_optional(&self.admin)
        .await
        .map_err(|e| db_error("read credentials", e))?
        .ok_or_else(|| not_found(slug))?;
        let Some(sealed) = row.get::<Option<Vec<u8>>, _>("whatsapp_access_token") else {
            return Ok(None);
        };
        let keyring = self.keyring.as_ref().ok_or_else(|| {
            Error::field(
                "RATIBA_ENCRYPTION_KEY",
                "is needed to open stored WhatsApp access tokens",
            )
        })?;
        let id = uuid_to_ulid(row.get("id"))?;
        keyring.open(&sealed, &id, TOKEN_COLUMN).map(Some)
    }

    /// Whether the tenant has WhatsApp credentials configured (never the values).
    pub async fn has_whatsapp_credentials(&self, slug: &Slug) -> Result<bool> {
        let row: Option<bool> = sqlx::query_scalar(
            "SELECT whatsapp_access_token IS NOT NULL FROM public.tenants WHERE slug = $1",
        )
        .bind(slug.as_str())
        .fetch_optional(&self.admin)
        .await
        .map_err(|e| db_error("read credentials", e))?;
        row.ok_or_else(|| not_found(slug))
    }

    /// Re-seals every stored access token with the keyring's active key, one tenant
    /// per transaction (rows already on the active key are left alone). Returns how
    /// many were re-sealed.
    pub async fn rotate_keys(&self) -> Result<usize> {
        let keyring = self.keyring.as_ref().ok_or_else(|| {
            Error::field(
                "RATIBA_ENCRYPTION_KEY",
                "is needed to rotate keys: list the new key first, then the old ones",
            )
        })?;
        let rows = sqlx::query(
            "SELECT id::text AS id, slug FROM public.tenants
              WHERE whatsapp_access_token IS NOT NULL AND get_byte(whatsapp_access_token, 1) <> $1
              ORDER BY slug",
        )
        .bind(i32::from(keyring.active_key_id()))
        .fetch_all(&self.admin)
        .await
        .map_err(|e| db_error("rotate keys", e))?;
        let mut rotated = 0;
        for row in rows {
            let uuid: String = row.get("id");
            let id = uuid_to_ulid(&uuid)?;
            let mut tx = self
                .admin
                .begin()
                .await
                .map_err(|e| db_error("rotate keys", e))?;
            let sealed: Option<Vec<u8>> = sqlx::query_scalar(
                "SELECT whatsapp_access_token FROM public.tenants WHERE id = $1::uuid FOR UPDATE",
            )
            .bind(&uuid)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| db_error("rotate keys", e))?
            .flatten();
            let Some(sealed) = sealed else { continue };
            let secret = keyring.open(&sealed, &id, TOKEN_COLUMN)?;
            let resealed = keyring.seal(&secret, &id, TOKEN_COLUMN)?;
            sqlx::query(
                "UPDATE public.tenants SET whatsapp_access_token = $2, updated_at = now() WHERE id = $1::uuid",
            )
            .bind(&uuid)
            .bind(resealed)
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error("rotate keys", e))?;
            tx.commit().await.map_err(|e| db_error("rotate keys", e))?;
            rotated += 1;
        }
        Ok(rotated)
    }

    async fn prepare_on(&self, conn: &mut sqlx::PgConnection, new: &NewTenant) -> Result<()> {
        let spec = &new.spec;
        let slug = &spec.slug;
        let schema = schema_name(slug)?;
        let id = new.id.to_string();
        let token = match &spec.whatsapp.access_token {
            None => None,
            Some(token) => {
                let keyring = self.keyring.as_ref().ok_or_else(|| {
                    Error::field(
                        "whatsapp_access_token",
                        "cannot be stored: set RATIBA_ENCRYPTION_KEY so it is encrypted at rest",
                    )
                })?;
                Some(keyring.seal(token, &id, TOKEN_COLUMN)?)
            }
        };
        let what = "begin onboarding";
        conn.execute("BEGIN; SET LOCAL lock_timeout = '2s'")
            .await
            .map_err(|e| db_error(what, e))?;
        // Serialize per slug: a second onboarding of the same slug waits here (at
        // most the lock timeout), then finds the row; other slugs never wait.
        sqlx::query(SLUG_LOCK_SQL)
            .bind(slug.as_str())
            .execute(&mut *conn)
            .await
            .map_err(|e| slug_error(what, slug, e))?;
        sqlx::query(
            "WITH t AS (
               INSERT INTO public.tenants (id, name, slug, vertical, status, locale, timezone,
                   whatsapp_number, voice_number, mpesa_enabled, card_enabled, cash_enabled,
                   whatsapp_phone_number_id, whatsapp_access_token, whatsapp_business_account_id,
                   schema_version, created_at, updated_at)
               VALUES ($1::uuid, $2, $3, $4, 'trial', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                   $15, to_timestamp($16), to_timestamp($16))
               RETURNING id)
             INSERT INTO public.tenant_admins (tenant_id, phone_number, role, is_active, created_at)
             SELECT id, $17, 'owner', true, to_timestamp($16) FROM t",
        )
        .bind(ulid_to_uuid(&new.id))
        .bind(&spec.name)
        .bind(slug.as_str())
        .bind(spec.vertical.as_str())
        .bind(spec.locale.as_str())
        .bind(spec.timezone.as_str())
        .bind(spec.whatsapp_number.as_str())
        .bind(spec.voice_number.as_ref().map(|p| p.as_str()))
        .bind(spec.payments.mpesa_enabled)
        .bind(spec.payments.card_enabled)
        .bind(spec.payments.cash_enabled)
        .bind(spec.whatsapp.phone_number_id.as_deref())
        .bind(token)
        .bind(spec.whatsapp.business_account_id.as_deref())
        .bind(TENANT_SNAPSHOT_VERSION)
        .bind(new.created_at.timestamp() as f64)
        .bind(spec.owner_phone.as_str())
        .execute(&mut *conn)
        .await
        .map_err(|e| slug_error("register tenant", slug, e))?;
        // The schema and every table in one simple-query round trip. The only name
        // in the text is the validated, quoted schema; the snapshot is unqualified
        // and lands in it through the transaction-local search_path.
        let ddl = format!(
            "CREATE SCHEMA {q};\nSET LOCAL search_path TO {q};\n{TENANT_SNAPSHOT}{grants}",
            q = schema.quoted(),
            grants = self.grants(&schema),
        );
        conn.execute(ddl.as_str())
            .await
            .map_err(|e| slug_error("create tenant schema", slug, e))?;
        Ok(())
    }
}

fn tenant_of(new: &NewTenant) -> Tenant {
    Tenant {
        id: new.id.to_string(),
        name: new.spec.name.clone(),
        slug: new.spec.slug.to_string(),
        vertical: new.spec.vertical.to_string(),
        status: TenantStatus::Trial,
        locale: new.spec.locale.to_string(),
        timezone: new.spec.timezone.to_string(),
        whatsapp_number: new.spec.whatsapp_number.to_string(),
        voice_number: new.spec.voice_number.as_ref().map(ToString::to_string),
        mpesa_enabled: new.spec.payments.mpesa_enabled,
        created_at: new.created_at,
        admins: vec![TenantAdmin {
            phone_number: new.spec.owner_phone.to_string(),
            role: AdminRole::Owner,
            is_active: true,
        }],
    }
}

/// Runs `f` in one admin transaction holding the slug's lock.
async fn locked_tx(
    store: &PgStore,
    slug: &Slug,
    what: &str,
) -> Result<sqlx::Transaction<'static, Postgres>> {
    let mut tx = store.admin.begin().await.map_err(|e| db_error(what, e))?;
    tx.execute(SLUG_LOCK_TIMEOUT)
        .await
        .map_err(|e| db_error(what, e))?;
    sqlx::query(SLUG_LOCK_SQL)
        .bind(slug.as_str())
        .execute(&mut *tx)
        .await
        .map_err(|e| slug_error(what, slug, e))?;
    Ok(tx)
}

#[async_trait]
impl SchemaProvisioner for PgStore {
    fn backend_name(&self) -> &'static str {
        "postgres"
    }

    fn checkpoint_tables(&self) -> &'static [&'static str] {
        CHECKPOINT_TABLES
    }

    fn abandoned_prepare_leaves_store(&self) -> bool {
        false
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.admin)
            .await
            .map_err(|e| db_error("ping PostgreSQL", e))?;
        Ok(())
    }

    async fn prepare(&self, new: &NewTenant) -> Result<Box<dyn PendingTenant>> {
        let mut conn = self
            .admin
            .acquire()
            .await
            .map_err(|e| db_error("begin onboarding", e))?;
        if let Err(e) = self.prepare_on(&mut conn, new).await {
            // Whatever failed, the transaction goes: roll back, or drop the connection.
            if conn.execute("ROLLBACK").await.is_err() {
                let _ = conn.detach().close_hard().await;
            }
            return Err(e);
        }
        Ok(Box::new(PgPending {
            conn: Some(conn),
            tenant: tenant_of(new),
        }))
    }

    async fn get(&self, slug: &Slug) -> Result<Tenant> {
        self.read_tenant(slug).await?.ok_or_else(|| not_found(slug))
    }

    async fn list(&self) -> Result<Vec<Tenant>> {
        let sql = format!("SELECT {TENANT_COLUMNS} FROM public.tenants ORDER BY slug");
        let rows = sqlx::query(&sql)
            .fetch_all(&self.admin)
            .await
            .map_err(|e| db_error("list tenants", e))?;
        let mut admins: HashMap<String, Vec<TenantAdmin>> = HashMap::new();
        for row in sqlx::query(
            "SELECT tenant_id::text AS tenant_id, phone_number, role, is_active
               FROM public.tenant_admins ORDER BY created_at, phone_number",
        )
        .fetch_all(&self.admin)
        .await
        .map_err(|e| db_error("list tenant admins", e))?
        {
            admins
                .entry(row.get("tenant_id"))
                .or_default()
                .push(admin_from_row(&row)?);
        }
        rows.iter()
            .map(|row| {
                let id: String = row.get("id");
                tenant_from_row(row, admins.remove(&id).unwrap_or_default())
            })
            .collect()
    }

    async fn delete(&self, slug: &Slug) -> Result<()> {
        let schema = schema_name(slug)?;
        let mut tx = locked_tx(self, slug, "delete tenant").await?;
        let deleted = sqlx::query("DELETE FROM public.tenants WHERE slug = $1")
            .bind(slug.as_str())
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error("delete tenant", e))?
            .rows_affected();
        if deleted == 0 {
            return Err(not_found(slug));
        }
        let drop = format!("DROP SCHEMA IF EXISTS {} CASCADE", schema.quoted());
        tx.execute(drop.as_str())
            .await
            .map_err(|e| db_error("drop tenant schema", e))?;
        tx.commit().await.map_err(|e| db_error("delete tenant", e))
    }

    async fn inspect(&self, slug: &Slug) -> Result<StoreInspection> {
        let schema = schema_name(slug)?;
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)")
                .bind(schema.name())
                .fetch_one(&self.admin)
                .await
                .map_err(|e| db_error("inspect tenant schema", e))?;
        if !exists {
            return Ok(StoreInspection::default());
        }
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = $1 ORDER BY 1",
        )
        .bind(schema.name())
        .fetch_all(&self.admin)
        .await
        .map_err(|e| db_error("inspect tenant schema", e))?;
        Ok(StoreInspection {
            store_exists: true,
            tables,
        })
    }

    async fn store_checks(&self, slug: &Slug) -> Result<Vec<StoreCheck>> {
        let schema = schema_name(slug)?;
        let what = "verify tenant schema";
        let mut checks = Vec::new();
        let present: Vec<String> = sqlx::query_scalar(
            "SELECT i.relname::text FROM pg_index x
               JOIN pg_class i ON i.oid = x.indexrelid
               JOIN pg_namespace n ON n.oid = i.relnamespace
              WHERE n.nspname = $1 AND x.indisvalid",
        )
        .bind(schema.name())
        .fetch_all(&self.admin)
        .await
        .map_err(|e| db_error(what, e))?;
        let missing: Vec<&str> = EXPECTED_INDEXES
            .iter()
            .copied()
            .filter(|i| !present.iter().any(|p| p == i))
            .collect();
        let without_pk: Vec<String> = sqlx::query_scalar(
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = $1 AND c.relkind = 'r'
                AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')
              ORDER BY 1",
        )
        .bind(schema.name())
        .fetch_all(&self.admin)
        .await
        .map_err(|e| db_error(what, e))?;
        checks.push(StoreCheck {
            name: "indexes",
            ok: missing.is_empty() && without_pk.is_empty(),
            detail: match (missing.is_empty(), without_pk.is_empty()) {
                (true, true) => format!(
                    "{} valid indexes, every table has a primary key",
                    present.len()
                ),
                (false, _) => format!("missing or invalid: {}", missing.join(", ")),
                (true, false) => format!("no primary key: {}", without_pk.join(", ")),
            },
        });
        let current = super::migrate::check_upgrades(super::migrate::TENANT_UPGRADES)?;
        let version: Option<i32> =
            sqlx::query_scalar("SELECT schema_version FROM public.tenants WHERE slug = $1")
                .bind(slug.as_str())
                .fetch_optional(&self.admin)
                .await
                .map_err(|e| db_error(what, e))?;
        checks.push(match version {
            Some(v) if v == current => StoreCheck {
                name: "schema_version",
                ok: true,
                detail: format!("version {v} (current)"),
            },
            Some(v) if v > current => StoreCheck {
                name: "schema_version",
                ok: true,
                detail: format!("version {v}, newer than this build's {current}"),
            },
            Some(v) => StoreCheck {
                name: "schema_version",
                ok: false,
                detail: format!("version {v}, current is {current}: run `ratiba migrate`"),
            },
            None => StoreCheck {
                name: "schema_version",
                ok: false,
                detail: "no registry row records the version".into(),
            },
        });
        let table = format!("{}.checkpoint_migrations", schema.quoted());
        let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
            .bind(&table)
            .fetch_one(&self.admin)
            .await
            .map_err(|e| db_error(what, e))?;
        let rows: Vec<i32> = if exists {
            sqlx::query_scalar(&format!("SELECT v FROM {table} ORDER BY v"))
                .fetch_all(&self.admin)
                .await
                .map_err(|e| db_error(what, e))?
        } else {
            Vec::new()
        };
        let want: Vec<i32> = (0..LANGGRAPH_MIGRATIONS).collect();
        checks.push(StoreCheck {
            name: "checkpoint_migrations",
            ok: rows == want,
            detail: if rows == want {
                format!("LangGraph migrations 0..{}", LANGGRAPH_MIGRATIONS - 1)
            } else if !exists {
                "table checkpoint_migrations is missing".into()
            } else {
                format!("rows {rows:?}, expected 0..{}", LANGGRAPH_MIGRATIONS - 1)
            },
        });
        Ok(checks)
    }

    async fn orphan_stores(&self) -> Result<Vec<String>> {
        let names: Vec<String> = sqlx::query_scalar(
            r"SELECT n.nspname::text FROM pg_namespace n
               WHERE n.nspname LIKE 'tenant\_%'
                 AND NOT EXISTS (SELECT 1 FROM public.tenants t WHERE 'tenant_' || t.slug = n.nspname)
               ORDER BY 1",
        )
        .fetch_all(&self.admin)
        .await
        .map_err(|e| db_error("list tenant schemas", e))?;
        Ok(names
            .iter()
            .filter_map(|n| slug_of_schema(n))
            .map(|s| s.to_string())
            .collect())
    }

    async fn registered_without_store(&self) -> Result<Vec<String>> {
        sqlx::query_scalar(
            "SELECT t.slug FROM public.tenants t
              WHERE NOT EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = 'tenant_' || t.slug)
              ORDER BY t.slug",
        )
        .fetch_all(&self.admin)
        .await
        .map_err(|e| db_error("list tenants without a schema", e))
    }

    async fn drop_orphan_store(&self, name: &str) -> Result<()> {
        let slug = Slug::parse(name)
            .map_err(|_| Error::field("store", format!("'{name}' is not a tenant store name")))?;
        let schema = schema_name(&slug)?;
        let mut tx = locked_tx(self, &slug, "drop orphan schema").await?;
        let registered: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM public.tenants WHERE slug = $1)")
                .bind(slug.as_str())
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| db_error("drop orphan schema", e))?;
        if registered {
            return Err(Error::conflict(format!(
                "schema {schema} belongs to a registered tenant"
            )));
        }
        let drop = format!("DROP SCHEMA IF EXISTS {} CASCADE", schema.quoted());
        tx.execute(drop.as_str())
            .await
            .map_err(|e| db_error("drop orphan schema", e))?;
        tx.commit()
            .await
            .map_err(|e| db_error("drop orphan schema", e))
    }

    async fn set_whatsapp(&self, slug: &Slug, credentials: &WhatsAppCredentials) -> Result<()> {
        let id: Option<String> =
            sqlx::query_scalar("SELECT id::text FROM public.tenants WHERE slug = $1")
                .bind(slug.as_str())
                .fetch_optional(&self.admin)
                .await
                .map_err(|e| db_error("store credentials", e))?;
        let id = uuid_to_ulid(&id.ok_or_else(|| not_found(slug))?)?;
        // Sealed with the tenant id and column as associated data, like at onboarding.
        let token = match &credentials.access_token {
            None => None,
            Some(token) => {
                let keyring = self.keyring.as_ref().ok_or_else(|| {
                    Error::field(
                        "whatsapp_access_token",
                        "cannot be stored: set RATIBA_ENCRYPTION_KEY so it is encrypted at rest",
                    )
                })?;
                Some(keyring.seal(token, &id, TOKEN_COLUMN)?)
            }
        };
        sqlx::query(
            "UPDATE public.tenants SET whatsapp_phone_number_id = $2, whatsapp_access_token = $3,
                 whatsapp_business_account_id = $4, updated_at = now() WHERE slug = $1",
        )
        .bind(slug.as_str())
        .bind(credentials.phone_number_id.as_deref())
        .bind(token)
        .bind(credentials.business_account_id.as_deref())
        .execute(&self.admin)
        .await
        .map_err(|e| db_error("store credentials", e))?;
        Ok(())
    }

    async fn save_catalog_draft(&self, slug: &Slug, draft: &CatalogDraft) -> Result<String> {
        self.get(slug).await?;
        super::catalog::save_draft(self, slug, draft).await
    }

    async fn load_catalog_draft(&self, slug: &Slug, import_id: &str) -> Result<CatalogDraft> {
        self.get(slug).await?;
        super::catalog::load_draft(self, slug, import_id).await
    }

    async fn commit_catalog(&self, slug: &Slug, commit: &CatalogCommit) -> Result<CommitReport> {
        self.get(slug).await?;
        super::catalog::commit(self, slug, commit).await
    }

    async fn list_services(&self, slug: &Slug) -> Result<Vec<Service>> {
        self.get(slug).await?;
        super::catalog::list_services(self, slug).await
    }

    async fn create_staff(&self, slug: &Slug, spec: &StaffSpec) -> Result<StaffMember> {
        self.get(slug).await?;
        super::staff::create(self, slug, spec).await
    }

    async fn list_staff(&self, slug: &Slug) -> Result<Vec<StaffMember>> {
        self.get(slug).await?;
        super::staff::list(self, slug).await
    }

    async fn update_staff(&self, slug: &Slug, id: &str, spec: &StaffSpec) -> Result<StaffMember> {
        self.get(slug).await?;
        super::staff::update(self, slug, id, spec).await
    }

    async fn delete_staff(&self, slug: &Slug, id: &str) -> Result<()> {
        self.get(slug).await?;
        super::staff::delete(self, slug, id).await
    }

    async fn put_knowledge(
        &self,
        slug: &Slug,
        snippets: &[crate::knowledge::KnowledgeSnippet],
    ) -> Result<crate::knowledge::KnowledgeReport> {
        self.get(slug).await?;
        super::knowledge::put(self, slug, snippets).await
    }

    async fn list_knowledge(&self, slug: &Slug) -> Result<Vec<crate::knowledge::KnowledgeSnippet>> {
        self.get(slug).await?;
        super::knowledge::list(self, slug).await
    }
}

/// The open onboarding transaction, on a connection of its own.
struct PgPending {
    conn: Option<PoolConnection<Postgres>>,
    tenant: Tenant,
}

#[async_trait]
impl PendingTenant for PgPending {
    async fn commit(mut self: Box<Self>) -> Result<Tenant> {
        let mut conn = self
            .conn
            .take()
            .ok_or_else(|| Error::backend("pending tenant already settled"))?;
        match conn.execute("COMMIT").await {
            Ok(_) => Ok(self.tenant.clone()),
            Err(e) => {
                // The outcome is unknown to us; never hand the connection back.
                let _ = conn.detach().close_hard().await;
                Err(db_error("commit onboarding", e))
            }
        }
    }

    async fn rollback(mut self: Box<Self>) -> Result<()> {
        let Some(mut conn) = self.conn.take() else {
            return Ok(());
        };
        match conn.execute("ROLLBACK").await {
            Ok(_) => Ok(()),
            Err(e) => {
                // Closing the connection rolls the transaction back on the server.
                let _ = conn.detach().close_hard().await;
                Err(db_error("roll back onboarding", e))
            }
        }
    }

    async fn abandon(mut self: Box<Self>) {
        // What a crash does: the connection dies with the transaction open, and
        // PostgreSQL rolls it back. Nothing is left.
        if let Some(conn) = self.conn.take() {
            let _ = conn.detach().close_hard().await;
        }
    }
}

impl Drop for PgPending {
    fn drop(&mut self) {
        // Never return a connection with an open transaction to the pool.
        if let Some(conn) = self.conn.take() {
            drop(conn.detach());
        }
    }
}
