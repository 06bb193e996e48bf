//! The Keycloak backend against a real Keycloak (started by scripts/services/keycloak.sh,
//! which exports RATIBA_TEST_KEYCLOAK_URL and RATIBA_TEST_KEYCLOAK_PASSWORD).
//! Without it these tests say why and pass, except under CI=true, where they fail.
//! The tests of a dead or slow Keycloak need no server and always run.

use std::sync::Arc;
use std::time::Duration;

use ratiba_core::backends::keycloak::{KeycloakAuth, KeycloakConfig, KeycloakRealms};
use ratiba_core::backends::memory::{FaultKind, FaultPoint, Faults};
use ratiba_core::backends::realm_files::RealmFiles;
use ratiba_core::ports::{RealmDeletion, RealmInfo, RealmProvisioner, RealmRequest};
use ratiba_core::{testing, ErrorKind, Onboarder, OnboarderSettings, Ports, Secret, Slug};
use serde_json::json;

fn keycloak_config() -> Option<KeycloakConfig> {
    let url = std::env::var("RATIBA_TEST_KEYCLOAK_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let Some(url) = url else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!(
                "RATIBA_TEST_KEYCLOAK_URL is not set under CI=true: the Keycloak tests must run \
                 (scripts/services/keycloak.sh starts Keycloak and exports it)"
            );
        }
        eprintln!(
            "skipping: RATIBA_TEST_KEYCLOAK_URL is not set (run scripts/test.sh, which starts Keycloak)"
        );
        return None;
    };
    let password = std::env::var("RATIBA_TEST_KEYCLOAK_PASSWORD")
        .unwrap_or_else(|_| KeycloakConfig::DEV_PASSWORD.into());
    Some(KeycloakConfig::new(url, "admin", Secret::new(password)))
}

/// The tests share one Keycloak, and reconcile looks at every realm in it: they
/// take turns, so one test's realms are never another's leftovers.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn keycloak() -> Option<(KeycloakRealms, tokio::sync::MutexGuard<'static, ()>)> {
    let config = keycloak_config()?;
    let turn = SERIAL.lock().await;
    Some((
        KeycloakRealms::new(config).expect("valid Keycloak config"),
        turn,
    ))
}

/// Removes what an earlier, interrupted run may have left under these names.
async fn clear(kc: &KeycloakRealms, names: &[&str]) {
    for name in names {
        kc.delete(name, None).await.expect("clear");
    }
}

fn settings() -> OnboarderSettings {
    OnboarderSettings {
        reconcile_grace: Duration::ZERO,
        ..OnboarderSettings::default()
    }
}

/// An onboarder on the fakes, with Keycloak for realms, all under one fault plan.
fn onboarder(kc: &KeycloakRealms, faults: &Faults) -> Onboarder {
    let ports = Ports {
        realms: Arc::new(kc.clone()),
        ..Ports::in_memory()
    }
    .with_faults(faults);
    Onboarder::new(ports, settings())
}

async fn assert_nothing_left(onboarder: &Onboarder, kc: &KeycloakRealms, slug: &str) {
    let s = Slug::parse(slug).expect("slug");
    let err = onboarder.get(&s).await.expect_err("no tenant");
    assert_eq!(err.kind(), &ErrorKind::NotFound);
    assert!(
        !onboarder
            .schema()
            .inspect(&s)
            .await
            .expect("inspect")
            .store_exists,
        "no store"
    );
    assert!(onboarder
        .schema()
        .orphan_stores()
        .await
        .expect("orphans")
        .is_empty());
    assert!(
        kc.get(slug).await.expect("get").is_none(),
        "no realm '{slug}' in Keycloak"
    );
    assert!(onboarder
        .journal()
        .open_entries()
        .await
        .expect("journal")
        .is_empty());
}

#[tokio::test]
async fn conformance() {
    let Some((kc, _turn)) = keycloak().await else {
        return;
    };
    clear(
        &kc,
        &[
            "conf_realm",
            "conf_realm_taken",
            "conf_realm_guard",
            "conf_realm_pass",
        ],
    )
    .await;
    kc.check().await.expect("admin login");
    testing::realm::run_all(&kc).await;
}

