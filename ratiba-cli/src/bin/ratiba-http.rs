//! `ratiba-http`: the same server as `ratiba serve`, for deployments that run
//! only the API. Arguments are those of `ratiba serve`.

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    // One implementation of configuration and serving: the `ratiba` binary beside this one.
    let ratiba = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("ratiba")))
        .filter(|p| p.exists())
        .unwrap_or_else(|| "ratiba".into());
    let status = Command::new(ratiba)
        .arg("serve")
        .args(std::env::args_os().skip(1))
        .status();
    match status {
        Ok(s) => ExitCode::from(s.code().and_then(|c| u8::try_from(c).ok()).unwrap_or(1)),
        Err(e) => {
            eprintln!("error: cannot start ratiba serve: {e}");
            ExitCode::from(1)
        }
    }
}
