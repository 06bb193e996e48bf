//! The PostgreSQL backend against a real server: the conformance suites, the saga
//! under injected faults, concurrency, tenant isolation, credentials, migrate.
//!
//! The server comes from `RATIBA_TEST_DATABASE_URL` (scripts/services/postgres.sh
//! starts a throwaway one). Each test makes a database of its own in it. Without the
//! variable the tests skip with a message, except under `CI=true`, where they fail.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ratiba_core::backends::memory::{FaultKind, FaultPoint, Faults, MemoryRealms};
use ratiba_core::backends::postgres::{
    MigrateEvent, MigrateOptions, PgConfig, PgStore, TenantMigration, TENANT_SNAPSHOT_VERSION,
};
use ratiba_core::backends::text::TextExtractor;
use ratiba_core::catalog::{CatalogCommit, Relation, ServiceRow};
use ratiba_core::ports::{JournalEntry, JournalState, RealmRequest};
use ratiba_core::{
    testing, ErrorKind, Keyring, Onboarder, OnboarderSettings, Ports, SchemaProvisioner, Sealer,
    Slug,
};
use sqlx::{Connection, Executor, PgConnection, Row};

/// A database of its own for one test, dropped by [`TestDb::finish`].
struct TestDb {
    url: String,
    name: String,
}

fn server_url() -> Option<String> {
    match std::env::var("RATIBA_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!(
                    "RATIBA_TEST_DATABASE_URL is not set, and under CI=true the PostgreSQL tests \
                     must not be skipped: run scripts/test.sh, which starts a throwaway PostgreSQL \
                     (scripts/services/postgres.sh), or set DATABASE_URL"
                );
            }
            eprintln!(
                "skipping: RATIBA_TEST_DATABASE_URL is not set (scripts/test.sh starts a \
                 throwaway PostgreSQL and sets it)"
            );
            None
        }
    }
}

async fn test_db(tag: &str) -> Option<TestDb> {
    let url = server_url()?;
    let name = format!(
        "ratiba_test_{tag}_{}",
        ulid::Ulid::new().to_string().to_lowercase()
    );
    let mut conn = PgConnection::connect(&url)
        .await
        .expect("connect to the test server");
    conn.execute(format!("CREATE DATABASE \"{name}\"").as_str())
        .await
        .expect("create test database");
    conn.close().await.ok();
    Some(TestDb { url, name })
}

impl TestDb {
    fn config(&self) -> PgConfig {
        PgConfig::new(&self.url).with_database(&self.name)
    }

    async fn store(&self) -> PgStore {
        PgStore::connect(&self.config())
            .await
            .expect("connect store")
    }

    async fn conn(&self) -> PgConnection {
        let options = self
            .url
            .parse::<sqlx::postgres::PgConnectOptions>()
            .expect("url")
            .database(&self.name);
        PgConnection::connect_with(&options).await.expect("connect")
    }

    async fn finish(self) {
        let mut conn = PgConnection::connect(&self.url).await.expect("connect");
        conn.execute(format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name).as_str())
            .await
            .expect("drop test database");
    }
}

fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("slug")
}

fn onboarder(store: &PgStore, realms: MemoryRealms, faults: Option<&Faults>) -> Onboarder {
    let store = Arc::new(store.clone());
    let ports = Ports {
        schema: store.clone(),
        journal: store,
        realms: Arc::new(realms),
        extractor: Arc::new(TextExtractor::new()),
    };
    let ports = match faults {
        Some(f) => ports.with_faults(f),
        None => ports,
    };
    Onboarder::new(
        ports,
        OnboarderSettings {
            reconcile_grace: Duration::ZERO,
            ..OnboarderSettings::default()
        },
    )
}

// ---------------------------------------------------------------- conformance

#[tokio::test]
async fn schema_conformance() {
    let Some(db) = test_db("schema").await else {
        return;
    };
    // With a key, as in production: the suite stores a WhatsApp token.
    let keyring = ratiba_core::secrets::Keyring::single(&[7u8; 32]);
    let store = PgStore::connect(&db.config().with_keyring(keyring))
        .await
        .expect("connect store");
    testing::schema::run_all(&store).await;
    store.close().await;
    db.finish().await;
}

#[tokio::test]
async fn journal_conformance() {
    let Some(db) = test_db("journal").await else {
        return;
    };
    let store = db.store().await;
    testing::journal::run_all(&store).await;
    store.close().await;
    db.finish().await;
}

#[tokio::test]
async fn idempotency_conformance() {
    let Some(db) = test_db("idem").await else {
        return;
    };
    let store = db.store().await;
    store.ping().await.expect("ping");
    testing::idempotency::run_all(&store).await;
    store.close().await;
    db.finish().await;
}

#[tokio::test]
async fn registry_migrations_are_idempotent_and_serialized() {
    let Some(db) = test_db("registry").await else {
        return;
    };
    // Several processes starting at once on a fresh database.
    let config = db.config();
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let config = config.clone();
        tasks.push(tokio::spawn(async move { PgStore::connect(&config).await }));
    }
    for t in tasks {
        t.await.expect("task").expect("connect").close().await;
    }
    let mut conn = db.conn().await;
    let versions: Vec<i32> =
        sqlx::query_scalar("SELECT version FROM public.ratiba_registry_migrations ORDER BY 1")
            .fetch_all(&mut conn)
            .await
            .expect("versions");
    assert_eq!(versions, [1, 2]);
    conn.close().await.ok();
    db.finish().await;
}

// ---------------------------------------------------------------- the saga under faults

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

