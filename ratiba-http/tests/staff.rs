//! Staff endpoints through `oneshot`: create, list, update, delete, and the
//! problems bad input gets (422 naming the field, 404 for an unknown tenant).

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use ratiba_core::backends::memory::MemoryIdempotency;
use ratiba_core::{Onboarder, Secret};
use ratiba_http::{app, AppState};
use serde_json::{json, Value};
use tower::ServiceExt;

const KEY: &str = "test-admin-key-0123456789";
const SEED: &str = r#"{"name":"Spa Pilot","slug":"spa_pilot","vertical":"spa","owner_phone":"+254712345678","whatsapp_number":"+15555555555","locale":"en","timezone":"Africa/Nairobi","mpesa_enabled":true}"#;
const STAFF: &str = "/api/v1/admin/tenants/spa_pilot/staff";

struct Reply {
    status: StatusCode,
    content_type: String,
    body: Value,
    text: String,
}

async fn call(state: &AppState, method: &str, uri: &str, body: Option<Value>, key: bool) -> Reply {
    let mut req = Request::builder().method(method).uri(uri);
    if key {
        req = req.header("x-admin-api-key", KEY);
    }
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let req = req
        .body(Body::from(body.map(|b| b.to_string()).unwrap_or_default()))
        .expect("request");
    let response = app(state.clone()).oneshot(req).await.expect("infallible");
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Reply {
        status,
        content_type,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    }
}

