//! `ratiba` for Node: the napi-rs addon under `index.js`. Conversions and error
//! codes only; every decision is `ratiba-core`'s. Async methods return Promises run
//! on napi-rs's tokio runtime. Results are the core's JSON shapes (the HTTP API's).
//!
//! Errors cross as one JSON payload in the error's message (`RATIBA_ERROR:` + JSON:
//! code, kind, message, fields, retry_after, saga, causes); `index.js` turns it into
//! a `RatibaError` with `code`, `fields`, `retryAfter`, ... (after lancedb's
//! `NapiErrorExt`: one extension trait maps every core error).

#![deny(clippy::all)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use ratiba_core::backends::memory::{FaultKind, FaultPoint};
use ratiba_core::catalog::CatalogCommit;
use ratiba_core::{Error as CoreError, ErrorKind, MenuInput, OnboarderSettings, Ports, Slug};
use serde_json::{json, Value};

/// The prefix `index.js` recognises.
const PREFIX: &str = "RATIBA_ERROR:";

/// The `code` of each kind (the README's table).
fn code_of(kind: &ErrorKind) -> (&'static str, &'static str) {
    match kind {
        ErrorKind::Validation { .. } => ("VALIDATION", "validation"),
        ErrorKind::Conflict => ("CONFLICT", "conflict"),
        ErrorKind::NotFound => ("NOT_FOUND", "not_found"),
        ErrorKind::Unavailable { .. } => ("UNAVAILABLE", "unavailable"),
        ErrorKind::Backend => ("PROVISIONING", "backend"),
        ErrorKind::Provisioning => ("PROVISIONING", "provisioning"),
        // `ErrorKind` is non-exhaustive: a kind added later is still a RatibaError.
        _ => ("UNKNOWN", "unknown"),
    }
}

fn to_napi(err: &CoreError) -> napi::Error {
    let (code, kind) = code_of(err.kind());
    let retry_after = match err.kind() {
        ErrorKind::Unavailable {
            retry_after: Some(after),
        } => Some(after.as_secs_f64()),
        _ => None,
    };
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        causes.push(cause.to_string());
        source = cause.source();
    }
    let payload = json!({
        "code": code,
        "kind": kind,
        "message": err.to_string(),
        "summary": err.message(),
        "fields": err.field_errors(),
        "retry_after": retry_after,
        "saga": err.saga(),
        "causes": causes,
    });
    napi::Error::new(Status::GenericFailure, format!("{PREFIX}{payload}"))
}

trait NapiErrorExt<T> {
    fn js(self) -> napi::Result<T>;
}

