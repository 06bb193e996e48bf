//! Knowledge snippets: what the booking assistant may tell customers beyond the
//! catalog (parking, payment, aftercare), per topic and optionally per locale.

use serde::{Deserialize, Serialize};

use crate::error::{Error, FieldError, Result};
use crate::tenant::Locale;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeSnippet {
    pub topic: String,
    pub content: String,
    /// A BCP 47 tag (`en`, `sw`); `None` for every language.
    #[serde(default)]
    pub locale: Option<String>,
}

/// What `put_knowledge` did. A snippet with the topic and locale of a stored one
/// replaces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct KnowledgeReport {
    pub created: usize,
    pub updated: usize,
}

const MAX_TOPIC_CHARS: usize = 120;
const MAX_CONTENT_CHARS: usize = 10_000;

/// Every problem of a batch at once, each naming `{prefix}[i].field`; the locales
/// come back in canonical form.
pub fn validate(snippets: &[KnowledgeSnippet], prefix: &str) -> Result<Vec<KnowledgeSnippet>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (i, s) in snippets.iter().enumerate() {
        let topic = s.topic.trim();
        if topic.is_empty() || topic.chars().count() > MAX_TOPIC_CHARS {
            errors.push(FieldError::new(
                format!("{prefix}[{i}].topic"),
                format!("must be 1 to {MAX_TOPIC_CHARS} characters"),
            ));
        }
        if s.content.trim().is_empty() || s.content.chars().count() > MAX_CONTENT_CHARS {
            errors.push(FieldError::new(
                format!("{prefix}[{i}].content"),
                format!("must be 1 to {MAX_CONTENT_CHARS} characters"),
            ));
        }
        let locale = match s.locale.as_deref() {
            None => None,
            Some(raw) => match Locale::parse(raw) {
                Ok(l) => Some(l.to_string()),
                Err(m) => {
                    errors.push(FieldError::new(format!("{prefix}[{i}].locale"), m));
                    None
                }
            },
        };
        let key = (topic.to_lowercase(), locale.clone());
        if let Some(first) = seen.insert(key, i) {
            errors.push(FieldError::new(
                format!("{prefix}[{i}].topic"),
                format!("'{topic}' appears twice for this locale (also {prefix}[{first}])"),
            ));
        }
        out.push(KnowledgeSnippet {
            topic: topic.to_string(),
            content: s.content.trim().to_string(),
            locale,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Error::validation(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(topic: &str, content: &str, locale: Option<&str>) -> KnowledgeSnippet {
        KnowledgeSnippet {
            topic: topic.into(),
            content: content.into(),
            locale: locale.map(str::to_string),
        }
    }

    #[test]
    fn rules() {
        let ok = validate(
            &[s(
                " Parking ",
                "Free parking behind the building",
                Some("en-ke"),
            )],
            "knowledge",
        )
        .expect("valid");
        assert_eq!(ok[0].topic, "Parking");
        assert_eq!(ok[0].locale.as_deref(), Some("en-KE"));
        let err = validate(
            &[
                s("", "x", None),
                s("Parking", "", Some("en_KE")),
                s("M-Pesa", "Till 123", None),
                s("m-pesa", "again", None),
            ],
            "knowledge",
        )
        .expect_err("invalid");
        let fields: Vec<&str> = err
            .field_errors()
            .iter()
            .map(|e| e.field.as_str())
            .collect();
        assert_eq!(
            fields,
            [
                "knowledge[0].topic",
                "knowledge[1].content",
                "knowledge[1].locale",
                "knowledge[3].topic"
            ]
        );
    }
}
