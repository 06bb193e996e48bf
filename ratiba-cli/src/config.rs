//! Validated configuration: flags and environment (and `.env`), parsed once.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use ratiba_core::{Onboarder, OnboarderSettings, Ports, Sealer};

use crate::args::Cli;

/// Where tenants live.
#[derive(Debug, Clone)]
pub enum Backend {
    /// SQLite files and realm files under a data directory.
    Embedded { data_dir: PathBuf },
}

#[derive(Debug, Clone)]
pub struct Config {
    pub backend: Backend,
    pub json: bool,
    /// A base64 key for sealing credentials; else the data directory's key file.
    pub encryption_key: Option<String>,
}

impl Config {
    pub fn from_cli(cli: &Cli) -> Result<Self> {
        if !cli.embedded {
            if cli.database_url.is_some() {
                bail!(
                    "DATABASE_URL is set, but this build of ratiba has no PostgreSQL backend yet; \
                     unset it or pass --embedded to use the embedded store"
                );
            }
            if cli.keycloak_url.is_some() {
                bail!(
                    "KEYCLOAK_URL is set, but this build of ratiba has no Keycloak backend yet; \
                     unset it or pass --embedded to write realm files"
                );
            }
        }
        let data_dir = match &cli.data_dir {
            Some(dir) => dir.clone(),
            None => default_data_dir()?,
        };
        Ok(Self {
            backend: Backend::Embedded { data_dir },
            json: cli.json,
            encryption_key: std::env::var("RATIBA_ENCRYPTION_KEY").ok().filter(|k| !k.is_empty()),
        })
    }

    pub async fn onboarder(&self) -> Result<Onboarder> {
        match &self.backend {
            Backend::Embedded { data_dir } => {
                let ports = match &self.encryption_key {
                    None => Ports::embedded(data_dir).await?,
                    Some(key) => {
                        let sealer = Sealer::from_base64(key)?;
                        let store = std::sync::Arc::new(
                            ratiba_core::backends::sqlite::SqliteStore::open_with_sealer(data_dir, sealer).await?,
                        );
                        Ports {
                            schema: store.clone(),
                            journal: store,
                            ..Ports::embedded(data_dir).await?
                        }
                    }
                };
                Ok(Onboarder::new(ports, OnboarderSettings::default()))
            }
        }
    }
}

/// `$XDG_DATA_HOME/ratiba` (`~/.local/share/ratiba` on Linux).
fn default_data_dir() -> Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join("ratiba"))
        .context("no per-user data directory is known here; set RATIBA_DATA_DIR or pass --data-dir")
}
