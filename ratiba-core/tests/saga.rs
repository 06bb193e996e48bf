//! The saga's invariant, under injected faults, on the fakes and the embedded
//! default: the tenant exists completely, or nothing of it exists (after
//! `reconcile --fix` at worst).

use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;
use ratiba_core::backends::memory::{FaultKind, FaultPoint, Faults, MemoryRealms};
use ratiba_core::{ErrorKind, Onboarder, OnboarderSettings, Ports, Slug};

#[derive(Debug, Clone, Copy)]
enum Backend {
    Memory,
    Sqlite,
}

struct Harness {
    onboarder: Onboarder,
    faults: Faults,
    _dir: Option<tempfile::TempDir>,
}

async fn harness(backend: Backend) -> Harness {
    let faults = Faults::new();
    let (ports, dir) = match backend {
        Backend::Memory => (Ports::in_memory(), None),
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("tempdir");
            (
                Ports::embedded(dir.path()).await.expect("embedded"),
                Some(dir),
            )
        }
    };
    let settings = OnboarderSettings {
        reconcile_grace: Duration::ZERO,
        ..OnboarderSettings::default()
    };
    Harness {
        onboarder: Onboarder::new(ports.with_faults(&faults), settings),
        faults,
        _dir: dir,
    }
}

/// Nothing of `slug` exists: no registry row, no store, no realm, no orphan, no open journal entry.
async fn assert_nothing_left(onboarder: &Onboarder, slug: &str) {
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
    assert!(
        onboarder
            .schema()
            .orphan_stores()
            .await
            .expect("orphans")
            .is_empty(),
        "no orphan store"
    );
    assert!(
        onboarder.realms().get(slug).await.expect("realm").is_none(),
        "no realm"
    );
    assert!(
        onboarder
            .journal()
            .open_entries()
            .await
            .expect("journal")
            .is_empty(),
        "journal settled"
    );
}

async fn assert_complete(onboarder: &Onboarder, slug: &str) {
    let report = onboarder
        .verify(&Slug::parse(slug).expect("slug"))
        .await
        .expect("verify");
    assert!(
        report.ok,
        "every check passes: {:?}",
        report.failed().collect::<Vec<_>>()
    );
}

const STEP_FAULTS: &[(FaultPoint, FaultKind)] = &[
    (FaultPoint::JournalStart, FaultKind::Fail),
    (FaultPoint::JournalStart, FaultKind::FailAfter),
    (FaultPoint::SchemaPrepare, FaultKind::Fail),
    (FaultPoint::SchemaPrepare, FaultKind::FailAfter),
    (FaultPoint::RealmCreate, FaultKind::Fail),
    (FaultPoint::RealmCreate, FaultKind::FailAfter),
    (FaultPoint::RealmCreate, FaultKind::Unavailable),
    (FaultPoint::SchemaCommit, FaultKind::Fail),
    (FaultPoint::SchemaCommit, FaultKind::FailAfter),
    (FaultPoint::JournalFinish, FaultKind::Fail),
];

async fn run_case(
    backend: Backend,
    step: Option<usize>,
    fail_realm_delete: bool,
    fail_rollback: bool,
    delay_ms: u64,
) {
    let h = harness(backend).await;
    if let Some(i) = step {
        let (point, kind) = STEP_FAULTS[i];
        h.faults.set(point, kind, None);
    }
    if fail_realm_delete {
        h.faults.fail(FaultPoint::RealmDelete);
    }
    if fail_rollback {
        h.faults.fail(FaultPoint::SchemaRollback);
    }
    if delay_ms > 0 {
        h.faults
            .delay(FaultPoint::RealmCreate, Duration::from_millis(delay_ms));
    }
    let result = h
        .onboarder
        .onboard(ratiba_core::testing::spec("prop_spa"))
        .await;
    match &result {
        Ok(tenant) => {
            assert_eq!(tenant.slug, "prop_spa");
            assert_complete(&h.onboarder, "prop_spa").await;
        }
        Err(err) => {
            let clean_compensation = !fail_realm_delete && !fail_rollback;
            if clean_compensation {
                assert!(err.saga().is_none_or(|s| s.left_behind.is_empty()), "{err}");
            }
            if let Some(saga) = err.saga() {
                assert_eq!(
                    err.kind() == &ErrorKind::Provisioning,
                    !saga.left_behind.is_empty(),
                    "{err}"
                );
            }
        }
    }
    // Whatever happened, after the faults clear and reconcile runs: all or nothing.
    h.faults.clear();
    let report = h.onboarder.reconcile(true).await.expect("reconcile");
    assert_eq!(report.failures(), 0, "{report:?}");
    match result {
        Ok(_) => assert_complete(&h.onboarder, "prop_spa").await,
        Err(_) => match h
            .onboarder
            .get(&Slug::parse("prop_spa").expect("slug"))
            .await
        {
            // A lost commit acknowledgement with a dead journal: the tenant is whole.
            Ok(_) => assert_complete(&h.onboarder, "prop_spa").await,
            Err(_) => assert_nothing_left(&h.onboarder, "prop_spa").await,
        },
    }
    // And the slug can be onboarded afterwards (or exists already).
    match h
        .onboarder
        .onboard(ratiba_core::testing::spec("prop_spa"))
        .await
    {
        Ok(_) => {}
        Err(e) => assert_eq!(e.kind(), &ErrorKind::Conflict, "{e}"),
    }
    assert_complete(&h.onboarder, "prop_spa").await;
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_fault_leaves_all_or_nothing(
        sqlite in any::<bool>(),
        step in proptest::option::of(0..STEP_FAULTS.len()),
        fail_realm_delete in any::<bool>(),
        fail_rollback in any::<bool>(),
        delay_ms in prop_oneof![Just(0u64), 1u64..5],
    ) {
        let backend = if sqlite { Backend::Sqlite } else { Backend::Memory };
        runtime().block_on(run_case(backend, step, fail_realm_delete, fail_rollback, delay_ms));
    }
}

