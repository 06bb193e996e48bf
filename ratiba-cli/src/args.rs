//! Raw command-line flags, as clap parses them. Validation happens in `config`
//! and in ratiba-core, never here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "ratiba",
    version,
    about = "Onboard Ratiba tenants: registry, tenant store, realm and catalog"
)]
pub struct Cli {
    /// Directory of the embedded store (registry, tenant files, realm files).
    #[arg(long, global = true, env = "RATIBA_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// PostgreSQL URL (needs a build with the postgres backend).
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub database_url: Option<String>,

    /// Keycloak base URL (needs a build with the keycloak backend).
    #[arg(long, global = true, env = "KEYCLOAK_URL", value_name = "URL")]
    pub keycloak_url: Option<String>,

    /// Use the embedded store even when DATABASE_URL or KEYCLOAK_URL are set.
    #[arg(long, global = true)]
    pub embedded: bool,

    /// Print JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create, inspect, verify and delete tenants.
    #[command(subcommand)]
    Tenants(TenantsCommand),
    /// Read menus and import them into a tenant's catalog.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// A tenant's staff: the services they perform and their weekly schedule.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Bulk-load a tenant's services, staff and knowledge snippets from a JSON file
    /// (see examples/seed.json), for test automation; seeding again changes nothing.
    Seed {
        /// The seed document (`-` reads stdin).
        file: PathBuf,
        #[arg(long, value_name = "SLUG")]
        tenant: String,
    },
    /// Tenants' identity realms: push them to Keycloak.
    #[command(subcommand)]
    Realms(RealmsCommand),
    /// Bring every tenant schema to the current version (PostgreSQL).
    Migrate(MigrateArgs),
    /// Credential encryption keys (PostgreSQL).
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Serve the HTTP API (default port 8010).
    Serve(ServeArgs),
    /// List (and with --fix remove) what failed onboardings left behind.
    Reconcile {
        /// Remove the leftovers instead of only listing them.
        #[arg(long)]
        fix: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Add a staff member with their services and weekly schedule.
    Add(StaffAddArgs),
    /// List a tenant's staff.
    List {
        #[arg(long, value_name = "SLUG")]
        tenant: String,
    },
    /// Remove a staff member (by the id `staff list` shows).
    Remove {
        #[arg(long, value_name = "SLUG")]
        tenant: String,
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct StaffAddArgs {
    #[arg(long, value_name = "SLUG")]
    pub tenant: String,
    #[arg(long)]
    pub name: String,
    #[arg(long, value_name = "E164")]
    pub phone: Option<String>,
    /// A service they perform, by name or id (repeatable); it must be in the catalog.
    #[arg(long = "service", value_name = "NAME")]
    pub services: Vec<String>,
    /// A weekly interval in the tenant's time zone, like "mon 09:00-17:00" (repeatable).
    #[arg(long = "schedule", value_name = "DAY HH:MM-HH:MM")]
    pub schedule: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum RealmsCommand {
    /// Create in Keycloak (KEYCLOAK_URL) the realms of tenants that have none there,
    /// from their realm files, or rebuilt from the tenant when there is no file.
    Push {
        /// Only list what would be created.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TenantsCommand {
    /// Onboard a tenant from the onboarding request JSON or from flags.
    Create(Box<CreateArgs>),
    /// List every tenant.
    List,
    /// Show one tenant.
    Show { slug: String },
    /// Check every artifact of a tenant; exits 6 when a check fails.
    Verify { slug: String },
    /// Give the owner a one-time password for the dashboard sign-in through the
    /// tenant's realm (Keycloak only); printed once, replacing any earlier one.
    OwnerPassword { slug: String },
    /// Delete a tenant: registry rows, store and realm.
    Delete {
        slug: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The onboarding request as JSON (`-` reads stdin). Flags override its fields.
    #[arg(long, value_name = "FILE")]
    pub from_json: Option<PathBuf>,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub slug: Option<String>,
    #[arg(long)]
    pub vertical: Option<String>,
    #[arg(long, value_name = "E164")]
    pub owner_phone: Option<String>,
    #[arg(long, value_name = "E164")]
    pub whatsapp_number: Option<String>,
    #[arg(long, value_name = "E164")]
    pub voice_number: Option<String>,
    #[arg(long, value_name = "BCP47")]
    pub locale: Option<String>,
    #[arg(long, value_name = "IANA")]
    pub timezone: Option<String>,
    /// Whether the tenant takes M-Pesa (`--mpesa-enabled` alone means true).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub mpesa_enabled: Option<bool>,
    #[arg(long)]
    pub whatsapp_phone_number_id: Option<String>,
    /// Prefer --from-json or the environment: flags are visible to other users of the machine.
    #[arg(long, env = "WHATSAPP_ACCESS_TOKEN", hide_env_values = true)]
    pub whatsapp_access_token: Option<String>,
    #[arg(long)]
    pub whatsapp_business_account_id: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Read a menu (text file or photo) and print its rows with confidence colours.
    Extract {
        /// The menu (`-` reads stdin).
        file: PathBuf,
        /// Safety floor in KES: prices below it are never green.
        #[arg(long, value_name = "KES")]
        floor: Option<u32>,
    },
    /// Read a menu into a tenant's catalog as a draft; --commit writes the priced rows.
    Import {
        file: PathBuf,
        #[arg(long, value_name = "SLUG")]
        tenant: String,
        /// Write green and yellow rows to the tenant's services (red rows never).
        #[arg(long)]
        commit: bool,
        /// Do not ask for confirmation before committing.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Tenants migrated at once, each in its own transaction.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub parallelism: usize,
    /// Only list the tenants that are behind.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Re-encrypt every stored credential with the active key (the first in
    /// RATIBA_ENCRYPTION_KEY); the old keys must still be listed after it.
    Rotate,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; 0.0.0.0 to accept connections from other hosts.
    #[arg(long, env = "RATIBA_HOST", default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    #[arg(long, env = "PORT", default_value_t = 8010)]
    pub port: u16,
    /// The platform key for `X-Admin-API-Key`. Unset: a random key is generated and printed once.
    #[arg(long, env = "ADMIN_API_KEY", hide_env_values = true)]
    pub admin_api_key: Option<String>,
}
