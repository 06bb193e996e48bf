//! The [`Onboarder`]: the saga over the ports, and the operations around a tenant's
//! life (get, list, delete, verify, reconcile, catalog import).

mod catalog;
mod reconcile;
mod saga;
mod seed;
mod staff;
mod verify;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub use catalog::CatalogImport;
pub use reconcile::{ReconcileItem, ReconcileReport};
pub use saga::{SagaReport, Step};
pub use seed::{SeedData, SeedReport};
pub use verify::{Check, VerifyReport};

use crate::backends::memory::{
    Faults, FaultyExtractor, FaultyJournal, FaultyRealm, FaultySchema, MemoryJournal, MemoryRealms,
    MemorySchema,
};
use crate::backends::{realm_files::RealmFiles, sqlite::SqliteStore, text::TextExtractor};
use crate::catalog::DEFAULT_FLOOR_KES;
use crate::error::{Error, Result};
use crate::ports::{CatalogExtractor, Journal, RealmProvisioner, RealmSettings, SchemaProvisioner};
use crate::secrets::Secret;
use crate::tenant::{Slug, Tenant};

/// Settings of the Onboarder itself (the backends have their own).
#[derive(Debug, Clone)]
pub struct OnboarderSettings {
    pub realm: RealmSettings,
    /// Prices below this are never green (KES).
    pub floor_kes: u32,
    /// Reconcile leaves alone onboardings younger than this: they may still be running.
    pub reconcile_grace: Duration,
}

impl Default for OnboarderSettings {
    fn default() -> Self {
        Self {
            realm: RealmSettings::default(),
            floor_kes: DEFAULT_FLOOR_KES,
            reconcile_grace: Duration::from_secs(300),
        }
    }
}

/// The ports an Onboarder drives.
#[derive(Clone)]
pub struct Ports {
    pub schema: Arc<dyn SchemaProvisioner>,
    pub realms: Arc<dyn RealmProvisioner>,
    pub extractor: Arc<dyn CatalogExtractor>,
    pub journal: Arc<dyn Journal>,
}

impl Ports {
    /// Every port wrapped with the same fault plan.
    pub fn with_faults(self, faults: &Faults) -> Self {
        Self {
            schema: Arc::new(FaultySchema::new(self.schema, faults.clone())),
            realms: Arc::new(FaultyRealm::new(self.realms, faults.clone())),
            extractor: Arc::new(FaultyExtractor::new(self.extractor, faults.clone())),
            journal: Arc::new(FaultyJournal::new(self.journal, faults.clone())),
        }
    }

    /// In-memory fakes, for tests and harnesses.
    pub fn in_memory() -> Self {
        Self {
            schema: Arc::new(MemorySchema::new()),
            realms: Arc::new(MemoryRealms::new()),
            extractor: Arc::new(TextExtractor::new()),
            journal: Arc::new(MemoryJournal::new()),
        }
    }

    /// The embedded default: SQLite files and realm files under `data_dir`.
    pub async fn embedded(data_dir: &Path) -> Result<Self> {
        let store = Arc::new(SqliteStore::open(data_dir).await?);
        Ok(Self {
            schema: store.clone(),
            realms: Arc::new(RealmFiles::open(&data_dir.join("realms"))?),
            extractor: Arc::new(TextExtractor::new()),
            journal: store,
        })
    }
}

#[derive(Clone)]
pub struct Onboarder {
    schema: Arc<dyn SchemaProvisioner>,
    realms: Arc<dyn RealmProvisioner>,
    extractor: Arc<dyn CatalogExtractor>,
    journal: Arc<dyn Journal>,
    settings: OnboarderSettings,
}

impl Onboarder {
    pub fn new(ports: Ports, settings: OnboarderSettings) -> Self {
        Self {
            schema: ports.schema,
            realms: ports.realms,
            extractor: ports.extractor,
            journal: ports.journal,
            settings,
        }
    }