#[tokio::test]
async fn the_posted_realm_holds_what_the_realm_file_holds() {
    let Some((kc, _turn)) = keycloak().await else {
        return;
    };
    clear(&kc, &["kct_same_doc"]).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let files = RealmFiles::open(dir.path()).expect("files");
    let req = RealmRequest::for_tenant(&testing::new_tenant("kct_same_doc"), &Default::default());
    files.create(&req).await.expect("file");
    let doc = files
        .representation("kct_same_doc")
        .expect("read")
        .expect("written");
    assert_eq!(doc, req.representation(), "one document for both backends");
    kc.create_from_representation(&doc)
        .await
        .expect("push the file");
    let want = RealmInfo::from_representation(&doc).expect("info");
    let got = kc.get("kct_same_doc").await.expect("get").expect("exists");
    assert_eq!(got.name, want.name);
    assert_eq!(got.enabled, want.enabled);
    assert_eq!(got.onboarding_id, want.onboarding_id);
    for role in &want.roles {
        assert!(got.roles.contains(role), "role {role}: {:?}", got.roles);
    }
    for client in &want.clients {
        assert!(got.clients.contains(client), "client {client}");
    }
    let owner = got
        .users
        .iter()
        .find(|u| u.username == want.users[0].username)
        .expect("owner user");
    assert_eq!(owner.phone_number, want.users[0].phone_number);
    assert!(owner.realm_roles.iter().any(|r| r == "owner"));

    // What Keycloak made of the client: public, PKCE S256, our redirect URIs.
    let stored = kc
        .representation("kct_same_doc")
        .await
        .expect("read")
        .expect("exists");
    let client = stored["clients"]
        .as_array()
        .expect("clients")
        .iter()
        .find(|c| c["clientId"] == "tenant-admin")
        .expect("tenant-admin");
    assert_eq!(client["publicClient"], true);
    assert_eq!(client["attributes"]["pkce.code.challenge.method"], "S256");
    assert_eq!(
        client["redirectUris"],
        json!(["http://localhost:8010/admin/*"])
    );
    assert_eq!(
        kc.delete("kct_same_doc", want.onboarding_id.as_deref())
            .await
            .expect("delete"),
        RealmDeletion::Deleted
    );
}

#[tokio::test]
async fn onboarding_creates_verifies_and_deletes_the_realm() {
    let Some((kc, _turn)) = keycloak().await else {
        return;
    };
    clear(&kc, &["kct_whole"]).await;
    let faults = Faults::new();
    let o = onboarder(&kc, &faults);
    let tenant = o
        .onboard(testing::spec("kct_whole"))
        .await
        .expect("onboard");
    let slug = Slug::parse("kct_whole").expect("slug");
    let report = o.verify(&slug).await.expect("verify");
    assert!(report.ok, "{:?}", report.failed().collect::<Vec<_>>());
    let realm = kc.get("kct_whole").await.expect("get").expect("realm");
    assert_eq!(realm.onboarding_id.as_deref(), Some(tenant.id.as_str()));
    assert!(o.reconcile(false).await.expect("reconcile").is_clean());
    o.delete(&slug).await.expect("delete");
    assert_nothing_left(&o, &kc, "kct_whole").await;
}

/// Every way a step after the realm can fail: the realm Keycloak made is removed.
#[tokio::test]
async fn a_failure_after_the_realm_exists_removes_it() {
    let Some((kc, _turn)) = keycloak().await else {
        return;
    };
    let cases = [
        (
            "kct_after_create",
            FaultPoint::RealmCreate,
            FaultKind::FailAfter,
        ),
        (
            "kct_commit_fails",
            FaultPoint::SchemaCommit,
            FaultKind::Fail,
        ),
        (
            "kct_commit_down",
            FaultPoint::SchemaCommit,
            FaultKind::Unavailable,
        ),
    ];
    clear(&kc, &cases.map(|c| c.0)).await;
    for (slug, point, kind) in cases {
        let faults = Faults::new();
        faults.set(point, kind, None);
        let o = onboarder(&kc, &faults);
        let err = o.onboard(testing::spec(slug)).await.expect_err("fails");
        let saga = err.saga().expect("saga report");
        assert!(saga.left_behind.is_empty(), "{slug}: {err}");
        assert!(
            saga.undone.contains(&ratiba_core::Step::Realm),
            "{slug}: realm undone: {err}"
        );
        faults.clear();
        assert_nothing_left(&o, &kc, slug).await;
        assert!(o.reconcile(true).await.expect("reconcile").is_clean());
    }
}

