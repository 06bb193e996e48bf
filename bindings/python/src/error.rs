//! One mapping from the core's [`ErrorKind`] to the `ratiba` exception hierarchy
//! (after polars' `exceptions.rs` and lancedb's `PythonErrorExt`): every frontend
//! reads the kind, never the message. The core error's cause chain becomes the
//! exception's `__cause__`, and the saga report of a failed onboarding its attributes.

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyType};
use ratiba_core::{Error, ErrorKind};

create_exception!(
    ratiba,
    RatibaError,
    PyException,
    "Every error of ratiba. `kind`, `code` and `message` say what went wrong; subclasses add details."
);
create_exception!(
    ratiba,
    ValidationError,
    RatibaError,
    "The input broke one or more rules; `errors` lists every problem as {field, message}."
);
create_exception!(
    ratiba,
    ConflictError,
    RatibaError,
    "The thing exists already (a slug, a realm) or is being made right now."
);
create_exception!(
    ratiba,
    NotFoundError,
    RatibaError,
    "The thing asked for does not exist."
);
create_exception!(
    ratiba,
    UnavailableError,
    RatibaError,
    "A server ratiba depends on is down or overloaded: try again after `retry_after` seconds (or None)."
);
create_exception!(
    ratiba,
    ProvisioningError,
    RatibaError,
    "A backend failed. For a failed onboarding, `failed_step`, `undone` and `left_behind` say what the saga did; anything left behind is journaled and removed by `reconcile(fix=True)`."
);

/// Converts core results into Python ones (lancedb's `PythonErrorExt`, for one error type).
pub trait PyErrorExt<T> {
    fn py_err(self) -> PyResult<T>;
}

impl<T> PyErrorExt<T> for Result<T, Error> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(|err| Python::attach(|py| to_py_err(py, &err)))
    }
}

/// The class, the `kind` and the `code` of one error kind (the README's table).
fn class_of<'py>(py: Python<'py>, kind: &ErrorKind) -> (Bound<'py, PyType>, &'static str) {
    match kind {
        ErrorKind::Validation { .. } => (py.get_type::<ValidationError>(), "validation"),
        ErrorKind::Conflict => (py.get_type::<ConflictError>(), "conflict"),
        ErrorKind::NotFound => (py.get_type::<NotFoundError>(), "not_found"),
        ErrorKind::Unavailable { .. } => (py.get_type::<UnavailableError>(), "unavailable"),
        ErrorKind::Backend => (py.get_type::<ProvisioningError>(), "backend"),
        ErrorKind::Provisioning => (py.get_type::<ProvisioningError>(), "provisioning"),
        // `ErrorKind` is non-exhaustive: a kind added to the core later is still a RatibaError.
        _ => (py.get_type::<RatibaError>(), "unknown"),
    }
}

fn code_of(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Validation { .. } => "VALIDATION",
        ErrorKind::Conflict => "CONFLICT",
        ErrorKind::NotFound => "NOT_FOUND",
        ErrorKind::Unavailable { .. } => "UNAVAILABLE",
        ErrorKind::Backend | ErrorKind::Provisioning => "PROVISIONING",
        _ => "UNKNOWN",
    }
}

pub fn to_py_err(py: Python<'_>, err: &Error) -> PyErr {
    match build(py, err) {
        Ok(e) => e,
        // Building the exception itself failed (out of memory, say): report that.
        Err(e) => e,
    }
}

fn build(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let (class, kind) = class_of(py, err.kind());
    let exc = class.call1((err.to_string(),))?;
    exc.setattr("kind", kind)?;
    exc.setattr("code", code_of(err.kind()))?;
    exc.setattr("message", err.message())?;

    let errors = PyList::empty(py);
    for field in err.field_errors() {
        let item = PyDict::new(py);
        item.set_item("field", &field.field)?;
        item.set_item("message", &field.message)?;
        errors.append(item)?;
    }
    exc.setattr("errors", errors)?;

    let retry_after = match err.kind() {
        ErrorKind::Unavailable {
            retry_after: Some(after),
        } => Some(after.as_secs_f64()),
        _ => None,
    };
    exc.setattr("retry_after", retry_after)?;

    match err.saga() {
        Some(saga) => {
            exc.setattr("saga", pythonize::pythonize(py, saga)?)?;
            exc.setattr("onboarding_id", &saga.onboarding_id)?;
            exc.setattr("failed_step", saga.failed_step.to_string())?;
            let undone: Vec<String> = saga.undone.iter().map(ToString::to_string).collect();
            exc.setattr("undone", undone)?;
            exc.setattr("left_behind", pythonize::pythonize(py, &saga.left_behind)?)?;
        }
        None => {
            exc.setattr("saga", py.None())?;
            exc.setattr("onboarding_id", py.None())?;
            exc.setattr("failed_step", py.None())?;
            exc.setattr("undone", PyList::empty(py))?;
            exc.setattr("left_behind", PyList::empty(py))?;
        }
    }

    let py_err = PyErr::from_value(exc);
    // Keep the cause: each source in the chain becomes a `__cause__`.
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        causes.push(cause.to_string());
        source = cause.source();
    }
    let mut chained: Option<PyErr> = None;
    for message in causes.into_iter().rev() {
        let cause = PyRuntimeError::new_err(message);
        cause.set_cause(py, chained.take());
        chained = Some(cause);
    }
    if chained.is_some() {
        py_err.set_cause(py, chained);
    }
    Ok(py_err)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("RatibaError", py.get_type::<RatibaError>())?;
    m.add("ValidationError", py.get_type::<ValidationError>())?;
    m.add("ConflictError", py.get_type::<ConflictError>())?;
    m.add("NotFoundError", py.get_type::<NotFoundError>())?;
    m.add("UnavailableError", py.get_type::<UnavailableError>())?;
    m.add("ProvisioningError", py.get_type::<ProvisioningError>())?;
    Ok(())
}
