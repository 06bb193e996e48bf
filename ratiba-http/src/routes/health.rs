use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

use crate::api::{CheckBody, Health};
use crate::state::AppState;

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        checks: vec![],
    })
}

/// The database and the identity provider answer.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let mut checks = Vec::new();
    let schema = state.onboarder.schema().ping().await;
    checks.push(CheckBody {
        name: "database".into(),
        ok: schema.is_ok(),
        detail: match schema {
            Ok(()) => state.onboarder.schema().backend_name().into(),
            Err(e) => e.to_string(),
        },
        warning: false,
    });
    let realms = state.onboarder.realms().ping().await;
    checks.push(CheckBody {
        name: "identity".into(),
        ok: realms.is_ok(),
        detail: match realms {
            Ok(()) => state.onboarder.realms().backend_name().into(),
            Err(e) => e.to_string(),
        },
        warning: false,
    });
    let ok = checks.iter().all(|c| c.ok);
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Health {
            status: if ok { "ready" } else { "unavailable" }.into(),
            checks,
        }),
    )
}
