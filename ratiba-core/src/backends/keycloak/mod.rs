//! Realms in Keycloak, over its Admin REST API (feature `keycloak`).
//!
//! One realm per tenant, named after the slug, created with a single
//! `POST /admin/realms` of the whole [representation](RealmRequest::representation)
//! (the document the realm-file backend writes), so Keycloak creates it atomically.
//! Keycloak 24+ drops user attributes its user profile does not declare; the
//! representation declares `phone_number`, and `create` reads the owner back to
//! check the attribute is there (and removes the realm again when it is not).
//!
//! Statuses are mapped by code: 201 created, 409 conflict, 400 a refused
//! representation, 404 on GET/DELETE "not there". Every call has a timeout;
//! connection errors are retried on every call, timeouts and 5xx only on
//! idempotent ones (GET, DELETE, login); a Keycloak that is down or starting is
//! `Unavailable` (retryable).
//!
//! Many tenants: Keycloak slows down with hundreds of realms. Keycloak 26's
//! Organizations (many tenants inside one realm) would be another implementation
//! of the same [`RealmProvisioner`] port (an organization per tenant, tagged with the
//! same onboarding-id attribute), sharing [`client::AdminClient`]; nothing
//! outside this folder would change.

mod client;
mod config;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use self::client::{unexpected, AdminClient, Failure};
pub use self::config::{KeycloakAuth, KeycloakConfig};
use crate::error::{Error, Result};
use crate::ports::realm::{check_realm_owner, PHONE_ATTRIBUTE};
use crate::ports::{RealmDeletion, RealmInfo, RealmProvisioner, RealmRequest};
use crate::secrets::Secret;

/// Most users `get` reads from a tenant realm (its admins and staff).
const MAX_USERS: usize = 200;

/// The Keycloak backend of [`RealmProvisioner`]. Cheap to clone; clones share the token.
#[derive(Clone)]
pub struct KeycloakRealms {
    client: Arc<AdminClient>,
    /// (realm, onboarding id) of creates that certainly never reached Keycloak,
    /// so that their compensation needs no Keycloak either.
    unsent: Arc<Mutex<HashSet<(String, String)>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl std::fmt::Debug for KeycloakRealms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeycloakRealms")
            .field("url", &self.client.config().url)
            .field("admin_realm", &self.client.config().admin_realm)
            .finish_non_exhaustive()
    }
}

impl KeycloakRealms {
    /// Checks the configuration; does not contact Keycloak (see [`Self::check`]).
    pub fn new(config: KeycloakConfig) -> Result<Self> {
        Ok(Self {
            client: Arc::new(AdminClient::new(config)?),
            unsent: Arc::default(),
        })
    }

    pub fn config(&self) -> &KeycloakConfig {
        self.client.config()
    }

    /// Logs in to the admin realm: Keycloak is up and the credentials work.
    pub async fn check(&self) -> Result<()> {
        self.client.login().await
    }