/// A failed compensation leaves the realm; `reconcile --fix` removes it from Keycloak.
#[tokio::test]
async fn a_realm_left_by_a_failed_compensation_is_reconciled() {
    let Some((kc, _turn)) = keycloak().await else {
        return;
    };
    clear(&kc, &["kct_left"]).await;
    let faults = Faults::new();
    faults
        .fail(FaultPoint::SchemaCommit)
        .fail(FaultPoint::RealmDelete);
    let o = onboarder(&kc, &faults);
    let err = o
        .onboard(testing::spec("kct_left"))
        .await
        .expect_err("fails");
    assert_eq!(err.kind(), &ErrorKind::Provisioning, "{err}");
    assert!(kc.get("kct_left").await.expect("get").is_some());
    faults.clear();
    let dry = o.reconcile(false).await.expect("dry run");
    assert_eq!(dry.items.len(), 1, "{dry:?}");
    assert!(kc.get("kct_left").await.expect("get").is_some(), "dry run");
    let fixed = o.reconcile(true).await.expect("fix");
    assert_eq!(fixed.failures(), 0, "{fixed:?}");
    assert_nothing_left(&o, &kc, "kct_left").await;
}

/// The process dies after the realm is created and before the commit: only
/// Keycloak knows; reconcile finds the tagged realm without a tenant.
#[tokio::test]
async fn a_crash_before_the_commit_leaves_a_realm_that_reconcile_removes() {
    let Some((kc, _turn)) = keycloak().await else {
        return;
    };
    clear(&kc, &["kct_crash"]).await;
    let o = onboarder(&kc, &Faults::new());
    let tenant = testing::new_tenant("kct_crash");
    let req = RealmRequest::for_tenant(&tenant, &Default::default());
    kc.create(&req).await.expect("realm");
    // No journal entry, no tenant row: a lost journal write and a crash.
    let dry = o.reconcile(false).await.expect("dry run");
    assert!(
        dry.items
            .iter()
            .any(|i| i.leftover.contains("kct_crash") && i.action == "would remove"),
        "{dry:?}"
    );
    let fixed = o.reconcile(true).await.expect("fix");
    assert_eq!(fixed.failures(), 0, "{fixed:?}");
    assert!(kc.get("kct_crash").await.expect("get").is_none());
    o.onboard(testing::spec("kct_crash"))
        .await
        .expect("slug usable again");
    o.delete(&Slug::parse("kct_crash").expect("slug"))
        .await
        .expect("delete");
}

#[tokio::test]
async fn a_realm_someone_else_made_is_a_conflict_and_untouched() {
    let Some((kc, _turn)) = keycloak().await else {
        return;
    };
    clear(&kc, &["kct_foreign"]).await;
    let foreign = json!({"realm": "kct_foreign", "enabled": true, "displayName": "Not ours"});
    kc.create_from_representation(&foreign)
        .await
        .expect("foreign realm");
    let o = onboarder(&kc, &Faults::new());
    let err = o
        .onboard(testing::spec("kct_foreign"))
        .await
        .expect_err("taken");
    assert_eq!(err.kind(), &ErrorKind::Conflict, "{err}");
    let still = kc
        .representation("kct_foreign")
        .await
        .expect("get")
        .expect("kept");
    assert_eq!(still["displayName"], "Not ours", "untouched");
    assert!(o
        .get(&Slug::parse("kct_foreign").expect("slug"))
        .await
        .is_err());
    assert!(o
        .schema()
        .orphan_stores()
        .await
        .expect("orphans")
        .is_empty());
    let report = o.reconcile(true).await.expect("reconcile");
    assert!(
        report.is_clean(),
        "an untagged realm is no leftover: {report:?}"
    );
    let err = kc
        .delete("kct_foreign", Some("01JNOTTHEONBOARDINGTHATMADEIT"))
        .await
        .expect_err("not ours");
    assert_eq!(err.kind(), &ErrorKind::Conflict);
    assert!(kc.get("kct_foreign").await.expect("get").is_some());
    kc.delete("kct_foreign", None).await.expect("cleanup");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_onboardings_of_one_slug_make_one_realm() {
    let Some((kc, _turn)) = keycloak().await else {
        return;
    };
    clear(&kc, &["kct_race"]).await;
    let o = onboarder(&kc, &Faults::new());
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let o = o.clone();
        tasks.push(tokio::spawn(async move {
            o.onboard(testing::spec("kct_race")).await
        }));
    }
    let mut ok = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(e.kind(), &ErrorKind::Conflict, "{e}"),
        }
    }
    assert_eq!(ok, 1);
    let slug = Slug::parse("kct_race").expect("slug");
    assert!(o.verify(&slug).await.expect("verify").ok);
    o.delete(&slug).await.expect("delete");
}

