//! `ratiba keys rotate`: re-seal stored credentials with the active key.

use std::process::ExitCode;

use anyhow::Result;

use crate::args::KeysCommand;
use crate::config::Config;
use crate::{exit, output};

pub async fn run(config: &Config, cmd: KeysCommand) -> Result<ExitCode> {
    match cmd {
        KeysCommand::Rotate => {
            let store = config.postgres_store().await?;
            let rotated = store.rotate_keys().await;
            store.close().await;
            let rotated = rotated?;
            if config.json {
                output::json(&serde_json::json!({ "rotated": rotated }))?;
            } else {
                println!("re-encrypted {rotated} credential(s) with the active key");
            }
        }
    }
    Ok(ExitCode::from(exit::OK))
}
