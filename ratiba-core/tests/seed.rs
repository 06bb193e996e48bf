//! `Onboarder::seed` on the fakes and the embedded default.

use ratiba_core::onboard::SeedData;
use ratiba_core::{testing, ErrorKind, Onboarder, Slug};

const SEED: &str = include_str!("../../examples/seed.json");

async fn check(o: Onboarder) {
    let slug = Slug::parse("spa_seed").expect("slug");
    o.onboard(testing::spec("spa_seed")).await.expect("onboard");
    let data: SeedData = serde_json::from_str(SEED).expect("seed file");
    let first = o.seed(&slug, &data).await.expect("seed");
    assert_eq!(first.services.created, 3);
    assert_eq!((first.staff_created, first.knowledge.created), (2, 2));
    let again = o.seed(&slug, &data).await.expect("seed twice");
    assert_eq!((again.services.created, again.services.unchanged), (0, 3));
    assert_eq!(
        (again.staff_created, again.staff_updated),
        (0, 2),
        "staff matched by name"
    );
    assert_eq!((again.knowledge.created, again.knowledge.updated), (0, 2));
    assert_eq!(o.list_staff(&slug).await.expect("staff").len(), 2);
    let report = o.verify(&slug).await.expect("verify");
    assert!(
        report.warnings().next().is_none(),
        "staff with schedules: no warning"
    );

    // One bad part: nothing of the document is written.
    let mut bad = data.clone();
    bad.services[0].price_kes = 20;
    bad.staff[1].schedule[0].end = "07:00".into();
    bad.knowledge[0].locale = Some("en_KE".into());
    bad.services.push(ratiba_core::catalog::ServiceRow {
        name: "Brand new".into(),
        price_kes: 900,
        duration_minutes: None,
        category: None,
    });
    let err = o.seed(&slug, &bad).await.expect_err("invalid");
    assert!(matches!(err.kind(), ErrorKind::Validation { .. }));
    let fields: Vec<&str> = err
        .field_errors()
        .iter()
        .map(|e| e.field.as_str())
        .collect();
    assert!(fields.contains(&"services[0].price_kes"), "{fields:?}");
    assert!(
        fields.iter().any(|f| f.starts_with("staff[1].schedule[0]")),
        "{fields:?}"
    );
    assert!(fields.contains(&"knowledge[0].locale"), "{fields:?}");
    let services = o.schema().list_services(&slug).await.expect("services");
    assert!(
        !services.iter().any(|s| s.name == "Brand new"),
        "nothing was half-written"
    );
    let missing = o
        .seed(&Slug::parse("nobody").expect("slug"), &data)
        .await
        .expect_err("no tenant");
    assert_eq!(missing.kind(), &ErrorKind::NotFound);
}

#[tokio::test]
async fn seed_on_the_fakes() {
    check(Onboarder::in_memory()).await;
}

#[tokio::test]
async fn seed_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    check(Onboarder::embedded(dir.path()).await.expect("embedded")).await;
}
