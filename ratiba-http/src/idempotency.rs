//! `Idempotency-Key` on POST: a retry with the same key and body gets the first
//! response; the same key with another body is 422; a duplicate in flight is 409.
//! The work runs in its own task, so a client that gives up (or a 504) never
//! cancels an onboarding half-way; the task records the outcome for the key.

use std::future::Future;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use ratiba_core::ports::{IdempotencyClaim, StoredResponse};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::problem::ApiError;
use crate::request_id;
use crate::state::AppState;

pub const HEADER: &str = "idempotency-key";

fn key_of(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(raw) = headers.get(HEADER) else {
        return Ok(None);
    };
    let valid = raw
        .to_str()
        .ok()
        .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()));
    match valid {
        Some(k) => Ok(Some(k.to_string())),
        None => Err(ApiError::field(
            "Idempotency-Key",
            "must be 1 to 255 visible ASCII characters",
        )),
    }
}

pub type Outcome = Result<(StatusCode, Value), ApiError>;

pub async fn respond<F>(
    state: &AppState,
    headers: &HeaderMap,
    scope: &str,
    body: &[u8],
    work: F,
) -> Response
where
    F: Future<Output = Outcome> + Send + 'static,
{
    match run(state, headers, scope, body, work).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn run<F>(
    state: &AppState,
    headers: &HeaderMap,
    scope: &str,
    body: &[u8],
    work: F,
) -> Result<Response, ApiError>
where
    F: Future<Output = Outcome> + Send + 'static,
{
    let claimed = match key_of(headers)? {
        None => None,
        Some(key) => {
            let key = format!("{scope} {key}");
            let mut hasher = Sha256::new();
            hasher.update(scope.as_bytes());
            hasher.update([0]);
            hasher.update(body);
            let fingerprint: String = hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            match state
                .idempotency
                .claim(&key, &fingerprint, state.limits.idempotency_ttl)
                .await?
            {
                IdempotencyClaim::Claimed => Some(key),
                IdempotencyClaim::Replay(stored) => return Ok(replay(stored)),
                IdempotencyClaim::InFlight => {
                    return Err(ApiError::new(
                        StatusCode::CONFLICT,
                        "in-flight",
                        "a request with this Idempotency-Key is still being handled; retry shortly",
                    ))
                }
                IdempotencyClaim::Mismatch => return Err(ApiError::field(
                    "Idempotency-Key",
                    "was already used with a different request; use a new key for a new request",
                )),
            }
        }
    };
    let store = state.idempotency.clone();
    let task = tokio::spawn(request_id::scope(async move {
        let outcome = work.await;
        if let Some(key) = claimed {
            let (status, body) = match &outcome {
                Ok((status, value)) => (*status, serde_json::to_string(value).unwrap_or_default()),
                Err(e) => (
                    e.status(),
                    serde_json::to_string(&e.problem()).unwrap_or_default(),
                ),
            };
            // Server errors may pass: forget the key so a retry runs again.
            let _ = if status.is_server_error() {
                store.release(&key).await
            } else {
                store
                    .complete(
                        &key,
                        &StoredResponse {
                            status: status.as_u16(),
                            body,
                        },
                    )
                    .await
            };
        }
        outcome
    }));
    match tokio::time::timeout(state.limits.onboarding_timeout, task).await {
        Err(_) => Err(ApiError::timeout(format!(
            "no answer within {} s; the work goes on and either completes or rolls back: check again shortly",
            state.limits.onboarding_timeout.as_secs()
        ))),
        Ok(Err(join)) => Err(ApiError::internal(join)),
        Ok(Ok(outcome)) => outcome.map(|(status, value)| (status, axum::Json(value)).into_response()),
    }
}

fn replay(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let content_type = if status.is_success() {
        "application/json"
    } else {
        "application/problem+json"
    };
    let mut response = (status, stored.body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}
