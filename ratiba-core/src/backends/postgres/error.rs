//! sqlx errors to [`Error`], by SQLSTATE code and error variant, never by message text.

use std::time::Duration;

use crate::error::Error;

/// The SQLSTATE of a database error, if it is one.
pub(crate) fn sqlstate(err: &sqlx::Error) -> Option<String> {
    err.as_database_error()
        .and_then(|d| d.code().map(|c| c.into_owned()))
}

/// Maps a sqlx error; `what` says what we were doing.
pub fn db_error(what: &str, err: sqlx::Error) -> Error {
    let retry = Some(Duration::from_secs(1));
    if let Some(code) = sqlstate(&err) {
        let mapped = match code.as_str() {
            // unique_violation, duplicate_schema, duplicate_table, duplicate_object
            "23505" | "42P06" | "42P07" | "42710" => {
                Error::conflict(format!("{what}: already exists"))
            }
            // lock_not_available (lock_timeout), serialization_failure, deadlock_detected
            "55P03" | "40001" | "40P01" => {
                Error::unavailable(format!("{what}: the database is busy, try again"), retry)
            }
            // query_canceled (statement_timeout)
            "57014" => Error::unavailable(format!("{what}: the database timed out"), retry),
            // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections,
            // insufficient_resources, disk_full, out_of_memory
            "57P01" | "57P02" | "57P03" | "53300" | "53000" | "53100" | "53200" => {
                Error::unavailable(
                    format!("{what}: PostgreSQL is unavailable ({code})"),
                    Some(Duration::from_secs(2)),
                )
            }
            // connection_exception and its subclasses
            c if c.starts_with("08") => Error::unavailable(
                format!("{what}: the connection to PostgreSQL failed ({code})"),
                retry,
            ),
            // invalid_schema_name
            "3F000" => Error::not_found(format!("{what}: the tenant schema does not exist")),
            // invalid_authorization_specification, invalid_password
            "28000" | "28P01" => Error::backend(format!(
                "{what}: PostgreSQL refused the credentials in DATABASE_URL"
            )),
            // insufficient_privilege
            "42501" => Error::backend(format!(
                "{what}: the PostgreSQL role lacks a privilege it needs"
            )),
            _ => Error::backend(format!("{what}: PostgreSQL error {code}")),
        };
        return mapped.with_source(err);
    }
    let mapped = match &err {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolClosed => Error::unavailable(
            format!("{what}: cannot reach PostgreSQL"),
            Some(Duration::from_secs(2)),
        ),
        sqlx::Error::PoolTimedOut => Error::unavailable(
            format!("{what}: no PostgreSQL connection free in time"),
            retry,
        ),
        sqlx::Error::RowNotFound => Error::not_found(format!("{what}: not found")),
        sqlx::Error::Configuration(_) => {
            Error::field("DATABASE_URL", format!("{what}: bad connection settings"))
        }
        _ => Error::backend(format!("{what}: {err}")),
    };
    mapped.with_source(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn transport_errors_are_retryable() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let err = db_error("connect", sqlx::Error::Io(io));
        assert!(err.is_retryable(), "{err}");
        assert!(db_error("x", sqlx::Error::PoolTimedOut).is_retryable());
        assert_eq!(
            db_error("x", sqlx::Error::RowNotFound).kind(),
            &ErrorKind::NotFound
        );
    }
}
