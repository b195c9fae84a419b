//! Leaders in charge and field visits: assigned by an administrator or city leader,
//! logged by city leaders with a follow-up task, flagged when too old, shown on the
//! cockpit and the unit page to those who follow the unit.

mod common;

use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn a_leader_in_charge_logs_a_visit_with_a_follow_up_task() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let r = app
        .post_form(
            &admin,
            "/visits",
            "/visits/leaders",
            &[("leader", "lanhdao"), ("units", "26743, 26740")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Đã phân công phụ trách 2 đơn vị")
    );
    let r = app
        .post_form(
            &admin,
            "/visits",
            "/visits/leaders",
            &[("leader", "benthanh.lanhdao"), ("units", "26743")],
        )
        .await;
    assert_eq!(
        r.status().as_u16(),
        400,
        "only city leaders are put in charge"
    );
    let r = app
        .post_form(
            &admin,
            "/visits",
            "/visits/leaders",
            &[("leader", "lanhdao"), ("units", "26743")],
        )
        .await;
    assert!(r.text().await.unwrap().contains("đã phụ trách"));

    // The cockpit flags units never visited; the leader's page lists them.
    let token = app.token("lanhdao").await;
    let (_, cockpit) = app
        .api_get(Some(&token), "/api/v1/cockpit?sort=red_flags")
        .await;
    assert_eq!(cockpit["totals"]["units_not_visited"], 168);
    let leader_id = dieuhanh_store::users::by_username(&app.store, "lanhdao")
        .await
        .unwrap()
        .id;
    let (_, mine) = app
        .api_get(Some(&token), &format!("/api/v1/cockpit?leader={leader_id}"))
        .await;
    assert_eq!(mine["total"], 2);

    // A visit with a follow-up task.
    let (s, b) = app
        .api_post(
            &token,
            "/api/v1/visits",
            json!({"unit": "26743", "visit_date": common::day(3), "findings": "x"}),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("invalid_visit_date"))
    );
    let (s, b) = app
        .api_post(
            &token,
            "/api/v1/visits",
            json!({"unit": "26743", "visit_date": common::day(-7), "findings": " "}),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("invalid_findings"))
    );
    let visit = json!({"unit": "26743", "visit_date": common::day(-7), "findings": "Bộ phận một cửa quá tải giờ cao điểm.",
                       "follow_up": "Bố trí thêm quầy tiếp nhận", "follow_up_due": common::day(30)});
    let (s, b) = app.api_post(&token, "/api/v1/visits", visit).await;
    assert_eq!(s, 201, "{b}");
    let ward = app.token("benthanh.lanhdao").await;
    let (s, _) = app
        .api_post(
            &ward,
            "/api/v1/visits",
            json!({"unit": "26743", "visit_date": common::day(-7), "findings": "x"}),
        )
        .await;
    assert_eq!(s, 403, "ward leaders do not log city leaders' visits");
    let (_, tasks) = app.api_get(Some(&ward), "/api/v1/tasks").await;
    assert!(
        tasks["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["title"] == "Bố trí thêm quầy tiếp nhận"),
        "{tasks}"
    );

    // The ward sees visits to itself; another ward does not.
    let (_, own) = app.api_get(Some(&ward), "/api/v1/visits").await;
    assert_eq!(own["total"], 1);
    let other = app.token("saigon.canbo").await;
    let (s, _) = app.api_get(Some(&other), "/api/v1/visits?unit=26743").await;
    assert_eq!(s, 404);
    let (_, theirs) = app.api_get(Some(&other), "/api/v1/visits").await;
    assert_eq!(theirs["total"], 0);

    let browser = app.signed_in("benthanh.canbo").await;
    let (_, page) = app.get(&browser, "/units/26743").await;
    assert!(page.contains("Bộ phận một cửa quá tải") && page.contains("Trần Minh Đức"));
    let outsider = app.signed_in("saigon.canbo").await;
    let (_, page) = app.get(&outsider, "/units/26743").await;
    assert!(
        !page.contains("Bộ phận một cửa quá tải"),
        "findings are not shown to other units"
    );
    assert!(page.contains("Trần Minh Đức"), "who is in charge is public");
    let (_, cockpit) = app.api_get(Some(&token), "/api/v1/cockpit").await;
    assert_eq!(cockpit["totals"]["units_not_visited"], 167);
    let leader_page = app.signed_in("lanhdao").await;
    let (status, html) = app.get(&leader_page, "/visits").await;
    assert_eq!(status, 200);
    assert!(html.contains("Phường Sài Gòn") && html.contains("Chưa đến làm việc"));
    assert_eq!(app.get(&browser, "/visits").await.0, 403);
}
