//! `reconcile`: finds what failed or crashed onboardings left and, with `fix`, removes it.

use std::collections::HashSet;

use chrono::Utc;
use serde::Serialize;

use super::Onboarder;
use crate::error::{ErrorKind, Result};
use crate::ports::{JournalEntry, JournalState, Leftover};
use crate::tenant::Slug;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReconcileItem {
    /// What was found, e.g. `realm 'spa_pilot'`.
    pub leftover: String,
    /// Why it is a leftover.
    pub reason: String,
    /// `removed`, `would remove`, `failed: ...`, `journal closed`.
    pub action: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ReconcileReport {
    pub items: Vec<ReconcileItem>,
}

impl ReconcileReport {
    pub fn is_clean(&self) -> bool {
        self.items.is_empty()
    }

    fn mentions(&self, leftover: &Leftover) -> bool {
        let name = leftover.to_string();
        self.items.iter().any(|i| i.leftover == name)
    }

    pub fn failures(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.action.starts_with("failed"))
            .count()
    }
}

impl Onboarder {
    /// Lists leftovers of failed onboardings; with `fix`, removes them. Onboardings
    /// younger than the grace period are left alone: they may still be running
    /// in another process.
    pub async fn reconcile(&self, fix: bool) -> Result<ReconcileReport> {
        let mut report = ReconcileReport::default();
        let now = Utc::now();
        let grace = chrono::Duration::from_std(self.settings.reconcile_grace).unwrap_or_default();
        let mut in_flight = HashSet::new();

        for entry in self.journal.open_entries().await? {
            if entry.state == JournalState::Started && now - entry.started_at < grace {
                in_flight.insert(entry.slug.clone());
                continue;
            }
            self.reconcile_entry(&entry, fix, &mut report).await?;
        }

        // Leftovers the journal does not know of (a journal write lost in a crash).
        let tenants: HashSet<(String, String)> = self
            .schema
            .list()
            .await?
            .into_iter()
            .map(|t| (t.slug, t.id))
            .collect();
        for realm in self.realms.list().await? {
            let Some(onboarding_id) = realm.onboarding_id.clone() else {
                continue; // not made by us
            };
            if in_flight.contains(&realm.name)
                || tenants.contains(&(realm.name.clone(), onboarding_id.clone()))
            {
                continue;
            }
            let leftover = Leftover::Realm {
                name: realm.name.clone(),
                onboarding_id,
            };
            if report.mentions(&leftover) {
                continue;
            }
            let action = self.remove(&leftover, fix).await;
            report.items.push(ReconcileItem {
                leftover: leftover.to_string(),
                reason: "realm created by an onboarding whose tenant does not exist".into(),
                action,
            });
        }
        for store in self.schema.orphan_stores().await? {
            if in_flight.iter().any(|slug| store_belongs_to(&store, slug)) {
                continue;
            }
            let leftover = Leftover::TenantStore { name: store };
            if report.mentions(&leftover) {
                continue;
            }
            let action = self.remove(&leftover, fix).await;
            report.items.push(ReconcileItem {
                leftover: leftover.to_string(),
                reason: "tenant store without a registry row".into(),
                action,
            });
        }
        // The reverse: committed tenants whose store is gone (dropped by hand, a
        // restore that missed it). Nothing usable is left; remove the rest.
        for raw in self.schema.registered_without_store().await? {
            let action = if !fix {
                "would remove".to_string()
            } else {
                match Slug::parse(&raw) {
                    Ok(slug) => match self.delete(&slug).await {
                        Ok(()) => "removed".to_string(),
                        Err(e) => format!("failed: {e}"),
                    },
                    Err(e) => format!("failed: {e}"),
                }
            };
            report.items.push(ReconcileItem {
                leftover: format!("tenant '{raw}'"),
                reason: "registry row whose tenant store is missing".into(),
                action,
            });
        }
        Ok(report)
    }

    async fn reconcile_entry(
        &self,
        entry: &JournalEntry,
        fix: bool,
        report: &mut ReconcileReport,
    ) -> Result<()> {
        let committed = match Slug::parse(&entry.slug) {
            Ok(slug) => match self.schema.get(&slug).await {
                Ok(t) => t.id == entry.id,
                Err(e) if matches!(e.kind(), ErrorKind::NotFound) => false,
                Err(e) => return Err(e),
            },
            Err(_) => false,
        };
        if entry.state == JournalState::Started && committed {
            // It finished; only the journal's last write was lost.
            let action = if fix {
                match self
                    .journal
                    .finish(&entry.id, JournalState::Done, &[])
                    .await
                {
                    Ok(()) => "journal closed".to_string(),
                    Err(e) => format!("failed: {e}"),
                }
            } else {
                "would close the journal entry".to_string()
            };
            report.items.push(ReconcileItem {
                leftover: format!("journal entry {}", entry.id),
                reason: format!(
                    "onboarding of '{}' completed but was never marked done",
                    entry.slug
                ),
                action,
            });
            return Ok(());
        }
        let leftovers = if entry.state == JournalState::Started {
            // A crash mid-saga: whatever this onboarding may have made. A store
            // is only ever uncommitted here, so the orphan scan below finds it.
            vec![Leftover::Realm {
                name: entry.slug.clone(),
                onboarding_id: entry.id.clone(),
            }]
        } else {
            entry.left_behind.clone()
        };
        let mut all_removed = true;
        for leftover in &leftovers {
            if let Leftover::Realm {
                name,
                onboarding_id,
            } = leftover
            {
                let ours = self
                    .realms
                    .get(name)
                    .await?
                    .is_some_and(|r| r.onboarding_id.as_deref() == Some(onboarding_id));
                if !ours {
                    continue;
                }
            }
            if let Leftover::TenantStore { name } = leftover {
                if !self
                    .schema
                    .orphan_stores()
                    .await?
                    .iter()
                    .any(|s| store_belongs_to(s, name))
                {
                    continue;
                }
            }
            let action = self.remove(leftover, fix).await;
            all_removed &= action == "removed";
            report.items.push(ReconcileItem {
                leftover: leftover.to_string(),
                reason: format!(
                    "left by the failed onboarding {} of '{}'",
                    entry.id, entry.slug
                ),
                action,
            });
        }
        if fix && all_removed {
            // Stores are removed by the orphan scan; the entry itself is settled.
            self.journal
                .finish(&entry.id, JournalState::Resolved, &[])
                .await?;
        }
        Ok(())
    }

    async fn remove(&self, leftover: &Leftover, fix: bool) -> String {
        if !fix {
            return "would remove".into();
        }
        let result = match leftover {
            Leftover::Realm {
                name,
                onboarding_id,
            } => self
                .realms
                .delete(name, Some(onboarding_id))
                .await
                .map(|_| ()),
            Leftover::TenantStore { name } => {
                let mut result = Ok(());
                for store in self.schema.orphan_stores().await.unwrap_or_default() {
                    if store_belongs_to(&store, name) {
                        result = result.and(self.schema.drop_orphan_store(&store).await);
                    }
                }
                result
            }
        };
        match result {
            Ok(()) => "removed".into(),
            Err(e) => format!("failed: {e}"),
        }
    }
}

/// Store names are the slug, or the slug and a suffix for uncommitted ones
/// (`spa_pilot.01J...pending`).
fn store_belongs_to(store: &str, slug: &str) -> bool {
    store == slug
        || store
            .strip_prefix(slug)
            .is_some_and(|rest| rest.starts_with('.'))
}
