//! The PostgreSQL backend (feature `postgres`): a shared registry in `public`
//! (`tenants`, `tenant_admins`, `onboarding_journal`) and one schema `tenant_<slug>`
//! per tenant.
//!
//! Two-phase onboarding in ONE transaction: [`SchemaProvisioner::prepare`] opens a
//! transaction on the admin pool, takes the slug's advisory lock, inserts the registry
//! rows, creates the schema and every table from the DDL snapshot; the pending tenant
//! holds that transaction open while the Onboarder creates the realm, then commits
//! or rolls it back. PostgreSQL DDL is transactional, so a crash (the connection
//! dies) leaves nothing at all.
//!
//! Two pools: the admin pool does DDL and registry writes; the application pool does
//! tenant work through [`PgStore::with_tenant`], which scopes `search_path` to one
//! transaction and fails loudly when the schema is missing.
//!
//! [`SchemaProvisioner::prepare`]: crate::ports::SchemaProvisioner::prepare

mod catalog;
mod error;
mod idempotency;
mod ident;
mod journal;
mod knowledge;
mod migrate;
mod registry;
mod scoped;
mod staff;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

pub use error::db_error;
pub use ident::{schema_name, QuotedSchema};
pub use migrate::{
    MigrateEvent, MigrateOptions, MigrateReport, TenantMigration, TenantMigrationOutcome,
    REGISTRY_VERSION, TENANT_SNAPSHOT_VERSION, TENANT_UPGRADES,
};
pub use scoped::TenantFuture;

use crate::error::{Error, Result};
use crate::secrets::Keyring;

/// The column of `public.tenants` that holds the sealed WhatsApp access token; it is
/// also the associated data's column name, so a ciphertext opens only there (the
/// embedded store seals with the same one).
pub use crate::secrets::TOKEN_COLUMN;

/// How to reach PostgreSQL. `Debug` hides the URLs' passwords.
#[derive(Clone)]
pub struct PgConfig {
    /// The admin URL: DDL, registry writes, migrations.
    pub url: String,
    /// The application URL for tenant work (a less privileged role); the admin URL when unset.
    pub app_url: Option<String>,
    /// Overrides the database named in the URLs (tests use a database each).
    pub database: Option<String>,
    pub admin_connections: u32,
    pub app_connections: u32,
    /// How long to wait for a connection before answering `Unavailable`.
    pub acquire_timeout: Duration,
    /// Seals WhatsApp access tokens; without it, a request carrying one is refused.
    pub keyring: Option<Keyring>,
    /// The role of the application pool, when it is not the admin role: every new
    /// tenant schema grants it USAGE and SELECT/INSERT/UPDATE/DELETE on its tables
    /// (never DDL, never the registry).
    pub app_role: Option<String>,
}

impl std::fmt::Debug for PgConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgConfig")
            .field("url", &redact_url(&self.url))
            .field("app_url", &self.app_url.as_deref().map(redact_url))
            .field("database", &self.database)
            .field("admin_connections", &self.admin_connections)
            .field("app_connections", &self.app_connections)
            .field("acquire_timeout", &self.acquire_timeout)
            .field("keyring", &self.keyring)
            .field("app_role", &self.app_role)
            .finish()
    }
}

/// `postgres://user:secret@host/db` as `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "***".into();
    };
    match rest.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            if userinfo.contains(':') {
                format!("{scheme}://{user}:***@{host}")
            } else {
                format!("{scheme}://{user}@{host}")
            }
        }
        None => url.to_string(),
    }
}

impl PgConfig {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            app_url: None,
            database: None,
            admin_connections: 8,
            app_connections: 8,
            acquire_timeout: Duration::from_secs(10),
            keyring: None,
            app_role: None,
        }
    }

    pub fn with_keyring(mut self, keyring: Keyring) -> Self {
        self.keyring = Some(keyring);
        self
    }

    pub fn with_database(mut self, database: impl Into<String>) -> Self {
        self.database = Some(database.into());
        self
    }

    fn options(&self, url: &str) -> Result<PgConnectOptions> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(Error::field(
                "DATABASE_URL",
                "must be a postgres:// or postgresql:// URL",
            ));
        }
        let options = PgConnectOptions::from_str(url).map_err(|e| {
            // The URL may hold a password: never echo it.
            Error::field("DATABASE_URL", "is not a valid postgres:// URL").with_source(e)
        })?;
        let options = options.application_name("ratiba");
        Ok(match &self.database {
            Some(db) => options.database(db),
            None => options,
        })
    }
}

