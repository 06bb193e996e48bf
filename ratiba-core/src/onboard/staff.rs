//! Staff and their weekly schedules, through the schema port.

use super::Onboarder;
use crate::error::Result;
use crate::staff::{StaffMember, StaffSpec};
use crate::tenant::Slug;

impl Onboarder {
    /// Adds a staff member (validated, and its services resolved, by the backend
    /// inside its transaction, so every problem is reported at once) (services by name or id, which the tenant must have; a
    /// schedule without inverted or overlapping intervals). Every problem is a
    /// field error; `NotFound` for an unknown tenant.
    pub async fn add_staff(&self, slug: &Slug, spec: &StaffSpec) -> Result<StaffMember> {
        self.schema.create_staff(slug, spec).await
    }

    /// The tenant's staff, ordered by name.
    pub async fn list_staff(&self, slug: &Slug) -> Result<Vec<StaffMember>> {
        self.schema.list_staff(slug).await
    }

    /// Replaces a staff member's name, phone, services and schedule.
    pub async fn update_staff(
        &self,
        slug: &Slug,
        id: &str,
        spec: &StaffSpec,
    ) -> Result<StaffMember> {
        self.schema.update_staff(slug, id, spec).await
    }

    /// Removes a staff member and their schedule.
    pub async fn remove_staff(&self, slug: &Slug, id: &str) -> Result<()> {
        self.schema.delete_staff(slug, id).await
    }
}
