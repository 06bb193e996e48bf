use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use ratiba_core::onboard::SeedData;
use ratiba_core::{Onboarder, Slug};

use super::read_input;
use crate::config::Config;
use crate::{exit, output};

pub async fn run(
    onboarder: &Onboarder,
    config: &Config,
    file: &Path,
    tenant: &str,
) -> Result<ExitCode> {
    let slug = Slug::parse(tenant)?;
    let bytes = read_input(file)?;
    let text =
        String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", file.display()))?;
    let data: SeedData = serde_json::from_str(&text).map_err(|e| {
        ratiba_core::Error::field(
            "seed",
            format!("{} is not a seed document ({e}); expected {{services, relations, staff, knowledge}}", file.display()),
        )
    })?;
    let report = onboarder.seed(&slug, &data).await?;
    if config.json {
        output::json(&report)?;
    } else {
        let s = report.services;
        println!(
            "seeded {slug}: services {} created, {} updated, {} unchanged ({} relations); staff {} created, {} updated; knowledge {} created, {} updated",
            s.created,
            s.updated,
            s.unchanged,
            s.relations,
            report.staff_created,
            report.staff_updated,
            report.knowledge.created,
            report.knowledge.updated
        );
    }
    Ok(ExitCode::from(exit::OK))
}