    /// Creates a realm from a stored representation (a realm file, for
    /// `ratiba realms push`), with the same checks as [`RealmProvisioner::create`].
    pub async fn create_from_representation(&self, doc: &Value) -> Result<()> {
        let name = doc
            .get("realm")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::field("realm", "the representation has no realm name"))?;
        let info = RealmInfo::from_representation(doc)?;
        let owner = doc
            .pointer("/users/0")
            .and_then(|u| u.get("username"))
            .and_then(Value::as_str)
            .zip(info.users.first().and_then(|u| u.phone_number.as_deref()));
        self.post_realm(name, doc).await.map_err(|f| f.error)?;
        if let Some((username, phone)) = owner {
            self.keep_only_if_owner_survived(name, info.onboarding_id.as_deref(), username, phone)
                .await?;
        }
        Ok(())
    }

    fn check_name(&self, name: &str) -> Result<()> {
        if name.is_empty() || name == self.config().admin_realm {
            return Err(Error::field(
                "realm",
                format!("'{name}' is not a tenant realm"),
            ));
        }
        Ok(())
    }

    /// The one realm-creating call. On failure, says whether Keycloak may have
    /// created the realm all the same (a timeout after sending, a 5xx).
    async fn post_realm(&self, name: &str, doc: &Value) -> Result<(), Failure> {
        self.check_name(name).map_err(Failure::unsent)?;
        let timeout = Some(self.config().create_timeout);
        let reply = self
            .client
            .call(
                Method::POST,
                self.client.url(&["admin", "realms"]),
                Some(doc),
                timeout,
            )
            .await
            .map_err(|f| Failure {
                error: f.error.context(format!("creating realm '{name}'")),
                reached: f.reached,
            })?;
        let refused = |error| Err(Failure::unsent(error));
        match reply.status {
            StatusCode::CREATED => Ok(()),
            StatusCode::CONFLICT => refused(Error::conflict(format!(
                "realm '{name}' already exists in Keycloak"
            ))),
            StatusCode::BAD_REQUEST => refused(Error::backend(format!(
                "Keycloak refused the representation of realm '{name}' (HTTP 400){}",
                reply.detail()
            ))),
            status => Err(Failure {
                error: unexpected(&format!("creating realm '{name}'"), &reply),
                reached: status.is_server_error(),
            }),
        }
    }

    /// The owner must hold the phone number after creation; if Keycloak dropped
    /// it (an undeclared attribute), the realm we just made is removed again.
    async fn keep_only_if_owner_survived(
        &self,
        name: &str,
        onboarding_id: Option<&str>,
        username: &str,
        phone: &str,
    ) -> Result<()> {
        let kept = match self.find_user(name, username).await {
            Ok(Some(user)) => {
                user.pointer(&format!("/attributes/{PHONE_ATTRIBUTE}/0"))
                    .and_then(Value::as_str)
                    == Some(phone)
            }
            Ok(None) => false,
            Err(e) => {
                // Cannot tell: undo, and say so.
                let _ = self.delete(name, onboarding_id).await;
                return Err(e.context(format!("reading back the owner of realm '{name}'")));
            }
        };
        if kept {
            return Ok(());
        }
        let undone = match self.delete(name, onboarding_id).await {
            Ok(_) => "the realm was removed again",
            Err(_) => "removing the realm again failed too",
        };
        Err(Error::backend(format!(
            "Keycloak created realm '{name}' but its owner '{username}' lacks the \
             '{PHONE_ATTRIBUTE}' attribute (is it declared in the realm's user profile?); {undone}"
        )))
    }

    async fn get_json(&self, segments: &[&str], query: &[(&str, &str)]) -> Result<Option<Value>> {
        let mut url = self.client.url(segments);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let reply = self.client.call(Method::GET, url, None, None).await?;
        match reply.status {
            StatusCode::OK => Ok(Some(reply.body)),
            StatusCode::NOT_FOUND => Ok(None),
            _ => Err(unexpected(&format!("GET /{}", segments.join("/")), &reply)),
        }
    }

    async fn find_user(&self, realm: &str, username: &str) -> Result<Option<Value>> {
        let users = self
            .get_json(
                &["admin", "realms", realm, "users"],
                &[
                    ("username", username),
                    ("exact", "true"),
                    ("briefRepresentation", "false"),
                ],
            )
            .await?;
        Ok(users
            .as_ref()
            .and_then(Value::as_array)
            .and_then(|users| {
                users
                    .iter()
                    .find(|u| u.get("username").and_then(Value::as_str) == Some(username))
            })
            .cloned())
    }

    /// The realm, its roles, clients and users (with their realm roles), as one
    /// document in the representation's shape; `None` if any part is gone.
    async fn read_realm(&self, name: &str) -> Result<Option<Value>> {
        let Some(mut realm) = self.get_json(&["admin", "realms", name], &[]).await? else {
            return Ok(None);
        };
        let Some(roles) = self
            .get_json(
                &["admin", "realms", name, "roles"],
                &[("briefRepresentation", "true")],
            )
            .await?
        else {
            return Ok(None);
        };
        let Some(clients) = self
            .get_json(&["admin", "realms", name, "clients"], &[("max", "1000")])
            .await?
        else {
            return Ok(None);
        };
        let max = MAX_USERS.to_string();
        let Some(users) = self
            .get_json(
                &["admin", "realms", name, "users"],
                &[("briefRepresentation", "false"), ("max", &max)],
            )
            .await?
        else {
            return Ok(None);
        };
        let mut out_users = Vec::new();
        for user in users.as_array().map(Vec::as_slice).unwrap_or_default() {
            let Some(id) = user.get("id").and_then(Value::as_str) else {
                continue;
            };
            let mapped = self
                .get_json(
                    &[
                        "admin",
                        "realms",
                        name,
                        "users",
                        id,
                        "role-mappings",
                        "realm",
                    ],
                    &[],
                )
                .await?
                .unwrap_or(Value::Null);
            let realm_roles: Vec<Value> = mapped
                .as_array()
                .map(|roles| {
                    roles
                        .iter()
                        .filter_map(|r| r.get("name").cloned())
                        .collect()
                })
                .unwrap_or_default();
            out_users.push(json!({
                "username": user.get("username"),
                "attributes": user.get("attributes").cloned().unwrap_or_else(|| json!({})),
                "realmRoles": realm_roles,
            }));
        }
        if let Some(obj) = realm.as_object_mut() {
            obj.insert("roles".into(), json!({ "realm": roles }));
            obj.insert("clients".into(), clients);
            obj.insert("users".into(), Value::Array(out_users));
        }
        Ok(Some(realm))
    }

    /// The whole realm as Keycloak holds it, in the representation's shape
    /// (realm, roles, clients, users with realm roles), for checks and tests.
    pub async fn representation(&self, name: &str) -> Result<Option<Value>> {
        self.read_realm(name).await
    }
}

