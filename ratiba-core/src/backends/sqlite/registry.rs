use std::fs;
use std::path::PathBuf;

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::{Row, Sqlite, Transaction};
use ulid::Ulid;

use super::{db_error, migrate, remove_db_files, SqliteStore};
use crate::catalog::{CatalogCommit, CatalogDraft, CommitReport, Service};
use crate::error::{Error, Result};
use crate::ports::{PendingTenant, SchemaProvisioner, StoreInspection};
use crate::secrets::{Secret, TOKEN_COLUMN};
use crate::staff::{StaffMember, StaffSpec};
use crate::tenant::{
    AdminRole, NewTenant, Slug, Tenant, TenantAdmin, TenantStatus, WhatsAppCredentials,
};

pub(super) const CHECKPOINT_TABLES: &[&str] = &["checkpoints", "writes"];

pub(super) fn timestamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn parse_time(raw: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            Error::backend(format!("bad timestamp '{raw}' in the registry")).with_source(e)
        })
}

fn not_found(slug: &Slug) -> Error {
    Error::not_found(format!("no tenant with slug '{slug}'"))
}

/// Names of orphan stores: a slug, or `<slug>.<ULID>.pending`.
fn valid_store_name(name: &str) -> bool {
    let mut parts = name.split('.');
    let slug_ok = parts.next().is_some_and(|s| Slug::parse(s).is_ok());
    match (parts.next(), parts.next(), parts.next()) {
        (None, _, _) => slug_ok,
        (Some(id), Some("pending"), None) => slug_ok && Ulid::from_string(id).is_ok(),
        _ => false,
    }
}

impl SqliteStore {
    /// The tenant's WhatsApp access token, opened with the keyring; `None` when
    /// none is stored. `NotFound` for an unknown slug. A value the keys cannot open
    /// (another key, or copied from another tenant's row) is an error.
    pub async fn whatsapp_access_token(&self, slug: &Slug) -> Result<Option<Secret>> {
        // A BLOB is a keyring value; TEXT is the plain `Sealer` format written before.
        let row = sqlx::query(
            "SELECT id, typeof(whatsapp_access_token) AS kind,
                    CAST(whatsapp_access_token AS BLOB) AS sealed
               FROM tenants WHERE slug = ?",
        )
        .bind(slug.as_str())
        .fetch_optional(&self.registry)
        .await
        .map_err(|e| db_error("read credentials", e))?
        .ok_or_else(|| not_found(slug))?;
        let Some(sealed) = row.get::<Option<Vec<u8>>, _>("sealed") else {
            return Ok(None);
        };
        let id: String = row.get("id");
        if row.get::<String, _>("kind") == "text" {
            let legacy = String::from_utf8(sealed).map_err(|_| {
                Error::backend(format!(
                    "the stored {TOKEN_COLUMN} of tenant {id} is not a sealed value"
                ))
            })?;
            return self
                .keyring
                .open_legacy(&legacy)
                .map(Some)
                .map_err(|e| e.context(format!("tenant {id}")));
        }
        self.keyring.open(&sealed, &id, TOKEN_COLUMN).map(Some)
    }

    /// Seals a token for the tenant with this id (the ULID stored in `tenants.id`).
    fn seal_token(&self, token: Option<&Secret>, id: &str) -> Result<Option<Vec<u8>>> {
        token
            .map(|t| self.keyring.seal(t, id, TOKEN_COLUMN))
            .transpose()
    }

