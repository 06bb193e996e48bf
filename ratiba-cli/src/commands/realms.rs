//! `ratiba realms push`: tenants onboarded with realm files (the embedded default)
//! get their realm in Keycloak, from the same representation document.

#[cfg(not(feature = "keycloak"))]
pub async fn run(
    _onboarder: &ratiba_core::Onboarder,
    _config: &crate::config::Config,
    cmd: crate::args::RealmsCommand,
) -> anyhow::Result<std::process::ExitCode> {
    match cmd {
        crate::args::RealmsCommand::Push { .. } => {
            anyhow::bail!("this build of ratiba has no Keycloak backend: `realms push` needs one")
        }
    }
}

#[cfg(feature = "keycloak")]
pub use push::run;

#[cfg(feature = "keycloak")]
mod push {
    use std::process::ExitCode;

    use anyhow::{bail, Result};
    use ratiba_core::backends::keycloak::KeycloakRealms;
    use ratiba_core::ports::{RealmInfo, RealmRequest};
    use ratiba_core::{Onboarder, Tenant};
    use serde::Serialize;
    use serde_json::Value;

    use crate::args::RealmsCommand;
    use crate::config::{Config, RealmBackend};
    use crate::{exit, output};

    #[derive(Debug, Serialize)]
    struct Pushed {
        slug: String,
        /// `realm file` or `rebuilt`.
        source: String,
        /// `created`, `exists`, `would create`, `failed: ...`.
        action: String,
    }

    pub async fn run(
        onboarder: &Onboarder,
        config: &Config,
        cmd: RealmsCommand,
    ) -> Result<ExitCode> {
        let RealmsCommand::Push { dry_run } = cmd;
        let RealmBackend::Keycloak(kc_config) = &config.realms else {
            bail!("`realms push` needs Keycloak: set KEYCLOAK_URL (and KEYCLOAK_ADMIN_REALM_PASSWORD)");
        };
        let keycloak = KeycloakRealms::new(kc_config.clone())?;
        keycloak.check().await?;
        let files = config.realm_files()?;
        let mut results = Vec::new();
        for tenant in onboarder.list().await? {
            let (doc, source) = match files.representation(&tenant.slug)? {
                // Only the file of this very tenant (the same onboarding id).
                Some(doc) if made_by(&doc, &tenant) => (doc, "realm file"),
                _ => (rebuilt(&tenant, config), "rebuilt"),
            };
            let action = if ratiba_core::RealmProvisioner::get(&keycloak, &tenant.slug)
                .await?
                .is_some()
            {
                "exists".to_string()
            } else if dry_run {
                "would create".to_string()
            } else {
                match keycloak.create_from_representation(&doc).await {
                    Ok(()) => "created".to_string(),
                    Err(e) => format!("failed: {e}"),
                }
            };
            results.push(Pushed {
                slug: tenant.slug.clone(),
                source: source.into(),
                action,
            });
        }
        let failed = results.iter().any(|r| r.action.starts_with("failed"));
        if config.json {
            output::json(&results)?;
        } else if results.is_empty() {
            println!("no tenants: nothing to push");
        } else {
            let rows: Vec<Vec<String>> = results
                .iter()
                .map(|r| vec![r.slug.clone(), r.action.clone(), r.source.clone()])
                .collect();
            println!("{}", output::table(&["REALM", "ACTION", "FROM"], &rows));
        }
        Ok(ExitCode::from(if failed {
            exit::FAILURE
        } else {
            exit::OK
        }))
    }

    fn made_by(doc: &Value, tenant: &Tenant) -> bool {
        RealmInfo::from_representation(doc)
            .is_ok_and(|info| info.onboarding_id.as_deref() == Some(tenant.id.as_str()))
    }

    /// The representation onboarding would have written for this tenant.
    fn rebuilt(tenant: &Tenant, config: &Config) -> Value {
        RealmRequest {
            name: tenant.slug.clone(),
            display_name: tenant.name.clone(),
            onboarding_id: tenant.id.clone(),
            owner_phone: tenant
                .owner()
                .map(|o| o.phone_number.clone())
                .unwrap_or_default(),
            settings: config.realm_settings.clone(),
        }
        .representation()
    }
}