/// The property test samples; this walks every combination once on both backends.
#[tokio::test]
async fn every_fault_combination() {
    for backend in [Backend::Memory, Backend::Sqlite] {
        for step in std::iter::once(None).chain((0..STEP_FAULTS.len()).map(Some)) {
            for (realm_delete, rollback) in
                [(false, false), (true, false), (false, true), (true, true)]
            {
                run_case(backend, step, realm_delete, rollback, 0).await;
            }
        }
    }
}

#[tokio::test]
async fn a_failed_compensation_is_reported_and_reconciled() {
    let h = harness(Backend::Sqlite).await;
    h.faults
        .fail(FaultPoint::SchemaCommit)
        .fail(FaultPoint::RealmDelete);
    let err = h
        .onboarder
        .onboard(ratiba_core::testing::spec("spa_left"))
        .await
        .expect_err("fails");
    assert_eq!(err.kind(), &ErrorKind::Provisioning);
    let saga = err.saga().expect("saga report");
    assert_eq!(saga.failed_step, ratiba_core::Step::Commit);
    assert_eq!(saga.left_behind.len(), 1);
    let text = err.to_string();
    assert!(
        text.contains("realm 'spa_left'") && text.contains("ratiba reconcile --fix"),
        "{text}"
    );
    h.faults.clear();
    let dry = h.onboarder.reconcile(false).await.expect("dry run");
    assert_eq!(dry.items.len(), 1, "{dry:?}");
    assert_eq!(dry.items[0].action, "would remove");
    assert!(
        h.onboarder
            .realms()
            .get("spa_left")
            .await
            .expect("get")
            .is_some(),
        "dry run removes nothing"
    );
    let fixed = h.onboarder.reconcile(true).await.expect("fix");
    assert_eq!(fixed.items[0].action, "removed");
    assert_nothing_left(&h.onboarder, "spa_left").await;
    assert!(h.onboarder.reconcile(true).await.expect("again").is_clean());
}

#[tokio::test]
async fn a_realm_someone_else_made_is_never_deleted() {
    let realms = MemoryRealms::new();
    realms.insert_foreign("spa_taken");
    let ports = Ports {
        realms: Arc::new(realms.clone()),
        ..Ports::in_memory()
    };
    let onboarder = Onboarder::new(ports, OnboarderSettings::default());
    let err = onboarder
        .onboard(ratiba_core::testing::spec("spa_taken"))
        .await
        .expect_err("realm taken");
    assert_eq!(err.kind(), &ErrorKind::Conflict, "{err}");
    assert!(
        realms.representation("spa_taken").is_some(),
        "the foreign realm is untouched"
    );
    let report = onboarder.reconcile(true).await.expect("reconcile");
    assert!(
        report.is_clean(),
        "an untagged realm is not a leftover: {report:?}"
    );
    assert!(realms.representation("spa_taken").is_some());
}