impl<T> NapiErrorExt<T> for ratiba_core::Result<T> {
    fn js(self) -> napi::Result<T> {
        self.map_err(|e| to_napi(&e))
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> napi::Result<Value> {
    serde_json::to_value(value).map_err(|e| napi::Error::from_reason(e.to_string()))
}

fn invalid(message: String) -> napi::Error {
    napi::Error::new(Status::InvalidArg, message)
}

/// A shared, changeable fault plan for harnesses (points as `FaultPoint::as_str`).
#[napi]
pub struct Faults {
    inner: ratiba_core::backends::memory::Faults,
}

fn point(raw: &str) -> napi::Result<FaultPoint> {
    FaultPoint::parse(raw).ok_or_else(|| {
        let all: Vec<&str> = FaultPoint::ALL.iter().map(|p| p.as_str()).collect();
        invalid(format!(
            "unknown fault point '{raw}'; expected one of: {}",
            all.join(", ")
        ))
    })
}

#[napi]
impl Faults {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self {
            inner: Default::default(),
        }
    }

    /// Where faults can be injected.
    #[napi]
    pub fn points() -> Vec<String> {
        FaultPoint::ALL
            .iter()
            .map(|p| p.as_str().to_string())
            .collect()
    }

    /// `kind`: `fail`, `fail_after` or `unavailable`; `times`: only the next n calls.
    #[napi]
    pub fn set(&self, point: String, kind: String, times: Option<u32>) -> napi::Result<()> {
        let kind = match kind.as_str() {
            "fail" => FaultKind::Fail,
            "fail_after" | "failAfter" => FaultKind::FailAfter,
            "unavailable" => FaultKind::Unavailable,
            other => {
                return Err(invalid(format!(
                    "unknown fault kind '{other}'; expected fail, fail_after or unavailable"
                )))
            }
        };
        self.inner.set(self::point(&point)?, kind, times);
        Ok(())
    }

    #[napi]
    pub fn delay(&self, point: String, ms: u32) -> napi::Result<()> {
        self.inner
            .delay(self::point(&point)?, Duration::from_millis(u64::from(ms)));
        Ok(())
    }

    #[napi]
    pub fn clear(&self) {
        self.inner.clear()
    }
}

#[napi(object)]
pub struct Settings {
    pub floor_kes: Option<u32>,
    /// Seconds reconcile leaves young onboardings alone.
    pub reconcile_grace: Option<f64>,
}

fn settings(s: Option<Settings>) -> napi::Result<OnboarderSettings> {
    let mut out = OnboarderSettings::default();
    if let Some(s) = s {
        if let Some(floor) = s.floor_kes {
            out.floor_kes = floor;
        }
        if let Some(grace) = s.reconcile_grace {
            out.reconcile_grace = Duration::try_from_secs_f64(grace)
                .map_err(|e| invalid(format!("reconcileGrace of {grace} s: {e}")))?;
        }
    }
    Ok(out)
}

#[napi(object)]
pub struct KeycloakOptions {
    pub url: String,
    pub admin_user: Option<String>,
    pub password: Option<String>,
    pub admin_realm: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

#[napi(object)]
pub struct PostgresOptions {
    pub keycloak: Option<KeycloakOptions>,
    pub encryption_key: Option<String>,
    pub realms_dir: Option<String>,
    pub database: Option<String>,
}

fn with_faults(ports: Ports, faults: Option<&Faults>) -> Ports {
    match faults {
        Some(f) => ports.with_faults(&f.inner),
        None => ports,
    }
}

fn slug(raw: &str) -> napi::Result<Slug> {
    Slug::parse(raw).js()
}

fn menu(text: Option<String>, image: Option<Vec<u8>>) -> ratiba_core::Result<MenuInput> {
    let mut menu = match image {
        Some(bytes) => MenuInput::from_bytes("image", bytes)?,
        None => MenuInput::default(),
    };
    if let Some(text) = text {
        if menu.text.is_some() {
            return Err(CoreError::field(
                "image",
                "is text, not an image; give the menu's text once, as `text`",
            ));
        }
        menu.text = Some(text);
    }
    Ok(menu)
}

/// The core's Onboarder.
#[napi]
pub struct NativeOnboarder {
    inner: ratiba_core::Onboarder,
}

/// In-memory fakes, optionally under a fault plan.
#[napi]
pub fn in_memory(
    faults: Option<&Faults>,
    settings: Option<Settings>,
) -> napi::Result<NativeOnboarder> {
    Ok(NativeOnboarder {
        inner: ratiba_core::Onboarder::new(
            with_faults(Ports::in_memory(), faults),
            self::settings(settings)?,
        ),
    })
}

/// The embedded default (SQLite and realm files) under `data_dir`.
#[napi]
pub async fn embedded(
    data_dir: String,
    faults: Option<&Faults>,
    settings: Option<Settings>,
) -> napi::Result<NativeOnboarder> {
    let settings = self::settings(settings)?;
    let faults = faults.map(|f| f.inner.clone());
    let ports = Ports::embedded(&PathBuf::from(data_dir)).await.js()?;
    let ports = match faults {
        Some(f) => ports.with_faults(&f),
        None => ports,
    };
    Ok(NativeOnboarder {
        inner: ratiba_core::Onboarder::new(ports, settings),
    })
}

/// PostgreSQL with Keycloak realms, or realm files under `realms_dir`.
#[napi]
#[allow(unused_variables)]
pub async fn postgres(
    database_url: String,
    options: Option<PostgresOptions>,
    faults: Option<&Faults>,
    settings: Option<Settings>,
) -> napi::Result<NativeOnboarder> {
    #[cfg(not(feature = "postgres"))]
    {
        Err(napi::Error::new(
            Status::GenericFailure,
            "this build of ratiba has no PostgreSQL backend: build it with `npm run build` \
             (features postgres, keycloak)",
        ))
    }
    #[cfg(feature = "postgres")]
    {
        use ratiba_core::backends::postgres::{PgConfig, PgStore};
        use ratiba_core::backends::realm_files::RealmFiles;
        use ratiba_core::backends::text::TextExtractor;
        use ratiba_core::{Keyring, RealmProvisioner};

        let settings = self::settings(settings)?;
        let faults = faults.map(|f| f.inner.clone());
        let options = options.unwrap_or(PostgresOptions {
            keycloak: None,
            encryption_key: None,
            realms_dir: None,
            database: None,
        });
        let mut config = PgConfig::new(database_url);
        if let Some(db) = options.database {
            config = config.with_database(db);
        }
        if let Some(key) = options.encryption_key.as_deref().filter(|k| !k.is_empty()) {
            config = config.with_keyring(Keyring::parse(key).js()?);
        }
        let realms: Arc<dyn RealmProvisioner> =
            match (options.keycloak, options.realms_dir) {
                #[cfg(feature = "keycloak")]
                (Some(kc), _) => {
                    use ratiba_core::backends::keycloak::{
                        KeycloakAuth, KeycloakConfig, KeycloakRealms,
                    };
                    use ratiba_core::Secret;
                    let password = kc
                        .password
                        .unwrap_or_else(|| KeycloakConfig::DEV_PASSWORD.to_string());
                    let user = kc
                        .admin_user
                        .unwrap_or_else(|| KeycloakConfig::DEFAULT_ADMIN_USER.to_string());
                    let mut config = KeycloakConfig::new(kc.url, user, Secret::new(password));
                    if let Some(realm) = kc.admin_realm {
                        config.admin_realm = realm;
                    }
                    match (kc.client_id, kc.client_secret) {
                        (Some(client_id), Some(secret)) => {
                            config.auth = KeycloakAuth::ClientCredentials {
                                client_id,
                                client_secret: Secret::new(secret),
                            }
                        }
                        (None, None) => {}
                        _ => {
                            return Err(invalid(
                                "give both clientId and clientSecret, or neither".into(),
                            ))
                        }
                    }
                    Arc::new(KeycloakRealms::new(config).js()?)
                }
                #[cfg(not(feature = "keycloak"))]
                (Some(_), _) => return Err(napi::Error::new(
                    Status::GenericFailure,
                    "this build of ratiba has no Keycloak backend; pass realmsDir for realm files",
                )),
                (None, Some(dir)) => Arc::new(RealmFiles::open(&PathBuf::from(dir)).js()?),
                (None, None) => {
                    return Err(invalid(
                        "give keycloak: {url, ...} or realmsDir (realm files)".into(),
                    ))
                }
            };
        let store = Arc::new(PgStore::connect(&config).await.js()?);
        let ports = Ports {
            schema: store.clone(),
            realms,
            extractor: Arc::new(TextExtractor::new()),
            journal: store,
        };
        let ports = match faults {
            Some(f) => ports.with_faults(&f),
            None => ports,
        };
        Ok(NativeOnboarder {
            inner: ratiba_core::Onboarder::new(ports, settings),
        })
    }
}

/// Optional backends of this build.
#[napi]
pub fn features() -> Vec<String> {
    let mut out = Vec::new();
    if cfg!(feature = "postgres") {
        out.push("postgres".to_string());
    }
    if cfg!(feature = "keycloak") {
        out.push("keycloak".to_string());
    }
    out
}

#[napi]
impl NativeOnboarder {
    #[napi(getter)]
    pub fn backend(&self) -> String {
        self.inner.schema().backend_name().to_string()
    }

