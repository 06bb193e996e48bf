//! The rules of committing a reviewed catalog: what may be written, and how a
//! reviewed extraction becomes rows. Pure code; backends only execute the result.

use serde::{Deserialize, Serialize};

use super::{Confidence, Extraction, Relation};
use crate::error::{Error, FieldError, Result};

/// An extraction kept for review (`catalog_imports`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogDraft {
    /// `text`, `image` or `text+image`.
    pub source: String,
    pub floor_kes: u32,
    pub extraction: Extraction,
}

/// One service as it will be written. A committed service always has a price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRow {
    pub name: String,
    pub price_kes: u32,
    pub duration_minutes: Option<u32>,
    pub category: Option<String>,
}

/// A service as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub price_kes: u32,
    pub duration_minutes: Option<u32>,
    pub category: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CatalogCommit {
    pub import_id: Option<String>,
    pub services: Vec<ServiceRow>,
    pub relations: Vec<Relation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CommitReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub relations: usize,
}

/// Two names are the same service when they match ignoring case and spacing.
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// What the owner said while reviewing, beyond the rows themselves.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CommitReview {
    /// Services whose price the owner typed (by name). A row that was red in the
    /// draft may only be committed with its name here.
    #[serde(default)]
    pub owner_typed: Vec<String>,
    /// Services whose price below the safety floor the owner confirmed (by name).
    #[serde(default)]
    pub confirm_below_floor: Vec<String>,
}

impl CommitReview {
    fn typed(&self, name: &str) -> bool {
        self.owner_typed
            .iter()
            .any(|n| name_key(n) == name_key(name))
    }

    fn confirmed_low(&self, name: &str) -> bool {
        self.confirm_below_floor
            .iter()
            .any(|n| name_key(n) == name_key(name))
    }
}

const MAX_NAME_CHARS: usize = 120;
const MAX_DURATION_MINUTES: u32 = 24 * 60;

impl CatalogCommit {
    /// The rows of an extraction that carry a price (green and yellow), and the names
    /// of the red ones, which wait for an owner-typed price.
    pub fn from_extraction(extraction: &Extraction) -> (Self, Vec<String>) {
        let mut services = Vec::new();
        let mut needs_price = Vec::new();
        for row in &extraction.rows {
            match (row.confidence, row.price_kes) {
                (Confidence::Green | Confidence::Yellow, Some(price)) => {
                    services.push(ServiceRow {
                        name: row.name.clone(),
                        price_kes: price,
                        duration_minutes: row.duration_minutes,
                        category: row.category.clone(),
                    })
                }
                _ => needs_price.push(row.name.clone()),
            }
        }
        let kept: std::collections::HashSet<String> =
            services.iter().map(|s| name_key(&s.name)).collect();
        let relations = extraction
            .relations
            .iter()
            .filter(|r| {
                kept.contains(&name_key(&r.service)) && kept.contains(&name_key(&r.related))
            })
            .cloned()
            .collect();
        (
            Self {
                import_id: None,
                services,
                relations,
            },
            needs_price,
        )
    }

    /// Every problem of the commit at once, each naming its row; a price below the
    /// floor is refused (see [`Self::validate_reviewed`] for confirmations).
    pub fn validate(&self, floor_kes: u32) -> Result<()> {
        self.validate_reviewed(floor_kes, None, &CommitReview::default())
    }

