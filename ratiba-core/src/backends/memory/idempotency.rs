use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;

use super::lock;
use crate::error::Result;
use crate::ports::{IdempotencyClaim, IdempotencyStore, StoredResponse};

struct Entry {
    fingerprint: String,
    response: Option<StoredResponse>,
    expires: Instant,
}

#[derive(Clone, Default)]
pub struct MemoryIdempotency {
    entries: Arc<Mutex<HashMap<String, Entry>>>,
}

impl MemoryIdempotency {
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl IdempotencyStore for MemoryIdempotency {
    async fn claim(&self, key: &str, fingerprint: &str, ttl: Duration) -> Result<IdempotencyClaim> {
        let mut entries = lock(&self.entries);
        let now = Instant::now();
        entries.retain(|_, e| e.expires > now);
        Ok(match entries.get(key) {
            Some(e) if e.fingerprint != fingerprint => IdempotencyClaim::Mismatch,
            Some(Entry {
                response: Some(r), ..
            }) => IdempotencyClaim::Replay(r.clone()),
            Some(_) => IdempotencyClaim::InFlight,
            None => {
                entries.insert(
                    key.to_string(),
                    Entry {
                        fingerprint: fingerprint.to_string(),
                        response: None,
                        expires: now + ttl,
                    },
                );
                IdempotencyClaim::Claimed
            }
        })
    }

    async fn complete(&self, key: &str, response: &StoredResponse) -> Result<()> {
        if let Some(e) = lock(&self.entries).get_mut(key) {
            e.response = Some(response.clone());
        }
        Ok(())
    }

    async fn release(&self, key: &str) -> Result<()> {
        lock(&self.entries).remove(key);
        Ok(())
    }
}
