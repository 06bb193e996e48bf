//! Backends of the ports. The fakes, the embedded default (SQLite + realm files)
//! and the local text extractor are always built; server backends come behind features.

#[cfg(feature = "keycloak")]
pub mod keycloak;
pub mod memory;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod realm_files;
pub mod sqlite;
pub mod text;
