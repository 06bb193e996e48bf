use crate::catalog::{CatalogCommit, CatalogDraft, Extraction, Relation, ServiceRow};
use crate::ports::SchemaProvisioner;
use crate::tenant::{Slug, BUSINESS_TABLES};
use crate::ErrorKind;

use super::new_tenant;

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

pub async fn run_all(p: &dyn SchemaProvisioner) {
    prepare_is_invisible_until_commit(p).await;
    rollback_leaves_nothing(p).await;
    a_taken_slug_conflicts(p).await;
    abandoned_store_is_an_orphan(p).await;
    delete_removes_everything(p).await;
    catalog_commit_rules(p).await;
    whatsapp_credentials(p).await;
    knowledge(p).await;
    staff(p).await;
}

pub async fn prepare_is_invisible_until_commit(p: &dyn SchemaProvisioner) {
    let new = new_tenant("conf_commit");
    let s = new.spec.slug.clone();
    let pending = p.prepare(&new).await.expect("prepare");
    let before = p.get(&s).await.expect_err("invisible before commit");
    assert_eq!(
        before.kind(),
        &ErrorKind::NotFound,
        "get before commit: {before}"
    );
    assert!(!p
        .list()
        .await
        .expect("list")
        .iter()
        .any(|t| t.slug == s.as_str()));
    let created = pending.commit().await.expect("commit");
    assert_eq!(created.id, new.id.to_string());
    assert_eq!(created.status.as_str(), "trial");
    let got = p.get(&s).await.expect("get after commit");
    assert_eq!(got, created, "get returns what commit returned");
    assert_eq!(
        got.owner().map(|o| o.phone_number.as_str()),
        Some("+254712345678")
    );
    assert!(p
        .list()
        .await
        .expect("list")
        .iter()
        .any(|t| t.slug == s.as_str()));
    let store = p.inspect(&s).await.expect("inspect");
    assert!(store.store_exists);
    for table in BUSINESS_TABLES.iter().chain(p.checkpoint_tables()) {
        assert!(
            store.tables.iter().any(|t| t == table),
            "table {table} missing: {:?}",
            store.tables
        );
    }
    p.delete(&s).await.expect("cleanup");
}

pub async fn rollback_leaves_nothing(p: &dyn SchemaProvisioner) {
    let new = new_tenant("conf_rollback");
    let s = new.spec.slug.clone();
    p.prepare(&new)
        .await
        .expect("prepare")
        .rollback()
        .await
        .expect("rollback");
    assert_eq!(
        p.get(&s).await.expect_err("gone").kind(),
        &ErrorKind::NotFound
    );
    assert!(
        !p.inspect(&s).await.expect("inspect").store_exists,
        "no store after rollback"
    );
    assert!(
        p.orphan_stores().await.expect("orphans").is_empty(),
        "no orphan after rollback"
    );
    // The slug is free again.
    p.prepare(&new_tenant("conf_rollback"))
        .await
        .expect("prepare again")
        .rollback()
        .await
        .expect("rollback");
}

pub async fn a_taken_slug_conflicts(p: &dyn SchemaProvisioner) {
    let s = slug("conf_taken");
    p.prepare(&new_tenant("conf_taken"))
        .await
        .expect("prepare")
        .commit()
        .await
        .expect("commit");
    let err = match p.prepare(&new_tenant("conf_taken")).await {
        Ok(_) => panic!("a second tenant with a taken slug was prepared"),
        Err(e) => e,
    };
    assert_eq!(err.kind(), &ErrorKind::Conflict, "{err}");
    p.delete(&s).await.expect("cleanup");
}

pub async fn abandoned_store_is_an_orphan(p: &dyn SchemaProvisioner) {
    let s = slug("conf_orphan");
    p.prepare(&new_tenant("conf_orphan"))
        .await
        .expect("prepare")
        .abandon()
        .await;
    assert_eq!(
        p.get(&s).await.expect_err("not registered").kind(),
        &ErrorKind::NotFound
    );
    let orphans = p.orphan_stores().await.expect("orphans");
    if p.abandoned_prepare_leaves_store() {
        assert!(
            !orphans.is_empty(),
            "an abandoned onboarding leaves an orphan store"
        );
    } else {
        assert!(
            orphans.is_empty(),
            "the store is built in the registry's transaction: a crash leaves nothing, found {orphans:?}"
        );
        assert!(
            !p.inspect(&s).await.expect("inspect").store_exists,
            "no store after a crash"
        );
    }
    for name in &orphans {
        assert!(
            name.starts_with("conf_orphan"),
            "orphan named after its slug: {name}"
        );
        p.drop_orphan_store(name).await.expect("drop orphan");
    }
    assert!(p.orphan_stores().await.expect("orphans").is_empty());
    p.prepare(&new_tenant("conf_orphan"))
        .await
        .expect("slug free")
        .rollback()
        .await
        .expect("rollback");
}

