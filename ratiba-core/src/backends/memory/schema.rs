use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use ulid::Ulid;

use super::lock;
use crate::catalog::{name_key, CatalogCommit, CatalogDraft, CommitReport, Relation, Service};
use crate::error::{Error, Result};
use crate::knowledge::{KnowledgeReport, KnowledgeSnippet};
use crate::ports::{PendingTenant, SchemaProvisioner, StoreInspection};
use crate::staff::{staff_not_found, ResolvedStaff, StaffMember, StaffSpec};
use crate::tenant::{
    AdminRole, NewTenant, Slug, Tenant, TenantAdmin, TenantStatus, WhatsAppCredentials,
    BUSINESS_TABLES,
};

const CHECKPOINT_TABLES: &[&str] = &["checkpoints", "writes"];

#[derive(Default)]
struct TenantData {
    tenant: Option<Tenant>,
    services: Vec<Service>,
    relations: Vec<(String, String, String)>,
    drafts: HashMap<String, CatalogDraft>,
    committed_imports: BTreeSet<String>,
    whatsapp: Option<WhatsAppCredentials>,
    staff: Vec<StaffMember>,
    knowledge: Vec<KnowledgeSnippet>,
}

#[derive(Default)]
struct State {
    tenants: BTreeMap<String, TenantData>,
    /// Slugs being onboarded right now, with their onboarding id.
    pending: HashMap<String, String>,
    /// Stores left by abandoned onboardings (what a crash leaves).
    orphans: BTreeSet<String>,
}

/// The fake registry and tenant stores.
#[derive(Clone, Default)]
pub struct MemorySchema {
    state: Arc<Mutex<State>>,
}

impl MemorySchema {
    pub fn new() -> Self {
        Self::default()
    }
}

fn tenant_from(new: &NewTenant) -> Tenant {
    let spec = &new.spec;
    Tenant {
        id: new.id.to_string(),
        name: spec.name.clone(),
        slug: spec.slug.to_string(),
        vertical: spec.vertical.to_string(),
        status: TenantStatus::Trial,
        locale: spec.locale.to_string(),
        timezone: spec.timezone.to_string(),
        whatsapp_number: spec.whatsapp_number.to_string(),
        voice_number: spec.voice_number.as_ref().map(ToString::to_string),
        mpesa_enabled: spec.payments.mpesa_enabled,
        created_at: new.created_at,
        admins: vec![TenantAdmin {
            phone_number: spec.owner_phone.to_string(),
            role: AdminRole::Owner,
            is_active: true,
        }],
    }
}

fn catalog_of(data: &TenantData) -> Vec<(String, String)> {
    data.services
        .iter()
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect()
}

fn member(id: String, r: ResolvedStaff) -> StaffMember {
    let mut services: Vec<String> = r.services.into_iter().map(|(_, name)| name).collect();
    services.sort();
    StaffMember {
        id,
        name: r.name,
        phone: r.phone,
        services,
        schedule: r.schedule,
    }
}

fn not_found(slug: &Slug) -> Error {
    Error::not_found(format!("no tenant with slug '{slug}'"))
}

