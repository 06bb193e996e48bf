//! The colour policy: a candidate and a price floor give a row with a
//! confidence colour. Decided by fixed rules, never by a model.
//!
//! - green: confident name and one confident price at or above the floor;
//! - yellow: confident name, ambiguous price (range, "from", several
//!   candidates, shorthand read by OCR, any OCR reading not marked confident,
//!   an unclear name with a price, an unusually high price). Yellow rows carry
//!   the lowest price (and `price_max_kes` for ranges and candidates);
//! - red: no price, or a price below the floor. Red rows never carry a price.

use super::grammar::{Candidate, PriceReading};
use super::{Confidence, ExtractedRow};

/// Prices above this are kept but never green (likely a misread or a phone/till fragment).
pub const PRICE_CEILING_KES: u32 = 300_000;

/// Decide the colour of one candidate.
///
/// `from_ocr` marks the reading as OCR-derived (as does `candidate.from_ocr`);
/// an OCR reading is at most yellow unless `ocr_confident` says the OCR engine
/// was sure of it. The text path passes `false` for both: see [`classify`].
pub fn classify_with(
    candidate: &Candidate,
    floor_kes: u32,
    from_ocr: bool,
    ocr_confident: bool,
) -> ExtractedRow {
    let ocr = from_ocr || candidate.from_ocr;
    let mut reasons: Vec<String> = Vec::new();
    let name_ok = name_is_confident(&candidate.name);
    let floor_reason = format!("price below the floor of KES {floor_kes}");

    let (mut confidence, price, price_max) = match &candidate.price {
        PriceReading::Missing => {
            reasons.push("no price found".to_string());
            (Confidence::Red, None, None)
        }
        PriceReading::Free => {
            reasons.push("price is free".to_string());
            reasons.push(floor_reason.clone());
            (Confidence::Red, None, None)
        }
        PriceReading::Single(v) | PriceReading::Shorthand(v) if *v < floor_kes => {
            reasons.push(floor_reason.clone());
            (Confidence::Red, None, None)
        }
        PriceReading::Single(v) => (Confidence::Green, Some(*v), None),
        PriceReading::Shorthand(v) => {
            if ocr {
                reasons.push("price written as shorthand (e.g. 1.2k)".to_string());
                (Confidence::Yellow, Some(*v), None)
            } else {
                (Confidence::Green, Some(*v), None)
            }
        }
        PriceReading::Range { low, high } => {
            if *low < floor_kes {
                reasons.push(floor_reason.clone());
                (Confidence::Red, None, None)
            } else {
                reasons.push("price is a range".to_string());
                (Confidence::Yellow, Some(*low), Some(*high))
            }
        }
        PriceReading::From(v) => {
            if *v < floor_kes {
                reasons.push(floor_reason.clone());
                (Confidence::Red, None, None)
            } else {
                reasons.push("price is a starting price (\"from\")".to_string());
                (Confidence::Yellow, Some(*v), None)
            }
        }
        PriceReading::Several(values) => {
            let ok: Vec<u32> = values.iter().copied().filter(|v| *v >= floor_kes).collect();
            match (ok.iter().min(), ok.iter().max()) {
                (Some(lo), Some(hi)) => {
                    reasons.push("several candidate prices".to_string());
                    (Confidence::Yellow, Some(*lo), (hi > lo).then_some(*hi))
                }
                _ => {
                    reasons.push(floor_reason.clone());
                    (Confidence::Red, None, None)
                }
            }
        }
    };

    if confidence == Confidence::Green {
        if !name_ok {
            reasons.push("name is unclear".to_string());
            confidence = Confidence::Yellow;
        } else if price.is_some_and(|p| p > PRICE_CEILING_KES) {
            reasons.push("price is unusually high".to_string());
            confidence = Confidence::Yellow;
        } else if candidate.needs_review {
            reasons.push("the line needs a look".to_string());
            confidence = Confidence::Yellow;
        } else if ocr && !ocr_confident {
            reasons.push("read by OCR".to_string());
            confidence = Confidence::Yellow;
        }
    }

    // Grammar notes go after the policy's own reasons, without repeats.
    for r in &candidate.reasons {
        if !reasons.contains(r) {
            reasons.push(r.clone());
        }
    }

    let (price, price_max) = if confidence == Confidence::Red {
        (None, None) // never auto-fill a price
    } else {
        (price, price_max)
    };

    ExtractedRow {
        name: candidate.name.clone(),
        price_kes: price,
        duration_minutes: candidate.duration.map(|d| d.low()),
        category: candidate.category.clone(),
        confidence,
        reasons,
        price_max_kes: price_max,
        duration_max_minutes: candidate.duration.and_then(|d| d.high()),
    }
}

/// Decide the colour of one candidate. `from_ocr` marks the reading as OCR
/// (at most yellow); the text path passes `false`.
pub fn classify(candidate: &Candidate, floor_kes: u32, from_ocr: bool) -> ExtractedRow {
    classify_with(candidate, floor_kes, from_ocr, false)
}

