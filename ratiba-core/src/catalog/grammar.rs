//! Menu text -> candidate rows. Pure parsing: no colours are decided here.
//!
//! The grammar works line by line. Each line is first checked for noise
//! (contacts, payment numbers, hours, notes, greetings, titles, text addressed
//! to an AI), then read for durations and prices; what is left is the name.
//! A second pass joins a name line with a price on the next line, turns short
//! unpriced lines into headings (categories) or unpriced rows, and reads
//! tables (pipes, tabs or wide gaps) with a header row.

mod filters;
mod tokens;

use std::sync::LazyLock;

use regex::Regex;

use tokens::{blank, find_durations, find_free, find_paren_minutes, find_price_atoms, PriceAtom};

/// How the price of a candidate was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PriceReading {
    /// No price on the line.
    Missing,
    /// One plain price: `KES 1,500`, `1500/=`, `@ 600`.
    Single(u32),
    /// One price written as shorthand: `1.2k`.
    Shorthand(u32),
    /// `3,500 - 4,500`, `2,500/3,000`, `1k to 2k`.
    Range { low: u32, high: u32 },
    /// `from 4,000`, `4,000+`.
    From(u32),
    /// Several numbers that could each be the price (`1500 2000`).
    Several(Vec<u32>),
    /// `free`, `bure`, `complimentary`.
    Free,
}

impl PriceReading {
    /// The lowest amount printed, if any.
    pub fn lowest(&self) -> Option<u32> {
        match self {
            PriceReading::Missing | PriceReading::Free => None,
            PriceReading::Single(v) | PriceReading::Shorthand(v) | PriceReading::From(v) => {
                Some(*v)
            }
            PriceReading::Range { low, .. } => Some(*low),
            PriceReading::Several(v) => v.iter().copied().min(),
        }
    }

    fn is_missing(&self) -> bool {
        matches!(self, PriceReading::Missing)
    }
}

/// A duration, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationReading {
    Single(u32),
    Range { low: u32, high: u32 },
}

impl DurationReading {
    pub fn low(&self) -> u32 {
        match self {
            DurationReading::Single(v) => *v,
            DurationReading::Range { low, .. } => *low,
        }
    }

    pub fn high(&self) -> Option<u32> {
        match self {
            DurationReading::Single(_) => None,
            DurationReading::Range { high, .. } => Some(*high),
        }
    }

    fn from_bounds(low: u32, high: u32) -> Self {
        if low == high {
            DurationReading::Single(low)
        } else {
            DurationReading::Range { low, high }
        }
    }
}

/// One service as read from the menu, before the colour policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub name: String,
    pub category: Option<String>,
    pub price: PriceReading,
    pub duration: Option<DurationReading>,
    /// Notes from the grammar (e.g. "price taken from the next line").
    pub reasons: Vec<String>,
    /// Read from OCR text rather than typed text.
    pub from_ocr: bool,
    /// The OCR engine was sure of every word the row was read from (set by the
    /// OCR extractor; without it an OCR row is at most yellow).
    pub ocr_confident: bool,
    /// The grammar saw something odd on the line (e.g. a second price in
    /// brackets): the policy keeps such a row at most yellow.
    pub needs_review: bool,
    /// 0-based line of the menu the name came from.
    pub line: usize,
}

/// Parse typed menu text.
pub fn parse_menu(text: &str) -> Vec<Candidate> {
    parse_menu_with(text, false)
}

/// Parse menu text; `from_ocr` marks every candidate as OCR-derived and
/// repairs common OCR confusions inside numbers (`1,5OO` -> `1,500`).
pub fn parse_menu_with(text: &str, from_ocr: bool) -> Vec<Candidate> {
    let mut lines: Vec<LineItem> = Vec::new();
    for (line_no, raw) in text.lines().take(5_000).enumerate() {
        let raw: String = raw.chars().take(1_000).collect();
        let fixed = if from_ocr {
            repair_ocr_digits(&raw)
        } else {
            raw
        };
        let indent = indent_of(&fixed);
        for part in split_services(&fixed) {
            lines.push(LineItem {
                idx: lines.len(),
                line_no,
                indent,
                text: part,
                kind: Kind::Blank,
            });
        }
    }
    classify_lines(&mut lines);
    assemble(&lines, from_ocr)
}

// ---------------------------------------------------------------------------
// Pass 1: read each line.

#[derive(Debug, Clone, PartialEq, Eq)]
struct Fields {
    name: String,
    price: PriceReading,
    duration: Option<DurationReading>,
    category: Option<String>,
    reasons: Vec<String>,
    needs_review: bool,
}

