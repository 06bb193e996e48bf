//! Low-level readings inside one line: durations, price atoms, "free" words.
//!
//! Every finder returns byte spans into the string it was given, so callers can
//! blank them out (see [`blank`]) and keep what is left as the service name.

use std::sync::LazyLock;

use regex::Regex;

/// A duration found in a line, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DurAtom {
    pub start: usize,
    pub end: usize,
    pub low: u32,
    pub high: u32,
}

/// A number that may be a price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PriceAtom {
    pub start: usize,
    pub end: usize,
    /// Where the digits themselves start and end (without currency words).
    pub num_start: usize,
    pub num_end: usize,
    pub value: u32,
    /// Carries a currency word, `/=`, `@` or a `k` suffix.
    pub marked: bool,
    /// Written with a `k` suffix (`1.2k`).
    pub shorthand: bool,
    /// Written with thousands separators (`1,500`).
    pub grouped: bool,
}

const HOUR_UNIT: &str = r"(?:hours|hour|hrs|hr|h)";
const MIN_UNIT: &str = r"(?:minutes|minute|mins|min|m)";

static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"(?ix)
        (?P<hm>\b(?P<hm_h>\d{{1,2}}(?:\.\d+)?)\s*{h}\.?\s*(?:and\s+|&\s*|na\s+)?(?P<hm_m>\d{{1,2}})\s*{m}\b\.?)
        |(?P<hc>\b(?P<hc_h>\d{{1,2}})\s*h\s*(?P<hc_m>\d{{2}})\b)
        |(?P<rng>\b(?P<r_a>\d{{1,3}}(?:\.\d+)?)\s*(?:-|–|—|to|hadi)\s*(?P<r_b>\d{{1,3}}(?:\.\d+)?)\s*(?P<r_u>hours|hour|hrs|hr|h|minutes|minute|mins|min)\b\.?)
        |(?P<sw>\b(?:saa|masaa)\s*(?P<sw_h>\d{{1,2}}(?:\.\d+)?)(?:\s*(?:na\s+)?(?P<sw_f>nusu|robo))?(?:\s*(?:na\s+)?(?:dakika|dak|dk)\.?\s*(?P<sw_m>\d{{1,2}}))?\b)
        |(?P<swm>\b(?:dakika|dak|dk)\.?\s*(?P<swm_m>\d{{1,3}})\b)
        |(?P<swm2>\b(?P<swm2_m>\d{{1,3}})\s*dakika\b)
        |(?P<nusu>\bnusu\s+saa\b)
        |(?P<one>\b(?P<o_n>\d{{1,3}}(?:\.\d+)?)\s*(?P<o_u>hours|hour|hrs|hr|h|minutes|minute|mins|min)\b\.?)
        ",
        h = HOUR_UNIT,
        m = MIN_UNIT
    );
    Regex::new(&pattern).expect("duration regex")
});

/// `(60)`: a bare number in brackets, read as minutes when the line has a price elsewhere.
static PAREN_MINUTES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(\s*(\d{2,3})\s*'?\s*\)").expect("paren minutes regex"));

static PRICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?P<pre>(?:\b(?:kes|kshs|ksh|shs|sh|bei|price|cost)\.?|@)\s*[:=]?\s*)?
        (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d+)?)
        (?P<k>\s?k\b)?
        (?P<post>\s*(?:=/=|/=|/-|=/|-/)|\s*(?:kes|kshs|ksh|shs|sh|bob)\b\.?)?
        ",
    )
    .expect("price regex")
});

static FREE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:free|bure|complimentary|no\s+charge|bila\s+malipo|gratis)\b")
        .expect("free regex")
});

/// Replace `start..end` with spaces of the same byte length (keeps offsets valid).
pub(crate) fn blank(s: &mut String, start: usize, end: usize) {
    if start >= end || end > s.len() || !s.is_char_boundary(start) || !s.is_char_boundary(end) {
        return;
    }
    let spaces = " ".repeat(end - start);
    s.replace_range(start..end, &spaces);
}

fn minutes_from_hours(h: &str) -> Option<u32> {
    let v: f64 = h.parse().ok()?;
    if !v.is_finite() || !(0.0..=48.0).contains(&v) {
        return None;
    }
    Some((v * 60.0).round() as u32)
}

fn small_int(s: &str) -> Option<u32> {
    s.parse::<u32>().ok().filter(|v| *v <= 10_000)
}

fn unit_minutes(n: &str, unit: &str) -> Option<u32> {
    let u = unit.to_ascii_lowercase();
    if u.starts_with('h') {
        minutes_from_hours(n)
    } else {
        let v: f64 = n.parse().ok()?;
        if !v.is_finite() || !(0.0..=2880.0).contains(&v) {
            return None;
        }
        Some(v.round() as u32)
    }
}

