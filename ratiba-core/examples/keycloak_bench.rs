//! Speed of realm creation in Keycloak (a benchmark, not a test).
//!
//! ```sh
//! RATIBA_TEST_KEYCLOAK_URL=http://127.0.0.1:8281 RATIBA_TEST_KEYCLOAK_PASSWORD=... \
//!   cargo run --release -p ratiba-core --features keycloak --example keycloak_bench -- 1,100,300
//! ```
//!
//! For each level N it fills Keycloak up to N realms (minimal ones), then times,
//! a few times each: one bare realm POST (the floor), the backend's whole
//! `create` (the full representation in one POST plus the owner read-back), and
//! a whole onboarding (in-memory store + Keycloak). It removes what it made.
//!
//! With `RATIBA_TEST_DATABASE_URL` (and the `postgres` feature) it also times the full
//! onboarding on PostgreSQL + Keycloak against its floor: one bare realm POST plus
//! the same PostgreSQL DDL sent as one transaction over an open connection.
//! Run it against a throwaway Keycloak: the filler realms take minutes to make.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ratiba_core::backends::keycloak::{KeycloakConfig, KeycloakRealms};
use ratiba_core::ports::{RealmProvisioner, RealmRequest};
use ratiba_core::{testing, Onboarder, OnboarderSettings, Ports, Secret, Slug};
use serde_json::json;