impl Fields {
    fn has_reading(&self) -> bool {
        !self.price.is_missing() || self.duration.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Blank,
    Noise,
    /// A name with a price and/or duration.
    Service(Fields),
    /// A price and/or duration with no name.
    Bare(Fields),
    /// Text without any reading: heading, title or an unpriced service.
    Text {
        name: String,
        decorated: bool,
    },
}

#[derive(Debug, Clone)]
struct LineItem {
    /// Position in the list of items (a line may hold several services).
    idx: usize,
    /// 0-based line of the menu.
    line_no: usize,
    indent: usize,
    text: String,
    kind: Kind,
}

/// Split a line holding several services ("Manicure 500, Pedicure 700") into
/// one piece per service. Table rows and lines with one price are kept whole.
fn split_services(line: &str) -> Vec<String> {
    let whole = vec![line.to_string()];
    if let Some(sep) = line_sep(line) {
        // "Gel 1,000 | Acrylic 2,000": each cell is a whole service.
        let cells = split_cells(line.trim(), sep);
        let full = cells
            .iter()
            .filter(|c| {
                let f = read_fields(c);
                name_is_usable(&f.name) && !f.price.is_missing()
            })
            .count();
        if cells.len() >= 2 && full == cells.len() {
            return cells;
        }
        return whole;
    }
    let mut check = line.to_string();
    for d in find_durations(line) {
        blank(&mut check, d.start, d.end);
    }
    let protected: Vec<(usize, usize)> = PROTECTED_PAREN
        .find_iter(&check)
        .map(|m| (m.start(), m.end()))
        .collect();
    let strong: Vec<PriceAtom> = find_price_atoms(&check)
        .into_iter()
        .filter(|a| a.marked || a.grouped || a.num_end - a.num_start >= 3)
        .filter(|a| !protected.iter().any(|(s, e)| a.start >= *s && a.end <= *e))
        .collect();
    if strong.len() < 2 {
        return whole;
    }
    for a in &strong {
        blank(&mut check, a.start, a.end);
    }
    for (s, e) in &protected {
        blank(&mut check, *s, *e);
    }
    let spans: Vec<(usize, usize)> = CONNECTOR_WORDS
        .find_iter(&check)
        .map(|m| (m.start(), m.end()))
        .chain(
            FROM_BEFORE_WORDS
                .find_iter(&check)
                .map(|m| (m.start(), m.end())),
        )
        .collect();
    for (s, e) in spans {
        blank(&mut check, s, e);
    }
    let first_letter = |from: usize, to: usize| -> Option<usize> {
        check
            .get(from..to)
            .and_then(|seg| seg.char_indices().find(|(_, c)| c.is_alphabetic()))
            .map(|(i, _)| from + i)
    };
    if first_letter(0, strong[0].start).is_none() {
        return whole;
    }
    let mut cuts = Vec::new();
    for w in strong.windows(2) {
        if let Some(cut) = first_letter(w[0].end, w[1].start) {
            cuts.push(cut);
        }
    }
    if cuts.is_empty() {
        return whole;
    }
    let mut out = Vec::new();
    let mut start = 0;
    for cut in cuts {
        if let Some(piece) = line.get(start..cut) {
            out.push(piece.to_string());
        }
        start = cut;
    }
    if let Some(piece) = line.get(start..) {
        out.push(piece.to_string());
    }
    if out.len() < 2 {
        return whole;
    }
    out
}

fn indent_of(s: &str) -> usize {
    let mut n = 0;
    for c in s.chars() {
        match c {
            ' ' | '\u{a0}' => n += 1,
            '\t' => n += 4,
            _ => break,
        }
    }
    n
}

static OCR_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[0-9OoIl][0-9OoIl,.]*[0-9OoIl]\b").expect("ocr number regex"));

fn repair_ocr_digits(s: &str) -> String {
    OCR_NUMBER
        .replace_all(s, |c: &regex::Captures| {
            let m = c.get(0).map(|m| m.as_str()).unwrap_or("");
            let digits = m.chars().filter(|c| c.is_ascii_digit()).count();
            let letters = m.chars().filter(|c| c.is_ascii_alphabetic()).count();
            if digits >= 1 && digits >= letters {
                m.chars()
                    .map(|c| match c {
                        'O' | 'o' => '0',
                        'I' | 'l' => '1',
                        other => other,
                    })
                    .collect::<String>()
            } else {
                m.to_string()
            }
        })
        .into_owned()
}

static BULLET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[-*•·▪►✓✔➤→>+]+|\d{1,2}[.)]|[a-z][.)])\s+").expect("bullet regex")
});

static DECORATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\s#*=~_\-:<>\[\]]+|[\s#*=~_\-:<>\[\]]+$").expect("deco"));

static LEADERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\.{2,}|…+|_{2,}|-{3,}|·{2,}|(?:\s\.)+\s|={2,}|~{2,}").expect("leaders regex")
});

