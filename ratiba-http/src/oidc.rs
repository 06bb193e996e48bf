//! Tenant authorization: a bearer token from the tenant's own Keycloak realm.
//! The signature is checked against that realm's JWKS (cached; fetched again once
//! when a key id is unknown), the issuer must be the one our configuration builds
//! for the realm (never taken from the token), the expiry is checked, only
//! asymmetric algorithms are accepted, and the token must carry the role `owner`
//! or `admin` in `realm_access.roles`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use ratiba_core::Slug;
use serde::Deserialize;

use crate::problem::ApiError;
use axum::http::StatusCode;

/// Where the tenants' realms are: `{base_url}/realms/{slug}`.
#[derive(Debug, Clone)]
pub struct OidcConfig {
    pub base_url: String,
    /// How long a realm's keys are trusted before being fetched again.
    pub jwks_ttl: Duration,
    pub timeout: Duration,
}

impl OidcConfig {
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_string(),
            jwks_ttl: Duration::from_secs(300),
            timeout: Duration::from_secs(5),
        }
    }

    pub fn issuer(&self, realm: &Slug) -> String {
        format!("{}/realms/{realm}", self.base_url)
    }
}

const ALGORITHMS: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::ES256,
];
const TENANT_ROLES: &[&str] = &["owner", "admin"];

#[derive(Debug, Deserialize)]
struct Claims {
    iss: String,
    #[serde(default)]
    realm_access: RealmAccess,
}

#[derive(Debug, Default, Deserialize)]
struct RealmAccess {
    #[serde(default)]
    roles: Vec<String>,
}

pub struct OidcVerifier {
    config: OidcConfig,
    http: reqwest::Client,
    keys: Mutex<HashMap<String, (JwkSet, Instant)>>,
}

impl std::fmt::Debug for OidcVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcVerifier")
            .field("base_url", &self.config.base_url)
            .finish()
    }
}

fn invalid(why: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        format!("the bearer token is not valid: {why}"),
    )
}

impl OidcVerifier {
    pub fn new(config: OidcConfig) -> Self {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .unwrap_or_default();
        Self {
            config,
            http,
            keys: Mutex::new(HashMap::new()),
        }
    }

    pub fn config(&self) -> &OidcConfig {
        &self.config
    }

    /// The identity provider's origin (`scheme://host:port`), which the dashboard's
    /// script must be allowed to reach for the token exchange.
    pub fn origin(&self) -> Option<String> {
        reqwest::Url::parse(&self.config.base_url)
            .ok()
            .map(|u| u.origin().ascii_serialization())
            .filter(|o| o != "null")
    }

    /// The realm (tenant) whose owner or admin presented `token`.
    pub async fn verify(&self, token: &str) -> Result<Slug, ApiError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("malformed"))?;
        if !ALGORITHMS.contains(&header.alg) {
            return Err(invalid("algorithm not allowed"));
        }
        let kid = header.kid.ok_or_else(|| invalid("no key id"))?;
        // Which realm it claims: only to pick the realm whose keys and issuer we check.
        let realm = self.claimed_realm(token)?;
        let expected_issuer = self.config.issuer(&realm);
        let jwk = match self.key(&realm, &kid, false).await? {
            Some(jwk) => jwk,
            None => self
                .key(&realm, &kid, true)
                .await?
                .ok_or_else(|| invalid("unknown signing key"))?,
        };
        let key = DecodingKey::from_jwk(&jwk).map_err(|_| invalid("unusable signing key"))?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[expected_issuer]);
        validation.validate_aud = false;
        validation.leeway = 30;
        let data = jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            match e.kind() {
                K::ExpiredSignature => invalid("expired"),
                K::InvalidIssuer => invalid("wrong issuer"),
                _ => invalid("signature or claims rejected"),
            }
        })?;
        if !data
            .claims
            .realm_access
            .roles
            .iter()
            .any(|r| TENANT_ROLES.contains(&r.as_str()))
        {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "the token carries neither the owner nor the admin role",
            ));
        }
        Ok(realm)
    }

    fn claimed_realm(&self, token: &str) -> Result<Slug, ApiError> {
        use base64::Engine;
        let payload = token
            .split('.')
            .nth(1)
            .ok_or_else(|| invalid("malformed"))?;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .map_err(|_| invalid("malformed"))?;
        let claims: Claims =
            serde_json::from_slice(&bytes).map_err(|_| invalid("malformed claims"))?;
        let prefix = format!("{}/realms/", self.config.base_url);
        let realm = claims
            .iss
            .strip_prefix(&prefix)
            .ok_or_else(|| invalid("issued by another server"))?;
        Slug::parse(realm).map_err(|_| invalid("issued by a realm that is not a tenant"))
    }

    async fn key(
        &self,
        realm: &Slug,
        kid: &str,
        refresh: bool,
    ) -> Result<Option<jsonwebtoken::jwk::Jwk>, ApiError> {
        let cached = {
            let keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
            keys.get(realm.as_str())
                .filter(|(_, at)| !refresh && at.elapsed() < self.config.jwks_ttl)
                .map(|(set, _)| set.find(kid).cloned())
        };
        if let Some(found) = cached {
            return Ok(found);
        }
        let url = format!(
            "{}/protocol/openid-connect/certs",
            self.config.issuer(realm)
        );
        let set: JwkSet = match self.http.get(&url).send().await {
            Ok(r) if r.status().is_success() => r
                .json()
                .await
                .map_err(|_| invalid("the realm's keys are unreadable"))?,
            Ok(r) if r.status() == reqwest::StatusCode::NOT_FOUND => {
                return Err(invalid("no such realm"))
            }
            _ => {
                let mut e = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the identity provider did not answer; try again",
                );
                e.set_retry_after(Duration::from_secs(5));
                return Err(e);
            }
        };
        let found = set.find(kid).cloned();
        self.keys
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(realm.to_string(), (set, Instant::now()));
        Ok(found)
    }
}
