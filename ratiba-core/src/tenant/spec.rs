use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use ulid::Ulid;

use super::phone::PhoneNumber;
use super::settings::{Locale, TimeZone, Vertical};
use super::slug::Slug;
use crate::error::{Error, FieldError, Result};
use crate::secrets::Secret;

/// How the tenant takes payment; routes the assistant's payment step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentFlags {
    pub mpesa_enabled: bool,
    pub card_enabled: bool,
    pub cash_enabled: bool,
}

/// The WhatsApp Cloud API credentials; stored sealed, never returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatsAppCredentials {
    pub phone_number_id: Option<String>,
    pub access_token: Option<Secret>,
    pub business_account_id: Option<String>,
}

impl WhatsAppCredentials {
    /// The body of `PUT .../whatsapp`: the access token and the phone number id are
    /// required, the business account id optional; every problem reported at once.
    pub fn parse(value: &Value) -> Result<Self> {
        let Some(map) = value.as_object() else {
            return Err(Error::field("body", "must be a JSON object"));
        };
        let mut errors = Vec::new();
        let mut fields = Fields {
            map,
            errors: &mut errors,
        };
        let phone_number_id = match fields.optional_str("whatsapp_phone_number_id") {
            Some(raw) => fields.digits("whatsapp_phone_number_id", raw),
            None => {
                fields.fail("whatsapp_phone_number_id", "is required");
                None
            }
        };
        let access_token = match fields.optional_str("whatsapp_access_token") {
            Some(raw) if raw.chars().any(char::is_whitespace) => {
                fields.fail("whatsapp_access_token", "must be a token without spaces");
                None
            }
            Some(raw) => Some(Secret::new(raw)),
            None => {
                fields.fail("whatsapp_access_token", "is required");
                None
            }
        };
        let business_account_id = fields
            .optional_str("whatsapp_business_account_id")
            .and_then(|raw| fields.digits("whatsapp_business_account_id", raw));
        const ALLOWED: [&str; 3] = [
            "whatsapp_phone_number_id",
            "whatsapp_access_token",
            "whatsapp_business_account_id",
        ];
        for key in map.keys() {
            if !ALLOWED.contains(&key.as_str()) {
                errors.push(FieldError::new(
                    key.clone(),
                    format!("is not a credential field; known: {}", ALLOWED.join(", ")),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(Error::validation(errors));
        }
        Ok(Self {
            phone_number_id,
            access_token,
            business_account_id,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.phone_number_id.is_none()
            && self.access_token.is_none()
            && self.business_account_id.is_none()
    }
}

/// A valid onboarding request. Build it with [`TenantSpec::parse`] (JSON) or
/// [`TenantSpec::from_json_str`]; every field problem is reported at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantSpec {
    pub name: String,
    pub slug: Slug,
    pub vertical: Vertical,
    pub owner_phone: PhoneNumber,
    pub whatsapp_number: PhoneNumber,
    pub voice_number: Option<PhoneNumber>,
    pub locale: Locale,
    pub timezone: TimeZone,
    pub payments: PaymentFlags,
    pub whatsapp: WhatsAppCredentials,
}

/// The fields of the request, in the order problems are reported.
const KNOWN_FIELDS: &[&str] = &[
    "name",
    "slug",
    "vertical",
    "owner_phone",
    "whatsapp_number",
    "voice_number",
    "locale",
    "timezone",
    "mpesa_enabled",
    "card_enabled",
    "cash_enabled",
    "whatsapp_phone_number_id",
    "whatsapp_access_token",
    "whatsapp_business_account_id",
];

const MAX_NAME_CHARS: usize = 120;

impl TenantSpec {
    pub fn from_json_str(text: &str) -> Result<Self> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            Error::field(
                "body",
                format!("is not valid JSON ({e}); expected an object with name, slug, vertical, owner_phone, whatsapp_number, locale, timezone, mpesa_enabled"),
            )
        })?;
        Self::parse(&value)
    }

    pub fn parse(value: &Value) -> Result<Self> {
        let Some(map) = value.as_object() else {
            return Err(Error::field("body", "must be a JSON object"));
        };
        let mut errors = Vec::new();
        let mut fields = Fields {
            map,
            errors: &mut errors,
        };

        let name = fields.required_str("name").and_then(|raw| {
            let name = raw.trim().to_string();
            if name.is_empty() {
                fields.fail("name", "must not be blank");
                None
            } else if name.chars().count() > MAX_NAME_CHARS {
                fields.fail(
                    "name",
                    format!("must be at most {MAX_NAME_CHARS} characters"),
                );
                None
            } else if name.chars().any(char::is_control) {
                fields.fail("name", "must not contain control characters");
                None
            } else {
                Some(name)
            }
        });
        let slug = fields
            .required_str("slug")
            .and_then(|raw| fields.check("slug", Slug::check(raw)));
        let vertical = fields
            .required_str("vertical")
            .and_then(|raw| fields.check("vertical", Vertical::parse(raw)));
        let owner_phone = fields
            .required_str("owner_phone")
            .and_then(|raw| fields.check("owner_phone", PhoneNumber::parse(raw)));
        let whatsapp_number = fields
            .required_str("whatsapp_number")
            .and_then(|raw| fields.check("whatsapp_number", PhoneNumber::parse(raw)));
        let voice_number = fields
            .optional_str("voice_number")
            .map(|raw| fields.check("voice_number", PhoneNumber::parse(raw)));
        let locale = fields
            .required_str("locale")
            .and_then(|raw| fields.check("locale", Locale::parse(raw)));
        let timezone = fields
            .required_str("timezone")
            .and_then(|raw| fields.check("timezone", TimeZone::parse(raw)));
        let mpesa_enabled = fields.required_bool("mpesa_enabled");
        let card_enabled = fields.optional_bool("card_enabled").unwrap_or(Some(false));
        let cash_enabled = fields.optional_bool("cash_enabled").unwrap_or(Some(true));
        let phone_number_id = fields
            .optional_str("whatsapp_phone_number_id")
            .map(|raw| fields.digits("whatsapp_phone_number_id", raw));
        let access_token = fields.optional_str("whatsapp_access_token").map(|raw| {
            if raw.trim().is_empty() || raw.chars().any(char::is_whitespace) {
                fields.fail(
                    "whatsapp_access_token",
                    "must be a non-empty token without spaces",
                );
                None
            } else {
                Some(Secret::new(raw))
            }
        });
        let business_account_id = fields
            .optional_str("whatsapp_business_account_id")
            .map(|raw| fields.digits("whatsapp_business_account_id", raw));

        for key in map.keys() {
            if !KNOWN_FIELDS.contains(&key.as_str()) {
                errors.push(FieldError::new(
                    key.clone(),
                    format!(
                        "is not a field of the onboarding request; known fields: {}",
                        KNOWN_FIELDS.join(", ")
                    ),
                ));
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| {
                KNOWN_FIELDS
                    .iter()
                    .position(|f| *f == e.field)
                    .unwrap_or(KNOWN_FIELDS.len())
            });
            return Err(Error::validation(errors));
        }
        let missing = || Error::backend("validation reported no problem but a field is missing");
        Ok(TenantSpec {
            name: name.ok_or_else(missing)?,
            slug: slug.ok_or_else(missing)?,
            vertical: vertical.ok_or_else(missing)?,
            owner_phone: owner_phone.ok_or_else(missing)?,
            whatsapp_number: whatsapp_number.ok_or_else(missing)?,
            voice_number: voice_number.flatten(),
            locale: locale.ok_or_else(missing)?,
            timezone: timezone.ok_or_else(missing)?,
            payments: PaymentFlags {
                mpesa_enabled: mpesa_enabled.ok_or_else(missing)?,
                card_enabled: card_enabled.unwrap_or(false),
                cash_enabled: cash_enabled.unwrap_or(true),
            },
            whatsapp: WhatsAppCredentials {
                phone_number_id: phone_number_id.flatten(),
                access_token: access_token.flatten(),
                business_account_id: business_account_id.flatten(),
            },
        })
    }
}

/// Reads fields of one request, collecting every problem instead of stopping at the first.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    errors: &'a mut Vec<FieldError>,
}

