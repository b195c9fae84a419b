//! The audit trail: every change is recorded in the same transaction, shown as a
//! timeline, and `dieuhanh audit verify` finds any edit, deletion or reordering.

mod common;

use common::TestApp;
use std::process::Command;

fn verify(app: &TestApp) -> (bool, String) {
    audit(app, &["verify"])
}

fn audit(app: &TestApp, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dieuhanh"))
        .args(["--database-url", &app.database_url, "audit"])
        .args(args)
        .env("DIEUHANH_LOG", "error")
        .env("DIEUHANH_SECRET_KEY", "5a".repeat(32))
        .output()
        .expect("run dieuhanh");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[tokio::test]
async fn changes_are_recorded_and_shown_as_a_timeline() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            "/admin/users",
            &[
                ("username", "new.clerk"),
                ("full_name", "Trương Thị Sổ"),
                ("role", "unit_officer"),
                ("unit", "26743"),
                ("password", "a long password"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let (status, html) = app.get(&admin, "/audit?unit=26743").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Tạo tài khoản"),
        "the creation is on the unit's timeline"
    );
    assert!(html.contains("Trương Thị Sổ"));
    assert!(html.contains("Quản trị hệ thống"), "with the actor");

    let token = app.token("admin").await;
    let (_, body) = app
        .api_get(Some(&token), "/api/v1/audit?unit=26743&entity=user")
        .await;
    let entries = body["items"].as_array().unwrap();
    let created = entries
        .iter()
        .find(|e| {
            e["action"] == "user.create" && e["summary"].as_str().unwrap().contains("new.clerk")
        })
        .unwrap();
    assert!(created["at"].as_str().unwrap().ends_with("+07:00"));
    assert_eq!(created["hash"].as_str().unwrap().len(), 64);

    // A citizen sees only their own actions.
    let citizen = app.signed_in("congdan").await;
    let (_, html) = app.get(&citizen, "/audit").await;
    assert!(!html.contains("Trương Thị Sổ"));
    assert!(html.contains("Đăng nhập"));
}

#[tokio::test]
async fn verify_finds_edits_deletions_and_reordering() {
    let app = TestApp::spawn().await;
    let _ = app.signed_in("benthanh.canbo").await;
    let _ = app.signed_in("benthanh.lanhdao").await;
    let (ok, text) = verify(&app);
    assert!(ok, "{text}");
    assert!(text.contains("audit trail intact"));

    let unit: i64 = dieuhanh_store::units::by_code(&app.store, "26743")
        .await
        .unwrap()
        .id;
    // Edited summary.
    app.store
        .execute_admin(&format!(
            "UPDATE audit_log SET summary = '{{}}' WHERE unit_id = {unit} AND seq = 2"
        ))
        .await
        .unwrap();
    let (ok, text) = verify(&app);
    assert!(!ok);
    assert!(
        text.contains("26743") && text.contains("entry 2") && text.contains("edited"),
        "{text}"
    );
}

#[tokio::test]
async fn verify_finds_a_deleted_entry_and_a_truncated_chain() {
    let app = TestApp::spawn().await;
    let _ = app.signed_in("benthanh.canbo").await;
    let unit: i64 = dieuhanh_store::units::by_code(&app.store, "26743")
        .await
        .unwrap()
        .id;
    app.store
        .execute_admin(&format!(
            "DELETE FROM audit_log WHERE unit_id = {unit} AND seq = 2"
        ))
        .await
        .unwrap();
    let (ok, text) = verify(&app);
    assert!(!ok && text.contains("entry 3"), "{text}");

    let app = TestApp::spawn().await;
    let _ = app.signed_in("benthanh.canbo").await;
    let unit: i64 = dieuhanh_store::units::by_code(&app.store, "26743")
        .await
        .unwrap()
        .id;
    let last: i64 = app.store.count_rows("audit_log").await.unwrap();
    assert!(last > 0);
    app.store
        .execute_admin(&format!("DELETE FROM audit_log WHERE unit_id = {unit} AND seq = (SELECT MAX(seq) FROM audit_log WHERE unit_id = {unit})"))
        .await
        .unwrap();
    let (ok, text) = verify(&app);
    assert!(!ok && text.contains("removed at the end"), "{text}");
}

#[tokio::test]
async fn verify_finds_swapped_entries() {
    let app = TestApp::spawn().await;
    let _ = app.signed_in("benthanh.canbo").await;
    let _ = app.signed_in("benthanh.canbo").await;
    let unit: i64 = dieuhanh_store::units::by_code(&app.store, "26743")
        .await
        .unwrap()
        .id;
    // Swap the positions of entries 3 and 4 by renumbering them.
    for sql in [
        format!("UPDATE audit_log SET seq = -1 WHERE unit_id = {unit} AND seq = 3"),
        format!("UPDATE audit_log SET seq = 3 WHERE unit_id = {unit} AND seq = 4"),
        format!("UPDATE audit_log SET seq = 4 WHERE unit_id = {unit} AND seq = -1"),
    ] {
        app.store.execute_admin(&sql).await.unwrap();
    }
    let (ok, text) = verify(&app);
    assert!(!ok && text.contains("entry 3"), "{text}");
}

/// Someone with write access rewrites an entry and recomputes every later hash and the
/// head: the chains verify, but the anchor taken earlier shows the rewrite.
#[tokio::test]
async fn an_anchor_reveals_a_complete_rewrite() {
    let app = TestApp::spawn().await;
    let _ = app.signed_in("benthanh.canbo").await;
    let dir = tempfile::tempdir().unwrap();
    let anchor = dir.path().join("anchor.json");
    let anchor_path = anchor.to_str().unwrap();
    let (ok, text) = audit(&app, &["anchor", "--to", anchor_path]);
    assert!(ok, "{text}");
    let (ok, text) = audit(&app, &["verify", "--anchor", anchor_path]);
    assert!(
        ok && text.contains("anchor of") && text.contains("matches"),
        "{text}"
    );

    // Rewrite the last entry of Bến Thành's chain consistently.
    let unit = dieuhanh_store::units::by_code(&app.store, "26743")
        .await
        .unwrap()
        .id;
    let (entries, _) = dieuhanh_store::audit::list(
        &app.store,
        &dieuhanh_core::policy::Scope::All,
        &dieuhanh_store::audit::AuditFilter {
            unit_id: Some(unit),
            ..Default::default()
        },
        dieuhanh_core::paging::Page::default(),
    )
    .await
    .unwrap();
    let last = &entries[0];
    let prev = &entries[1];
    let forged = dieuhanh_core::audit::AuditFields {
        unit_id: unit,
        seq: last.seq,
        at_us: last.at_us,
        actor_id: last.actor_id,
        entity: last.entity.clone(),
        entity_id: last.entity_id.clone(),
        action: "session.logout".into(),
        summary: last.summary.clone(),
        prev_hash: prev.hash.clone(),
    };
    let hash = forged.hash();
    app.store
        .execute_admin(&format!(
            "UPDATE audit_log SET action = 'session.logout', hash = '{hash}' WHERE unit_id = {unit} AND seq = {}",
            last.seq
        ))
        .await
        .unwrap();
    app.store
        .execute_admin(&format!(
            "UPDATE audit_head SET hash = '{hash}' WHERE unit_id = {unit}"
        ))
        .await
        .unwrap();
    let (ok, text) = verify(&app);
    assert!(
        ok,
        "a consistent rewrite passes the chain check alone: {text}"
    );
    let (ok, text) = audit(&app, &["verify", "--anchor", anchor_path]);
    assert!(
        !ok && text.contains("REWRITTEN") && text.contains("26743"),
        "{text}"
    );

    // A tampered anchor file is refused.
    let edited = std::fs::read_to_string(&anchor)
        .unwrap()
        .replacen("\"seq\": ", "\"seq\": 1", 1);
    std::fs::write(&anchor, edited).unwrap();
    let (ok, text) = audit(&app, &["verify", "--anchor", anchor_path]);
    assert!(!ok && text.contains("NOT AUTHENTIC"), "{text}");
}
