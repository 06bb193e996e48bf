//! Validated configuration: flags and environment (and `.env`), parsed once into
//! typed settings, one per port. The core never reads the environment.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use ratiba_core::backends::realm_files::RealmFiles;
use ratiba_core::backends::sqlite::SqliteStore;
use ratiba_core::backends::text::TextExtractor;
use ratiba_core::{
    CatalogExtractor, Journal, Onboarder, OnboarderSettings, Ports, RealmProvisioner,
    SchemaProvisioner, Sealer,
};

use crate::args::Cli;

/// Where the registry, the journal and the tenant stores live.
#[derive(Debug, Clone)]
pub enum SchemaBackend {
    /// A registry file and one SQLite file per tenant under the data directory.
    Embedded,
}

/// Where the realms live.
#[derive(Debug, Clone)]
pub enum RealmBackend {
    /// Realm representation files under `<data dir>/realms`.
    Files,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub schema: SchemaBackend,
    pub realms: RealmBackend,
    pub json: bool,
    /// A base64 key for sealing credentials; else the data directory's key file.
    pub encryption_key: Option<String>,
}

impl Config {
    pub fn from_cli(cli: &Cli) -> Result<Self> {
        let data_dir = match &cli.data_dir {
            Some(dir) => dir.clone(),
            None => default_data_dir()?,
        };
        Ok(Self {
            data_dir,
            schema: schema_backend(cli)?,
            realms: realm_backend(cli)?,
            json: cli.json,
            encryption_key: std::env::var("RATIBA_ENCRYPTION_KEY")
                .ok()
                .filter(|k| !k.is_empty()),
        })
    }

    pub async fn onboarder(&self) -> Result<Onboarder> {
        let (schema, journal) = self.schema_ports().await?;
        let ports = Ports {
            schema,
            journal,
            realms: self.realm_port().await?,
            extractor: self.extractor(),
        };
        Ok(Onboarder::new(ports, OnboarderSettings::default()))
    }

    fn sealer(&self) -> Result<Option<Sealer>> {
        Ok(self
            .encryption_key
            .as_deref()
            .map(Sealer::from_base64)
            .transpose()?)
    }

    async fn schema_ports(&self) -> Result<(Arc<dyn SchemaProvisioner>, Arc<dyn Journal>)> {
        match self.schema {
            SchemaBackend::Embedded => {
                let store = Arc::new(match self.sealer()? {
                    Some(sealer) => SqliteStore::open_with_sealer(&self.data_dir, sealer).await?,
                    None => SqliteStore::open(&self.data_dir).await?,
                });
                Ok((store.clone(), store))
            }
        }
    }

    async fn realm_port(&self) -> Result<Arc<dyn RealmProvisioner>> {
        match self.realms {
            RealmBackend::Files => Ok(Arc::new(RealmFiles::open(&self.data_dir.join("realms"))?)),
        }
    }

    fn extractor(&self) -> Arc<dyn CatalogExtractor> {
        Arc::new(TextExtractor::new())
    }
}

fn schema_backend(cli: &Cli) -> Result<SchemaBackend> {
    if cli.database_url.is_some() && !cli.embedded {
        bail!(
            "DATABASE_URL is set, but this build of ratiba has no PostgreSQL backend yet; \
             unset it or pass --embedded to use the embedded store"
        );
    }
    Ok(SchemaBackend::Embedded)
}

fn realm_backend(cli: &Cli) -> Result<RealmBackend> {
    if cli.keycloak_url.is_some() && !cli.embedded {
        bail!(
            "KEYCLOAK_URL is set, but this build of ratiba has no Keycloak backend yet; \
             unset it or pass --embedded to write realm files"
        );
    }
    Ok(RealmBackend::Files)
}

/// `$XDG_DATA_HOME/ratiba` (`~/.local/share/ratiba` on Linux).
fn default_data_dir() -> Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join("ratiba"))
        .context("no per-user data directory is known here; set RATIBA_DATA_DIR or pass --data-dir")
}
