//! TEMPORARY STUB — replaced by the real grammar.
pub mod commit;
pub mod review;
pub use commit::{name_key, CatalogCommit, CatalogDraft, CommitReport, Service, ServiceRow};
pub use review::review;
use serde::{Deserialize, Serialize};
pub const DEFAULT_FLOOR_KES: u32 = 100;
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Green,
    Yellow,
    Red,
}
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractedRow {
    pub name: String,
    pub price_kes: Option<u32>,
    pub duration_minutes: Option<u32>,
    pub category: Option<String>,
    pub confidence: Confidence,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_max_kes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_max_minutes: Option<u32>,
}
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    pub service: String,
    pub related: String,
    pub relation_type: String,
}
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Extraction {
    pub rows: Vec<ExtractedRow>,
    pub relations: Vec<Relation>,
}
#[derive(Debug, Clone)]
pub struct Candidate {
    pub name: String,
    pub price: Option<u32>,
    pub from_ocr: bool,
}
pub mod grammar {
    pub fn parse(text: &str) -> Vec<super::Candidate> {
        text.lines()
            .filter_map(|l| {
                let (n, p) = l.rsplit_once(' ')?;
                Some(super::Candidate {
                    name: n.trim().into(),
                    price: p.parse().ok(),
                    from_ocr: false,
                })
            })
            .collect()
    }
}
pub mod policy {
    use super::*;
    pub fn decide(c: &Candidate, floor: u32) -> ExtractedRow {
        let ok = c.price.filter(|p| *p >= floor);
        ExtractedRow {
            name: c.name.clone(),
            price_kes: ok,
            duration_minutes: None,
            category: None,
            confidence: if ok.is_some() {
                Confidence::Green
            } else {
                Confidence::Red
            },
            reasons: vec![],
            price_max_kes: None,
            duration_max_minutes: None,
        }
    }
}
pub mod cross_sell {
    pub fn suggest(_rows: &[super::ExtractedRow]) -> Vec<super::Relation> {
        vec![]
    }
}
