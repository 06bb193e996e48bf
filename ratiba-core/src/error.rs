//! The one error type of the library. Frontends map [`ErrorKind`] to their own
//! vocabulary (HTTP status, exit code, exception class) without reading messages.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use crate::onboard::SagaReport;

/// One problem with one input field: `field` is the JSON name (`owner_phone`,
/// `rows[3].price_kes`), `message` says which rule it broke and, where we can, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// What went wrong, in the terms every frontend maps.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input broke one or more rules; every problem is listed.
    Validation { fields: Vec<FieldError> },
    /// The thing exists already (a slug, a realm) or is being made right now.
    Conflict,
    /// The thing asked for does not exist.
    NotFound,
    /// A server we depend on is down, starting or overloaded: try again.
    Unavailable { retry_after: Option<Duration> },
    /// A backend failed in a way the caller cannot fix by changing the input.
    Backend,
    /// An onboarding failed and its compensation could not undo everything:
    /// the leftovers are in the [`SagaReport`] and in the journal for `ratiba reconcile`.
    Provisioning,
}

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The library's error: a kind, one sentence, the cause it came from and, for
/// onboarding failures, what the saga did about it.
#[derive(Debug, thiserror::Error)]
#[error("{}", render(.message, .kind, .saga))]
pub struct Error {
    kind: ErrorKind,
    message: String,
    #[source]
    source: Option<Source>,
    saga: Option<Box<SagaReport>>,
}

/// The message, every field problem of a validation error, and the saga's report.
fn render(message: &str, kind: &ErrorKind, saga: &Option<Box<SagaReport>>) -> String {
    let mut out = message.to_string();
    if let ErrorKind::Validation { fields } = kind {
        if fields.len() > 1 {
            for field in fields {
                out.push_str(&format!("\n  - {field}"));
            }
        }
    }
    if let Some(saga) = saga {
        out.push_str(&saga.to_string());
    }
    out
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
            saga: None,
        }
    }

    pub fn validation(fields: Vec<FieldError>) -> Self {
        let message = match fields.len() {
            1 => format!("invalid input: {}", fields[0]),
            n => format!("invalid input: {n} problems"),
        };
        Self::new(ErrorKind::Validation { fields }, message)
    }

    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::validation(vec![FieldError::new(field, message)])
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    pub fn unavailable(message: impl Into<String>, retry_after: Option<Duration>) -> Self {
        Self::new(ErrorKind::Unavailable { retry_after }, message)
    }

    pub fn backend(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Backend, message)
    }

    pub fn with_source(mut self, source: impl Into<Source>) -> Self {
        self.source = Some(source.into());
        self
    }

    pub(crate) fn with_saga(mut self, report: SagaReport) -> Self {
        if !report.left_behind.is_empty() {
            self.kind = ErrorKind::Provisioning;
        }
        self.saga = Some(Box::new(report));
        self
    }

    /// Prefix the message with where it happened, keeping the kind.
    pub fn context(mut self, context: impl fmt::Display) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// The field problems of a validation error; empty for every other kind.
    pub fn field_errors(&self) -> &[FieldError] {
        match &self.kind {
            ErrorKind::Validation { fields } => fields,
            _ => &[],
        }
    }

    /// For a failed onboarding: the step that failed, what was undone, what is left.
    pub fn saga(&self) -> Option<&SagaReport> {
        self.saga.as_deref()
    }

    pub fn is_retryable(&self) -> bool {
        matches!(self.kind, ErrorKind::Unavailable { .. })
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        let kind = match err.kind() {
            std::io::ErrorKind::NotFound => ErrorKind::NotFound,
            std::io::ErrorKind::AlreadyExists => ErrorKind::Conflict,
            _ => ErrorKind::Backend,
        };
        Error::new(kind, format!("file system: {err}")).with_source(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_lists_every_field() {
        let err = Error::validation(vec![
            FieldError::new("slug", "must start with a lowercase letter"),
            FieldError::new("owner_phone", "must be E.164"),
        ]);
        assert_eq!(err.field_errors().len(), 2);
        let text = err.to_string();
        assert!(text.contains("slug: must start"), "{text}");
        assert!(text.contains("owner_phone: must be E.164"), "{text}");
    }

    #[test]
    fn io_errors_keep_their_meaning() {
        let err: Error = std::io::Error::new(std::io::ErrorKind::AlreadyExists, "x").into();
        assert_eq!(err.kind(), &ErrorKind::Conflict);
        assert!(std::error::Error::source(&err).is_some());
    }
}
