//! `ratiba staff add | list | remove` end to end on the embedded default, and
//! `tenants verify` turning its staff warning green once someone has a schedule.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

fn ratiba(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_ratiba"))
        .args(args)
        .current_dir(dir)
        .env("RATIBA_DATA_DIR", dir.join("data"))
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .env_remove("KEYCLOAK_URL")
        .env_remove("RATIBA_ENCRYPTION_KEY")
        .stdin(Stdio::null())
        .output()
        .expect("run ratiba");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn json(run: &Run) -> serde_json::Value {
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

#[test]
fn staff_add_list_remove_and_the_verify_warning() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir: PathBuf = tmp.path().to_path_buf();
    let dir = dir.as_path();
    let seed = fixture("spa_pilot.json");
    assert_eq!(
        ratiba(dir, &["tenants", "create", "--from-json", &seed]).code,
        0
    );
    let menu = fixture("menu_spa.txt");
    let import = ratiba(
        dir,
        &[
            "catalog",
            "import",
            &menu,
            "--tenant",
            "spa_pilot",
            "--commit",
            "--yes",
        ],
    );
    assert_eq!(import.code, 0, "{}", import.stderr);

    // No staff: verify warns, and still passes.
    let verify = ratiba(dir, &["tenants", "verify", "spa_pilot"]);
    assert_eq!(
        verify.code, 0,
        "a warning does not fail verify: {}",
        verify.stdout
    );
    assert!(
        verify.stdout.contains("warn staff_schedules"),
        "{}",
        verify.stdout
    );
    let report = json(&ratiba(dir, &["tenants", "verify", "spa_pilot", "--json"]));
    assert_eq!(report["ok"], true);
    let check = report["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "staff_schedules"))
        .cloned()
        .expect("staff_schedules check");
    assert_eq!(
        (check["ok"].clone(), check["warning"].clone()),
        (false.into(), true.into())
    );

    let added = json(&ratiba(
        dir,
        &[
            "staff",
            "add",
            "--tenant",
            "spa_pilot",
            "--name",
            "Wanjiku",
            "--phone",
            "+254712000111",
            "--service",
            "manicure",
            "--service",
            "Pedicure",
            "--schedule",
            "mon 09:00-13:00",
            "--schedule",
            "Jumamosi 10:00-16:00",
            "--json",
        ],
    ));
    assert_eq!(added["name"], "Wanjiku");
    assert_eq!(
        added["services"],
        serde_json::json!(["Manicure", "Pedicure"])
    );
    assert_eq!(added["schedule"][1]["weekday"], "saturday");
    let id = added["id"].as_str().expect("id").to_string();

    let table = ratiba(dir, &["staff", "list", "--tenant", "spa_pilot"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(
        table.stdout.contains("Wanjiku") && table.stdout.contains("mon 09:00-13:00"),
        "{}",
        table.stdout
    );
    let listed = json(&ratiba(
        dir,
        &["staff", "list", "--tenant", "spa_pilot", "--json"],
    ));
    assert_eq!(listed.as_array().map(Vec::len), Some(1));

    let verify = ratiba(dir, &["tenants", "verify", "spa_pilot"]);
    assert!(
        verify.stdout.contains("ok   staff_schedules"),
        "{}",
        verify.stdout
    );

    // Bad input: exit 2, every field named.
    let bad = ratiba(
        dir,
        &[
            "staff",
            "add",
            "--tenant",
            "spa_pilot",
            "--name",
            "Bad",
            "--service",
            "Massage",
            "--schedule",
            "mon 09:00-13:00",
            "--schedule",
            "mon 12:00-14:00",
            "--schedule",
            "tue 17:00-09:00",
        ],
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    for field in ["services[0]", "schedule[1]", "schedule[2].end"] {
        assert!(bad.stderr.contains(field), "{field} in {}", bad.stderr);
    }
    let unparsed = ratiba(
        dir,
        &[
            "staff",
            "add",
            "--tenant",
            "spa_pilot",
            "--name",
            "X",
            "--schedule",
            "someday 9-5",
        ],
    );
    assert_eq!(unparsed.code, 2);
    assert!(
        unparsed.stderr.contains("schedule[0]"),
        "{}",
        unparsed.stderr
    );
    let nobody = ratiba(dir, &["staff", "list", "--tenant", "nobody"]);
    assert_eq!(nobody.code, 4, "{}", nobody.stderr);

    let removed = ratiba(dir, &["staff", "remove", "--tenant", "spa_pilot", &id]);
    assert_eq!(removed.code, 0, "{}", removed.stderr);
    let again = ratiba(dir, &["staff", "remove", "--tenant", "spa_pilot", &id]);
    assert_eq!(again.code, 4, "{}", again.stderr);
    assert!(ratiba(dir, &["staff", "list", "--tenant", "spa_pilot"])
        .stdout
        .contains("no staff yet"));
}

#[test]
fn seed_loads_services_staff_and_knowledge_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    assert_eq!(
        ratiba(
            dir,
            &[
                "tenants",
                "create",
                "--from-json",
                &fixture("spa_pilot.json")
            ]
        )
        .code,
        0
    );
    let seed = fixture("seed.json");
    let first = ratiba(dir, &["seed", &seed, "--tenant", "spa_pilot", "--json"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let report = json(&first);
    assert_eq!(report["services"]["created"], 3);
    assert_eq!(report["staff_created"], 2);
    assert_eq!(report["knowledge"]["created"], 2);
    let again = ratiba(dir, &["seed", &seed, "--tenant", "spa_pilot"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.contains("0 created, 0 updated, 3 unchanged"),
        "{}",
        again.stdout
    );
    let verify = ratiba(dir, &["tenants", "verify", "spa_pilot"]);
    assert!(!verify.stdout.contains("warn"), "{}", verify.stdout);
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"services": [{"name": "X", "price_kes": 5}], "shifts": []}"#,
    )
    .expect("write");
    let refused = ratiba(
        dir,
        &["seed", &bad.display().to_string(), "--tenant", "spa_pilot"],
    );
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("seed:"), "{}", refused.stderr);
}
