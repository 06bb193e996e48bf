//! The ports the [`Onboarder`](crate::Onboarder) drives. Each is a small async,
//! object-safe trait held as `Arc<dyn Port>`; every backend of a port passes the
//! same conformance suite in [`crate::testing`].

pub mod catalog;
pub mod idempotency;
pub mod journal;
pub mod realm;
pub mod schema;

pub use catalog::{Candidates, CatalogExtractor, MenuInput};
pub use idempotency::{IdempotencyClaim, IdempotencyStore, StoredResponse};
pub use journal::{Journal, JournalEntry, JournalState, Leftover};
pub use realm::{
    RealmDeletion, RealmInfo, RealmProvisioner, RealmRequest, RealmSettings, RealmUser,
};
pub use schema::{PendingTenant, SchemaProvisioner, StoreCheck, StoreInspection};
