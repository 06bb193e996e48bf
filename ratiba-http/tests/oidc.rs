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
    let mut req = Request::builder()
        .method("POST")
        .uri("/api/v1/admin/catalog/import")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(b) = bearer {
        req = req.header(header::AUTHORIZATION, format!("Bearer {b}"));
    }
    let response = app(state.clone())
        .oneshot(req.body(Body::from(body.to_string())).expect("request"))
        .await
        .expect("infallible");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
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
