//! The router through `oneshot` (fast, no socket) and over a real socket.

mod common;

use common::redact;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use ratiba_core::backends::memory::{FaultKind, FaultPoint, Faults, MemoryIdempotency};
use ratiba_core::{Onboarder, Secret};
use ratiba_http::{app, AppState};
use serde_json::{json, Value};
use tower::ServiceExt;

const KEY: &str = "test-admin-key-0123456789";
const SEED: &str = r#"{"name":"Spa Pilot","slug":"spa_pilot","vertical":"spa","owner_phone":"+254712345678","whatsapp_number":"+15555555555","locale":"en","timezone":"Africa/Nairobi","mpesa_enabled":true}"#;

fn state_with(onboarder: Onboarder) -> AppState {
    AppState::new(
        onboarder,
        Arc::new(MemoryIdempotency::new()),
        &Secret::new(KEY),
    )
}

fn memory() -> AppState {
    state_with(Onboarder::in_memory())
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Value,
    text: String,
}

async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    body: Option<&str>,
    extra: &[(&str, &str)],
) -> Reply {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("x-admin-api-key", KEY);
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let req = req
        .body(Body::from(body.unwrap_or_default().to_string()))
        .expect("request");
    send(state, req).await
}

async fn send(state: &AppState, req: Request<Body>) -> Reply {
    let response = app(state.clone()).oneshot(req).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Reply {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    }
}

#[tokio::test]
async fn onboarding_lifecycle() {
    let state = memory();
    let created = call(&state, "POST", "/api/v1/admin/tenants", Some(SEED), &[]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(
        created.headers[header::LOCATION],
        "/api/v1/admin/tenants/spa_pilot"
    );
    let keys: Vec<&str> = created
        .body
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "name",
            "slug",
            "vertical",
            "status",
            "locale",
            "timezone",
            "whatsapp_number",
            "voice_number",
            "mpesa_enabled",
            "created_at",
            "admins"
        ]
    );
    insta::assert_snapshot!("create_201", redact(&created.text));

    let conflict = call(&state, "POST", "/api/v1/admin/tenants", Some(SEED), &[]).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert_eq!(
        conflict.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    insta::assert_snapshot!("create_409", redact(&conflict.text));

    let shown = call(&state, "GET", "/api/v1/admin/tenants/spa_pilot", None, &[]).await;
    assert_eq!(shown.body, created.body);
    let list = call(&state, "GET", "/api/v1/admin/tenants", None, &[]).await;
    assert_eq!(list.body, json!([created.body]));
    let verify = call(
        &state,
        "GET",
        "/api/v1/admin/tenants/spa_pilot/verify",
        None,
        &[],
    )
    .await;
    assert_eq!(verify.body["ok"], true, "{}", verify.text);

    let deleted = call(
        &state,
        "DELETE",
        "/api/v1/admin/tenants/spa_pilot",
        None,
        &[],
    )
    .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = call(&state, "GET", "/api/v1/admin/tenants/spa_pilot", None, &[]).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    insta::assert_snapshot!("show_404", redact(&gone.text));
}

