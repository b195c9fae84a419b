//! The operator's command line, run as the real binary.

mod common;

use std::process::{Command, Output};

fn run(url: &str, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dieuhanh"));
    cmd.arg("--database-url")
        .arg(url)
        .args(args)
        .env("DIEUHANH_LOG", "error");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("run dieuhanh")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test]
async fn any_province_can_be_initialised_once() {
    let (url, _db) = common::fresh_database().await;
    let out = run(&url, &["init", "--province", "01"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("province 01: 127 units loaded"),
        "{}",
        text(&out)
    );
    let again = run(&url, &["init"], &[]);
    assert!(!again.status.success());
    assert!(
        text(&again).contains("already initialised for province 01"),
        "{}",
        text(&again)
    );

    let (url, _db) = common::fresh_database().await;
    let bad = run(&url, &["init", "--province", "99"], &[]);
    assert!(!bad.status.success());
    assert!(
        text(&bad).contains("unknown province code 99"),
        "{}",
        text(&bad)
    );
    let store = dieuhanh_store::Store::connect(&url).await.unwrap();
    assert_eq!(
        store.count_rows("units").await.unwrap(),
        0,
        "a failed init leaves nothing behind"
    );
    store.close().await;
}

#[tokio::test]
async fn accounts_are_managed_from_the_command_line() {
    let (url, _db) = common::fresh_database().await;
    assert!(run(&url, &["init"], &[]).status.success());
    let pw = [("DIEUHANH_NEW_PASSWORD", "cli password 1")];
    let out = run(
        &url,
        &[
            "user",
            "add",
            "--username",
            "an.nguyen",
            "--full-name",
            "Nguyễn An",
            "--role",
            "unit_leader",
            "--unit",
            "26743",
        ],
        &pw,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Phường Bến Thành"));
    let dup = run(
        &url,
        &[
            "user",
            "add",
            "--username",
            "an.nguyen",
            "--full-name",
            "X",
            "--role",
            "unit_leader",
        ],
        &pw,
    );
    assert!(
        !dup.status.success() && text(&dup).contains("already exists"),
        "{}",
        text(&dup)
    );
    let bad_role = run(
        &url,
        &[
            "user",
            "add",
            "--username",
            "b.b",
            "--full-name",
            "X",
            "--role",
            "mayor",
        ],
        &pw,
    );
    assert!(!bad_role.status.success() && text(&bad_role).contains("unknown role mayor"));
    let bad_unit = run(
        &url,
        &[
            "user",
            "add",
            "--username",
            "b.b",
            "--full-name",
            "X",
            "--role",
            "unit_officer",
            "--unit",
            "123",
        ],
        &pw,
    );
    assert!(!bad_unit.status.success() && text(&bad_unit).contains("no unit with code 123"));

    let list = run(&url, &["user", "list"], &[]);
    assert!(
        text(&list).contains("an.nguyen") && text(&list).contains("1 accounts"),
        "{}",
        text(&list)
    );
    let reset = run(&url, &["user", "reset-password", "an.nguyen"], &[]);
    assert!(
        reset.status.success() && text(&reset).contains("generated password: "),
        "{}",
        text(&reset)
    );
    let disable = run(&url, &["user", "disable", "an.nguyen"], &[]);
    assert!(disable.status.success());
    assert!(text(&run(&url, &["user", "list"], &[])).contains("disabled"));
    let verify = run(&url, &["audit", "verify"], &[]);
    assert!(verify.status.success(), "{}", text(&verify));
}

#[tokio::test]
async fn a_sqlite_backup_is_a_complete_database() {
    if common::postgres_requested() {
        return; // `backup` copies SQLite files; PostgreSQL is backed up with pg_dump.
    }
    let (url, _db) = common::fresh_database().await;
    assert!(run(&url, &["init"], &[]).status.success());
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("copy.db");
    let out = run(&url, &["backup", "--to", target.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", text(&out));
    let copy = dieuhanh_store::Store::connect(&format!("sqlite://{}", target.display()))
        .await
        .unwrap();
    assert_eq!(copy.count_rows("units").await.unwrap(), 185);
    assert_eq!(copy.count_rows("unit_boundaries").await.unwrap(), 168);
    copy.close().await;
    let again = run(&url, &["backup", "--to", target.to_str().unwrap()], &[]);
    assert!(!again.status.success() && text(&again).contains("already exists"));
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["demo", "--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["init", "--help"],
        vec!["user", "add", "--help"],
        vec!["audit", "verify", "--help"],
        vec!["audit", "anchor", "--help"],
        vec!["backup", "--help"],
        vec!["calendar", "set", "--help"],
        vec!["bench", "--help"],
        vec!["bench", "run", "--help"],
        vec!["bench", "generate", "--help"],
        vec!["rotate-key", "--help"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_dieuhanh"))
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

#[tokio::test]
async fn bench_runs_only_the_scenarios_asked_for() {
    let (url, _db) = common::fresh_database().await;
    let secret = "7f".repeat(32);
    let key = [("DIEUHANH_SECRET_KEY", secret.as_str())];
    let out = run(
        &url,
        &["bench", "run", "--iterations", "10", "--only", "foundation"],
        &key,
    );
    assert!(out.status.success(), "{}", text(&out));
    let shown = text(&out);
    assert!(
        shown.contains("GET /api/v1/units?q=") && shown.contains("POST /api/v1/auth/login"),
        "{shown}"
    );
    assert!(
        !shown.contains("write path") && !shown.contains("staffing proposal"),
        "{shown}"
    );
    let bad = run(&url, &["bench", "run", "--only", "everything"], &key);
    assert!(!bad.status.success());
    assert!(
        text(&bad).contains("invalid value 'everything'") && text(&bad).contains("lookup"),
        "{}",
        text(&bad)
    );
}

#[tokio::test]
async fn a_holiday_notice_is_entered_from_a_file() {
    let (url, _db) = common::fresh_database().await;
    assert!(run(&url, &["init"], &[]).status.success());
    let shown = run(&url, &["calendar", "show"], &[]);
    assert!(
        text(&shown).contains("2026  complete")
            && text(&shown).contains("2027  incomplete from 2027-01-30"),
        "{}",
        text(&shown)
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("2028.txt");
    std::fs::write(&file, "01/01/2028, statutory, Tết Dương lịch\n2028-01-24, announced_tet_day, Tết\n2028-01-03, swap_work, wrong\n").unwrap();
    let bad = run(
        &url,
        &[
            "calendar",
            "set",
            "2028",
            "--notice",
            file.to_str().unwrap(),
            "--source",
            "TB 2/TB-BNV",
        ],
        &[],
    );
    assert!(
        !bad.status.success() && text(&bad).contains("line 3: swap work on weekday"),
        "{}",
        text(&bad)
    );
    std::fs::write(
        &file,
        "01/01/2028, statutory, Tết Dương lịch\n2028-01-24, announced_tet_day, Tết\n",
    )
    .unwrap();
    let ok = run(
        &url,
        &[
            "calendar",
            "set",
            "2028",
            "--notice",
            file.to_str().unwrap(),
            "--source",
            "TB 2/TB-BNV",
            "--incomplete-from",
            "01/04/2028",
        ],
        &[],
    );
    assert!(ok.status.success(), "{}", text(&ok));
    let shown = run(&url, &["calendar", "show", "2028"], &[]);
    assert!(
        text(&shown).contains("2028-01-24, announced_tet_day, Tết"),
        "{}",
        text(&shown)
    );
    assert!(run(&url, &["audit", "verify"], &[]).status.success());
}
