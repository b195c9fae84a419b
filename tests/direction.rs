//! Directives and tasks through the API: a city leader directs the units, a ward works
//! its task, the leader accepts it; everything else is refused with a clear error.

mod common;

use common::TestApp;
use serde_json::{Value, json};

fn directive(units: Value) -> Value {
    let (doc_date, due) = (common::vn_day(0), common::day(20));
    json!({
        "doc_number": "1234/UBND-VX",
        "doc_date": doc_date,
        "signer": "Trần Minh Đức",
        "title": "Rà soát hồ sơ đất đai tồn đọng",
        "summary": "Các phường, xã, đặc khu rà soát và báo cáo.",
        "due_date": due,
        "units": units,
    })
}

async fn bến_thành_task(app: &TestApp, token: &str) -> i64 {
    let (status, body) = app.api_get(Some(token), "/api/v1/tasks").await;
    assert_eq!(status, 200);
    let items = body["items"].as_array().unwrap();
    items.iter().find(|t| t["unit_code"] == "26743").unwrap()["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_directive_reaches_every_unit_and_a_ward_completes_its_task() {
    let app = TestApp::spawn().await;
    let leader = app.token("lanhdao").await;
    let (status, body) = app
        .api_post(&leader, "/api/v1/directives", directive(json!(["all"])))
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["tasks"], 168);
    let directive_id = body["id"].as_i64().unwrap();

    // Each ward sees its own task only.
    let officer = app.token("benthanh.canbo").await;
    let (_, mine) = app.api_get(Some(&officer), "/api/v1/tasks").await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["unit_code"], "26743");
    assert_eq!(mine["items"][0]["state"], "received");
    let task = mine["items"][0]["id"].as_i64().unwrap();
    let other = app.token("saigon.canbo").await;
    let (_, theirs) = app.api_get(Some(&other), "/api/v1/tasks").await;
    assert_eq!(theirs["total"], 1);
    assert_ne!(theirs["items"][0]["id"].as_i64(), Some(task));
    let (status, _) = app
        .api_get(Some(&other), &format!("/api/v1/tasks/{task}"))
        .await;
    assert_eq!(status, 404, "another ward's task does not exist for them");

    // The ward leader assigns, the officer reports and asks to close, the city accepts.
    let ward_leader = app.token("benthanh.lanhdao").await;
    let path = format!("/api/v1/tasks/{task}/actions");
    let (_, detail) = app
        .api_get(Some(&ward_leader), &format!("/api/v1/tasks/{task}"))
        .await;
    assert!(
        detail["actions"]
            .as_array()
            .unwrap()
            .contains(&json!("assign"))
    );
    let (s, b) = app
        .api_post(
            &ward_leader,
            &path,
            json!({"action": "assign", "assignee": "benthanh.canbo"}),
        )
        .await;
    assert_eq!(
        (s, b["state"].as_str(), b["assignee"].as_str()),
        (200, Some("in_progress"), Some("Phạm Thị Thu Đào"))
    );
    let (s, b) = app
        .api_post(
            &officer,
            &path,
            json!({"action": "report_progress", "progress": 60, "note": "Đã rà soát 60%"}),
        )
        .await;
    assert_eq!((s, b["progress"].as_i64()), (200, Some(60)));
    let (s, _) = app
        .api_post(
            &officer,
            &path,
            json!({"action": "request_completion", "note": "Hoàn thành"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, b) = app
        .api_post(&officer, &path, json!({"action": "accept_completion"}))
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (403, Some("forbidden")),
        "only the issuer accepts"
    );
    let (s, b) = app
        .api_post(&leader, &path, json!({"action": "accept_completion"}))
        .await;
    assert_eq!(
        (s, b["state"].as_str(), b["sla"].as_str()),
        (200, Some("done"), Some("done_on_time"))
    );

    let (_, d) = app
        .api_get(Some(&leader), &format!("/api/v1/directives/{directive_id}"))
        .await;
    assert_eq!(d["progress"]["total"], 168);
    assert_eq!(d["progress"]["done_on_time"], 1);
    assert_eq!(d["progress"]["not_started"], 167);
    let (s, _) = app
        .api_get(
            Some(&officer),
            &format!("/api/v1/directives/{directive_id}"),
        )
        .await;
    assert_eq!(s, 404, "a ward does not see the city's directive overview");

    let (_, detail) = app
        .api_get(Some(&officer), &format!("/api/v1/tasks/{task}"))
        .await;
    let actions: Vec<&str> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "create",
            "assign",
            "report_progress",
            "request_completion",
            "accept_completion"
        ]
    );
    let (_, trail) = app
        .api_get(Some(&officer), "/api/v1/audit?unit=26743&entity=task")
        .await;
    assert_eq!(trail["total"], 5, "every step is on the unit's audit trail");
}

