//! Validated configuration: flags and environment (and `.env`), parsed once into
//! typed settings, one per port. The core never reads the environment.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use ratiba_core::backends::realm_files::RealmFiles;
use ratiba_core::backends::sqlite::SqliteStore;
#[cfg(not(feature = "ocr"))]
use ratiba_core::backends::text::TextExtractor;
use ratiba_core::ports::IdempotencyStore;
use ratiba_core::{
    CatalogExtractor, Journal, Keyring, Onboarder, OnboarderSettings, Ports, RealmProvisioner,
    SchemaProvisioner,
};

use crate::args::Cli;

/// Where the registry, the journal and the tenant stores live.
#[derive(Debug, Clone)]
pub enum SchemaBackend {
    /// A registry file and one SQLite file per tenant under the data directory.
    Embedded,
    /// PostgreSQL (`DATABASE_URL`): the registry in `public`, a schema per tenant.
    #[cfg(feature = "postgres")]
    Postgres(ratiba_core::backends::postgres::PgConfig),
}

/// Where the realms live.
#[derive(Debug, Clone)]
pub enum RealmBackend {
    /// Realm representation files under `<data dir>/realms`.
    Files,
    /// A Keycloak server (`KEYCLOAK_URL`), over its Admin REST API.
    #[cfg(feature = "keycloak")]
    Keycloak(ratiba_core::backends::keycloak::KeycloakConfig),
}

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub schema: SchemaBackend,
    pub realms: RealmBackend,
    /// The realms' client settings (`RATIBA_ADMIN_REDIRECT_URIS`), for every realm backend.
    pub realm_settings: ratiba_core::ports::RealmSettings,
    pub json: bool,
    /// The keys sealing credentials (one base64 key, or `ID:BASE64,...` with the
    /// active key first); else the data directory's key file.
    pub encryption_key: Option<String>,
    /// Which extractor reads menus (`RATIBA_EXTRACTOR`).
    pub extractor: ExtractorBackend,
    /// Keycloak's address as browsers reach it (`RATIBA_OIDC_URL`), when it differs
    /// from `KEYCLOAK_URL`: the owners' sign-in and the tokens' issuer use it.
    pub oidc_url: Option<String>,
}

