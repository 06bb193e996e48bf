//! Offline catalog import: a pasted (or OCR'd) menu of beauty services becomes
//! candidate rows, each with a confidence colour decided by a fixed policy, plus
//! suggested cross-sell relations.
//!
//! The module is pure: no I/O, no model. `extract_text` is the whole text path.

pub mod commit;
pub mod cross_sell;
pub mod grammar;
pub mod policy;
pub mod review;

pub use commit::{
    name_key, CatalogCommit, CatalogDraft, CommitReport, CommitReview, Service, ServiceRow,
};
pub use review::review;

pub use cross_sell::suggest_relations;
pub use grammar::{parse_menu, parse_menu_with, Candidate, DurationReading, PriceReading};
pub use policy::{classify, classify_all, classify_with};

/// Prices below this (in KES) are treated as not a real price (red row).
pub const DEFAULT_FLOOR_KES: u32 = 100;

/// How sure the importer is about one row. Decided by our code, never by a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Name and a single price are confident, price at or above the floor.
    Green,
    /// Name confident, price ambiguous (range, "from", several candidates, OCR shorthand...).
    Yellow,
    /// No price found, or a price below the floor. Never carries a price.
    Red,
}

/// One row proposed to the tenant for review.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
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

/// A suggested relation between two services (by name).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Relation {
    pub service: String,
    pub related: String,
    /// e.g. "cross_sell"
    pub relation_type: String,
}

impl Extraction {
    /// The documented wire shape of `ratiba catalog extract --json`:
    /// `{"rows":[{"name","price_kes","duration_minutes","category","confidence"}],
    ///   "relations":[{"service","related","relation_type"}]}`.
    pub fn contract_json(&self) -> serde_json::Value {
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|r| {
                serde_json::json!({"name": r.name, "price_kes": r.price_kes, "duration_minutes": r.duration_minutes,
                                   "category": r.category, "confidence": r.confidence})
            })
            .collect();
        serde_json::json!({"rows": rows, "relations": self.relations})
    }
}

/// Everything extracted from one menu.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Extraction {
    pub rows: Vec<ExtractedRow>,
    pub relations: Vec<Relation>,
}

/// The whole offline text path: grammar, then policy, then cross-sell.
pub fn extract_text(text: &str, floor_kes: u32) -> Extraction {
    let candidates = crate::ports::Candidates {
        rows: grammar::parse_menu(text),
        relations: vec![],
    };
    review(&candidates, floor_kes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_to_end_small_menu() {
        let menu = "BELLA SALON\n\nNAILS\nManicure ..... KES 800 (30 min)\nPedicure ..... KES 1,000 (45 min)\nNail art  Ksh 50\n\nHAIR\nHaircut 500/=\nBeard trim 200/=\nBraids 3,000 - 4,500\nCall 0712 345 678\n";
        let ex = extract_text(menu, DEFAULT_FLOOR_KES);
        let names: Vec<&str> = ex.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "Manicure",
                "Pedicure",
                "Nail art",
                "Haircut",
                "Beard trim",
                "Braids"
            ]
        );
        assert_eq!(ex.rows[0].confidence, Confidence::Green);
        assert_eq!(ex.rows[0].price_kes, Some(800));
        assert_eq!(ex.rows[0].category.as_deref(), Some("Nails"));
        assert_eq!(ex.rows[2].confidence, Confidence::Red);
        assert_eq!(ex.rows[2].price_kes, None);
        assert_eq!(ex.rows[5].confidence, Confidence::Yellow);
        assert_eq!(ex.rows[5].price_max_kes, Some(4500));
        assert!(ex
            .relations
            .iter()
            .any(|r| r.service == "Manicure" && r.related == "Pedicure"));
        assert!(ex
            .relations
            .iter()
            .any(|r| r.service == "Haircut" && r.related == "Beard trim"));
    }

    #[test]
    fn serde_shape() {
        let ex = extract_text("Haircut 500", DEFAULT_FLOOR_KES);
        let json = serde_json::to_value(&ex).unwrap_or_default();
        assert_eq!(json["rows"][0]["confidence"], "green");
        assert_eq!(json["rows"][0]["price_kes"], 500);
        assert!(json["rows"][0].get("price_max_kes").is_none());
    }
}
