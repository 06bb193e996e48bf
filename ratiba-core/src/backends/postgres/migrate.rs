//! Migrations. The registry has versioned migrations, applied under one advisory
//! lock when a store connects. A new tenant schema is built from one DDL snapshot of
//! the current version ([`TENANT_SNAPSHOT_VERSION`]), never by replaying history;
//! existing tenants are brought up by [`PgStore::migrate_tenants`]: one transaction
//! and one lock per tenant, with bounded parallelism, recording the version in
//! `public.tenants.schema_version` in the same transaction as the DDL, so a crash
//! leaves every tenant at its old or its new version and a rerun resumes.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::{Executor, PgPool, Row};

use super::ident::schema_name;
use super::{db_error, PgStore, SLUG_LOCK_SQL, SLUG_LOCK_TIMEOUT};
use crate::error::{Error, Result};
use crate::tenant::Slug;

pub(super) struct RegistryMigration {
    version: i32,
    name: &'static str,
    sql: &'static str,
}

const REGISTRY: &[RegistryMigration] = &[
    RegistryMigration {
        version: 1,
        name: "registry",
        sql: include_str!("../../../migrations/postgres/registry/0001_registry.sql"),
    },
    RegistryMigration {
        version: 2,
        name: "idempotency",
        sql: include_str!("../../../migrations/postgres/registry/0002_idempotency.sql"),
    },
];

/// The registry version this build brings a database to.
pub const REGISTRY_VERSION: i32 = 2;

/// The version of `migrations/postgres/tenant/snapshot.sql`.
pub const TENANT_SNAPSHOT_VERSION: i32 = 1;

/// The tenant schema at [`TENANT_SNAPSHOT_VERSION`].
pub(super) const TENANT_SNAPSHOT: &str =
    include_str!("../../../migrations/postgres/tenant/snapshot.sql");

/// One upgrade of a tenant schema, run with `search_path` set to that schema.
#[derive(Debug, Clone)]
pub struct TenantMigration {
    /// The version the schema has after it; versions above the snapshot's.
    pub version: i32,
    pub name: Cow<'static, str>,
    pub sql: Cow<'static, str>,
}

/// Upgrades from older snapshots to [`TENANT_SNAPSHOT_VERSION`], oldest first. When one
/// is added (`migrations/postgres/tenant/000N_name.sql`), the snapshot gets the same
/// change and its version becomes N.
pub const TENANT_UPGRADES: &[TenantMigration] = &[];

pub(super) async fn migrate_registry(pool: &PgPool) -> Result<i32> {
    let what = "migrate the registry";
    let mut tx = pool.begin().await.map_err(|e| db_error(what, e))?;
    // One migrator at a time, across processes.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('ratiba.registry', 0))")
        .execute(&mut *tx)
        .await
        .map_err(|e| db_error(what, e))?;
    tx.execute(
        "CREATE TABLE IF NOT EXISTS public.ratiba_registry_migrations (
            version integer PRIMARY KEY,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now())",
    )
    .await
    .map_err(|e| db_error(what, e))?;
    let current: i32 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(version), 0) FROM public.ratiba_registry_migrations",
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| db_error(what, e))?;
    for m in REGISTRY {
        if m.version <= current {
            continue;
        }
        let sql: &'static str = m.sql;
        tx.execute(sql).await.map_err(|e| {
            db_error(what, e).context(format!("registry migration {} ({})", m.version, m.name))
        })?;
        sqlx::query(
            "INSERT INTO public.ratiba_registry_migrations (version, name) VALUES ($1, $2)",
        )
        .bind(m.version)
        .bind(m.name)
        .execute(&mut *tx)
        .await
        .map_err(|e| db_error(what, e))?;
    }
    tx.commit().await.map_err(|e| db_error(what, e))?;
    Ok(current.max(REGISTRY_VERSION))
}

/// How `migrate` runs.
#[derive(Debug, Clone)]
pub struct MigrateOptions {
    /// Tenants migrated at once (each on its own connection).
    pub parallelism: usize,
    /// The upgrades to apply; [`TENANT_UPGRADES`] by default.
    pub upgrades: Vec<TenantMigration>,
    /// Only report what would run.
    pub dry_run: bool,
}

