//! Backends of the ports. The fakes, the embedded default (SQLite + realm files)
//! and the local text extractor are always built; server backends come behind features.

#[cfg(feature = "anthropic")]
pub mod anthropic;
#[cfg(feature = "keycloak")]
pub mod keycloak;
pub mod memory;
#[cfg(feature = "ocr")]
pub mod ocr;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod realm_files;
pub mod sqlite;
pub mod text;
#[cfg(any(feature = "ocr", feature = "anthropic"))]
pub mod upload;
