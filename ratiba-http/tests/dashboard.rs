//! The embedded dashboard: pages, assets and their headers, through `oneshot`.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use ratiba_core::backends::memory::MemoryIdempotency;
use ratiba_core::{Onboarder, Secret};
use ratiba_http::{app, AppState};
use tower::ServiceExt;

fn state() -> AppState {
    AppState::new(
        Onboarder::in_memory(),
        Arc::new(MemoryIdempotency::new()),
        &Secret::new("dashboard-test-key"),
    )
}

async fn get(uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let req = Request::builder()
        .uri(uri)
        .body(Body::empty())
        .expect("request");
    let response = app(state()).oneshot(req).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

#[tokio::test]
async fn every_dashboard_path_is_the_page_without_a_key() {
    for path in [
        "/admin",
        "/admin/signin",
        "/admin/tenants",
        "/admin/tenants/new",
        "/admin/tenants/spa_pilot",
        "/admin/catalog?tenant=spa_pilot",
    ] {
        let (status, headers, body) = get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
        let csp = headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("ascii");
        assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(body.contains(r#"<script type="module" src="/admin/assets/app.js">"#));
        assert!(!body.contains("https://"), "no CDN");
    }
    let (status, headers, _) = get("/admin/").await;
    assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(headers[header::LOCATION], "/admin");
}

#[tokio::test]
async fn assets_are_embedded_with_their_types() {
    for (file, kind) in [
        ("app.js", "text/javascript"),
        ("api.js", "text/javascript"),
        ("dom.js", "text/javascript"),
        ("rules.js", "text/javascript"),
        ("tenants.js", "text/javascript"),
        ("catalog.js", "text/javascript"),
        ("style.css", "text/css"),
        ("favicon.svg", "image/svg+xml"),
    ] {
        let (status, headers, body) = get(&format!("/admin/assets/{file}")).await;
        assert_eq!(status, StatusCode::OK, "{file}");
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .expect("ascii")
                .starts_with(kind),
            "{file}"
        );
        assert!(!body.is_empty());
        for line in body.lines() {
            let line = line.trim_start();
            if line.starts_with("import ") {
                assert!(
                    line.contains("'./"),
                    "{file} imports only sibling modules: {line}"
                );
            }
        }
    }
    // Only embedded files are served: a path outside is the page, never a file.
    let (_, _, body) = get("/admin/assets/../lib.rs").await;
    assert!(!body.contains("pub fn app"));
    let (status, headers, _) = get("/admin/assets/secret.key").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
}

#[tokio::test]
async fn the_api_still_needs_its_key() {
    let (status, _, _) = get("/api/v1/admin/tenants").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = get("/adminx").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