impl Default for MigrateOptions {
    fn default() -> Self {
        Self {
            parallelism: 4,
            upgrades: TENANT_UPGRADES.to_vec(),
            dry_run: false,
        }
    }
}

/// What happened to one tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TenantMigrationOutcome {
    pub slug: String,
    pub from_version: i32,
    pub to_version: i32,
    /// `migrated`, `would migrate`, `up to date` (someone else got there first),
    /// `deleted` (gone meanwhile) or `failed: ...`.
    pub status: String,
    pub millis: u64,
}

impl TenantMigrationOutcome {
    pub fn failed(&self) -> bool {
        self.status.starts_with("failed")
    }
}

/// Progress, for a progress bar.
#[derive(Debug, Clone)]
pub enum MigrateEvent {
    /// `total` tenants are behind `target`.
    Planned { total: usize, target: i32 },
    /// One tenant is done (or failed).
    Tenant(TenantMigrationOutcome),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrateReport {
    pub target_version: i32,
    /// Tenants that were already at the target.
    pub up_to_date: usize,
    /// One entry per tenant that was behind, ordered by slug.
    pub tenants: Vec<TenantMigrationOutcome>,
    pub millis: u64,
}

impl MigrateReport {
    pub fn failures(&self) -> usize {
        self.tenants.iter().filter(|t| t.failed()).count()
    }
}

pub(super) fn check_upgrades(upgrades: &[TenantMigration]) -> Result<i32> {
    let mut last = TENANT_SNAPSHOT_VERSION;
    for m in upgrades {
        if m.version <= last && m.version > TENANT_SNAPSHOT_VERSION {
            return Err(Error::backend(format!(
                "tenant migrations out of order at version {} ({})",
                m.version, m.name
            )));
        }
        last = last.max(m.version);
    }
    Ok(last)
}

impl PgStore {
    /// Brings every tenant schema to the newest version of `options.upgrades`.
    pub async fn migrate_tenants(
        &self,
        options: &MigrateOptions,
        progress: &(dyn Fn(&MigrateEvent) + Send + Sync),
    ) -> Result<MigrateReport> {
        let started = Instant::now();
        let target = check_upgrades(&options.upgrades)?;
        let rows = sqlx::query(
            "SELECT slug, schema_version, count(*) OVER () AS total
               FROM public.tenants ORDER BY slug",
        )
        .fetch_all(&self.admin)
        .await
        .map_err(|e| db_error("plan migration", e))?;
        let mut behind = Vec::new();
        let mut up_to_date = 0;
        for row in rows {
            let version: i32 = row.get("schema_version");
            if version < target {
                behind.push((row.get::<String, _>("slug"), version));
            } else {
                up_to_date += 1;
            }
        }
        progress(&MigrateEvent::Planned {
            total: behind.len(),
            target,
        });
        let upgrades = Arc::new(options.upgrades.clone());
        let mut outcomes = Vec::with_capacity(behind.len());
        let mut queue = behind.into_iter();
        let mut running = tokio::task::JoinSet::new();
        let parallelism = options.parallelism.max(1);
        loop {
            while running.len() < parallelism {
                let Some((slug, from)) = queue.next() else {
                    break;
                };
                if options.dry_run {
                    let outcome = TenantMigrationOutcome {
                        slug,
                        from_version: from,
                        to_version: target,
                        status: "would migrate".into(),
                        millis: 0,
                    };
                    progress(&MigrateEvent::Tenant(outcome.clone()));
                    outcomes.push(outcome);
                    continue;
                }
                let store = self.clone();
                let upgrades = upgrades.clone();
                running.spawn(async move {
                    let t0 = Instant::now();
                    let result = store.migrate_one(&slug, target, &upgrades).await;
                    let millis = duration_ms(t0.elapsed());
                    match result {
                        Ok((from, status)) => TenantMigrationOutcome {
                            slug,
                            from_version: from,
                            to_version: target,
                            status: status.into(),
                            millis,
                        },
                        Err(e) => TenantMigrationOutcome {
                            slug,
                            from_version: from,
                            to_version: from,
                            status: format!("failed: {e}"),
                            millis,
                        },
                    }
                });
            }
            let Some(done) = running.join_next().await else {
                break;
            };
            let outcome =
                done.map_err(|e| Error::backend("a migration task died").with_source(e))?;
            progress(&MigrateEvent::Tenant(outcome.clone()));
            outcomes.push(outcome);
        }
        outcomes.sort_by(|a, b| a.slug.cmp(&b.slug));
        Ok(MigrateReport {
            target_version: target,
            up_to_date,
            tenants: outcomes,
            millis: duration_ms(started.elapsed()),
        })
    }

