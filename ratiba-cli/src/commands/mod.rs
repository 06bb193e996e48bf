//! One module per command group; each turns validated input into core calls and output.

mod catalog;
#[cfg(feature = "postgres")]
mod keys;
#[cfg(feature = "postgres")]
mod migrate;
mod realms;
mod reconcile;
mod seed;
mod serve;
mod staff;
mod tenants;

use std::io::{IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::args::{Cli, Command};
use crate::config::Config;

pub async fn run(cli: Cli) -> Result<ExitCode> {
    let config = Config::from_cli(&cli)?;
    // These work on the store alone, without the other ports.
    if matches!(cli.command, Command::Migrate(_) | Command::Keys(_)) {
        return store_command(&config, cli.command).await;
    }
    if let Command::Serve(args) = cli.command {
        return serve::run(&config, args).await;
    }
    let onboarder = config.onboarder().await?;
    match cli.command {
        cmd @ (Command::Migrate(_) | Command::Keys(_)) => store_command(&config, cmd).await,
        Command::Tenants(cmd) => tenants::run(&onboarder, &config, cmd).await,
        Command::Catalog(cmd) => catalog::run(&onboarder, &config, cmd).await,
        Command::Staff(cmd) => staff::run(&onboarder, &config, cmd).await,
        Command::Seed { file, tenant } => seed::run(&onboarder, &config, &file, &tenant).await,
        Command::Realms(cmd) => realms::run(&onboarder, &config, cmd).await,
        Command::Reconcile { fix } => reconcile::run(&onboarder, &config, fix).await,
        Command::Serve(args) => serve::run(&config, args).await,
    }
}

/// Commands of the PostgreSQL store only.
async fn store_command(config: &Config, command: Command) -> Result<ExitCode> {
    match command {
        #[cfg(feature = "postgres")]
        Command::Migrate(args) => migrate::run(config, args).await,
        #[cfg(feature = "postgres")]
        Command::Keys(cmd) => keys::run(config, cmd).await,
        _ => {
            let _ = config;
            anyhow::bail!("this command needs a build of ratiba with the PostgreSQL backend")
        }
    }
}

/// A file's bytes, or stdin's for `-`.
fn read_input(path: &Path) -> Result<Vec<u8>> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("cannot read stdin")?;
        return Ok(buf);
    }
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Asks on the terminal; `false` when there is none to ask.
fn confirm(question: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Ok(false);
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