/// The registry, journal and tenant schemas of one PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PgStore {
    admin: PgPool,
    app: PgPool,
    keyring: Option<Keyring>,
    /// The validated application role that tenant schemas grant access to.
    app_role: Option<String>,
}

impl PgStore {
    /// Connects both pools and brings the registry to the current version.
    pub async fn connect(config: &PgConfig) -> Result<Self> {
        let admin_options = config.options(&config.url)?;
        let app_options = config.options(config.app_url.as_deref().unwrap_or(&config.url))?;
        let admin = PgPoolOptions::new()
            .max_connections(config.admin_connections.max(1))
            .acquire_timeout(config.acquire_timeout)
            .connect_with(admin_options)
            .await
            .map_err(|e| db_error("connect to PostgreSQL (admin pool)", e))?;
        let app = PgPoolOptions::new()
            .max_connections(config.app_connections.max(1))
            .acquire_timeout(config.acquire_timeout)
            .connect_lazy_with(app_options);
        let app_role = config
            .app_role
            .as_deref()
            .map(ident::check_role)
            .transpose()?;
        let store = Self {
            admin,
            app,
            keyring: config.keyring.clone(),
            app_role,
        };
        migrate::migrate_registry(&store.admin).await?;
        Ok(store)
    }

    /// A store over pools the caller built (a pool of one, say). Runs the registry
    /// migrations on the admin pool.
    pub async fn from_pools(admin: PgPool, app: PgPool, keyring: Option<Keyring>) -> Result<Self> {
        migrate::migrate_registry(&admin).await?;
        Ok(Self {
            admin,
            app,
            keyring,
            app_role: None,
        })
    }

    /// Tenant schemas made from now on grant `role` (the application pool's)
    /// what tenant work needs.
    pub fn with_app_role(mut self, role: &str) -> Result<Self> {
        self.app_role = Some(ident::check_role(role)?);
        Ok(self)
    }

    /// The GRANT statements for one schema, or nothing without an app role.
    pub(crate) fn grants(&self, schema: &QuotedSchema) -> String {
        match &self.app_role {
            None => String::new(),
            Some(role) => {
                let (q, r) = (schema.quoted(), ident::quote_identifier(role));
                format!(
                    "\nGRANT USAGE ON SCHEMA {q} TO {r};\n\
                     GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {q} TO {r};\n"
                )
            }
        }
    }

    pub fn admin_pool(&self) -> &PgPool {
        &self.admin
    }

    pub fn app_pool(&self) -> &PgPool {
        &self.app
    }

    /// Closes both pools, waiting for connections in use to come back.
    pub async fn close(&self) {
        self.app.close().await;
        self.admin.close().await;
    }
}

/// The advisory lock key of one slug: every writer of a tenant (onboarding, delete,
/// migrate, orphan removal) takes it for its transaction.
pub(crate) const SLUG_LOCK_SQL: &str =
    "SELECT pg_advisory_xact_lock(hashtextextended('ratiba.tenant:' || $1, 0))";

/// Waits at most this long for another writer of the same slug.
pub(crate) const SLUG_LOCK_TIMEOUT: &str = "SET LOCAL lock_timeout = '2s'";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_passwords() {
        let config = PgConfig::new("postgres://ratiba:hunter2@db.local:5432/ratiba");
        let text = format!("{config:?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(
            text.contains("postgres://ratiba:***@db.local:5432/ratiba"),
            "{text}"
        );
        assert_eq!(redact_url("postgres://u@h/d"), "postgres://u@h/d");
    }
}
