//! `SchemaProvisioner`: the registry (`tenants`, `tenant_admins`) and each tenant's
//! own store (a PostgreSQL schema, or an embedded database file).

use async_trait::async_trait;

use crate::catalog::{CatalogCommit, CatalogDraft, CommitReport, Service};
use crate::error::Result;
use crate::knowledge::{KnowledgeReport, KnowledgeSnippet};
use crate::staff::{StaffMember, StaffSpec};
use crate::tenant::{NewTenant, Slug, Tenant, WhatsAppCredentials};

/// Two-phase provisioning: [`SchemaProvisioner::prepare`] writes the registry rows and
/// the tenant store without making them visible; the Onboarder then creates the realm
/// (which cannot join the transaction) and either commits or rolls back.
#[async_trait]
pub trait SchemaProvisioner: Send + Sync {
    /// A short name for messages (`memory`, `sqlite`, `postgres`).
    fn backend_name(&self) -> &'static str;

    /// The checkpoint tables of the LangGraph saver for this database, which every
    /// tenant store holds besides [`crate::tenant::BUSINESS_TABLES`].
    fn checkpoint_tables(&self) -> &'static [&'static str];

    /// Whether an abandoned [`PendingTenant`] (a crash between `prepare` and
    /// `commit`) leaves a store behind for `reconcile` to remove. `false` for a
    /// backend that builds the store inside the registry's own transaction
    /// (PostgreSQL: DDL is transactional), where a crash leaves nothing at all.
    fn abandoned_prepare_leaves_store(&self) -> bool {
        true
    }

    /// Cheap reachability check, for readiness probes.
    async fn ping(&self) -> Result<()> {
        Ok(())
    }

    /// Writes everything for the tenant, uncommitted. `Conflict` when the slug is
    /// taken or being onboarded right now.
    async fn prepare(&self, tenant: &NewTenant) -> Result<Box<dyn PendingTenant>>;

    /// `NotFound` when no tenant has this slug.
    async fn get(&self, slug: &Slug) -> Result<Tenant>;

    /// Every committed tenant, ordered by slug.
    async fn list(&self) -> Result<Vec<Tenant>>;

    /// Removes the registry rows and the tenant store. `NotFound` when absent.
    async fn delete(&self, slug: &Slug) -> Result<()>;

    /// What the tenant store holds, for `verify`.
    async fn inspect(&self, slug: &Slug) -> Result<StoreInspection>;

    /// Checks of the tenant store beyond its tables, added to `verify`'s report
    /// (PostgreSQL: indexes and primary keys, the recorded schema version,
    /// LangGraph's migration rows). None by default.
    async fn store_checks(&self, _slug: &Slug) -> Result<Vec<StoreCheck>> {
        Ok(Vec::new())
    }

    /// Tenant stores with no committed registry row: leftovers of crashed onboardings.
    async fn orphan_stores(&self) -> Result<Vec<String>>;

    /// Slugs of committed tenants whose store is missing, for `reconcile`. None by default.
    async fn registered_without_store(&self) -> Result<Vec<String>> {
        Ok(Vec::new())
    }

    /// Removes one orphan store; `Conflict` when a registered tenant owns it.
    async fn drop_orphan_store(&self, name: &str) -> Result<()>;

    /// Replaces the tenant's WhatsApp credentials (the token stored sealed).
    /// `NotFound` when no tenant has this slug.
    async fn set_whatsapp(&self, slug: &Slug, credentials: &WhatsAppCredentials) -> Result<()> {
        let _ = (slug, credentials);
        Err(crate::Error::backend(format!(
            "the {} backend cannot store WhatsApp credentials",
            self.backend_name()
        )))
    }

    /// Records an extraction for review; returns the import id.
    async fn save_catalog_draft(&self, slug: &Slug, draft: &CatalogDraft) -> Result<String>;

    /// A stored draft, for the commit rules that depend on what was read (a row
    /// that was red). `NotFound` for an unknown tenant or import.
    async fn load_catalog_draft(&self, slug: &Slug, import_id: &str) -> Result<CatalogDraft> {
        let _ = (slug, import_id);
        Err(crate::Error::backend(format!(
            "the {} backend cannot read drafts back",
            self.backend_name()
        )))
    }

    /// Writes reviewed services and relations in one transaction.
    async fn commit_catalog(&self, slug: &Slug, commit: &CatalogCommit) -> Result<CommitReport>;

    /// The tenant's services, ordered by name.
    async fn list_services(&self, slug: &Slug) -> Result<Vec<Service>>;
    /// Adds a staff member with the services they perform (each must be one of
    /// the tenant's services, by name or id, else a field error `services[i]`) and
    /// their weekly schedule, in one transaction. Validation errors name the field.
    /// `NotFound` when no tenant has this slug.
    async fn create_staff(&self, slug: &Slug, spec: &StaffSpec) -> Result<StaffMember> {
        let _ = (slug, spec);
        Err(no_staff(self.backend_name()))
    }

    /// The tenant's staff, ordered by name (services by name, schedule by day
    /// and start). `NotFound` when no tenant has this slug.
    async fn list_staff(&self, slug: &Slug) -> Result<Vec<StaffMember>> {
        let _ = slug;
        Err(no_staff(self.backend_name()))
    }

    /// Replaces a staff member's name, phone, services and schedule, in one
    /// transaction. `NotFound` for an unknown tenant or staff id.
    async fn update_staff(&self, slug: &Slug, id: &str, spec: &StaffSpec) -> Result<StaffMember> {
        let _ = (slug, id, spec);
        Err(no_staff(self.backend_name()))
    }

    /// Removes a staff member with their services and schedule. `NotFound` for an
    /// unknown tenant or staff id.
    async fn delete_staff(&self, slug: &Slug, id: &str) -> Result<()> {
        let _ = (slug, id);
        Err(no_staff(self.backend_name()))
    }

    /// Stores knowledge snippets (already validated by [`crate::knowledge::validate`])
    /// in one transaction; one with the topic and locale of a stored one replaces it.
    /// `NotFound` when no tenant has this slug.
    async fn put_knowledge(
        &self,
        slug: &Slug,
        snippets: &[KnowledgeSnippet],
    ) -> Result<KnowledgeReport> {
        let _ = (slug, snippets);
        Err(crate::Error::backend(format!(
            "the {} backend cannot store knowledge snippets",
            self.backend_name()
        )))
    }

    /// The tenant's snippets, by topic then locale.
    async fn list_knowledge(&self, slug: &Slug) -> Result<Vec<KnowledgeSnippet>> {
        let _ = slug;
        Err(crate::Error::backend(format!(
            "the {} backend cannot store knowledge snippets",
            self.backend_name()
        )))
    }
}

fn no_staff(backend: &str) -> crate::Error {
    crate::Error::backend(format!("the {backend} backend cannot store staff"))
}

/// A prepared, uncommitted tenant. Dropping it without `commit` must leave nothing
/// visible, but `rollback` is how the Onboarder learns whether cleanup worked.
#[async_trait]
pub trait PendingTenant: Send {
    async fn commit(self: Box<Self>) -> Result<Tenant>;
    async fn rollback(self: Box<Self>) -> Result<()>;

    /// Gives up without any cleanup, leaving what a crashed process would leave.
    /// Fault injection uses it to make a failed rollback real; `reconcile` must
    /// then find and remove what remains.
    async fn abandon(self: Box<Self>);
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreInspection {
    pub store_exists: bool,
    /// The tables found in the store, sorted.
    pub tables: Vec<String>,
}

/// One backend-specific check of a tenant store, for `verify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreCheck {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}
