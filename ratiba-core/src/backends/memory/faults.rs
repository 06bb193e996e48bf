//! Fault injection: decorators that wrap any backend of a port and fail, or delay,
//! a chosen step or compensation. The plan is shared (`Faults` is a handle), so a
//! test can change it while an Onboarder runs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use super::lock;
use crate::catalog::{CatalogCommit, CatalogDraft, CommitReport, Service};
use crate::error::{Error, Result};
use crate::knowledge::{KnowledgeReport, KnowledgeSnippet};
use crate::ports::{
    Candidates, CatalogExtractor, Journal, JournalEntry, JournalState, Leftover, MenuInput,
    PendingTenant, RealmDeletion, RealmInfo, RealmProvisioner, RealmRequest, SchemaProvisioner,
    StoreInspection,
};
use crate::staff::{StaffMember, StaffSpec};
use crate::tenant::{NewTenant, Slug, Tenant, WhatsAppCredentials};

/// Where a fault can strike: each saga step and each compensation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FaultPoint {
    JournalStart,
    JournalFinish,
    SchemaPrepare,
    RealmCreate,
    SchemaCommit,
    /// Compensation of `SchemaPrepare`.
    SchemaRollback,
    /// Compensation of `RealmCreate`.
    RealmDelete,
    Extract,
}

impl FaultPoint {
    pub const ALL: &'static [FaultPoint] = &[
        FaultPoint::JournalStart,
        FaultPoint::JournalFinish,
        FaultPoint::SchemaPrepare,
        FaultPoint::RealmCreate,
        FaultPoint::SchemaCommit,
        FaultPoint::SchemaRollback,
        FaultPoint::RealmDelete,
        FaultPoint::Extract,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FaultPoint::JournalStart => "journal_start",
            FaultPoint::JournalFinish => "journal_finish",
            FaultPoint::SchemaPrepare => "schema_prepare",
            FaultPoint::RealmCreate => "realm_create",
            FaultPoint::SchemaCommit => "schema_commit",
            FaultPoint::SchemaRollback => "schema_rollback",
            FaultPoint::RealmDelete => "realm_delete",
            FaultPoint::Extract => "extract",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.as_str() == raw)
    }
}

/// How a fault strikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Fail before doing anything.
    Fail,
    /// Do the work, then report failure (a lost reply, a timeout after the fact).
    FailAfter,
    /// The server is down: a retryable `Unavailable` error.
    Unavailable,
}

#[derive(Debug, Clone, Default)]
struct Rule {
    kind: Option<FaultKind>,
    /// `None`: every time.
    times: Option<u32>,
    delay: Option<Duration>,
}

/// A shared, changeable fault plan.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    rules: Arc<Mutex<HashMap<FaultPoint, Rule>>>,
}

impl Faults {
    pub fn new() -> Self {
        Self::default()
    }

    /// Fail every call at `point`.
    pub fn fail(&self, point: FaultPoint) -> &Self {
        self.set(point, FaultKind::Fail, None)
    }

    pub fn set(&self, point: FaultPoint, kind: FaultKind, times: Option<u32>) -> &Self {
        let mut rules = lock(&self.rules);
        let rule = rules.entry(point).or_default();
        rule.kind = Some(kind);
        rule.times = times;
        self
    }

    /// Delay every call at `point` (and still run it).
    pub fn delay(&self, point: FaultPoint, delay: Duration) -> &Self {
        lock(&self.rules).entry(point).or_default().delay = Some(delay);
        self
    }

    pub fn clear(&self) {
        lock(&self.rules).clear();
    }

    /// Consumes one strike of the rule at `point`, after its delay.
    async fn strike(&self, point: FaultPoint) -> Option<FaultKind> {
        let (delay, kind) = {
            let mut rules = lock(&self.rules);
            match rules.get_mut(&point) {
                None => (None, None),
                Some(rule) => {
                    let kind = match (rule.kind, rule.times) {
                        (Some(_), Some(0)) => None,
                        (Some(kind), Some(n)) => {
                            rule.times = Some(n - 1);
                            Some(kind)
                        }
                        (kind, None) => kind,
                        (None, Some(_)) => None,
                    };
                    (rule.delay, kind)
                }
            }
        };
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }
        kind
    }
}

fn injected(point: FaultPoint, kind: FaultKind) -> Error {
    match kind {
        FaultKind::Unavailable => Error::unavailable(
            format!("injected fault: {} unavailable", point.as_str()),
            Some(Duration::from_secs(1)),
        ),
        _ => Error::backend(format!("injected fault at {}", point.as_str())),
    }
}

