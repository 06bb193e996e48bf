//! Knowledge snippets in a tenant schema, replaced by topic and locale.

use sqlx::Row;

use super::error::db_error;
use super::PgStore;
use crate::error::Result;
use crate::knowledge::{KnowledgeReport, KnowledgeSnippet};
use crate::tenant::Slug;

pub(super) async fn put(
    store: &PgStore,
    slug: &Slug,
    snippets: &[KnowledgeSnippet],
) -> Result<KnowledgeReport> {
    let snippets = snippets.to_vec();
    store
        .with_tenant(slug, |conn| {
            Box::pin(async move {
                let what = "store knowledge";
                let mut report = KnowledgeReport::default();
                for s in &snippets {
                    let updated = sqlx::query(
                        "UPDATE knowledge_snippets SET topic = $1, content = $2, updated_at = now()
                          WHERE lower(topic) = lower($1) AND locale IS NOT DISTINCT FROM $3",
                    )
                    .bind(&s.topic)
                    .bind(&s.content)
                    .bind(&s.locale)
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| db_error(what, e))?
                    .rows_affected();
                    if updated > 0 {
                        report.updated += 1;
                        continue;
                    }
                    sqlx::query("INSERT INTO knowledge_snippets (topic, content, locale) VALUES ($1, $2, $3)")
                        .bind(&s.topic)
                        .bind(&s.content)
                        .bind(&s.locale)
                        .execute(&mut *conn)
                        .await
                        .map_err(|e| db_error(what, e))?;
                    report.created += 1;
                }
                Ok(report)
            })
        })
        .await
}

pub(super) async fn list(store: &PgStore, slug: &Slug) -> Result<Vec<KnowledgeSnippet>> {
    let rows = store
        .with_tenant(slug, |conn| {
            Box::pin(async move {
                sqlx::query("SELECT topic, content, locale FROM knowledge_snippets ORDER BY topic COLLATE \"C\", locale COLLATE \"C\"")
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(|e| db_error("list knowledge", e))
            })
        })
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| KnowledgeSnippet {
            topic: r.get("topic"),
            content: r.get("content"),
            locale: r.get("locale"),
        })
        .collect())
}
