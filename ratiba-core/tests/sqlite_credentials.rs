//! WhatsApp access tokens in the embedded store: sealed with a keyring bound to the
//! tenant id and column (as on PostgreSQL), legacy `Sealer` values still readable,
//! and never on disk in the clear.

use std::path::Path;

use ratiba_core::backends::sqlite::SqliteStore;
use ratiba_core::tenant::WhatsAppCredentials;
use ratiba_core::{testing, ErrorKind, Keyring, SchemaProvisioner, Sealer, Secret, Slug};
use sqlx::{Connection, SqliteConnection};

const TOKEN_A: &str = "EAAGsqliteSecretA";
const TOKEN_B: &str = "EAAGsqliteSecretB";
const TOKEN_LEGACY: &str = "EAAGsqliteLegacy";

fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("slug")
}

async fn onboard(store: &SqliteStore, s: &str, token: Option<&str>) {
    let mut request = testing::seed_request(s);
    if let Some(token) = token {
        request["whatsapp_access_token"] = token.into();
    }
    let spec = ratiba_core::TenantSpec::parse(&request).expect("spec");
    store
        .prepare(&ratiba_core::tenant::NewTenant::new(spec))
        .await
        .expect("prepare")
        .commit()
        .await
        .expect("commit");
}

async fn set_token(store: &SqliteStore, s: &str, token: &str) {
    let creds = WhatsAppCredentials::parse(&serde_json::json!({
        "whatsapp_phone_number_id": "1234567890", "whatsapp_access_token": token
    }))
    .expect("valid");
    store.set_whatsapp(&slug(s), &creds).await.expect("set");
}

async fn read(store: &SqliteStore, s: &str) -> Option<String> {
    store
        .whatsapp_access_token(&slug(s))
        .await
        .expect("open")
        .map(|t| t.expose().to_string())
}

async fn registry(dir: &Path) -> SqliteConnection {
    let url = format!("sqlite://{}", dir.join("registry.db").display());
    SqliteConnection::connect(&url).await.expect("registry")
}

/// Every byte under `dir` (the databases, their WAL files, the tenant stores).
fn all_bytes(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            all_bytes(&path, out);
        } else {
            out.push((
                path.display().to_string(),
                std::fs::read(&path).expect("read"),
            ));
        }
    }
}

fn assert_not_on_disk(dir: &Path, tokens: &[&str]) {
    let mut files = Vec::new();
    all_bytes(dir, &mut files);
    assert!(files.iter().any(|(name, _)| name.ends_with("registry.db")));
    // The scan sees what was written: the phone number id is stored in the clear.
    assert!(
        files
            .iter()
            .any(|(_, bytes)| bytes.windows(10).any(|w| w == b"1234567890")),
        "the scan finds the plain phone number id"
    );
    for (name, bytes) in &files {
        for token in tokens {
            assert!(
                !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
                "{token} in the clear in {name}"
            );
        }
    }
}

#[tokio::test]
async fn tokens_are_sealed_bound_to_the_tenant_and_read_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open(dir.path()).await.expect("open");
    onboard(&store, "tok_a", Some(TOKEN_A)).await;
    onboard(&store, "tok_b", None).await;
    assert_eq!(read(&store, "tok_a").await.as_deref(), Some(TOKEN_A));
    assert_eq!(read(&store, "tok_b").await, None, "none stored");
    set_token(&store, "tok_b", TOKEN_B).await;
    assert_eq!(read(&store, "tok_b").await.as_deref(), Some(TOKEN_B));
    let missing = store
        .whatsapp_access_token(&slug("tok_nobody"))
        .await
        .expect_err("unknown tenant");
    assert_eq!(missing.kind(), &ErrorKind::NotFound);

    // Keyring bytes, as a BLOB: version 1, key 1.
    let mut conn = registry(dir.path()).await;
    let (kind, raw): (String, Vec<u8>) = sqlx::query_as(
        "SELECT typeof(whatsapp_access_token), whatsapp_access_token FROM tenants WHERE slug = 'tok_a'",
    )
    .fetch_one(&mut conn)
    .await
    .expect("raw");
    assert_eq!(kind, "blob");
    assert_eq!((raw[0], raw[1]), (1, 1), "version byte, key id");

    // A ciphertext copied into another tenant's row does not open there.
    sqlx::query(
        "UPDATE tenants SET whatsapp_access_token =
           (SELECT whatsapp_access_token FROM tenants WHERE slug = 'tok_a')
         WHERE slug = 'tok_b'",
    )
    .execute(&mut conn)
    .await
    .expect("copy");
    let err = store
        .whatsapp_access_token(&slug("tok_b"))
        .await
        .expect_err("bound to tenant a");
    assert!(!err.to_string().contains("EAAG"), "{err}");
    assert_eq!(read(&store, "tok_a").await.as_deref(), Some(TOKEN_A));
    // set_whatsapp seals for the row's own tenant again.
    set_token(&store, "tok_b", TOKEN_B).await;
    assert_eq!(read(&store, "tok_b").await.as_deref(), Some(TOKEN_B));

    conn.close().await.expect("close");
    drop(store);
    assert_not_on_disk(dir.path(), &[TOKEN_A, TOKEN_B]);
}