/// A process that dies mid-saga leaves a journal entry, a realm and a pending store.
#[tokio::test]
async fn a_crash_mid_saga_is_cleaned_by_reconcile() {
    let h = harness(Backend::Sqlite).await;
    let tenant = ratiba_core::testing::new_tenant("spa_crash");
    let id = tenant.id.to_string();
    h.onboarder
        .journal()
        .start(&ratiba_core::ports::JournalEntry {
            id: id.clone(),
            slug: "spa_crash".into(),
            state: ratiba_core::ports::JournalState::Started,
            started_at: tenant.created_at,
            left_behind: vec![],
        })
        .await
        .expect("journal");
    let pending = h
        .onboarder
        .schema()
        .prepare(&tenant)
        .await
        .expect("prepare");
    let realm = ratiba_core::ports::RealmRequest::for_tenant(&tenant, &Default::default());
    h.onboarder.realms().create(&realm).await.expect("realm");
    pending.abandon().await; // the crash

    let report = h.onboarder.reconcile(false).await.expect("dry run");
    assert_eq!(report.items.len(), 2, "realm and pending store: {report:?}");
    h.onboarder.reconcile(true).await.expect("fix");
    assert_nothing_left(&h.onboarder, "spa_crash").await;
    h.onboarder
        .onboard(ratiba_core::testing::spec("spa_crash"))
        .await
        .expect("slug usable again");
}

#[tokio::test]
async fn reconcile_leaves_young_onboardings_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let onboarder = Onboarder::embedded(dir.path()).await.expect("embedded");
    let tenant = ratiba_core::testing::new_tenant("spa_young");
    onboarder
        .journal()
        .start(&ratiba_core::ports::JournalEntry {
            id: tenant.id.to_string(),
            slug: "spa_young".into(),
            state: ratiba_core::ports::JournalState::Started,
            started_at: tenant.created_at,
            left_behind: vec![],
        })
        .await
        .expect("journal");
    let realm = ratiba_core::ports::RealmRequest::for_tenant(&tenant, &Default::default());
    onboarder.realms().create(&realm).await.expect("realm");
    let report = onboarder.reconcile(true).await.expect("reconcile");
    assert!(
        report.is_clean(),
        "in flight, within the grace period: {report:?}"
    );
    assert!(onboarder
        .realms()
        .get("spa_young")
        .await
        .expect("get")
        .is_some());
}

async fn concurrent_same_slug(onboarder: Onboarder) {
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let o = onboarder.clone();
        tasks.push(tokio::spawn(async move {
            o.onboard(ratiba_core::testing::spec("spa_race")).await
        }));
    }
    let mut ok = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(
                e.kind(),
                &ErrorKind::Conflict,
                "the losers get a conflict: {e}"
            ),
        }
    }
    assert_eq!(ok, 1, "exactly one onboarding of a slug succeeds");
    assert_complete(&onboarder, "spa_race").await;
    assert!(onboarder
        .schema()
        .orphan_stores()
        .await
        .expect("orphans")
        .is_empty());
    assert!(onboarder
        .journal()
        .open_entries()
        .await
        .expect("journal")
        .is_empty());
    assert_eq!(onboarder.list().await.expect("list").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_onboarding_of_one_slug_memory() {
    concurrent_same_slug(Onboarder::in_memory()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_onboarding_of_one_slug_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    concurrent_same_slug(Onboarder::embedded(dir.path()).await.expect("embedded")).await;
}

#[tokio::test]
async fn delete_removes_every_artifact() {
    let dir = tempfile::tempdir().expect("tempdir");
    let onboarder = Onboarder::embedded(dir.path()).await.expect("embedded");
    onboarder
        .onboard(ratiba_core::testing::spec("spa_gone"))
        .await
        .expect("onboard");
    onboarder
        .delete(&Slug::parse("spa_gone").expect("slug"))
        .await
        .expect("delete");
    assert_nothing_left(&onboarder, "spa_gone").await;
    let err = onboarder
        .delete(&Slug::parse("spa_gone").expect("slug"))
        .await
        .expect_err("twice");
    assert_eq!(err.kind(), &ErrorKind::NotFound);
}

#[tokio::test]
async fn credentials_are_sealed_at_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let onboarder = Onboarder::embedded(dir.path()).await.expect("embedded");
    let mut request = ratiba_core::testing::seed_request("spa_secret");
    request["whatsapp_access_token"] = "EAAGsupersecret".into();
    let spec = ratiba_core::TenantSpec::parse(&request).expect("spec");
    let tenant = onboarder.onboard(spec).await.expect("onboard");
    let json = serde_json::to_string(&tenant).expect("json");
    assert!(!json.contains("EAAG"), "never returned");
    drop(onboarder);
    for entry in std::fs::read_dir(dir.path()).expect("dir") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            let bytes = std::fs::read(&path).expect("read");
            let found = bytes.windows(15).any(|w| w == b"EAAGsupersecret");
            assert!(!found, "plaintext token in {}", path.display());
        }
    }
}
