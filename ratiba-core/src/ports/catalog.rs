//! `CatalogExtractor`: turns a menu (pasted text, a photo, or both) into candidate
//! rows. Extractors only read; the colours are decided by [`crate::catalog::review`].

use async_trait::async_trait;

use crate::catalog::{Candidate, Relation};
use crate::error::{Error, Result};

/// One menu to read. At least one of the two is set.
#[derive(Debug, Clone, Default)]
pub struct MenuInput {
    pub text: Option<String>,
    pub image: Option<Vec<u8>>,
}

/// Kinds of image an upload may be, told by magic bytes (never the declared type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Gif,
    Webp,
}

impl ImageKind {
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [0xFF, 0xD8, 0xFF, ..] => Some(ImageKind::Jpeg),
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(ImageKind::Png),
            [b'G', b'I', b'F', b'8', ..] => Some(ImageKind::Gif),
            [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => {
                Some(ImageKind::Webp)
            }
            _ => None,
        }
    }
}

/// Largest upload we read (10 MiB), text or image.
pub const MAX_MENU_BYTES: usize = 10 << 20;

impl MenuInput {
    /// A menu from a file's bytes: an image when its magic bytes say so, else UTF-8 text.
    pub fn from_bytes(field: &str, bytes: Vec<u8>) -> Result<Self> {
        if bytes.len() > MAX_MENU_BYTES {
            return Err(Error::field(
                field,
                format!(
                    "is {} bytes; a menu may be at most {MAX_MENU_BYTES} bytes",
                    bytes.len()
                ),
            ));
        }
        if ImageKind::sniff(&bytes).is_some() {
            return Ok(Self {
                text: None,
                image: Some(bytes),
            });
        }
        match String::from_utf8(bytes) {
            Ok(text) if text.trim().is_empty() => Err(Error::field(
                field,
                "is empty: give the menu's text or a photo of it",
            )),
            Ok(text) => Ok(Self::text(text)),
            Err(_) => Err(Error::field(
                field,
                "is neither UTF-8 text nor a JPEG, PNG, GIF or WebP image",
            )),
        }
    }

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