impl<'a> Fields<'a> {
    fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    fn check<T>(&mut self, field: &str, result: std::result::Result<T, String>) -> Option<T> {
        result.map_err(|m| self.fail(field, m)).ok()
    }

    fn required_str(&mut self, field: &str) -> Option<&'a str> {
        match self.map.get(field) {
            None | Some(Value::Null) => {
                self.fail(field, "is required");
                None
            }
            Some(Value::String(s)) => Some(s.as_str()),
            Some(other) => {
                self.fail(field, format!("must be a string, not {}", type_name(other)));
                None
            }
        }
    }

    fn optional_str(&mut self, field: &str) -> Option<&'a str> {
        match self.map.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(other) => {
                self.fail(field, format!("must be a string, not {}", type_name(other)));
                None
            }
        }
    }

    fn required_bool(&mut self, field: &str) -> Option<bool> {
        match self.optional_bool(field) {
            None => {
                self.fail(field, "is required (true or false)");
                None
            }
            Some(value) => value,
        }
    }

    /// `None`: absent; `Some(None)`: present but wrong.
    fn optional_bool(&mut self, field: &str) -> Option<Option<bool>> {
        match self.map.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(Some(*b)),
            Some(other) => {
                self.fail(
                    field,
                    format!("must be true or false, not {}", type_name(other)),
                );
                Some(None)
            }
        }
    }

    fn digits(&mut self, field: &str, raw: &str) -> Option<String> {
        let raw = raw.trim();
        if raw.len() <= 32 && raw.chars().all(|c| c.is_ascii_digit()) {
            Some(raw.to_string())
        } else {
            self.fail(field, "must be the numeric id Meta shows (digits only)");
            None
        }
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A spec accepted for onboarding: the tenant id (also the onboarding id, tagged on
/// the realm) and its creation time are fixed before any step runs.
#[derive(Debug, Clone)]
pub struct NewTenant {
    pub id: Ulid,
    pub created_at: DateTime<Utc>,
    pub spec: TenantSpec,
}

impl NewTenant {
    pub fn new(spec: TenantSpec) -> Self {
        // Stored with second precision so every backend returns the same instant.
        let now = Utc::now();
        let created_at = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
        Self {
            id: Ulid::new(),
            created_at,
            spec,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) fn seed() -> Value {
        json!({"name":"Spa Pilot","slug":"spa_pilot","vertical":"spa","owner_phone":"+254712345678",
               "whatsapp_number":"+15555555555","locale":"en","timezone":"Africa/Nairobi","mpesa_enabled":true})
    }

    #[test]
    fn the_seed_request_is_valid() {
        let spec = TenantSpec::parse(&seed()).expect("seed is valid");
        assert_eq!(spec.slug.as_str(), "spa_pilot");
        assert_eq!(spec.whatsapp_number.as_str(), "+15555555555");
        assert!(spec.payments.mpesa_enabled);
        assert!(spec.voice_number.is_none());
        assert!(spec.whatsapp.is_empty());
    }

    #[test]
    fn every_problem_is_reported_together() {
        let bad = json!({"name":"  ","slug":"Spa-Pilot","vertical":"bakery","owner_phone":"0712345678",
                         "whatsapp_number":12,"locale":"en_KE","timezone":"EAT","mpesa_enabled":"yes","colour":"red"});
        let err = TenantSpec::parse(&bad).expect_err("invalid");
        let fields: Vec<&str> = err
            .field_errors()
            .iter()
            .map(|e| e.field.as_str())
            .collect();
        assert_eq!(
            fields,
            [
                "name",
                "slug",
                "vertical",
                "owner_phone",
                "whatsapp_number",
                "locale",
                "timezone",
                "mpesa_enabled",
                "colour"
            ]
        );
        let text = err.to_string();
        assert!(text.contains("+254712345678"), "{text}");
        assert!(text.contains("Africa/Nairobi"), "{text}");
        assert!(text.contains("en-KE"), "{text}");
    }

    #[test]
    fn missing_fields_are_named() {
        let err = TenantSpec::parse(&json!({})).expect_err("empty");
        assert_eq!(err.field_errors().len(), 8);
        assert!(err
            .field_errors()
            .iter()
            .all(|e| e.message.starts_with("is required")));
        assert!(TenantSpec::parse(&json!([])).is_err());
        assert!(TenantSpec::from_json_str("{").is_err());
    }

    #[test]
    fn optional_fields_and_credentials() {
        let mut v = seed();
        v["voice_number"] = json!("+254112345678");
        v["whatsapp_access_token"] = json!("EAAG123");
        v["whatsapp_phone_number_id"] = json!("1234567890");
        v["whatsapp_business_account_id"] = json!("abc");
        let err = TenantSpec::parse(&v).expect_err("bad account id");
        assert_eq!(err.field_errors()[0].field, "whatsapp_business_account_id");
        v["whatsapp_business_account_id"] = json!("987654321");
        let spec = TenantSpec::parse(&v).expect("valid");
        assert_eq!(
            spec.voice_number.map(|p| p.to_string()).as_deref(),
            Some("+254112345678")
        );
        assert!(!format!("{:?}", spec.whatsapp).contains("EAAG123"));
    }
}
