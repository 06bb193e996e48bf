use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use sqlx::Row;

use super::registry::timestamp;
use super::{db_error, SqliteStore};
use crate::error::Result;
use crate::ports::idempotency::ExistingKey;
use crate::ports::{IdempotencyClaim, IdempotencyStore, StoredResponse};

#[async_trait]
impl IdempotencyStore for SqliteStore {
    async fn claim(&self, key: &str, fingerprint: &str, ttl: Duration) -> Result<IdempotencyClaim> {
        let now = Utc::now();
        let expires =
            now + chrono::Duration::from_std(ttl).unwrap_or_else(|_| chrono::Duration::days(1));
        sqlx::query("DELETE FROM idempotency_keys WHERE expires_at < ?")
            .bind(timestamp(&now))
            .execute(&self.registry)
            .await
            .map_err(|e| db_error("idempotency", e))?;
        // The primary key makes the claim atomic across processes.
        let inserted = sqlx::query(
            "INSERT OR IGNORE INTO idempotency_keys (key, fingerprint, created_at, expires_at) VALUES (?, ?, ?, ?)",
        )
        .bind(key)
        .bind(fingerprint)
        .bind(timestamp(&now))
        .bind(timestamp(&expires))
        .execute(&self.registry)
        .await
        .map_err(|e| db_error("idempotency", e))?
        .rows_affected();
        if inserted == 1 {
            return Ok(IdempotencyClaim::Claimed);
        }
        let row =
            sqlx::query("SELECT fingerprint, status, body FROM idempotency_keys WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.registry)
                .await
                .map_err(|e| db_error("idempotency", e))?;
        let existing = row.map(|r| ExistingKey {
            fingerprint: r.get("fingerprint"),
            status: r.get::<Option<i64>, _>("status"),
            body: r.get("body"),
        });
        Ok(IdempotencyClaim::for_existing(fingerprint, existing))
    }

    async fn complete(&self, key: &str, response: &StoredResponse) -> Result<()> {
        sqlx::query("UPDATE idempotency_keys SET status = ?, body = ? WHERE key = ?")
            .bind(i64::from(response.status))
            .bind(&response.body)
            .bind(key)
            .execute(&self.registry)
            .await
            .map_err(|e| db_error("idempotency", e))?;
        Ok(())
    }

    async fn release(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM idempotency_keys WHERE key = ?")
            .bind(key)
            .execute(&self.registry)
            .await
            .map_err(|e| db_error("idempotency", e))?;
        Ok(())
    }
}
