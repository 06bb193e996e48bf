//! Platform authorization: the `X-Admin-API-Key` header, compared as SHA-256
//! digests in constant time, with a limit on failed attempts per peer.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use ratiba_core::Secret;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::problem::ApiError;
use crate::state::AppState;

pub const ADMIN_KEY_HEADER: &str = "x-admin-api-key";

pub struct AdminKey {
    digest: [u8; 32],
    failures: Mutex<HashMap<IpAddr, (u32, Instant)>>,
    max_failures: u32,
    window: Duration,
}

impl std::fmt::Debug for AdminKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminKey([redacted])")
    }
}

impl AdminKey {
    pub fn new(key: &Secret) -> Self {
        Self {
            digest: Sha256::digest(key.expose().as_bytes()).into(),
            failures: Mutex::new(HashMap::new()),
            max_failures: 10,
            window: Duration::from_secs(60),
        }
    }

    /// A random key for a server started without one (printed once by `ratiba serve`).
    pub fn generate() -> Secret {
        use base64::Engine;
        let mut bytes = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut bytes);
        Secret::new(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Digests first, so missing, wrong and wrong-length keys take the same path.
    fn matches(&self, presented: &[u8]) -> bool {
        let digest: [u8; 32] = Sha256::digest(presented).into();
        digest.ct_eq(&self.digest).into()
    }

    fn blocked(&self, peer: IpAddr) -> Option<Duration> {
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        match failures.get(&peer) {
            Some((count, since))
                if *count >= self.max_failures && since.elapsed() < self.window =>
            {
                Some(self.window.saturating_sub(since.elapsed()))
            }
            _ => None,
        }
    }

    fn record_failure(&self, peer: IpAddr) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() > 10_000 {
            failures.retain(|_, (_, since)| since.elapsed() < self.window);
        }
        let entry = failures.entry(peer).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    pub fn check(&self, peer: IpAddr, presented: Option<&[u8]>) -> Result<(), ApiError> {
        if let Some(wait) = self.blocked(peer) {
            return Err(ApiError::too_many(wait.max(Duration::from_secs(1))));
        }
        if self.matches(presented.unwrap_or_default()) && presented.is_some() {
            return Ok(());
        }
        self.record_failure(peer);
        Err(ApiError::unauthorized())
    }
}

/// Proof that the request carried the admin key.
pub struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        let presented = parts.headers.get(ADMIN_KEY_HEADER).map(|v| v.as_bytes());
        state.admin_key.check(peer, presented).map(|()| Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_lockout() {
        let key = AdminKey::new(&Secret::new("right"));
        let peer = IpAddr::V4(Ipv4Addr::LOCALHOST);
        assert!(key.check(peer, Some(b"right")).is_ok());
        for wrong in [None, Some(&b"wrong"[..]), Some(&b"r"[..]), Some(&b""[..])] {
            assert_eq!(
                key.check(peer, wrong).map_err(|e| e.status().as_u16()),
                Err(401)
            );
        }
        for _ in 0..10 {
            let _ = key.check(peer, Some(b"nope"));
        }
        let locked = key
            .check(peer, Some(b"right"))
            .map_err(|e| e.status().as_u16());
        assert_eq!(
            locked,
            Err(429),
            "repeated failures lock the peer out, even with the right key"
        );
        let other = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
        assert!(
            key.check(other, Some(b"right")).is_ok(),
            "other peers are not affected"
        );
    }
}

/// Who is calling a tenant endpoint: the platform (admin key, any tenant) or the
/// owner or an admin of one tenant (a bearer token from that tenant's realm).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Platform,
    Tenant(ratiba_core::Slug),
}

impl Caller {
    /// The tenant a token caller acts on when the request names none.
    pub fn own_tenant(&self) -> Option<&ratiba_core::Slug> {
        match self {
            Caller::Platform => None,
            Caller::Tenant(slug) => Some(slug),
        }
    }

    /// The tenant named in a path (`/tenants/{slug}/...`), parsed and authorized.
    pub fn path_tenant(&self, raw: &str) -> Result<ratiba_core::Slug, ApiError> {
        let slug = ratiba_core::Slug::parse(raw)?;
        self.authorize(&slug)?;
        Ok(slug)
    }

    /// A token from realm A never reads or changes tenant B.
    pub fn authorize(&self, tenant: &ratiba_core::Slug) -> Result<(), ApiError> {
        match self {
            Caller::Platform => Ok(()),
            Caller::Tenant(own) if own == tenant => Ok(()),
            Caller::Tenant(own) => Err(ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "forbidden",
                format!("a token of tenant '{own}' cannot act on tenant '{tenant}'"),
            )),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if parts.headers.contains_key(ADMIN_KEY_HEADER) {
            return Admin::from_request_parts(parts, state)
                .await
                .map(|Admin| Caller::Platform);
        }
        let bearer = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            });
        match (bearer, &state.oidc) {
            (Some(token), Some(oidc)) => oidc.verify(token.trim()).await.map(Caller::Tenant),
            (Some(_), None) => Err(ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "unauthorized",
                "tenant tokens are not accepted by this server (no Keycloak configured); use X-Admin-API-Key",
            )),
            (None, _) => Err(ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send X-Admin-API-Key, or a bearer token from the tenant's realm",
            )),
        }
    }
}