pub async fn delete_removes_everything(p: &dyn SchemaProvisioner) {
    let s = slug("conf_delete");
    p.prepare(&new_tenant("conf_delete"))
        .await
        .expect("prepare")
        .commit()
        .await
        .expect("commit");
    let err = p
        .drop_orphan_store("conf_delete")
        .await
        .expect_err("a registered store is not an orphan");
    assert_eq!(err.kind(), &ErrorKind::Conflict);
    p.delete(&s).await.expect("delete");
    assert_eq!(
        p.get(&s).await.expect_err("gone").kind(),
        &ErrorKind::NotFound
    );
    assert!(!p.inspect(&s).await.expect("inspect").store_exists);
    assert!(p.orphan_stores().await.expect("orphans").is_empty());
    assert_eq!(
        p.delete(&s).await.expect_err("twice").kind(),
        &ErrorKind::NotFound
    );
}

fn row(name: &str, price: u32) -> ServiceRow {
    ServiceRow {
        name: name.into(),
        price_kes: price,
        duration_minutes: Some(30),
        category: Some("Nails".into()),
    }
}

pub async fn catalog_commit_rules(p: &dyn SchemaProvisioner) {
    let s = slug("conf_catalog");
    p.prepare(&new_tenant("conf_catalog"))
        .await
        .expect("prepare")
        .commit()
        .await
        .expect("commit");
    let draft = CatalogDraft {
        source: "text".into(),
        floor_kes: 100,
        extraction: Extraction::default(),
    };
    let import_id = p.save_catalog_draft(&s, &draft).await.expect("draft");
    assert_eq!(
        p.load_catalog_draft(&s, &import_id)
            .await
            .expect("draft back"),
        draft,
        "a draft reads back as stored"
    );
    let missing = p
        .load_catalog_draft(&s, "01JNOSUCHIMPORT0000000000")
        .await
        .expect_err("unknown import");
    assert_eq!(missing.kind(), &ErrorKind::NotFound);
    let commit = CatalogCommit {
        import_id: Some(import_id),
        services: vec![row("Manicure", 1500), row("Pedicure", 800)],
        relations: vec![Relation {
            service: "Manicure".into(),
            related: "Pedicure".into(),
            relation_type: "cross_sell".into(),
        }],
    };
    let first = p.commit_catalog(&s, &commit).await.expect("commit");
    assert_eq!(
        (
            first.created,
            first.updated,
            first.unchanged,
            first.relations
        ),
        (2, 0, 0, 1)
    );
    let again = p.commit_catalog(&s, &commit).await.expect("commit twice");
    assert_eq!(
        (again.created, again.updated),
        (0, 0),
        "the same import twice does nothing"
    );
    let changed = CatalogCommit {
        import_id: None,
        services: vec![
            row("  manicure ", 1500),
            row("Pedicure", 900),
            row("Gel Polish", 1800),
        ],
        relations: vec![],
    };
    let third = p.commit_catalog(&s, &changed).await.expect("update");
    assert_eq!(
        (third.created, third.updated, third.unchanged),
        (1, 2, 0),
        "names match ignoring case and spacing"
    );
    let services = p.list_services(&s).await.expect("services");
    let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Gel Polish", "Pedicure", "manicure"]);
    assert_eq!(services[1].price_kes, 900);
    let missing = p
        .list_services(&slug("conf_nobody"))
        .await
        .expect_err("unknown tenant");
    assert_eq!(missing.kind(), &ErrorKind::NotFound);
    p.delete(&s).await.expect("cleanup");
}

