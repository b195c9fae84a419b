//! Reminders before deadlines and escalations after them, sent once each even when the
//! job runs again, and shown in the inbox.

mod common;

use common::TestApp;
use serde_json::json;
use std::process::Command;

fn run_job(app: &TestApp) -> String {
    run_job_with(app, &[])
}

fn run_job_with(app: &TestApp, env: &[(&str, &str)]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_dieuhanh"))
        .args(["--database-url", &app.database_url, "reminders"])
        .env("DIEUHANH_LOG", "error")
        .envs(env.iter().copied())
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
    assert!(!first.contains("\n0 notifications sent"), "{first}");
    let second = run_job(&app);
    assert!(
        second.contains("\n0 notifications sent"),
        "a second run sends nothing new: {second}"
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

/// A minimal SMTP server on the loopback, enough for a real client to deliver to: it
/// records each message it accepts.
fn smtp_server() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let store = received.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let store = store.clone();
            std::thread::spawn(move || {
                let mut out = stream.try_clone().unwrap();
                let mut lines = BufReader::new(stream);
                let _ = out.write_all(b"220 test ESMTP\r\n");
                let mut line = String::new();
                while lines.read_line(&mut line).unwrap_or(0) > 0 {
                    let command = line.trim_end().to_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO")
                    {
                        b"250 test\r\n"
                    } else if command == "DATA" {
                        let _ = out.write_all(b"354 go on\r\n");
                        let mut message = String::new();
                        let mut body = String::new();
                        while lines.read_line(&mut body).unwrap_or(0) > 0 {
                            if body.trim_end() == "." {
                                break;
                            }
                            message.push_str(&body);
                            body.clear();
                        }
                        store.lock().unwrap().push(message);
                        b"250 queued\r\n"
                    } else if command == "QUIT" {
                        let _ = out.write_all(b"221 bye\r\n");
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    let _ = out.write_all(reply);
                    line.clear();
                }
            });
        }
    });
    (port, received)
}

#[tokio::test]
async fn notifications_reach_mailboxes_once_over_smtp_or_wait_in_the_outbox() {
    let app = TestApp::spawn().await;
    let city = app.token("lanhdao").await;
    // Bến Thành's leader gives an address on the account page; a bad one is refused.
    let leader = app.signed_in("benthanh.lanhdao").await;
    let r = app
        .post_form(
            &leader,
            "/account",
            "/account/email",
            &[("email", "khong phai thu")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("không hợp lệ"));
    let r = app
        .post_form(
            &leader,
            "/account",
            "/account/email",
            &[("email", "chutich.benthanh@example.vn")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);

    // A task due in two working days: no reminder with the default days (3 and 1), one
    // when reminders are configured for 2 days before.
    let (_, due) = app
        .api_get(
            None,
            &format!(
                "/api/v1/calendar/add-working-days?from={}&days=2",
                common::day(0)
            ),
        )
        .await;
    let task = json!({"doc_number": "9", "doc_date": common::day(-1), "signer": "L", "title": "Kiểm tra nhà trọ",
                      "due_date": due["due"], "units": ["26743"]});
    assert_eq!(app.api_post(&city, "/api/v1/directives", task).await.0, 201);
    let out = run_job(&app);
    assert!(out.contains("\n0 notifications sent"), "{out}");
    let bad = Command::new(env!("CARGO_BIN_EXE_dieuhanh"))
        .args(["--database-url", &app.database_url, "reminders"])
        .env("DIEUHANH_REMINDER_DAYS", "3,zero")
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("reminder_days"));

    // Without SMTP the mail waits in the outbox, where an administrator sees it.
    let out = run_job_with(
        &app,
        &[
            ("DIEUHANH_REMINDER_DAYS", "2"),
            ("DIEUHANH_PUBLIC_URL", "https://dieuhanh.example.vn"),
        ],
    );
    assert!(!out.contains("\n0 notifications sent"), "{out}");
    let admin = app.signed_in("admin").await;
    let (status, html) = app.get(&admin, "/admin/outbox").await;
    assert_eq!(status, 200);
    assert!(html.contains("chutich.benthanh@example.vn") && html.contains("Kiểm tra nhà trọ"));
    assert!(html.contains("Chờ gửi"));
    let (status, _) = app.get(&leader, "/admin/outbox").await;
    assert_eq!(status, 403);

    // With SMTP it is delivered, once, even when the job runs again.
    let (port, received) = smtp_server();
    let smtp = format!("smtp://127.0.0.1:{port}");
    let env = [
        ("DIEUHANH_REMINDER_DAYS", "2"),
        ("DIEUHANH_SMTP_URL", smtp.as_str()),
    ];
    let out = run_job_with(&app, &env);
    assert!(out.contains("1 mails sent"), "{out}");
    let out = run_job_with(&app, &env);
    assert!(out.contains("0 mails sent"), "{out}");
    let mails = received.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].contains("To: chutich.benthanh@example.vn"),
        "{}",
        mails[0]
    );
    // The body is base64 (it is Vietnamese): decode it to read what the leader reads.
    use base64::Engine as _;
    let encoded: String = mails[0]
        .split("\r\n\r\n")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect();
    let body = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap(),
    )
    .unwrap();
    assert!(body.contains("Kiểm tra nhà trọ"), "{body}");
    assert!(
        body.contains("https://dieuhanh.example.vn/tasks/"),
        "{body}"
    );
    let (_, html) = app.get(&admin, "/admin/outbox").await;
    assert!(html.contains("Đã gửi lúc"));
}