async fn assert_nothing_left(onboarder: &Onboarder, slug_text: &str) {
    let s = slug(slug_text);
    let err = onboarder.get(&s).await.expect_err("no tenant");
    assert_eq!(err.kind(), &ErrorKind::NotFound);
    assert!(
        !onboarder
            .schema()
            .inspect(&s)
            .await
            .expect("inspect")
            .store_exists,
        "no schema"
    );
    assert!(
        onboarder
            .schema()
            .orphan_stores()
            .await
            .expect("orphans")
            .is_empty(),
        "no orphan schema"
    );
    assert!(
        onboarder
            .realms()
            .get(slug_text)
            .await
            .expect("realm")
            .is_none(),
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

async fn assert_complete(onboarder: &Onboarder, slug_text: &str) {
    let report = onboarder.verify(&slug(slug_text)).await.expect("verify");
    assert!(
        report.ok,
        "every check passes: {:?}",
        report.failed().collect::<Vec<_>>()
    );
}

async fn run_case(
    store: &PgStore,
    step: Option<usize>,
    fail_realm_delete: bool,
    fail_rollback: bool,
) {
    let faults = Faults::new();
    let o = onboarder(store, MemoryRealms::new(), Some(&faults));
    if let Some(i) = step {
        let (point, kind) = STEP_FAULTS[i];
        faults.set(point, kind, None);
    }
    if fail_realm_delete {
        faults.fail(FaultPoint::RealmDelete);
    }
    if fail_rollback {
        faults.fail(FaultPoint::SchemaRollback);
    }
    let result = o.onboard(testing::spec("prop_spa")).await;
    let case = format!(
        "step {step:?}, realm delete fails {fail_realm_delete}, rollback fails {fail_rollback}"
    );
    match &result {
        Ok(_) => assert_complete(&o, "prop_spa").await,
        Err(err) => {
            if !fail_realm_delete && !fail_rollback {
                assert!(
                    err.saga().is_none_or(|s| s.left_behind.is_empty()),
                    "{case}: {err}"
                );
            }
            if let Some(saga) = err.saga() {
                assert_eq!(
                    err.kind() == &ErrorKind::Provisioning,
                    !saga.left_behind.is_empty(),
                    "{case}: {err}"
                );
            }
        }
    }
    faults.clear();
    let report = o.reconcile(true).await.expect("reconcile");
    assert_eq!(report.failures(), 0, "{case}: {report:?}");
    match o.get(&slug("prop_spa")).await {
        Ok(_) => assert_complete(&o, "prop_spa").await,
        Err(_) => assert_nothing_left(&o, "prop_spa").await,
    }
    match o.onboard(testing::spec("prop_spa")).await {
        Ok(_) => {}
        Err(e) => assert_eq!(e.kind(), &ErrorKind::Conflict, "{case}: {e}"),
    }
    assert_complete(&o, "prop_spa").await;
    o.delete(&slug("prop_spa"))
        .await
        .expect("delete for the next case");
    assert_nothing_left(&o, "prop_spa").await;
}

#[tokio::test]
async fn every_fault_combination_leaves_all_or_nothing() {
    let Some(db) = test_db("saga").await else {
        return;
    };
    let store = db.store().await;
    for step in std::iter::once(None).chain((0..STEP_FAULTS.len()).map(Some)) {
        for (realm_delete, rollback) in [(false, false), (true, false), (false, true), (true, true)]
        {
            run_case(&store, step, realm_delete, rollback).await;
        }
    }
    store.close().await;
    db.finish().await;
}

/// A process that dies mid-saga: the journal entry and the realm remain; the
/// schema and the registry rows died with the transaction.
#[tokio::test]
async fn a_crash_mid_saga_leaves_only_the_realm() {
    let Some(db) = test_db("crash").await else {
        return;
    };
    let store = db.store().await;
    let o = onboarder(&store, MemoryRealms::new(), None);
    let tenant = testing::new_tenant("spa_crash");
    o.journal()
        .start(&JournalEntry {
            id: tenant.id.to_string(),
            slug: "spa_crash".into(),
            state: JournalState::Started,
            started_at: tenant.created_at,
            left_behind: vec![],
        })
        .await
        .expect("journal");
    let pending = o.schema().prepare(&tenant).await.expect("prepare");
    o.realms()
        .create(&RealmRequest::for_tenant(&tenant, &Default::default()))
        .await
        .expect("realm");
    pending.abandon().await; // the crash
    assert!(
        !o.schema()
            .inspect(&slug("spa_crash"))
            .await
            .expect("inspect")
            .store_exists
    );
    let dry = o.reconcile(false).await.expect("dry run");
    assert_eq!(dry.items.len(), 1, "only the realm: {dry:?}");
    o.reconcile(true).await.expect("fix");
    assert_nothing_left(&o, "spa_crash").await;
    o.onboard(testing::spec("spa_crash"))
        .await
        .expect("slug usable again");
    assert_complete(&o, "spa_crash").await;
    store.close().await;
    db.finish().await;
}

// ---------------------------------------------------------------- concurrency

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_slug_onboarded_concurrently_succeeds_once() {
    let Some(db) = test_db("race").await else {
        return;
    };
    let store = db.store().await;
    let o = onboarder(&store, MemoryRealms::new(), None);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let o = o.clone();
        tasks.push(tokio::spawn(async move {
            o.onboard(testing::spec("spa_race")).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(
                e.kind(),
                &ErrorKind::Conflict,
                "the losers get a conflict: {e}"
            ),
        }
    }
    assert_eq!(ok, 1, "exactly one onboarding of a slug succeeds");
    assert_complete(&o, "spa_race").await;
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
    assert_eq!(o.list().await.expect("list").len(), 1);
    store.close().await;
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn different_slugs_do_not_block_and_the_same_slug_conflicts() {
    let Some(db) = test_db("block").await else {
        return;
    };
    let store = db.store().await;
    let first = store
        .prepare(&testing::new_tenant("spa_one"))
        .await
        .expect("prepare one");
    // While spa_one's transaction is open: another slug goes straight through...
    let t0 = Instant::now();
    let second = tokio::time::timeout(
        Duration::from_secs(1),
        store.prepare(&testing::new_tenant("spa_two")),
    )
    .await
    .expect("another slug does not wait for the first")
    .expect("prepare two");
    assert!(t0.elapsed() < Duration::from_secs(1));
    second.commit().await.expect("commit two");
    // ...and the same slug is refused as in progress, never half-made.
    let err = match store.prepare(&testing::new_tenant("spa_one")).await {
        Ok(_) => panic!("the same slug was prepared twice at once"),
        Err(e) => e,
    };
    assert_eq!(err.kind(), &ErrorKind::Conflict, "{err}");
    assert!(err.message().contains("in progress"), "{err}");
    first.commit().await.expect("commit one");
    let slugs: Vec<String> = store
        .list()
        .await
        .expect("list")
        .into_iter()
        .map(|t| t.slug)
        .collect();
    assert_eq!(slugs, ["spa_one", "spa_two"]);
    store.close().await;
    db.finish().await;
}

// ---------------------------------------------------------------- DDL shape

#[tokio::test]
async fn tenant_schema_is_citus_friendly_and_operators_checks_work() {
    let Some(db) = test_db("shape").await else {
        return;
    };
    let store = db.store().await;
    let o = onboarder(&store, MemoryRealms::new(), None);
    o.onboard(testing::spec("spa_pilot"))
        .await
        .expect("onboard");
    o.onboard(testing::spec("spa_other"))
        .await
        .expect("onboard");
    let row = |name: &str, price| ServiceRow {
        name: name.into(),
        price_kes: price,
        duration_minutes: Some(45),
        category: Some("Nails".into()),
    };
    store
        .commit_catalog(
            &slug("spa_pilot"),
            &CatalogCommit {
                import_id: None,
                services: vec![row("Manicure", 1500), row("Pedicure", 800)],
                relations: vec![Relation {
                    service: "Manicure".into(),
                    related: "Pedicure".into(),
                    relation_type: "cross_sell".into(),
                }],
            },
        )
        .await
        .expect("catalog");
    let mut conn = db.conn().await;

    // The operators' existing checks, verbatim.
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'tenant_spa_pilot' ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .expect("tables");
    for t in ratiba_core::tenant::BUSINESS_TABLES
        .iter()
        .chain(store.checkpoint_tables())
    {
        assert!(
            tables.iter().any(|have| have == t),
            "{t} missing: {tables:?}"
        );
    }
    let admins = sqlx::query(
        "SELECT phone_number, role, is_active FROM public.tenant_admins WHERE tenant_id = (SELECT id FROM public.tenants WHERE slug='spa_pilot')",
    )
    .fetch_all(&mut conn)
    .await
    .expect("admins");
    assert_eq!(admins.len(), 1);
    assert_eq!(admins[0].get::<String, _>("phone_number"), "+254712345678");
    assert_eq!(admins[0].get::<String, _>("role"), "owner");
    assert!(admins[0].get::<bool, _>("is_active"));
    let services = sqlx::query(
        "SELECT name, price_kes, duration_minutes FROM tenant_spa_pilot.services ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .expect("services");
    let got: Vec<(String, i32, Option<i32>)> = services
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(
        got,
        [
            ("Manicure".to_string(), 1500, Some(45)),
            ("Pedicure".to_string(), 800, Some(45))
        ]
    );
    let cross = sqlx::query(
        "SELECT s1.name, s2.name, sr.relation_type FROM tenant_spa_pilot.service_relations sr JOIN tenant_spa_pilot.services s1 ON sr.service_id = s1.id JOIN tenant_spa_pilot.services s2 ON sr.related_service_id = s2.id",
    )
    .fetch_all(&mut conn)
    .await
    .expect("cross-sell");
    let got: Vec<(String, String, String)> = cross
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(
        got,
        [("Manicure".into(), "Pedicure".into(), "cross_sell".into())]
    );

    // Citus: foreign keys stay inside their schema, and nothing in public points at a tenant.
    let crossing: Vec<String> = sqlx::query_scalar(
        r"SELECT format('%s.%s -> %s.%s', n.nspname, c.conname, rn.nspname, r.relname)
            FROM pg_constraint c
            JOIN pg_namespace n ON n.oid = c.connamespace
            JOIN pg_class r ON r.oid = c.confrelid
            JOIN pg_namespace rn ON rn.oid = r.relnamespace
           WHERE c.contype = 'f' AND n.nspname <> rn.nspname",
    )
    .fetch_all(&mut conn)
    .await
    .expect("constraints");
    assert!(
        crossing.is_empty(),
        "constraints across schemas: {crossing:?}"
    );
    let inside: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
          WHERE c.contype = 'f' AND n.nspname = 'tenant_spa_pilot'",
    )
    .fetch_one(&mut conn)
    .await
    .expect("fks");
    assert!(
        inside >= 10,
        "the tenant's own foreign keys exist ({inside})"
    );
    // Keys are UUIDs (no sequences to coordinate across nodes).
    let id_types: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT data_type::text FROM information_schema.columns
          WHERE table_schema = 'tenant_spa_pilot' AND column_name = 'id'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("id types");
    assert_eq!(id_types, ["uuid"]);
    let sequences: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind = 'S' AND n.nspname LIKE 'tenant\\_%'",
    )
    .fetch_one(&mut conn)
    .await
    .expect("sequences");
    assert_eq!(sequences, 0);
    // The version is recorded per tenant.
    let version: i32 =
        sqlx::query_scalar("SELECT schema_version FROM public.tenants WHERE slug = 'spa_pilot'")
            .fetch_one(&mut conn)
            .await
            .expect("version");
    assert_eq!(version, TENANT_SNAPSHOT_VERSION);
    conn.close().await.ok();
    store.close().await;
    db.finish().await;
}

/// Column name, type, nullable, default, for one table.
async fn columns(conn: &mut PgConnection, schema: &str, table: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT format('%s %s %s %s', column_name, data_type, is_nullable, coalesce(column_default, '-'))
           FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2
          ORDER BY ordinal_position",
    )
    .bind(schema)
    .bind(table)
    .fetch_all(conn)
    .await
    .expect("columns")
}

#[tokio::test]
async fn checkpoint_tables_match_langgraph_setup() {
    let Some(db) = test_db("langgraph").await else {
        return;
    };
    let store = db.store().await;
    let o = onboarder(&store, MemoryRealms::new(), None);
    o.onboard(testing::spec("spa_lg")).await.expect("onboard");
    let mut conn = db.conn().await;
    // What PostgresSaver.setup() (langgraph-checkpoint-postgres 3.2.x) leaves: its
    // MIGRATIONS 0..9 replayed literally into a scratch schema, the way it runs them.
    conn.execute(
        "CREATE SCHEMA lg_reference; SET search_path TO lg_reference;
         CREATE TABLE IF NOT EXISTS checkpoint_migrations (v INTEGER PRIMARY KEY);
         CREATE TABLE IF NOT EXISTS checkpoints (thread_id TEXT NOT NULL, checkpoint_ns TEXT NOT NULL DEFAULT '',
           checkpoint_id TEXT NOT NULL, parent_checkpoint_id TEXT, type TEXT, checkpoint JSONB NOT NULL,
           metadata JSONB NOT NULL DEFAULT '{}', PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id));
         CREATE TABLE IF NOT EXISTS checkpoint_blobs (thread_id TEXT NOT NULL, checkpoint_ns TEXT NOT NULL DEFAULT '',
           channel TEXT NOT NULL, version TEXT NOT NULL, type TEXT NOT NULL, blob BYTEA,
           PRIMARY KEY (thread_id, checkpoint_ns, channel, version));
         CREATE TABLE IF NOT EXISTS checkpoint_writes (thread_id TEXT NOT NULL, checkpoint_ns TEXT NOT NULL DEFAULT '',
           checkpoint_id TEXT NOT NULL, task_id TEXT NOT NULL, idx INTEGER NOT NULL, channel TEXT NOT NULL,
           type TEXT, blob BYTEA NOT NULL, PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id, task_id, idx));
         ALTER TABLE checkpoint_blobs ALTER COLUMN blob DROP not null;
         SELECT 1;
         CREATE INDEX IF NOT EXISTS checkpoints_thread_id_idx ON checkpoints(thread_id);
         CREATE INDEX IF NOT EXISTS checkpoint_blobs_thread_id_idx ON checkpoint_blobs(thread_id);
         CREATE INDEX IF NOT EXISTS checkpoint_writes_thread_id_idx ON checkpoint_writes(thread_id);
         ALTER TABLE checkpoint_writes ADD COLUMN IF NOT EXISTS task_path TEXT NOT NULL DEFAULT '';
         SET search_path TO DEFAULT;",
    )
    .await
    .expect("reference schema");
    const CHECKPOINT_TABLES: &[&str] = &[
        "checkpoint_migrations",
        "checkpoints",
        "checkpoint_blobs",
        "checkpoint_writes",
    ];
    assert_eq!(store.checkpoint_tables(), CHECKPOINT_TABLES);
    for table in store.checkpoint_tables() {
        assert_eq!(
            columns(&mut conn, "tenant_spa_lg", table).await,
            columns(&mut conn, "lg_reference", table).await,
            "columns of {table}"
        );
    }
    let indexes = |schema: &'static str| {
        sqlx::query_scalar::<_, String>(
            "SELECT regexp_replace(indexdef, ' ON [a-z_]+\\.', ' ON ') FROM pg_indexes
              WHERE schemaname = $1 AND tablename = ANY($2) ORDER BY indexname",
        )
        .bind(schema)
        .bind(CHECKPOINT_TABLES)
    };
    let ours = indexes("tenant_spa_lg")
        .fetch_all(&mut conn)
        .await
        .expect("indexes");
    let theirs = indexes("lg_reference")
        .fetch_all(&mut conn)
        .await
        .expect("indexes");
    assert_eq!(ours, theirs, "primary keys and indexes");
    assert!(ours.iter().any(|i| i.contains("checkpoints_thread_id_idx")));
    let versions: Vec<i32> =
        sqlx::query_scalar("SELECT v FROM tenant_spa_lg.checkpoint_migrations ORDER BY v")
            .fetch_all(&mut conn)
            .await
            .expect("migrations");
    assert_eq!(versions, (0..10).collect::<Vec<_>>());
    conn.close().await.ok();
    store.close().await;
    db.finish().await;
}