    #[napi]
    pub async fn onboard(&self, spec: Value) -> napi::Result<Value> {
        let spec = ratiba_core::TenantSpec::parse(&spec).js()?;
        to_json(&self.inner.onboard(spec).await.js()?)
    }

    /// Validates a request without onboarding it (every field problem at once).
    #[napi]
    pub fn validate(&self, spec: Value) -> napi::Result<()> {
        ratiba_core::TenantSpec::parse(&spec).js().map(|_| ())
    }

    #[napi]
    pub async fn get(&self, slug: String) -> napi::Result<Value> {
        let slug = self::slug(&slug)?;
        to_json(&self.inner.get(&slug).await.js()?)
    }

    #[napi]
    pub async fn list(&self) -> napi::Result<Value> {
        to_json(&self.inner.list().await.js()?)
    }

    #[napi]
    pub async fn verify(&self, slug: String) -> napi::Result<Value> {
        let slug = self::slug(&slug)?;
        to_json(&self.inner.verify(&slug).await.js()?)
    }

    /// A fresh one-time password for the owner's dashboard sign-in through the
    /// tenant's realm: `{realm, username, temporary_password}`.
    #[napi]
    pub async fn reset_owner_password(&self, slug: String) -> napi::Result<Value> {
        let slug = self::slug(&slug)?;
        let sign_in = self.inner.reset_owner_password(&slug).await.js()?;
        Ok(json!({
            "realm": sign_in.realm,
            "username": sign_in.username,
            "temporary_password": sign_in.temporary_password.expose(),
        }))
    }

