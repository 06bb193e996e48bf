use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A tenant's slug: the key of its registry row, its store (`tenant_<slug>`) and its realm.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

/// `tenant_` + 56 bytes = 63, PostgreSQL's identifier limit.
pub const MAX_SLUG_LEN: usize = 56;

/// Names taken by PostgreSQL, Keycloak (realm names that collide with its own
/// paths or the admin realm) or by us.
const RESERVED: &[&str] = &[
    "public",
    "master",
    "admin",
    "information_schema",
    "account",
    "realms",
    "resources",
    "js",
    "robots",
    "health",
    "metrics",
    "template0",
    "template1",
    "postgres",
];

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, Error> {
        Self::check(raw).map_err(|message| Error::field("slug", message))
    }

    /// The rule a slug breaks, as one sentence, or `Ok`.
    pub(crate) fn check(raw: &str) -> Result<Self, String> {
        if raw.is_empty() {
            return Err(
                "is required: a lowercase letter, then lowercase letters, digits or '_'".into(),
            );
        }
        let suggest = || match suggest(raw) {
            Some(s) if s != raw => format!(" (try '{s}')"),
            _ => String::new(),
        };
        let first = raw.chars().next().unwrap_or('a');
        if !first.is_ascii_lowercase() {
            let why = if first.is_ascii_digit() {
                "must start with a lowercase letter, not a digit, because it names a database schema"
            } else if first.is_ascii_uppercase() {
                "must be lowercase, because it names a database schema and a realm"
            } else {
                "must start with a lowercase letter (a-z)"
            };
            return Err(format!("{why}{}", suggest()));
        }
        if let Some(bad) = raw
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
        {
            let why = match bad {
                '-' => "may not contain '-': use '_' instead, because hyphens need quoting in SQL identifiers".to_string(),
                c if c.is_ascii_uppercase() => {
                    "must be lowercase, because it names a database schema and a realm".to_string()
                }
                c => format!("may contain only lowercase letters, digits and '_', not {c:?}"),
            };
            return Err(format!("{why}{}", suggest()));
        }
        if raw.len() > MAX_SLUG_LEN {
            return Err(format!(
                "must be at most {MAX_SLUG_LEN} characters, so that the schema name tenant_<slug> fits PostgreSQL's 63-byte limit (it has {}){}",
                raw.len(),
                suggest()
            ));
        }
        if RESERVED.contains(&raw) || raw.starts_with("pg_") {
            return Err(format!(
                "'{raw}' is reserved (by PostgreSQL, Keycloak or Ratiba); choose another slug"
            ));
        }
        Ok(Slug(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The PostgreSQL schema that holds this tenant's tables.
    pub fn schema_name(&self) -> String {
        format!("tenant_{}", self.0)
    }
}

/// A valid slug close to what was typed: lowercase, other characters become '_',
/// a leading digit gets a `t_` prefix.
pub fn suggest(raw: &str) -> Option<String> {
    let mut out = String::new();
    for c in raw.trim().chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let mut out = out.trim_end_matches('_').to_string();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "t_");
    }
    out.truncate(MAX_SLUG_LEN);
    let out = out.trim_end_matches('_').to_string();
    (!out.is_empty() && Slug::check_plain(&out)).then_some(out)
}

impl Slug {
    fn check_plain(s: &str) -> bool {
        s.starts_with(|c: char| c.is_ascii_lowercase())
            && !RESERVED.contains(&s)
            && !s.starts_with("pg_")
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Slug {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Slug::check(&raw).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<&str> for Slug {
    type Error = Error;
    fn try_from(raw: &str) -> Result<Self, Error> {
        Slug::parse(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_slugs() {
        for ok in [
            "spa_pilot",
            "a",
            "kinyozi2",
            "nail_bar_westlands",
            &"a".repeat(56),
        ] {
            assert!(Slug::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_with_reason_and_suggestion() {
        let cases = [
            ("spa-pilot", "'-'", Some("spa_pilot")),
            ("SpaPilot", "lowercase", Some("spapilot")),
            ("1spa", "not a digit", Some("t_1spa")),
            ("_spa", "lowercase letter", Some("spa")),
            ("spa pilot", "only lowercase", Some("spa_pilot")),
            ("", "required", None),
            ("public", "reserved", None),
            ("master", "reserved", None),
            ("admin", "reserved", None),
            ("information_schema", "reserved", None),
            ("pg_catalog", "reserved", None),
            ("spa.pilot", "only lowercase", Some("spa_pilot")),
        ];
        for (raw, why, suggestion) in cases {
            let err = Slug::check(raw).expect_err(raw);
            assert!(err.contains(why), "{raw}: {err}");
            if let Some(s) = suggestion {
                assert!(err.contains(&format!("try '{s}'")), "{raw}: {err}");
            }
        }
        let long = "a".repeat(57);
        let err = Slug::check(&long).expect_err("too long");
        assert!(err.contains("at most 56"), "{err}");
        assert!(Slug::check("spa_é").is_err());
    }

    #[test]
    fn schema_name_fits_postgres() {
        let slug = Slug::parse(&"a".repeat(56)).expect("valid");
        assert_eq!(slug.schema_name().len(), 63);
    }
}
