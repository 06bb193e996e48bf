//! In-memory fakes of every port, public so that users' harnesses (and the Python
//! and Node bindings) can run whole onboardings without a server, plus fault
//! injection decorators that wrap any backend.

mod extractor;
mod faults;
mod idempotency;
mod journal;
mod realm;
mod schema;

pub use extractor::StaticExtractor;
pub use faults::{
    FaultKind, FaultPoint, Faults, FaultyExtractor, FaultyJournal, FaultyRealm, FaultySchema,
};
pub use idempotency::MemoryIdempotency;
pub use journal::MemoryJournal;
pub use realm::MemoryRealms;
pub use schema::MemorySchema;

/// A poisoned lock only means another test thread panicked; the data is still usable.
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