/// Runs `work` under the fault rule of `point`.
async fn guarded<T, F>(faults: &Faults, point: FaultPoint, work: F) -> Result<T>
where
    F: std::future::Future<Output = Result<T>>,
{
    match faults.strike(point).await {
        None => work.await,
        Some(kind @ FaultKind::FailAfter) => {
            work.await?;
            Err(injected(point, kind))
        }
        Some(kind) => Err(injected(point, kind)),
    }
}

pub struct FaultySchema {
    inner: Arc<dyn SchemaProvisioner>,
    faults: Faults,
}

impl FaultySchema {
    pub fn new(inner: Arc<dyn SchemaProvisioner>, faults: Faults) -> Self {
        Self { inner, faults }
    }
}

#[async_trait]
impl SchemaProvisioner for FaultySchema {
    fn backend_name(&self) -> &'static str {
        self.inner.backend_name()
    }

    fn checkpoint_tables(&self) -> &'static [&'static str] {
        self.inner.checkpoint_tables()
    }

    fn abandoned_prepare_leaves_store(&self) -> bool {
        self.inner.abandoned_prepare_leaves_store()
    }

    async fn store_checks(&self, slug: &Slug) -> Result<Vec<crate::ports::StoreCheck>> {
        self.inner.store_checks(slug).await
    }

    async fn registered_without_store(&self) -> Result<Vec<String>> {
        self.inner.registered_without_store().await
    }

    async fn ping(&self) -> Result<()> {
        self.inner.ping().await
    }

    async fn prepare(&self, tenant: &NewTenant) -> Result<Box<dyn PendingTenant>> {
        let point = FaultPoint::SchemaPrepare;
        match self.faults.strike(point).await {
            None => {}
            Some(FaultKind::FailAfter) => {
                // Prepared, then the connection died: the work is rolled back with it.
                if let Ok(pending) = self.inner.prepare(tenant).await {
                    let _ = pending.rollback().await;
                }
                return Err(injected(point, FaultKind::FailAfter));
            }
            Some(kind) => return Err(injected(point, kind)),
        }
        let pending = self.inner.prepare(tenant).await?;
        Ok(Box::new(FaultyPending {
            inner: pending,
            faults: self.faults.clone(),
        }))
    }

    async fn get(&self, slug: &Slug) -> Result<Tenant> {
        self.inner.get(slug).await
    }

    async fn list(&self) -> Result<Vec<Tenant>> {
        self.inner.list().await
    }

    async fn delete(&self, slug: &Slug) -> Result<()> {
        self.inner.delete(slug).await
    }

    async fn inspect(&self, slug: &Slug) -> Result<StoreInspection> {
        self.inner.inspect(slug).await
    }

    async fn orphan_stores(&self) -> Result<Vec<String>> {
        self.inner.orphan_stores().await
    }

    async fn drop_orphan_store(&self, name: &str) -> Result<()> {
        self.inner.drop_orphan_store(name).await
    }

    async fn set_whatsapp(&self, slug: &Slug, credentials: &WhatsAppCredentials) -> Result<()> {
        self.inner.set_whatsapp(slug, credentials).await
    }

    async fn save_catalog_draft(&self, slug: &Slug, draft: &CatalogDraft) -> Result<String> {
        self.inner.save_catalog_draft(slug, draft).await
    }

    async fn load_catalog_draft(&self, slug: &Slug, import_id: &str) -> Result<CatalogDraft> {
        self.inner.load_catalog_draft(slug, import_id).await
    }

    async fn commit_catalog(&self, slug: &Slug, commit: &CatalogCommit) -> Result<CommitReport> {
        self.inner.commit_catalog(slug, commit).await
    }

    async fn list_services(&self, slug: &Slug) -> Result<Vec<Service>> {
        self.inner.list_services(slug).await
    }

    async fn create_staff(&self, slug: &Slug, spec: &StaffSpec) -> Result<StaffMember> {
        self.inner.create_staff(slug, spec).await
    }

    async fn list_staff(&self, slug: &Slug) -> Result<Vec<StaffMember>> {
        self.inner.list_staff(slug).await
    }

    async fn update_staff(&self, slug: &Slug, id: &str, spec: &StaffSpec) -> Result<StaffMember> {
        self.inner.update_staff(slug, id, spec).await
    }

    async fn delete_staff(&self, slug: &Slug, id: &str) -> Result<()> {
        self.inner.delete_staff(slug, id).await
    }

    async fn put_knowledge(
        &self,
        slug: &Slug,
        snippets: &[KnowledgeSnippet],
    ) -> Result<KnowledgeReport> {
        self.inner.put_knowledge(slug, snippets).await
    }

    async fn list_knowledge(&self, slug: &Slug) -> Result<Vec<KnowledgeSnippet>> {
        self.inner.list_knowledge(slug).await
    }
}