/// Credentials can be replaced on a tenant, and never on a missing one.
pub async fn whatsapp_credentials(p: &dyn SchemaProvisioner) {
    let s = slug("conf_whatsapp");
    p.prepare(&new_tenant("conf_whatsapp"))
        .await
        .expect("prepare")
        .commit()
        .await
        .expect("commit");
    let creds = crate::tenant::WhatsAppCredentials::parse(&serde_json::json!({
        "whatsapp_phone_number_id": "1234567890", "whatsapp_access_token": "EAAGconformance"
    }))
    .expect("valid");
    p.set_whatsapp(&s, &creds).await.expect("set");
    p.set_whatsapp(&s, &creds).await.expect("set again");
    let err = p
        .set_whatsapp(&slug("conf_nobody"), &creds)
        .await
        .expect_err("missing tenant");
    assert_eq!(err.kind(), &ErrorKind::NotFound);
    p.delete(&s).await.expect("cleanup");
}

fn interval(day: &str, start: &str, end: &str) -> crate::staff::ScheduleInterval {
    crate::staff::ScheduleInterval {
        weekday: crate::staff::Weekday::parse(day).unwrap_or_else(|| panic!("{day}")),
        start: crate::staff::TimeOfDay::parse(start).unwrap_or_else(|| panic!("{start}")),
        end: crate::staff::TimeOfDay::parse(end).unwrap_or_else(|| panic!("{end}")),
    }
}

/// Staff with services (by name or id, which must exist) and a weekly schedule:
/// create, list, update (a full replacement), delete; bad input is a field error
/// and writes nothing.
pub async fn staff(p: &dyn SchemaProvisioner) {
    use crate::staff::StaffSpec;
    let s = slug("conf_staff");
    p.prepare(&new_tenant("conf_staff"))
        .await
        .expect("prepare")
        .commit()
        .await
        .expect("commit");
    assert!(p.list_staff(&s).await.expect("no staff yet").is_empty());
    p.commit_catalog(
        &s,
        &CatalogCommit {
            import_id: None,
            services: vec![row("Manicure", 1500), row("Pedicure", 800)],
            relations: vec![],
        },
    )
    .await
    .expect("catalog");
    let pedicure_id = p
        .list_services(&s)
        .await
        .expect("services")
        .into_iter()
        .find(|x| x.name == "Pedicure")
        .map(|x| x.id)
        .expect("pedicure");
    let spec = StaffSpec {
        name: " Wanjiku ".into(),
        phone: Some("+254 712 000 111".into()),
        services: vec!["  manicure".into(), pedicure_id.clone()],
        schedule: vec![
            interval("sat", "10:00", "16:00"),
            interval("mon", "13:00", "17:00"),
            interval("mon", "09:00", "13:00"),
            interval("fri", "18:00", "24:00"),
        ],
    };
    let created = p.create_staff(&s, &spec).await.expect("create");
    assert_eq!(created.name, "Wanjiku");
    assert_eq!(created.phone.as_deref(), Some("+254712000111"));
    assert_eq!(created.services, ["Manicure", "Pedicure"]);
    assert_eq!(
        created.schedule,
        [
            interval("mon", "09:00", "13:00"),
            interval("mon", "13:00", "17:00"),
            interval("fri", "18:00", "24:00"),
            interval("sat", "10:00", "16:00"),
        ],
        "ordered by day and start; 24:00 ends a day"
    );
    let other = p
        .create_staff(
            &s,
            &StaffSpec {
                name: "Achieng".into(),
                ..StaffSpec::default()
            },
        )
        .await
        .expect("create without services or schedule");
    assert_eq!(
        p.list_staff(&s).await.expect("list"),
        [other.clone(), created.clone()],
        "ordered by name, as created"
    );

    // Bad input: every problem named, nothing written.
    let bad = StaffSpec {
        name: "Bad".into(),
        phone: Some("0712".into()),
        services: vec!["Massage".into()],
        schedule: vec![
            interval("mon", "09:00", "13:00"),
            interval("mon", "12:00", "10:00"),
            interval("mon", "12:00", "14:00"),
        ],
    };
    let err = p.create_staff(&s, &bad).await.expect_err("invalid");
    assert!(matches!(err.kind(), ErrorKind::Validation { .. }), "{err}");
    let mut fields: Vec<&str> = err
        .field_errors()
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        ["phone", "schedule[1].end", "schedule[2]", "services[0]"],
        "{err}"
    );
    assert_eq!(p.list_staff(&s).await.expect("list").len(), 2);

    // Update replaces everything.
    let replaced = StaffSpec {
        name: "Wanjiku M.".into(),
        phone: None,
        services: vec!["PEDICURE".into()],
        schedule: vec![interval("tue", "08:00", "12:30")],
    };
    let updated = p
        .update_staff(&s, &created.id, &replaced)
        .await
        .expect("update");
    assert_eq!(updated.id, created.id);
    assert_eq!(updated.name, "Wanjiku M.");
    assert_eq!(updated.phone, None);
    assert_eq!(updated.services, ["Pedicure"]);
    assert_eq!(updated.schedule, [interval("tue", "08:00", "12:30")]);
    let listed = p.list_staff(&s).await.expect("list");
    assert_eq!(listed, [other.clone(), updated.clone()]);
    let err = p
        .update_staff(&s, &created.id, &bad)
        .await
        .expect_err("invalid update");
    assert!(matches!(err.kind(), ErrorKind::Validation { .. }), "{err}");
    assert_eq!(p.list_staff(&s).await.expect("list"), listed, "unchanged");
    for missing_id in [
        "01JNOBODY0000000000000000",
        "00000000-0000-0000-0000-000000000000",
    ] {
        let err = p
            .update_staff(&s, missing_id, &replaced)
            .await
            .expect_err("unknown staff");
        assert_eq!(err.kind(), &ErrorKind::NotFound, "{err}");
        let err = p
            .delete_staff(&s, missing_id)
            .await
            .expect_err("unknown staff");
        assert_eq!(err.kind(), &ErrorKind::NotFound, "{err}");
    }

    p.delete_staff(&s, &created.id).await.expect("delete");
    assert_eq!(p.list_staff(&s).await.expect("list"), [other]);
    let err = p
        .delete_staff(&s, &created.id)
        .await
        .expect_err("deleted twice");
    assert_eq!(err.kind(), &ErrorKind::NotFound);

    let nobody = slug("conf_nobody");
    let err = p.list_staff(&nobody).await.expect_err("unknown tenant");
    assert_eq!(err.kind(), &ErrorKind::NotFound);
    let err = p
        .create_staff(&nobody, &replaced)
        .await
        .expect_err("unknown tenant");
    assert_eq!(err.kind(), &ErrorKind::NotFound);
    p.delete(&s).await.expect("cleanup");
}

