//! The admin dashboard: static HTML, CSS and JavaScript modules embedded in the
//! binary, served under `/admin` on the API's own origin (no CDN, no build step).
//! Every page is the same `index.html`; the script routes on the path and talks to
//! `/api/v1/admin/*` with the key the operator typed (kept in sessionStorage).

use axum::extract::Path;
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

/// Same origin only: no inline script, no third-party anything.
const CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; \
connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The dashboard's routes, merged into `app`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(page))
        .route("/admin/", get(|| async { Redirect::permanent("/admin") }))
        .route("/admin/assets/{file}", get(asset))
        .route("/admin/{*path}", get(page))
}

fn secure(mut response: Response, cache: &'static str) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
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

async fn page() -> Response {
    secure(
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], INDEX).into_response(),
        "no-cache",
    )
}

async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, bytes)) => secure(
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
