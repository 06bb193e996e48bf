//! `IdempotencyStore`: remembered responses of POSTs carrying an `Idempotency-Key`,
//! in the database so that every server behind a load balancer agrees.

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// A response kept for replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// First use of the key: go ahead, then `complete` (or `release` on failure).
    Claimed,
    /// The same key and request finished before: send this again.
    Replay(StoredResponse),
    /// The same key and request is being handled right now.
    InFlight,
    /// The key was used with another request.
    Mismatch,
}

/// A key's record as a store reads it back after losing the race to insert it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingKey {
    pub fingerprint: String,
    /// `None` while the first request is in flight.
    pub status: Option<i64>,
    pub body: Option<String>,
}

impl IdempotencyClaim {
    /// The one rule every store applies to a key that exists already (or vanished,
    /// expired, between the insert and the read: in flight, and a retry claims it).
    pub fn for_existing(fingerprint: &str, existing: Option<ExistingKey>) -> Self {
        match existing {
            None => IdempotencyClaim::InFlight,
            Some(e) if e.fingerprint != fingerprint => IdempotencyClaim::Mismatch,
            Some(ExistingKey { status: None, .. }) => IdempotencyClaim::InFlight,
            Some(ExistingKey {
                status: Some(status),
                body,
                ..
            }) => IdempotencyClaim::Replay(StoredResponse {
                status: u16::try_from(status).unwrap_or(500),
                body: body.unwrap_or_default(),
            }),
        }
    }
}

#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims `key` for a request whose body hashes to `fingerprint`, for `ttl`.
    async fn claim(&self, key: &str, fingerprint: &str, ttl: Duration) -> Result<IdempotencyClaim>;

    /// Stores the response of a claimed key.
    async fn complete(&self, key: &str, response: &StoredResponse) -> Result<()>;

    /// Forgets a claimed key whose request failed in a way worth retrying.
    async fn release(&self, key: &str) -> Result<()>;
}
