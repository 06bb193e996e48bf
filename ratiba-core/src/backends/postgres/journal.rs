//! `Journal` on PostgreSQL: `public.onboarding_journal`, each write committed on its own.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{db_error, PgStore};
use crate::error::{Error, Result};
use crate::ports::{Journal, JournalEntry, JournalState, Leftover};

#[async_trait]
impl Journal for PgStore {
    async fn start(&self, entry: &JournalEntry) -> Result<()> {
        let at = entry.started_at.timestamp_micros() as f64 / 1e6;
        sqlx::query(
            "INSERT INTO public.onboarding_journal (id, slug, state, started_at, updated_at, left_behind)
             VALUES ($1, $2, $3, to_timestamp($4), to_timestamp($4), '[]'::jsonb)",
        )
        .bind(&entry.id)
        .bind(&entry.slug)
        .bind(entry.state.as_str())
        .bind(at)
        .execute(&self.admin)
        .await
        .map_err(|e| db_error("journal", e))?;
        Ok(())
    }

    async fn finish(&self, id: &str, state: JournalState, left_behind: &[Leftover]) -> Result<()> {
        let left = serde_json::to_string(left_behind)
            .map_err(|e| Error::backend("encode journal").with_source(e))?;
        let updated = sqlx::query(
            "UPDATE public.onboarding_journal
                SET state = $2, left_behind = $3::jsonb, updated_at = now() WHERE id = $1",
        )
        .bind(id)
        .bind(state.as_str())
        .bind(left)
        .execute(&self.admin)
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
            "SELECT id, slug, state, (extract(epoch FROM started_at) * 1000000)::bigint AS started_us,
                    left_behind::text AS left_behind
               FROM public.onboarding_journal
              WHERE state IN ('started', 'left_behind') ORDER BY started_at, id",
        )
        .fetch_all(&self.admin)
        .await
        .map_err(|e| db_error("journal", e))?
        .into_iter()
        .map(|row| {
            let state: String = row.get("state");
            let left: String = row.get("left_behind");
            let started: i64 = row.get("started_us");
            Ok(JournalEntry {
                id: row.get("id"),
                slug: row.get("slug"),
                state: JournalState::parse(&state)
                    .ok_or_else(|| Error::backend(format!("unknown journal state '{state}'")))?,
                started_at: DateTime::<Utc>::from_timestamp_micros(started)
                    .ok_or_else(|| Error::backend("bad journal timestamp"))?,
                left_behind: serde_json::from_str(&left)
                    .map_err(|e| Error::backend("bad journal leftovers").with_source(e))?,
            })
        })
        .collect()
    }
}
