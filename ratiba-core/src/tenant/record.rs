use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Lifecycle of a tenant: every new tenant starts on `trial`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    Trial,
    Active,
    Suspended,
}

impl TenantStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TenantStatus::Trial => "trial",
            TenantStatus::Active => "active",
            TenantStatus::Suspended => "suspended",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "trial" => Some(TenantStatus::Trial),
            "active" => Some(TenantStatus::Active),
            "suspended" => Some(TenantStatus::Suspended),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdminRole {
    Owner,
    Admin,
    Staff,
}

impl AdminRole {
    pub const ALL: &'static [AdminRole] = &[AdminRole::Owner, AdminRole::Admin, AdminRole::Staff];

    pub fn as_str(self) -> &'static str {
        match self {
            AdminRole::Owner => "owner",
            AdminRole::Admin => "admin",
            AdminRole::Staff => "staff",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|r| r.as_str() == raw)
    }
}

impl fmt::Display for AdminRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantAdmin {
    pub phone_number: String,
    pub role: AdminRole,
    pub is_active: bool,
}

/// A tenant as every frontend returns it (CLI `--json`, HTTP, bindings).
/// The field order is the wire order. It never holds a credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub vertical: String,
    pub status: TenantStatus,
    pub locale: String,
    pub timezone: String,
    pub whatsapp_number: String,
    pub voice_number: Option<String>,
    pub mpesa_enabled: bool,
    #[serde(with = "rfc3339_seconds")]
    pub created_at: DateTime<Utc>,
    pub admins: Vec<TenantAdmin>,
}

impl Tenant {
    pub fn owner(&self) -> Option<&TenantAdmin> {
        self.admins.iter().find(|a| a.role == AdminRole::Owner)
    }
}

/// `2026-12-04T14:37:58Z`: the form the HTTP API documents.
mod rfc3339_seconds {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let raw = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&raw)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }
}