static EMPTY_BRACKETS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(\s*\)|\[\s*\]|\{\s*\}").expect("empty brackets regex"));

static PROTECTED_PAREN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\([^()]*[A-Za-z][^()]*\)").expect("protected paren regex"));

static CONNECTOR_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:from|to|hadi|mpaka|kuanzia|kutoka|or|au|starting|starts|at|upwards|onwards|and\s+above|na\s+zaidi|only|tu|each|per|kes|ksh|kshs|sh|shs)\b",
    )
    .expect("connector regex")
});

static OTHER_GAP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*(?:or|au|,|&|and|na)?\s*$").expect("other gap"));

static FREE_CONDITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s+(?:with|for|on|when|if|kwa|ukiwa)\b.*$").expect("free condition")
});

static ON_REQUEST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)\b(?:call|ask|inquire|enquire|dm|whatsapp|contact\s+us)\s+(?:us\s+)?for\s+(?:the\s+)?(?:price|prices|pricing|quote|quotation|bei)\b
        |\b(?:price|prices|pricing|bei)\s+(?:on|upon)\s+(?:request|consultation|enquiry|inquiry)\b
        |\bon\s+request\b|\bp\.o\.a\.?(?:\s|$)|\bPOA\b|\bbei\s+(?:maalum|kwa\s+makubaliano)\b",
    )
    .expect("on request regex")
});

static RANGE_GAP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*(?:-|–|—|~|to|/|hadi|mpaka)\s*$").expect("range gap"));

static FROM_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:from|starting\s+(?:at|from)|starts\s+at|starting|kuanzia|kutoka|minimum)\s*[:\-]?\s*$")
        .expect("from regex")
});

static FROM_BEFORE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:from|starting|starts|kuanzia|kutoka|minimum|only|tu|each|per|and\s+above|upwards|onwards)\b")
        .expect("from words regex")
});

static FROM_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:\+|and\s+above|&\s*above|upwards|onwards|na\s+zaidi|kwenda\s+juu)")
        .expect("from-after regex")
});

static TRAILING_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\s+|^)(?:kes|ksh|kshs|sh|shs|bei|at|price|cost|only|tu)\s*$")
        .expect("trailing words regex")
});

fn has_letters(s: &str) -> bool {
    s.chars().any(char::is_alphabetic)
}

