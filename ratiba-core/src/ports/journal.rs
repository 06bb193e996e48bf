//! `Journal`: the onboarding log that outlives a crash. Each entry is committed on
//! its own, before and after the saga, so `ratiba reconcile` can find what a dead
//! process left and undo it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JournalState {
    /// Steps may be under way, or the process died during them.
    Started,
    /// The tenant exists completely.
    Done,
    /// The onboarding failed and every step was undone.
    RolledBack,
    /// The onboarding failed and something could not be undone; see `left_behind`.
    LeftBehind,
    /// Reconcile removed what was left behind.
    Resolved,
}

impl JournalState {
    pub fn as_str(self) -> &'static str {
        match self {
            JournalState::Started => "started",
            JournalState::Done => "done",
            JournalState::RolledBack => "rolled_back",
            JournalState::LeftBehind => "left_behind",
            JournalState::Resolved => "resolved",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            JournalState::Started,
            JournalState::Done,
            JournalState::RolledBack,
            JournalState::LeftBehind,
            JournalState::Resolved,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }
}

/// Something a failed onboarding could not remove at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Leftover {
    /// A realm created by this onboarding (tagged with its id).
    Realm { name: String, onboarding_id: String },
    /// A tenant store (schema or file) with no committed registry row.
    TenantStore { name: String },
}

impl std::fmt::Display for Leftover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Leftover::Realm { name, .. } => write!(f, "realm '{name}'"),
            Leftover::TenantStore { name } => write!(f, "tenant store '{name}'"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// The onboarding id, which is also the tenant id it would create.
    pub id: String,
    pub slug: String,
    pub state: JournalState,
    pub started_at: DateTime<Utc>,
    pub left_behind: Vec<Leftover>,
}

#[async_trait]
pub trait Journal: Send + Sync {
    /// Records a new onboarding as `Started`, committed before any step runs.
    async fn start(&self, entry: &JournalEntry) -> Result<()>;

    /// Moves an entry to its final state (`Done`, `RolledBack`, `LeftBehind`, `Resolved`).
    async fn finish(&self, id: &str, state: JournalState, left_behind: &[Leftover]) -> Result<()>;

    /// Entries still `Started` or `LeftBehind`, oldest first.
    async fn open_entries(&self) -> Result<Vec<JournalEntry>>;
}
