//! Every backend of every port passes the same suite.

use ratiba_core::backends::memory::{MemoryJournal, MemoryRealms, MemorySchema, StaticExtractor};
use ratiba_core::backends::realm_files::RealmFiles;
use ratiba_core::backends::sqlite::SqliteStore;
use ratiba_core::backends::text::TextExtractor;
use ratiba_core::testing;

#[tokio::test]
async fn memory_schema() {
    testing::schema::run_all(&MemorySchema::new()).await;
}

#[tokio::test]
async fn sqlite_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open(dir.path()).await.expect("open");
    testing::schema::run_all(&store).await;
}

#[tokio::test]
async fn memory_realms() {
    testing::realm::run_all(&MemoryRealms::new()).await;
}

#[tokio::test]
async fn realm_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    testing::realm::run_all(&RealmFiles::open(dir.path()).expect("open")).await;
}

#[tokio::test]
async fn memory_journal() {
    testing::journal::run_all(&MemoryJournal::new()).await;
}

#[tokio::test]
async fn sqlite_journal() {
    let dir = tempfile::tempdir().expect("tempdir");
    testing::journal::run_all(&SqliteStore::open(dir.path()).await.expect("open")).await;
}

#[tokio::test]
async fn text_extractor() {
    testing::catalog::run_all(&TextExtractor::new(), true).await;
}

#[tokio::test]
async fn static_extractor() {
    testing::catalog::run_all(&StaticExtractor::default(), false).await;
}

#[tokio::test]
async fn sqlite_store_survives_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open(dir.path()).await.expect("open");
    let pending = ratiba_core::SchemaProvisioner::prepare(&store, &testing::new_tenant("reopen"))
        .await
        .expect("prepare");
    let tenant = pending.commit().await.expect("commit");
    drop(store);
    let again = SqliteStore::open(dir.path())
        .await
        .expect("reopen: migrations are idempotent");
    let slug = ratiba_core::Slug::parse("reopen").expect("slug");
    assert_eq!(
        ratiba_core::SchemaProvisioner::get(&again, &slug)
            .await
            .expect("get"),
        tenant
    );
}

#[tokio::test]
async fn memory_idempotency() {
    testing::idempotency::run_all(&ratiba_core::backends::memory::MemoryIdempotency::new()).await;
}

#[tokio::test]
async fn sqlite_idempotency() {
    let dir = tempfile::tempdir().expect("tempdir");
    testing::idempotency::run_all(&SqliteStore::open(dir.path()).await.expect("open")).await;
}