/// Read durations, prices and the name out of one piece of text.
fn read_fields(text: &str) -> Fields {
    let mut work = text.to_string();
    let mut reasons = Vec::new();

    // Durations first, so that `1.5 hrs` is never read as a price.
    let mut durs = find_durations(&work);
    for d in &durs {
        blank(&mut work, d.start, d.end);
    }

    // "price on request", "call for price": no price, said so.
    let mut on_request = false;
    let spans: Vec<(usize, usize)> = ON_REQUEST
        .find_iter(&work)
        .map(|m| (m.start(), m.end()))
        .collect();
    for (s, e) in spans {
        on_request = true;
        blank(&mut work, s, e);
    }

    // Brackets with words in them ("(per nail)", "(under 12)") belong to the name.
    let protected: Vec<(usize, usize)> = PROTECTED_PAREN
        .find_iter(&work)
        .map(|m| (m.start(), m.end()))
        .collect();

    // `(60)` minutes: only when some other number on the line can be the price.
    if durs.is_empty() {
        let parens = find_paren_minutes(&work);
        if let Some(p) = parens.first() {
            let mut trial = work.clone();
            blank(&mut trial, p.start, p.end);
            if !accepted_atoms(&trial, &[]).is_empty() {
                work = trial;
                durs.push(*p);
            }
        }
    }
    let mut atoms = accepted_atoms(&work, &protected);
    // A price inside brackets with words ("(touch up 3,000/=)") next to a price
    // outside them is a note about another service: leave it out, flag the row.
    let mut needs_review = false;
    let inside = |a: &PriceAtom| {
        protected
            .iter()
            .find(|(s, e)| a.start >= *s && a.end <= *e)
            .copied()
    };
    if atoms.iter().any(|a| inside(a).is_none()) {
        let dropped: Vec<(usize, usize)> = atoms.iter().filter_map(inside).collect();
        if !dropped.is_empty() {
            needs_review = true;
            reasons.push("another price in brackets was left out".to_string());
            for (s, e) in dropped {
                blank(&mut work, s, e);
            }
            atoms.retain(|a| inside(a).is_none());
        }
    }

    // Group atoms into readings.
    let mut blank_spans: Vec<(usize, usize)> = Vec::new();
    let mut groups: Vec<(u32, u32, bool, bool)> = Vec::new(); // low, high, from, shorthand
    let mut i = 0;
    while i < atoms.len() {
        let a = atoms[i];
        let mut low = a.value;
        let mut high = a.value;
        let mut end = a.end;
        let mut shorthand = a.shorthand;
        if let Some(b) = atoms.get(i + 1) {
            if a.end <= b.start && OTHER_GAP.is_match(&work[a.end..b.start]) {
                blank_spans.push((a.end, b.start));
            }
            if a.end <= b.start && RANGE_GAP.is_match(&work[a.end..b.start]) {
                low = a.value.min(b.value);
                high = a.value.max(b.value);
                end = b.end;
                shorthand = shorthand || b.shorthand;
                i += 1;
            }
        }
        let mut from = false;
        if low == high {
            if let Some(m) = FROM_BEFORE.find(&work[..a.start]) {
                from = true;
                blank_spans.push((m.start(), m.end()));
            }
            if let Some(m) = FROM_AFTER.find(&work[end..]) {
                from = true;
                blank_spans.push((end + m.start(), end + m.end()));
            }
        }
        blank_spans.push((a.start, end));
        groups.push((low, high, from, shorthand));
        i += 1;
    }

    let frees = find_free(&work);
    let price = match groups.as_slice() {
        [] if !frees.is_empty() => {
            for (s, e) in &frees {
                let tail = !has_letters(&work[*e..]);
                let head = !has_letters(&work[..*s]);
                if tail || head {
                    blank_spans.push((*s, *e));
                } else if let Some(m) = FREE_CONDITION.find(&work[*e..]) {
                    // "free with any set": the condition is not part of the name.
                    blank_spans.push((*s, *e + m.end()));
                }
            }
            PriceReading::Free
        }
        [] => {
            if on_request {
                reasons.push("price on request".to_string());
            }
            PriceReading::Missing
        }
        [(low, high, from, shorthand)] => {
            if low != high {
                reasons.push("price is a range".to_string());
                PriceReading::Range {
                    low: *low,
                    high: *high,
                }
            } else if *from {
                PriceReading::From(*low)
            } else if *shorthand {
                PriceReading::Shorthand(*low)
            } else {
                PriceReading::Single(*low)
            }
        }
        many => {
            let mut values: Vec<u32> = Vec::new();
            for (low, high, _, _) in many {
                values.push(*low);
                if high != low {
                    values.push(*high);
                }
            }
            PriceReading::Several(values)
        }
    };

    for (s, e) in blank_spans {
        blank(&mut work, s, e);
    }
    let duration = durs
        .first()
        .map(|d| DurationReading::from_bounds(d.low, d.high));
    if durs.len() > 1 {
        reasons.push("several durations on the line".to_string());
    }
    Fields {
        name: clean_name(&work),
        price,
        duration,
        category: None,
        reasons,
        needs_review,
    }
}

/// Atoms of `work` that are read as prices (see the module docs for the rules).
fn accepted_atoms(work: &str, protected: &[(usize, usize)]) -> Vec<PriceAtom> {
    let atoms: Vec<PriceAtom> = find_price_atoms(work)
        .into_iter()
        .filter(|a| a.marked || !protected.iter().any(|(s, e)| a.start >= *s && a.end <= *e))
        .collect();
    if atoms.is_empty() {
        return atoms;
    }
    // A copy with numbers, bracketed words and connector words blanked: what
    // is left are the letters of the name.
    let mut check = work.to_string();
    for a in &atoms {
        blank(&mut check, a.start, a.end);
    }
    for (s, e) in protected {
        blank(&mut check, *s, *e);
    }
    let spans: Vec<(usize, usize)> = CONNECTOR_WORDS
        .find_iter(&check)
        .map(|m| (m.start(), m.end()))
        .collect();
    for (s, e) in spans {
        blank(&mut check, s, e);
    }

    let mut strong: Vec<(PriceAtom, bool)> = Vec::new(); // (atom, weak)
    for a in atoms {
        let head = !has_letters(&check[..a.start]);
        let tail = !has_letters(&check[a.end..]);
        if a.marked {
            strong.push((a, false));
            continue;
        }
        if !(head || tail) {
            continue;
        }
        let small = a.value < 100 && !a.grouped && a.num_end - a.num_start <= 2;
        let attached = if tail {
            let before = &work[..a.num_start];
            before.ends_with(' ') && !before.ends_with("  ") && {
                let t = before.trim_end();
                t.chars().last().is_some_and(char::is_alphanumeric)
            }
        } else {
            let after = &work[a.num_end..];
            after.starts_with(' ') && !after.starts_with("  ") && {
                let t = after.trim_start();
                t.chars().next().is_some_and(char::is_alphabetic)
            }
        };
        strong.push((a, small && attached));
    }
    let any_solid = strong.iter().any(|(_, weak)| !weak);
    strong
        .into_iter()
        .filter(|(_, weak)| !weak || !any_solid)
        .map(|(a, _)| a)
        .collect()
}

