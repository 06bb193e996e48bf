//! Catalog writes into a tenant file: drafts in `catalog_imports`, reviewed rows in
//! `services` and `service_relations`, in one transaction.

use chrono::Utc;
use sqlx::{Connection, Row};
use ulid::Ulid;

use super::registry::timestamp;
use super::{db_error, SqliteStore};
use crate::catalog::{name_key, CatalogCommit, CatalogDraft, CommitReport, Service};
use crate::error::{Error, Result};
use crate::tenant::Slug;

pub(super) async fn save_draft(
    store: &SqliteStore,
    slug: &Slug,
    draft: &CatalogDraft,
) -> Result<String> {
    let mut conn = store.tenant_store(slug).await?;
    let id = Ulid::new().to_string();
    let body = serde_json::to_string(&draft.extraction)
        .map_err(|e| Error::backend("encode draft").with_source(e))?;
    sqlx::query(
        "INSERT INTO catalog_imports (id, source, floor_kes, draft, status, created_at) VALUES (?, ?, ?, ?, 'draft', ?)",
    )
    .bind(&id)
    .bind(&draft.source)
    .bind(draft.floor_kes)
    .bind(body)
    .bind(timestamp(&Utc::now()))
    .execute(&mut conn)
    .await
    .map_err(|e| db_error("save catalog draft", e))?;
    Ok(id)
}

pub(super) async fn load_draft(
    store: &SqliteStore,
    slug: &Slug,
    import_id: &str,
) -> Result<CatalogDraft> {
    let mut conn = store.tenant_store(slug).await?;
    let row = sqlx::query("SELECT source, floor_kes, draft FROM catalog_imports WHERE id = ?")
        .bind(import_id)
        .fetch_optional(&mut conn)
        .await
        .map_err(|e| db_error("read catalog draft", e))?
        .ok_or_else(|| Error::not_found(format!("no catalog import {import_id} for '{slug}'")))?;
    let draft: String = row.get("draft");
    Ok(CatalogDraft {
        source: row.get("source"),
        floor_kes: u32::try_from(row.get::<i64, _>("floor_kes"))
            .unwrap_or(crate::catalog::DEFAULT_FLOOR_KES),
        extraction: serde_json::from_str(&draft)
            .map_err(|e| Error::backend("stored draft is unreadable").with_source(e))?,
    })
}

pub(super) async fn commit(
    store: &SqliteStore,
    slug: &Slug,
    commit: &CatalogCommit,
) -> Result<CommitReport> {
    let mut conn = store.tenant_store(slug).await?;
    let mut tx = conn
        .begin()
        .await
        .map_err(|e| db_error("commit catalog", e))?;
    let mut report = CommitReport::default();
    if let Some(import_id) = &commit.import_id {
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM catalog_imports WHERE id = ?")
                .bind(import_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| db_error("commit catalog", e))?;
        match status.as_deref() {
            None => {
                return Err(Error::field(
                    "import_id",
                    format!("no catalog import {import_id} for '{slug}'"),
                ))
            }
            Some("committed") => {
                // The same import committed twice does nothing the second time.
                report.unchanged = commit.services.len();
                return Ok(report);
            }
            _ => {}
        }
    }
    let now = timestamp(&Utc::now());
    for row in &commit.services {
        let key = name_key(&row.name);
        let name = row.name.trim();
        let existing = sqlx::query("SELECT id, name, price_kes, duration_minutes, category FROM services WHERE name_key = ?")
            .bind(&key)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| db_error("commit catalog", e))?;
        match existing {
            Some(e) => {
                let same = e.get::<String, _>("name") == name
                    && e.get::<i64, _>("price_kes") == i64::from(row.price_kes)
                    && e.get::<Option<i64>, _>("duration_minutes")
                        == row.duration_minutes.map(i64::from)
                    && e.get::<Option<String>, _>("category") == row.category;
                if same {
                    report.unchanged += 1;
                } else {
                    sqlx::query(
                        "UPDATE services SET name = ?, price_kes = ?, duration_minutes = ?, category = ?, updated_at = ?
                         WHERE name_key = ?",
                    )
                    .bind(name)
                    .bind(row.price_kes)
                    .bind(row.duration_minutes)
                    .bind(&row.category)
                    .bind(&now)
                    .bind(&key)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| db_error("commit catalog", e))?;
                    report.updated += 1;
                }
            }
            None => {
                sqlx::query(
                    "INSERT INTO services (id, name, name_key, category, price_kes, duration_minutes, created_at, updated_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(Ulid::new().to_string())
                .bind(name)
                .bind(&key)
                .bind(&row.category)
                .bind(row.price_kes)
                .bind(row.duration_minutes)
                .bind(&now)
                .bind(&now)
                .execute(&mut *tx)
                .await
                .map_err(|e| db_error("commit catalog", e))?;
                report.created += 1;
            }
        }
    }
    for rel in &commit.relations {
        let inserted = sqlx::query(
            "INSERT OR IGNORE INTO service_relations (id, service_id, related_service_id, relation_type, created_at)
             SELECT ?, a.id, b.id, ?, ? FROM services a, services b WHERE a.name_key = ? AND b.name_key = ?",
        )
        .bind(Ulid::new().to_string())
        .bind(&rel.relation_type)
        .bind(&now)
        .bind(name_key(&rel.service))
        .bind(name_key(&rel.related))
        .execute(&mut *tx)
        .await
        .map_err(|e| db_error("commit catalog relations", e))?
        .rows_affected();
        report.relations += inserted as usize;
    }
    if let Some(import_id) = &commit.import_id {
        let body = serde_json::to_string(&report)
            .map_err(|e| Error::backend("encode report").with_source(e))?;
        sqlx::query("UPDATE catalog_imports SET status = 'committed', report = ?, committed_at = ? WHERE id = ?")
            .bind(body)
            .bind(&now)
            .bind(import_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error("commit catalog", e))?;
    }
    tx.commit()
        .await
        .map_err(|e| db_error("commit catalog", e))?;
    Ok(report)
}

pub(super) async fn list_services(store: &SqliteStore, slug: &Slug) -> Result<Vec<Service>> {
    let mut conn = store.tenant_store(slug).await?;
    sqlx::query(
        "SELECT id, name, price_kes, duration_minutes, category FROM services ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(|e| db_error("list services", e))?
    .into_iter()
    .map(|r| {
        Ok(Service {
            id: r.get("id"),
            name: r.get("name"),
            price_kes: u32::try_from(r.get::<i64, _>("price_kes"))
                .map_err(|_| Error::backend("bad price"))?,
            duration_minutes: r
                .get::<Option<i64>, _>("duration_minutes")
                .and_then(|d| u32::try_from(d).ok()),
            category: r.get("category"),
        })
    })
    .collect()
}
