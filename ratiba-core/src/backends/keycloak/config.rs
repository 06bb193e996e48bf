use std::time::Duration;

use crate::secrets::Secret;

/// How the backend logs in to the admin realm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeycloakAuth {
    /// An admin user of the admin realm, through the `admin-cli` client (password grant).
    Password { username: String, password: Secret },
    /// A confidential client with a service account holding the `create-realm`
    /// role (and `admin` over the realms it makes): client-credentials grant.
    ClientCredentials {
        client_id: String,
        client_secret: Secret,
    },
}

/// Where Keycloak is and how to talk to it. Parsed at the edge (the CLI reads
/// `KEYCLOAK_URL`, `KEYCLOAK_ADMIN_REALM_PASSWORD`, ...); the core reads no environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeycloakConfig {
    /// Base URL, without `/admin` (e.g. `http://localhost:8281`; a `/auth` prefix of
    /// old deployments is kept as given).
    pub url: String,
    /// The realm the admin logs in to.
    pub admin_realm: String,
    pub auth: KeycloakAuth,
    /// Time to open a connection.
    pub connect_timeout: Duration,
    /// Time for one whole call (token, GET, DELETE).
    pub request_timeout: Duration,
    /// Time for the realm-creating POST: it grows with the number of realms
    /// (seconds near a few hundred realms).
    pub create_timeout: Duration,
    /// Extra attempts after a connection error (every call) or a timeout or 5xx
    /// (idempotent calls only: GET, DELETE, token).
    pub retries: u32,
    /// First pause between attempts; doubled each time, at most 2 s.
    pub retry_backoff: Duration,
}

impl KeycloakConfig {
    pub const DEFAULT_URL: &'static str = "http://localhost:8281";
    pub const DEFAULT_ADMIN_USER: &'static str = "admin";
    /// The development default of `KEYCLOAK_ADMIN_REALM_PASSWORD`.
    pub const DEV_PASSWORD: &'static str = "keycloak_dev";

    /// Password login as `admin_user` to the `master` realm, default timeouts.
    pub fn new(url: impl Into<String>, admin_user: impl Into<String>, password: Secret) -> Self {
        Self {
            url: url.into(),
            admin_realm: "master".into(),
            auth: KeycloakAuth::Password {
                username: admin_user.into(),
                password,
            },
            connect_timeout: Duration::from_secs(3),
            request_timeout: Duration::from_secs(15),
            create_timeout: Duration::from_secs(60),
            retries: 3,
            retry_backoff: Duration::from_millis(250),
        }
    }
}

impl Default for KeycloakConfig {
    /// The existing deployment's defaults: `http://localhost:8281`, `admin` / `keycloak_dev` on `master`.
    fn default() -> Self {
        Self::new(
            Self::DEFAULT_URL,
            Self::DEFAULT_ADMIN_USER,
            Secret::new(Self::DEV_PASSWORD),
        )
    }
}
