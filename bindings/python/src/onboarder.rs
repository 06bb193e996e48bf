//! `NativeOnboarder`: the core's Onboarder. Each operation takes `aio`: false runs it
//! to the end with the GIL released, true returns an asyncio awaitable. The Python
//! layer (`ratiba/__init__.py`) turns the returned dicts into dataclasses.

use std::path::PathBuf;
use std::time::Duration;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use ratiba_core::catalog::CatalogCommit;
use ratiba_core::{Error, MenuInput, Onboarder, OnboarderSettings, Ports, Slug};

use crate::error::PyErrorExt;
use crate::faults::Faults;
use crate::spec::{json_of, spec_of};
use crate::{block_on, call};

/// How to reach Keycloak's Admin REST API. Password login (`admin_user` with
/// `password`, on `admin_realm`), or a service account (`client_id` + `client_secret`).
#[pyclass(module = "ratiba", frozen)]
#[derive(Clone)]
#[cfg_attr(not(feature = "keycloak"), allow(dead_code))]
pub struct KeycloakConfig {
    #[pyo3(get)]
    url: String,
    #[pyo3(get)]
    admin_user: String,
    #[pyo3(get)]
    admin_realm: String,
    password: Option<String>,
    #[pyo3(get)]
    client_id: Option<String>,
    client_secret: Option<String>,
    request_timeout: Option<f64>,
    create_timeout: Option<f64>,
}

#[pymethods]
impl KeycloakConfig {
    #[new]
    #[pyo3(signature = (url, admin_user = "admin".to_string(), password = None, admin_realm = "master".to_string(), client_id = None, client_secret = None, request_timeout = None, create_timeout = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        url: String,
        admin_user: String,
        password: Option<String>,
        admin_realm: String,
        client_id: Option<String>,
        client_secret: Option<String>,
        request_timeout: Option<f64>,
        create_timeout: Option<f64>,
    ) -> PyResult<Self> {
        if client_id.is_some() != client_secret.is_some() {
            return Err(PyValueError::new_err(
                "give both client_id and client_secret, or neither",
            ));
        }
        Ok(Self {
            url,
            admin_user,
            admin_realm,
            password,
            client_id,
            client_secret,
            request_timeout,
            create_timeout,
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "KeycloakConfig(url={:?}, admin_realm={:?}, auth={})",
            self.url,
            self.admin_realm,
            if self.client_id.is_some() {
                "client_credentials"
            } else {
                "password"
            }
        )
    }
}

#[cfg(feature = "keycloak")]
fn secs(field: &str, value: Option<f64>) -> PyResult<Option<Duration>> {
    value
        .map(|s| {
            Duration::try_from_secs_f64(s)
                .map_err(|e| PyValueError::new_err(format!("{field} of {s} s: {e}")))
        })
        .transpose()
}

#[cfg(feature = "keycloak")]
impl KeycloakConfig {
    fn core(&self) -> PyResult<ratiba_core::backends::keycloak::KeycloakConfig> {
        use ratiba_core::backends::keycloak::{KeycloakAuth, KeycloakConfig as Core};
        use ratiba_core::Secret;
        let password = self
            .password
            .clone()
            .unwrap_or_else(|| Core::DEV_PASSWORD.to_string());
        let mut config = Core::new(&self.url, &self.admin_user, Secret::new(password));
        config.admin_realm = self.admin_realm.clone();
        if let (Some(client_id), Some(secret)) = (&self.client_id, &self.client_secret) {
            config.auth = KeycloakAuth::ClientCredentials {
                client_id: client_id.clone(),
                client_secret: Secret::new(secret.clone()),
            };
        }
        if let Some(t) = secs("request_timeout", self.request_timeout)? {
            config.request_timeout = t;
        }
        if let Some(t) = secs("create_timeout", self.create_timeout)? {
            config.create_timeout = t;
        }
        Ok(config)
    }
}

/// The Onboarder settings a caller may change; the rest keep the core's defaults.
fn settings(floor_kes: Option<u32>, reconcile_grace: Option<f64>) -> PyResult<OnboarderSettings> {
    let mut settings = OnboarderSettings::default();
    if let Some(floor) = floor_kes {
        settings.floor_kes = floor;
    }
    if let Some(grace) = reconcile_grace {
        settings.reconcile_grace = Duration::try_from_secs_f64(grace)
            .map_err(|e| PyValueError::new_err(format!("reconcile_grace of {grace} s: {e}")))?;
    }
    Ok(settings)
}

