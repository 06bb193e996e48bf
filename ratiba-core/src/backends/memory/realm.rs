use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use serde_json::Value;

use super::lock;
use crate::error::{Error, Result};
use crate::ports::realm::check_realm_owner;
use crate::ports::{RealmDeletion, RealmInfo, RealmProvisioner, RealmRequest};
use crate::secrets::Secret;

/// Fake realms: the representation documents, by name, and the temporary
/// passwords set on their users (kept apart, so a document never holds one).
#[derive(Clone, Default)]
pub struct MemoryRealms {
    realms: Arc<Mutex<BTreeMap<String, Value>>>,
    passwords: Arc<Mutex<BTreeMap<(String, String), Secret>>>,
}

impl MemoryRealms {
    pub fn new() -> Self {
        Self::default()
    }

    /// The stored document, as the Keycloak backend would POST it.
    pub fn representation(&self, name: &str) -> Option<Value> {
        lock(&self.realms).get(name).cloned()
    }

    /// The temporary password last set for `username` of realm `name`, for tests.
    pub fn temporary_password(&self, name: &str, username: &str) -> Option<Secret> {
        lock(&self.passwords)
            .get(&(name.to_string(), username.to_string()))
            .cloned()
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
        lock(&self.passwords).retain(|(realm, _), _| realm != name);
        Ok(RealmDeletion::Deleted)
    }

    async fn set_temporary_password(
        &self,
        name: &str,
        username: &str,
        password: &Secret,
    ) -> Result<()> {
        let info = {
            let realms = lock(&self.realms);
            let doc = realms
                .get(name)
                .ok_or_else(|| Error::not_found(format!("no realm '{name}'")))?;
            RealmInfo::from_representation(doc)?
        };
        if !info.users.iter().any(|u| u.username == username) {
            return Err(Error::not_found(format!(
                "realm '{name}' has no user '{username}'"
            )));
        }
        lock(&self.passwords).insert((name.to_string(), username.to_string()), password.clone());
        Ok(())
    }
}
