//! Knowledge snippets in a tenant file, replaced by topic and locale.

use chrono::Utc;
use sqlx::{Connection, Row};
use ulid::Ulid;

use super::registry::timestamp;
use super::{db_error, SqliteStore};
use crate::error::Result;
use crate::knowledge::{KnowledgeReport, KnowledgeSnippet};
use crate::tenant::Slug;

pub(super) async fn put(
    store: &SqliteStore,
    slug: &Slug,
    snippets: &[KnowledgeSnippet],
) -> Result<KnowledgeReport> {
    let what = "store knowledge";
    let mut conn = store.tenant_store(slug).await?;
    let mut tx = conn.begin().await.map_err(|e| db_error(what, e))?;
    let now = timestamp(&Utc::now());
    let mut report = KnowledgeReport::default();
    for s in snippets {
        let updated = sqlx::query(
            "UPDATE knowledge_snippets SET topic = ?, content = ?, updated_at = ?
              WHERE lower(topic) = lower(?) AND locale IS ?",
        )
        .bind(&s.topic)
        .bind(&s.content)
        .bind(&now)
        .bind(&s.topic)
        .bind(&s.locale)
        .execute(&mut *tx)
        .await
        .map_err(|e| db_error(what, e))?
        .rows_affected();
        if updated > 0 {
            report.updated += 1;
            continue;
        }
        sqlx::query(
            "INSERT INTO knowledge_snippets (id, topic, content, locale, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(Ulid::new().to_string())
        .bind(&s.topic)
        .bind(&s.content)
        .bind(&s.locale)
        .bind(&now)
        .bind(&now)
        .execute(&mut *tx)
        .await
        .map_err(|e| db_error(what, e))?;
        report.created += 1;
    }
    tx.commit().await.map_err(|e| db_error(what, e))?;
    Ok(report)
}

pub(super) async fn list(store: &SqliteStore, slug: &Slug) -> Result<Vec<KnowledgeSnippet>> {
    let mut conn = store.tenant_store(slug).await?;
    Ok(
        sqlx::query("SELECT topic, content, locale FROM knowledge_snippets ORDER BY topic, locale")
            .fetch_all(&mut conn)
            .await
            .map_err(|e| db_error("list knowledge", e))?
            .into_iter()
            .map(|r| KnowledgeSnippet {
                topic: r.get("topic"),
                content: r.get("content"),
                locale: r.get("locale"),
            })
            .collect(),
    )
}
