//! The tenant domain: validated input ([`TenantSpec`]) and the stored record ([`Tenant`]).
//! Parsing is validation: a value of these types is always valid.

mod phone;
mod record;
mod settings;
mod slug;
mod spec;

pub use phone::PhoneNumber;
pub use record::{AdminRole, Tenant, TenantAdmin, TenantStatus};
pub use settings::{Locale, TimeZone, Vertical};
pub use slug::Slug;
pub use spec::{NewTenant, PaymentFlags, TenantSpec, WhatsAppCredentials};

/// Every table a tenant store must hold, checked by `verify`. Both embedded and
/// PostgreSQL stores carry the business tables; the checkpoint tables are those of
/// the LangGraph saver for that database.
pub const BUSINESS_TABLES: &[&str] = &[
    "services",
    "staff",
    "staff_services",
    "staff_schedules",
    "appointments",
    "payments",
    "customers",
    "customer_identities",
    "customer_sessions",
    "service_relations",
    "knowledge_snippets",
    "catalog_imports",
    "checkpoints_archive",
];
