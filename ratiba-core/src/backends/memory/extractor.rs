use async_trait::async_trait;

use crate::error::Result;
use crate::ports::{Candidates, CatalogExtractor, MenuInput};

/// An extractor that returns the same candidates for any menu: for harnesses that
/// test what happens after extraction (review, commit) without a real extractor.
#[derive(Debug, Clone, Default)]
pub struct StaticExtractor {
    candidates: Candidates,
}

impl StaticExtractor {
    pub fn new(candidates: Candidates) -> Self {
        Self { candidates }
    }
}

#[async_trait]
impl CatalogExtractor for StaticExtractor {
    fn backend_name(&self) -> &'static str {
        "static"
    }

    async fn extract(&self, _menu: &MenuInput) -> Result<Candidates> {
        Ok(self.candidates.clone())
    }
}