#[async_trait]
impl SchemaProvisioner for MemorySchema {
    fn backend_name(&self) -> &'static str {
        "memory"
    }

    fn checkpoint_tables(&self) -> &'static [&'static str] {
        CHECKPOINT_TABLES
    }

    async fn prepare(&self, tenant: &NewTenant) -> Result<Box<dyn PendingTenant>> {
        let slug = tenant.spec.slug.to_string();
        let mut state = lock(&self.state);
        if state.tenants.contains_key(&slug) || state.pending.contains_key(&slug) {
            return Err(Error::conflict(format!(
                "a tenant with slug '{slug}' already exists"
            )));
        }
        if state.orphans.contains(&slug) {
            return Err(Error::conflict(format!(
                "a store for '{slug}' was left by a failed onboarding; run `ratiba reconcile --fix`"
            )));
        }
        state.pending.insert(slug, tenant.id.to_string());
        Ok(Box::new(MemoryPending {
            state: self.state.clone(),
            tenant: Some(tenant_from(tenant)),
        }))
    }

    async fn get(&self, slug: &Slug) -> Result<Tenant> {
        lock(&self.state)
            .tenants
            .get(slug.as_str())
            .and_then(|d| d.tenant.clone())
            .ok_or_else(|| not_found(slug))
    }

    async fn list(&self) -> Result<Vec<Tenant>> {
        Ok(lock(&self.state)
            .tenants
            .values()
            .filter_map(|d| d.tenant.clone())
            .collect())
    }

    async fn delete(&self, slug: &Slug) -> Result<()> {
        lock(&self.state)
            .tenants
            .remove(slug.as_str())
            .map(|_| ())
            .ok_or_else(|| not_found(slug))
    }

    async fn inspect(&self, slug: &Slug) -> Result<StoreInspection> {
        let state = lock(&self.state);
        let exists = state.tenants.contains_key(slug.as_str());
        let mut tables: Vec<String> = if exists {
            BUSINESS_TABLES
                .iter()
                .chain(CHECKPOINT_TABLES)
                .map(|t| t.to_string())
                .collect()
        } else {
            vec![]
        };
        tables.sort();
        Ok(StoreInspection {
            store_exists: exists,
            tables,
        })
    }

    async fn orphan_stores(&self) -> Result<Vec<String>> {
        Ok(lock(&self.state).orphans.iter().cloned().collect())
    }

    async fn drop_orphan_store(&self, name: &str) -> Result<()> {
        let mut state = lock(&self.state);
        if state.tenants.contains_key(name) {
            return Err(Error::conflict(format!(
                "store '{name}' belongs to a registered tenant"
            )));
        }
        state.orphans.remove(name);
        Ok(())
    }

    async fn set_whatsapp(&self, slug: &Slug, credentials: &WhatsAppCredentials) -> Result<()> {
        let mut state = lock(&self.state);
        let data = state
            .tenants
            .get_mut(slug.as_str())
            .ok_or_else(|| not_found(slug))?;
        data.whatsapp = Some(credentials.clone());
        Ok(())
    }

    async fn save_catalog_draft(&self, slug: &Slug, draft: &CatalogDraft) -> Result<String> {
        let mut state = lock(&self.state);
        let data = state
            .tenants
            .get_mut(slug.as_str())
            .ok_or_else(|| not_found(slug))?;
        let id = Ulid::new().to_string();
        data.drafts.insert(id.clone(), draft.clone());
        Ok(id)
    }

    async fn load_catalog_draft(&self, slug: &Slug, import_id: &str) -> Result<CatalogDraft> {
        let state = lock(&self.state);
        let data = state
            .tenants
            .get(slug.as_str())
            .ok_or_else(|| not_found(slug))?;
        data.drafts
            .get(import_id)
            .cloned()
            .ok_or_else(|| Error::not_found(format!("no catalog import {import_id} for '{slug}'")))
    }

    async fn commit_catalog(&self, slug: &Slug, commit: &CatalogCommit) -> Result<CommitReport> {
        let mut state = lock(&self.state);
        let data = state
            .tenants
            .get_mut(slug.as_str())
            .ok_or_else(|| not_found(slug))?;
        let mut report = CommitReport::default();
        if let Some(id) = &commit.import_id {
            if data.committed_imports.contains(id) {
                report.unchanged = commit.services.len();
                return Ok(report);
            }
        }
        for row in &commit.services {
            let key = name_key(&row.name);
            match data.services.iter_mut().find(|s| name_key(&s.name) == key) {
                Some(existing) => {
                    let same = existing.price_kes == row.price_kes
                        && existing.duration_minutes == row.duration_minutes
                        && existing.category == row.category
                        && existing.name == row.name.trim();
                    if same {
                        report.unchanged += 1;
                    } else {
                        existing.name = row.name.trim().to_string();
                        existing.price_kes = row.price_kes;
                        existing.duration_minutes = row.duration_minutes;
                        existing.category = row.category.clone();
                        report.updated += 1;
                    }
                }
                None => {
                    data.services.push(Service {
                        id: Ulid::new().to_string(),
                        name: row.name.trim().to_string(),
                        price_kes: row.price_kes,
                        duration_minutes: row.duration_minutes,
                        category: row.category.clone(),
                    });
                    report.created += 1;
                }
            }
        }
        for Relation {
            service,
            related,
            relation_type,
        } in &commit.relations
        {
            let rel = (name_key(service), name_key(related), relation_type.clone());
            if !data.relations.contains(&rel) {
                data.relations.push(rel);
                report.relations += 1;
            }
        }
        if let Some(id) = &commit.import_id {
            data.committed_imports.insert(id.clone());
        }
        Ok(report)
    }

    async fn list_services(&self, slug: &Slug) -> Result<Vec<Service>> {
        let state = lock(&self.state);
        let data = state
            .tenants
            .get(slug.as_str())
            .ok_or_else(|| not_found(slug))?;
        let mut services = data.services.clone();
        services.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(services)
    }

    async fn create_staff(&self, slug: &Slug, spec: &StaffSpec) -> Result<StaffMember> {
        let mut state = lock(&self.state);
        let data = state
            .tenants
            .get_mut(slug.as_str())
            .ok_or_else(|| not_found(slug))?;
        let resolved = spec.resolve(&catalog_of(data))?;
        let created = member(Ulid::new().to_string(), resolved);
        data.staff.push(created.clone());
        Ok(created)
    }

    async fn list_staff(&self, slug: &Slug) -> Result<Vec<StaffMember>> {
        let state = lock(&self.state);
        let data = state
            .tenants
            .get(slug.as_str())
            .ok_or_else(|| not_found(slug))?;
        let mut staff = data.staff.clone();
        staff.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
        Ok(staff)
    }

    async fn update_staff(&self, slug: &Slug, id: &str, spec: &StaffSpec) -> Result<StaffMember> {
        let mut state = lock(&self.state);
        let data = state
            .tenants
            .get_mut(slug.as_str())
            .ok_or_else(|| not_found(slug))?;
        let resolved = spec.resolve(&catalog_of(data))?;
        let slot = data
            .staff
            .iter_mut()
            .find(|m| m.id == id)
            .ok_or_else(|| staff_not_found(slug, id))?;
        *slot = member(id.to_string(), resolved);
        Ok(slot.clone())
    }

    async fn put_knowledge(
        &self,
        slug: &Slug,
        snippets: &[KnowledgeSnippet],
    ) -> Result<KnowledgeReport> {
        let mut state = lock(&self.state);
        let data = state
            .tenants
            .get_mut(slug.as_str())
            .ok_or_else(|| not_found(slug))?;
        let mut report = KnowledgeReport::default();
        for s in snippets {
            let same = |k: &KnowledgeSnippet| {
                k.topic.to_lowercase() == s.topic.to_lowercase() && k.locale == s.locale
            };
            match data.knowledge.iter_mut().find(|k| same(k)) {
                Some(existing) => {
                    *existing = s.clone();
                    report.updated += 1;
                }
                None => {
                    data.knowledge.push(s.clone());
                    report.created += 1;
                }
            }
        }
        Ok(report)
    }

    async fn list_knowledge(&self, slug: &Slug) -> Result<Vec<KnowledgeSnippet>> {
        let state = lock(&self.state);
        let data = state
            .tenants
            .get(slug.as_str())
            .ok_or_else(|| not_found(slug))?;
        let mut out = data.knowledge.clone();
        out.sort_by(|a, b| (&a.topic, &a.locale).cmp(&(&b.topic, &b.locale)));
        Ok(out)
    }

    async fn delete_staff(&self, slug: &Slug, id: &str) -> Result<()> {
        let mut state = lock(&self.state);
        let data = state
            .tenants
            .get_mut(slug.as_str())
            .ok_or_else(|| not_found(slug))?;
        let before = data.staff.len();
        data.staff.retain(|m| m.id != id);
        if data.staff.len() == before {
            return Err(staff_not_found(slug, id));
        }
        Ok(())
    }
}

struct MemoryPending {
    state: Arc<Mutex<State>>,
    tenant: Option<Tenant>,
}

impl MemoryPending {
    fn release(&mut self) -> Option<Tenant> {
        let tenant = self.tenant.take()?;
        lock(&self.state).pending.remove(&tenant.slug);
        Some(tenant)
    }
}

#[async_trait]
impl PendingTenant for MemoryPending {
    async fn commit(mut self: Box<Self>) -> Result<Tenant> {
        let tenant = self
            .tenant
            .take()
            .ok_or_else(|| Error::backend("pending tenant already settled"))?;
        let mut state = lock(&self.state);
        state.pending.remove(&tenant.slug);
        state.tenants.insert(
            tenant.slug.clone(),
            TenantData {
                tenant: Some(tenant.clone()),
                ..TenantData::default()
            },
        );
        Ok(tenant)
    }

    async fn rollback(mut self: Box<Self>) -> Result<()> {
        self.release();
        Ok(())
    }

    async fn abandon(mut self: Box<Self>) {
        if let Some(tenant) = self.release() {
            lock(&self.state).orphans.insert(tenant.slug);
        }
    }
}

impl Drop for MemoryPending {
    fn drop(&mut self) {
        self.release();
    }
}
