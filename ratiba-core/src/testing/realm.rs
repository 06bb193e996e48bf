use crate::ports::{RealmDeletion, RealmProvisioner, RealmRequest, RealmSettings};
use crate::ErrorKind;
use crate::Secret;

use super::new_tenant;

fn request(slug: &str) -> RealmRequest {
    RealmRequest::for_tenant(&new_tenant(slug), &RealmSettings::default())
}

pub async fn run_all(p: &dyn RealmProvisioner) {
    create_get_list_delete(p).await;
    a_taken_name_conflicts(p).await;
    delete_only_what_we_created(p).await;
    temporary_passwords(p).await;
}

pub async fn create_get_list_delete(p: &dyn RealmProvisioner) {
    let req = request("conf_realm");
    assert!(p.get("conf_realm").await.expect("get").is_none());
    p.create(&req).await.expect("create");
    let info = p.get("conf_realm").await.expect("get").expect("exists");
    assert!(info.enabled);
    assert_eq!(
        info.onboarding_id.as_deref(),
        Some(req.onboarding_id.as_str())
    );
    for role in ["owner", "admin", "staff"] {
        assert!(
            info.roles.iter().any(|r| r == role),
            "role {role}: {:?}",
            info.roles
        );
    }
    assert!(
        info.clients.iter().any(|c| c == "tenant-admin"),
        "client: {:?}",
        info.clients
    );
    let owner = info
        .users
        .iter()
        .find(|u| u.realm_roles.iter().any(|r| r == "owner"))
        .expect("owner user");
    assert_eq!(
        owner.phone_number.as_deref(),
        Some("+254712345678"),
        "phone attribute kept"
    );
    assert!(p
        .list()
        .await
        .expect("list")
        .iter()
        .any(|r| r.name == "conf_realm"));
    assert_eq!(
        p.delete("conf_realm", Some(&req.onboarding_id))
            .await
            .expect("delete"),
        RealmDeletion::Deleted
    );
    assert_eq!(
        p.delete("conf_realm", None).await.expect("again"),
        RealmDeletion::AlreadyGone
    );
    assert!(p.get("conf_realm").await.expect("get").is_none());
}

pub async fn a_taken_name_conflicts(p: &dyn RealmProvisioner) {
    let first = request("conf_realm_taken");
    p.create(&first).await.expect("create");
    let err = p
        .create(&request("conf_realm_taken"))
        .await
        .expect_err("taken");
    assert_eq!(err.kind(), &ErrorKind::Conflict, "{err}");
    let still = p.get("conf_realm_taken").await.expect("get").expect("kept");
    assert_eq!(
        still.onboarding_id.as_deref(),
        Some(first.onboarding_id.as_str()),
        "the first realm is untouched"
    );
    p.delete("conf_realm_taken", None).await.expect("cleanup");
}

pub async fn delete_only_what_we_created(p: &dyn RealmProvisioner) {
    let req = request("conf_realm_guard");
    p.create(&req).await.expect("create");
    let err = p
        .delete("conf_realm_guard", Some("01JOTHERONBOARDING000000000"))
        .await
        .expect_err("not ours");
    assert_eq!(err.kind(), &ErrorKind::Conflict);
    assert!(
        p.get("conf_realm_guard").await.expect("get").is_some(),
        "left alone"
    );
    p.delete("conf_realm_guard", Some(&req.onboarding_id))
        .await
        .expect("ours");
}

/// The owner's one-time password: `NotFound` for a missing realm or user; a
/// backend nobody can sign in to answers `Conflict` for every user instead.
pub async fn temporary_passwords(p: &dyn RealmProvisioner) {
    let password = Secret::new("Temp-Pass-1234-abcd");
    let err = p
        .set_temporary_password("conf_realm_nopass", "254712345678", &password)
        .await
        .expect_err("no such realm");
    assert_eq!(err.kind(), &ErrorKind::NotFound, "{err}");
    let req = request("conf_realm_pass");
    p.create(&req).await.expect("create");
    match p
        .set_temporary_password("conf_realm_pass", &req.owner_username(), &password)
        .await
    {
        Ok(()) => {
            let again = Secret::new("Temp-Pass-5678-efgh");
            p.set_temporary_password("conf_realm_pass", &req.owner_username(), &again)
                .await
                .expect("a second password replaces the first");
            let err = p
                .set_temporary_password("conf_realm_pass", "254700000000", &password)
                .await
                .expect_err("no such user");
            assert_eq!(err.kind(), &ErrorKind::NotFound, "{err}");
        }
        Err(err) => assert_eq!(
            err.kind(),
            &ErrorKind::Conflict,
            "{}: a backend without sign-in says so: {err}",
            p.backend_name()
        ),
    }
    p.delete("conf_realm_pass", Some(&req.onboarding_id))
        .await
        .expect("cleanup");
}
