//! The embedded default: a registry database (`registry.db`) and one SQLite file per
//! tenant (`tenants/<slug>.db`) under a data directory. Nothing to install.
//!
//! Two-phase onboarding: `prepare` inserts the registry rows in an open transaction
//! and builds the tenant file under a pending name (`<slug>.<id>.pending.db`);
//! `commit` renames the file into place and commits the transaction. A crash
//! leaves at most a pending file, which `reconcile` finds as an orphan store.
//!
//! WhatsApp access tokens are sealed with a [`Keyring`], bound to the tenant id and
//! the column like on PostgreSQL, and stored as a BLOB; TEXT values (`v1:...`) are
//! the plain [`Sealer`] format of earlier versions, still opened with the same key.

mod catalog;
mod idempotency;
mod journal;
mod knowledge;
mod migrate;
mod registry;
mod staff;

use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Connection, SqliteConnection, SqlitePool};

use crate::error::{Error, Result};
use crate::secrets::{Keyring, Sealer};

const KEY_FILE: &str = "secret.key";

/// The registry, journal and tenant stores of one data directory.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    dir: PathBuf,
    registry: SqlitePool,
    keyring: Keyring,
}

impl SqliteStore {
    /// Opens (creating if needed) the store under `dir`, with the credential key from
    /// `dir/secret.key` (one base64 key, generated on first use, readable only by its
    /// owner), as a keyring of that one key.
    pub async fn open(dir: &Path) -> Result<Self> {
        fs::create_dir_all(dir.join("tenants"))
            .map_err(|e| Error::from(e).context(format!("data directory {}", dir.display())))?;
        let sealer = load_or_create_key(&dir.join(KEY_FILE))?;
        Self::open_with_keyring(dir, Keyring::from(&sealer)).await
    }

    /// Opens with this one key instead of the key file: the same as
    /// [`SqliteStore::open_with_keyring`] with `Keyring::from(&sealer)`.
    pub async fn open_with_sealer(dir: &Path, sealer: Sealer) -> Result<Self> {
        Self::open_with_keyring(dir, Keyring::from(&sealer)).await
    }

    /// Opens with these keys instead of the key file (`RATIBA_ENCRYPTION_KEY`, as
    /// [`Keyring::parse`] reads it): the active key seals, any of them opens.
    pub async fn open_with_keyring(dir: &Path, keyring: Keyring) -> Result<Self> {
        fs::create_dir_all(dir.join("tenants"))
            .map_err(|e| Error::from(e).context(format!("data directory {}", dir.display())))?;
        let options =
            connect_options(&dir.join("registry.db"))?.journal_mode(SqliteJournalMode::Wal);
        let registry = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(60))
            .connect_with(options)
            .await
            .map_err(|e| db_error("open registry", e))?;
        let mut conn = registry
            .acquire()
            .await
            .map_err(|e| db_error("open registry", e))?;
        migrate::run(&mut conn, migrate::REGISTRY).await?;
        drop(conn);
        Ok(Self {
            dir: dir.to_path_buf(),
            registry,
            keyring,
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.dir
    }

    fn tenants_dir(&self) -> PathBuf {
        self.dir.join("tenants")
    }

    fn store_path(&self, name: &str) -> PathBuf {
        self.tenants_dir().join(format!("{name}.db"))
    }

    async fn open_tenant_file(&self, path: &Path, create: bool) -> Result<SqliteConnection> {
        let options = connect_options(path)?.create_if_missing(create);
        SqliteConnection::connect_with(&options).await.map_err(|e| {
            // Checked after the failure, not before the open: a store deleted
            // at the same moment is then not found, never a backend failure.
            if !create && !path.exists() {
                let slug = path
                    .file_stem()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default();
                Error::not_found(format!(
                    "the store of tenant '{slug}' is missing; run `ratiba tenants verify {slug}`"
                ))
            } else {
                db_error("open tenant store", e)
            }
        })
    }

    /// A connection to the store of tenant `slug`: `NotFound` when it has none.
    pub(crate) async fn tenant_store(
        &self,
        slug: &crate::tenant::Slug,
    ) -> Result<SqliteConnection> {
        self.open_tenant_file(&self.store_path(slug.as_str()), false)
            .await
    }
}

fn connect_options(path: &Path) -> Result<SqliteConnectOptions> {
    let url = format!("sqlite://{}", path.display());
    Ok(SqliteConnectOptions::from_str(&url)
        .map_err(|e| {
            Error::backend(format!("bad database path {}", path.display())).with_source(e)
        })?
        .filename(path)
        .create_if_missing(true)
        .foreign_keys(true)
        // Onboardings serialize on the registry's write lock; wait rather than fail.
        .busy_timeout(Duration::from_secs(30)))
}

/// Files of a SQLite database: the file and its WAL and shared-memory siblings.
fn remove_db_files(path: &Path) -> std::io::Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        match fs::remove_file(PathBuf::from(p)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

fn load_or_create_key(path: &Path) -> Result<Sealer> {
    match fs::read_to_string(path) {
        Ok(text) => Sealer::from_base64(&text)
            .map_err(|e| e.context(format!("key file {}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = Sealer::generate_key();
            let mut options = fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            match options.open(path) {
                Ok(mut f) => {
                    use std::io::Write;
                    f.write_all(key.as_bytes())?;
                    f.sync_all()?;
                    Sealer::from_base64(&key)
                }
                // Another process created it first: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load_or_create_key(path),
                Err(e) => Err(Error::from(e).context(format!("key file {}", path.display()))),
            }
        }
        Err(e) => Err(Error::from(e).context(format!("key file {}", path.display()))),
    }
}

/// Maps sqlx errors by code, never by message text.
pub(crate) fn db_error(what: &str, err: sqlx::Error) -> Error {
    use sqlx::error::ErrorKind as Db;
    let kind = err
        .as_database_error()
        .map(|d| (d.kind(), d.code().map(|c| c.to_string())));
    match (&err, kind) {
        (_, Some((Db::UniqueViolation, _))) => {
            Error::conflict(format!("{what}: already exists")).with_source(err)
        }
        // SQLITE_BUSY (5) and SQLITE_LOCKED (6): another writer held on too long.
        (_, Some((_, Some(code))))
            if code.parse::<i64>().is_ok_and(|c| matches!(c & 0xff, 5 | 6)) =>
        {
            Error::unavailable(
                format!("{what}: the database is busy"),
                Some(Duration::from_secs(1)),
            )
            .with_source(err)
        }
        (sqlx::Error::PoolTimedOut, _) => Error::unavailable(
            format!("{what}: the database is busy"),
            Some(Duration::from_secs(1)),
        )
        .with_source(err),
        _ => Error::backend(format!("{what}: {err}")).with_source(err),
    }
}
