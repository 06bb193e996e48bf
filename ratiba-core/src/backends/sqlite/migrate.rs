//! A small migration runner: versioned SQL files compiled into the binary, applied
//! in order, each in its own transaction, recorded in `_ratiba_migrations`.

use sqlx::{Connection, SqliteConnection};

use super::db_error;
use crate::error::{Error, Result};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub const REGISTRY: &[Migration] = &[
    Migration {
        version: 1,
        name: "registry",
        sql: include_str!("../../../migrations/sqlite/registry/0001_registry.sql"),
    },
    Migration {
        version: 2,
        name: "idempotency",
        sql: include_str!("../../../migrations/sqlite/registry/0002_idempotency.sql"),
    },
];

pub const TENANT: &[Migration] = &[
    Migration {
        version: 1,
        name: "business",
        sql: include_str!("../../../migrations/sqlite/tenant/0001_business.sql"),
    },
    Migration {
        version: 2,
        name: "langgraph_checkpoints",
        sql: include_str!("../../../migrations/sqlite/tenant/0002_langgraph_checkpoints.sql"),
    },
];

/// The version a fresh store reaches.
pub fn latest(migrations: &[Migration]) -> i64 {
    migrations.iter().map(|m| m.version).max().unwrap_or(0)
}

pub async fn run(conn: &mut SqliteConnection, migrations: &'static [Migration]) -> Result<i64> {
    sqlx::Executor::execute(
        &mut *conn,
        "CREATE TABLE IF NOT EXISTS _ratiba_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .await
    .map_err(|e| db_error("migrations", e))?;
    let current: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _ratiba_migrations")
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| db_error("migrations", e))?;
    // A plain loop: an iterator closure held across `.await` makes the future's
    // `Send` bound not general enough for async-trait callers.
    for m in migrations {
        if m.version <= current {
            continue;
        }
        let mut tx = conn.begin().await.map_err(|e| db_error("migrations", e))?;
        let sql: &'static str = m.sql;
        // `raw_sql(..).execute` is not `Send` for every lifetime; a plain `&str`
        // executes unprepared just the same, several statements at once.
        sqlx::Executor::execute(&mut *tx, sql).await.map_err(|e| {
            Error::backend(format!("migration {} ({}) failed", m.version, m.name)).with_source(e)
        })?;
        sqlx::query("INSERT INTO _ratiba_migrations (version, name, applied_at) VALUES (?, ?, ?)")
            .bind(m.version)
            .bind(m.name)
            .bind(chrono::Utc::now().to_rfc3339())
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error("migrations", e))?;
        tx.commit().await.map_err(|e| db_error("migrations", e))?;
    }
    Ok(latest(migrations).max(current))
}
