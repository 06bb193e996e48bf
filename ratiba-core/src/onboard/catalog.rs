use serde::Serialize;

use super::Onboarder;
use crate::catalog::{review, CatalogCommit, CatalogDraft, CommitReport, CommitReview, Extraction};
use crate::error::{Error, Result};
use crate::ports::MenuInput;
use crate::tenant::Slug;

/// The outcome of `import_catalog`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogImport {
    pub import_id: String,
    pub extraction: Extraction,
    /// Set when the import was committed.
    pub committed: Option<CommitReport>,
    /// Red rows, not committed: the owner must type their price.
    pub needs_price: Vec<String>,
}

impl Onboarder {
    /// Reads a menu and colours its rows; writes nothing.
    pub async fn extract_catalog(&self, menu: &MenuInput) -> Result<Extraction> {
        if menu.text.as_deref().is_none_or(|t| t.trim().is_empty()) && menu.image.is_none() {
            return Err(Error::field(
                "menu",
                "give the menu's text, a photo of it, or both",
            ));
        }
        let candidates = self.extractor.extract(menu).await?;
        Ok(review(&candidates, self.settings.floor_kes))
    }

    /// Extracts a menu for a tenant and stores it as a draft; with `commit`, writes
    /// the rows that carry a price (green and yellow) too. Red rows are never written.
    pub async fn import_catalog(
        &self,
        slug: &Slug,
        menu: &MenuInput,
        commit: bool,
    ) -> Result<CatalogImport> {
        self.schema.get(slug).await?;
        let extraction = self.extract_catalog(menu).await?;
        let source = match (&menu.text, &menu.image) {
            (Some(_), Some(_)) => "text+image",
            (None, Some(_)) => "image",
            _ => "text",
        };
        let draft = CatalogDraft {
            source: source.into(),
            floor_kes: self.settings.floor_kes,
            extraction,
        };
        let import_id = self.schema.save_catalog_draft(slug, &draft).await?;
        let (mut rows, needs_price) = CatalogCommit::from_extraction(&draft.extraction);
        let committed = if commit {
            rows.import_id = Some(import_id.clone());
            Some(self.commit_catalog(slug, &rows).await?)
        } else {
            None
        };
        Ok(CatalogImport {
            import_id,
            extraction: draft.extraction,
            committed,
            needs_price,
        })
    }

    /// Writes reviewed services and relations after checking the commit rules.
    pub async fn commit_catalog(
        &self,
        slug: &Slug,
        commit: &CatalogCommit,
    ) -> Result<CommitReport> {
        commit.validate(self.settings.floor_kes)?;
        self.schema.commit_catalog(slug, commit).await
    }

    /// Writes reviewed rows under the review rules: a row that was red in the
    /// import's draft needs its name in `review.owner_typed`, a price below the
    /// floor its name in `review.confirm_below_floor`. The draft (and its floor) is
    /// read back from the store when the commit names an import.
    pub async fn commit_reviewed_catalog(
        &self,
        slug: &Slug,
        commit: &CatalogCommit,
        review: &CommitReview,
    ) -> Result<CommitReport> {
        self.schema.get(slug).await?;
        let draft = match &commit.import_id {
            Some(id) => {
                Some(self.schema.load_catalog_draft(slug, id).await.map_err(
                    |e| match e.kind() {
                        crate::ErrorKind::NotFound => {
                            Error::field("import_id", e.message().to_string())
                        }
                        _ => e,
                    },
                )?)
            }
            None => None,
        };
        let floor = draft
            .as_ref()
            .map_or(self.settings.floor_kes, |d| d.floor_kes);
        commit.validate_reviewed(floor, draft.as_ref(), review)?;
        self.schema.commit_catalog(slug, commit).await
    }
}