    async fn read_tenant(&self, slug: &Slug) -> Result<Option<Tenant>> {
        let row = sqlx::query(
            "SELECT id, name, slug, vertical, status, locale, timezone, whatsapp_number, voice_number,
                    mpesa_enabled, created_at FROM tenants WHERE slug = ?",
        )
        .bind(slug.as_str())
        .fetch_optional(&self.registry)
        .await
        .map_err(|e| db_error("read tenant", e))?;
        let Some(row) = row else { return Ok(None) };
        let id: String = row.get("id");
        let admins = sqlx::query(
            "SELECT phone_number, role, is_active FROM tenant_admins WHERE tenant_id = ? ORDER BY created_at, phone_number",
        )
        .bind(&id)
        .fetch_all(&self.registry)
        .await
        .map_err(|e| db_error("read tenant admins", e))?
        .into_iter()
        .map(|a| {
            let role: String = a.get("role");
            Ok(TenantAdmin {
                phone_number: a.get("phone_number"),
                role: AdminRole::parse(&role).ok_or_else(|| Error::backend(format!("unknown role '{role}'")))?,
                is_active: a.get::<i64, _>("is_active") != 0,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let status: String = row.get("status");
        Ok(Some(Tenant {
            id,
            name: row.get("name"),
            slug: row.get("slug"),
            vertical: row.get("vertical"),
            status: TenantStatus::parse(&status)
                .ok_or_else(|| Error::backend(format!("unknown status '{status}'")))?,
            locale: row.get("locale"),
            timezone: row.get("timezone"),
            whatsapp_number: row.get("whatsapp_number"),
            voice_number: row.get("voice_number"),
            mpesa_enabled: row.get::<i64, _>("mpesa_enabled") != 0,
            created_at: parse_time(row.get("created_at"))?,
            admins,
        }))
    }

    async fn insert_registry_rows(
        &self,
        conn: &mut sqlx::SqliteConnection,
        new: &NewTenant,
    ) -> Result<()> {
        let spec = &new.spec;
        let now = timestamp(&new.created_at);
        let id = new.id.to_string();
        let token = self.seal_token(spec.whatsapp.access_token.as_ref(), &id)?;
        sqlx::query(
            "INSERT INTO tenants (id, name, slug, vertical, status, locale, timezone, whatsapp_number, voice_number,
                mpesa_enabled, card_enabled, cash_enabled, whatsapp_phone_number_id, whatsapp_access_token,
                whatsapp_business_account_id, schema_version, created_at, updated_at)
             VALUES (?, ?, ?, ?, 'trial', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(&spec.name)
        .bind(spec.slug.as_str())
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
        .bind(migrate::latest(migrate::TENANT))
        .bind(&now)
        .bind(&now)
        .execute(&mut *conn)
        .await
        .map_err(|e| match db_error("register tenant", e) {
            e if matches!(e.kind(), crate::ErrorKind::Conflict) => {
                Error::conflict(format!("a tenant with slug '{}' already exists", spec.slug))
            }
            e => e,
        })?;
        sqlx::query(
            "INSERT INTO tenant_admins (id, tenant_id, phone_number, role, is_active, created_at)
             VALUES (?, ?, ?, 'owner', 1, ?)",
        )
        .bind(Ulid::new().to_string())
        .bind(&id)
        .bind(spec.owner_phone.as_str())
        .bind(&now)
        .execute(&mut *conn)
        .await
        .map_err(|e| db_error("register owner", e))?;
        Ok(())
    }

    async fn build_store(&self, path: &std::path::Path) -> Result<()> {
        let mut conn = self.open_tenant_file(path, true).await?;
        let result = migrate::run(&mut conn, migrate::TENANT).await;
        let _ = sqlx::Connection::close(conn).await;
        result.map(|_| ())
    }
}

#[async_trait]
impl SchemaProvisioner for SqliteStore {
    fn backend_name(&self) -> &'static str {
        "sqlite"
    }

    fn checkpoint_tables(&self) -> &'static [&'static str] {
        CHECKPOINT_TABLES
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.registry)
            .await
            .map_err(|e| db_error("registry", e))?;
        Ok(())
    }

    async fn prepare(&self, new: &NewTenant) -> Result<Box<dyn PendingTenant>> {
        let slug = &new.spec.slug;
        let final_path = self.store_path(slug.as_str());
        let mut tx = self
            .registry
            .begin()
            .await
            .map_err(|e| db_error("begin onboarding", e))?;
        self.insert_registry_rows(&mut tx, new).await?;
        // Checked under the registry's write lock, so no other onboarding races us here.
        if final_path.exists() {
            return Err(Error::conflict(format!(
                "a store for '{slug}' was left by a failed onboarding; run `ratiba reconcile --fix`"
            )));
        }
        let pending_path = self.store_path(&format!("{slug}.{}.pending", new.id));
        if let Err(e) = self.build_store(&pending_path).await {
            let _ = remove_db_files(&pending_path);
            return Err(e.context("create tenant store"));
        }
        let tenant = Tenant {
            id: new.id.to_string(),
            name: new.spec.name.clone(),
            slug: slug.to_string(),
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
        };
        Ok(Box::new(SqlitePending {
            tx: Some(tx),
            pending_path,
            final_path,
            tenant,
        }))
    }

    async fn get(&self, slug: &Slug) -> Result<Tenant> {
        self.read_tenant(slug).await?.ok_or_else(|| not_found(slug))
    }

    async fn list(&self) -> Result<Vec<Tenant>> {
        let slugs: Vec<String> = sqlx::query_scalar("SELECT slug FROM tenants ORDER BY slug")
            .fetch_all(&self.registry)
            .await
            .map_err(|e| db_error("list tenants", e))?;
        let mut out = Vec::with_capacity(slugs.len());
        for raw in slugs {
            let slug = Slug::parse(&raw)?;
            if let Some(t) = self.read_tenant(&slug).await? {
                out.push(t);
            }
        }
        Ok(out)
    }

    async fn delete(&self, slug: &Slug) -> Result<()> {
        let deleted = sqlx::query("DELETE FROM tenants WHERE slug = ?")
            .bind(slug.as_str())
            .execute(&self.registry)
            .await
            .map_err(|e| db_error("delete tenant", e))?
            .rows_affected();
        if deleted == 0 {
            return Err(not_found(slug));
        }
        // A file that cannot be removed now is an orphan store for reconcile.
        remove_db_files(&self.store_path(slug.as_str())).map_err(|e| {
            Error::from(e).context("remove tenant store (run `ratiba reconcile --fix`)")
        })
    }

    async fn inspect(&self, slug: &Slug) -> Result<StoreInspection> {
        let path = self.store_path(slug.as_str());
        if !path.exists() {
            return Ok(StoreInspection::default());
        }
        let mut conn = match self.open_tenant_file(&path, false).await {
            Ok(conn) => conn,
            // Deleted between the check and the open.
            Err(e) if matches!(e.kind(), crate::error::ErrorKind::NotFound) => {
                return Ok(StoreInspection::default())
            }
            Err(e) => return Err(e),
        };
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table'
               AND name NOT LIKE 'sqlite_%' AND name <> '_ratiba_migrations' ORDER BY name",
        )
        .fetch_all(&mut conn)
        .await
        .map_err(|e| db_error("inspect tenant store", e))?;
        let _ = sqlx::Connection::close(conn).await;
        Ok(StoreInspection {
            store_exists: true,
            tables,
        })
    }

    async fn orphan_stores(&self) -> Result<Vec<String>> {
        let registered: std::collections::HashSet<String> =
            sqlx::query_scalar("SELECT slug FROM tenants")
                .fetch_all(&self.registry)
                .await
                .map_err(|e| db_error("list tenants", e))?
                .into_iter()
                .collect();
        let mut out = Vec::new();
        for entry in fs::read_dir(self.tenants_dir())? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            let Some(store) = name.strip_suffix(".db") else {
                continue;
            };
            if valid_store_name(store) && !registered.contains(store) {
                out.push(store.to_string());
            }
        }
        out.sort();
        Ok(out)
    }

