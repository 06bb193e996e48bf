//! `seed`: bulk-load a tenant's catalog rows, staff and knowledge snippets from one
//! document, for test automation. Everything is validated before anything is
//! written; each part is then written in its own transaction, and seeding the
//! same document again changes nothing.

use serde::{Deserialize, Serialize};

use super::Onboarder;
use crate::catalog::{name_key, CatalogCommit, CommitReport, Relation, ServiceRow};
use crate::error::{Error, FieldError, Result};
use crate::knowledge::{self, KnowledgeReport, KnowledgeSnippet};
use crate::staff::{StaffRequest, StaffSpec};
use crate::tenant::Slug;

/// The seed document (`ratiba seed --tenant SLUG FILE`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedData {
    #[serde(default)]
    pub services: Vec<ServiceRow>,
    #[serde(default)]
    pub relations: Vec<Relation>,
    #[serde(default)]
    pub staff: Vec<StaffRequest>,
    #[serde(default)]
    pub knowledge: Vec<KnowledgeSnippet>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SeedReport {
    pub services: CommitReport,
    pub staff_created: usize,
    pub staff_updated: usize,
    pub knowledge: KnowledgeReport,
}

impl Onboarder {
    pub async fn seed(&self, slug: &Slug, data: &SeedData) -> Result<SeedReport> {
        self.schema.get(slug).await?;
        let mut errors: Vec<FieldError> = Vec::new();
        let commit = CatalogCommit {
            import_id: None,
            services: data.services.clone(),
            relations: data.relations.clone(),
        };
        if !commit.services.is_empty() || !commit.relations.is_empty() {
            if let Err(e) = commit.validate(self.settings.floor_kes) {
                errors.extend(e.field_errors().iter().cloned());
            }
        }
        let mut staff: Vec<StaffSpec> = Vec::new();
        for (i, request) in data.staff.iter().enumerate() {
            match request
                .clone()
                .into_spec()
                .and_then(|spec| spec.validate().map(|()| spec))
            {
                Ok(spec) => staff.push(spec),
                Err(e) => errors.extend(e.field_errors().iter().map(|f| {
                    FieldError::new(format!("staff[{i}].{}", f.field), f.message.clone())
                })),
            }
        }
        let snippets = match knowledge::validate(&data.knowledge, "knowledge") {
            Ok(s) => s,
            Err(e) => {
                errors.extend(e.field_errors().iter().cloned());
                vec![]
            }
        };
        if !errors.is_empty() {
            return Err(Error::validation(errors));
        }

        let mut report = SeedReport::default();
        if !commit.services.is_empty() {
            report.services = self.schema.commit_catalog(slug, &commit).await?;
        }
        // Staff are matched by name, so seeding twice updates rather than duplicates.
        let existing = if staff.is_empty() {
            vec![]
        } else {
            self.schema.list_staff(slug).await?
        };
        for spec in &staff {
            match existing
                .iter()
                .find(|m| name_key(&m.name) == name_key(&spec.name))
            {
                Some(member) => {
                    self.schema.update_staff(slug, &member.id, spec).await?;
                    report.staff_updated += 1;
                }
                None => {
                    self.schema.create_staff(slug, spec).await?;
                    report.staff_created += 1;
                }
            }
        }
        if !snippets.is_empty() {
            report.knowledge = self.schema.put_knowledge(slug, &snippets).await?;
        }
        Ok(report)
    }
}
