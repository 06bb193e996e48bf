//! Built-in cross-sell pairs per vertical (barber, salon, nails, spa, lashes
//! and brows, makeup), in English and Swahili. Rows are matched to a pair by
//! keywords; each row on one side is related to the closest row on the other
//! side (most shared words, e.g. "Gel manicure" -> "Gel pedicure").

use super::{ExtractedRow, Relation};

/// The relation type used for suggestions.
pub const CROSS_SELL: &str = "cross_sell";

/// One built-in pair: a service matching `a` is suggested with one matching `b`.
struct Pair {
    a: &'static [&'static str],
    b: &'static [&'static str],
}

const PAIRS: &[Pair] = &[
    // nails
    Pair {
        a: &["manicure", "mani", "kucha", "mikono"],
        b: &["pedicure", "pedi", "miguu"],
    },
    Pair {
        a: &["acrylic", "acrylics", "gel polish", "stick on", "press on"],
        b: &["nail art", "art"],
    },
    // barber
    Pair {
        a: &[
            "haircut",
            "hair cut",
            "kunyoa",
            "cut",
            "fade",
            "chiskop",
            "kukata nywele",
        ],
        b: &["beard", "ndevu", "shave", "shaving", "line up", "lineup"],
    },
    Pair {
        a: &["shave", "beard", "ndevu"],
        b: &["scrub", "steam", "hot towel", "facial"],
    },
    Pair {
        a: &["haircut", "kunyoa", "cut"],
        b: &["dye", "rangi", "colour", "color", "tint"],
    },
    // salon
    Pair {
        a: &["wash", "kuosha", "shampoo"],
        b: &[
            "blow dry", "blowdry", "blow-dry", "kukausha", "set", "styling",
        ],
    },
    Pair {
        a: &[
            "relaxer",
            "retouch",
            "silk press",
            "kusuka",
            "braids",
            "rasta",
            "twists",
            "cornrows",
            "weave",
            "dreadlocks",
            "locs",
            "sisterlocks",
        ],
        b: &[
            "treatment",
            "deep conditioning",
            "protein",
            "steam",
            "mask",
            "matibabu",
        ],
    },
    Pair {
        a: &["braids", "kusuka", "twists", "cornrows", "rasta", "weave"],
        b: &["wash", "kuosha", "shampoo"],
    },
    Pair {
        a: &["colour", "color", "dye", "rangi", "highlights"],
        b: &["treatment", "toner", "matibabu"],
    },
    // spa
    Pair {
        a: &["massage", "kukanda", "masaji"],
        b: &["facial", "uso", "scrub", "sauna", "steam"],
    },
    Pair {
        a: &["body scrub", "scrub"],
        b: &["body wrap", "wrap", "massage"],
    },
    Pair {
        a: &["facial", "uso"],
        b: &["eyebrow", "brows", "threading", "mask"],
    },
    // lashes, brows, makeup
    Pair {
        a: &["lash", "lashes", "eyelash", "eyelashes", "kope"],
        b: &["brow", "brows", "eyebrow", "eyebrows", "nyusi", "threading"],
    },
    Pair {
        a: &["makeup", "make up", "make-up", "urembo"],
        b: &["lash", "lashes", "eyelash", "eyelashes", "kope"],
    },
    Pair {
        a: &["waxing", "wax"],
        b: &["scrub", "threading"],
    },
];

fn normalize(name: &str) -> String {
    let lower = name.to_lowercase().replace(['&', '+'], " and ");
    let spaced: String = lower
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    format!(
        " {} ",
        spaced.split_whitespace().collect::<Vec<_>>().join(" ")
    )
}

fn matches_any(norm: &str, keywords: &[&str]) -> bool {
    keywords.iter().any(|k| {
        let k = k.replace('-', " ");
        norm.contains(&format!(" {k} ")) || norm.contains(&format!(" {k}s "))
    })
}

fn tokens(norm: &str) -> Vec<&str> {
    norm.split_whitespace().collect()
}

/// Suggest cross-sell relations among the rows (unordered pairs, no repeats).
pub fn suggest_relations(rows: &[ExtractedRow]) -> Vec<Relation> {
    let norms: Vec<String> = rows.iter().map(|r| normalize(&r.name)).collect();
    let mut out: Vec<Relation> = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for pair in PAIRS {
        let side_a: Vec<usize> = (0..rows.len())
            .filter(|&i| matches_any(&norms[i], pair.a) && !matches_any(&norms[i], pair.b))
            .collect();
        let side_b: Vec<usize> = (0..rows.len())
            .filter(|&i| matches_any(&norms[i], pair.b) && !matches_any(&norms[i], pair.a))
            .collect();
        for &i in &side_a {
            let ti = tokens(&norms[i]);
            let best = side_b
                .iter()
                .copied()
                .filter(|&j| j != i && rows[j].name != rows[i].name)
                .max_by_key(|&j| {
                    let shared = tokens(&norms[j]).iter().filter(|t| ti.contains(t)).count();
                    // Prefer more shared words, then the earliest row.
                    (shared, usize::MAX - j)
                });
            if let Some(j) = best {
                let (x, y) = (norms[i].clone(), norms[j].clone());
                let key = if x <= y { (x, y) } else { (y, x) };
                if !seen.contains(&key) {
                    seen.push(key);
                    out.push(Relation {
                        service: rows[i].name.clone(),
                        related: rows[j].name.clone(),
                        relation_type: CROSS_SELL.to_string(),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Confidence;

    fn rows(names: &[&str]) -> Vec<ExtractedRow> {
        names
            .iter()
            .map(|n| ExtractedRow {
                name: n.to_string(),
                price_kes: Some(500),
                duration_minutes: None,
                category: None,
                confidence: Confidence::Green,
                reasons: Vec::new(),
                price_max_kes: None,
                duration_max_minutes: None,
            })
            .collect()
    }

    fn has(rel: &[Relation], a: &str, b: &str) -> bool {
        rel.iter()
            .any(|r| (r.service == a && r.related == b) || (r.service == b && r.related == a))
    }

    #[test]
    fn english_pairs() {
        let r = suggest_relations(&rows(&["Haircut", "Beard Trim", "Manicure", "Pedicure"]));
        assert!(has(&r, "Haircut", "Beard Trim"));
        assert!(has(&r, "Manicure", "Pedicure"));
        assert!(r.iter().all(|x| x.relation_type == "cross_sell"));
    }

    #[test]
    fn closest_partner_wins() {
        let r = suggest_relations(&rows(&[
            "Classic manicure",
            "Gel manicure",
            "Classic pedicure",
            "Gel pedicure",
        ]));
        assert!(has(&r, "Classic manicure", "Classic pedicure"));
        assert!(has(&r, "Gel manicure", "Gel pedicure"));
        assert!(!has(&r, "Gel manicure", "Classic pedicure"));
    }

    #[test]
    fn swahili_pairs_and_combos_skipped() {
        let r = suggest_relations(&rows(&[
            "Kunyoa (Haircut)",
            "Kunyoa + Shave",
            "Ndevu",
            "Kucha",
            "Miguu",
        ]));
        assert!(has(&r, "Kunyoa (Haircut)", "Ndevu"));
        assert!(has(&r, "Kucha", "Miguu"));
        assert!(!r.iter().any(|x| x.service == "Kunyoa + Shave"));
    }

    #[test]
    fn no_pairs_no_relations() {
        assert!(suggest_relations(&rows(&["Relaxer"])).is_empty());
        assert!(suggest_relations(&[]).is_empty());
    }
}