    /// [`Self::validate`] with the review's rules: a row that was red in `draft`
    /// needs an owner-typed price ([`CommitReview::owner_typed`]); a price below
    /// the floor needs an explicit confirmation ([`CommitReview::confirm_below_floor`]).
    pub fn validate_reviewed(
        &self,
        floor_kes: u32,
        draft: Option<&CatalogDraft>,
        review: &CommitReview,
    ) -> Result<()> {
        let mut errors = Vec::new();
        if let Some(draft) = draft {
            for (i, row) in self.services.iter().enumerate() {
                let was_red = draft.extraction.rows.iter().any(|r| {
                    r.confidence == Confidence::Red && name_key(&r.name) == name_key(&row.name)
                });
                if was_red && !review.typed(&row.name) {
                    errors.push(FieldError::new(
                        format!("services[{i}].price_kes"),
                        format!(
                            "'{}' was red (no usable price was read): its price must be typed by the owner (owner_typed)",
                            row.name.trim()
                        ),
                    ));
                }
            }
        }
        let mut seen = std::collections::HashMap::new();
        for (i, row) in self.services.iter().enumerate() {
            let name = row.name.trim();
            if name.is_empty() {
                errors.push(FieldError::new(
                    format!("services[{i}].name"),
                    "must not be blank",
                ));
            } else if name.chars().count() > MAX_NAME_CHARS {
                errors.push(FieldError::new(
                    format!("services[{i}].name"),
                    format!("must be at most {MAX_NAME_CHARS} characters"),
                ));
            } else if let Some(first) = seen.insert(name_key(name), i) {
                errors.push(FieldError::new(
                    format!("services[{i}].name"),
                    format!("'{name}' appears twice (also services[{first}])"),
                ));
            }
            if row.price_kes < floor_kes && !review.confirmed_low(name) {
                errors.push(FieldError::new(
                    format!("services[{i}].price_kes"),
                    format!(
                        "KES {} is below the safety floor of KES {floor_kes}: confirm it explicitly (confirm_below_floor) if it is right",
                        row.price_kes
                    ),
                ));
            }
            if let Some(d) = row.duration_minutes {
                if d == 0 || d > MAX_DURATION_MINUTES {
                    errors.push(FieldError::new(
                        format!("services[{i}].duration_minutes"),
                        format!("must be between 1 and {MAX_DURATION_MINUTES} minutes"),
                    ));
                }
            }
        }
        for (i, rel) in self.relations.iter().enumerate() {
            for (field, name) in [("service", &rel.service), ("related", &rel.related)] {
                if !seen.contains_key(&name_key(name)) {
                    errors.push(FieldError::new(
                        format!("relations[{i}].{field}"),
                        format!("'{name}' is not one of the services being committed"),
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::validation(errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ExtractedRow;

    fn row(name: &str, price: Option<u32>, confidence: Confidence) -> ExtractedRow {
        ExtractedRow {
            name: name.into(),
            price_kes: price,
            duration_minutes: Some(30),
            category: None,
            confidence,
            reasons: vec![],
            price_max_kes: None,
            duration_max_minutes: None,
        }
    }

    #[test]
    fn red_rows_wait_for_a_price() {
        let extraction = Extraction {
            rows: vec![
                row("Haircut", Some(1500), Confidence::Green),
                row("Braids", Some(3500), Confidence::Yellow),
                row("Consultation", None, Confidence::Red),
            ],
            relations: vec![Relation {
                service: "Haircut".into(),
                related: "Consultation".into(),
                relation_type: "cross_sell".into(),
            }],
        };
        let (commit, needs_price) = CatalogCommit::from_extraction(&extraction);
        assert_eq!(commit.services.len(), 2);
        assert_eq!(needs_price, ["Consultation"]);
        assert!(
            commit.relations.is_empty(),
            "a relation to a skipped row is dropped"
        );
        commit.validate(100).expect("valid");
    }

    #[test]
    fn red_rows_need_an_owner_typed_price_and_low_prices_a_confirmation() {
        let draft = CatalogDraft {
            source: "text".into(),
            floor_kes: 100,
            extraction: Extraction {
                rows: vec![
                    row("Haircut", Some(1500), Confidence::Green),
                    row("Nail art", None, Confidence::Red),
                ],
                relations: vec![],
            },
        };
        let service = |name: &str, price| ServiceRow {
            name: name.into(),
            price_kes: price,
            duration_minutes: None,
            category: None,
        };
        let commit = CatalogCommit {
            import_id: None,
            services: vec![service("Haircut", 1500), service("nail  art", 300)],
            relations: vec![],
        };
        let err = commit
            .validate_reviewed(100, Some(&draft), &CommitReview::default())
            .expect_err("red row without a typed price");
        assert_eq!(err.field_errors()[0].field, "services[1].price_kes");
        assert!(err.field_errors()[0].message.contains("typed by the owner"));
        let typed = CommitReview {
            owner_typed: vec!["Nail art".into()],
            ..CommitReview::default()
        };
        commit
            .validate_reviewed(100, Some(&draft), &typed)
            .expect("typed price");

        let low = CatalogCommit {
            services: vec![service("Haircut", 1500), service("Nail art", 50)],
            ..commit.clone()
        };
        let err = low
            .validate_reviewed(100, Some(&draft), &typed)
            .expect_err("below the floor");
        assert!(err.field_errors()[0]
            .message
            .contains("confirm_below_floor"));
        let confirmed = CommitReview {
            confirm_below_floor: vec!["NAIL ART".into()],
            ..typed
        };
        low.validate_reviewed(100, Some(&draft), &confirmed)
            .expect("confirmed");
    }

    #[test]
    fn validation_names_rows() {
        let commit = CatalogCommit {
            import_id: None,
            services: vec![
                ServiceRow {
                    name: "Haircut".into(),
                    price_kes: 50,
                    duration_minutes: Some(0),
                    category: None,
                },
                ServiceRow {
                    name: " haircut ".into(),
                    price_kes: 500,
                    duration_minutes: None,
                    category: None,
                },
            ],
            relations: vec![Relation {
                service: "Haircut".into(),
                related: "Nope".into(),
                relation_type: "cross_sell".into(),
            }],
        };
        let err = commit.validate(100).expect_err("invalid");
        let fields: Vec<&str> = err
            .field_errors()
            .iter()
            .map(|e| e.field.as_str())
            .collect();
        assert_eq!(
            fields,
            [
                "services[0].price_kes",
                "services[0].duration_minutes",
                "services[1].name",
                "relations[0].related"
            ]
        );
    }
}
