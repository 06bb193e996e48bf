//! # ratiba-http
//!
//! The HTTP API over ratiba-core: `app(state)` is the whole router, so tests drive
//! it with `oneshot` and `ratiba serve` binds it to a socket. Handlers only convert:
//! every decision is the core's. Errors are problem+json (`problem.rs`).

pub mod api;
pub mod auth;
mod body;
mod dashboard;
mod idempotency;
pub mod oidc;
pub mod openapi;
pub mod problem;
mod request_id;
mod routes;
pub mod state;

use std::net::SocketAddr;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{middleware, Router};

pub use auth::{AdminKey, Caller};
pub use oidc::OidcConfig;
pub use state::{AppState, Limits};

use crate::problem::ApiError;
use crate::routes::{catalog, health, staff, tenants};

pub fn app(state: AppState) -> Router {
    let json = DefaultBodyLimit::max(state.limits.json_bytes);
    let upload = DefaultBodyLimit::max(state.limits.upload_bytes + 64 * 1024);
    Router::new()
        .route(
            "/api/v1/admin/tenants",
            post(tenants::create).layer(json).get(tenants::list),
        )
        .route(
            "/api/v1/admin/tenants/{slug}",
            get(tenants::show).delete(tenants::delete),
        )
        .route("/api/v1/admin/tenants/{slug}/verify", get(tenants::verify))
        .route(
            "/api/v1/admin/tenants/{slug}/owner-password",
            post(tenants::reset_owner_password),
        )
        .route(
            "/api/v1/admin/tenants/{slug}/whatsapp",
            put(tenants::put_whatsapp).layer(json),
        )
        .route(
            "/api/v1/admin/catalog/extract",
            post(catalog::extract).layer(upload),
        )
        .route(
            "/api/v1/admin/catalog/import",
            post(catalog::import).layer(upload),
        )
        .route(
            "/api/v1/admin/catalog/commit",
            post(catalog::commit).layer(json),
        )
        .route(
            "/api/v1/admin/tenants/{slug}/services",
            get(catalog::services),
        )
        .route(
            "/api/v1/admin/tenants/{slug}/staff",
            post(staff::create).layer(json).get(staff::list),
        )
        .route(
            "/api/v1/admin/tenants/{slug}/staff/{id}",
            put(staff::update).layer(json).delete(staff::delete),
        )
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/api/openapi.json", get(openapi::document))
        .merge(dashboard::routes())
        .fallback(tenants::not_found)
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "this endpoint does not take that method",
            )
        })
        .layer(middleware::from_fn(request_id::middleware))
        .with_state(state)
}

/// Serves `app(state)` on `addr` until `shutdown` resolves.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