    #[napi]
    pub async fn delete(&self, slug: String) -> napi::Result<()> {
        let slug = self::slug(&slug)?;
        self.inner.delete(&slug).await.js()
    }

    #[napi]
    pub async fn reconcile(&self, fix: Option<bool>) -> napi::Result<Value> {
        let report = self.inner.reconcile(fix.unwrap_or(false)).await.js()?;
        let mut value = to_json(&report)?;
        if let Some(obj) = value.as_object_mut() {
            obj.insert("clean".into(), report.is_clean().into());
            obj.insert("failures".into(), report.failures().into());
        }
        Ok(value)
    }

    #[napi]
    pub async fn extract_catalog(
        &self,
        text: Option<String>,
        image: Option<Buffer>,
    ) -> napi::Result<Value> {
        let menu = menu(text, image.map(|b| b.to_vec())).js()?;
        to_json(&self.inner.extract_catalog(&menu).await.js()?)
    }

    #[napi]
    pub async fn import_catalog(
        &self,
        slug: String,
        text: Option<String>,
        image: Option<Buffer>,
        commit: Option<bool>,
    ) -> napi::Result<Value> {
        let slug = self::slug(&slug)?;
        let menu = menu(text, image.map(|b| b.to_vec())).js()?;
        to_json(
            &self
                .inner
                .import_catalog(&slug, &menu, commit.unwrap_or(false))
                .await
                .js()?,
        )
    }

    #[napi]
    pub async fn commit_catalog(&self, slug: String, commit: Value) -> napi::Result<Value> {
        let slug = self::slug(&slug)?;
        let commit: CatalogCommit = serde_json::from_value(commit)
            .map_err(|e| to_napi(&CoreError::field("commit", e.to_string())))?;
        to_json(&self.inner.commit_catalog(&slug, &commit).await.js()?)
    }

    #[napi]
    pub async fn list_services(&self, slug: String) -> napi::Result<Value> {
        let slug = self::slug(&slug)?;
        to_json(&self.inner.schema().list_services(&slug).await.js()?)
    }

    /// `staff`: `{name, phone?, services: [...], schedule: [{weekday, start, end}]}`.
    #[napi]
    pub async fn add_staff(&self, slug: String, staff: Value) -> napi::Result<Value> {
        let slug = self::slug(&slug)?;
        let spec = staff_spec(staff)?;
        to_json(&self.inner.add_staff(&slug, &spec).await.js()?)
    }

    #[napi]
    pub async fn list_staff(&self, slug: String) -> napi::Result<Value> {
        let slug = self::slug(&slug)?;
        to_json(&self.inner.list_staff(&slug).await.js()?)
    }

    #[napi]
    pub async fn update_staff(
        &self,
        slug: String,
        id: String,
        staff: Value,
    ) -> napi::Result<Value> {
        let slug = self::slug(&slug)?;
        let spec = staff_spec(staff)?;
        to_json(&self.inner.update_staff(&slug, &id, &spec).await.js()?)
    }

    #[napi]
    pub async fn remove_staff(&self, slug: String, id: String) -> napi::Result<()> {
        let slug = self::slug(&slug)?;
        self.inner.remove_staff(&slug, &id).await.js()
    }
}

/// The core's staff request from JSON; unreadable fields are a VALIDATION error.
fn staff_spec(staff: Value) -> napi::Result<ratiba_core::staff::StaffSpec> {
    let request: ratiba_core::staff::StaffRequest = serde_json::from_value(staff)
        .map_err(|e| to_napi(&CoreError::field("staff", e.to_string())))?;
    request.into_spec().js()
}