// ---------------------------------------------------------------- isolation

#[tokio::test]
async fn a_pool_of_one_never_leaks_between_tenants() {
    let Some(db) = test_db("isolation").await else {
        return;
    };
    let config = db.config();
    let base = db.store().await;
    let o = onboarder(&base, MemoryRealms::new(), None);
    for (s, service) in [("spa_a", "Only A"), ("spa_b", "Only B")] {
        o.onboard(testing::spec(s)).await.expect("onboard");
        base.commit_catalog(
            &slug(s),
            &CatalogCommit {
                import_id: None,
                services: vec![ServiceRow {
                    name: service.into(),
                    price_kes: 1000,
                    duration_minutes: None,
                    category: None,
                }],
                relations: vec![],
            },
        )
        .await
        .expect("catalog");
    }
    // The application pool has exactly one connection: every tenant takes turns on it.
    let options = config
        .url
        .parse::<sqlx::postgres::PgConnectOptions>()
        .expect("url")
        .database(&db.name);
    let app = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .expect("pool of one");
    let store = PgStore::from_pools(base.admin_pool().clone(), app.clone(), None)
        .await
        .expect("store");
    let backend_pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&app)
        .await
        .expect("pid");
    let names = |s: &'static str| {
        let store = store.clone();
        async move {
            store
                .with_tenant(&slug(s), |conn| {
                    Box::pin(async move {
                        let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
                            .fetch_one(&mut *conn)
                            .await
                            .expect("pid");
                        let names: Vec<String> =
                            sqlx::query_scalar("SELECT name FROM services ORDER BY name")
                                .fetch_all(&mut *conn)
                                .await
                                .expect("services");
                        Ok((pid, names))
                    })
                })
                .await
                .expect("with_tenant")
        }
    };
    for round in 0..10 {
        let (pid_a, a) = names("spa_a").await;
        let (pid_b, b) = names("spa_b").await;
        assert_eq!((pid_a, pid_b), (backend_pid, backend_pid), "one connection");
        assert_eq!(a, ["Only A"], "round {round}");
        assert_eq!(b, ["Only B"], "round {round}");
    }
    // Interleaved from concurrent tasks too.
    let mut tasks = Vec::new();
    for i in 0..20 {
        let s = if i % 2 == 0 { "spa_a" } else { "spa_b" };
        let f = names(s);
        tasks.push(tokio::spawn(async move { (s, f.await.1) }));
    }
    for t in tasks {
        let (s, got) = t.await.expect("task");
        let want = if s == "spa_a" { "Only A" } else { "Only B" };
        assert_eq!(got, [want]);
    }
    // A failed closure rolls back, and the path still ends with the transaction.
    let err = store
        .with_tenant(&slug("spa_a"), |conn| {
            Box::pin(async move {
                conn.execute(
                    "INSERT INTO services (name, name_key, price_kes) VALUES ('Ghost', 'ghost', 1)",
                )
                .await
                .expect("insert");
                Err::<(), _>(ratiba_core::Error::backend("changed my mind"))
            })
        })
        .await
        .expect_err("closure error");
    assert_eq!(err.message(), "changed my mind");
    assert_eq!(names("spa_a").await.1, ["Only A"], "rolled back");
    // After release nothing of either tenant remains on the connection.
    let mut conn = app.acquire().await.expect("the one connection");
    let path: String = sqlx::query_scalar("SHOW search_path")
        .fetch_one(&mut *conn)
        .await
        .expect("show");
    assert_eq!(path, "\"$user\", public");
    let unscoped = sqlx::query("SELECT name FROM services")
        .fetch_all(&mut *conn)
        .await
        .expect_err("no tenant table is visible unscoped");
    assert_eq!(
        unscoped
            .as_database_error()
            .and_then(|d| d.code())
            .as_deref(),
        Some("42P01")
    );
    drop(conn);
    // A missing schema fails loudly instead of falling through to public.
    let err = store
        .with_tenant(&slug("spa_nobody"), |_| Box::pin(async { Ok(()) }))
        .await
        .expect_err("missing schema");
    assert_eq!(err.kind(), &ErrorKind::NotFound, "{err}");
    base.admin_pool()
        .execute("DROP SCHEMA tenant_spa_b CASCADE")
        .await
        .expect("drop b's schema behind our back");
    let err = store
        .list_services(&slug("spa_b"))
        .await
        .expect_err("registered but schema gone");
    assert_eq!(err.kind(), &ErrorKind::NotFound, "{err}");
    app.close().await;
    base.close().await;
    db.finish().await;
}

