use serde::Serialize;

use super::Onboarder;
use crate::error::{ErrorKind, Result};
use crate::tenant::{AdminRole, Slug, BUSINESS_TABLES};

/// One verified artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
    /// A failed warning is reported but does not fail the report (serialised only
    /// when set, so reports without warnings read as before).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub warning: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub slug: String,
    pub ok: bool,
    pub checks: Vec<Check>,
}

impl VerifyReport {
    /// Failed checks that fail the report (warnings excluded).
    pub fn failed(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.ok && !c.warning)
    }

    /// Failed warnings: reported, but the report stays `ok`.
    pub fn warnings(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.ok && c.warning)
    }
}

fn check(name: &'static str, ok: bool, detail: impl Into<String>) -> Check {
    Check {
        name,
        ok,
        detail: detail.into(),
        warning: false,
    }
}

impl Onboarder {
    /// Checks every artifact of a tenant. Failed checks are reported, not raised:
    /// only a backend that cannot be asked is an error.
    pub async fn verify(&self, slug: &Slug) -> Result<VerifyReport> {
        let mut checks = Vec::new();
        let tenant = match self.schema.get(slug).await {
            Ok(t) => Some(t),
            Err(e) if matches!(e.kind(), ErrorKind::NotFound) => None,
            Err(e) => return Err(e),
        };
        checks.push(check(
            "registry_row",
            tenant.is_some(),
            match &tenant {
                Some(t) => format!("tenant {} ({})", t.id, t.status.as_str()),
                None => format!("no row in tenants for slug '{slug}'"),
            },
        ));
        let owner = tenant.as_ref().and_then(|t| t.owner().cloned());
        checks.push(check(
            "owner_admin",
            owner.as_ref().is_some_and(|o| o.is_active),
            match &owner {
                Some(o) if o.is_active => format!("owner {}", o.phone_number),
                Some(o) => format!("owner {} is not active", o.phone_number),
                None => "no tenant_admins row with role owner".into(),
            },
        ));

        let store = self.schema.inspect(slug).await?;
        checks.push(check(
            "tenant_store",
            store.store_exists,
            if store.store_exists {
                format!("{} store present", self.schema.backend_name())
            } else {
                "the tenant store does not exist".into()
            },
        ));
        let missing: Vec<&str> = BUSINESS_TABLES
            .iter()
            .chain(self.schema.checkpoint_tables())
            .copied()
            .filter(|t| !store.tables.iter().any(|have| have == t))
            .collect();
        checks.push(check(
            "tables",
            store.store_exists && missing.is_empty(),
            if missing.is_empty() {
                format!("{} tables", store.tables.len())
            } else {
                format!("missing: {}", missing.join(", "))
            },
        ));
        if store.store_exists {
            for c in self.schema.store_checks(slug).await? {
                checks.push(check(c.name, c.ok, c.detail));
            }
        }

        let realm = self.realms.get(slug.as_str()).await?;
        checks.push(check(
            "realm",
            realm.is_some(),
            if realm.is_some() {
                format!("realm '{slug}' ({})", self.realms.backend_name())
            } else {
                format!("realm '{slug}' does not exist")
            },
        ));
        if let Some(realm) = realm {
            checks.push(check(
                "realm_enabled",
                realm.enabled,
                if realm.enabled { "enabled" } else { "disabled" },
            ));
            let client = &self.settings.realm.admin_client_id;
            let has_client = realm.clients.iter().any(|c| c == client);
            checks.push(check(
                "realm_client",
                has_client,
                if has_client {
                    format!("client '{client}'")
                } else {
                    format!("client '{client}' missing")
                },
            ));
            let missing_roles: Vec<&str> = AdminRole::ALL
                .iter()
                .map(|r| r.as_str())
                .filter(|r| !realm.roles.iter().any(|have| have == r))
                .collect();
            checks.push(check(
                "realm_roles",
                missing_roles.is_empty(),
                if missing_roles.is_empty() {
                    "owner, admin, staff".to_string()
                } else {
                    format!("missing roles: {}", missing_roles.join(", "))
                },
            ));
            let owner_phone = owner.as_ref().map(|o| o.phone_number.as_str());
            let realm_owner = realm.users.iter().find(|u| {
                u.realm_roles.iter().any(|r| r == "owner")
                    && u.phone_number.as_deref() == owner_phone
            });
            checks.push(check(
                "realm_owner",
                realm_owner.is_some(),
                match realm_owner {
                    Some(u) => format!("user '{}' with role owner", u.username),
                    None => "no realm user with role owner and the owner's phone number".into(),
                },
            ));
        }
        if tenant.is_some() && store.store_exists {
            // A warning, like staff: a tenant fresh from onboarding has no menu yet.
            match self.schema.list_services(slug).await {
                Ok(services) => {
                    let mut c = check(
                        "catalog",
                        !services.is_empty(),
                        if services.is_empty() {
                            "no services yet: the assistant has nothing to offer (import the menu with `ratiba catalog import`)"
                                .to_string()
                        } else {
                            format!("{} services", services.len())
                        },
                    );
                    c.warning = true;
                    checks.push(c);
                }
                Err(e) if matches!(e.kind(), ErrorKind::NotFound) => {}
                Err(e) => return Err(e),
            }
            match self.schema.list_staff(slug).await {
                Ok(staff) => {
                    let scheduled = staff.iter().filter(|m| !m.schedule.is_empty()).count();
                    let mut c = check(
                        "staff_schedules",
                        scheduled > 0,
                        if scheduled > 0 {
                            format!("{scheduled} of {} staff with a schedule", staff.len())
                        } else if staff.is_empty() {
                            "no staff yet: bookings stall at slot collection (add one with `ratiba staff add`)"
                                .to_string()
                        } else {
                            format!(
                                "none of {} staff has a schedule: bookings stall at slot collection",
                                staff.len()
                            )
                        },
                    );
                    c.warning = true;
                    checks.push(c);
                }
                Err(e) if matches!(e.kind(), ErrorKind::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        let ok = checks.iter().all(|c| c.ok || c.warning);
        Ok(VerifyReport {
            slug: slug.to_string(),
            ok,
            checks,
        })
    }
}
