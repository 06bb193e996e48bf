//! Conformance suites, one per port: the same functions run against every backend
//! (the fakes, the embedded default, and each server backend in its own tests).
//! Each function panics with a message naming the broken rule, like a test.
//!
//! Enable with the `testing` feature. A backend passes when every `run_all` passes
//! on a fresh instance.

pub mod catalog;
pub mod idempotency;
pub mod journal;
pub mod realm;
pub mod schema;

use serde_json::json;

use crate::tenant::{NewTenant, TenantSpec};

/// A valid tenant with this slug, like the seed request.
pub fn new_tenant(slug: &str) -> NewTenant {
    NewTenant::new(spec(slug))
}

pub fn spec(slug: &str) -> TenantSpec {
    match TenantSpec::parse(&seed_request(slug)) {
        Ok(spec) => spec,
        Err(e) => panic!("test slug {slug:?} is not valid: {e}"),
    }
}

/// The onboarding request existing clients send, with another slug.
pub fn seed_request(slug: &str) -> serde_json::Value {
    json!({"name": "Spa Pilot", "slug": slug, "vertical": "spa", "owner_phone": "+254712345678",
           "whatsapp_number": "+15555555555", "locale": "en", "timezone": "Africa/Nairobi",
           "mpesa_enabled": true})
}
