//! Tenant-scoped access on the application pool: one transaction whose
//! `search_path` is the tenant's schema alone, set with `set_config(.., true)` so it
//! ends with the transaction and never leaks to the next user of the connection.

use std::future::Future;
use std::pin::Pin;

use sqlx::PgConnection;

use super::ident::schema_name;
use super::{db_error, PgStore};
use crate::error::{Error, Result};
use crate::tenant::Slug;

/// The future a [`PgStore::with_tenant`] closure returns (box it with `Box::pin`).
pub type TenantFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'c>>;

impl PgStore {
    /// Runs `f` in one transaction of the application pool with `search_path` set to
    /// `tenant_<slug>` only: unqualified names are the tenant's tables, and nothing
    /// else is found. Commits when `f` returns `Ok`, rolls back otherwise.
    ///
    /// `NotFound` when the schema does not exist (PostgreSQL itself would silently
    /// fall through to the next schema on the path, or fail later with a confusing
    /// "relation does not exist"). The closure moves owned data in:
    ///
    /// ```no_run
    /// # async fn demo(store: ratiba_core::backends::postgres::PgStore, slug: ratiba_core::Slug) -> ratiba_core::Result<()> {
    /// let n: i64 = store
    ///     .with_tenant(&slug, |conn| Box::pin(async move {
    ///         sqlx::query_scalar("SELECT count(*) FROM services")
    ///             .fetch_one(&mut *conn)
    ///             .await
    ///             .map_err(|e| ratiba_core::backends::postgres::db_error("count", e))
    ///     }))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn with_tenant<T, F>(&self, slug: &Slug, f: F) -> Result<T>
    where
        T: Send,
        F: for<'c> FnOnce(&'c mut PgConnection) -> TenantFuture<'c, T> + Send,
    {
        let schema = schema_name(slug)?;
        let what = "open tenant schema";
        let mut tx = self.app.begin().await.map_err(|e| db_error(what, e))?;
        sqlx::query("SELECT set_config('search_path', $1, true)")
            .bind(schema.quoted())
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error(what, e))?;
        // NULL when the first (only) schema on the path is missing or not usable.
        let current: Option<String> = sqlx::query_scalar("SELECT current_schema()::text")
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| db_error(what, e))?;
        if current.as_deref() != Some(schema.name()) {
            return Err(Error::not_found(format!(
                "the schema {schema} of tenant '{slug}' does not exist (or this role may not use it); \
                 run `ratiba tenants verify {slug}`"
            )));
        }
        let value = f(&mut tx).await?;
        tx.commit()
            .await
            .map_err(|e| db_error("commit tenant work", e))?;
        Ok(value)
    }
}