#[async_trait]
impl RealmProvisioner for KeycloakRealms {
    fn backend_name(&self) -> &'static str {
        "keycloak"
    }

    async fn create(&self, realm: &RealmRequest) -> Result<()> {
        if let Err(failure) = self.post_realm(&realm.name, &realm.representation()).await {
            if !failure.reached {
                lock(&self.unsent).insert((realm.name.clone(), realm.onboarding_id.clone()));
            }
            return Err(failure.error);
        }
        self.keep_only_if_owner_survived(
            &realm.name,
            Some(&realm.onboarding_id),
            &realm.owner_username(),
            &realm.owner_phone,
        )
        .await
    }

    async fn get(&self, name: &str) -> Result<Option<RealmInfo>> {
        self.check_name(name)?;
        self.read_realm(name)
            .await
            .map_err(|e| e.context(format!("reading realm '{name}'")))?
            .as_ref()
            .map(RealmInfo::from_representation)
            .transpose()
    }

    /// Every realm but the admin realm, with its name, state and attributes
    /// (roles, clients and users are left empty: [`get`](Self::get) reads those).
    async fn list(&self) -> Result<Vec<RealmInfo>> {
        let realms = self
            .get_json(&["admin", "realms"], &[("briefRepresentation", "false")])
            .await
            .map_err(|e| e.context("listing realms"))?
            .unwrap_or(Value::Null);
        let admin_realm = &self.config().admin_realm;
        let mut out = Vec::new();
        for doc in realms.as_array().map(Vec::as_slice).unwrap_or_default() {
            if doc.get("realm").and_then(Value::as_str) == Some(admin_realm.as_str()) {
                continue;
            }
            out.push(RealmInfo::from_representation(doc)?);
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    async fn delete(&self, name: &str, only_if_created_by: Option<&str>) -> Result<RealmDeletion> {
        self.check_name(name)?;
        if let Some(id) = only_if_created_by {
            // This onboarding's create never reached Keycloak: there is nothing of
            // it to delete, even while Keycloak is still down.
            if lock(&self.unsent).remove(&(name.to_string(), id.to_string())) {
                return Ok(RealmDeletion::AlreadyGone);
            }
        }
        let context = |e: Error| e.context(format!("deleting realm '{name}'"));
        let Some(doc) = self
            .get_json(&["admin", "realms", name], &[])
            .await
            .map_err(context)?
        else {
            return Ok(RealmDeletion::AlreadyGone);
        };
        check_realm_owner(&RealmInfo::from_representation(&doc)?, only_if_created_by)?;
        let reply = self
            .client
            .call(
                Method::DELETE,
                self.client.url(&["admin", "realms", name]),
                None,
                None,
            )
            .await
            .map_err(|f| context(f.error))?;
        match reply.status {
            StatusCode::NO_CONTENT | StatusCode::OK => Ok(RealmDeletion::Deleted),
            StatusCode::NOT_FOUND => Ok(RealmDeletion::AlreadyGone),
            _ => Err(unexpected(&format!("deleting realm '{name}'"), &reply)),
        }
    }

    /// `PUT /admin/realms/{realm}/users/{id}/reset-password` with `temporary`, so
    /// Keycloak makes the user choose their own password at the first sign-in.
    async fn set_temporary_password(
        &self,
        name: &str,
        username: &str,
        password: &Secret,
    ) -> Result<()> {
        self.check_name(name)?;
        let context = |e: Error| {
            e.context(format!(
                "setting the password of '{username}' in realm '{name}'"
            ))
        };
        if self
            .get_json(&["admin", "realms", name], &[])
            .await
            .map_err(context)?
            .is_none()
        {
            return Err(Error::not_found(format!("no realm '{name}'")));
        }
        let id = self
            .find_user(name, username)
            .await
            .map_err(context)?
            .and_then(|u| u.get("id").and_then(Value::as_str).map(str::to_string))
            .ok_or_else(|| Error::not_found(format!("realm '{name}' has no user '{username}'")))?;
        let body = json!({"type": "password", "value": password.expose(), "temporary": true});
        let reply = self
            .client
            .call(
                Method::PUT,
                self.client
                    .url(&["admin", "realms", name, "users", &id, "reset-password"]),
                Some(&body),
                None,
            )
            .await
            .map_err(|f| context(f.error))?;
        match reply.status {
            StatusCode::NO_CONTENT | StatusCode::OK => Ok(()),
            StatusCode::NOT_FOUND => Err(Error::not_found(format!(
                "realm '{name}' has no user '{username}'"
            ))),
            StatusCode::BAD_REQUEST => Err(Error::conflict(format!(
                "Keycloak refused the password for '{username}' in realm '{name}' (the realm's password policy?)"
            ))),
            _ => Err(unexpected(&format!("setting a password in realm '{name}'"), &reply)),
        }
    }
}
