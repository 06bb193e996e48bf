//! The local text extractor: offline, the default. It reads pasted menus with the
//! grammar in [`crate::catalog::grammar`]; photos need the OCR or Claude extractor.

use async_trait::async_trait;

use crate::catalog::grammar;
use crate::error::{Error, Result};
use crate::ports::{Candidates, CatalogExtractor, MenuInput};

/// Largest pasted menu we read (1 MiB): a menu is a page, not a book.
pub const MAX_TEXT_BYTES: usize = 1 << 20;

#[derive(Debug, Clone, Default)]
pub struct TextExtractor;

impl TextExtractor {
    pub fn new() -> Self {
        Self
    }
}

#[async_trait]
impl CatalogExtractor for TextExtractor {
    fn backend_name(&self) -> &'static str {
        "text"
    }

    async fn extract(&self, menu: &MenuInput) -> Result<Candidates> {
        let Some(text) = menu.text.as_deref() else {
            return Err(Error::field(
                "image",
                "the local text extractor reads pasted text; reading a photo needs the OCR or Claude extractor",
            ));
        };
        if text.len() > MAX_TEXT_BYTES {
            return Err(Error::field(
                "text",
                format!(
                    "is {} bytes; a menu may be at most {MAX_TEXT_BYTES} bytes",
                    text.len()
                ),
            ));
        }
        Ok(Candidates {
            rows: grammar::parse_menu(text),
            relations: vec![],
        })
    }
}