/// Tidy what is left of a line once prices and durations are blanked.
pub(crate) fn clean_name(s: &str) -> String {
    let s = LEADERS.replace_all(s, " ");
    let mut s = EMPTY_BRACKETS.replace_all(&s, " ").into_owned();
    loop {
        let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
        let trimmed = trim_edges(&collapsed);
        let stripped = TRAILING_WORDS.replace(&trimmed, "").into_owned();
        let next = trim_edges(&stripped);
        if next == s {
            break;
        }
        s = next;
    }
    balance_brackets(&s)
}

fn trim_edges(s: &str) -> String {
    let s = s.trim_start_matches(|c: char| !(c.is_alphanumeric() || c == '(' || c == '"'));
    let s = s.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == ')' || c == '"'));
    let s = s.trim_start_matches(|c: char| !(c.is_alphanumeric() || c == '(' || c == '"'));
    s.to_string()
}

fn balance_brackets(s: &str) -> String {
    let open = s.matches('(').count();
    let close = s.matches(')').count();
    if open == close {
        return s.to_string();
    }
    // Unbalanced: drop the stray bracket characters rather than invent text.
    let cleaned: String = s.chars().filter(|c| *c != '(' && *c != ')').collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn name_is_usable(name: &str) -> bool {
    name.chars().filter(|c| c.is_alphabetic()).count() >= 2
}

// --- tables ---------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    Pipe,
    Tab,
    Gap,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Table {
    sep: Sep,
    cols: usize,
    name: Option<usize>,
    price: Option<usize>,
    duration: Option<usize>,
    category: Option<usize>,
}

static GAP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s{2,}").expect("gap regex"));

static SEPARATOR_ROW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\s|:\-+=_]+$").expect("separator row regex"));

static HEADER_CELL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^\W*(?:
        (?P<name>services?|items?|treatments?|name|huduma|description|style|styles)
        |(?P<price>prices?|cost|amount|rates?|bei|kes|ksh|kshs|charges?|fee)
        |(?P<dur>duration|time|muda|length|mins?|minutes|hours|hrs)
        |(?P<cat>category|categories|type|aina|section|group|department)
        |(?P<other>notes?|remarks?|details|maelezo)
        )\b[^0-9]*$",
    )
    .expect("header cell regex")
});

fn split_cells(line: &str, sep: Sep) -> Vec<String> {
    let parts: Vec<String> = match sep {
        Sep::Pipe => line.split('|').map(|c| c.trim().to_string()).collect(),
        Sep::Tab => line.split('\t').map(|c| c.trim().to_string()).collect(),
        Sep::Gap => GAP
            .split(line.trim())
            .map(|c| c.trim().to_string())
            .collect(),
    };
    let mut parts = parts;
    while parts.first().is_some_and(|c| c.is_empty()) {
        parts.remove(0);
    }
    while parts.last().is_some_and(|c| c.is_empty()) {
        parts.pop();
    }
    parts
}

fn line_sep(line: &str) -> Option<Sep> {
    if line.contains('|') {
        Some(Sep::Pipe)
    } else if line.trim().contains('\t') {
        Some(Sep::Tab)
    } else {
        None
    }
}

fn header_of(cells: &[String], sep: Sep) -> Option<Table> {
    if cells.len() < 2 {
        return None;
    }
    let mut t = Table {
        sep,
        cols: cells.len(),
        name: None,
        price: None,
        duration: None,
        category: None,
    };
    for (i, cell) in cells.iter().enumerate() {
        let c = HEADER_CELL.captures(cell)?;
        if c.name("name").is_some() && t.name.is_none() {
            t.name = Some(i);
        } else if c.name("price").is_some() && t.price.is_none() {
            t.price = Some(i);
        } else if c.name("dur").is_some() && t.duration.is_none() {
            t.duration = Some(i);
        } else if c.name("cat").is_some() && t.category.is_none() {
            t.category = Some(i);
        }
    }
    (t.price.is_some() || t.name.is_some()).then_some(t)
}

static BARE_MINUTES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\d{1,3})\s*$").expect("bare minutes regex"));

