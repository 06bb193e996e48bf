//! The wire types, documented in the OpenAPI document. Responses are the core's
//! types passed through these mirrors (`deny_unknown_fields`), so a field added in
//! ratiba-core and not here fails the tests instead of drifting from the document.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::problem::ApiError;

/// Converts a core value into its documented wire type.
pub fn wire<C: Serialize, W: DeserializeOwned + Serialize>(
    core: &C,
) -> Result<serde_json::Value, ApiError> {
    let value = serde_json::to_value(core).map_err(ApiError::internal)?;
    let typed: W = serde_json::from_value(value)
        .map_err(|e| ApiError::internal(format!("wire type drifted: {e}")))?;
    serde_json::to_value(typed).map_err(ApiError::internal)
}

/// The onboarding request, exactly as existing clients send it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"name":"Spa Pilot","slug":"spa_pilot","vertical":"spa","owner_phone":"+254712345678",
    "whatsapp_number":"+15555555555","locale":"en","timezone":"Africa/Nairobi","mpesa_enabled":true}))]
pub struct OnboardingRequest {
    pub name: String,
    /// A lowercase letter, then `[a-z0-9_]`, at most 56 bytes.
    pub slug: String,
    pub vertical: String,
    /// E.164, such as +254712345678.
    pub owner_phone: String,
    pub whatsapp_number: String,
    pub locale: String,
    /// An IANA name such as Africa/Nairobi.
    pub timezone: String,
    pub mpesa_enabled: bool,
    pub voice_number: Option<String>,
    pub card_enabled: Option<bool>,
    pub cash_enabled: Option<bool>,
    pub whatsapp_phone_number_id: Option<String>,
    /// Stored sealed; never returned.
    pub whatsapp_access_token: Option<String>,
    pub whatsapp_business_account_id: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminBody {
    pub phone_number: String,
    /// owner, admin or staff
    pub role: String,
    pub is_active: bool,
}

/// A tenant; never holds a credential.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TenantBody {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub vertical: String,
    /// trial, active or suspended
    pub status: String,
    pub locale: String,
    pub timezone: String,
    pub whatsapp_number: String,
    pub voice_number: Option<String>,
    pub mpesa_enabled: bool,
    /// RFC 3339, seconds, UTC.
    pub created_at: String,
    pub admins: Vec<AdminBody>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckBody {
    pub name: String,
    pub ok: bool,
    pub detail: String,
    /// Present and true for a warning: a failed warning does not fail the report.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub warning: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    pub slug: String,
    pub ok: bool,
    pub checks: Vec<CheckBody>,
}

/// A pasted menu.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MenuText {
    pub text: String,
    /// The tenant (else the `tenant` query parameter).
    pub tenant: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RowBody {
    pub name: String,
    /// Never set on a red row.
    pub price_kes: Option<u32>,
    pub duration_minutes: Option<u32>,
    pub category: Option<String>,
    /// green, yellow or red
    pub confidence: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_max_kes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_max_minutes: Option<u32>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelationBody {
    pub service: String,
    pub related: String,
    pub relation_type: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtractionBody {
    pub rows: Vec<RowBody>,
    pub relations: Vec<RelationBody>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitReportBody {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub relations: usize,
}

/// A stored draft: review it, then commit.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportBody {
    pub import_id: String,
    pub extraction: ExtractionBody,
    pub committed: Option<CommitReportBody>,
    /// Red rows: the owner must type a price before they can be committed.
    pub needs_price: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceRowBody {
    pub name: String,
    pub price_kes: u32,
    pub duration_minutes: Option<u32>,
    pub category: Option<String>,
}

/// A service as stored in the tenant's catalog.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceBody {
    pub id: String,
    pub name: String,
    pub price_kes: u32,
    pub duration_minutes: Option<u32>,
    pub category: Option<String>,
}

/// Reviewed rows to write.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitRequest {
    pub tenant: String,
    pub import_id: Option<String>,
    pub services: Vec<ServiceRowBody>,
    #[serde(default)]
    pub relations: Vec<RelationBody>,
    /// Names of services whose price the owner typed: a row that was red in the
    /// import's draft is refused without its name here.
    #[serde(default)]
    pub owner_typed: Vec<String>,
    /// Names of services whose price below the safety floor the owner confirmed.
    #[serde(default)]
    pub confirm_below_floor: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub status: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckBody>,
}

/// WhatsApp Cloud API credentials; the token is stored sealed and never returned.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WhatsAppRequest {
    pub whatsapp_phone_number_id: String,
    pub whatsapp_access_token: String,
    pub whatsapp_business_account_id: Option<String>,
}

/// Only whether credentials are configured; never the credentials.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WhatsAppStatus {
    pub slug: String,
    pub whatsapp_configured: bool,
}

/// One recurring weekly interval, in the tenant's time zone.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"weekday": "monday", "start": "09:00", "end": "17:00"}))]
pub struct IntervalBody {
    /// `monday` ... `sunday` (also `mon`, or Swahili `jumatatu` on input).
    pub weekday: String,
    /// `HH:MM`, 24 h.
    pub start: String,
    /// `HH:MM`, after `start` (`24:00` ends the day).
    pub end: String,
}

/// A staff member to create, or to replace one with.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Wanjiku", "phone": "+254712000111", "services": ["Manicure"],
    "schedule": [{"weekday": "monday", "start": "09:00", "end": "17:00"}]}))]
pub struct StaffRequest {
    pub name: String,
    /// E.164.
    #[serde(default)]
    pub phone: Option<String>,
    /// Services they perform, by name (ignoring case and spacing) or id; each must
    /// be in the tenant's catalog.
    #[serde(default)]
    pub services: Vec<String>,
    /// No inverted or overlapping intervals.
    #[serde(default)]
    pub schedule: Vec<IntervalBody>,
}

/// A staff member as stored.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffBody {
    pub id: String,
    pub name: String,
    pub phone: Option<String>,
    /// Service names, sorted.
    pub services: Vec<String>,
    /// Ordered by weekday, then start.
    pub schedule: Vec<IntervalBody>,
}

/// What the owner needs for their first dashboard sign-in. The password works
/// once: their realm asks them to choose their own.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerSignInBody {
    /// The tenant's realm (its slug): the owner types it on the sign-in page.
    pub realm: String,
    /// The owner's phone number without '+'.
    pub username: String,
    pub temporary_password: String,
}