/// Who reads menus: the offline grammar (with Tesseract for photos), or Claude.
#[derive(Debug, Clone)]
pub enum ExtractorBackend {
    /// `RATIBA_EXTRACTOR=local` (the default): text by the grammar, photos by Tesseract.
    Local,
    /// `RATIBA_EXTRACTOR=claude`: photos by Claude (`ANTHROPIC_API_KEY`,
    /// `ANTHROPIC_MODEL`, `ANTHROPIC_BASE_URL`, `ANTHROPIC_TIMEOUT_SECS`).
    #[cfg(feature = "anthropic")]
    Claude(ratiba_core::backends::anthropic::AnthropicConfig),
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
            realm_settings: realm_settings(),
            json: cli.json,
            encryption_key: std::env::var("RATIBA_ENCRYPTION_KEY")
                .ok()
                .filter(|k| !k.is_empty()),
            extractor: extractor_backend()?,
            oidc_url: oidc_url()?,
        })
    }

    pub async fn onboarder(&self) -> Result<Onboarder> {
        let (schema, journal) = self.schema_ports().await?;
        let ports = Ports {
            schema,
            journal,
            realms: self.realm_port().await?,
            extractor: self.extractor()?,
        };
        Ok(Onboarder::new(ports, self.onboarder_settings()))
    }

    fn onboarder_settings(&self) -> OnboarderSettings {
        OnboarderSettings {
            realm: self.realm_settings.clone(),
            ..OnboarderSettings::default()
        }
    }

    async fn sqlite_store(&self) -> Result<SqliteStore> {
        Ok(match self.keyring()? {
            Some(keyring) => SqliteStore::open_with_keyring(&self.data_dir, keyring).await?,
            None => SqliteStore::open(&self.data_dir).await?,
        })
    }

    /// The Onboarder and the store of idempotency keys, sharing one connection pool.
    pub async fn server_parts(&self) -> Result<(Onboarder, Arc<dyn IdempotencyStore>)> {
        let (schema, journal, idempotency): (
            Arc<dyn SchemaProvisioner>,
            Arc<dyn Journal>,
            Arc<dyn IdempotencyStore>,
        ) = match self.schema {
            SchemaBackend::Embedded => {
                let store = Arc::new(self.sqlite_store().await?);
                (store.clone(), store.clone(), store)
            }
            #[cfg(feature = "postgres")]
            SchemaBackend::Postgres(_) => {
                let store = Arc::new(self.postgres_store().await?);
                (store.clone(), store.clone(), store)
            }
        };
        let ports = Ports {
            schema,
            journal,
            realms: self.realm_port().await?,
            extractor: self.extractor()?,
        };
        Ok((
            Onboarder::new(ports, self.onboarder_settings()),
            idempotency,
        ))
    }

    /// Where tenant bearer tokens come from: the Keycloak of the realms, if any.
    pub fn oidc_base_url(&self) -> Option<String> {
        match &self.realms {
            #[cfg(feature = "keycloak")]
            RealmBackend::Keycloak(config) => {
                Some(self.oidc_url.clone().unwrap_or_else(|| config.url.clone()))
            }
            _ => None,
        }
    }

    /// `RATIBA_ENCRYPTION_KEY` for the embedded store, read as on PostgreSQL.
    fn keyring(&self) -> Result<Option<Keyring>> {
        Ok(self
            .encryption_key
            .as_deref()
            .map(Keyring::parse)
            .transpose()?)
    }

    async fn schema_ports(&self) -> Result<(Arc<dyn SchemaProvisioner>, Arc<dyn Journal>)> {
        match self.schema {
            SchemaBackend::Embedded => {
                let store = Arc::new(self.sqlite_store().await?);
                Ok((store.clone(), store))
            }
            #[cfg(feature = "postgres")]
            SchemaBackend::Postgres(_) => {
                let store = Arc::new(self.postgres_store().await?);
                Ok((store.clone(), store))
            }
        }
    }

    /// The PostgreSQL store, for the commands only it has (`migrate`, `keys rotate`).
    #[cfg(feature = "postgres")]
    pub async fn postgres_store(&self) -> Result<ratiba_core::backends::postgres::PgStore> {
        match &self.schema {
            SchemaBackend::Postgres(config) => {
                Ok(ratiba_core::backends::postgres::PgStore::connect(config).await?)
            }
            SchemaBackend::Embedded => bail!(
                "this command works on the PostgreSQL store: set DATABASE_URL \
                 (the embedded store migrates itself when it is opened)"
            ),
        }
    }

    async fn realm_port(&self) -> Result<Arc<dyn RealmProvisioner>> {
        match self.realms {
            RealmBackend::Files => Ok(Arc::new(self.realm_files()?)),
            #[cfg(feature = "keycloak")]
            RealmBackend::Keycloak(ref config) => Ok(Arc::new(
                ratiba_core::backends::keycloak::KeycloakRealms::new(config.clone())?,
            )),
        }
    }

    /// The realm files of the embedded default (`realms push` reads them).
    pub fn realm_files(&self) -> Result<RealmFiles> {
        Ok(RealmFiles::open(&self.data_dir.join("realms"))?)
    }

    fn extractor(&self) -> Result<Arc<dyn CatalogExtractor>> {
        match &self.extractor {
            #[cfg(feature = "anthropic")]
            ExtractorBackend::Claude(config) => Ok(Arc::new(
                ratiba_core::backends::anthropic::ClaudeExtractor::new(config.clone())?,
            )),
            #[cfg(feature = "ocr")]
            ExtractorBackend::Local => {
                Ok(Arc::new(ratiba_core::backends::ocr::OcrExtractor::default()))
            }
            #[cfg(not(feature = "ocr"))]
            ExtractorBackend::Local => Ok(Arc::new(TextExtractor::new())),
        }
    }
}

