//! Errors as RFC 9457 problem details. Bad input is a 4xx naming the field; an
//! internal error hides its internals in the body and logs them with the request id.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use ratiba_core::{ErrorKind, FieldError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::request_id;

/// One field problem, as in `errors` of a 422.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// `application/problem+json`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    kind: &'static str,
    detail: String,
    errors: Vec<FieldError>,
    retry_after: Option<Duration>,
    /// For the log only, never the body.
    internal: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, kind: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            detail: detail.into(),
            errors: vec![],
            retry_after: None,
            internal: None,
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ratiba_core::Error::field(field, message).into()
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid X-Admin-API-Key header is required",
        )
    }

    pub fn too_many(retry_after: Duration) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-requests",
            "too many failed attempts from this address; try again later",
        );
        e.retry_after = Some(retry_after);
        e
    }

    pub fn timeout(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::GATEWAY_TIMEOUT, "timeout", detail)
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let mut e = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error",
        );
        e.internal = Some(cause.to_string());
        e
    }

    pub fn set_retry_after(&mut self, after: Duration) {
        self.retry_after = Some(after);
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn problem(&self) -> Problem {
        let request_id = request_id::current();
        let detail = match (&self.internal, &request_id) {
            (Some(_), Some(id)) => {
                format!("internal error; the server log has the details under request id {id}")
            }
            _ => self.detail.clone(),
        };
        Problem {
            kind: format!("urn:ratiba:problem:{}", self.kind),
            title: self
                .status
                .canonical_reason()
                .unwrap_or("Error")
                .to_string(),
            status: self.status.as_u16(),
            detail,
            errors: self
                .errors
                .iter()
                .map(|e| FieldProblem {
                    field: e.field.clone(),
                    message: e.message.clone(),
                })
                .collect(),
            request_id,
        }
    }
}

impl From<ratiba_core::Error> for ApiError {
    fn from(err: ratiba_core::Error) -> Self {
        let (status, kind) = match err.kind() {
            ErrorKind::Validation { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "validation"),
            ErrorKind::Conflict => (StatusCode::CONFLICT, "conflict"),
            ErrorKind::NotFound => (StatusCode::NOT_FOUND, "not-found"),
            ErrorKind::Unavailable { .. } => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        let mut api = ApiError::new(status, kind, err.message().to_string());
        api.errors = err.field_errors().to_vec();
        if let ErrorKind::Unavailable { retry_after } = err.kind() {
            api.retry_after = Some(retry_after.unwrap_or(Duration::from_secs(1)));
        }
        if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
            api.internal = Some(error_chain(&err));
        }
        api
    }
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(internal) = &self.internal {
            tracing::error!(request_id = request_id::current().as_deref().unwrap_or("-"), error = %internal, "request failed");
        }
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(after) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&after.as_secs().max(1).to_string()) {
                headers.insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}
