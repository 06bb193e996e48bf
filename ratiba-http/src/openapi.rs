//! The OpenAPI 3.1 document, generated from the handlers and their wire types.

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::*;
use crate::problem::{FieldProblem, Problem};
use crate::routes::{catalog, health, staff, tenants};

#[derive(OpenApi)]
#[openapi(
    info(title = "Ratiba onboarding API", description = "Onboard tenants and their catalogs."),
    paths(
        tenants::create, tenants::list, tenants::show, tenants::delete, tenants::verify, tenants::put_whatsapp, tenants::reset_owner_password,
        catalog::extract, catalog::import, catalog::commit, catalog::services,
        staff::create, staff::list, staff::update, staff::delete,
        health::healthz, health::readyz,
    ),
    components(schemas(
        OnboardingRequest, TenantBody, AdminBody, VerifyBody, CheckBody, MenuText, RowBody, RelationBody,
        ExtractionBody, ImportBody, CommitRequest, ServiceRowBody, ServiceBody, CommitReportBody, Health, Problem, FieldProblem,
        WhatsAppRequest, WhatsAppStatus, OwnerSignInBody, StaffRequest, StaffBody, IntervalBody,
    )),
    modifiers(&AdminKeyScheme),
)]
pub struct ApiDoc;

struct AdminKeyScheme;

impl Modify for AdminKeyScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "tenant_token",
            SecurityScheme::Http(
                utoipa::openapi::security::HttpBuilder::new()
                    .scheme(utoipa::openapi::security::HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "an access token from the tenant's own Keycloak realm, role owner or admin",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "admin_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Admin-API-Key"))),
        );
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
