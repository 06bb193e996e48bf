use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use ratiba_core::catalog::{CatalogCommit, CommitReview, Relation, ServiceRow};
use ratiba_core::{MenuInput, Slug};
use serde::Deserialize;

use crate::api::{
    wire, CommitReportBody, CommitRequest, ExtractionBody, ImportBody, MenuText, ServiceBody,
};
use crate::auth::Caller;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;
use crate::{body, idempotency};

#[derive(Debug, Deserialize)]
pub struct TenantQuery {
    tenant: Option<String>,
}

/// A menu from JSON `{"text"}` or multipart (`image` file, `text`, `tenant`).
async fn read_menu(
    state: &AppState,
    request: Request,
) -> Result<(MenuInput, Option<String>), ApiError> {
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !is_multipart {
        let headers = request.headers().clone();
        let raw = body::bytes(
            Bytes::from_request(request, state).await,
            state.limits.json_bytes,
        )?;
        let menu: MenuText = body::typed(body::json_value(&headers, &raw)?)?;
        return Ok((
            MenuInput::from_bytes("text", menu.text.into_bytes())?,
            menu.tenant,
        ));
    }
    let mut multipart = Multipart::from_request(request, state).await.map_err(|e| {
        ApiError::bad_request(format!("not a valid multipart form: {}", e.body_text()))
    })?;
    let mut menu = MenuInput::default();
    let mut tenant = None;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            format!("uploads may be at most {} bytes", state.limits.upload_bytes),
        )
    };
    while let Some(field) = multipart.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::bad_request(format!("cannot read the form: {}", e.body_text()))
        }
    })? {
        let name = field.name().unwrap_or_default().to_string();
        let data = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                ApiError::bad_request(format!(
                    "cannot read form field '{name}': {}",
                    e.body_text()
                ))
            }
        })?;
        match name.as_str() {
            "image" | "file" | "photo" => {
                let read = MenuInput::from_bytes(&name, data.to_vec())?;
                if read.image.is_none() {
                    // A text file uploaded as the file: read it as text.
                    menu.text = read.text;
                } else {
                    menu.image = read.image;
                }
            }
            "text" => {
                let text = String::from_utf8(data.to_vec())
                    .map_err(|_| ApiError::field("text", "must be UTF-8 text"))?;
                if !text.trim().is_empty() {
                    menu.text = Some(text);
                }
            }
            "tenant" => tenant = Some(String::from_utf8_lossy(&data).trim().to_string()),
            other => {
                return Err(ApiError::field(
                    other,
                    "is not a field of this form; send image, text and tenant",
                ))
            }
        }
    }
    Ok((menu, tenant))
}

/// The tenant a request acts on: named in it, or the token's own; then authorized.
fn tenant_slug(
    caller: &Caller,
    from_body: Option<String>,
    query: TenantQuery,
) -> Result<Slug, ApiError> {
    let slug = match from_body.or(query.tenant) {
        Some(raw) => Slug::parse(&raw).map_err(|e| {
            let message = e
                .field_errors()
                .first()
                .map(|f| f.message.clone())
                .unwrap_or_default();
            ApiError::field("tenant", message)
        })?,
        None => caller.own_tenant().cloned().ok_or_else(|| {
            ApiError::field(
                "tenant",
                "is required (a form field, a JSON field or the query parameter)",
            )
        })?,
    };
    caller.authorize(&slug)?;
    Ok(slug)
}

/// Read a menu without storing anything: the rows with their colours.
#[utoipa::path(post, path = "/api/v1/admin/catalog/extract", tag = "catalog",
    request_body(content = MenuText, description = "JSON {text}, or multipart with image and/or text"),
    responses((status = 200, body = ExtractionBody), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("admin_key" = []), ("tenant_token" = [])))]
pub async fn extract(
    State(state): State<AppState>,
    _caller: Caller,
    request: Request,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (menu, _) = read_menu(&state, request).await?;
    let extraction = state.onboarder.extract_catalog(&menu).await?;
    Ok(Json(wire::<_, ExtractionBody>(&extraction)?))
}

/// Read a menu into a tenant's draft (`catalog_imports`): review it, then commit.
#[utoipa::path(post, path = "/api/v1/admin/catalog/import", tag = "catalog",
    params(("tenant" = Option<String>, Query)),
    request_body(content = MenuText, description = "JSON {text, tenant}, or multipart with image, text and tenant"),
    responses((status = 201, body = ImportBody), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("admin_key" = []), ("tenant_token" = [])))]
pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<TenantQuery>,
    request: Request,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let (menu, tenant) = read_menu(&state, request).await?;
    let slug = tenant_slug(&caller, tenant, query)?;
    let import = state.onboarder.import_catalog(&slug, &menu, false).await?;
    Ok((StatusCode::CREATED, Json(wire::<_, ImportBody>(&import)?)))
}

/// Write reviewed rows: every row has a price; names matching an existing service
/// (ignoring case and spacing) update it; committing the same import twice does nothing.
#[utoipa::path(post, path = "/api/v1/admin/catalog/commit", tag = "catalog",
    request_body = CommitRequest,
    responses((status = 200, body = CommitReportBody), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("admin_key" = []), ("tenant_token" = [])))]
pub async fn commit(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<axum::response::Response, ApiError> {
    let raw = body::bytes(raw, state.limits.json_bytes)?;
    let request: CommitRequest = body::typed(body::json_value(&headers, &raw)?)?;
    let slug = tenant_slug(
        &caller,
        Some(request.tenant.clone()),
        TenantQuery { tenant: None },
    )?;
    let review = CommitReview {
        owner_typed: request.owner_typed,
        confirm_below_floor: request.confirm_below_floor,
    };
    let commit = CatalogCommit {
        import_id: request.import_id,
        services: request
            .services
            .into_iter()
            .map(|s| ServiceRow {
                name: s.name,
                price_kes: s.price_kes,
                duration_minutes: s.duration_minutes,
                category: s.category,
            })
            .collect(),
        relations: request
            .relations
            .into_iter()
            .map(|r| Relation {
                service: r.service,
                related: r.related,
                relation_type: r.relation_type,
            })
            .collect(),
    };
    let onboarder = state.onboarder.clone();
    Ok(idempotency::respond(
        &state,
        &headers,
        "POST /api/v1/admin/catalog/commit",
        &raw,
        async move {
            let report = onboarder
                .commit_reviewed_catalog(&slug, &commit, &review)
                .await?;
            Ok((StatusCode::OK, wire::<_, CommitReportBody>(&report)?))
        },
    )
    .await)
}

/// The tenant's services as stored, ordered by name (to pick what staff perform).
#[utoipa::path(get, path = "/api/v1/admin/tenants/{slug}/services", tag = "catalog",
    params(("slug" = String, Path)),
    responses((status = 200, body = Vec<ServiceBody>),
              (status = 404, description = "no such tenant", body = Problem, content_type = "application/problem+json")),
    security(("admin_key" = []), ("tenant_token" = [])))]
pub async fn services(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw_slug): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let slug = caller.path_tenant(&raw_slug)?;
    let services = state.onboarder.schema().list_services(&slug).await?;
    Ok(Json(wire::<_, Vec<ServiceBody>>(&services)?))
}