// ---------------------------------------------------------------- credentials

#[tokio::test]
async fn access_tokens_are_sealed_bound_and_rotated() {
    let Some(db) = test_db("secrets").await else {
        return;
    };
    let old_key = Sealer::generate_key();
    let ring = Keyring::parse(&old_key).expect("key");
    let store = PgStore::connect(&db.config().with_keyring(ring))
        .await
        .expect("store");
    let o = onboarder(&store, MemoryRealms::new(), None);
    for (s, token) in [("spa_tok_a", "EAAGsecretA"), ("spa_tok_b", "EAAGsecretB")] {
        let mut request = testing::seed_request(s);
        request["whatsapp_access_token"] = token.into();
        let tenant = o
            .onboard(ratiba_core::TenantSpec::parse(&request).expect("spec"))
            .await
            .expect("onboard");
        assert!(!serde_json::to_string(&tenant)
            .expect("json")
            .contains("EAAG"));
        assert!(!format!("{tenant:?}").contains("EAAG"));
    }
    assert_eq!(
        store
            .whatsapp_access_token(&slug("spa_tok_a"))
            .await
            .expect("open")
            .expect("stored")
            .expose(),
        "EAAGsecretA"
    );
    assert!(store
        .has_whatsapp_credentials(&slug("spa_tok_a"))
        .await
        .expect("has"));
    let mut conn = db.conn().await;
    let raw: Vec<u8> = sqlx::query_scalar(
        "SELECT whatsapp_access_token FROM public.tenants WHERE slug = 'spa_tok_a'",
    )
    .fetch_one(&mut conn)
    .await
    .expect("raw");
    assert_eq!((raw[0], raw[1]), (1, 1), "version byte, key id");
    assert!(
        !raw.windows(11).any(|w| w == b"EAAGsecretA"),
        "no plaintext at rest"
    );
    // A ciphertext copied into another tenant's row does not open there.
    conn.execute(
        "UPDATE public.tenants SET whatsapp_access_token =
           (SELECT whatsapp_access_token FROM public.tenants WHERE slug = 'spa_tok_a')
         WHERE slug = 'spa_tok_b'",
    )
    .await
    .expect("copy");
    let err = store
        .whatsapp_access_token(&slug("spa_tok_b"))
        .await
        .expect_err("bound to tenant a");
    assert!(!err.to_string().contains("EAAG"), "{err}");
    conn.execute("UPDATE public.tenants SET whatsapp_access_token = NULL WHERE slug = 'spa_tok_b'")
        .await
        .expect("clear");
    // Rotation: a new active key first, the old one kept to open.
    let new_key = Sealer::generate_key();
    let both = Keyring::parse(&format!("2:{new_key},1:{old_key}")).expect("keys");
    let rotating = PgStore::connect(&db.config().with_keyring(both))
        .await
        .expect("store");
    assert_eq!(rotating.rotate_keys().await.expect("rotate"), 1);
    assert_eq!(
        rotating.rotate_keys().await.expect("again"),
        0,
        "idempotent"
    );
    let only_new = Keyring::parse(&format!("2:{new_key}")).expect("key");
    let after = PgStore::connect(&db.config().with_keyring(only_new))
        .await
        .expect("store");
    assert_eq!(
        after
            .whatsapp_access_token(&slug("spa_tok_a"))
            .await
            .expect("open with the new key")
            .expect("stored")
            .expose(),
        "EAAGsecretA"
    );
    // Without a key a token is refused rather than stored in the clear.
    let keyless = db.store().await;
    let mut request = testing::seed_request("spa_tok_c");
    request["whatsapp_access_token"] = "EAAGsecretC".into();
    let err = match keyless
        .prepare(&ratiba_core::tenant::NewTenant::new(
            ratiba_core::TenantSpec::parse(&request).expect("spec"),
        ))
        .await
    {
        Ok(_) => panic!("a token was accepted without an encryption key"),
        Err(e) => e,
    };
    assert!(matches!(err.kind(), ErrorKind::Validation { .. }), "{err}");
    conn.close().await.ok();
    for s in [&store, &rotating, &after, &keyless] {
        s.close().await;
    }
    db.finish().await;
}