#[cfg(not(feature = "postgres"))]
fn schema_backend(cli: &Cli) -> Result<SchemaBackend> {
    if cli.database_url.is_some() && !cli.embedded {
        bail!(
            "DATABASE_URL is set, but this build of ratiba has no PostgreSQL backend; \
             unset it or pass --embedded to use the embedded store"
        );
    }
    Ok(SchemaBackend::Embedded)
}

/// PostgreSQL when `DATABASE_URL` is set (and not `--embedded`), else the embedded
/// store. `RATIBA_APP_DATABASE_URL` (optional) connects the application pool, as
/// `RATIBA_APP_ROLE`, which every new tenant schema grants table access to;
/// `RATIBA_ENCRYPTION_KEY` (one base64 key, or `ID:BASE64,...` with the active key
/// first) seals WhatsApp access tokens.
#[cfg(feature = "postgres")]
fn schema_backend(cli: &Cli) -> Result<SchemaBackend> {
    use ratiba_core::backends::postgres::PgConfig;
    let url = match &cli.database_url {
        Some(url) if !url.trim().is_empty() && !cli.embedded => url.trim().to_string(),
        _ => return Ok(SchemaBackend::Embedded),
    };
    let mut config = PgConfig::new(url);
    config.app_url = std::env::var("RATIBA_APP_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty());
    config.app_role = std::env::var("RATIBA_APP_ROLE")
        .ok()
        .filter(|r| !r.trim().is_empty());
    if let Some(key) = std::env::var("RATIBA_ENCRYPTION_KEY")
        .ok()
        .filter(|k| !k.is_empty())
    {
        config.keyring = Some(ratiba_core::Keyring::parse(&key)?);
    }
    Ok(SchemaBackend::Postgres(config))
}

#[cfg(not(feature = "keycloak"))]
fn realm_backend(cli: &Cli) -> Result<RealmBackend> {
    if cli.keycloak_url.is_some() && !cli.embedded {
        bail!(
            "KEYCLOAK_URL is set, but this build of ratiba has no Keycloak backend; \
             unset it or pass --embedded to write realm files"
        );
    }
    Ok(RealmBackend::Files)
}

/// Keycloak when `KEYCLOAK_URL` is set (and not `--embedded`), else realm files.
/// Admin login: `KEYCLOAK_ADMIN_USER` (default `admin`) with
/// `KEYCLOAK_ADMIN_REALM_PASSWORD` (default `keycloak_dev`) on `KEYCLOAK_ADMIN_REALM`
/// (default `master`), or a service account with `KEYCLOAK_ADMIN_CLIENT_ID` and
/// `KEYCLOAK_ADMIN_CLIENT_SECRET`; `KEYCLOAK_TIMEOUT_SECS` (default 15) and
/// `KEYCLOAK_CREATE_TIMEOUT_SECS` (default 60) bound each call.
#[cfg(feature = "keycloak")]
fn realm_backend(cli: &Cli) -> Result<RealmBackend> {
    use ratiba_core::backends::keycloak::{KeycloakAuth, KeycloakConfig};
    use ratiba_core::Secret;
    let url = match &cli.keycloak_url {
        Some(url) if !url.trim().is_empty() && !cli.embedded => url.trim().to_string(),
        _ => return Ok(RealmBackend::Files),
    };
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let user =
        env("KEYCLOAK_ADMIN_USER").unwrap_or_else(|| KeycloakConfig::DEFAULT_ADMIN_USER.into());
    let password =
        env("KEYCLOAK_ADMIN_REALM_PASSWORD").unwrap_or_else(|| KeycloakConfig::DEV_PASSWORD.into());
    let mut config = KeycloakConfig::new(url, user, Secret::new(password));
    if let Some(realm) = env("KEYCLOAK_ADMIN_REALM") {
        config.admin_realm = realm;
    }
    match (
        env("KEYCLOAK_ADMIN_CLIENT_ID"),
        env("KEYCLOAK_ADMIN_CLIENT_SECRET"),
    ) {
        (Some(client_id), Some(secret)) => {
            config.auth = KeycloakAuth::ClientCredentials {
                client_id,
                client_secret: Secret::new(secret),
            }
        }
        (None, None) => {}
        _ => {
            bail!("set both KEYCLOAK_ADMIN_CLIENT_ID and KEYCLOAK_ADMIN_CLIENT_SECRET, or neither")
        }
    }
    let secs = |name: &str| -> Result<Option<std::time::Duration>> {
        env(name)
            .map(|v| match v.parse::<u64>() {
                Ok(n) if n > 0 => Ok(std::time::Duration::from_secs(n)),
                _ => bail!("{name} must be a whole number of seconds, not '{v}'"),
            })
            .transpose()
    };
    if let Some(t) = secs("KEYCLOAK_TIMEOUT_SECS")? {
        config.request_timeout = t;
    }
    if let Some(t) = secs("KEYCLOAK_CREATE_TIMEOUT_SECS")? {
        config.create_timeout = t;
    }
    Ok(RealmBackend::Keycloak(config))
}

/// `RATIBA_EXTRACTOR`: `local` (default) or `claude`.
fn extractor_backend() -> Result<ExtractorBackend> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    match env("RATIBA_EXTRACTOR").as_deref().map(str::trim) {
        None | Some("local") | Some("text") | Some("ocr") => Ok(ExtractorBackend::Local),
        #[cfg(feature = "anthropic")]
        Some("claude") | Some("anthropic") => {
            use ratiba_core::backends::anthropic::AnthropicConfig;
            let Some(key) = env("ANTHROPIC_API_KEY") else {
                bail!("RATIBA_EXTRACTOR=claude needs ANTHROPIC_API_KEY");
            };
            let mut config = AnthropicConfig::new(ratiba_core::Secret::new(key.trim()));
            if let Some(model) = env("ANTHROPIC_MODEL") {
                config.model = model.trim().to_string();
            }
            if let Some(url) = env("ANTHROPIC_BASE_URL") {
                config.base_url = url.trim().to_string();
            }
            if let Some(v) = env("ANTHROPIC_TIMEOUT_SECS") {
                match v.trim().parse::<u64>() {
                    Ok(n) if n > 0 => config.timeout = std::time::Duration::from_secs(n),
                    _ => bail!("ANTHROPIC_TIMEOUT_SECS must be a whole number of seconds, not '{v}'"),
                }
            }
            Ok(ExtractorBackend::Claude(config))
        }
        Some(other) => bail!(
            "RATIBA_EXTRACTOR must be 'local' or 'claude' (in a build with the anthropic feature), not '{other}'"
        ),
    }
}

