use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::{Context, Result};
use ratiba_core::Secret;
use ratiba_http::{AdminKey, AppState};

use crate::args::ServeArgs;
use crate::config::Config;
use crate::exit;

pub async fn run(config: &Config, args: ServeArgs) -> Result<ExitCode> {
    init_logging();
    let key = match args.admin_api_key.filter(|k| !k.is_empty()) {
        Some(key) => Secret::new(key),
        None => {
            // Never run open: a key nobody knows is printed once, here only.
            let key = AdminKey::generate();
            eprintln!(
                "ADMIN_API_KEY is not set; this server's admin key (shown once): {}",
                key.expose()
            );
            key
        }
    };
    let (onboarder, idempotency) = config.server_parts().await?;
    let mut state = AppState::new(onboarder, idempotency, &key);
    if let Some(base) = config.oidc_base_url() {
        // Tenant owners sign in through their realms: accept those tokens too.
        state = state.with_oidc(ratiba_http::OidcConfig::new(base));
    }
    let addr = SocketAddr::new(args.host, args.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let bound = listener.local_addr().unwrap_or(addr);
    eprintln!("ratiba serving on http://{bound} (OpenAPI at /api/openapi.json)");
    ratiba_http::serve(state, listener, shutdown_signal())
        .await
        .context("the server stopped")?;
    Ok(ExitCode::from(exit::OK))
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
