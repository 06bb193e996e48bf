use chrono::Utc;

use crate::ports::{Journal, JournalEntry, JournalState, Leftover};

pub async fn run_all(j: &dyn Journal) {
    let entry = |id: &str| JournalEntry {
        id: id.into(),
        slug: "conf_journal".into(),
        state: JournalState::Started,
        started_at: Utc::now(),
        left_behind: vec![],
    };
    j.start(&entry("01JCONF0000000000000000001"))
        .await
        .expect("start");
    j.start(&entry("01JCONF0000000000000000002"))
        .await
        .expect("start");
    let open = j.open_entries().await.expect("open");
    assert!(open
        .iter()
        .any(|e| e.id == "01JCONF0000000000000000001" && e.state == JournalState::Started));
    j.finish("01JCONF0000000000000000001", JournalState::Done, &[])
        .await
        .expect("finish");
    let left = vec![Leftover::Realm {
        name: "conf_journal".into(),
        onboarding_id: "01JCONF0000000000000000002".into(),
    }];
    j.finish(
        "01JCONF0000000000000000002",
        JournalState::LeftBehind,
        &left,
    )
    .await
    .expect("finish");
    let open = j.open_entries().await.expect("open");
    assert!(
        !open.iter().any(|e| e.id == "01JCONF0000000000000000001"),
        "done entries are closed"
    );
    let kept = open
        .iter()
        .find(|e| e.id == "01JCONF0000000000000000002")
        .expect("left behind is open");
    assert_eq!(kept.left_behind, left, "leftovers survive a round trip");
    j.finish("01JCONF0000000000000000002", JournalState::Resolved, &[])
        .await
        .expect("resolve");
    assert!(j
        .open_entries()
        .await
        .expect("open")
        .iter()
        .all(|e| !e.id.starts_with("01JCONF")));
    assert!(j
        .finish("01JCONFNOSUCHENTRY00000000", JournalState::Done, &[])
        .await
        .is_err());
}
