//! The embedded store when a tenant's store file vanishes under a request (a
//! delete running at the same time): not found, never a backend failure.

use ratiba_core::{testing, ErrorKind, Onboarder, Slug};

#[tokio::test]
async fn a_store_deleted_meanwhile_is_not_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let onboarder = Onboarder::embedded(dir.path()).await.expect("embedded");
    onboarder
        .onboard(testing::spec("spa_gone"))
        .await
        .expect("onboard");
    let slug = Slug::parse("spa_gone").expect("slug");
    // The registry row stays; only the store file goes, as mid-delete.
    std::fs::remove_file(dir.path().join("tenants/spa_gone.db")).expect("remove store");

    let err = onboarder
        .schema()
        .list_services(&slug)
        .await
        .expect_err("no store");
    assert_eq!(err.kind(), &ErrorKind::NotFound, "{err}");
    let err = onboarder.list_staff(&slug).await.expect_err("no store");
    assert_eq!(err.kind(), &ErrorKind::NotFound, "{err}");
    let report = onboarder.verify(&slug).await.expect("verify still answers");
    assert!(!report.ok);
    assert!(report.failed().any(|c| c.name == "tenant_store"));
}