    async fn drop_orphan_store(&self, name: &str) -> Result<()> {
        if !valid_store_name(name) {
            return Err(Error::field(
                "store",
                format!("'{name}' is not a tenant store name"),
            ));
        }
        let registered: Option<String> =
            sqlx::query_scalar("SELECT id FROM tenants WHERE slug = ?")
                .bind(name)
                .fetch_optional(&self.registry)
                .await
                .map_err(|e| db_error("check tenant", e))?;
        if registered.is_some() {
            return Err(Error::conflict(format!(
                "store '{name}' belongs to a registered tenant"
            )));
        }
        remove_db_files(&self.store_path(name)).map_err(Error::from)
    }

    async fn set_whatsapp(&self, slug: &Slug, credentials: &WhatsAppCredentials) -> Result<()> {
        let id: String = sqlx::query_scalar("SELECT id FROM tenants WHERE slug = ?")
            .bind(slug.as_str())
            .fetch_optional(&self.registry)
            .await
            .map_err(|e| db_error("store WhatsApp credentials", e))?
            .ok_or_else(|| not_found(slug))?;
        // Sealed with the tenant id and column as associated data, like at onboarding;
        // the update matches the id too, so a tenant re-created under this slug in
        // the meantime never receives a token bound to the old one.
        let token = self.seal_token(credentials.access_token.as_ref(), &id)?;
        let updated = sqlx::query(
            "UPDATE tenants SET whatsapp_phone_number_id = ?, whatsapp_access_token = ?,
                whatsapp_business_account_id = ?, updated_at = ? WHERE id = ? AND slug = ?",
        )
        .bind(credentials.phone_number_id.as_deref())
        .bind(token)
        .bind(credentials.business_account_id.as_deref())
        .bind(timestamp(&Utc::now()))
        .bind(&id)
        .bind(slug.as_str())
        .execute(&self.registry)
        .await
        .map_err(|e| db_error("store WhatsApp credentials", e))?
        .rows_affected();
        if updated == 0 {
            return Err(not_found(slug));
        }
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

struct SqlitePending {
    tx: Option<Transaction<'static, Sqlite>>,
    pending_path: PathBuf,
    final_path: PathBuf,
    tenant: Tenant,
}

#[async_trait]
impl PendingTenant for SqlitePending {
    async fn commit(mut self: Box<Self>) -> Result<Tenant> {
        let tx = self
            .tx
            .take()
            .ok_or_else(|| Error::backend("pending tenant already settled"))?;
        fs::rename(&self.pending_path, &self.final_path)
            .map_err(|e| Error::from(e).context("move tenant store into place"))?;
        if let Err(e) = tx.commit().await {
            let _ = remove_db_files(&self.final_path);
            return Err(db_error("commit onboarding", e));
        }
        Ok(self.tenant.clone())
    }

    async fn rollback(mut self: Box<Self>) -> Result<()> {
        if let Some(tx) = self.tx.take() {
            tx.rollback()
                .await
                .map_err(|e| db_error("roll back onboarding", e))?;
        }
        remove_db_files(&self.pending_path)
            .map_err(|e| Error::from(e).context("remove pending tenant store"))
    }

    async fn abandon(mut self: Box<Self>) {
        // The transaction dies with the connection; the pending file stays, as after a crash.
        if let Some(tx) = self.tx.take() {
            let _ = tx.rollback().await;
        }
    }
}