/// [`classify`] over a list.
pub fn classify_all(candidates: &[Candidate], floor_kes: u32, from_ocr: bool) -> Vec<ExtractedRow> {
    candidates
        .iter()
        .map(|c| classify(c, floor_kes, from_ocr))
        .collect()
}

/// A name is confident when it reads like words: enough letters, not too long,
/// and mostly letters rather than symbols or digits.
pub fn name_is_confident(name: &str) -> bool {
    let total = name.chars().filter(|c| !c.is_whitespace()).count();
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 3 && name.chars().count() <= 80 && letters * 2 >= total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::grammar::DurationReading;
    use crate::catalog::DEFAULT_FLOOR_KES;

    fn cand(name: &str, price: PriceReading) -> Candidate {
        Candidate {
            name: name.to_string(),
            category: None,
            price,
            duration: Some(DurationReading::Single(30)),
            reasons: Vec::new(),
            from_ocr: false,
            ocr_confident: false,
            needs_review: false,
            line: 0,
        }
    }

    fn row(price: PriceReading) -> ExtractedRow {
        classify(&cand("Haircut", price), DEFAULT_FLOOR_KES, false)
    }

    #[test]
    fn green_single_price() {
        let r = row(PriceReading::Single(1500));
        assert_eq!(r.confidence, Confidence::Green);
        assert_eq!(r.price_kes, Some(1500));
        assert_eq!(r.duration_minutes, Some(30));
        assert!(r.reasons.is_empty());
    }

    #[test]
    fn floor_is_inclusive() {
        assert_eq!(row(PriceReading::Single(100)).confidence, Confidence::Green);
        let r = row(PriceReading::Single(99));
        assert_eq!(r.confidence, Confidence::Red);
        assert_eq!(r.price_kes, None);
        assert!(r
            .reasons
            .iter()
            .any(|x| x == "price below the floor of KES 100"));
    }

    #[test]
    fn yellow_readings_carry_lower_price() {
        let r = row(PriceReading::Range {
            low: 3500,
            high: 4500,
        });
        assert_eq!(r.confidence, Confidence::Yellow);
        assert_eq!((r.price_kes, r.price_max_kes), (Some(3500), Some(4500)));
        assert!(r.reasons.iter().any(|x| x == "price is a range"));

        let r = row(PriceReading::From(4000));
        assert_eq!(
            (r.confidence, r.price_kes),
            (Confidence::Yellow, Some(4000))
        );

        let r = row(PriceReading::Several(vec![2000, 1500]));
        assert_eq!(r.confidence, Confidence::Yellow);
        assert_eq!((r.price_kes, r.price_max_kes), (Some(1500), Some(2000)));
    }

    #[test]
    fn red_rows_never_carry_a_price() {
        for p in [
            PriceReading::Missing,
            PriceReading::Free,
            PriceReading::Single(50),
            PriceReading::Shorthand(50),
            PriceReading::From(20),
            PriceReading::Range { low: 50, high: 500 },
            PriceReading::Several(vec![10, 20]),
        ] {
            let r = row(p.clone());
            assert_eq!(r.confidence, Confidence::Red, "{p:?}");
            assert_eq!(r.price_kes, None);
            assert_eq!(r.price_max_kes, None);
            assert!(!r.reasons.is_empty());
        }
        assert!(row(PriceReading::Missing)
            .reasons
            .iter()
            .any(|x| x == "no price found"));
    }

    #[test]
    fn shorthand_and_ocr() {
        assert_eq!(
            row(PriceReading::Shorthand(1200)).confidence,
            Confidence::Green
        );
        let c = cand("Gel manicure", PriceReading::Shorthand(1200));
        assert_eq!(classify(&c, 100, true).confidence, Confidence::Yellow);
        // OCR plain prices: yellow unless the OCR reading is confident.
        let c = cand("Gel manicure", PriceReading::Single(1200));
        assert_eq!(classify(&c, 100, true).confidence, Confidence::Yellow);
        assert_eq!(
            classify_with(&c, 100, true, true).confidence,
            Confidence::Green
        );
        let mut c = c;
        c.from_ocr = true;
        assert_eq!(classify(&c, 100, false).confidence, Confidence::Yellow);
        // OCR never lifts a red row.
        let c = cand("Nail art", PriceReading::Single(50));
        assert_eq!(
            classify_with(&c, 100, true, true).confidence,
            Confidence::Red
        );
    }

    #[test]
    fn unclear_name_or_huge_price_is_not_green() {
        let c = cand("x", PriceReading::Single(500));
        assert_eq!(classify(&c, 100, false).confidence, Confidence::Yellow);
        assert_eq!(
            row(PriceReading::Single(5_000_000)).confidence,
            Confidence::Yellow
        );
    }

    #[test]
    fn custom_floor() {
        let c = cand("Kids cut", PriceReading::Single(150));
        assert_eq!(classify(&c, 200, false).confidence, Confidence::Red);
        assert!(classify(&c, 200, false)
            .reasons
            .iter()
            .any(|x| x == "price below the floor of KES 200"));
    }
}