#[tokio::test]
async fn legacy_sealer_values_still_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open(dir.path()).await.expect("open");
    onboard(&store, "legacy", None).await;
    // Written as before this store sealed with a keyring: `v1:` text from the key file's key.
    let key = std::fs::read_to_string(dir.path().join("secret.key")).expect("key file");
    let sealer = Sealer::from_base64(&key).expect("key");
    let legacy = sealer.seal(&Secret::new(TOKEN_LEGACY)).expect("seal");
    assert!(legacy.starts_with("v1:"));
    let mut conn = registry(dir.path()).await;
    sqlx::query("UPDATE tenants SET whatsapp_access_token = ? WHERE slug = 'legacy'")
        .bind(&legacy)
        .execute(&mut conn)
        .await
        .expect("write legacy");
    assert_eq!(read(&store, "legacy").await.as_deref(), Some(TOKEN_LEGACY));

    // The same key through the other constructors opens it too, also after rotation.
    let with_sealer = SqliteStore::open_with_sealer(dir.path(), sealer.clone())
        .await
        .expect("open with sealer");
    assert_eq!(
        read(&with_sealer, "legacy").await.as_deref(),
        Some(TOKEN_LEGACY)
    );
    let new_key = Sealer::generate_key();
    let rotated = SqliteStore::open_with_keyring(
        dir.path(),
        Keyring::parse(&format!("2:{new_key},1:{}", key.trim())).expect("keys"),
    )
    .await
    .expect("open rotated");
    assert_eq!(
        read(&rotated, "legacy").await.as_deref(),
        Some(TOKEN_LEGACY)
    );
    // Re-setting it seals with the active key, as a BLOB.
    set_token(&rotated, "legacy", TOKEN_LEGACY).await;
    let (kind, raw): (String, Vec<u8>) = sqlx::query_as(
        "SELECT typeof(whatsapp_access_token), whatsapp_access_token FROM tenants WHERE slug = 'legacy'",
    )
    .fetch_one(&mut conn)
    .await
    .expect("raw");
    assert_eq!((kind.as_str(), raw[1]), ("blob", 2));
    assert_eq!(
        read(&rotated, "legacy").await.as_deref(),
        Some(TOKEN_LEGACY)
    );
    let err = store
        .whatsapp_access_token(&slug("legacy"))
        .await
        .expect_err("key 2 unknown to the key file's ring");
    assert!(!err.to_string().contains("EAAG"), "{err}");

    // A legacy value under another key is an error, not the token.
    let other = Sealer::from_base64(&Sealer::generate_key()).expect("key");
    sqlx::query("UPDATE tenants SET whatsapp_access_token = ? WHERE slug = 'legacy'")
        .bind(other.seal(&Secret::new(TOKEN_LEGACY)).expect("seal"))
        .execute(&mut conn)
        .await
        .expect("write legacy");
    let err = store
        .whatsapp_access_token(&slug("legacy"))
        .await
        .expect_err("another key");
    assert!(!err.to_string().contains("EAAG"), "{err}");
    conn.close().await.expect("close");
}

#[tokio::test]
async fn the_key_file_and_a_single_key_seal_alike() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open(dir.path()).await.expect("open");
    onboard(&store, "same_key", Some(TOKEN_A)).await;
    drop(store);
    // RATIBA_ENCRYPTION_KEY holding the key file's key, in the single-key form.
    let key = std::fs::read_to_string(dir.path().join("secret.key")).expect("key file");
    let env = SqliteStore::open_with_keyring(dir.path(), Keyring::parse(&key).expect("key"))
        .await
        .expect("open");
    assert_eq!(read(&env, "same_key").await.as_deref(), Some(TOKEN_A));
    let reopened = SqliteStore::open(dir.path()).await.expect("reopen");
    assert_eq!(read(&reopened, "same_key").await.as_deref(), Some(TOKEN_A));
    // Another key does not open it.
    let other = SqliteStore::open_with_keyring(
        dir.path(),
        Keyring::parse(&Sealer::generate_key()).expect("key"),
    )
    .await
    .expect("open");
    let err = other
        .whatsapp_access_token(&slug("same_key"))
        .await
        .expect_err("another key");
    assert!(!err.to_string().contains("EAAG"), "{err}");
}