fn with_faults(ports: Ports, faults: Option<&Bound<'_, Faults>>) -> Ports {
    match faults {
        Some(f) => ports.with_faults(&f.get().inner),
        None => ports,
    }
}

/// The menu of `extract_catalog`/`import_catalog`: `text`, and/or `image` bytes
/// (read as an image when their magic bytes say so, else as UTF-8 text).
fn menu(text: Option<String>, image: Option<Vec<u8>>) -> ratiba_core::Result<MenuInput> {
    let mut menu = match image {
        Some(bytes) => MenuInput::from_bytes("image", bytes)?,
        None => MenuInput::default(),
    };
    if let Some(text) = text {
        if menu.text.is_some() {
            return Err(Error::field(
                "image",
                "is text, not an image; give the menu's text once, as `text`",
            ));
        }
        menu.text = Some(text);
    }
    Ok(menu)
}

fn slug(raw: &str) -> PyResult<Slug> {
    Slug::parse(raw).py_err()
}

/// A reconcile report with the core's verdicts on it.
#[derive(serde::Serialize)]
struct Reconciled {
    #[serde(flatten)]
    report: ratiba_core::ReconcileReport,
    clean: bool,
    failures: usize,
}

/// `reset_owner_password`: the core's `OwnerSignIn` with its password exposed, for
/// the one field the Python layer keeps it in (never in a repr).
#[derive(serde::Serialize)]
struct OwnerSignIn {
    realm: String,
    username: String,
    temporary_password: String,
}

#[pyclass(module = "ratiba._native", frozen)]
pub struct NativeOnboarder {
    inner: Onboarder,
}

#[pymethods]
impl NativeOnboarder {
    /// In-memory fakes, optionally under a fault plan.
    #[staticmethod]
    #[pyo3(signature = (faults = None, floor_kes = None, reconcile_grace = None))]
    fn in_memory(
        faults: Option<&Bound<'_, Faults>>,
        floor_kes: Option<u32>,
        reconcile_grace: Option<f64>,
    ) -> PyResult<Self> {
        let ports = with_faults(Ports::in_memory(), faults);
        Ok(Self {
            inner: Onboarder::new(ports, settings(floor_kes, reconcile_grace)?),
        })
    }

    /// The embedded default (SQLite files and realm files) under `data_dir`.
    #[staticmethod]
    #[pyo3(signature = (data_dir, faults = None, floor_kes = None, reconcile_grace = None))]
    fn embedded(
        py: Python<'_>,
        data_dir: PathBuf,
        faults: Option<&Bound<'_, Faults>>,
        floor_kes: Option<u32>,
        reconcile_grace: Option<f64>,
    ) -> PyResult<Self> {
        let ports = block_on(py, async move { Ports::embedded(&data_dir).await })?;
        Ok(Self {
            inner: Onboarder::new(
                with_faults(ports, faults),
                settings(floor_kes, reconcile_grace)?,
            ),
        })
    }