#[tokio::test]
async fn a_wrong_admin_password_is_a_backend_error_not_a_retry() {
    let Some(mut config) = keycloak_config() else {
        return;
    };
    config.auth = KeycloakAuth::Password {
        username: "admin".into(),
        password: Secret::new("not-the-password"),
    };
    let kc = KeycloakRealms::new(config).expect("config");
    let err = kc.check().await.expect_err("refused");
    assert_eq!(err.kind(), &ErrorKind::Backend, "{err}");
    assert!(!err.to_string().contains("not-the-password"), "{err}");
}

/// A port on which nothing listens.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    port
}

fn quick(url: String) -> KeycloakConfig {
    KeycloakConfig {
        connect_timeout: Duration::from_millis(300),
        request_timeout: Duration::from_millis(400),
        create_timeout: Duration::from_millis(400),
        retries: 2,
        retry_backoff: Duration::from_millis(20),
        ..KeycloakConfig::new(url, "admin", Secret::new("x"))
    }
}

#[tokio::test]
async fn a_dead_keycloak_is_retryable_and_leaves_nothing() {
    let url = format!("http://127.0.0.1:{}", closed_port());
    let kc = KeycloakRealms::new(quick(url)).expect("config");
    let err = kc.check().await.expect_err("down");
    assert!(err.is_retryable(), "{err}");
    let faults = Faults::new();
    let o = onboarder(&kc, &faults);
    let err = o
        .onboard(testing::spec("kct_dead"))
        .await
        .expect_err("down");
    assert!(err.is_retryable(), "Unavailable, not Provisioning: {err}");
    assert!(
        err.saga().is_some_and(|s| s.left_behind.is_empty()),
        "{err}"
    );
    let slug = Slug::parse("kct_dead").expect("slug");
    assert!(o.get(&slug).await.is_err());
    assert!(o
        .schema()
        .orphan_stores()
        .await
        .expect("orphans")
        .is_empty());
    assert!(o
        .journal()
        .open_entries()
        .await
        .expect("journal")
        .is_empty());
}

/// A Keycloak that accepts connections and never answers: every call times out.
#[tokio::test]
async fn a_hung_keycloak_times_out_and_leaves_no_tenant() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        // Bounded: a few connections, kept open until the test ends.
        for _ in 0..32 {
            match listener.accept().await {
                Ok((socket, _)) => held.push(socket),
                Err(_) => break,
            }
        }
    });
    let kc = KeycloakRealms::new(quick(url)).expect("config");
    let started = std::time::Instant::now();
    let o = onboarder(&kc, &Faults::new());
    let err = o
        .onboard(testing::spec("kct_hung"))
        .await
        .expect_err("hung");
    assert!(err.is_retryable(), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "bounded by the timeouts"
    );
    let slug = Slug::parse("kct_hung").expect("slug");
    assert!(o.get(&slug).await.is_err());
    assert!(o
        .schema()
        .orphan_stores()
        .await
        .expect("orphans")
        .is_empty());
    hold.abort();
}

#[test]
fn a_bad_url_is_a_validation_error() {
    let err = KeycloakRealms::new(KeycloakConfig::new("not a url", "admin", Secret::new("x")))
        .expect_err("bad url");
    assert!(matches!(err.kind(), ErrorKind::Validation { .. }), "{err}");
}

/// Without the user-profile declaration Keycloak 24+ drops the phone number; the
/// read-back catches it and the realm is removed again.
#[tokio::test]
async fn an_undeclared_phone_attribute_is_caught_and_undone() {
    let Some((kc, _turn)) = keycloak().await else {
        return;
    };
    clear(&kc, &["kct_undeclared"]).await;
    let req = RealmRequest::for_tenant(&testing::new_tenant("kct_undeclared"), &Default::default());
    let mut doc = req.representation();
    doc.as_object_mut().expect("object").remove("components");
    let err = kc
        .create_from_representation(&doc)
        .await
        .expect_err("attribute dropped");
    assert_eq!(err.kind(), &ErrorKind::Backend, "{err}");
    assert!(err.to_string().contains("phone_number"), "{err}");
    assert!(kc.get("kct_undeclared").await.expect("get").is_none());
}

/// A scripted stand-in for Keycloak on a local port: answers each request with
/// what `answer(method, path, nth request of that kind)` says, and counts requests.
mod mock {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    pub type Answer = fn(&str, &str, usize) -> (u16, String);

    #[derive(Clone, Default)]
    pub struct Seen(Arc<Mutex<HashMap<String, usize>>>);

