//! A request id per request: in the `x-request-id` response header, in error bodies
//! of internal errors, and in the log lines of the request.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being handled, if any.
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

pub async fn middleware(request: Request, next: Next) -> Response {
    let id = ulid::Ulid::new().to_string();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let mut response = REQUEST_ID.scope(id.clone(), next.run(request)).await;
    // Method, path and status only: headers (keys, tokens, cookies) never reach the log.
    tracing::info!(request_id = %id, %method, %path, status = response.status().as_u16(), "request");
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

/// Runs `future` (a spawned task, say) under the current request's id.
pub fn scope<F: std::future::Future>(future: F) -> impl std::future::Future<Output = F::Output> {
    let id = current().unwrap_or_default();
    REQUEST_ID.scope(id, future)
}
