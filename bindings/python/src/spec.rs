//! `TenantSpec`: a validated onboarding request. Parsing is validation, and it is the
//! core's: every field problem comes back at once as a `ValidationError`.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::error::PyErrorExt;

/// A valid onboarding request: `TenantSpec(name=..., slug=..., ...)` or
/// `TenantSpec.from_dict({...})` / `TenantSpec.from_json("...")`.
#[pyclass(module = "ratiba", frozen)]
pub struct TenantSpec {
    pub inner: ratiba_core::TenantSpec,
}

/// A Python value (a dict, as clients send JSON) as a JSON value.
pub fn json_of(value: &Bound<'_, PyAny>) -> PyResult<serde_json::Value> {
    Ok(pythonize::depythonize(value)?)
}

/// The spec from a `TenantSpec` or a dict of the JSON request.
pub fn spec_of(value: &Bound<'_, PyAny>) -> PyResult<ratiba_core::TenantSpec> {
    if let Ok(spec) = value.cast::<TenantSpec>() {
        return Ok(spec.get().inner.clone());
    }
    ratiba_core::TenantSpec::parse(&json_of(value)?).py_err()
}

#[pymethods]
impl TenantSpec {
    /// The fields of the JSON request as keyword arguments.
    #[new]
    #[pyo3(signature = (**fields))]
    fn new(fields: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let value = match fields {
            Some(fields) => json_of(fields.as_any())?,
            None => serde_json::Value::Object(Default::default()),
        };
        Ok(Self {
            inner: ratiba_core::TenantSpec::parse(&value).py_err()?,
        })
    }

    #[staticmethod]
    fn from_dict(value: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Self {
            inner: spec_of(value)?,
        })
    }

    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        Ok(Self {
            inner: ratiba_core::TenantSpec::from_json_str(text).py_err()?,
        })
    }

    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    #[getter]
    fn slug(&self) -> &str {
        self.inner.slug.as_str()
    }

    #[getter]
    fn vertical(&self) -> &str {
        self.inner.vertical.as_str()
    }

    #[getter]
    fn owner_phone(&self) -> &str {
        self.inner.owner_phone.as_str()
    }

    #[getter]
    fn whatsapp_number(&self) -> &str {
        self.inner.whatsapp_number.as_str()
    }

    #[getter]
    fn voice_number(&self) -> Option<&str> {
        self.inner.voice_number.as_ref().map(|p| p.as_str())
    }

    #[getter]
    fn locale(&self) -> &str {
        self.inner.locale.as_str()
    }

    #[getter]
    fn timezone(&self) -> &str {
        self.inner.timezone.as_str()
    }

    #[getter]
    fn mpesa_enabled(&self) -> bool {
        self.inner.payments.mpesa_enabled
    }

    #[getter]
    fn card_enabled(&self) -> bool {
        self.inner.payments.card_enabled
    }

    #[getter]
    fn cash_enabled(&self) -> bool {
        self.inner.payments.cash_enabled
    }

    /// Whether WhatsApp Cloud API credentials were given (they are never readable).
    #[getter]
    fn has_whatsapp_credentials(&self) -> bool {
        !self.inner.whatsapp.is_empty()
    }

    fn __repr__(&self) -> String {
        format!(
            "TenantSpec(name={:?}, slug={:?}, vertical={:?})",
            self.inner.name,
            self.inner.slug.as_str(),
            self.inner.vertical.as_str()
        )
    }
}