/// All durations in `s`, left to right. Durations of zero minutes are dropped.
pub(crate) fn find_durations(s: &str) -> Vec<DurAtom> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut pos = 0;
    while pos < s.len() {
        let Some(c) = DURATION.captures_at(s, pos) else {
            break;
        };
        let Some(m) = c.get(0) else { break };
        // Never start inside a grouped number ("1,500 - 30 min" is not 500-30 min).
        if m.start() >= 2
            && matches!(bytes[m.start() - 1], b',' | b'.')
            && bytes[m.start() - 2].is_ascii_digit()
        {
            pos = m.start() + 1;
            continue;
        }
        pos = m.end().max(m.start() + 1);
        let g = |name: &str| c.name(name).map(|x| x.as_str());
        let reading: Option<(u32, u32)> = if c.name("hm").is_some() {
            let h = g("hm_h").and_then(minutes_from_hours);
            let mm = g("hm_m").and_then(small_int);
            h.zip(mm).map(|(h, mm)| (h + mm, h + mm))
        } else if c.name("hc").is_some() {
            let h = g("hc_h").and_then(small_int);
            let mm = g("hc_m").and_then(small_int);
            h.zip(mm).map(|(h, mm)| (h * 60 + mm, h * 60 + mm))
        } else if c.name("rng").is_some() {
            let unit = g("r_u").unwrap_or("min");
            let a = g("r_a").and_then(|a| unit_minutes(a, unit));
            let b = g("r_b").and_then(|b| unit_minutes(b, unit));
            a.zip(b).map(|(a, b)| (a.min(b), a.max(b)))
        } else if c.name("sw").is_some() {
            let h = g("sw_h").and_then(minutes_from_hours);
            let frac = match g("sw_f").map(str::to_ascii_lowercase).as_deref() {
                Some("nusu") => 30,
                Some("robo") => 15,
                _ => 0,
            };
            let mm = g("sw_m").and_then(small_int).unwrap_or(0);
            h.map(|h| (h + frac + mm, h + frac + mm))
        } else if c.name("swm").is_some() {
            g("swm_m").and_then(small_int).map(|v| (v, v))
        } else if c.name("swm2").is_some() {
            g("swm2_m").and_then(small_int).map(|v| (v, v))
        } else if c.name("nusu").is_some() {
            Some((30, 30))
        } else if c.name("one").is_some() {
            let unit = g("o_u").unwrap_or("min");
            g("o_n").and_then(|n| unit_minutes(n, unit)).map(|v| (v, v))
        } else {
            None
        };
        if let Some((low, high)) = reading {
            if low > 0 && high <= 24 * 60 {
                out.push(DurAtom {
                    start: m.start(),
                    end: m.end(),
                    low,
                    high,
                });
            }
        }
    }
    out
}

/// `(60)`-style minutes.
pub(crate) fn find_paren_minutes(s: &str) -> Vec<DurAtom> {
    let mut out = Vec::new();
    for c in PAREN_MINUTES.captures_iter(s) {
        let (Some(m), Some(n)) = (c.get(0), c.get(1)) else {
            continue;
        };
        if let Ok(v) = n.as_str().parse::<u32>() {
            if (5..=480).contains(&v) && v.is_multiple_of(5) {
                out.push(DurAtom {
                    start: m.start(),
                    end: m.end(),
                    low: v,
                    high: v,
                });
            }
        }
    }
    out
}

/// Parse the digits of an amount. `1,500` -> 1500, `1.2` with `k` -> 1200,
/// `1.500` (dot as a thousands separator) -> 1500, `1500.00` -> 1500.
pub(crate) fn parse_amount(num: &str, k: bool) -> Option<u32> {
    let plain: String = num.chars().filter(|c| *c != ',').collect();
    if plain.is_empty() || plain.len() > 12 {
        return None;
    }
    let value: u64 = if k {
        let v: f64 = plain.parse().ok()?;
        if !v.is_finite() || !(0.0..=10_000.0).contains(&v) {
            return None;
        }
        (v * 1000.0).round() as u64
    } else if let Some((int, frac)) = plain.split_once('.') {
        if frac.len() == 3 && !num.contains(',') && !int.is_empty() && int.len() <= 3 {
            format!("{int}{frac}").parse().ok()?
        } else {
            int.parse().ok()?
        }
    } else {
        plain.parse().ok()?
    };
    u32::try_from(value).ok().filter(|v| *v <= 10_000_000)
}