fn read_table_row(cells: &[String], t: &Table) -> Fields {
    let cell = |i: Option<usize>| i.and_then(|i| cells.get(i)).map(String::as_str);
    let name_idx = t.name.unwrap_or(0);
    let mut fields = read_fields(cell(Some(name_idx)).unwrap_or(""));
    if let Some(p) = cell(t.price) {
        let pf = read_fields(p);
        if !pf.price.is_missing() {
            fields.price = pf.price;
            fields.reasons.extend(pf.reasons);
        }
        if fields.duration.is_none() {
            fields.duration = pf.duration;
        }
    }
    if let Some(d) = cell(t.duration) {
        if let Some(c) = BARE_MINUTES.captures(d) {
            if let Some(v) = c.get(1).and_then(|m| m.as_str().parse::<u32>().ok()) {
                if v > 0 {
                    fields.duration = Some(DurationReading::Single(v));
                }
            }
        } else if let Some(dur) = find_durations(d).first() {
            fields.duration = Some(DurationReading::from_bounds(dur.low, dur.high));
        }
    }
    // Any other cell may still hold a price or a duration (no header role for it).
    for (i, c) in cells.iter().enumerate() {
        if Some(i) == t.category || i == name_idx || Some(i) == t.price || Some(i) == t.duration {
            continue;
        }
        let f = read_fields(c);
        if fields.price.is_missing() && !f.price.is_missing() && !name_is_usable(&f.name) {
            fields.price = f.price;
        }
        if fields.duration.is_none() && f.duration.is_some() && !name_is_usable(&f.name) {
            fields.duration = f.duration;
        }
    }
    if let Some(c) = cell(t.category) {
        let c = clean_heading(c);
        if name_is_usable(&c) {
            fields.category = Some(c);
        }
    }
    fields
}

/// A table row without a header: first text cell is the name, a short text
/// cell after it is the category, other cells give price and duration.
fn read_headless_row(cells: &[String]) -> Fields {
    let mut name: Option<Fields> = None;
    let mut category: Option<String> = None;
    let mut price = PriceReading::Missing;
    let mut duration = None;
    let mut reasons = Vec::new();
    for c in cells {
        let f = read_fields(c);
        if name_is_usable(&f.name) {
            if name.is_none() {
                name = Some(f);
                continue;
            } else if category.is_none()
                && !f.has_reading()
                && f.name.split_whitespace().count() <= 3
            {
                category = Some(clean_heading(&f.name));
                continue;
            }
        }
        if price.is_missing() && !f.price.is_missing() {
            price = f.price;
            reasons.extend(f.reasons);
        }
        if duration.is_none() {
            duration = f.duration;
        }
    }
    let mut out = name.unwrap_or(Fields {
        name: String::new(),
        price: PriceReading::Missing,
        duration: None,
        category: None,
        reasons: Vec::new(),
        needs_review: false,
    });
    if out.price.is_missing() {
        out.price = price;
    }
    if out.duration.is_none() {
        out.duration = duration;
    }
    out.reasons.extend(reasons);
    out.category = category;
    out
}

fn classify_lines(lines: &mut [LineItem]) {
    let mut table: Option<Table> = None;
    for item in lines.iter_mut() {
        let raw = item.text.replace('\u{a0}', " ");
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            item.kind = Kind::Blank;
            table = table.filter(|t| t.sep != Sep::Gap);
            continue;
        }
        if SEPARATOR_ROW.is_match(trimmed) {
            item.kind = Kind::Noise;
            continue;
        }
        // Tables: a header row sets the column roles for the rows below it.
        let sep = line_sep(trimmed);
        let cells_for = |sep: Sep| split_cells(trimmed, sep);
        if let Some(sep) = sep.or(Some(Sep::Gap)) {
            let cells = cells_for(sep);
            if let Some(h) = header_of(&cells, sep) {
                table = Some(h);
                item.kind = Kind::Noise;
                continue;
            }
        }
        let text = BULLET.replace(trimmed, "").into_owned();
        let mut fields: Option<Fields> = None;
        if let Some(t) = &table {
            let cells = split_cells(trimmed, t.sep);
            if cells.len() >= 2 && (t.sep != Sep::Gap || cells.len() == t.cols) {
                fields = Some(read_table_row(&cells, t));
            }
        }
        if fields.is_none() {
            if let Some(sep) = sep {
                let cells = split_cells(trimmed, sep);
                if cells.len() >= 2 {
                    fields = Some(read_headless_row(&cells));
                }
            }
        }
        let fields = fields.unwrap_or_else(|| read_fields(&text));
        let on_request = ON_REQUEST.is_match(&text);
        let screened = ON_REQUEST.replace_all(&text, " ");
        if filters::noise(&screened, fields.has_reading()).is_some() {
            item.kind = Kind::Noise;
            continue;
        }
        item.kind = if name_is_usable(&fields.name) {
            if fields.has_reading() || on_request {
                Kind::Service(fields)
            } else {
                let decorated = DECORATION.is_match(&text)
                    && (text.trim_end().ends_with(':')
                        || text.starts_with('#')
                        || text.starts_with('*')
                        || text.starts_with('='));
                Kind::Text {
                    name: fields.name,
                    decorated,
                }
            }
        } else if fields.has_reading() {
            Kind::Bare(fields)
        } else {
            Kind::Noise
        };
    }
}