    impl Seen {
        pub fn count(&self, key: &str) -> usize {
            self.0
                .lock()
                .map(|m| m.get(key).copied().unwrap_or(0))
                .unwrap_or(0)
        }
    }

    pub async fn start(answer: Answer) -> (String, Seen, tokio::task::JoinHandle<()>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Seen::default();
        let counts = seen.clone();
        let task = tokio::spawn(async move {
            // Bounded: the tests below make a few dozen requests at most.
            for _ in 0..200 {
                let Ok((mut socket, _)) = listener.accept().await else {
                    break;
                };
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let head_end = loop {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => break None,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break Some(i + 4);
                    }
                };
                let Some(head_end) = head_end else { continue };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse().ok())?
                    })
                    .unwrap_or(0);
                while buf.len() < head_end + length {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let mut first = head.split_whitespace();
                let method = first.next().unwrap_or_default().to_string();
                let path = first
                    .next()
                    .unwrap_or_default()
                    .split('?')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                let key = format!("{method} {path}");
                let nth = {
                    let mut m = counts.0.lock().unwrap_or_else(|e| e.into_inner());
                    let n = m.entry(key).or_insert(0);
                    *n += 1;
                    *n
                };
                let (status, body) = answer(&method, &path, nth);
                let reply = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
                let _ = socket.shutdown().await;
            }
        });
        (url, seen, task)
    }

    pub fn token(expires_in: u64) -> (u16, String) {
        (
            200,
            format!(r#"{{"access_token":"t","expires_in":{expires_in},"token_type":"Bearer"}}"#),
        )
    }
}

const TOKEN_PATH: &str = "POST /realms/master/protocol/openid-connect/token";

