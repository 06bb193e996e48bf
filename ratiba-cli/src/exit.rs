//! The one table from error kinds to exit codes (also in the README).

use std::process::ExitCode;

use ratiba_core::ErrorKind;

pub const OK: u8 = 0;
/// A backend failed, or an onboarding left something behind.
pub const FAILURE: u8 = 1;
/// Invalid input or usage (clap uses 2 for usage errors too).
pub const INVALID: u8 = 2;
pub const CONFLICT: u8 = 3;
pub const NOT_FOUND: u8 = 4;
/// A server is down or busy: retrying may help.
pub const UNAVAILABLE: u8 = 5;
/// `tenants verify` ran and at least one check failed.
pub const CHECK_FAILED: u8 = 6;

pub fn for_error(err: &anyhow::Error) -> ExitCode {
    let code = match err
        .downcast_ref::<ratiba_core::Error>()
        .map(ratiba_core::Error::kind)
    {
        Some(ErrorKind::Validation { .. }) => INVALID,
        Some(ErrorKind::Conflict) => CONFLICT,
        Some(ErrorKind::NotFound) => NOT_FOUND,
        Some(ErrorKind::Unavailable { .. }) => UNAVAILABLE,
        _ => FAILURE,
    };
    ExitCode::from(code)
}
