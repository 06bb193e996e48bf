//! Catalog writes into a tenant schema through [`PgStore::with_tenant`]: drafts in
//! `catalog_imports`, reviewed rows in `services` and `service_relations`, in one
//! transaction.

use sqlx::Row;

use super::{db_error, PgStore};
use crate::catalog::{name_key, CatalogCommit, CatalogDraft, CommitReport, Service};
use crate::error::{Error, Result};
use crate::tenant::Slug;

pub(super) async fn save_draft(
    store: &PgStore,
    slug: &Slug,
    draft: &CatalogDraft,
) -> Result<String> {
    let body = serde_json::to_string(&draft.extraction)
        .map_err(|e| Error::backend("encode draft").with_source(e))?;
    let source = draft.source.clone();
    let floor = i64::from(draft.floor_kes);
    store
        .with_tenant(slug, move |conn| {
            Box::pin(async move {
                sqlx::query_scalar(
                    "INSERT INTO catalog_imports (source, floor_kes, draft, status)
                     VALUES ($1, $2, $3::jsonb, 'draft') RETURNING id::text",
                )
                .bind(source)
                .bind(floor)
                .bind(body)
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| db_error("save catalog draft", e))
            })
        })
        .await
}

pub(super) async fn load_draft(
    store: &PgStore,
    slug: &Slug,
    import_id: &str,
) -> Result<CatalogDraft> {
    let id = import_id.to_string();
    let row = store
        .with_tenant(slug, move |conn| {
            Box::pin(async move {
                sqlx::query("SELECT source, floor_kes::bigint AS floor, draft::text AS draft FROM catalog_imports WHERE id::text = $1")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(|e| db_error("read catalog draft", e))
            })
        })
        .await?
        .ok_or_else(|| Error::not_found(format!("no catalog import {import_id} for '{slug}'")))?;
    let draft: String = row.get("draft");
    Ok(CatalogDraft {
        source: row.get("source"),
        floor_kes: u32::try_from(row.get::<i64, _>("floor"))
            .unwrap_or(crate::catalog::DEFAULT_FLOOR_KES),
        extraction: serde_json::from_str(&draft)
            .map_err(|e| Error::backend("stored draft is unreadable").with_source(e))?,
    })
}

pub(super) async fn commit(
    store: &PgStore,
    slug: &Slug,
    commit: &CatalogCommit,
) -> Result<CommitReport> {
    let commit = commit.clone();
    let tenant = slug.to_string();
    store
        .with_tenant(slug, move |conn| {
            Box::pin(async move {
                let what = "commit catalog";
                let mut report = CommitReport::default();
                if let Some(import_id) = &commit.import_id {
                    // Compared as text: an id that is not even a UUID is simply unknown.
                    let status: Option<String> = sqlx::query_scalar(
                        "SELECT status FROM catalog_imports WHERE id::text = $1 FOR UPDATE",
                    )
                    .bind(import_id)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(|e| db_error(what, e))?;
                    match status.as_deref() {
                        None => {
                            return Err(Error::field(
                                "import_id",
                                format!("no catalog import {import_id} for '{tenant}'"),
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
                for row in &commit.services {
                    let key = name_key(&row.name);
                    let name = row.name.trim();
                    let price = i64::from(row.price_kes);
                    let duration = row.duration_minutes.map(i64::from);
                    let existing = sqlx::query(
                        "SELECT name, price_kes::bigint AS price, duration_minutes::bigint AS duration, category
                           FROM services WHERE name_key = $1 FOR UPDATE",
                    )
                    .bind(&key)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(|e| db_error(what, e))?;
                    match existing {
                        Some(e) => {
                            let same = e.get::<String, _>("name") == name
                                && e.get::<i64, _>("price") == price
                                && e.get::<Option<i64>, _>("duration") == duration
                                && e.get::<Option<String>, _>("category") == row.category;
                            if same {
                                report.unchanged += 1;
                            } else {
                                sqlx::query(
                                    "UPDATE services SET name = $2, price_kes = $3, duration_minutes = $4,
                                            category = $5, updated_at = now()
                                      WHERE name_key = $1",
                                )
                                .bind(&key)
                                .bind(name)
                                .bind(price)
                                .bind(duration)
                                .bind(&row.category)
                                .execute(&mut *conn)
                                .await
                                .map_err(|e| db_error(what, e))?;
                                report.updated += 1;
                            }
                        }
                        None => {
                            sqlx::query(
                                "INSERT INTO services (name, name_key, category, price_kes, duration_minutes)
                                 VALUES ($1, $2, $3, $4, $5)",
                            )
                            .bind(name)
                            .bind(&key)
                            .bind(&row.category)
                            .bind(price)
                            .bind(duration)
                            .execute(&mut *conn)
                            .await
                            .map_err(|e| db_error(what, e))?;
                            report.created += 1;
                        }
                    }
                }
                for rel in &commit.relations {
                    let inserted = sqlx::query(
                        "INSERT INTO service_relations (service_id, related_service_id, relation_type)
                         SELECT a.id, b.id, $1 FROM services a, services b
                          WHERE a.name_key = $2 AND b.name_key = $3
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(&rel.relation_type)
                    .bind(name_key(&rel.service))
                    .bind(name_key(&rel.related))
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| db_error("commit catalog relations", e))?
                    .rows_affected();
                    report.relations += usize::try_from(inserted).unwrap_or(0);
                }
                if let Some(import_id) = &commit.import_id {
                    let body = serde_json::to_string(&report)
                        .map_err(|e| Error::backend("encode report").with_source(e))?;
                    sqlx::query(
                        "UPDATE catalog_imports SET status = 'committed', report = $2::jsonb,
                                committed_at = now() WHERE id::text = $1",
                    )
                    .bind(import_id)
                    .bind(body)
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| db_error(what, e))?;
                }
                Ok(report)
            })
        })
        .await
}

pub(super) async fn list_services(store: &PgStore, slug: &Slug) -> Result<Vec<Service>> {
    let rows = store
        .with_tenant(slug, |conn| {
            Box::pin(async move {
                sqlx::query(
                    "SELECT id::text AS id, name, price_kes::bigint AS price,
                            duration_minutes::bigint AS duration, category
                       FROM services ORDER BY name COLLATE \"C\"",
                )
                .fetch_all(&mut *conn)
                .await
                .map_err(|e| db_error("list services", e))
            })
        })
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Service {
                id: r.get("id"),
                name: r.get("name"),
                price_kes: u32::try_from(r.get::<i64, _>("price"))
                    .map_err(|_| Error::backend("bad price"))?,
                duration_minutes: r
                    .get::<Option<i64>, _>("duration")
                    .and_then(|d| u32::try_from(d).ok()),
                category: r.get("category"),
            })
        })
        .collect()
}
