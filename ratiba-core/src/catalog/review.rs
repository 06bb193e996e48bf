//! From what an extractor read to what the owner reviews: the colour policy and
//! the cross-sell rules applied to candidates, whatever extractor produced them.

use super::{cross_sell, policy, Extraction};
use crate::ports::Candidates;

pub fn review(candidates: &Candidates, floor_kes: u32) -> Extraction {
    let rows: Vec<_> = candidates
        .rows
        .iter()
        .map(|c| policy::classify_with(c, floor_kes, c.from_ocr, c.ocr_confident))
        .collect();
    let mut relations = candidates.relations.clone();
    for rel in cross_sell::suggest_relations(&rows) {
        if !relations
            .iter()
            .any(|r| r.service == rel.service && r.related == rel.related)
        {
            relations.push(rel);
        }
    }
    Extraction { rows, relations }
}
