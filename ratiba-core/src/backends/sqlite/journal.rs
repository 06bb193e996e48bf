use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;

use super::registry::timestamp;
use super::{db_error, SqliteStore};
use crate::error::{Error, Result};
use crate::ports::{Journal, JournalEntry, JournalState, Leftover};

#[async_trait]
impl Journal for SqliteStore {
    async fn start(&self, entry: &JournalEntry) -> Result<()> {
        let now = timestamp(&entry.started_at);
        sqlx::query(
            "INSERT INTO onboarding_journal (id, slug, state, started_at, updated_at, left_behind)
             VALUES (?, ?, ?, ?, ?, '[]')",
        )
        .bind(&entry.id)
        .bind(&entry.slug)
        .bind(entry.state.as_str())
        .bind(&now)
        .bind(&now)
        .execute(&self.registry)
        .await
        .map_err(|e| db_error("journal", e))?;
        Ok(())
    }

    async fn finish(&self, id: &str, state: JournalState, left_behind: &[Leftover]) -> Result<()> {
        let left = serde_json::to_string(left_behind)
            .map_err(|e| Error::backend("encode journal").with_source(e))?;
        let updated = sqlx::query(
            "UPDATE onboarding_journal SET state = ?, left_behind = ?, updated_at = ? WHERE id = ?",
        )
        .bind(state.as_str())
        .bind(left)
        .bind(timestamp(&Utc::now()))
        .bind(id)
        .execute(&self.registry)
        .await
        .map_err(|e| db_error("journal", e))?
        .rows_affected();
        if updated == 0 {
            return Err(Error::not_found(format!("no journal entry {id}")));
        }
        Ok(())
    }

    async fn open_entries(&self) -> Result<Vec<JournalEntry>> {
        sqlx::query(
            "SELECT id, slug, state, started_at, left_behind FROM onboarding_journal
             WHERE state IN ('started', 'left_behind') ORDER BY started_at, id",
        )
        .fetch_all(&self.registry)
        .await
        .map_err(|e| db_error("journal", e))?
        .into_iter()
        .map(|row| {
            let state: String = row.get("state");
            let started: String = row.get("started_at");
            let left: String = row.get("left_behind");
            Ok(JournalEntry {
                id: row.get("id"),
                slug: row.get("slug"),
                state: JournalState::parse(&state)
                    .ok_or_else(|| Error::backend(format!("unknown journal state '{state}'")))?,
                started_at: DateTime::parse_from_rfc3339(&started)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|e| Error::backend("bad journal timestamp").with_source(e))?,
                left_behind: serde_json::from_str(&left)
                    .map_err(|e| Error::backend("bad journal leftovers").with_source(e))?,
            })
        })
        .collect()
    }
}
