use std::time::Duration;

use crate::ports::{IdempotencyClaim, IdempotencyStore, StoredResponse};

pub async fn run_all(s: &dyn IdempotencyStore) {
    let ttl = Duration::from_secs(60);
    assert_eq!(
        s.claim("conf-k1", "fp-a", ttl).await.expect("claim"),
        IdempotencyClaim::Claimed
    );
    assert_eq!(
        s.claim("conf-k1", "fp-a", ttl).await.expect("again"),
        IdempotencyClaim::InFlight
    );
    assert_eq!(
        s.claim("conf-k1", "fp-b", ttl).await.expect("other body"),
        IdempotencyClaim::Mismatch
    );
    let response = StoredResponse {
        status: 201,
        body: "{\"slug\":\"x\"}".into(),
    };
    s.complete("conf-k1", &response).await.expect("complete");
    assert_eq!(
        s.claim("conf-k1", "fp-a", ttl).await.expect("replay"),
        IdempotencyClaim::Replay(response)
    );
    assert_eq!(
        s.claim("conf-k2", "fp-a", ttl).await.expect("claim"),
        IdempotencyClaim::Claimed
    );
    s.release("conf-k2").await.expect("release");
    assert_eq!(
        s.claim("conf-k2", "fp-a", ttl).await.expect("reclaim"),
        IdempotencyClaim::Claimed
    );
    assert_eq!(
        s.claim("conf-k3", "fp", Duration::ZERO)
            .await
            .expect("claim"),
        IdempotencyClaim::Claimed
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        s.claim("conf-k3", "fp", ttl).await.expect("expired"),
        IdempotencyClaim::Claimed,
        "expired keys are free"
    );
}
