//! A tenant's staff with the services they perform and their weekly schedule.
//! The admin key, or a token of the tenant's own realm (`Caller`), may use them.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use ratiba_core::staff::StaffSpec;

use crate::api::{wire, StaffBody, StaffRequest};
use crate::auth::Caller;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;
use crate::{body, idempotency};

fn read(
    state: &AppState,
    headers: &HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<(Bytes, StaffSpec), ApiError> {
    let raw = body::bytes(raw, state.limits.json_bytes)?;
    let request: ratiba_core::staff::StaffRequest = body::typed(body::json_value(headers, &raw)?)?;
    Ok((raw, request.into_spec()?))
}

/// Add a staff member with the services they perform and a weekly schedule.
#[utoipa::path(post, path = "/api/v1/admin/tenants/{slug}/staff", tag = "staff",
    params(("slug" = String, Path),
           ("Idempotency-Key" = Option<String>, Header, description = "retries with the same key and body get the first response")),
    request_body = StaffRequest,
    responses((status = 201, body = StaffBody),
              (status = 404, description = "no such tenant", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "invalid input: inverted or overlapping intervals, unknown services, ...", body = Problem, content_type = "application/problem+json")),
    security(("admin_key" = []), ("tenant_token" = [])))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw_slug): Path<String>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let slug = caller.path_tenant(&raw_slug)?;
    let (raw, spec) = read(&state, &headers, raw)?;
    let onboarder = state.onboarder.clone();
    let scope = format!("POST /api/v1/admin/tenants/{slug}/staff");
    Ok(
        idempotency::respond(&state, &headers, &scope, &raw, async move {
            let member = onboarder.add_staff(&slug, &spec).await?;
            Ok((StatusCode::CREATED, wire::<_, StaffBody>(&member)?))
        })
        .await,
    )
}

/// The tenant's staff, ordered by name.
#[utoipa::path(get, path = "/api/v1/admin/tenants/{slug}/staff", tag = "staff",
    params(("slug" = String, Path)),
    responses((status = 200, body = Vec<StaffBody>),
              (status = 404, description = "no such tenant", body = Problem, content_type = "application/problem+json")),
    security(("admin_key" = []), ("tenant_token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw_slug): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let slug = caller.path_tenant(&raw_slug)?;
    let staff = state.onboarder.list_staff(&slug).await?;
    Ok(Json(wire::<_, Vec<StaffBody>>(&staff)?))
}

/// Replace a staff member's name, phone, services and schedule.
#[utoipa::path(put, path = "/api/v1/admin/tenants/{slug}/staff/{id}", tag = "staff",
    params(("slug" = String, Path), ("id" = String, Path)),
    request_body = StaffRequest,
    responses((status = 200, body = StaffBody),
              (status = 404, description = "no such tenant or staff member", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "invalid input", body = Problem, content_type = "application/problem+json")),
    security(("admin_key" = []), ("tenant_token" = [])))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path((raw_slug, id)): Path<(String, String)>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let slug = caller.path_tenant(&raw_slug)?;
    let (_, spec) = read(&state, &headers, raw)?;
    let member = state.onboarder.update_staff(&slug, &id, &spec).await?;
    Ok(Json(wire::<_, StaffBody>(&member)?))
}

/// Remove a staff member with their schedule.
#[utoipa::path(delete, path = "/api/v1/admin/tenants/{slug}/staff/{id}", tag = "staff",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 204, description = "removed"),
              (status = 404, description = "no such tenant or staff member", body = Problem, content_type = "application/problem+json")),
    security(("admin_key" = []), ("tenant_token" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path((raw_slug, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let slug = caller.path_tenant(&raw_slug)?;
    state.onboarder.remove_staff(&slug, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