struct FaultyPending {
    inner: Box<dyn PendingTenant>,
    faults: Faults,
}

#[async_trait]
impl PendingTenant for FaultyPending {
    async fn commit(self: Box<Self>) -> Result<Tenant> {
        let point = FaultPoint::SchemaCommit;
        match self.faults.strike(point).await {
            None => self.inner.commit().await,
            Some(FaultKind::FailAfter) => {
                // The commit went through; only its acknowledgement was lost.
                self.inner.commit().await?;
                Err(injected(point, FaultKind::FailAfter))
            }
            Some(kind) => {
                // A commit that fails aborts the transaction.
                let _ = self.inner.rollback().await;
                Err(injected(point, kind))
            }
        }
    }

    async fn rollback(self: Box<Self>) -> Result<()> {
        let point = FaultPoint::SchemaRollback;
        match self.faults.strike(point).await {
            None => self.inner.rollback().await,
            Some(FaultKind::FailAfter) => {
                self.inner.rollback().await?;
                Err(injected(point, FaultKind::FailAfter))
            }
            Some(kind) => {
                // A failed rollback leaves what a crash would.
                self.inner.abandon().await;
                Err(injected(point, kind))
            }
        }
    }

    async fn abandon(self: Box<Self>) {
        self.inner.abandon().await
    }
}

pub struct FaultyRealm {
    inner: Arc<dyn RealmProvisioner>,
    faults: Faults,
}

impl FaultyRealm {
    pub fn new(inner: Arc<dyn RealmProvisioner>, faults: Faults) -> Self {
        Self { inner, faults }
    }
}

#[async_trait]
impl RealmProvisioner for FaultyRealm {
    fn backend_name(&self) -> &'static str {
        self.inner.backend_name()
    }

    async fn ping(&self) -> Result<()> {
        self.inner.ping().await
    }

    async fn create(&self, realm: &RealmRequest) -> Result<()> {
        guarded(
            &self.faults,
            FaultPoint::RealmCreate,
            self.inner.create(realm),
        )
        .await
    }

    async fn get(&self, name: &str) -> Result<Option<RealmInfo>> {
        self.inner.get(name).await
    }

    async fn list(&self) -> Result<Vec<RealmInfo>> {
        self.inner.list().await
    }

    async fn delete(&self, name: &str, only_if_created_by: Option<&str>) -> Result<RealmDeletion> {
        guarded(
            &self.faults,
            FaultPoint::RealmDelete,
            self.inner.delete(name, only_if_created_by),
        )
        .await
    }

    async fn set_temporary_password(
        &self,
        name: &str,
        username: &str,
        password: &crate::secrets::Secret,
    ) -> Result<()> {
        self.inner
            .set_temporary_password(name, username, password)
            .await
    }
}

pub struct FaultyJournal {
    inner: Arc<dyn Journal>,
    faults: Faults,
}

impl FaultyJournal {
    pub fn new(inner: Arc<dyn Journal>, faults: Faults) -> Self {
        Self { inner, faults }
    }
}

#[async_trait]
impl Journal for FaultyJournal {
    async fn start(&self, entry: &JournalEntry) -> Result<()> {
        guarded(
            &self.faults,
            FaultPoint::JournalStart,
            self.inner.start(entry),
        )
        .await
    }

    async fn finish(&self, id: &str, state: JournalState, left_behind: &[Leftover]) -> Result<()> {
        guarded(
            &self.faults,
            FaultPoint::JournalFinish,
            self.inner.finish(id, state, left_behind),
        )
        .await
    }

    async fn open_entries(&self) -> Result<Vec<JournalEntry>> {
        self.inner.open_entries().await
    }
}

pub struct FaultyExtractor {
    inner: Arc<dyn CatalogExtractor>,
    faults: Faults,
}

impl FaultyExtractor {
    pub fn new(inner: Arc<dyn CatalogExtractor>, faults: Faults) -> Self {
        Self { inner, faults }
    }
}

#[async_trait]
impl CatalogExtractor for FaultyExtractor {
    fn backend_name(&self) -> &'static str {
        self.inner.backend_name()
    }

    async fn extract(&self, menu: &MenuInput) -> Result<Candidates> {
        guarded(&self.faults, FaultPoint::Extract, self.inner.extract(menu)).await
    }
}