#[tokio::test]
async fn wrong_requests_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let leader = app.token("lanhdao").await;
    let ward_leader = app.token("benthanh.lanhdao").await;
    let before = app.audit_count().await;
    for (token, body, status, code) in [
        (&ward_leader, directive(json!(["all"])), 403, "forbidden"),
        (&leader, directive(json!([])), 400, "invalid_units"),
        (&leader, directive(json!(["99999"])), 400, "invalid_units"),
        (&leader, directive(json!(["79"])), 400, "invalid_units"),
        (
            &leader,
            json!({"doc_number": "1", "doc_date": "31/02/2026", "signer": "x", "title": "t", "due_date": "2026-12-31", "units": ["all"]}),
            400,
            "invalid_doc_date",
        ),
        (
            &leader,
            json!({"doc_number": "1", "doc_date": "2026-11-27", "signer": "x", "title": "t", "due_date": "2026-01-01", "units": ["all"]}),
            400,
            "invalid_due",
        ),
        (
            &leader,
            json!({"doc_number": "1", "doc_date": "2026-11-27", "signer": "x", "title": " ", "due_date": "2026-12-31", "units": ["all"]}),
            400,
            "invalid_title",
        ),
        (
            &leader,
            json!({"doc_number": "1", "doc_date": "2026-11-27", "signer": "x", "title": "t", "due_date": "2026-12-31", "units": ["all"], "priority": "yesterday"}),
            400,
            "invalid_priority",
        ),
    ] {
        let (s, b) = app.api_post(token, "/api/v1/directives", body).await;
        assert_eq!(
            (s, b["error"]["code"].as_str()),
            (status, Some(code)),
            "{b}"
        );
    }
    assert_eq!(app.audit_count().await, before);

    let (s, _) = app
        .api_post(
            &leader,
            "/api/v1/directives",
            directive(json!(["26743", "26740"])),
        )
        .await;
    assert_eq!(s, 201);
    let task = bến_thành_task(&app, &leader).await;
    let path = format!("/api/v1/tasks/{task}/actions");
    let officer = app.token("benthanh.canbo").await;
    let other_ward = app.token("saigon.canbo").await;
    let before = app.audit_count().await;
    for (token, body, status, code) in [
        (
            &other_ward,
            json!({"action": "report_progress", "progress": 10}),
            404,
            "not_found",
        ),
        (&officer, json!({"action": "fly"}), 400, "unknown_action"),
        (
            &ward_leader,
            json!({"action": "report_progress", "progress": 150}),
            400,
            "invalid_progress",
        ),
        (
            &ward_leader,
            json!({"action": "request_completion"}),
            409,
            "invalid_transition",
        ),
        (
            &ward_leader,
            json!({"action": "request_extension"}),
            400,
            "reason_required",
        ),
        (
            &officer,
            json!({"action": "assign", "assignee": "benthanh.canbo"}),
            403,
            "forbidden",
        ),
        (
            &ward_leader,
            json!({"action": "assign", "assignee": "saigon.canbo"}),
            400,
            "invalid_assignee",
        ),
        (&leader, json!({"action": "cancel"}), 400, "reason_required"),
    ] {
        let (s, b) = app.api_post(token, &path, body).await;
        assert_eq!(
            (s, b["error"]["code"].as_str()),
            (status, Some(code)),
            "{b}"
        );
    }
    assert_eq!(
        app.audit_count().await,
        before,
        "refused actions change nothing"
    );
    let r = reqwest::Client::new()
        .post(app.url(&path))
        .bearer_auth(&officer)
        .body("{")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);

    // Extension asked with a reason, granted with a later date.
    let (s, _) = app
        .api_post(
            &ward_leader,
            &path,
            json!({"action": "request_extension", "note": "Chờ số liệu của Sở"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, b) = app
        .api_post(
            &leader,
            &path,
            json!({"action": "grant_extension", "due_date": common::day(5)}),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("invalid_due_date")),
        "an extension moves the deadline later"
    );
    let (s, b) = app
        .api_post(
            &leader,
            &path,
            json!({"action": "grant_extension", "due_date": common::vn_day(40)}),
        )
        .await;
    assert_eq!(
        (s, b["due_date"].as_str(), b["state"].as_str()),
        (200, Some(common::day(40).as_str()), Some("in_progress"))
    );
    let citizen = app.token("congdan").await;
    let (s, _) = app.api_get(Some(&citizen), "/api/v1/tasks").await;
    assert_eq!(s, 403);
}