async fn tenant_with_catalog() -> AppState {
    let state = AppState::new(
        Onboarder::in_memory(),
        Arc::new(MemoryIdempotency::new()),
        &Secret::new(KEY),
    );
    let seed: Value = serde_json::from_str(SEED).expect("seed");
    let r = call(&state, "POST", "/api/v1/admin/tenants", Some(seed), true).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let commit = json!({"tenant": "spa_pilot", "services": [
        {"name": "Manicure", "price_kes": 1500, "duration_minutes": 45, "category": "Nails"},
        {"name": "Pedicure", "price_kes": 800, "duration_minutes": 30, "category": "Nails"}]});
    let r = call(
        &state,
        "POST",
        "/api/v1/admin/catalog/commit",
        Some(commit),
        true,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    state
}

fn fields(r: &Reply) -> Vec<String> {
    let mut fields: Vec<String> = r.body["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|e| e["field"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    fields.sort();
    fields
}

#[tokio::test]
async fn staff_create_list_update_delete() {
    let state = tenant_with_catalog().await;
    let verify = call(
        &state,
        "GET",
        "/api/v1/admin/tenants/spa_pilot/verify",
        None,
        true,
    )
    .await;
    assert_eq!(
        verify.body["ok"], true,
        "a warning keeps verify ok: {}",
        verify.text
    );
    let warning = verify.body["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "staff_schedules"))
        .cloned()
        .expect("staff_schedules check");
    assert_eq!(warning["ok"], false);
    assert_eq!(warning["warning"], true);
    assert!(
        verify.body["checks"][0].get("warning").is_none(),
        "a check that is no warning reads as before"
    );

    let wanjiku = json!({"name": "Wanjiku", "phone": "+254712000111", "services": ["manicure", "Pedicure"],
        "schedule": [{"weekday": "saturday", "start": "10:00", "end": "16:00"},
                     {"weekday": "mon", "start": "09:00", "end": "17:00"}]});
    let created = call(&state, "POST", STAFF, Some(wanjiku), true).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.body["id"].as_str().expect("id").to_string();
    assert_eq!(created.body["name"], "Wanjiku");
    assert_eq!(created.body["services"], json!(["Manicure", "Pedicure"]));
    assert_eq!(
        created.body["schedule"],
        json!([{"weekday": "monday", "start": "09:00", "end": "17:00"},
               {"weekday": "saturday", "start": "10:00", "end": "16:00"}])
    );

    let listed = call(&state, "GET", STAFF, None, true).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    assert_eq!(listed.body, json!([created.body.clone()]));
    let verify = call(
        &state,
        "GET",
        "/api/v1/admin/tenants/spa_pilot/verify",
        None,
        true,
    )
    .await;
    assert!(
        verify.text.contains("1 of 1 staff with a schedule"),
        "{}",
        verify.text
    );

    let replaced = json!({"name": "Wanjiku M.", "services": ["Pedicure"],
        "schedule": [{"weekday": "tuesday", "start": "08:00", "end": "12:30"}]});
    let updated = call(
        &state,
        "PUT",
        &format!("{STAFF}/{id}"),
        Some(replaced.clone()),
        true,
    )
    .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text);
    assert_eq!(updated.body["id"], id.as_str());
    assert_eq!(updated.body["phone"], Value::Null);
    assert_eq!(updated.body["services"], json!(["Pedicure"]));
    let listed = call(&state, "GET", STAFF, None, true).await;
    assert_eq!(listed.body, json!([updated.body.clone()]));

    let missing = call(
        &state,
        "PUT",
        &format!("{STAFF}/01JNOBODY0000000000000000"),
        Some(replaced),
        true,
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.text);

    let gone = call(&state, "DELETE", &format!("{STAFF}/{id}"), None, true).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    let again = call(&state, "DELETE", &format!("{STAFF}/{id}"), None, true).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.text);
    let listed = call(&state, "GET", STAFF, None, true).await;
    assert_eq!(listed.body, json!([]));
}

#[tokio::test]
async fn bad_staff_input_is_a_422_naming_the_field() {
    let state = tenant_with_catalog().await;
    let overlapping = json!({"name": "Bad", "schedule": [
        {"weekday": "monday", "start": "09:00", "end": "13:00"},
        {"weekday": "monday", "start": "14:00", "end": "10:00"},
        {"weekday": "monday", "start": "12:00", "end": "15:00"}]});
    let r = call(&state, "POST", STAFF, Some(overlapping), true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.content_type, "application/problem+json", "{}", r.text);
    assert_eq!(fields(&r), ["schedule[1].end", "schedule[2]"], "{}", r.text);
    assert!(r.text.contains("overlaps schedule[0]"), "{}", r.text);
    assert!(r.text.contains("must end after it starts"), "{}", r.text);

    let unknown = json!({"name": "X", "services": ["Massage"], "phone": "0712000111"});
    let r = call(&state, "POST", STAFF, Some(unknown), true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(fields(&r), ["phone", "services[0]"], "{}", r.text);

    let unparsed =
        json!({"name": "", "schedule": [{"weekday": "someday", "start": "9", "end": "25:00"}]});
    let r = call(&state, "POST", STAFF, Some(unparsed), true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        fields(&r),
        [
            "schedule[0].end",
            "schedule[0].start",
            "schedule[0].weekday"
        ],
        "{}",
        r.text
    );
    let wrong_type =
        json!({"name": "X", "schedule": [{"weekday": "monday", "start": 9, "end": "10:00"}]});
    let r = call(&state, "POST", STAFF, Some(wrong_type), true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(fields(&r), ["schedule[0].start"], "{}", r.text);
    let extra = json!({"name": "X", "salary": 1});
    let r = call(&state, "POST", STAFF, Some(extra), true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        call(&state, "GET", STAFF, None, true).await.body,
        json!([]),
        "nothing written"
    );

    let nobody = "/api/v1/admin/tenants/nobody/staff";
    let r = call(&state, "GET", nobody, None, true).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let r = call(&state, "POST", nobody, Some(json!({"name": "X"})), true).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let r = call(
        &state,
        "GET",
        "/api/v1/admin/tenants/Bad%20Slug/staff",
        None,
        true,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = call(&state, "GET", STAFF, None, false).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);

    let doc = call(&state, "GET", "/api/openapi.json", None, false).await;
    for path in [
        "/api/v1/admin/tenants/{slug}/staff",
        "/api/v1/admin/tenants/{slug}/staff/{id}",
    ] {
        assert!(doc.body["paths"].get(path).is_some(), "{path} documented");
    }
    assert!(doc.body["components"]["schemas"].get("StaffBody").is_some());
}

#[tokio::test]
async fn the_tenants_services_are_listed_to_pick_from() {
    let state = tenant_with_catalog().await;
    let r = call(
        &state,
        "GET",
        "/api/v1/admin/tenants/spa_pilot/services",
        None,
        true,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let services = r.body.as_array().expect("a list");
    let names: Vec<&str> = services.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ["Manicure", "Pedicure"]);
    assert_eq!(services[0]["price_kes"], 1500);
    assert_eq!(services[0]["duration_minutes"], 45);
    assert_eq!(services[0]["category"], "Nails");
    assert!(services[0]["id"].as_str().is_some_and(|id| !id.is_empty()));

    let unknown = call(
        &state,
        "GET",
        "/api/v1/admin/tenants/no_such/services",
        None,
        true,
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.text);
    assert!(unknown.content_type.starts_with("application/problem+json"));
    let anonymous = call(
        &state,
        "GET",
        "/api/v1/admin/tenants/spa_pilot/services",
        None,
        false,
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}
