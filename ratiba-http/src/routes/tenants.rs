use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ratiba_core::tenant::WhatsAppCredentials;
use ratiba_core::{Slug, TenantSpec};

use crate::api::{
    wire, OnboardingRequest, OwnerSignInBody, TenantBody, VerifyBody, WhatsAppRequest,
    WhatsAppStatus,
};
use crate::auth::{Admin, Caller};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;
use crate::{body, idempotency};

fn slug(raw: &str) -> Result<Slug, ApiError> {
    Ok(Slug::parse(raw)?)
}

/// Onboard a tenant: registry rows, tenant store and realm, all or nothing.
#[utoipa::path(post, path = "/api/v1/admin/tenants", tag = "tenants",
    request_body = OnboardingRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "retries with the same key and body get the first response")),
    responses(
        (status = 201, description = "onboarded", body = TenantBody),
        (status = 409, description = "the slug is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid input, every field problem listed", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "a backend is unavailable; nothing was left behind", body = Problem, content_type = "application/problem+json"),
    ),
    security(("admin_key" = [])))]
pub async fn create(
    State(state): State<AppState>,
    _admin: Admin,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let raw = body::bytes(raw, state.limits.json_bytes)?;
    let spec = TenantSpec::parse(&body::json_value(&headers, &raw)?)?;
    let onboarder = state.onboarder.clone();
    let location = format!("/api/v1/admin/tenants/{}", spec.slug);
    let mut response = idempotency::respond(
        &state,
        &headers,
        "POST /api/v1/admin/tenants",
        &raw,
        async move {
            let tenant = onboarder.onboard(spec).await?;
            Ok((StatusCode::CREATED, wire::<_, TenantBody>(&tenant)?))
        },
    )
    .await;
    if response.status() == StatusCode::CREATED {
        if let Ok(v) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, v);
        }
    }
    Ok(response)
}

/// Every tenant, ordered by slug.
#[utoipa::path(get, path = "/api/v1/admin/tenants", tag = "tenants",
    responses((status = 200, body = Vec<TenantBody>)), security(("admin_key" = [])))]
pub async fn list(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<Json<serde_json::Value>, ApiError> {
    let tenants = state.onboarder.list().await?;
    Ok(Json(wire::<_, Vec<TenantBody>>(&tenants)?))
}

#[utoipa::path(get, path = "/api/v1/admin/tenants/{slug}", tag = "tenants",
    params(("slug" = String, Path)),
    responses((status = 200, body = TenantBody), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("admin_key" = []), ("tenant_token" = [])))]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let tenant = state.onboarder.get(&caller.path_tenant(&raw)?).await?;
    Ok(Json(wire::<_, TenantBody>(&tenant)?))
}

/// Deletes the realm, the registry rows and the tenant store.
#[utoipa::path(delete, path = "/api/v1/admin/tenants/{slug}", tag = "tenants",
    params(("slug" = String, Path)),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("admin_key" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    _admin: Admin,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.onboarder.delete(&slug(&raw)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replace the tenant's WhatsApp credentials.
#[utoipa::path(put, path = "/api/v1/admin/tenants/{slug}/whatsapp", tag = "tenants",
    params(("slug" = String, Path)),
    request_body = WhatsAppRequest,
    responses((status = 200, body = WhatsAppStatus), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("admin_key" = [])))]
pub async fn put_whatsapp(
    State(state): State<AppState>,
    _admin: Admin,
    Path(raw): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<WhatsAppStatus>, ApiError> {
    let slug = slug(&raw)?;
    let body = body::bytes(body, state.limits.json_bytes)?;
    let credentials = WhatsAppCredentials::parse(&body::json_value(&headers, &body)?)?;
    state.onboarder.set_whatsapp(&slug, &credentials).await?;
    Ok(Json(WhatsAppStatus {
        slug: slug.to_string(),
        whatsapp_configured: true,
    }))
}

/// The same checks as `ratiba tenants verify`; `ok` is false when any failed.
#[utoipa::path(get, path = "/api/v1/admin/tenants/{slug}/verify", tag = "tenants",
    params(("slug" = String, Path)),
    responses((status = 200, body = VerifyBody)),
    security(("admin_key" = []), ("tenant_token" = [])))]
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let report = state.onboarder.verify(&caller.path_tenant(&raw)?).await?;
    Ok(Json(wire::<_, VerifyBody>(&report)?))
}

/// A new one-time password for the owner's dashboard sign-in through the tenant's
/// realm (the realm asks for a new password at the first sign-in). Shown once;
/// any earlier one stops working.
#[utoipa::path(post, path = "/api/v1/admin/tenants/{slug}/owner-password", tag = "tenants",
    params(("slug" = String, Path)),
    responses((status = 200, body = OwnerSignInBody),
              (status = 404, description = "no such tenant, or its realm or owner is missing", body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "this server's realms are files: nobody can sign in to them", body = Problem, content_type = "application/problem+json")),
    security(("admin_key" = [])))]
pub async fn reset_owner_password(
    State(state): State<AppState>,
    _admin: Admin,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let sign_in = state.onboarder.reset_owner_password(&slug(&raw)?).await?;
    let body = OwnerSignInBody {
        realm: sign_in.realm,
        username: sign_in.username,
        temporary_password: sign_in.temporary_password.expose().to_string(),
    };
    // A password: no cache may keep it.
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(body),
    )
        .into_response())
}

pub async fn not_found() -> impl IntoResponse {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "no such endpoint; see /api/openapi.json",
    )
}
