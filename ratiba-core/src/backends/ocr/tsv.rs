//! Tesseract's TSV output back into lines of text.
//!
//! Each word row is `level page block par line word left top width height conf text`.
//! Words are joined with one space, or with four where the gap is wider than about
//! two letters (a table column or the gap before a price, which the grammar reads as
//! a column break); a new block or paragraph starts after a blank line, as headings
//! usually do on paper. Each line keeps the lowest confidence of its words.

use super::OcrText;

#[derive(Debug, Clone)]
struct Word {
    key: (u32, u32, u32, u32),
    left: i64,
    width: i64,
    height: i64,
    conf: f32,
    text: String,
}

fn words(tsv: &str) -> Vec<Word> {
    tsv.lines()
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 12 || cols[0] != "5" {
                return None;
            }
            let n = |i: usize| cols[i].trim().parse::<i64>().ok();
            let text = cols[11..].join(" ").trim().to_string();
            if text.is_empty() {
                return None;
            }
            Some(Word {
                key: (n(1)? as u32, n(2)? as u32, n(3)? as u32, n(4)? as u32),
                left: n(6)?,
                width: n(8)?,
                height: n(9)?,
                conf: cols[10].trim().parse::<f32>().ok()?,
                text,
            })
        })
        .collect()
}

/// Words that are only leader dots, dashes or underscores say nothing about the
/// reading's confidence, and neither does punctuation Tesseract is unsure of.
fn counts_for_confidence(text: &str) -> bool {
    text.chars().any(|c| c.is_alphanumeric())
}

fn is_currency(text: &str) -> bool {
    let t = text
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    ["kes", "ksh", "kshs", "sh", "shs"].contains(&t.as_str())
}

/// What dotted leaders come out as: marks only, or a short unsure run of the
/// small round letters dots are mistaken for.
fn is_leader_junk(text: &str, conf: f32) -> bool {
    let marks_only = text.chars().count() >= 2 && !text.chars().any(char::is_alphanumeric);
    let dotty = conf < 65.0
        && text.chars().count() <= 60
        && (text.contains("...")
            || (text
                .chars()
                .all(|c| "ecsnrtowaimuvO0.,:;-–'`°\"".contains(c))
                && text.chars().any(char::is_alphabetic)));
    marks_only || dotty
}

pub fn lines(tsv: &str) -> OcrText {
    let words = words(tsv);
    let mut out = OcrText::default();
    let mut text_lines: Vec<String> = Vec::new();
    let mut i = 0;
    let mut last_par: Option<(u32, u32, u32)> = None;
    while i < words.len() {
        let key = words[i].key;
        let mut j = i;
        while j < words.len() && words[j].key == key {
            j += 1;
        }
        let mut line: Vec<&Word> = words[i..j].iter().collect();
        line.sort_by_key(|w| w.left);
        let par = (key.0, key.1, key.2);
        if last_par.is_some_and(|p| p != par) && !text_lines.is_empty() {
            text_lines.push(String::new());
            out.line_confidence.push(100.0);
        }
        last_par = Some(par);
        let mut heights: Vec<i64> = line.iter().map(|w| w.height).collect();
        heights.sort_unstable();
        let h = heights.get(heights.len() / 2).copied().unwrap_or(20).max(1);
        // Leader dots misread as letters or marks ("eee", "---:-", "woe") become dots.
        let has_price_after = |k: usize| {
            line[k + 1..]
                .iter()
                .any(|w| w.text.chars().any(|c| c.is_ascii_digit()) || is_currency(&w.text))
        };
        let leaders: Vec<bool> = (0..line.len())
            .map(|k| k > 0 && has_price_after(k) && is_leader_junk(&line[k].text, line[k].conf))
            .collect();
        let mut s = String::new();
        let mut prev_end: Option<i64> = None;
        for (k, w) in line.iter().enumerate() {
            if leaders[k] {
                if !s.ends_with("....") {
                    s.push_str(" ....");
                }
                prev_end = Some(w.left + w.width);
                continue;
            }
            if let Some(end) = prev_end {
                let gap = w.left - end;
                s.push_str(if gap > h * 2 { "    " } else { " " });
            }
            s.push_str(&w.text);
            prev_end = Some(w.left + w.width);
        }
        let conf = line
            .iter()
            .zip(&leaders)
            .filter(|(w, junk)| !**junk && counts_for_confidence(&w.text))
            .map(|(w, _)| w)
            .map(|w| w.conf)
            .fold(100.0f32, f32::min);
        text_lines.push(s);
        out.line_confidence.push(conf);
        i = j;
    }
    out.text = text_lines.join("\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n";

    fn word(block: u32, par: u32, line: u32, left: u32, conf: f32, text: &str) -> String {
        format!(
            "5\t1\t{block}\t{par}\t{line}\t1\t{left}\t10\t{}\t20\t{conf}\t{text}\n",
            text.len() * 10
        )
    }

    #[test]
    fn rebuilds_lines_with_gaps_and_confidence() {
        let tsv = format!(
            "{HEAD}1\t1\t0\t0\t0\t0\t0\t0\t800\t600\t-1\t\n{}{}{}{}{}",
            word(1, 1, 1, 10, 96.0, "HAIR"),
            word(1, 2, 1, 10, 95.5, "Haircut"),
            word(1, 2, 1, 200, 71.0, "1,5OO"),
            word(1, 2, 2, 10, 96.0, "Beard"),
            word(1, 2, 2, 70, 96.0, "trim"),
        );
        let ocr = lines(&tsv);
        assert_eq!(ocr.text, "HAIR\n\nHaircut    1,5OO\nBeard trim");
        assert_eq!(ocr.line_confidence, vec![96.0, 100.0, 71.0, 96.0]);
    }

    #[test]
    fn leaders_do_not_lower_confidence() {
        let tsv = format!(
            "{HEAD}{}{}{}",
            word(1, 1, 1, 10, 95.0, "Facial"),
            word(1, 1, 1, 80, 12.0, "......"),
            word(1, 1, 1, 150, 94.0, "3,000"),
        );
        let ocr = lines(&tsv);
        assert_eq!(ocr.line_confidence, vec![94.0]);
    }

    #[test]
    fn garbage_is_ignored() {
        assert_eq!(lines("not\ttsv\n\n5\tx").text, "");
    }
}
