//! Tenant bearer tokens against a local stand-in for Keycloak's JWKS endpoint,
//! signed with a test-only key (tests/fixtures/test_rsa.pem).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::Path;
use axum::http::{header, Request, StatusCode};
use axum::routing::get;
use http_body_util::BodyExt;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use ratiba_core::backends::memory::MemoryIdempotency;
use ratiba_core::{Onboarder, Secret};
use ratiba_http::{app, AppState, OidcConfig};
use serde_json::{json, Value};
use tower::ServiceExt;

mod common;

const KEY: &str = "admin-key-for-oidc-tests";
const PEM: &[u8] = include_bytes!("fixtures/test_rsa.pem");
const JWKS: &str = include_str!("fixtures/test_jwks.json");

struct Idp {
    base: String,
    fetches: Arc<AtomicUsize>,
}

async fn idp() -> Idp {
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let router = axum::Router::new().route(
        "/realms/{realm}/protocol/openid-connect/certs",
        get(move |Path(realm): Path<String>| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                if realm.starts_with("spa_") {
                    (
                        StatusCode::OK,
                        [(header::CONTENT_TYPE, "application/json")],
                        JWKS.to_string(),
                    )
                } else {
                    (
                        StatusCode::NOT_FOUND,
                        [(header::CONTENT_TYPE, "text/plain")],
                        String::new(),
                    )
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    Idp { base, fetches }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn token(iss: &str, roles: &[&str], exp: u64, kid: &str) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.into());
    let claims = json!({"iss": iss, "exp": exp, "iat": now(), "sub": "owner", "realm_access": {"roles": roles}});
    encode(
        &header,
        &claims,
        &EncodingKey::from_rsa_pem(PEM).expect("test key"),
    )
    .expect("sign")
}

async fn state(idp: &Idp) -> AppState {
    let onboarder = Onboarder::in_memory();
    for slug in ["spa_pilot", "spa_other"] {
        onboarder
            .onboard(ratiba_core::testing::spec(slug))
            .await
            .expect("onboard");
    }
    AppState::new(
        onboarder,
        Arc::new(MemoryIdempotency::new()),
        &Secret::new(KEY),
    )
    .with_oidc(OidcConfig::new(&idp.base))
}

async fn import(
    state: &AppState,
    bearer: Option<&str>,
    tenant: Option<&str>,
) -> (StatusCode, Value) {
    let mut body = json!({"text": "Haircut .... KES 500 (30 min)"});
    if let Some(t) = tenant {
        body["tenant"] = json!(t);
    }
    let (status, _, body) = request(
        state,
        "POST",
        "/api/v1/admin/catalog/import",
        bearer.map(|b| ("authorization", format!("Bearer {b}"))),
        Some(body),
    )
    .await;
    (status, body)
}

#[tokio::test]
async fn a_tenants_own_token_works_on_its_tenant_only() {
    let idp = idp().await;
    let state = state(&idp).await;
    let pilot = format!("{}/realms/spa_pilot", idp.base);
    let owner = token(&pilot, &["owner"], now() + 300, "test-key-1");

    let (status, body) = import(&state, Some(&owner), None).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the token's own tenant by default: {body}"
    );
    let (status, _) = import(&state, Some(&owner), Some("spa_pilot")).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = import(&state, Some(&owner), Some("spa_other")).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "realm A never touches tenant B: {body}"
    );
    let admin = token(&pilot, &["admin"], now() + 300, "test-key-1");
    assert_eq!(
        import(&state, Some(&admin), None).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        idp.fetches.load(Ordering::SeqCst),
        1,
        "the realm's keys are cached"
    );

    // A tenant token is no platform credential.
    let req = Request::builder()
        .uri("/api/v1/admin/tenants")
        .header(header::AUTHORIZATION, format!("Bearer {owner}"))
        .body(Body::empty())
        .expect("request");
    let response = app(state.clone()).oneshot(req).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_tokens_are_refused_never_a_server_error() {
    let idp = idp().await;
    let state = state(&idp).await;
    let pilot = format!("{}/realms/spa_pilot", idp.base);
    let staff = token(&pilot, &["staff"], now() + 300, "test-key-1");
    let expired = token(&pilot, &["owner"], now() - 3600, "test-key-1");
    let unknown_key = token(&pilot, &["owner"], now() + 300, "rotated-away");
    let foreign_server = token(
        "https://evil.example/realms/spa_pilot",
        &["owner"],
        now() + 300,
        "test-key-1",
    );
    let not_a_tenant = token(
        &format!("{}/realms/master", idp.base),
        &["owner"],
        now() + 300,
        "test-key-1",
    );
    let good = token(&pilot, &["owner"], now() + 300, "test-key-1");
    let mut parts: Vec<&str> = good.split('.').collect();
    use base64::Engine;
    let forged_claims = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
        json!({"iss": pilot, "exp": now() + 300, "realm_access": {"roles": ["owner"]}, "sub": "mallory"}).to_string(),
    );
    parts[1] = &forged_claims;
    let tampered = parts.join(".");
    let none_header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(r#"{"alg":"none","kid":"test-key-1"}"#);
    let alg_none = format!("{none_header}.{forged_claims}.");
    let hs_header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(r#"{"alg":"HS256","kid":"test-key-1"}"#);
    let hs256 = format!("{hs_header}.{forged_claims}.c2lnbmF0dXJl");

    let cases = [
        ("staff role", staff.as_str(), StatusCode::FORBIDDEN),
        ("expired", expired.as_str(), StatusCode::UNAUTHORIZED),
        (
            "unknown key id",
            unknown_key.as_str(),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "another issuer",
            foreign_server.as_str(),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "the master realm",
            not_a_tenant.as_str(),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "tampered claims",
            tampered.as_str(),
            StatusCode::UNAUTHORIZED,
        ),
        ("alg none", alg_none.as_str(), StatusCode::UNAUTHORIZED),
        (
            "HS256 with a guessable secret",
            hs256.as_str(),
            StatusCode::UNAUTHORIZED,
        ),
        ("garbage", "not.a.token", StatusCode::UNAUTHORIZED),
        ("empty", "", StatusCode::UNAUTHORIZED),
    ];
    for (what, bearer, want) in cases {
        let (status, body) = import(&state, Some(bearer), None).await;
        assert_eq!(status, want, "{what}: {body}");
        assert_eq!(body["status"], want.as_u16(), "{what}: problem+json body");
    }
    let (status, _) = import(&state, None, Some("spa_pilot")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "no credentials at all");
}

#[tokio::test]
async fn without_keycloak_tokens_are_not_accepted() {
    let onboarder = Onboarder::in_memory();
    onboarder
        .onboard(ratiba_core::testing::spec("spa_pilot"))
        .await
        .expect("onboard");
    let state = AppState::new(
        onboarder,
        Arc::new(MemoryIdempotency::new()),
        &Secret::new(KEY),
    );
    let owner = token(
        "http://127.0.0.1:1/realms/spa_pilot",
        &["owner"],
        now() + 300,
        "test-key-1",
    );
    let (status, body) = import(&state, Some(&owner), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

async fn send(
    state: &AppState,
    method: &str,
    uri: &str,
    auth: Option<(&str, String)>,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    request(state, method, uri, auth, None).await
}

/// One request through `app`, with an optional credential header and JSON body.
async fn request(
    state: &AppState,
    method: &str,
    uri: &str,
    auth: Option<(&str, String)>,
    json: Option<Value>,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some((name, value)) = auth {
        req = req.header(name, value);
    }
    let body = match json {
        Some(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let response = app(state.clone())
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("infallible");
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
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn an_owner_reads_their_tenant_and_its_checks_only() {
    let idp = idp().await;
    let state = state(&idp).await;
    let owner = token(
        &format!("{}/realms/spa_pilot", idp.base),
        &["owner"],
        now() + 300,
        "test-key-1",
    );
    let bearer = || Some(("authorization", format!("Bearer {owner}")));
    for uri in [
        "/api/v1/admin/tenants/spa_pilot",
        "/api/v1/admin/tenants/spa_pilot/verify",
    ] {
        let (status, _, body) = send(&state, "GET", uri, bearer()).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    }
    for uri in [
        "/api/v1/admin/tenants/spa_other",
        "/api/v1/admin/tenants/spa_other/verify",
    ] {
        let (status, _, body) = send(&state, "GET", uri, bearer()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{uri}: {body}");
    }
    // Making passwords and deleting tenants stay the operator's.
    let (status, _, _) = send(
        &state,
        "POST",
        "/api/v1/admin/tenants/spa_pilot/owner-password",
        bearer(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = send(
        &state,
        "DELETE",
        "/api/v1/admin/tenants/spa_pilot",
        bearer(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_operator_makes_one_time_passwords_for_owners() {
    let realms = ratiba_core::backends::memory::MemoryRealms::new();
    let onboarder = Onboarder::new(
        ratiba_core::Ports {
            realms: Arc::new(realms.clone()),
            ..ratiba_core::Ports::in_memory()
        },
        Default::default(),
    );
    onboarder
        .onboard(ratiba_core::testing::spec("spa_pilot"))
        .await
        .expect("onboard");
    let state = AppState::new(
        onboarder,
        Arc::new(MemoryIdempotency::new()),
        &Secret::new(KEY),
    );
    let key = || Some(("x-admin-api-key", KEY.to_string()));
    let uri = "/api/v1/admin/tenants/spa_pilot/owner-password";
    let (status, headers, first) = send(&state, "POST", uri, key()).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    insta::assert_snapshot!("owner_password_200", common::redact(&first.to_string()));
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(first["realm"], "spa_pilot");
    assert_eq!(first["username"], "254712345678");
    let password = first["temporary_password"].as_str().expect("a password");
    assert_eq!(password.len(), 19, "{password}");
    assert_eq!(
        realms
            .temporary_password("spa_pilot", "254712345678")
            .map(|s| s.expose().to_string())
            .as_deref(),
        Some(password),
        "set on the owner's realm user"
    );
    let (_, _, second) = send(&state, "POST", uri, key()).await;
    assert_ne!(
        second["temporary_password"], first["temporary_password"],
        "a fresh password every time"
    );

    let (status, _, body) = send(
        &state,
        "POST",
        "/api/v1/admin/tenants/nobody_here/owner-password",
        key(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    insta::assert_snapshot!("owner_password_404", common::redact(&body.to_string()));
    let (status, _, body) = send(
        &state,
        "POST",
        "/api/v1/admin/tenants/Not-A-Slug/owner-password",
        key(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _, _) = send(&state, "POST", uri, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn realm_files_have_no_sign_in_and_say_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let onboarder = Onboarder::embedded(dir.path()).await.expect("embedded");
    onboarder
        .onboard(ratiba_core::testing::spec("spa_pilot"))
        .await
        .expect("onboard");
    let state = AppState::new(
        onboarder,
        Arc::new(MemoryIdempotency::new()),
        &Secret::new(KEY),
    );
    let (status, _, body) = send(
        &state,
        "POST",
        "/api/v1/admin/tenants/spa_pilot/owner-password",
        Some(("x-admin-api-key", KEY.to_string())),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    insta::assert_snapshot!(
        "owner_password_409_realm_files",
        common::redact(&body.to_string())
    );
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("KEYCLOAK_URL")),
        "{body}"
    );
}

#[tokio::test]
async fn the_dashboard_learns_where_owners_sign_in() {
    let idp = idp().await;
    let state = state(&idp).await;
    let (status, headers, body) = send(&state, "GET", "/admin/config.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["oidc"]["url"], idp.base.as_str());
    assert_eq!(body["oidc"]["client_id"], "tenant-admin");
    let csp = headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii");
    assert!(
        csp.contains(&format!("connect-src 'self' {};", idp.base)),
        "the script may reach Keycloak for the token exchange: {csp}"
    );

    // Asked before leaving for Keycloak: only whether the business signs in here.
    let (status, _, body) = send(&state, "GET", "/admin/realms/spa_pilot", None).await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"realm": "spa_pilot"}))
    );
    for unknown in ["/admin/realms/nobody_here", "/admin/realms/Not-A-Slug"] {
        let (status, _, body) = send(&state, "GET", unknown, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{unknown}: {body}");
    }

    let plain = AppState::new(
        Onboarder::in_memory(),
        Arc::new(MemoryIdempotency::new()),
        &Secret::new(KEY),
    );
    let (_, headers, body) = send(&plain, "GET", "/admin/config.json", None).await;
    assert_eq!(body, json!({"oidc": null}));
    let (status, _, _) = send(&plain, "GET", "/admin/realms/spa_pilot", None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "no owners' sign-in without Keycloak"
    );
    assert!(headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii")
        .contains("connect-src 'self';"));
}