    /// PostgreSQL (schema per tenant) with realms in Keycloak, or in realm files
    /// under `realms_dir` when no Keycloak is given.
    #[staticmethod]
    #[pyo3(signature = (database_url, keycloak = None, encryption_key = None, realms_dir = None, database = None, faults = None, floor_kes = None, reconcile_grace = None))]
    #[allow(clippy::too_many_arguments, unused_variables)]
    fn postgres(
        py: Python<'_>,
        database_url: String,
        keycloak: Option<&Bound<'_, KeycloakConfig>>,
        encryption_key: Option<String>,
        realms_dir: Option<PathBuf>,
        database: Option<String>,
        faults: Option<&Bound<'_, Faults>>,
        floor_kes: Option<u32>,
        reconcile_grace: Option<f64>,
    ) -> PyResult<Self> {
        #[cfg(not(feature = "postgres"))]
        {
            Err(pyo3::exceptions::PyNotImplementedError::new_err(
                "this build of ratiba has no PostgreSQL backend: rebuild it with the \
                 `postgres` feature (pip install ./bindings/python has it)",
            ))
        }
        #[cfg(feature = "postgres")]
        {
            use ratiba_core::backends::postgres::{PgConfig, PgStore};
            use ratiba_core::backends::realm_files::RealmFiles;
            use ratiba_core::backends::text::TextExtractor;
            use ratiba_core::{Keyring, RealmProvisioner};
            use std::sync::Arc;

            let mut config = PgConfig::new(database_url);
            if let Some(db) = database {
                config = config.with_database(db);
            }
            if let Some(key) = encryption_key.as_deref().filter(|k| !k.is_empty()) {
                config = config.with_keyring(Keyring::parse(key).py_err()?);
            }
            let realms: Arc<dyn RealmProvisioner> = match (keycloak, realms_dir) {
                #[cfg(feature = "keycloak")]
                (Some(kc), _) => Arc::new(
                    ratiba_core::backends::keycloak::KeycloakRealms::new(kc.get().core()?)
                        .py_err()?,
                ),
                #[cfg(not(feature = "keycloak"))]
                (Some(_), _) => {
                    return Err(pyo3::exceptions::PyNotImplementedError::new_err(
                        "this build of ratiba has no Keycloak backend: rebuild it with the \
                         `keycloak` feature, or pass realms_dir= for realm files",
                    ))
                }
                (None, Some(dir)) => Arc::new(RealmFiles::open(&dir).py_err()?),
                (None, None) => {
                    return Err(PyValueError::new_err(
                        "give keycloak=KeycloakConfig(...) or realms_dir= (realm files)",
                    ))
                }
            };
            let store = Arc::new(block_on(
                py,
                async move { PgStore::connect(&config).await },
            )?);
            let ports = Ports {
                schema: store.clone(),
                realms,
                extractor: Arc::new(TextExtractor::new()),
                journal: store,
            };
            Ok(Self {
                inner: Onboarder::new(
                    with_faults(ports, faults),
                    settings(floor_kes, reconcile_grace)?,
                ),
            })
        }
    }