/// Knowledge snippets: stored, replaced by topic (any case) and locale, listed.
pub async fn knowledge(p: &dyn SchemaProvisioner) {
    use crate::knowledge::{validate, KnowledgeSnippet};
    let s = slug("conf_knowledge");
    p.prepare(&new_tenant("conf_knowledge"))
        .await
        .expect("prepare")
        .commit()
        .await
        .expect("commit");
    let batch = validate(
        &[
            KnowledgeSnippet {
                topic: "Parking".into(),
                content: "Behind the building".into(),
                locale: None,
            },
            KnowledgeSnippet {
                topic: "M-Pesa".into(),
                content: "Till 123456".into(),
                locale: Some("en".into()),
            },
            KnowledgeSnippet {
                topic: "M-Pesa".into(),
                content: "Lipa na M-Pesa, till 123456".into(),
                locale: Some("sw".into()),
            },
        ],
        "knowledge",
    )
    .expect("valid");
    let first = p.put_knowledge(&s, &batch).await.expect("put");
    assert_eq!((first.created, first.updated), (3, 0));
    let again = validate(
        &[KnowledgeSnippet {
            topic: "parking".into(),
            content: "Free, behind the building".into(),
            locale: None,
        }],
        "knowledge",
    )
    .expect("valid");
    let second = p.put_knowledge(&s, &again).await.expect("put again");
    assert_eq!(
        (second.created, second.updated),
        (0, 1),
        "same topic and locale replaces"
    );
    let all = p.list_knowledge(&s).await.expect("list");
    assert_eq!(all.len(), 3);
    assert!(all.iter().any(|k| k.content == "Free, behind the building"));
    let err = p
        .put_knowledge(&slug("conf_nobody"), &again)
        .await
        .expect_err("missing tenant");
    assert_eq!(err.kind(), &ErrorKind::NotFound);
    p.delete(&s).await.expect("cleanup");
}
