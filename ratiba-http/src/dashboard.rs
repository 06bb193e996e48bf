//! The admin dashboard: static HTML, CSS and JavaScript modules embedded in the
//! binary, served under `/admin` on the API's own origin (no CDN, no build step).
//! Every page is the same `index.html`; the script routes on the path and talks to
//! `/api/v1/admin/*` with the key the operator typed or, for a tenant owner, the
//! access token of the tenant's realm (authorization code with PKCE, done by the
//! script against Keycloak; `/admin/config.json` says where Keycloak is).

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use crate::problem::ApiError;
use crate::state::AppState;

const INDEX: &str = include_str!("../assets/index.html");

/// `(file name, content type, bytes)` of every asset.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "style.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/style.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/app.js"),
    ),
    (
        "api.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/api.js"),
    ),
    (
        "oidc.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/oidc.js"),
    ),
    (
        "dom.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/dom.js"),
    ),
    (
        "rules.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/rules.js"),
    ),
    (
        "tenants.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/tenants.js"),
    ),
    (
        "catalog.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/catalog.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../assets/favicon.svg"),
    ),
];

/// Same origin only: no inline script, no third-party anything. The one other
/// origin a script may reach is Keycloak's, for the owners' token exchange.
fn csp(state: &AppState) -> HeaderValue {
    let idp = state
        .oidc
        .as_ref()
        .and_then(|o| o.origin())
        .map(|o| format!(" {o}"))
        .unwrap_or_default();
    HeaderValue::from_str(&format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; \
connect-src 'self'{idp}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
}

/// The dashboard's routes, merged into `app`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(page))
        .route("/admin/", get(|| async { Redirect::permanent("/admin") }))
        .route("/admin/assets/{file}", get(asset))
        .route("/admin/config.json", get(config))
        .route("/admin/realms/{slug}", get(owner_realm))
        .route("/admin/{*path}", get(page))
}

fn secure(state: &AppState, mut response: Response, cache: &'static str) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, csp(state));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

async fn page(State(state): State<AppState>) -> Response {
    secure(
        &state,
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], INDEX).into_response(),
        "no-cache",
    )
}

/// What the script needs before anyone signs in: whether tenant owners can sign
/// in through their realms, and where. Public: it names no tenant and no secret.
async fn config(State(state): State<AppState>) -> Response {
    let oidc = state.oidc.as_ref().map(|o| {
        serde_json::json!({
            "url": o.config().base_url,
            "client_id": state.onboarder.settings().realm.admin_client_id,
        })
    });
    secure(
        &state,
        axum::Json(serde_json::json!({ "oidc": oidc })).into_response(),
        "no-cache",
    )
}

/// Whether owners of `slug` can sign in here: asked before the browser leaves for
/// Keycloak, which shows a dead-end page for a realm it does not have (and whose
/// 404 carries no CORS header the script could read). Says only yes or no.
async fn owner_realm(State(state): State<AppState>, Path(raw): Path<String>) -> Response {
    let unknown = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "no business with that ID signs in here",
        )
        .into_response()
    };
    if state.oidc.is_none() {
        return ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "owners do not sign in on this server (no Keycloak configured)",
        )
        .into_response();
    }
    let Ok(slug) = ratiba_core::Slug::parse(&raw) else {
        return unknown();
    };
    match state.onboarder.get(&slug).await {
        Ok(_) => secure(
            &state,
            axum::Json(serde_json::json!({ "realm": slug.as_str() })).into_response(),
            "no-cache",
        ),
        Err(e) if matches!(e.kind(), ratiba_core::ErrorKind::NotFound) => unknown(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

async fn asset(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, bytes)) => secure(
            &state,
            ([(header::CONTENT_TYPE, *content_type)], *bytes).into_response(),
            "no-cache",
        ),
        None => ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "no such dashboard asset",
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_references_only_embedded_assets() {
        for part in INDEX.split("/admin/assets/").skip(1) {
            let name: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
                .collect();
            assert!(
                ASSETS.iter().any(|(n, _, _)| *n == name),
                "index.html references {name}, which is not embedded"
            );
        }
        assert!(!INDEX.contains("http://") && !INDEX.contains("https://"));
    }
}
