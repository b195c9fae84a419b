//! Reminders before deadlines and escalations after them, sent once each even when the
//! job runs again, and shown in the inbox.

mod common;

use common::TestApp;
use serde_json::json;
use std::process::Command;

fn run_job(app: &TestApp) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_dieuhanh"))
        .args(["--database-url", &app.database_url, "reminders"])
        .env("DIEUHANH_LOG", "error")
        .output()
        .expect("run dieuhanh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[tokio::test]
async fn deadlines_bring_reminders_then_escalations_once() {
    let app = TestApp::spawn().await;
    let city = app.token("lanhdao").await;
    // A task due in exactly one working day, and one already overdue.
    let (_, due) = app
        .api_get(
            None,
            &format!(
                "/api/v1/calendar/add-working-days?from={}&days=1",
                common::day(0)
            ),
        )
        .await;
    let soon = json!({"doc_number": "1", "doc_date": common::day(-1), "signer": "L", "title": "Sắp đến hạn",
                      "due_date": due["due"], "units": ["26743"]});
    assert_eq!(app.api_post(&city, "/api/v1/directives", soon).await.0, 201);
    let late = json!({"doc_number": "2", "doc_date": common::day(-30), "signer": "L", "title": "Đã quá hạn",
                      "due_date": common::day(-3), "units": ["26740"]});
    assert_eq!(app.api_post(&city, "/api/v1/directives", late).await.0, 201);

    let first = run_job(&app);
    assert!(!first.starts_with("0 "), "{first}");
    assert_eq!(
        run_job(&app).trim(),
        "0 notifications sent",
        "a second run sends nothing new"
    );

    // Bến Thành's leaders are reminded; Sài Gòn's leaders and the city are told of the delay.
    let ward = app.token("benthanh.lanhdao").await;
    let (_, mine) = app.api_get(Some(&ward), "/api/v1/notifications").await;
    let mine = mine.as_array().unwrap();
    assert!(
        mine.iter()
            .any(|n| n["kind"] == "reminder" && n["title"] == "Sắp đến hạn"),
        "{mine:?}"
    );
    assert!(
        mine.iter().all(|n| n["title"] != "Đã quá hạn"),
        "another unit's delay is not theirs"
    );
    let saigon = app.token("26740.lanhdao").await;
    let (_, theirs) = app.api_get(Some(&saigon), "/api/v1/notifications").await;
    assert!(
        theirs
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "escalation" && n["title"] == "Đã quá hạn")
    );
    let (_, city_inbox) = app.api_get(Some(&city), "/api/v1/notifications").await;
    assert!(
        city_inbox
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "escalation")
    );

    // The inbox page shows them with a badge until they are read.
    let browser = app.signed_in("benthanh.lanhdao").await;
    let (_, home) = app.get(&browser, "/").await;
    assert!(home.contains("class=\"badge\""));
    let (status, inbox) = app.get(&browser, "/inbox").await;
    assert_eq!(status, 200);
    assert!(inbox.contains("Sắp đến hạn") && inbox.contains("unread"));
    let r = app.post_form(&browser, "/inbox", "/inbox/read", &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, home) = app.get(&browser, "/").await;
    assert!(!home.contains("class=\"badge\""));
}