// ---------------------------------------------------------------- migrate

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_applies_once_per_tenant_and_resumes() {
    let Some(db) = test_db("migrate").await else {
        return;
    };
    let store = db.store().await;
    let o = onboarder(&store, MemoryRealms::new(), None);
    for s in ["spa_m1", "spa_m2", "spa_m3"] {
        o.onboard(testing::spec(s)).await.expect("onboard");
    }
    let nothing = store
        .migrate_tenants(&MigrateOptions::default(), &|_| {})
        .await
        .expect("migrate");
    assert_eq!((nothing.up_to_date, nothing.tenants.len()), (3, 0));

    let upgrade = MigrateOptions {
        upgrades: vec![TenantMigration {
            version: TENANT_SNAPSHOT_VERSION + 1,
            name: "services_note".into(),
            sql: "ALTER TABLE services ADD COLUMN note text".into(),
        }],
        ..MigrateOptions::default()
    };
    // spa_m2 is busy (another writer holds its lock): it fails, the others go on.
    let mut holder = db.conn().await;
    holder.execute("BEGIN").await.expect("begin");
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('ratiba.tenant:' || $1, 0))")
        .bind("spa_m2")
        .execute(&mut holder)
        .await
        .expect("lock");
    let events = std::sync::Mutex::new(Vec::new());
    let first = store
        .migrate_tenants(&upgrade, &|e| {
            events.lock().expect("events").push(match e {
                MigrateEvent::Planned { total, .. } => format!("planned {total}"),
                MigrateEvent::Tenant(t) => t.slug.clone(),
            })
        })
        .await
        .expect("migrate");
    assert_eq!(first.failures(), 1, "{first:?}");
    let failed: Vec<&str> = first
        .tenants
        .iter()
        .filter(|t| t.failed())
        .map(|t| t.slug.as_str())
        .collect();
    assert_eq!(failed, ["spa_m2"]);
    assert_eq!(
        events.lock().expect("events").len(),
        4,
        "planned + one per tenant"
    );
    holder.execute("ROLLBACK").await.expect("release");
    holder.close().await.ok();
    // Resume: only what is left runs.
    let second = store
        .migrate_tenants(&upgrade, &|_| {})
        .await
        .expect("resume");
    assert_eq!(second.failures(), 0, "{second:?}");
    let migrated: Vec<&str> = second.tenants.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(migrated, ["spa_m2"]);
    let third = store
        .migrate_tenants(&upgrade, &|_| {})
        .await
        .expect("again");
    assert_eq!((third.up_to_date, third.tenants.len()), (3, 0));
    let mut conn = db.conn().await;
    let with_note: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.columns
          WHERE table_name = 'services' AND column_name = 'note' AND table_schema LIKE 'tenant\\_%'",
    )
    .fetch_one(&mut conn)
    .await
    .expect("columns");
    assert_eq!(with_note, 3);
    let versions: Vec<i32> =
        sqlx::query_scalar("SELECT DISTINCT schema_version FROM public.tenants")
            .fetch_all(&mut conn)
            .await
            .expect("versions");
    assert_eq!(versions, [TENANT_SNAPSHOT_VERSION + 1]);
    conn.close().await.ok();
    store.close().await;
    db.finish().await;
}

