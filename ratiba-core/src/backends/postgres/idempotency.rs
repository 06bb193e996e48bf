//! `IdempotencyStore` on PostgreSQL: `public.idempotency_keys`; the primary key makes
//! a claim atomic across every server instance.

use std::time::Duration;

use async_trait::async_trait;
use sqlx::Row;

use super::{db_error, PgStore};
use crate::error::Result;
use crate::ports::idempotency::ExistingKey;
use crate::ports::{IdempotencyClaim, IdempotencyStore, StoredResponse};

#[async_trait]
impl IdempotencyStore for PgStore {
    async fn claim(&self, key: &str, fingerprint: &str, ttl: Duration) -> Result<IdempotencyClaim> {
        let ttl_secs = ttl.as_secs_f64().min(365.0 * 86_400.0);
        sqlx::query("DELETE FROM public.idempotency_keys WHERE expires_at < now()")
            .execute(&self.admin)
            .await
            .map_err(|e| db_error("idempotency", e))?;
        let inserted = sqlx::query(
            "INSERT INTO public.idempotency_keys (key, fingerprint, expires_at)
             VALUES ($1, $2, now() + make_interval(secs => $3))
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(fingerprint)
        .bind(ttl_secs)
        .execute(&self.admin)
        .await
        .map_err(|e| db_error("idempotency", e))?
        .rows_affected();
        if inserted == 1 {
            return Ok(IdempotencyClaim::Claimed);
        }
        let row = sqlx::query(
            "SELECT fingerprint, status, body FROM public.idempotency_keys WHERE key = $1",
        )
        .bind(key)
        .fetch_optional(&self.admin)
        .await
        .map_err(|e| db_error("idempotency", e))?;
        let existing = row.map(|r| ExistingKey {
            fingerprint: r.get("fingerprint"),
            status: r.get::<Option<i32>, _>("status").map(i64::from),
            body: r.get("body"),
        });
        Ok(IdempotencyClaim::for_existing(fingerprint, existing))
    }

    async fn complete(&self, key: &str, response: &StoredResponse) -> Result<()> {
        sqlx::query("UPDATE public.idempotency_keys SET status = $2, body = $3 WHERE key = $1")
            .bind(key)
            .bind(i32::from(response.status))
            .bind(&response.body)
            .execute(&self.admin)
            .await
            .map_err(|e| db_error("idempotency", e))?;
        Ok(())
    }

    async fn release(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM public.idempotency_keys WHERE key = $1")
            .bind(key)
            .execute(&self.admin)
            .await
            .map_err(|e| db_error("idempotency", e))?;
        Ok(())
    }
}