#[tokio::test]
async fn the_admin_token_is_cached_and_renewed_before_it_expires() {
    let (url, seen, task) = mock::start(|method, path, _| match (method, path) {
        ("POST", "/realms/master/protocol/openid-connect/token") => mock::token(2),
        _ => (404, r#"{"error":"Realm not found."}"#.into()),
    })
    .await;
    let kc = KeycloakRealms::new(quick(url)).expect("config");
    for _ in 0..3 {
        assert!(kc.get("kct_mock").await.expect("get").is_none());
    }
    assert_eq!(seen.count(TOKEN_PATH), 1, "one login for three calls");
    // A 2 s token is renewed a third of its life early: after ~1.4 s.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(kc.get("kct_mock").await.expect("get").is_none());
    assert_eq!(seen.count(TOKEN_PATH), 2, "renewed before expiry");
    task.abort();
}

#[tokio::test]
async fn idempotent_calls_retry_5xx_and_the_create_post_does_not() {
    let (url, seen, task) = mock::start(|method, path, nth| match (method, path) {
        ("POST", "/realms/master/protocol/openid-connect/token") => mock::token(60),
        // GET: two 503s, then "not found".
        ("GET", "/admin/realms/kct_flaky") if nth <= 2 => (503, String::new()),
        ("GET", _) => (404, "{}".into()),
        ("POST", "/admin/realms") => (500, r#"{"errorMessage":"boom"}"#.into()),
        _ => (404, "{}".into()),
    })
    .await;
    let kc = KeycloakRealms::new(quick(url)).expect("config");
    assert!(kc.get("kct_flaky").await.expect("retried").is_none());
    assert_eq!(seen.count("GET /admin/realms/kct_flaky"), 3);
    let req = RealmRequest::for_tenant(&testing::new_tenant("kct_flaky"), &Default::default());
    let err = kc.create(&req).await.expect_err("500");
    assert_eq!(err.kind(), &ErrorKind::Backend, "{err}");
    assert_eq!(
        seen.count("POST /admin/realms"),
        1,
        "a POST is never repeated"
    );
    task.abort();
}

#[tokio::test]
async fn a_403_is_a_backend_error_and_a_503_on_create_is_retryable() {
    let (url, _seen, task) = mock::start(|method, path, _| match (method, path) {
        ("POST", "/realms/master/protocol/openid-connect/token") => mock::token(60),
        ("GET", _) => (403, "{}".into()),
        ("POST", "/admin/realms") => (503, String::new()),
        _ => (404, "{}".into()),
    })
    .await;
    let kc = KeycloakRealms::new(quick(url)).expect("config");
    let err = kc.get("kct_forbidden").await.expect_err("403");
    assert_eq!(err.kind(), &ErrorKind::Backend, "{err}");
    let req = RealmRequest::for_tenant(&testing::new_tenant("kct_busy"), &Default::default());
    let err = kc.create(&req).await.expect_err("503");
    assert!(err.is_retryable(), "{err}");
    task.abort();
}

// ------------------------------------------- SIGKILL after the realm, before the commit

/// Set in the child process of [`sigkill_after_the_realm_before_the_commit`]: `DATA_DIR`.
const KILL_CHILD_ENV: &str = "RATIBA_TEST_KEYCLOAK_KILL_CHILD";

/// The embedded store under `dir` with Keycloak for realms.
async fn embedded_with_keycloak(
    dir: &std::path::Path,
    kc: &KeycloakRealms,
    faults: &Faults,
) -> Onboarder {
    let store = Arc::new(
        ratiba_core::backends::sqlite::SqliteStore::open(dir)
            .await
            .expect("store"),
    );
    let ports = Ports {
        schema: store.clone(),
        journal: store,
        realms: Arc::new(kc.clone()),
        ..Ports::in_memory()
    }
    .with_faults(faults);
    Onboarder::new(ports, settings())
}

/// Not a test on its own: the onboarding process the test below kills. It creates
/// the realm, then waits a minute before the commit.
#[tokio::test]
async fn keycloak_kill_child() {
    let Ok(dir) = std::env::var(KILL_CHILD_ENV) else {
        return;
    };
    let Some(config) = keycloak_config() else {
        return;
    };
    let kc = KeycloakRealms::new(config).expect("config");
    let faults = Faults::new();
    faults.delay(FaultPoint::SchemaCommit, Duration::from_secs(60));
    let o = embedded_with_keycloak(std::path::Path::new(&dir), &kc, &faults).await;
    let _ = o.onboard(testing::spec("kc_killed")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_after_the_realm_before_the_commit() {
    if std::env::var(KILL_CHILD_ENV).is_ok() {
        return;
    }
    let Some((kc, _turn)) = keycloak().await else {
        return;
    };
    clear(&kc, &["kc_killed"]).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "keycloak_kill_child", "--test-threads", "1"])
        .env(KILL_CHILD_ENV, dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn the onboarding process");
    // Wait, from outside, until the realm exists: the child now sits before the commit.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while kc.get("kc_killed").await.expect("get").is_none() {
        assert!(
            child.try_wait().expect("child").is_none(),
            "the onboarding process ended early"
        );
        assert!(
            std::time::Instant::now() < deadline,
            "the child never created the realm"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");

    let o = embedded_with_keycloak(dir.path(), &kc, &Faults::new()).await;
    let dry = o.reconcile(false).await.expect("dry run");
    assert!(
        dry.items.iter().any(|i| i.leftover == "realm 'kc_killed'"),
        "the orphan realm is listed: {dry:?}"
    );
    let fixed = o.reconcile(true).await.expect("reconcile --fix");
    assert_eq!(fixed.failures(), 0, "{fixed:?}");
    assert_nothing_left(&o, &kc, "kc_killed").await;
    o.onboard(testing::spec("kc_killed"))
        .await
        .expect("the slug onboards again");
    o.delete(&Slug::parse("kc_killed").expect("slug"))
        .await
        .expect("cleanup");
}

#[tokio::test]
async fn the_owner_gets_a_one_time_password_in_their_realm() {
    let Some((kc, _turn)) = keycloak().await else {
        return;
    };
    clear(&kc, &["kct_owner_pw"]).await;
    let onboarder = onboarder(&kc, &Faults::new());
    onboarder
        .onboard(testing::spec("kct_owner_pw"))
        .await
        .expect("onboard");
    let slug = Slug::parse("kct_owner_pw").expect("slug");
    let first = onboarder.reset_owner_password(&slug).await.expect("reset");
    assert_eq!(first.realm, "kct_owner_pw");
    assert_eq!(first.username, "254712345678");
    let second = onboarder.reset_owner_password(&slug).await.expect("again");
    assert_ne!(
        first.temporary_password.expose(),
        second.temporary_password.expose()
    );
    assert!(
        !format!("{second:?}").contains(second.temporary_password.expose()),
        "the password never prints"
    );
    // Keycloak without the realm: NotFound, never a server error.
    kc.delete("kct_owner_pw", None).await.expect("delete realm");
    let err = onboarder
        .reset_owner_password(&slug)
        .await
        .expect_err("realm gone");
    assert_eq!(err.kind(), &ErrorKind::NotFound, "{err}");
    onboarder.delete(&slug).await.ok();
}