/// Every number in `s` that could be a price, with its markers.
pub(crate) fn find_price_atoms(s: &str) -> Vec<PriceAtom> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    for c in PRICE.captures_iter(s) {
        let (Some(m), Some(num)) = (c.get(0), c.name("num")) else {
            continue;
        };
        let pre = c.name("pre").is_some();
        // A number glued to letters ("3D", "B12") is part of a word, not a price.
        if !pre && num.start() > 0 && bytes[num.start() - 1].is_ascii_alphanumeric() {
            continue;
        }
        // Trailing text: the char right after the match must not continue a word.
        if m.end() < bytes.len() && bytes[m.end()].is_ascii_alphanumeric() {
            continue;
        }
        let k = c.name("k").is_some();
        let Some(value) = parse_amount(num.as_str(), k) else {
            continue;
        };
        out.push(PriceAtom {
            start: m.start(),
            end: m.end(),
            num_start: num.start(),
            num_end: num.end(),
            value,
            marked: pre || k || c.name("post").is_some(),
            shorthand: k,
            grouped: num.as_str().contains(','),
        });
    }
    out
}

/// Spans of "free" words.
pub(crate) fn find_free(s: &str) -> Vec<(usize, usize)> {
    FREE.find_iter(s).map(|m| (m.start(), m.end())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn durs(s: &str) -> Vec<(u32, u32)> {
        find_durations(s).iter().map(|d| (d.low, d.high)).collect()
    }

    #[test]
    fn durations_english() {
        assert_eq!(durs("30 min"), vec![(30, 30)]);
        assert_eq!(durs("45mins"), vec![(45, 45)]);
        assert_eq!(durs("1hr 30min"), vec![(90, 90)]);
        assert_eq!(durs("1.5 hrs"), vec![(90, 90)]);
        assert_eq!(durs("2 hours"), vec![(120, 120)]);
        assert_eq!(durs("1h30"), vec![(90, 90)]);
        assert_eq!(durs("45-60 min"), vec![(45, 60)]);
        assert_eq!(durs("2 - 3 hrs"), vec![(120, 180)]);
        assert_eq!(durs("KSH 1,500 - 30 MINS"), vec![(30, 30)]);
        assert!(durs("Haircut 500").is_empty());
        assert!(durs("Kids cut").is_empty());
    }

    #[test]
    fn durations_swahili() {
        assert_eq!(durs("saa 3"), vec![(180, 180)]);
        assert_eq!(durs("dakika 40"), vec![(40, 40)]);
        assert_eq!(durs("saa 1 na nusu"), vec![(90, 90)]);
        assert_eq!(durs("saa 1 dakika 15"), vec![(75, 75)]);
        assert_eq!(durs("40 dakika"), vec![(40, 40)]);
    }

    #[test]
    fn paren_minutes() {
        let d = find_paren_minutes("Massage (60) 3,000");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].low, 60);
        assert!(find_paren_minutes("Braids (2)").is_empty());
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("1,500", false), Some(1500));
        assert_eq!(parse_amount("1.2", true), Some(1200));
        assert_eq!(parse_amount("2", true), Some(2000));
        assert_eq!(parse_amount("1500.00", false), Some(1500));
        assert_eq!(parse_amount("1.500", false), Some(1500));
        assert_eq!(parse_amount("99999999999", false), None);
    }

    #[test]
    fn price_atoms() {
        let a = find_price_atoms("KES 1,500");
        assert_eq!(a.len(), 1);
        assert!(a[0].marked && a[0].grouped);
        assert_eq!(a[0].value, 1500);
        assert_eq!(find_price_atoms("KES1200")[0].value, 1200);
        assert_eq!(find_price_atoms("Kshs. 700")[0].value, 700);
        assert_eq!(find_price_atoms("Sh. 500")[0].value, 500);
        assert_eq!(find_price_atoms("1,500/=")[0].value, 1500);
        assert!(find_price_atoms("1,500/=")[0].marked);
        assert_eq!(find_price_atoms("@ 600")[0].value, 600);
        assert!(find_price_atoms("@ 600")[0].marked);
        let k = find_price_atoms("Ksh 1.2k");
        assert!(k[0].shorthand);
        assert_eq!(k[0].value, 1200);
        assert_eq!(find_price_atoms("200 bob")[0].value, 200);
        assert!(find_price_atoms("3D lashes").is_empty());
        assert!(!find_price_atoms("500")[0].marked);
    }

    #[test]
    fn free_words() {
        assert_eq!(find_free("Consultation .... free").len(), 1);
        assert_eq!(find_free("Ushauri bure").len(), 1);
        assert!(find_free("Freestyle cut").is_empty());
    }
}
