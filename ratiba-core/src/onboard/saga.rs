//! One onboarding as a saga: journal, prepare the store, create the realm, commit;
//! on failure, undo completed steps in reverse and record what could not be undone.

use std::fmt;

use serde::Serialize;

use super::Onboarder;
use crate::error::{Error, ErrorKind, Result};
use crate::ports::{JournalEntry, JournalState, Leftover, PendingTenant, RealmRequest};
use crate::tenant::{NewTenant, Tenant, TenantSpec};

/// The steps of an onboarding, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Record the onboarding in the journal.
    Journal,
    /// Registry rows and tenant store, uncommitted.
    Schema,
    /// The identity realm.
    Realm,
    /// Commit of the registry and store.
    Commit,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Step::Journal => "journal",
            Step::Schema => "schema",
            Step::Realm => "realm",
            Step::Commit => "commit",
        })
    }
}

/// What a failed onboarding did about its failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SagaReport {
    pub onboarding_id: String,
    pub failed_step: Step,
    /// Completed steps that were undone, in the order they were undone.
    pub undone: Vec<Step>,
    /// What could not be undone; recorded in the journal for `ratiba reconcile --fix`.
    pub left_behind: Vec<Leftover>,
}

impl fmt::Display for SagaReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.left_behind.is_empty() {
            if !self.undone.is_empty() {
                let undone: Vec<String> = self.undone.iter().map(Step::to_string).collect();
                write!(
                    f,
                    " (rolled back: {}; nothing is left behind)",
                    undone.join(", ")
                )?;
            }
            return Ok(());
        }
        let left: Vec<String> = self.left_behind.iter().map(Leftover::to_string).collect();
        write!(
            f,
            "; could not undo everything, left behind: {} (recorded; run `ratiba reconcile --fix`)",
            left.join(", ")
        )
    }
}

impl Onboarder {
    /// Onboards one tenant: all of it exists afterwards, or none of it (after
    /// `reconcile` at worst, when a compensation failed too).
    pub async fn onboard(&self, spec: TenantSpec) -> Result<Tenant> {
        let tenant = NewTenant::new(spec);
        let id = tenant.id.to_string();
        self.journal
            .start(&JournalEntry {
                id: id.clone(),
                slug: tenant.spec.slug.to_string(),
                state: JournalState::Started,
                started_at: tenant.created_at,
                left_behind: vec![],
            })
            .await
            .map_err(|e| {
                e.context(format!(
                    "onboarding '{}' failed at the journal step",
                    tenant.spec.slug
                ))
            })?;

        let pending = match self.schema.prepare(&tenant).await {
            Ok(pending) => pending,
            Err(err) => {
                return Err(self
                    .compensate(&tenant, Step::Schema, err, None, false)
                    .await)
            }
        };

        let realm = RealmRequest::for_tenant(&tenant, &self.settings.realm);
        if let Err(err) = self.realms.create(&realm).await {
            // A timeout may hide a realm that was created after all; a realm that
            // existed before (conflict) is someone else's and is never touched.
            let maybe_created = !matches!(err.kind(), ErrorKind::Conflict);
            return Err(self
                .compensate(&tenant, Step::Realm, err, Some(pending), maybe_created)
                .await);
        }

        match pending.commit().await {
            Ok(created) => {
                self.finish_journal(&id, JournalState::Done, &[]).await;
                Ok(created)
            }
            Err(err) => {
                // A lost commit acknowledgement: the tenant may exist after all.
                if let Ok(existing) = self.schema.get(&tenant.spec.slug).await {
                    if existing.id == id {
                        self.finish_journal(&id, JournalState::Done, &[]).await;
                        return Ok(existing);
                    }
                }
                Err(self
                    .compensate(&tenant, Step::Commit, err, None, true)
                    .await)
            }
        }
    }

    async fn compensate(
        &self,
        tenant: &NewTenant,
        failed_step: Step,
        err: Error,
        pending: Option<Box<dyn PendingTenant>>,
        realm_may_exist: bool,
    ) -> Error {
        let id = tenant.id.to_string();
        let slug = tenant.spec.slug.to_string();
        let mut undone = Vec::new();
        let mut left_behind = Vec::new();
        if realm_may_exist {
            match self.realms.delete(&slug, Some(&id)).await {
                Ok(_) => undone.push(Step::Realm),
                // Someone else's realm of that name: ours was never made.
                Err(e) if matches!(e.kind(), ErrorKind::Conflict) => {}
                Err(_) => left_behind.push(Leftover::Realm {
                    name: slug.clone(),
                    onboarding_id: id.clone(),
                }),
            }
        }
        if let Some(pending) = pending {
            match pending.rollback().await {
                Ok(()) => undone.push(Step::Schema),
                Err(_) => left_behind.push(Leftover::TenantStore { name: slug.clone() }),
            }
        } else if failed_step == Step::Commit {
            // A failed commit is rolled back by the backend itself.
            undone.push(Step::Schema);
        }
        let state = if left_behind.is_empty() {
            JournalState::RolledBack
        } else {
            JournalState::LeftBehind
        };
        self.finish_journal(&id, state, &left_behind).await;
        let report = SagaReport {
            onboarding_id: id,
            failed_step,
            undone,
            left_behind,
        };
        err.context(format!(
            "onboarding '{slug}' failed at the {failed_step} step"
        ))
        .with_saga(report)
    }

    /// A journal that cannot be written after the fact leaves the entry `Started`;
    /// reconcile then inspects what exists, so the outcome is not lost.
    async fn finish_journal(&self, id: &str, state: JournalState, left_behind: &[Leftover]) {
        let _ = self.journal.finish(id, state, left_behind).await;
    }
}
