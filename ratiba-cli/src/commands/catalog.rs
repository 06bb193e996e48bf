use std::process::ExitCode;

use anyhow::Result;
use ratiba_core::catalog::CatalogCommit;
use ratiba_core::{MenuInput, Onboarder, OnboarderSettings, Slug};

use super::{confirm, read_input};
use crate::args::CatalogCommand;
use crate::config::Config;
use crate::{exit, output};

pub async fn run(onboarder: &Onboarder, config: &Config, cmd: CatalogCommand) -> Result<ExitCode> {
    match cmd {
        CatalogCommand::Extract { file, floor } => {
            let menu = MenuInput::from_bytes("file", read_input(&file)?)?;
            let onboarder = match floor {
                None => onboarder.clone(),
                Some(floor_kes) => onboarder.with_settings(OnboarderSettings {
                    floor_kes,
                    ..onboarder.settings().clone()
                }),
            };
            let extraction =
                output::with_progress(reading(&menu), onboarder.extract_catalog(&menu)).await?;
            if config.json {
                output::json(&extraction.contract_json())?;
            } else {
                println!("{}", output::extraction(&extraction));
            }
        }
        CatalogCommand::Import {
            file,
            tenant,
            commit,
            yes,
        } => {
            let slug = Slug::parse(&tenant)?;
            let menu = MenuInput::from_bytes("file", read_input(&file)?)?;
            // Read once (OCR and model calls are slow, and cost): store the draft, show
            // it, and commit that same draft once the owner agrees.
            let mut import = output::with_progress(
                reading(&menu),
                onboarder.import_catalog(&slug, &menu, false),
            )
            .await?;
            if commit {
                let asked = yes || !std::io::IsTerminal::is_terminal(&std::io::stdin()) || {
                    println!("{}", output::extraction(&import.extraction));
                    confirm(&format!("commit the priced rows to '{slug}'?"))?
                };
                if asked {
                    let (mut rows, _) = CatalogCommit::from_extraction(&import.extraction);
                    rows.import_id = Some(import.import_id.clone());
                    import.committed = Some(onboarder.commit_catalog(&slug, &rows).await?);
                }
            }
            if config.json {
                output::json(&import)?;
                return Ok(ExitCode::from(exit::OK));
            }
            println!("{}", output::extraction(&import.extraction));
            println!(
                "\nimport {} saved as a draft for '{slug}'",
                import.import_id
            );
            match import.committed {
                Some(r) => println!(
                    "committed: {} created, {} updated, {} unchanged, {} cross-sell relations",
                    r.created, r.updated, r.unchanged, r.relations
                ),
                None => println!("not committed: review, then run again with --commit"),
            }
            if !import.needs_price.is_empty() {
                println!(
                    "waiting for a price (red, never committed without one): {}",
                    import.needs_price.join(", ")
                );
            }
        }
    }
    Ok(ExitCode::from(exit::OK))
}

/// What the progress line says while a menu is read.
fn reading(menu: &MenuInput) -> &'static str {
    if menu.image.is_some() {
        "reading the photo"
    } else {
        "reading the menu"
    }
}