    /// The name of the schema backend (`memory`, `sqlite`, `postgres`).
    #[getter]
    fn backend(&self) -> &'static str {
        self.inner.schema().backend_name()
    }

    #[pyo3(signature = (spec, aio = false))]
    fn onboard(&self, py: Python<'_>, spec: &Bound<'_, PyAny>, aio: bool) -> PyResult<Py<PyAny>> {
        let spec = spec_of(spec)?;
        let o = self.inner.clone();
        call(py, aio, async move { o.onboard(spec).await })
    }

    #[pyo3(signature = (slug, aio = false))]
    fn get(&self, py: Python<'_>, slug: &str, aio: bool) -> PyResult<Py<PyAny>> {
        let slug = self::slug(slug)?;
        let o = self.inner.clone();
        call(py, aio, async move { o.get(&slug).await })
    }

    #[pyo3(signature = (aio = false))]
    fn list(&self, py: Python<'_>, aio: bool) -> PyResult<Py<PyAny>> {
        let o = self.inner.clone();
        call(py, aio, async move { o.list().await })
    }

    #[pyo3(signature = (slug, aio = false))]
    fn verify(&self, py: Python<'_>, slug: &str, aio: bool) -> PyResult<Py<PyAny>> {
        let slug = self::slug(slug)?;
        let o = self.inner.clone();
        call(py, aio, async move { o.verify(&slug).await })
    }

    /// A fresh one-time password for the owner's dashboard sign-in through the
    /// tenant's realm; `{realm, username, temporary_password}`.
    #[pyo3(signature = (slug, aio = false))]
    fn reset_owner_password(&self, py: Python<'_>, slug: &str, aio: bool) -> PyResult<Py<PyAny>> {
        let slug = self::slug(slug)?;
        let o = self.inner.clone();
        call(py, aio, async move {
            let sign_in = o.reset_owner_password(&slug).await?;
            Ok(OwnerSignIn {
                realm: sign_in.realm,
                username: sign_in.username,
                temporary_password: sign_in.temporary_password.expose().to_string(),
            })
        })
    }

    #[pyo3(signature = (slug, aio = false))]
    fn delete(&self, py: Python<'_>, slug: &str, aio: bool) -> PyResult<Py<PyAny>> {
        let slug = self::slug(slug)?;
        let o = self.inner.clone();
        call(py, aio, async move { o.delete(&slug).await })
    }

    #[pyo3(signature = (fix = false, aio = false))]
    fn reconcile(&self, py: Python<'_>, fix: bool, aio: bool) -> PyResult<Py<PyAny>> {
        let o = self.inner.clone();
        call(py, aio, async move {
            let report = o.reconcile(fix).await?;
            Ok(Reconciled {
                clean: report.is_clean(),
                failures: report.failures(),
                report,
            })
        })
    }

    #[pyo3(signature = (text = None, image = None, aio = false))]
    fn extract_catalog(
        &self,
        py: Python<'_>,
        text: Option<String>,
        image: Option<Vec<u8>>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let o = self.inner.clone();
        call(py, aio, async move {
            let menu = menu(text, image)?;
            o.extract_catalog(&menu).await
        })
    }

    #[pyo3(signature = (slug, text = None, image = None, commit = false, aio = false))]
    fn import_catalog(
        &self,
        py: Python<'_>,
        slug: &str,
        text: Option<String>,
        image: Option<Vec<u8>>,
        commit: bool,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let slug = self::slug(slug)?;
        let o = self.inner.clone();
        call(py, aio, async move {
            let menu = menu(text, image)?;
            o.import_catalog(&slug, &menu, commit).await
        })
    }

    /// `commit` is the JSON of a reviewed catalog: {import_id?, services: [...], relations: [...]}.
    #[pyo3(signature = (slug, commit, aio = false))]
    fn commit_catalog(
        &self,
        py: Python<'_>,
        slug: &str,
        commit: &Bound<'_, PyAny>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let slug = self::slug(slug)?;
        let commit: CatalogCommit = serde_json::from_value(json_of(commit)?).map_err(|e| {
            Python::attach(|py| crate::error::to_py_err(py, &Error::field("commit", e.to_string())))
        })?;
        let o = self.inner.clone();
        call(
            py,
            aio,
            async move { o.commit_catalog(&slug, &commit).await },
        )
    }

    /// Adds a staff member: `staff` is `{name, phone?, services: [...], schedule: [{weekday, start, end}]}`.
    #[pyo3(signature = (slug, staff, aio = false))]
    fn add_staff(
        &self,
        py: Python<'_>,
        slug: &str,
        staff: &Bound<'_, PyAny>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let slug = self::slug(slug)?;
        let spec = staff_spec(staff)?;
        let o = self.inner.clone();
        call(py, aio, async move { o.add_staff(&slug, &spec).await })
    }

    #[pyo3(signature = (slug, aio = false))]
    fn list_staff(&self, py: Python<'_>, slug: &str, aio: bool) -> PyResult<Py<PyAny>> {
        let slug = self::slug(slug)?;
        let o = self.inner.clone();
        call(py, aio, async move { o.list_staff(&slug).await })
    }

    /// Replaces a staff member's name, phone, services and schedule.
    #[pyo3(signature = (slug, id, staff, aio = false))]
    fn update_staff(
        &self,
        py: Python<'_>,
        slug: &str,
        id: String,
        staff: &Bound<'_, PyAny>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let slug = self::slug(slug)?;
        let spec = staff_spec(staff)?;
        let o = self.inner.clone();
        call(
            py,
            aio,
            async move { o.update_staff(&slug, &id, &spec).await },
        )
    }

    #[pyo3(signature = (slug, id, aio = false))]
    fn remove_staff(
        &self,
        py: Python<'_>,
        slug: &str,
        id: String,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let slug = self::slug(slug)?;
        let o = self.inner.clone();
        call(py, aio, async move { o.remove_staff(&slug, &id).await })
    }

    /// The services a tenant has (what `commit_catalog` wrote).
    #[pyo3(signature = (slug, aio = false))]
    fn list_services(&self, py: Python<'_>, slug: &str, aio: bool) -> PyResult<Py<PyAny>> {
        let slug = self::slug(slug)?;
        let o = self.inner.clone();
        call(
            py,
            aio,
            async move { o.schema().list_services(&slug).await },
        )
    }
}

/// The core's staff request from a dict; unreadable fields are a `ValidationError`.
fn staff_spec(staff: &Bound<'_, PyAny>) -> PyResult<ratiba_core::staff::StaffSpec> {
    let request: ratiba_core::staff::StaffRequest = serde_json::from_value(json_of(staff)?)
        .map_err(|e| {
            Python::attach(|py| crate::error::to_py_err(py, &Error::field("staff", e.to_string())))
        })?;
    request
        .into_spec()
        .map_err(|e| Python::attach(|py| crate::error::to_py_err(py, &e)))
}