/// `RATIBA_OIDC_URL`: an http(s) URL, or unset.
fn oidc_url() -> Result<Option<String>> {
    let Some(raw) = std::env::var("RATIBA_OIDC_URL")
        .ok()
        .filter(|v| !v.trim().is_empty())
    else {
        return Ok(None);
    };
    let raw = raw.trim().trim_end_matches('/').to_string();
    if !(raw.starts_with("http://") || raw.starts_with("https://")) {
        bail!("RATIBA_OIDC_URL must be an http:// or https:// URL (Keycloak as browsers reach it), not '{raw}'");
    }
    Ok(Some(raw))
}

/// `RATIBA_ADMIN_REDIRECT_URIS`: the dashboard client's redirect URIs, comma-separated.
fn realm_settings() -> ratiba_core::ports::RealmSettings {
    let mut settings = ratiba_core::ports::RealmSettings::default();
    if let Ok(raw) = std::env::var("RATIBA_ADMIN_REDIRECT_URIS") {
        let uris: Vec<String> = raw
            .split(',')
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_string)
            .collect();
        if !uris.is_empty() {
            settings.redirect_uris = uris;
        }
    }
    settings
}

/// `$XDG_DATA_HOME/ratiba` (`~/.local/share/ratiba` on Linux).
fn default_data_dir() -> Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join("ratiba"))
        .context("no per-user data directory is known here; set RATIBA_DATA_DIR or pass --data-dir")
}
