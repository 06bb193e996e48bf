//! Identifiers: the only names ever spliced into SQL text are tenant schema names,
//! built here from a validated [`Slug`], checked again and double-quoted. Every value
//! is a bound parameter.

use std::fmt;

use crate::error::{Error, Result};
use crate::tenant::Slug;

/// The prefix of every tenant schema.
pub const SCHEMA_PREFIX: &str = "tenant_";

/// PostgreSQL truncates identifiers past 63 bytes; we refuse them instead.
const MAX_IDENTIFIER: usize = 63;

/// A tenant schema name, validated: `tenant_` then the slug's `[a-z0-9_]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotedSchema {
    name: String,
}

impl QuotedSchema {
    /// The bare name (`tenant_spa_pilot`), for binding as a value.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The quoted identifier (`"tenant_spa_pilot"`), for SQL text.
    pub fn quoted(&self) -> String {
        quote_identifier(&self.name)
    }
}

impl fmt::Display for QuotedSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// The schema of a tenant.
pub fn schema_name(slug: &Slug) -> Result<QuotedSchema> {
    let name = format!("{SCHEMA_PREFIX}{slug}");
    check_identifier(&name)?;
    Ok(QuotedSchema { name })
}

/// The slug of a tenant schema name, or `None` for a schema that is not ours.
pub fn slug_of_schema(schema: &str) -> Option<Slug> {
    let slug = schema.strip_prefix(SCHEMA_PREFIX)?;
    Slug::parse(slug).ok()
}

/// Lowercase ASCII letters, digits and `_`, starting with a letter, at most 63 bytes.
fn check_identifier(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= MAX_IDENTIFIER
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::field(
            "slug",
            format!("'{name}' is not a valid schema name"),
        ))
    }
}

/// A role name: `[a-z_][a-z0-9_]*`, at most 63 bytes, returned as given.
pub(crate) fn check_role(role: &str) -> Result<String> {
    let ok = !role.is_empty()
        && role.len() <= MAX_IDENTIFIER
        && role.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && role
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(role.to_string())
    } else {
        Err(Error::field(
            "RATIBA_APP_ROLE",
            format!("'{role}' must be a lowercase role name (a-z, 0-9, _)"),
        ))
    }
}

/// `"name"`, with any `"` doubled (none survive [`check_identifier`], but quoting
/// stays correct on its own).
pub fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_checked_and_quoted() {
        let slug = Slug::parse("spa_pilot").expect("slug");
        let schema = schema_name(&slug).expect("schema");
        assert_eq!(schema.name(), "tenant_spa_pilot");
        assert_eq!(schema.quoted(), "\"tenant_spa_pilot\"");
        assert_eq!(quote_identifier("a\"b"), "\"a\"\"b\"");
        assert!(check_identifier("tenant_x; drop table tenants").is_err());
        assert!(check_identifier(&"a".repeat(64)).is_err());
        assert!(check_identifier(&"a".repeat(63)).is_ok());
        let longest = Slug::parse(&"s".repeat(56)).expect("56 is the limit");
        assert_eq!(schema_name(&longest).expect("fits").name().len(), 63);
        assert_eq!(
            slug_of_schema("tenant_spa"),
            Some(Slug::parse("spa").expect("slug"))
        );
        assert_eq!(slug_of_schema("tenant_Bad"), None);
        assert_eq!(slug_of_schema("public"), None);
        assert!(check_role("ratiba_app").is_ok());
        assert!(check_role("app; drop").is_err());
        assert!(check_role("App").is_err());
    }
}
