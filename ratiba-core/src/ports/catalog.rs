//! `CatalogExtractor`: turns a menu (pasted text, a photo, or both) into candidate
//! rows. Extractors only read; the colours are decided by [`crate::catalog::review`].

use async_trait::async_trait;

use crate::catalog::{Candidate, Relation};
use crate::error::Result;

/// One menu to read. At least one of the two is set.
#[derive(Debug, Clone, Default)]
pub struct MenuInput {
    pub text: Option<String>,
    pub image: Option<Vec<u8>>,
}

impl MenuInput {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            image: None,
        }
    }
}

/// What an extractor read: rows not yet coloured, and relations it suggests
/// (an LLM may; the text extractor leaves them to the built-in rules).
#[derive(Debug, Clone, Default)]
pub struct Candidates {
    pub rows: Vec<Candidate>,
    pub relations: Vec<Relation>,
}

#[async_trait]
pub trait CatalogExtractor: Send + Sync {
    fn backend_name(&self) -> &'static str;

    /// `Validation` when the input is of a kind this extractor cannot read.
    async fn extract(&self, menu: &MenuInput) -> Result<Candidates>;
}
