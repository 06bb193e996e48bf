//! Onboard a tenant on the embedded default and import its menu, from Rust.
//!
//!     cargo run -p ratiba-core --example onboard -- /tmp/ratiba-demo

use std::path::PathBuf;

use ratiba_core::{MenuInput, Onboarder, Slug, TenantSpec};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("ratiba-demo"));
    let onboarder = Onboarder::embedded(&dir).await?;

    let spec = TenantSpec::from_json_str(include_str!("../spa_pilot.json"))?;
    let slug: Slug = spec.slug.clone();
    let tenant = match onboarder.onboard(spec).await {
        Ok(tenant) => tenant,
        // Running the example twice finds the tenant already there.
        Err(e) if matches!(e.kind(), ratiba_core::ErrorKind::Conflict) => {
            onboarder.get(&slug).await?
        }
        Err(e) => return Err(e.into()),
    };
    println!(
        "tenant {} ({}) in {}",
        tenant.slug,
        tenant.id,
        dir.display()
    );

    let menu = MenuInput::text(include_str!("../menu.txt"));
    let import = onboarder.import_catalog(&slug, &menu, true).await?;
    for row in &import.extraction.rows {
        println!(
            "  {:<24} {:>8?} {:?}",
            row.name, row.price_kes, row.confidence
        );
    }
    if let Some(report) = import.committed {
        println!(
            "committed: {} created, {} updated, {} unchanged",
            report.created, report.updated, report.unchanged
        );
    }
    let verify = onboarder.verify(&slug).await?;
    println!(
        "verify: {}",
        if verify.ok {
            "all checks passed"
        } else {
            "some checks failed"
        }
    );
    Ok(())
}