// ---------------------------------------------------------------------------
// Pass 2: headings, name/price on two lines, unpriced rows.

/// Words that make a line a section heading on their own.
const CATEGORY_WORDS: &[&str] = &[
    "hair",
    "nails",
    "nail",
    "spa",
    "massage",
    "massages",
    "facials",
    "body",
    "skin",
    "skincare",
    "waxing",
    "wax",
    "lashes",
    "brows",
    "eyebrows",
    "makeup",
    "make-up",
    "barber",
    "barbering",
    "barbershop",
    "kinyozi",
    "men",
    "mens",
    "gents",
    "ladies",
    "women",
    "kids",
    "children",
    "treatments",
    "services",
    "packages",
    "extras",
    "add-ons",
    "addons",
    "braids",
    "braiding",
    "styling",
    "colour",
    "color",
    "natural",
    "locs",
    "grooming",
    "beauty",
    "manicures",
    "pedicures",
    "threading",
    "bridal",
    "combos",
    "specials",
    "care",
    "and",
    "&",
    "na",
    "ya",
    "za",
    "for",
    "the",
    "nywele",
    "kucha",
    "urembo",
    "wanaume",
    "wanawake",
    "watoto",
    "mwili",
    "uso",
    "huduma",
];

/// Headings that name no category ("Services"): they end the current section.
const GENERIC_HEADINGS: &[&str] = &[
    "services",
    "our services",
    "huduma",
    "huduma zetu",
    "all services",
];

fn is_category_words(name: &str) -> bool {
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == '/' || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    !words.is_empty()
        && words.len() <= 5
        && words
            .iter()
            .any(|w| !matches!(*w, "and" | "&" | "na" | "ya" | "za" | "for" | "the"))
        && words.iter().all(|w| CATEGORY_WORDS.contains(w))
}

fn is_all_caps(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| !c.is_lowercase())
}

/// `HAIR` -> `Hair`, `## Nails & Feet:` -> `Nails & Feet`.
pub(crate) fn clean_heading(s: &str) -> String {
    let s = DECORATION.replace_all(s, "");
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if is_all_caps(&s) {
        s.split(' ')
            .map(|w| {
                let mut cs = w.chars();
                match cs.next() {
                    Some(f) => f
                        .to_uppercase()
                        .chain(cs.flat_map(char::to_lowercase))
                        .collect(),
                    None => String::new(),
                }
            })
            .collect::<Vec<String>>()
            .join(" ")
    } else {
        let mut cs = s.chars();
        match cs.next() {
            Some(f) => f.to_uppercase().chain(cs).collect(),
            None => String::new(),
        }
    }
}

fn looks_like_unpriced_service(name: &str) -> bool {
    let words = name.split_whitespace().count();
    let t = name.trim_end();
    (1..=7).contains(&words)
        && name.chars().count() <= 60
        && !t.ends_with('.')
        && !t.ends_with(':')
        && !name.contains(':')
}

