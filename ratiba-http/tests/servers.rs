//! The HTTP API over a real socket on PostgreSQL + Keycloak (started by
//! scripts/test.sh): the exact onboarding request, concurrency, nothing left behind.
//! Without the servers: a failure under CI=true, a printed skip otherwise.

mod common;

use std::sync::Arc;

use ratiba_core::backends::keycloak::{KeycloakConfig, KeycloakRealms};
use ratiba_core::backends::postgres::{PgConfig, PgStore};
use ratiba_core::{Onboarder, OnboarderSettings, Ports, RealmProvisioner, Secret};
use ratiba_http::AppState;
use serde_json::Value;
use sqlx::{Connection, Executor, PgConnection};

const KEY: &str = "servers-test-admin-key";

fn env(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Some(v),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{name} is not set under CI=true: these tests must run (scripts/test.sh starts the servers)")
        }
        _ => {
            eprintln!("skipping: {name} is not set (scripts/test.sh starts PostgreSQL and Keycloak and sets it)");
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onboarding_over_http_on_postgres_and_keycloak() {
    let (Some(pg_url), Some(kc_url)) = (
        env("RATIBA_TEST_DATABASE_URL"),
        env("RATIBA_TEST_KEYCLOAK_URL"),
    ) else {
        return;
    };
    let kc_password =
        std::env::var("RATIBA_TEST_KEYCLOAK_PASSWORD").unwrap_or_else(|_| "keycloak_dev".into());
    let db = format!(
        "ratiba_http_{}",
        ulid::Ulid::new().to_string().to_lowercase()
    );
    let mut admin = PgConnection::connect(&pg_url).await.expect("connect");
    admin
        .execute(format!("CREATE DATABASE \"{db}\"").as_str())
        .await
        .expect("create database");

    let store = Arc::new(
        PgStore::connect(&PgConfig::new(&pg_url).with_database(&db))
            .await
            .expect("store"),
    );
    let realms = Arc::new(
        KeycloakRealms::new(KeycloakConfig::new(
            &kc_url,
            "admin",
            Secret::new(kc_password),
        ))
        .expect("keycloak"),
    );
    let ports = Ports {
        schema: store.clone(),
        journal: store.clone(),
        realms: realms.clone(),
        ..Ports::in_memory()
    };
    let state = AppState::new(
        Onboarder::new(ports, OnboarderSettings::default()),
        store.clone(),
        &Secret::new(KEY),
    );
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
    let tag = ulid::Ulid::new().to_string().to_lowercase()[20..].to_string();
    let slug = format!("http_{tag}");
    let request = |slug: &str| {
        format!(
            r#"{{"name":"Spa Pilot","slug":"{slug}","vertical":"spa","owner_phone":"+254712345678","whatsapp_number":"+15555555555","locale":"en","timezone":"Africa/Nairobi","mpesa_enabled":true}}"#
        )
    };

    // 50 concurrent POSTs of one slug: one 201, the rest 409, no 5xx.
    let statuses = common::post_concurrently(&client, &url, KEY, vec![request(&slug); 50]).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );

    let schemas: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1",
    )
    .bind(format!("tenant_{slug}"))
    .fetch_one(
        &mut PgConnection::connect_with(
            &pg_url
                .parse::<sqlx::postgres::PgConnectOptions>()
                .expect("url")
                .database(&db),
        )
        .await
        .expect("db"),
    )
    .await
    .expect("count");
    assert_eq!(schemas, 1, "exactly one schema");
    let listed: Value = client
        .get(&url)
        .header("x-admin-api-key", KEY)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(1),
        "exactly one registry row"
    );
    assert!(
        realms.get(&slug).await.expect("realm").is_some(),
        "exactly one realm"
    );
    let verify: Value = client
        .get(format!("{url}/{slug}/verify"))
        .header("x-admin-api-key", KEY)
        .send()
        .await
        .expect("verify")
        .json()
        .await
        .expect("json");
    assert_eq!(verify["ok"], true, "{verify}");

    // Distinct slugs all succeed.
    let distinct = (0..8).map(|i| request(&format!("{slug}_{i}"))).collect();
    let statuses = common::post_concurrently(&client, &url, KEY, distinct).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");

    // Clean up: tenants (realms included) through the API itself.
    let all: Value = client
        .get(&url)
        .header("x-admin-api-key", KEY)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    for tenant in all.as_array().into_iter().flatten() {
        let s = tenant["slug"].as_str().unwrap_or_default();
        let r = client
            .delete(format!("{url}/{s}"))
            .header("x-admin-api-key", KEY)
            .send()
            .await
            .expect("delete");
        assert_eq!(r.status().as_u16(), 204);
        assert!(
            realms.get(s).await.expect("realm").is_none(),
            "realm {s} deleted"
        );
    }
    let _ = stop.send(());
    server.await.expect("join").expect("serve");
    store.close().await;
    admin
        .execute(format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)").as_str())
        .await
        .expect("drop database");
}
