use std::process::ExitCode;

use anyhow::Result;
use ratiba_core::Onboarder;

use crate::config::Config;
use crate::{exit, output};

pub async fn run(onboarder: &Onboarder, config: &Config, fix: bool) -> Result<ExitCode> {
    let report = onboarder.reconcile(fix).await?;
    if config.json {
        output::json(&report)?;
    } else if report.is_clean() {
        println!("nothing to reconcile: no leftovers of failed onboardings");
    } else {
        let rows: Vec<Vec<String>> = report
            .items
            .iter()
            .map(|i| vec![i.leftover.clone(), i.action.clone(), i.reason.clone()])
            .collect();
        println!(
            "{}",
            output::table(&["LEFTOVER", "ACTION", "REASON"], &rows)
        );
        if !fix {
            println!("\nrun `ratiba reconcile --fix` to remove them");
        }
    }
    Ok(ExitCode::from(if report.failures() > 0 {
        exit::FAILURE
    } else {
        exit::OK
    }))
}