#[tokio::test]
async fn bad_input_is_never_a_server_error() {
    let state = memory();
    let invalid = r#"{"name":"","slug":"Spa-Pilot","vertical":"bakery","owner_phone":"0712345678","whatsapp_number":"+1555","locale":"en_KE","timezone":"EAT","mpesa_enabled":"yes"}"#;
    let r = call(&state, "POST", "/api/v1/admin/tenants", Some(invalid), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_snapshot!("create_422", redact(&r.text));
    let fields: Vec<&str> = r.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields.len(), 8, "{fields:?}");

    let huge = format!(r#"{{"name":"{}"}}"#, "x".repeat(100_000));
    let cases: Vec<(String, StatusCode)> = vec![
        ("{not json".into(), StatusCode::BAD_REQUEST),
        ("[]".into(), StatusCode::UNPROCESSABLE_ENTITY),
        ("null".into(), StatusCode::UNPROCESSABLE_ENTITY),
        (r#"{"slug": 5}"#.into(), StatusCode::UNPROCESSABLE_ENTITY),
        (huge, StatusCode::PAYLOAD_TOO_LARGE),
        (
            SEED.replace("spa_pilot", "pg_catalog"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            SEED.replace("spa_pilot", "x'; DROP TABLE tenants; --"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            SEED.replace("spa_pilot", &"a".repeat(57)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            SEED.replace("spa_pilot", "../../etc"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            SEED.replace("+254712345678", "+254 712 345 678 9"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            SEED.replace("Africa/Nairobi", "Mars/Olympus"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            SEED.replace("\"en\"", "\"\""),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (body, want) in cases {
        let r = call(&state, "POST", "/api/v1/admin/tenants", Some(&body), &[]).await;
        assert_eq!(
            r.status,
            want,
            "{}: {}",
            &body[..body.len().min(80)],
            r.text
        );
        assert_eq!(r.headers[header::CONTENT_TYPE], "application/problem+json");
    }
    let no_type = Request::builder()
        .method("POST")
        .uri("/api/v1/admin/tenants")
        .header("x-admin-api-key", KEY)
        .body(Body::from(SEED))
        .expect("request");
    assert_eq!(
        send(&state, no_type).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    for path in [
        "/api/v1/admin/tenants/Spa-Pilot",
        "/api/v1/admin/tenants/%00",
        "/api/v1/admin/tenants/a%2F..%2Fb",
    ] {
        let r = call(&state, "GET", path, None, &[]).await;
        assert!(r.status.is_client_error(), "{path}: {}", r.status);
    }
    assert_eq!(
        call(&state, "GET", "/nope", None, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&state, "PATCH", "/api/v1/admin/tenants", None, &[])
            .await
            .status,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[tokio::test]
async fn the_admin_key_is_required_and_failures_are_limited() {
    let state = memory();
    let mut bodies = Vec::new();
    for key in [None, Some("wrong"), Some("x"), Some(&"k".repeat(500)[..])] {
        let mut req = Request::builder().uri("/api/v1/admin/tenants");
        if let Some(k) = key {
            req = req.header("x-admin-api-key", k);
        }
        let r = send(&state, req.body(Body::empty()).expect("request")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        bodies.push(r.body["detail"].clone());
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "missing, wrong and wrong-length keys look the same"
    );
    for _ in 0..10 {
        let req = Request::builder()
            .uri("/api/v1/admin/tenants")
            .header("x-admin-api-key", "bad");
        send(&state, req.body(Body::empty()).expect("request")).await;
    }
    let locked = call(&state, "GET", "/api/v1/admin/tenants", None, &[]).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.headers.contains_key(header::RETRY_AFTER));
    let health = send(
        &state,
        Request::builder()
            .uri("/healthz")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(health.status, StatusCode::OK, "health needs no key");
}

#[tokio::test]
async fn idempotency_keys() {
    let state = memory();
    let key = [("idempotency-key", "req-1")];
    let first = call(&state, "POST", "/api/v1/admin/tenants", Some(SEED), &key).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = call(&state, "POST", "/api/v1/admin/tenants", Some(SEED), &key).await;
    assert_eq!(
        again.status,
        StatusCode::CREATED,
        "a retry gets the first response, not a conflict"
    );
    assert_eq!(again.body, first.body);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    let other = SEED.replace("spa_pilot", "spa_two");
    let mismatch = call(&state, "POST", "/api/v1/admin/tenants", Some(&other), &key).await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(mismatch.body["errors"][0]["field"], "Idempotency-Key");

    // A duplicate while the first is still running is a conflict.
    let faults = Faults::new();
    faults.delay(FaultPoint::RealmCreate, Duration::from_millis(300));
    let slow = state_with(Onboarder::in_memory_with_faults(&faults));
    let key = [("idempotency-key", "slow-1")];
    let (a, b) = tokio::join!(
        call(&slow, "POST", "/api/v1/admin/tenants", Some(SEED), &key),
        async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            call(&slow, "POST", "/api/v1/admin/tenants", Some(SEED), &key).await
        }
    );
    assert_eq!(a.status, StatusCode::CREATED);
    assert_eq!(b.status, StatusCode::CONFLICT, "{}", b.text);
}

#[tokio::test]
async fn backend_failures_map_to_5xx_and_leave_nothing() {
    let faults = Faults::new();
    let state = state_with(Onboarder::in_memory_with_faults(&faults));
    faults.set(FaultPoint::RealmCreate, FaultKind::Unavailable, None);
    let down = call(&state, "POST", "/api/v1/admin/tenants", Some(SEED), &[]).await;
    assert_eq!(
        down.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        down.text
    );
    assert!(down.headers.contains_key(header::RETRY_AFTER));

    faults.clear();
    faults.fail(FaultPoint::SchemaCommit);
    let broken = call(&state, "POST", "/api/v1/admin/tenants", Some(SEED), &[]).await;
    assert_eq!(broken.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        !broken.text.contains("injected"),
        "internals stay out of the body: {}",
        broken.text
    );
    let id = broken.body["request_id"]
        .as_str()
        .expect("request id")
        .to_string();
    assert_eq!(broken.headers["x-request-id"], id.as_str());
    insta::assert_snapshot!("create_500", redact(&broken.text));

    faults.clear();
    let list = call(&state, "GET", "/api/v1/admin/tenants", None, &[]).await;
    assert_eq!(list.body, json!([]), "nothing was left behind");
    assert_eq!(
        call(&state, "POST", "/api/v1/admin/tenants", Some(SEED), &[])
            .await
            .status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_slow_onboarding_answers_504_and_still_finishes() {
    let faults = Faults::new();
    faults.delay(FaultPoint::RealmCreate, Duration::from_millis(600));
    let mut state = state_with(Onboarder::in_memory_with_faults(&faults));
    state.limits.onboarding_timeout = Duration::from_millis(100);
    let key = [("idempotency-key", "timeout-1")];
    let slow = call(&state, "POST", "/api/v1/admin/tenants", Some(SEED), &key).await;
    assert_eq!(slow.status, StatusCode::GATEWAY_TIMEOUT);
    tokio::time::sleep(Duration::from_millis(900)).await;
    let replay = call(&state, "POST", "/api/v1/admin/tenants", Some(SEED), &key).await;
    assert_eq!(
        replay.status,
        StatusCode::CREATED,
        "the retry sees how it ended: {}",
        replay.text
    );
    let verify = call(
        &state,
        "GET",
        "/api/v1/admin/tenants/spa_pilot/verify",
        None,
        &[],
    )
    .await;
    assert_eq!(verify.body["ok"], true);
}

#[tokio::test]
async fn catalog_import_and_commit() {
    let state = memory();
    call(&state, "POST", "/api/v1/admin/tenants", Some(SEED), &[]).await;
    let menu = json!({"text": "NAILS\nManicure .... KES 1,500 (45 min)\nPedicure .... KES 800 (30 min)\nNail art\n", "tenant": "spa_pilot"});
    let import = call(
        &state,
        "POST",
        "/api/v1/admin/catalog/import",
        Some(&menu.to_string()),
        &[],
    )
    .await;
    assert_eq!(import.status, StatusCode::CREATED, "{}", import.text);
    insta::assert_snapshot!("import_201", redact(&import.text));
    assert_eq!(import.body["needs_price"], json!(["Nail art"]));

    let commit = json!({"tenant": "spa_pilot", "import_id": import.body["import_id"],
        "services": [{"name": "Manicure", "price_kes": 1500, "duration_minutes": 45, "category": "Nails"},
                     {"name": "Nail art", "price_kes": 500, "duration_minutes": null, "category": "Nails"}],
        "relations": [{"service": "Manicure", "related": "Nail art", "relation_type": "cross_sell"}],
        "owner_typed": ["Nail art"]});
    // A row that was red needs its price typed by the owner, and said so.
    let mut untyped = commit.clone();
    untyped["owner_typed"] = json!([]);
    let refused = call(
        &state,
        "POST",
        "/api/v1/admin/catalog/commit",
        Some(&untyped.to_string()),
        &[],
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert_eq!(
        refused.body["errors"][0]["field"], "services[1].price_kes",
        "{}",
        refused.text
    );
    let done = call(
        &state,
        "POST",
        "/api/v1/admin/catalog/commit",
        Some(&commit.to_string()),
        &[],
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(
        done.body,
        json!({"created": 2, "updated": 0, "unchanged": 0, "relations": 1})
    );
    let twice = call(
        &state,
        "POST",
        "/api/v1/admin/catalog/commit",
        Some(&commit.to_string()),
        &[],
    )
    .await;
    assert_eq!(
        twice.body["created"], 0,
        "the same import twice does nothing"
    );

    let bad = json!({"tenant": "spa_pilot", "services": [{"name": "X", "price_kes": "free"}]});
    let r = call(
        &state,
        "POST",
        "/api/v1/admin/catalog/commit",
        Some(&bad.to_string()),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.body["errors"][0]["field"], "services[0].price_kes",
        "{}",
        r.text
    );
    let below = json!({"tenant": "spa_pilot", "services": [{"name": "X", "price_kes": 20, "duration_minutes": null, "category": null}]});
    let r = call(
        &state,
        "POST",
        "/api/v1/admin/catalog/commit",
        Some(&below.to_string()),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut confirmed = below.clone();
    confirmed["confirm_below_floor"] = json!(["X"]);
    let r = call(
        &state,
        "POST",
        "/api/v1/admin/catalog/commit",
        Some(&confirmed.to_string()),
        &[],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "a confirmed price below the floor is taken: {}",
        r.text
    );
    let unknown =
        json!({"tenant": "spa_pilot", "import_id": "01JNOSUCHIMPORT0000000000", "services": []});
    let r = call(
        &state,
        "POST",
        "/api/v1/admin/catalog/commit",
        Some(&unknown.to_string()),
        &[],
    )
    .await;
    assert_eq!(r.body["errors"][0]["field"], "import_id", "{}", r.text);
    let nobody = json!({"text": "Haircut 500", "tenant": "nobody"});
    let r = call(
        &state,
        "POST",
        "/api/v1/admin/catalog/import",
        Some(&nobody.to_string()),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let no_tenant = json!({"text": "Haircut 500"});
    let r = call(
        &state,
        "POST",
        "/api/v1/admin/catalog/import",
        Some(&no_tenant.to_string()),
        &[],
    )
    .await;
    assert_eq!(r.body["errors"][0]["field"], "tenant");
}

#[tokio::test]
async fn multipart_upload() {
    let state = memory();
    call(&state, "POST", "/api/v1/admin/tenants", Some(SEED), &[]).await;
    let boundary = "XBOUNDARY";
    let form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"tenant\"\r\n\r\nspa_pilot\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nHaircut ..... Ksh 500 (30 min)\r\n--{boundary}--\r\n"
    );
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/admin/catalog/import")
        .header("x-admin-api-key", KEY)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(form))
        .expect("request");
    let r = send(&state, req).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["extraction"]["rows"][0]["price_kes"], 500);

    let image = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"m.png\"\r\nContent-Type: image/png\r\n\r\nnot really a png\r\n--{boundary}--\r\n"
    );
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/admin/catalog/extract")
        .header("x-admin-api-key", KEY)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(image))
        .expect("request");
    let r = send(&state, req).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the declared type is ignored; the bytes are text: {}",
        r.text
    );
}

#[tokio::test]
async fn openapi_document() {
    let state = memory();
    let r = send(
        &state,
        Request::builder()
            .uri("/api/openapi.json")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        r.body["openapi"]
    );
    for path in [
        "/api/v1/admin/tenants",
        "/api/v1/admin/tenants/{slug}",
        "/api/v1/admin/catalog/import",
        "/readyz",
    ] {
        assert!(r.body["paths"].get(path).is_some(), "{path} documented");
    }
    assert!(r.body["components"]["schemas"].get("TenantBody").is_some());
    let ready = send(
        &state,
        Request::builder()
            .uri("/readyz")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.text);
}

/// A writer that keeps everything logged, to look for secrets in it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn secrets_never_reach_the_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let faults = Faults::new();
    let state = state_with(Onboarder::in_memory_with_faults(&faults));
    let with_token = SEED.replace("}", r#","whatsapp_access_token":"EAAGsentineltoken42"}"#);
    call(
        &state,
        "POST",
        "/api/v1/admin/tenants",
        Some(&with_token),
        &[("authorization", "Bearer sentinel-bearer")],
    )
    .await;
    faults.fail(FaultPoint::SchemaPrepare);
    let other = with_token.replace("spa_pilot", "spa_other");
    call(&state, "POST", "/api/v1/admin/tenants", Some(&other), &[]).await;
    let logs =
        String::from_utf8_lossy(&captured.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned();
    assert!(logs.contains("request"), "the capture works: {logs}");
    for secret in [KEY, "EAAGsentineltoken42", "sentinel-bearer"] {
        assert!(!logs.contains(secret), "{secret} leaked into the logs");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_a_socket_concurrent_onboarding_of_one_slug() {
    let dir = tempfile::tempdir().expect("tempdir");
    let onboarder = Onboarder::embedded(dir.path()).await.expect("embedded");
    let store = Arc::new(
        ratiba_core::backends::sqlite::SqliteStore::open(dir.path())
            .await
            .expect("store"),
    );
    let state = AppState::new(onboarder, store, &Secret::new(KEY));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(ratiba_http::serve(state, listener, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let url = format!("http://{addr}/api/v1/admin/tenants");
    let statuses = common::post_concurrently(&client, &url, KEY, vec![SEED.to_string(); 50]).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "no 5xx: {statuses:?}"
    );

    let distinct = (0..100)
        .map(|i| SEED.replace("spa_pilot", &format!("spa_{i}")))
        .collect();
    let statuses = common::post_concurrently(&client, &url, KEY, distinct).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let list: Value = client
        .get(&url)
        .header("x-admin-api-key", KEY)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(list.as_array().map(Vec::len), Some(101));
    let realms = std::fs::read_dir(dir.path().join("realms"))
        .expect("realms")
        .count();
    let stores = std::fs::read_dir(dir.path().join("tenants"))
        .expect("stores")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".db"))
        })
        .count();
    assert_eq!(
        (realms, stores),
        (101, 101),
        "exactly one realm and one store per tenant"
    );
    let _ = stop.send(());
    server.await.expect("join").expect("serve");
}
