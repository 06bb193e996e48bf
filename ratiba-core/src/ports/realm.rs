//! `RealmProvisioner`: one identity realm per tenant. The realm document is built
//! here, once, so the realm-file backend and the Keycloak backend store the same thing.

use async_trait::async_trait;
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::secrets::Secret;
use crate::tenant::{AdminRole, NewTenant};

/// The realm attribute that says which onboarding created a realm. Compensation
/// and reconcile delete only realms carrying their own id.
pub const ONBOARDING_ID_ATTRIBUTE: &str = "ratiba.onboarding_id";
pub const TENANT_SLUG_ATTRIBUTE: &str = "ratiba.tenant_slug";
/// The user attribute holding the owner's phone number.
pub const PHONE_ATTRIBUTE: &str = "phone_number";

/// Deployment settings of the realms we create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealmSettings {
    /// The dashboard's OIDC client in every tenant realm.
    pub admin_client_id: String,
    pub redirect_uris: Vec<String>,
    pub web_origins: Vec<String>,
}

impl Default for RealmSettings {
    fn default() -> Self {
        Self {
            admin_client_id: "tenant-admin".into(),
            redirect_uris: vec!["http://localhost:8010/admin/*".into()],
            web_origins: vec!["+".into()],
        }
    }
}

/// What to create: one realm named after the slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealmRequest {
    pub name: String,
    pub display_name: String,
    pub onboarding_id: String,
    pub owner_phone: String,
    pub settings: RealmSettings,
}

impl RealmRequest {
    pub fn for_tenant(tenant: &NewTenant, settings: &RealmSettings) -> Self {
        Self {
            name: tenant.spec.slug.to_string(),
            display_name: tenant.spec.name.clone(),
            onboarding_id: tenant.id.to_string(),
            owner_phone: tenant.spec.owner_phone.to_string(),
            settings: settings.clone(),
        }
    }

    /// The owner's username: the phone number's digits (Keycloak lowercases usernames
    /// and some deployments reject '+').
    pub fn owner_username(&self) -> String {
        owner_username(&self.owner_phone)
    }

    /// A Keycloak realm representation, importable as a file (`kc.sh import`) or
    /// POSTed to `/admin/realms` in one call so Keycloak creates it atomically.
    pub fn representation(&self) -> Value {
        let roles: Vec<Value> = AdminRole::ALL
            .iter()
            .map(|r| json!({"name": r.as_str(), "description": format!("Tenant {}", r.as_str())}))
            .collect();
        json!({
            "realm": self.name,
            "enabled": true,
            "displayName": self.display_name,
            "sslRequired": "external",
            "registrationAllowed": false,
            "attributes": {
                ONBOARDING_ID_ATTRIBUTE: self.onboarding_id,
                TENANT_SLUG_ATTRIBUTE: self.name,
            },
            "roles": {"realm": roles},
            "clients": [{
                "clientId": self.settings.admin_client_id,
                "name": "Ratiba tenant admin",
                "enabled": true,
                "publicClient": true,
                "protocol": "openid-connect",
                "standardFlowEnabled": true,
                "directAccessGrantsEnabled": false,
                "implicitFlowEnabled": false,
                "redirectUris": self.settings.redirect_uris,
                "webOrigins": self.settings.web_origins,
                // "+": sign-out may return to any of the redirect URIs.
                "attributes": {"pkce.code.challenge.method": "S256", "post.logout.redirect.uris": "+"},
            }],
            // Keycloak 24+ silently drops user attributes that the realm's user
            // profile does not declare: declare the phone number with the realm.
            "components": {
                USER_PROFILE_PROVIDER: [{
                    "providerId": "declarative-user-profile",
                    "subComponents": {},
                    "config": {"kc.user.profile.config": [user_profile_config().to_string()]},
                }],
            },
            "users": [{
                "username": self.owner_username(),
                "enabled": true,
                "attributes": {PHONE_ATTRIBUTE: [self.owner_phone]},
                "realmRoles": [AdminRole::Owner.as_str()],
            }],
        })
    }
}

/// The realm username of the admin with phone number `phone` (E.164).
pub fn owner_username(phone: &str) -> String {
    phone.trim_start_matches('+').to_string()
}

/// The component type under which a realm representation carries its user profile.
pub const USER_PROFILE_PROVIDER: &str = "org.keycloak.userprofile.UserProfileProvider";