    /// Fakes only; nothing touches the disk.
    pub fn in_memory() -> Self {
        Self::new(Ports::in_memory(), OnboarderSettings::default())
    }

    /// Fakes with a fault plan that the caller keeps and changes while running.
    pub fn in_memory_with_faults(faults: &Faults) -> Self {
        Self::new(
            Ports::in_memory().with_faults(faults),
            OnboarderSettings::default(),
        )
    }

    /// The embedded default under `data_dir`: no server needed.
    pub async fn embedded(data_dir: &Path) -> Result<Self> {
        Ok(Self::new(
            Ports::embedded(data_dir).await?,
            OnboarderSettings::default(),
        ))
    }

    /// The same ports with other settings (a tenant's own price floor, say).
    pub fn with_settings(&self, settings: OnboarderSettings) -> Self {
        Self {
            settings,
            ..self.clone()
        }
    }

    pub fn settings(&self) -> &OnboarderSettings {
        &self.settings
    }

    pub fn schema(&self) -> &Arc<dyn SchemaProvisioner> {
        &self.schema
    }

    pub fn realms(&self) -> &Arc<dyn RealmProvisioner> {
        &self.realms
    }

    pub fn journal(&self) -> &Arc<dyn Journal> {
        &self.journal
    }

    pub async fn get(&self, slug: &Slug) -> Result<Tenant> {
        self.schema.get(slug).await
    }

    pub async fn list(&self) -> Result<Vec<Tenant>> {
        self.schema.list().await
    }

    /// Replaces a tenant's WhatsApp credentials; the token is stored sealed.
    pub async fn set_whatsapp(
        &self,
        slug: &Slug,
        credentials: &crate::tenant::WhatsAppCredentials,
    ) -> Result<()> {
        self.schema.set_whatsapp(slug, credentials).await
    }

    /// Gives the tenant's owner a fresh one-time password for the dashboard's
    /// sign-in through the tenant's realm; the realm asks for a new password at
    /// the first sign-in. Returns the realm username and the password, which is
    /// shown once and stored nowhere by us.
    pub async fn reset_owner_password(&self, slug: &Slug) -> Result<OwnerSignIn> {
        let tenant = self.schema.get(slug).await?;
        let owner = tenant.owner().ok_or_else(|| {
            Error::not_found(format!("tenant '{slug}' has no owner in the registry"))
        })?;
        let username = crate::ports::realm::owner_username(&owner.phone_number);
        let password = OwnerSignIn::generate_password();
        self.realms
            .set_temporary_password(slug.as_str(), &username, &password)
            .await?;
        Ok(OwnerSignIn {
            realm: slug.to_string(),
            username,
            temporary_password: password,
        })
    }

    /// Deletes the realm, then the registry rows and the store. The realm goes
    /// first so a failure leaves a tenant that `delete` can be retried on.
    pub async fn delete(&self, slug: &Slug) -> Result<()> {
        self.schema.get(slug).await?;
        self.realms.delete(slug.as_str(), None).await?;
        self.schema.delete(slug).await
    }
}

/// What an owner needs to sign in the first time: their realm, their username
/// (the phone number's digits) and a one-time password.
#[derive(Debug, Clone)]
pub struct OwnerSignIn {
    pub realm: String,
    pub username: String,
    pub temporary_password: Secret,
}

impl OwnerSignIn {
    /// 16 characters from an alphabet without look-alikes (no 0/O, 1/l/I), easy
    /// to read out over the phone or paste from WhatsApp: about 90 bits.
    fn generate_password() -> Secret {
        const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut rng = rand::thread_rng();
        let mut out = String::with_capacity(19);
        for i in 0..16 {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            let pick = rand::Rng::gen_range(&mut rng, 0..ALPHABET.len());
            out.push(char::from(ALPHABET[pick]));
        }
        Secret::new(out)
    }
}
