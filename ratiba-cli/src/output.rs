//! Human output: aligned tables, and colour for confidence when stdout is a terminal.

use std::io::IsTerminal;

use ratiba_core::catalog::{Confidence, Extraction};
use ratiba_core::{Tenant, VerifyReport};
use serde::Serialize;

pub fn json<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn colour_enabled() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
}

fn paint(text: &str, code: &str) -> String {
    if colour_enabled() {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Columns padded to their widest cell (counted in characters, not bytes).
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(visible_len(cell));
            }
        }
    }
    let line = |cells: Vec<String>| -> String {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < cells.len() {
                out.push_str(&" ".repeat(widths[i] - visible_len(cell) + 2));
            }
        }
        out.trim_end().to_string()
    };
    let mut out = vec![line(headers.iter().map(|h| h.to_string()).collect())];
    out.extend(rows.iter().map(|r| line(r.clone())));
    out.join("\n")
}

/// Length without ANSI colour codes.
fn visible_len(s: &str) -> usize {
    let mut n = 0;
    let mut in_escape = false;
    for c in s.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => n += 1,
        }
    }
    n
}

pub fn tenant(t: &Tenant) -> String {
    let owner = t
        .owner()
        .map(|o| o.phone_number.clone())
        .unwrap_or_else(|| "-".into());
    let rows = [
        ("id", t.id.clone()),
        ("name", t.name.clone()),
        ("slug", t.slug.clone()),
        ("vertical", t.vertical.clone()),
        ("status", t.status.as_str().to_string()),
        ("locale", t.locale.clone()),
        ("timezone", t.timezone.clone()),
        ("whatsapp", t.whatsapp_number.clone()),
        (
            "voice",
            t.voice_number.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            "m-pesa",
            if t.mpesa_enabled {
                "enabled"
            } else {
                "disabled"
            }
            .into(),
        ),
        ("owner", owner),
        ("created", t.created_at.to_rfc3339_opts(chrono_secs(), true)),
    ];
    rows.iter()
        .map(|(k, v)| format!("  {k:<10} {v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn chrono_secs() -> chrono::SecondsFormat {
    chrono::SecondsFormat::Secs
}

pub fn tenants(list: &[Tenant]) -> String {
    if list.is_empty() {
        return "no tenants yet; create one with `ratiba tenants create --from-json FILE`".into();
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|t| {
            vec![
                t.slug.clone(),
                t.name.clone(),
                t.vertical.clone(),
                t.status.as_str().into(),
                t.owner()
                    .map(|o| o.phone_number.clone())
                    .unwrap_or_default(),
                t.created_at.to_rfc3339_opts(chrono_secs(), true),
            ]
        })
        .collect();
    table(
        &["SLUG", "NAME", "VERTICAL", "STATUS", "OWNER", "CREATED"],
        &rows,
    )
}

pub fn verify(report: &VerifyReport) -> String {
    let mut out: Vec<String> = report
        .checks
        .iter()
        .map(|c| {
            let mark = if c.ok {
                paint("ok  ", "32")
            } else if c.warning {
                paint("warn", "33")
            } else {
                paint("FAIL", "31")
            };
            format!("  {mark} {:<14} {}", c.name, c.detail)
        })
        .collect();
    // Failed warnings show as `warn` lines above; they neither fail nor count.
    let failed: Vec<&str> = report.failed().map(|c| c.name).collect();
    let warned = report.warnings().count();
    out.push(if failed.is_empty() {
        format!(
            "{}: all {} checks passed",
            report.slug,
            report.checks.len() - warned
        )
    } else {
        format!(
            "{}: {} failed: {}",
            report.slug,
            failed.len(),
            failed.join(", ")
        )
    });
    out.join("\n")
}

pub fn confidence(c: Confidence) -> String {
    match c {
        Confidence::Green => paint("green", "32"),
        Confidence::Yellow => paint("yellow", "33"),
        Confidence::Red => paint("red", "31"),
    }
}

pub fn extraction(e: &Extraction) -> String {
    if e.rows.is_empty() {
        return "no services found in this menu".into();
    }
    let rows: Vec<Vec<String>> = e
        .rows
        .iter()
        .map(|r| {
            let price = match (r.price_kes, r.price_max_kes) {
                (Some(lo), Some(hi)) => format!("KES {lo}-{hi}"),
                (Some(p), None) => format!("KES {p}"),
                (None, _) => "-".into(),
            };
            let duration = match (r.duration_minutes, r.duration_max_minutes) {
                (Some(lo), Some(hi)) => format!("{lo}-{hi} min"),
                (Some(d), None) => format!("{d} min"),
                (None, _) => "-".into(),
            };
            vec![
                r.name.clone(),
                price,
                duration,
                r.category.clone().unwrap_or_else(|| "-".into()),
                confidence(r.confidence),
                r.reasons.join("; "),
            ]
        })
        .collect();
    let mut out = table(
        &[
            "SERVICE",
            "PRICE",
            "DURATION",
            "CATEGORY",
            "CONFIDENCE",
            "WHY",
        ],
        &rows,
    );
    if !e.relations.is_empty() {
        out.push_str("\n\ncross-sell:");
        for r in &e.relations {
            out.push_str(&format!(
                "\n  {} -> {} ({})",
                r.service, r.related, r.relation_type
            ));
        }
    }
    out
}

/// Runs `work`, and while it takes long (OCR, a model call) shows a spinner with the
/// elapsed time on stderr, if stderr is a terminal; the line is cleared at the end.
pub async fn with_progress<T>(label: &str, work: impl std::future::Future<Output = T>) -> T {
    if !std::io::stderr().is_terminal() {
        return work.await;
    }
    const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let started = std::time::Instant::now();
    tokio::pin!(work);
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(120));
    let mut shown = false;
    for frame in FRAMES.iter().cycle() {
        tokio::select! {
            out = &mut work => {
                if shown {
                    eprint!("\r\x1b[2K");
                }
                return out;
            }
            _ = tick.tick() => {
                if started.elapsed() > std::time::Duration::from_millis(300) {
                    shown = true;
                    eprint!("\r{frame} {label}… {:.1} s", started.elapsed().as_secs_f64());
                }
            }
        }
    }
    work.await
}
