//! `ratiba._native`: the pyo3 module under the `ratiba` Python package. Conversions
//! and error mapping only; every decision is `ratiba-core`'s. The module owns one
//! tokio runtime: blocking calls run on it with the GIL released, and asyncio calls
//! get awaitables bridged to it by pyo3-async-runtimes.

mod error;
mod faults;
mod onboarder;
mod spec;

use std::future::Future;
use std::sync::OnceLock;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use serde::Serialize;

use error::PyErrorExt;

static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();

/// The module's tokio runtime, made on first use.
fn runtime() -> PyResult<&'static tokio::runtime::Runtime> {
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("ratiba")
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start ratiba's runtime: {e}")))?;
    // Another thread may have won the race; either runtime is as good.
    let rt = RUNTIME.get_or_init(|| rt);
    let _ = pyo3_async_runtimes::tokio::init_with_runtime(rt);
    Ok(rt)
}

/// A core result as a Python value (dicts, lists, str, int, None).
fn to_py<T: Serialize>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    Ok(pythonize::pythonize(py, value)?.unbind())
}

/// Runs `work` on the runtime: blocking with the GIL released, or, with `aio`, as an
/// asyncio awaitable. Either way the result is converted with [`to_py`].
fn call<T, F>(py: Python<'_>, aio: bool, work: F) -> PyResult<Py<PyAny>>
where
    T: Serialize + Send + 'static,
    F: Future<Output = ratiba_core::Result<T>> + Send + 'static,
{
    let rt = runtime()?;
    if aio {
        let awaitable = pyo3_async_runtimes::tokio::future_into_py(py, async move {
            let value = work.await.py_err()?;
            Python::attach(|py| to_py(py, &value))
        })?;
        Ok(awaitable.unbind())
    } else {
        let value = py.detach(|| rt.block_on(work)).py_err()?;
        to_py(py, &value)
    }
}

/// Like [`call`] for work that yields a Python object itself (a new Onboarder).
fn block_on<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    T: Send,
    F: Future<Output = ratiba_core::Result<T>> + Send,
{
    let rt = runtime()?;
    py.detach(|| rt.block_on(work)).py_err()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    error::register(m)?;
    m.add_class::<faults::Faults>()?;
    m.add_class::<spec::TenantSpec>()?;
    m.add_class::<onboarder::KeycloakConfig>()?;
    m.add_class::<onboarder::NativeOnboarder>()?;
    m.add("FAULT_POINTS", faults::points())?;
    m.add(
        "FEATURES",
        Vec::<&str>::from([
            #[cfg(feature = "postgres")]
            "postgres",
            #[cfg(feature = "keycloak")]
            "keycloak",
        ]),
    )?;
    Ok(())
}