fn assemble(lines: &[LineItem], from_ocr: bool) -> Vec<Candidate> {
    let content: Vec<usize> = (0..lines.len())
        .filter(|i| !matches!(lines[*i].kind, Kind::Blank | Kind::Noise))
        .collect();
    let services: Vec<&Fields> = lines
        .iter()
        .filter_map(|l| match &l.kind {
            Kind::Service(f) => Some(f),
            _ => None,
        })
        .collect();
    let caps_services = services.iter().filter(|f| is_all_caps(&f.name)).count();
    let caps_style = !services.is_empty() && caps_services * 2 > services.len();

    let prev_is_blank = |i: usize| {
        i == 0
            || matches!(
                lines.get(i - 1).map(|l| &l.kind),
                Some(Kind::Blank) | Some(Kind::Noise) | None
            )
    };

    let mut out: Vec<Candidate> = Vec::new();
    let mut category: Option<(String, usize)> = None;
    let mut indented_block = false;
    let mut consumed = vec![false; lines.len()];
    // The last line that fed `out.last()`.
    let mut last_src: Option<usize> = None;

    for (pos, &i) in content.iter().enumerate() {
        if consumed[i] {
            continue;
        }
        let line = &lines[i];
        let next = content.get(pos + 1).map(|&j| &lines[j]);
        let prev = pos
            .checked_sub(1)
            .and_then(|p| content.get(p))
            .map(|&j| &lines[j]);

        let mut scope = |indent: usize, category: &mut Option<(String, usize)>| {
            if let Some((_, h)) = category {
                if indent > *h {
                    indented_block = true;
                } else if indented_block {
                    *category = None;
                    indented_block = false;
                }
            }
        };

        match &line.kind {
            Kind::Service(f) => {
                scope(line.indent, &mut category);
                let mut c = candidate(f, line.line_no, &category, from_ocr);
                last_src = Some(line.idx);
                // Price or duration continued on the next line.
                if let Some(n) = next {
                    if let Kind::Bare(b) = &n.kind {
                        if merge_into(&mut c, b) {
                            consumed[n.idx] = true;
                            last_src = Some(n.idx);
                        }
                    }
                }
                out.push(c);
            }
            Kind::Bare(b) => {
                // A stray price: attach it to the row just above if that lacks one.
                // A second price under a row that has one: another variant
                // of the same service ("60 minutes - 3,500" / "90 minutes - 5,000").
                if let (Some(last), Some(p)) = (out.last_mut(), prev) {
                    if last_src == Some(p.idx) {
                        last_src = Some(line.idx);
                        if !last.price.is_missing() && !b.price.is_missing() {
                            let mut c = last.clone();
                            c.price = b.price.clone();
                            c.duration = b.duration;
                            c.reasons = b.reasons.clone();
                            c.reasons.push("name taken from the line above".to_string());
                            c.needs_review = b.needs_review;
                            c.line = line.line_no;
                            out.push(c);
                        } else {
                            merge_into(last, b);
                        }
                    }
                }
            }
            Kind::Text { name, decorated } => {
                // Name on this line, price on the next.
                if let Some(n) = next {
                    if let Kind::Bare(b) = &n.kind {
                        if !*decorated && !b.price.is_missing() {
                            scope(line.indent, &mut category);
                            let f = Fields {
                                name: name.clone(),
                                price: PriceReading::Missing,
                                duration: None,
                                category: None,
                                reasons: Vec::new(),
                                needs_review: false,
                            };
                            let mut c = candidate(&f, line.line_no, &category, from_ocr);
                            merge_into(&mut c, b);
                            c.reasons.push("price taken from the next line".to_string());
                            consumed[n.idx] = true;
                            last_src = Some(n.idx);
                            // A duration alone on the line after that.
                            if let Some(&k) = content.get(pos + 2) {
                                if let Kind::Bare(b2) = &lines[k].kind {
                                    if b2.price.is_missing() && merge_into(&mut c, b2) {
                                        consumed[k] = true;
                                        last_src = Some(k);
                                    }
                                }
                            }
                            out.push(c);
                            continue;
                        }
                    }
                }
                let next_service = matches!(next.map(|n| &n.kind), Some(Kind::Service(_)));
                let prev_service = matches!(prev.map(|p| &p.kind), Some(Kind::Service(_)));
                let first = pos == 0;
                let vocab = is_category_words(name);
                if first && !vocab && !*decorated {
                    continue; // the business name / menu title
                }
                let heading = *decorated
                    || vocab
                    || (is_all_caps(name) && !caps_style)
                    || next.is_some_and(|n| n.indent > line.indent && next_service)
                    || (prev_is_blank(line.idx) && next_service && !prev_service);
                if heading {
                    let h = clean_heading(name);
                    let generic = GENERIC_HEADINGS.contains(&h.to_lowercase().as_str());
                    category = (name_is_usable(&h) && !generic).then_some((h, line.indent));
                    indented_block = false;
                } else if (prev_service || next_service) && looks_like_unpriced_service(name) {
                    scope(line.indent, &mut category);
                    let f = Fields {
                        name: name.clone(),
                        price: PriceReading::Missing,
                        duration: None,
                        category: None,
                        reasons: Vec::new(),
                        needs_review: false,
                    };
                    out.push(candidate(&f, line.line_no, &category, from_ocr));
                    last_src = Some(line.idx);
                }
            }
            Kind::Blank | Kind::Noise => {}
        }
    }
    out
}

fn candidate(
    f: &Fields,
    idx: usize,
    category: &Option<(String, usize)>,
    from_ocr: bool,
) -> Candidate {
    Candidate {
        name: f.name.clone(),
        category: f
            .category
            .clone()
            .or_else(|| category.as_ref().map(|(c, _)| c.clone())),
        price: f.price.clone(),
        duration: f.duration,
        reasons: f.reasons.clone(),
        from_ocr,
        ocr_confident: false,
        needs_review: f.needs_review,
        line: idx,
    }
}

/// Fill what `c` lacks from a nameless line. Returns whether anything was taken.
fn merge_into(c: &mut Candidate, b: &Fields) -> bool {
    let mut took = false;
    if c.price.is_missing() && !b.price.is_missing() {
        c.price = b.price.clone();
        c.needs_review |= b.needs_review;
        c.reasons.extend(b.reasons.iter().cloned());
        took = true;
    }
    if c.duration.is_none() && b.duration.is_some() {
        c.duration = b.duration;
        took = true;
    }
    took
}

#[cfg(test)]
mod tests;
