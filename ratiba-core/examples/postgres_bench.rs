//! The PostgreSQL onboarding benchmark (issue 3, "Speed"): a benchmark, not a test.
//!
//! ```text
//! DATABASE_URL=postgres://... cargo run --release -p ratiba-core \
//!     --features postgres,testing --example postgres_bench
//! ```
//!
//! In one run, in a database of its own (created, then dropped):
//! 1. the floor: the same DDL and rows as one onboarding, sent as one transaction
//!    over an open connection (median of 50, measured interleaved with the first
//!    and again with the last 50 onboardings, so both see the same machine);
//! 2. onboarding through `SchemaProvisioner::prepare` + `commit` (registry rows,
//!    schema, every table, admin row; no realm), `RATIBA_BENCH_TENANTS` times
//!    (default 1000): the median of the first 50 against the floor, and of the last
//!    50 against the first 50;
//! 3. `migrate` over those tenants with nothing to apply, and adding one nullable
//!    column to every tenant.
//!
//! The URL comes from `DATABASE_URL`, else `RATIBA_TEST_DATABASE_URL`.

use std::time::{Duration, Instant};

use ratiba_core::backends::postgres::{
    MigrateOptions, PgConfig, PgStore, TenantMigration, TENANT_SNAPSHOT_VERSION,
};
use ratiba_core::SchemaProvisioner;
use sqlx::{Connection, Executor, PgConnection};

const SNAPSHOT: &str = include_str!("../migrations/postgres/tenant/snapshot.sql");

fn median(samples: &[Duration]) -> Duration {
    let mut v = samples.to_vec();
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL")
        .or_else(|_| std::env::var("RATIBA_TEST_DATABASE_URL"))
        .map_err(|_| "set DATABASE_URL (or RATIBA_TEST_DATABASE_URL) to a PostgreSQL server")?;
    let tenants: usize = std::env::var("RATIBA_BENCH_TENANTS")
        .ok()
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(1000);
    let window = 50.min(tenants / 2).max(1);
    let db = format!(
        "ratiba_bench_{}",
        ulid::Ulid::new().to_string().to_lowercase()
    );
    let mut server = PgConnection::connect(&url).await?;
    server
        .execute(format!("CREATE DATABASE \"{db}\"").as_str())
        .await?;
    let result = run(&url, &db, tenants, window).await;
    server
        .execute(format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)").as_str())
        .await?;
    result
}

/// The same rows and DDL as one onboarding, as one transaction in one round trip.
async fn floor_once(conn: &mut PgConnection, i: usize) -> Result<Duration, sqlx::Error> {
    let uuid = format!("{:032x}", u128::from(ulid::Ulid::new()));
    let sql = format!(
        "BEGIN;
         INSERT INTO public.tenants (id, name, slug, vertical, locale, timezone, whatsapp_number,
             mpesa_enabled, schema_version)
         VALUES ('{uuid}', 'Spa Pilot', 'floor_{i}', 'spa', 'en', 'Africa/Nairobi', '+15555555555', true, 1);
         INSERT INTO public.tenant_admins (tenant_id, phone_number, role) VALUES ('{uuid}', '+254712345678', 'owner');
         CREATE SCHEMA tenant_floor_{i};
         SET LOCAL search_path TO tenant_floor_{i};
         {SNAPSHOT}
         COMMIT;"
    );
    let t0 = Instant::now();
    conn.execute(sql.as_str()).await?;
    Ok(t0.elapsed())
}

async fn run(
    url: &str,
    db: &str,
    tenants: usize,
    window: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let config = PgConfig::new(url).with_database(db);
    let store = PgStore::connect(&config).await?;

    // The floor and the provisioner are measured interleaved (floor, ours, floor,
    // ours, ...) at the start and again at the end, so that both see the same
    // machine: on a shared box the noise is larger than the difference.
    let options = url
        .parse::<sqlx::postgres::PgConnectOptions>()?
        .database(db);
    let mut conn = PgConnection::connect_with(&options).await?;
    let mut floor_start = Vec::new();
    let mut floor_end = Vec::new();
    let mut samples = Vec::with_capacity(tenants);
    let started = Instant::now();
    for i in 0..tenants {
        let edge = i < window || i >= tenants - window;
        if edge {
            let sample = floor_once(&mut conn, i).await?;
            if i < window {
                floor_start.push(sample);
            } else {
                floor_end.push(sample);
            }
        }
        let new = ratiba_core::testing::new_tenant(&format!("bench_{i:05}"));
        let t0 = Instant::now();
        store.prepare(&new).await?.commit().await?;
        samples.push(t0.elapsed());
        if edge {
            // The floor's tenants go again, outside the clock.
            conn.execute(
                format!(
                    "DROP SCHEMA tenant_floor_{i} CASCADE; DELETE FROM public.tenants WHERE slug = 'floor_{i}'"
                )
                .as_str(),
            )
            .await?;
        }
        if (i + 1) % 100 == 0 {
            eprint!("\ronboarded {}/{tenants}", i + 1);
        }
    }
    eprintln!();
    conn.close().await?;
    let total = started.elapsed();
    let floor = median(&floor_start);
    let floor_late = median(&floor_end);
    let first = median(&samples[..window]);
    let last = median(&samples[tenants - window..]);

    // 3. migrate: nothing to apply, then one nullable column everywhere.
    let t0 = Instant::now();
    let nothing = store
        .migrate_tenants(&MigrateOptions::default(), &|_| {})
        .await?;
    let migrate_nothing = t0.elapsed();
    assert_eq!(nothing.tenants.len(), 0);
    let add_column = MigrateOptions {
        upgrades: vec![TenantMigration {
            version: TENANT_SNAPSHOT_VERSION + 1,
            name: "bench_note".into(),
            sql: "ALTER TABLE services ADD COLUMN bench_note text".into(),
        }],
        ..MigrateOptions::default()
    };
    let t0 = Instant::now();
    let report = store.migrate_tenants(&add_column, &|_| {}).await?;
    let migrate_column = t0.elapsed();
    assert_eq!(report.failures(), 0, "{report:?}");
    assert_eq!(report.tenants.len(), tenants);
    store.close().await;

    println!("| measure | result | target |");
    println!("|---|---|---|");
    println!("| floor: the same DDL as one transaction on an open connection (median of {window}, interleaved with the first {window}) | {} | |", ms(floor));
    println!(
        "| floor again, interleaved with the last {window} | {} | |",
        ms(floor_late)
    );
    println!(
        "| onboarding, first {window} (median) | {} ({:.2}x the floor) | within 1.2x |",
        ms(first),
        first.as_secs_f64() / floor.as_secs_f64()
    );
    println!(
        "| onboarding, last {window} of {tenants} (median) | {} ({:.2}x the first {window}; {:.2}x the floor measured with them) | within 1.2x |",
        ms(last),
        last.as_secs_f64() / first.as_secs_f64(),
        last.as_secs_f64() / floor_late.as_secs_f64()
    );
    println!(
        "| {tenants} onboardings, in all | {:.1} s | |",
        total.as_secs_f64()
    );
    println!(
        "| migrate, nothing to apply, {tenants} tenants | {} | under 1 s |",
        ms(migrate_nothing)
    );
    println!(
        "| migrate, one nullable column, {tenants} tenants (parallelism {}) | {} | under 3 s |",
        add_column.parallelism,
        ms(migrate_column)
    );
    Ok(())
}