// ---------------------------------------------------------------- reconcile and errors

#[tokio::test]
async fn reconcile_removes_stray_tenant_schemas_only() {
    let Some(db) = test_db("stray").await else {
        return;
    };
    let store = db.store().await;
    let o = onboarder(&store, MemoryRealms::new(), None);
    o.onboard(testing::spec("spa_kept")).await.expect("onboard");
    let mut conn = db.conn().await;
    conn.execute(
        "CREATE SCHEMA tenant_stray; CREATE TABLE tenant_stray.leftover (id uuid PRIMARY KEY);
         CREATE SCHEMA \"tenant_Not_Ours\"; CREATE SCHEMA app_private;",
    )
    .await
    .expect("strays");
    assert_eq!(store.orphan_stores().await.expect("orphans"), ["stray"]);
    let err = o
        .onboard(testing::spec("stray"))
        .await
        .expect_err("the schema name is taken by a leftover");
    assert_eq!(err.kind(), &ErrorKind::Conflict, "{err}");
    assert!(err.to_string().contains("reconcile"), "{err}");
    let report = o.reconcile(true).await.expect("reconcile");
    assert_eq!(report.items.len(), 1, "{report:?}");
    assert_eq!(report.items[0].action, "removed");
    let left: Vec<String> = sqlx::query_scalar(
        "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'tenant%' OR nspname = 'app_private' ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .expect("schemas");
    assert_eq!(left, ["app_private", "tenant_Not_Ours", "tenant_spa_kept"]);
    o.onboard(testing::spec("stray"))
        .await
        .expect("slug free now");
    // The reverse: a registered tenant whose schema was dropped behind our back.
    conn.execute("DROP SCHEMA tenant_spa_kept CASCADE")
        .await
        .expect("drop");
    let dry = o.reconcile(false).await.expect("dry run");
    assert_eq!(dry.items.len(), 1, "{dry:?}");
    assert_eq!(dry.items[0].leftover, "tenant 'spa_kept'");
    assert_eq!(dry.items[0].action, "would remove");
    let fixed = o.reconcile(true).await.expect("fix");
    assert_eq!(fixed.items[0].action, "removed", "{fixed:?}");
    assert_nothing_left(&o, "spa_kept").await;
    assert!(o.reconcile(true).await.expect("again").is_clean());
    conn.close().await.ok();
    store.close().await;
    db.finish().await;
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable() {
    // Port 1 on loopback: nothing listens there.
    let mut config = PgConfig::new("postgres://ratiba@127.0.0.1:1/ratiba");
    config.acquire_timeout = Duration::from_secs(2);
    let err = PgStore::connect(&config).await.expect_err("no server");
    assert!(err.is_retryable(), "{err:?}");
    let bad = PgStore::connect(&PgConfig::new("mysql://nope"))
        .await
        .expect_err("bad url");
    assert!(
        matches!(bad.kind(), ErrorKind::Validation { .. }),
        "{bad:?}"
    );
}

#[tokio::test]
async fn verify_checks_indexes_version_and_checkpoint_rows() {
    let Some(db) = test_db("verify").await else {
        return;
    };
    let store = db.store().await;
    let o = onboarder(&store, MemoryRealms::new(), None);
    o.onboard(testing::spec("spa_v")).await.expect("onboard");
    let report = o.verify(&slug("spa_v")).await.expect("verify");
    assert!(report.ok, "{:?}", report.failed().collect::<Vec<_>>());
    for name in ["indexes", "schema_version", "checkpoint_migrations"] {
        assert!(
            report.checks.iter().any(|c| c.name == name),
            "{name} checked"
        );
    }
    let mut conn = db.conn().await;
    conn.execute(
        "DROP INDEX tenant_spa_v.checkpoints_thread_id_idx;
         DELETE FROM tenant_spa_v.checkpoint_migrations WHERE v = 9;
         UPDATE public.tenants SET schema_version = 0 WHERE slug = 'spa_v'",
    )
    .await
    .expect("break it");
    let report = o.verify(&slug("spa_v")).await.expect("verify");
    let failed: Vec<&str> = report.failed().map(|c| c.name).collect();
    assert_eq!(
        failed,
        ["indexes", "schema_version", "checkpoint_migrations"]
    );
    conn.close().await.ok();
    store.close().await;
    db.finish().await;
}

// ---------------------------------------------------------------- SIGKILL at each step

/// Set in the child process of [`sigkill_at_every_step_boundary`]: `DB|REALM_DIR|POINT`.
const CHILD_ENV: &str = "RATIBA_TEST_SIGKILL_CHILD";

fn fault_point(name: &str) -> FaultPoint {
    match name {
        "schema_prepare" => FaultPoint::SchemaPrepare,
        "realm_create" => FaultPoint::RealmCreate,
        "schema_commit" => FaultPoint::SchemaCommit,
        _ => FaultPoint::JournalFinish,
    }
}

async fn file_onboarder(
    store: &PgStore,
    realm_dir: &std::path::Path,
    faults: &Faults,
) -> Onboarder {
    let store = Arc::new(store.clone());
    let realms =
        ratiba_core::backends::realm_files::RealmFiles::open(realm_dir).expect("realm files");
    let ports = Ports {
        schema: store.clone(),
        journal: store,
        realms: Arc::new(realms),
        extractor: Arc::new(TextExtractor::new()),
    }
    .with_faults(faults);
    Onboarder::new(
        ports,
        OnboarderSettings {
            reconcile_grace: Duration::ZERO,
            ..OnboarderSettings::default()
        },
    )
}

/// Not a test on its own: the onboarding process that the test below kills. It
/// waits a minute before one step, so the parent can kill it there.
#[tokio::test]
async fn sigkill_child() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut parts = spec.split('|');
    let (Some(url), Some(db), Some(dir), Some(point)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        panic!("bad {CHILD_ENV}");
    };
    let store = PgStore::connect(&PgConfig::new(url).with_database(db))
        .await
        .expect("store");
    let faults = Faults::new();
    faults.delay(fault_point(point), Duration::from_secs(60));
    let o = file_onboarder(&store, std::path::Path::new(dir), &faults).await;
    let _ = o.onboard(testing::spec("spa_kill")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_every_step_boundary() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    let Some(db) = test_db("sigkill").await else {
        return;
    };
    let store = db.store().await;
    let mut conn = db.conn().await;
    for point in [
        "schema_prepare",
        "realm_create",
        "schema_commit",
        "journal_finish",
    ] {
        let realm_dir = tempfile::tempdir().expect("tempdir");
        let mut child = std::process::Command::new(std::env::current_exe().expect("test binary"))
            .args(["--exact", "sigkill_child", "--test-threads", "1"])
            .env(
                CHILD_ENV,
                format!(
                    "{}|{}|{}|{point}",
                    db.url,
                    db.name,
                    realm_dir.path().display()
                ),
            )
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn the onboarding process");
        // Wait until the child sits at the step boundary, as seen from outside.
        let realms =
            ratiba_core::backends::realm_files::RealmFiles::open(realm_dir.path()).expect("realms");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let journal: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM public.onboarding_journal WHERE slug = 'spa_kill' AND state = 'started'",
            )
            .fetch_one(&mut conn)
            .await
            .expect("journal");
            let locked: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                  WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()",
            )
            .fetch_one(&mut conn)
            .await
            .expect("locks");
            let realm = ratiba_core::RealmProvisioner::get(&realms, "spa_kill")
                .await
                .expect("realm");
            let committed = store.get(&slug("spa_kill")).await.is_ok();
            let there = match point {
                "schema_prepare" => journal == 1,
                "realm_create" => journal == 1 && locked >= 1,
                "schema_commit" => realm.is_some() && locked >= 1,
                _ => committed,
            };
            if there {
                break;
            }
            assert!(
                child.try_wait().expect("child").is_none(),
                "the onboarding process ended before {point}"
            );
            assert!(Instant::now() < deadline, "the child never reached {point}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        // Give the server a moment to notice the dead connection.
        let deadline = Instant::now() + Duration::from_secs(10);
        while sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
              WHERE l.locktype = 'advisory' AND a.datname = current_database()",
        )
        .fetch_one(&mut conn)
        .await
        .expect("locks")
            > 0
        {
            assert!(
                Instant::now() < deadline,
                "the dead transaction's lock stays"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }

        let o = file_onboarder(&store, realm_dir.path(), &Faults::new()).await;
        let report = o.reconcile(true).await.expect("reconcile --fix");
        assert_eq!(report.failures(), 0, "{point}: {report:?}");
        match o.get(&slug("spa_kill")).await {
            Ok(_) => {
                assert_eq!(point, "journal_finish", "only a committed onboarding stays");
                assert_complete(&o, "spa_kill").await;
                let err = o
                    .onboard(testing::spec("spa_kill"))
                    .await
                    .expect_err("exists");
                assert_eq!(err.kind(), &ErrorKind::Conflict);
            }
            Err(_) => {
                assert_nothing_left(&o, "spa_kill").await;
                o.onboard(testing::spec("spa_kill"))
                    .await
                    .expect("a new onboarding succeeds");
                assert_complete(&o, "spa_kill").await;
            }
        }
        o.delete(&slug("spa_kill")).await.expect("cleanup");
    }
    conn.close().await.ok();
    store.close().await;
    db.finish().await;
}

// ---------------------------------------------------------------- two pools, two roles

#[tokio::test]
async fn the_application_role_gets_tenant_tables_and_nothing_else() {
    let Some(db) = test_db("roles").await else {
        return;
    };
    let role = format!(
        "ratiba_app_{}",
        ulid::Ulid::new().to_string().to_lowercase()
    );
    let mut conn = db.conn().await;
    conn.execute(format!("CREATE ROLE {role} LOGIN PASSWORD 'app-test-password'").as_str())
        .await
        .expect("create role");
    let admin = db.store().await;
    let app_options = db
        .url
        .parse::<sqlx::postgres::PgConnectOptions>()
        .expect("url")
        .database(&db.name)
        .username(&role)
        .password("app-test-password");
    let app = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect_with(app_options)
        .await
        .expect("app pool");
    let store = PgStore::from_pools(admin.admin_pool().clone(), app.clone(), None)
        .await
        .expect("store")
        .with_app_role(&role)
        .expect("role");
    let o = onboarder(&store, MemoryRealms::new(), None);
    o.onboard(testing::spec("spa_roles"))
        .await
        .expect("onboard");
    // Tenant work on the application pool, through the grants.
    let report = store
        .commit_catalog(
            &slug("spa_roles"),
            &CatalogCommit {
                import_id: None,
                services: vec![ServiceRow {
                    name: "Manicure".into(),
                    price_kes: 1500,
                    duration_minutes: Some(45),
                    category: None,
                }],
                relations: vec![],
            },
        )
        .await
        .expect("the app role writes the tenant's tables");
    assert_eq!(report.created, 1);
    // No registry, no DDL.
    let denied = sqlx::query("SELECT whatsapp_access_token FROM public.tenants")
        .fetch_all(&app)
        .await
        .expect_err("the registry is not the app role's");
    assert_eq!(
        denied.as_database_error().and_then(|d| d.code()).as_deref(),
        Some("42501")
    );
    let err = store
        .with_tenant(&slug("spa_roles"), |c| {
            Box::pin(async move {
                c.execute("CREATE TABLE sneaky (id int)")
                    .await
                    .map_err(|e| ratiba_core::backends::postgres::db_error("ddl", e))?;
                Ok(())
            })
        })
        .await
        .expect_err("no DDL on the app pool");
    assert!(err.message().contains("privilege"), "{err}");
    app.close().await;
    admin.close().await;
    conn.close().await.ok();
    db.finish().await;
    let mut server = PgConnection::connect(&server_url().expect("url"))
        .await
        .expect("server");
    server
        .execute(format!("DROP ROLE IF EXISTS {role}").as_str())
        .await
        .expect("drop role");
}

#[tokio::test]
async fn values_are_bound_never_spliced() {
    let Some(db) = test_db("inject").await else {
        return;
    };
    let store = db.store().await;
    let o = onboarder(&store, MemoryRealms::new(), None);
    let mut request = testing::seed_request("spa_quote");
    let name = "Mama's Spa\"; DROP TABLE public.tenants; -- $1 \\ 💅";
    request["name"] = name.into();
    let tenant = o
        .onboard(ratiba_core::TenantSpec::parse(&request).expect("spec"))
        .await
        .expect("onboard");
    assert_eq!(tenant.name, name);
    assert_eq!(o.get(&slug("spa_quote")).await.expect("get").name, name);
    let services = vec![ServiceRow {
        name: "Gel'; DROP SCHEMA tenant_spa_quote CASCADE; --".into(),
        price_kes: 1200,
        duration_minutes: Some(30),
        category: Some("x\"y".into()),
    }];
    store
        .commit_catalog(
            &slug("spa_quote"),
            &CatalogCommit {
                import_id: Some("'; DROP TABLE catalog_imports; --".into()),
                services: services.clone(),
                relations: vec![],
            },
        )
        .await
        .expect_err("an unknown import id is a validation error, not SQL");
    store
        .commit_catalog(
            &slug("spa_quote"),
            &CatalogCommit {
                import_id: None,
                services,
                relations: vec![],
            },
        )
        .await
        .expect("catalog");
    let listed = store
        .list_services(&slug("spa_quote"))
        .await
        .expect("services");
    assert_eq!(
        listed[0].name,
        "Gel'; DROP SCHEMA tenant_spa_quote CASCADE; --"
    );
    assert_complete(&o, "spa_quote").await;
    store.close().await;
    db.finish().await;
}