const SAMPLES: usize = 3;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("RATIBA_TEST_KEYCLOAK_URL")
        .map_err(|_| "set RATIBA_TEST_KEYCLOAK_URL (and RATIBA_TEST_KEYCLOAK_PASSWORD)")?;
    let password = std::env::var("RATIBA_TEST_KEYCLOAK_PASSWORD")
        .unwrap_or_else(|_| KeycloakConfig::DEV_PASSWORD.into());
    let levels: Vec<usize> = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "1,100,300".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let config = KeycloakConfig {
        create_timeout: Duration::from_secs(120),
        ..KeycloakConfig::new(url, "admin", Secret::new(password))
    };
    let kc = KeycloakRealms::new(config)?;
    kc.check().await?;

    #[cfg(feature = "postgres")]
    let pg = postgres::Bench::start().await?;

    let mut fillers = Vec::new();
    println!(
        "| realms present | bare realm POST | full create (POST + read-back) | whole onboarding |"
    );
    println!("|---:|---:|---:|---:|");
    for level in levels {
        // Fill up to `level` realms (the admin realm counts as one).
        while kc.list().await?.len() + 1 < level {
            let name = format!("bench_fill_{}", fillers.len());
            kc.create_from_representation(&json!({"realm": name, "enabled": true}))
                .await?;
            fillers.push(name);
        }
        let (mut bare, mut full, mut onboard) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..SAMPLES {
            let name = format!("bench_bare_{level}_{i}");
            let t = Instant::now();
            kc.create_from_representation(&json!({"realm": name, "enabled": true}))
                .await?;
            bare.push(t.elapsed());
            kc.delete(&name, None).await?;

            let name = format!("bench_full_{level}_{i}");
            let req = RealmRequest::for_tenant(&testing::new_tenant(&name), &Default::default());
            let t = Instant::now();
            kc.create(&req).await?;
            full.push(t.elapsed());
            kc.delete(&name, None).await?;

            let name = format!("bench_onb_{level}_{i}");
            let onboarder = Onboarder::new(
                Ports {
                    realms: Arc::new(kc.clone()),
                    ..Ports::in_memory()
                },
                OnboarderSettings::default(),
            );
            let t = Instant::now();
            onboarder.onboard(testing::spec(&name)).await?;
            onboard.push(t.elapsed());
            onboarder.delete(&Slug::parse(&name)?).await?;
        }
        let (bare, full, onboard) = (median(bare), median(full), median(onboard));
        println!(
            "| {level} | {} | {} | {} |",
            ms(bare),
            ms(full),
            ms(onboard)
        );
        #[cfg(feature = "postgres")]
        if let Some(pg) = &pg {
            let (floor, ours) = pg.measure(&kc, level, bare).await?;
            println!(
                "|   | PostgreSQL + Keycloak: floor (bare POST + DDL) {} | full onboarding {} | {:.2}x the floor |",
                ms(floor),
                ms(ours),
                ours.as_secs_f64() / floor.as_secs_f64()
            );
        }
    }
    #[cfg(feature = "postgres")]
    if let Some(pg) = pg {
        pg.finish().await?;
    }
    let t = Instant::now();
    for name in &fillers {
        kc.delete(name, None).await?;
    }
    eprintln!(
        "removed {} filler realms in {:.1} s",
        fillers.len(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(feature = "postgres")]
mod postgres {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use ratiba_core::backends::keycloak::KeycloakRealms;
    use ratiba_core::backends::postgres::{PgConfig, PgStore};
    use ratiba_core::{testing, Onboarder, OnboarderSettings, Ports, Slug};
    use sqlx::{Connection, Executor, PgConnection};

    use super::{median, SAMPLES};

    const SNAPSHOT: &str = include_str!("../migrations/postgres/tenant/snapshot.sql");

    pub struct Bench {
        url: String,
        db: String,
        store: PgStore,
        conn: PgConnection,
    }

    impl Bench {
        pub async fn start() -> Result<Option<Self>, Box<dyn std::error::Error>> {
            let Ok(url) = std::env::var("RATIBA_TEST_DATABASE_URL") else {
                return Ok(None);
            };
            let db = format!("ratiba_kc_bench_{}", std::process::id());
            PgConnection::connect(&url)
                .await?
                .execute(format!("CREATE DATABASE \"{db}\"").as_str())
                .await?;
            let store = PgStore::connect(&PgConfig::new(&url).with_database(&db)).await?;
            let conn = PgConnection::connect_with(
                &url.parse::<sqlx::postgres::PgConnectOptions>()?
                    .database(&db),
            )
            .await?;
            Ok(Some(Self {
                url,
                db,
                store,
                conn,
            }))
        }

        /// The DDL floor and our full onboarding, median of a few, at this level.
        pub async fn measure(
            &self,
            kc: &KeycloakRealms,
            level: usize,
            bare_post: Duration,
        ) -> Result<(Duration, Duration), Box<dyn std::error::Error>> {
            let mut conn = PgConnection::connect_with(
                &self
                    .url
                    .parse::<sqlx::postgres::PgConnectOptions>()?
                    .database(&self.db),
            )
            .await?;
            let (mut floors, mut ours) = (Vec::new(), Vec::new());
            let store = Arc::new(self.store.clone());
            let onboarder = Onboarder::new(
                Ports {
                    schema: store.clone(),
                    journal: store,
                    realms: Arc::new(kc.clone()),
                    ..Ports::in_memory()
                },
                OnboarderSettings::default(),
            );
            for i in 0..SAMPLES {
                let uuid = format!("{:032x}", u128::from(ulid::Ulid::new()));
                let sql = format!(
                    "BEGIN;
                     INSERT INTO public.tenants (id, name, slug, vertical, locale, timezone, whatsapp_number,
                         mpesa_enabled, schema_version)
                     VALUES ('{uuid}', 'Spa Pilot', 'floor_{level}_{i}', 'spa', 'en', 'Africa/Nairobi', '+15555555555', true, 1);
                     INSERT INTO public.tenant_admins (tenant_id, phone_number, role) VALUES ('{uuid}', '+254712345678', 'owner');
                     CREATE SCHEMA tenant_floor_{level}_{i};
                     SET LOCAL search_path TO tenant_floor_{level}_{i};
                     {SNAPSHOT}
                     COMMIT;"
                );
                let t = Instant::now();
                conn.execute(sql.as_str()).await?;
                floors.push(t.elapsed() + bare_post);

                let name = format!("bench_pgkc_{level}_{i}");
                let t = Instant::now();
                onboarder.onboard(testing::spec(&name)).await?;
                ours.push(t.elapsed());
                onboarder.delete(&Slug::parse(&name)?).await?;
            }
            Ok((median(floors), median(ours)))
        }

        pub async fn finish(self) -> Result<(), Box<dyn std::error::Error>> {
            self.store.close().await;
            drop(self.conn);
            PgConnection::connect(&self.url)
                .await?
                .execute(format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.db).as_str())
                .await?;
            Ok(())
        }
    }
}
