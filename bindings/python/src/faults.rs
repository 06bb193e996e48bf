//! `Faults`: the core's fault plan, for harnesses. Points are named as
//! `FaultPoint::as_str` names them (`realm_create`, `schema_rollback`, ...).

use std::time::Duration;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use ratiba_core::backends::memory::{FaultKind, FaultPoint};

pub fn points() -> Vec<&'static str> {
    FaultPoint::ALL.iter().map(|p| p.as_str()).collect()
}

fn parse_point(raw: &str) -> PyResult<FaultPoint> {
    FaultPoint::parse(raw).ok_or_else(|| {
        PyValueError::new_err(format!(
            "unknown fault point '{raw}'; expected one of: {}",
            points().join(", ")
        ))
    })
}

/// A shared, changeable fault plan: pass it to `Onboarder.in_memory(faults=...)` (or
/// any other backend) and change it while the Onboarder runs.
#[pyclass(module = "ratiba", frozen)]
pub struct Faults {
    pub inner: ratiba_core::backends::memory::Faults,
}

#[pymethods]
impl Faults {
    #[new]
    fn new() -> Self {
        Self {
            inner: ratiba_core::backends::memory::Faults::new(),
        }
    }

    /// Fail at `point` before doing anything (every call, or the next `times`).
    #[pyo3(signature = (point, times = None))]
    fn fail<'py>(
        slf: Bound<'py, Self>,
        point: &str,
        times: Option<u32>,
    ) -> PyResult<Bound<'py, Self>> {
        Self::set(slf, point, "fail", times)
    }

    /// Do the work at `point`, then report failure (a lost reply).
    #[pyo3(signature = (point, times = None))]
    fn fail_after<'py>(
        slf: Bound<'py, Self>,
        point: &str,
        times: Option<u32>,
    ) -> PyResult<Bound<'py, Self>> {
        Self::set(slf, point, "fail_after", times)
    }

    /// Fail at `point` with a retryable "unavailable" error.
    #[pyo3(signature = (point, times = None))]
    fn unavailable<'py>(
        slf: Bound<'py, Self>,
        point: &str,
        times: Option<u32>,
    ) -> PyResult<Bound<'py, Self>> {
        Self::set(slf, point, "unavailable", times)
    }

    /// `kind` is `fail`, `fail_after` or `unavailable`.
    #[pyo3(signature = (point, kind, times = None))]
    fn set<'py>(
        slf: Bound<'py, Self>,
        point: &str,
        kind: &str,
        times: Option<u32>,
    ) -> PyResult<Bound<'py, Self>> {
        let kind = match kind {
            "fail" => FaultKind::Fail,
            "fail_after" => FaultKind::FailAfter,
            "unavailable" => FaultKind::Unavailable,
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown fault kind '{other}'; expected fail, fail_after or unavailable"
                )))
            }
        };
        slf.get().inner.set(parse_point(point)?, kind, times);
        Ok(slf)
    }

    /// Delay every call at `point` by `seconds` (and still run it).
    fn delay<'py>(slf: Bound<'py, Self>, point: &str, seconds: f64) -> PyResult<Bound<'py, Self>> {
        let delay = Duration::try_from_secs_f64(seconds)
            .map_err(|e| PyValueError::new_err(format!("delay of {seconds} s: {e}")))?;
        slf.get().inner.delay(parse_point(point)?, delay);
        Ok(slf)
    }

    /// Remove every rule.
    fn clear(&self) {
        self.inner.clear()
    }

    fn __repr__(&self) -> String {
        format!("<ratiba.Faults {:?}>", self.inner)
    }
}
