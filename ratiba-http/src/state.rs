use std::sync::Arc;
use std::time::Duration;

use ratiba_core::ports::IdempotencyStore;
use ratiba_core::{Onboarder, Secret};

use crate::auth::AdminKey;
use crate::oidc::{OidcConfig, OidcVerifier};

/// Limits of what one request may ask.
#[derive(Debug, Clone)]
pub struct Limits {
    /// JSON bodies (bytes).
    pub json_bytes: usize,
    /// Menu uploads (bytes), the image and text together.
    pub upload_bytes: usize,
    /// How long a request waits for an onboarding before answering 504; the
    /// onboarding itself goes on and finishes or rolls back.
    pub onboarding_timeout: Duration,
    /// How long an Idempotency-Key is remembered.
    pub idempotency_ttl: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            json_bytes: 64 * 1024,
            upload_bytes: 10 * 1024 * 1024,
            onboarding_timeout: Duration::from_secs(30),
            idempotency_ttl: Duration::from_secs(24 * 3600),
        }
    }
}

/// Everything a handler needs. Durable state is in the ports, so any number of
/// servers behind one load balancer agree.
#[derive(Clone)]
pub struct AppState {
    pub onboarder: Onboarder,
    pub idempotency: Arc<dyn IdempotencyStore>,
    pub admin_key: Arc<AdminKey>,
    /// Verifies tenant bearer tokens; `None` when no Keycloak is configured.
    pub oidc: Option<Arc<OidcVerifier>>,
    pub limits: Limits,
}

impl AppState {
    pub fn new(
        onboarder: Onboarder,
        idempotency: Arc<dyn IdempotencyStore>,
        admin_key: &Secret,
    ) -> Self {
        Self {
            onboarder,
            idempotency,
            admin_key: Arc::new(AdminKey::new(admin_key)),
            oidc: None,
            limits: Limits::default(),
        }
    }

    /// Accept bearer tokens of the tenants' realms under `config.base_url`.
    pub fn with_oidc(mut self, config: OidcConfig) -> Self {
        self.oidc = Some(Arc::new(OidcVerifier::new(config)));
        self
    }
}
