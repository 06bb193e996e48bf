//! `ratiba migrate`: every tenant schema to the current version, with bounded
//! parallelism, one transaction and lock per tenant (so a rerun resumes after a
//! crash), a progress bar on the terminal, and a per-tenant report.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;
use ratiba_core::backends::postgres::{MigrateEvent, MigrateOptions};

use crate::args::MigrateArgs;
use crate::config::Config;
use crate::{exit, output};

pub async fn run(config: &Config, args: MigrateArgs) -> Result<ExitCode> {
    if args.parallelism == 0 {
        return Err(ratiba_core::Error::field("parallelism", "must be at least 1").into());
    }
    let store = config.postgres_store().await?;
    let options = MigrateOptions {
        parallelism: args.parallelism,
        dry_run: args.dry_run,
        ..MigrateOptions::default()
    };
    let bar = !config.json && std::io::stderr().is_terminal();
    let total = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let progress = |event: &MigrateEvent| {
        if !bar {
            return;
        }
        match event {
            MigrateEvent::Planned { total: n, .. } => total.store(*n, Ordering::Relaxed),
            MigrateEvent::Tenant(_) => {
                let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                let n = total.load(Ordering::Relaxed).max(1);
                let filled = d * 30 / n;
                eprint!(
                    "\r[{}{}] {d}/{n} tenants",
                    "#".repeat(filled),
                    ".".repeat(30 - filled.min(30))
                );
                let _ = std::io::stderr().flush();
            }
        }
    };
    let report = store.migrate_tenants(&options, &progress).await;
    if bar && done.load(Ordering::Relaxed) > 0 {
        eprintln!();
    }
    store.close().await;
    let report = report?;
    if config.json {
        output::json(&report)?;
    } else if report.tenants.is_empty() {
        println!(
            "nothing to migrate: {} tenant schema(s) at version {}",
            report.up_to_date, report.target_version
        );
    } else {
        let rows: Vec<Vec<String>> = report
            .tenants
            .iter()
            .map(|t| {
                vec![
                    t.slug.clone(),
                    t.from_version.to_string(),
                    t.to_version.to_string(),
                    t.status.clone(),
                    format!("{} ms", t.millis),
                ]
            })
            .collect();
        println!(
            "{}",
            output::table(&["TENANT", "FROM", "TO", "STATUS", "TIME"], &rows)
        );
        println!(
            "\n{} behind, {} failed, {} already at version {} ({} ms)",
            report.tenants.len(),
            report.failures(),
            report.up_to_date,
            report.target_version,
            report.millis
        );
        if report.failures() > 0 {
            println!("run `ratiba migrate` again to retry the failed tenants");
        }
    }
    if report.failures() > 0 {
        return Ok(ExitCode::from(exit::FAILURE));
    }
    if args.dry_run && !report.tenants.is_empty() && !config.json {
        println!("dry run: nothing was changed");
    }
    Ok(ExitCode::from(exit::OK))
}
