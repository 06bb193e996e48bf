//! `ratiba`: the operators' command line over ratiba-core.

mod args;
mod commands;
mod config;
mod exit;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    reset_sigpipe();
    // A missing .env is normal; a broken one is worth a warning, not a failure.
    if let Err(e) = dotenvy::dotenv() {
        if !e.not_found() {
            eprintln!("warning: ignoring .env: {e}");
        }
    }
    let cli = args::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::FAILURE);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(err) => {
            // The whole chain, once: "error: onboarding failed: ...: caused by".
            eprintln!("error: {err}");
            let mut source = err.source();
            while let Some(cause) = source {
                let text = cause.to_string();
                if !err.to_string().contains(&text) {
                    eprintln!("  caused by: {text}");
                }
                source = cause.source();
            }
            exit::for_error(&err)
        }
    }
}

/// `ratiba tenants list | head` must end quietly, like other Unix tools, rather
/// than panic in `println!` on a closed pipe: restore the default SIGPIPE action
/// that Rust's runtime replaces.
#[cfg(unix)]
fn reset_sigpipe() {
    // SAFETY: called first thing in `main`, before any thread exists; SIG_DFL is a valid action.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn reset_sigpipe() {}