    /// One tenant, one transaction, one lock. Returns the version it started from.
    async fn migrate_one(
        &self,
        raw_slug: &str,
        target: i32,
        upgrades: &[TenantMigration],
    ) -> Result<(i32, &'static str)> {
        let slug = Slug::parse(raw_slug)?;
        let schema = schema_name(&slug)?;
        let what = "migrate tenant";
        let mut tx = self.admin.begin().await.map_err(|e| db_error(what, e))?;
        tx.execute(SLUG_LOCK_TIMEOUT)
            .await
            .map_err(|e| db_error(what, e))?;
        sqlx::query(SLUG_LOCK_SQL)
            .bind(slug.as_str())
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error(what, e))?;
        // Read again under the lock: another migrator may have finished it.
        let current: Option<i32> =
            sqlx::query_scalar("SELECT schema_version FROM public.tenants WHERE slug = $1")
                .bind(slug.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| db_error(what, e))?;
        let Some(current) = current else {
            return Ok((0, "deleted"));
        };
        if current >= target {
            return Ok((current, "up to date"));
        }
        let found: Option<String> = {
            sqlx::query("SELECT set_config('search_path', $1, true)")
                .bind(schema.quoted())
                .execute(&mut *tx)
                .await
                .map_err(|e| db_error(what, e))?;
            sqlx::query_scalar("SELECT current_schema()::text")
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| db_error(what, e))?
        };
        if found.as_deref() != Some(schema.name()) {
            return Err(Error::not_found(format!(
                "schema {schema} of tenant '{slug}' does not exist; run `ratiba tenants verify {slug}`"
            )));
        }
        for m in upgrades {
            if m.version <= current || m.version > target {
                continue;
            }
            let sql: &str = &m.sql;
            tx.execute(sql).await.map_err(|e| {
                db_error(what, e).context(format!("tenant migration {} ({})", m.version, m.name))
            })?;
        }
        // Tables an upgrade added are the application role's to use too.
        let grants = self.grants(&schema);
        if !grants.is_empty() {
            tx.execute(grants.as_str())
                .await
                .map_err(|e| db_error(what, e))?;
        }
        sqlx::query(
            "UPDATE public.tenants SET schema_version = $2, updated_at = now() WHERE slug = $1",
        )
        .bind(slug.as_str())
        .bind(target)
        .execute(&mut *tx)
        .await
        .map_err(|e| db_error(what, e))?;
        tx.commit().await.map_err(|e| db_error(what, e))?;
        Ok((current, "migrated"))
    }
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upgrades_are_ordered_and_reach_the_snapshot() {
        assert_eq!(
            check_upgrades(TENANT_UPGRADES).expect("ordered"),
            TENANT_SNAPSHOT_VERSION,
            "the snapshot is the newest version: fold every upgrade into it"
        );
        let m = |v: i32| TenantMigration {
            version: v,
            name: "x".into(),
            sql: "SELECT 1".into(),
        };
        assert_eq!(check_upgrades(&[m(2), m(3)]).expect("ok"), 3);
        assert!(check_upgrades(&[m(3), m(2)]).is_err());
        assert!(TENANT_SNAPSHOT.contains("task_path TEXT NOT NULL DEFAULT ''"));
    }
}
