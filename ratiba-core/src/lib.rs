//! # ratiba-core
//!
//! Tenant onboarding for Ratiba, the WhatsApp booking assistant. One call to
//! [`Onboarder::onboard`] creates a tenant's registry rows, its own store and its
//! identity realm, all or nothing; [`Onboarder::reconcile`] cleans what a crash left.
//!
//! ```no_run
//! # async fn demo() -> ratiba_core::Result<()> {
//! use ratiba_core::{Onboarder, TenantSpec};
//! let onboarder = Onboarder::in_memory();
//! let spec = TenantSpec::from_json_str(r#"{"name":"Spa Pilot","slug":"spa_pilot","vertical":"spa",
//!   "owner_phone":"+254712345678","whatsapp_number":"+15555555555","locale":"en",
//!   "timezone":"Africa/Nairobi","mpesa_enabled":true}"#)?;
//! let tenant = onboarder.onboard(spec).await?;
//! assert_eq!(tenant.status.as_str(), "trial");
//! # Ok(()) }
//! ```

pub mod backends;
pub mod catalog;
pub mod error;
pub mod knowledge;
pub mod onboard;
pub mod ports;
pub mod secrets;
pub mod staff;
pub mod tenant;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use error::{Error, ErrorKind, FieldError, Result};
pub use onboard::{
    CatalogImport, Check, Onboarder, OnboarderSettings, OwnerSignIn, Ports, ReconcileItem,
    ReconcileReport, SagaReport, Step, VerifyReport,
};
pub use ports::{CatalogExtractor, Journal, MenuInput, RealmProvisioner, SchemaProvisioner};
pub use secrets::{Keyring, Sealer, Secret};
pub use tenant::{Slug, Tenant, TenantSpec};