/// The realm's declarative user profile (Keycloak 24+): Keycloak's default
/// attributes plus `phone_number` (E.164, set by admins, visible to the user).
/// Unmanaged attributes stay disabled, so only declared attributes are kept.
pub fn user_profile_config() -> Value {
    let both = json!({"view": ["admin", "user"], "edit": ["admin", "user"]});
    json!({
        "attributes": [
            {"name": "username", "displayName": "${username}", "multivalued": false,
             "permissions": both,
             "validations": {"length": {"min": 3, "max": 255},
                             "username-prohibited-characters": {},
                             "up-username-not-idn-homograph": {}}},
            {"name": "email", "displayName": "${email}", "multivalued": false,
             "permissions": both,
             "validations": {"email": {}, "length": {"max": 255}}},
            {"name": "firstName", "displayName": "${firstName}", "multivalued": false,
             "permissions": both,
             "validations": {"length": {"max": 255}, "person-name-prohibited-characters": {}}},
            {"name": "lastName", "displayName": "${lastName}", "multivalued": false,
             "permissions": both,
             "validations": {"length": {"max": 255}, "person-name-prohibited-characters": {}}},
            {"name": PHONE_ATTRIBUTE, "displayName": "Phone number", "multivalued": false,
             "permissions": {"view": ["admin", "user"], "edit": ["admin"]},
             "validations": {"pattern": {"pattern": "^\\+[1-9][0-9]{6,14}$",
                                         "error-message": "must be an E.164 phone number"}}},
        ],
        "groups": [{"name": "user-metadata", "displayHeader": "User metadata",
                    "displayDescription": "Attributes, which refer to user metadata"}],
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealmUser {
    pub username: String,
    pub phone_number: Option<String>,
    pub realm_roles: Vec<String>,
}

/// What a realm holds, as far as onboarding cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealmInfo {
    pub name: String,
    pub enabled: bool,
    pub onboarding_id: Option<String>,
    pub roles: Vec<String>,
    pub clients: Vec<String>,
    pub users: Vec<RealmUser>,
}

impl RealmInfo {
    /// Reads a realm representation (ours or one exported from Keycloak).
    pub fn from_representation(doc: &Value) -> Result<Self> {
        let name = doc
            .get("realm")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::backend("realm representation has no 'realm' name"))?;
        let strings = |v: Option<&Value>, key: &str| -> Vec<String> {
            v.and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|i| i.get(key).and_then(Value::as_str).map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let users = doc
            .get("users")
            .and_then(Value::as_array)
            .map(|users| {
                users
                    .iter()
                    .map(|u| RealmUser {
                        username: u
                            .get("username")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string(),
                        phone_number: u
                            .pointer(&format!("/attributes/{PHONE_ATTRIBUTE}/0"))
                            .and_then(Value::as_str)
                            .map(str::to_string),
                        realm_roles: u
                            .get("realmRoles")
                            .and_then(Value::as_array)
                            .map(|r| {
                                r.iter()
                                    .filter_map(Value::as_str)
                                    .map(str::to_string)
                                    .collect()
                            })
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(RealmInfo {
            name: name.to_string(),
            enabled: doc.get("enabled").and_then(Value::as_bool).unwrap_or(false),
            onboarding_id: doc
                .pointer("/attributes")
                .and_then(|a| a.get(ONBOARDING_ID_ATTRIBUTE))
                .and_then(Value::as_str)
                .map(str::to_string),
            roles: strings(doc.pointer("/roles/realm"), "name"),
            clients: strings(doc.get("clients"), "clientId"),
            users,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RealmDeletion {
    Deleted,
    /// Nothing to delete: compensation treats this as done.
    AlreadyGone,
}

#[async_trait]
pub trait RealmProvisioner: Send + Sync {
    fn backend_name(&self) -> &'static str;

    /// Cheap reachability check, for readiness probes.
    async fn ping(&self) -> Result<()> {
        Ok(())
    }

    /// Creates the whole realm at once. `Conflict` when a realm of that name exists.
    async fn create(&self, realm: &RealmRequest) -> Result<()>;

    async fn get(&self, name: &str) -> Result<Option<RealmInfo>>;

    /// Every realm this provisioner can see (for reconcile: realms without a tenant).
    async fn list(&self) -> Result<Vec<RealmInfo>>;

    /// Deletes a realm. With `only_if_created_by`, a realm tagged with another
    /// onboarding id (or none) is left alone and `Conflict` is returned.
    async fn delete(&self, name: &str, only_if_created_by: Option<&str>) -> Result<RealmDeletion>;

    /// Gives `username` of realm `name` a one-time password for signing in to the
    /// dashboard; the identity provider asks for a new one at the first sign-in.
    /// `NotFound` when the realm or the user does not exist; `Conflict` from a
    /// backend whose realms nobody can sign in to (realm files).
    async fn set_temporary_password(
        &self,
        name: &str,
        username: &str,
        password: &Secret,
    ) -> Result<()>;
}

/// The shared check behind `delete(.., only_if_created_by)` for backends that read the realm first.
pub fn check_realm_owner(info: &RealmInfo, only_if_created_by: Option<&str>) -> Result<()> {
    match only_if_created_by {
        Some(id) if info.onboarding_id.as_deref() != Some(id) => Err(Error::conflict(format!(
            "realm '{}' was not created by onboarding {id}; it is left alone",
            info.name
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::TenantSpec;

    #[test]
    fn representation_round_trips_through_info() {
        let spec = TenantSpec::parse(
            &json!({"name":"Spa Pilot","slug":"spa_pilot","vertical":"spa",
            "owner_phone":"+254712345678","whatsapp_number":"+15555555555","locale":"en",
            "timezone":"Africa/Nairobi","mpesa_enabled":true}),
        )
        .expect("valid");
        let tenant = NewTenant::new(spec);
        let req = RealmRequest::for_tenant(&tenant, &RealmSettings::default());
        let info = RealmInfo::from_representation(&req.representation()).expect("info");
        assert_eq!(info.name, "spa_pilot");
        assert!(info.enabled);
        assert_eq!(
            info.onboarding_id.as_deref(),
            Some(tenant.id.to_string().as_str())
        );
        assert_eq!(info.roles, ["owner", "admin", "staff"]);
        assert_eq!(info.clients, ["tenant-admin"]);
        assert_eq!(info.users[0].phone_number.as_deref(), Some("+254712345678"));
        assert_eq!(info.users[0].realm_roles, ["owner"]);
        let profile = req.representation()["components"][USER_PROFILE_PROVIDER][0]["config"]
            ["kc.user.profile.config"][0]
            .as_str()
            .map(|s| serde_json::from_str::<Value>(s).expect("profile JSON"))
            .expect("a user profile");
        assert!(profile["attributes"]
            .as_array()
            .expect("attributes")
            .iter()
            .any(|a| a["name"] == PHONE_ATTRIBUTE));
        assert!(check_realm_owner(&info, Some("someone-else")).is_err());
        assert!(check_realm_owner(&info, None).is_ok());
    }
}
