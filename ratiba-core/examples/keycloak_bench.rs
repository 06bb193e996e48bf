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
        println!(
            "| {level} | {} | {} | {} |",
            ms(median(bare)),
            ms(median(full)),
            ms(median(onboard))
        );
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
