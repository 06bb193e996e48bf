use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use serde_json::Value;

use super::lock;
use crate::error::{Error, Result};
use crate::ports::realm::check_realm_owner;
use crate::ports::{RealmDeletion, RealmInfo, RealmProvisioner, RealmRequest};

/// Fake realms: the representation documents, by name.
#[derive(Clone, Default)]
pub struct MemoryRealms {
    realms: Arc<Mutex<BTreeMap<String, Value>>>,
}

impl MemoryRealms {
    pub fn new() -> Self {
        Self::default()
    }

    /// The stored document, as the Keycloak backend would POST it.
    pub fn representation(&self, name: &str) -> Option<Value> {
        lock(&self.realms).get(name).cloned()
    }

    /// Adds a realm made outside onboarding (no onboarding tag), for tests.
    pub fn insert_foreign(&self, name: &str) {
        lock(&self.realms).insert(
            name.into(),
            serde_json::json!({"realm": name, "enabled": true}),
        );
    }
}

#[async_trait]
impl RealmProvisioner for MemoryRealms {
    fn backend_name(&self) -> &'static str {
        "memory"
    }

    async fn create(&self, realm: &RealmRequest) -> Result<()> {
        let mut realms = lock(&self.realms);
        if realms.contains_key(&realm.name) {
            return Err(Error::conflict(format!(
                "realm '{}' already exists",
                realm.name
            )));
        }
        realms.insert(realm.name.clone(), realm.representation());
        Ok(())
    }

    async fn get(&self, name: &str) -> Result<Option<RealmInfo>> {
        lock(&self.realms)
            .get(name)
            .map(RealmInfo::from_representation)
            .transpose()
    }

    async fn list(&self) -> Result<Vec<RealmInfo>> {
        lock(&self.realms)
            .values()
            .map(RealmInfo::from_representation)
            .collect()
    }

    async fn delete(&self, name: &str, only_if_created_by: Option<&str>) -> Result<RealmDeletion> {
        let mut realms = lock(&self.realms);
        let Some(doc) = realms.get(name) else {
            return Ok(RealmDeletion::AlreadyGone);
        };
        check_realm_owner(&RealmInfo::from_representation(doc)?, only_if_created_by)?;
        realms.remove(name);
        Ok(RealmDeletion::Deleted)
    }
}
