//! Obstacles and requests: a ward raises one, it reaches the competent department by
//! domain, the department answers, the ward accepts or reopens; answers are searchable.

mod common;

use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn an_obstacle_reaches_the_competent_department_and_is_answered() {
    let app = TestApp::spawn().await;
    let ward = app.token("benthanh.lanhdao").await;
    let (status, domains) = app.api_get(Some(&ward), "/api/v1/obstacles/domains").await;
    assert_eq!(status, 200);
    let land = domains
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["domain"] == "đất đai")
        .unwrap();
    assert_eq!(land["department_code"], "so-nong-nghiep-va-moi-truong");

    let (s, b) = app
        .api_post(
            &ward,
            "/api/v1/obstacles",
            json!({"domain": "phi thuyền", "title": "x"}),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("invalid_domain"))
    );
    let (s, b) = app
        .api_post(
            &ward,
            "/api/v1/obstacles",
            json!({"domain": "đất đai", "title": " "}),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("invalid_title"))
    );
    let raised = json!({"domain": "đất đai", "title": "Vướng mắc cấp giấy chứng nhận cho đất có nguồn gốc lấn chiếm",
                        "description": "Hồ sơ của hộ ông A tồn đọng từ 2019."});
    let (s, o) = app.api_post(&ward, "/api/v1/obstacles", raised).await;
    assert_eq!(s, 201, "{o}");
    assert_eq!(o["unit_code"], "so-nong-nghiep-va-moi-truong");
    assert_eq!(o["state"], "submitted");
    assert_eq!(o["routed"], true);
    let id = o["id"].as_i64().unwrap();

    // The cockpit counts it against the ward that raised it.
    let city = app.token("lanhdao").await;
    let (_, cockpit) = app.api_get(Some(&city), "/api/v1/cockpit").await;
    let row = cockpit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "26743")
        .unwrap()
        .clone();
    assert_eq!(
        (
            row["obstacles_open"].as_i64(),
            row["obstacles_overdue"].as_i64()
        ),
        (Some(1), Some(0))
    );

    // The department sees it; another ward does not; the description stays with them.
    let dept = app.token("so.nnmt").await;
    let (_, list) = app.api_get(Some(&dept), "/api/v1/obstacles").await;
    assert_eq!(list["total"], 1);
    let other = app.token("saigon.canbo").await;
    assert_eq!(
        app.api_get(Some(&other), &format!("/api/v1/obstacles/{id}"))
            .await
            .0,
        404
    );
    let (_, theirs) = app.api_get(Some(&other), "/api/v1/obstacles").await;
    assert_eq!(theirs["total"], 0);

    let path = format!("/api/v1/obstacles/{id}/actions");
    let (s, b) = app
        .api_post(
            &ward,
            &path,
            json!({"action": "answer", "note": "tự trả lời"}),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (403, Some("forbidden")),
        "the raising unit does not answer"
    );
    let (s, b) = app
        .api_post(&dept, &path, json!({"action": "answer"}))
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("reason_required"))
    );
    let answer =
        "Áp dụng Điều 138 Luật Đất đai 2024; phường lập hồ sơ xác nhận thời điểm sử dụng đất.";
    let (s, b) = app
        .api_post(&dept, &path, json!({"action": "answer", "note": answer}))
        .await;
    assert_eq!(
        (s, b["state"].as_str(), b["answer"].as_str()),
        (200, Some("answered"), Some(answer))
    );

    // Reopen with a reason gives a fresh term; then the answer is accepted.
    let (s, b) = app
        .api_post(
            &ward,
            &path,
            json!({"action": "reopen", "note": "Chưa rõ trường hợp lấn chiếm sau 2014"}),
        )
        .await;
    assert_eq!((s, b["state"].as_str()), (200, Some("submitted")));
    let (s, _) = app
        .api_post(&dept, &path, json!({"action": "answer", "note": answer}))
        .await;
    assert_eq!(s, 200);
    let (s, b) = app
        .api_post(&ward, &path, json!({"action": "accept"}))
        .await;
    assert_eq!(
        (s, b["state"].as_str(), b["sla"].as_str()),
        (200, Some("accepted"), Some("done_on_time"))
    );

    // Another ward finds the answer without typing diacritics, but not the description.
    let (_, found) = app
        .api_get(
            Some(&other),
            "/api/v1/obstacles/answers?q=cap%20giay%20chung%20nhan",
        )
        .await;
    let first = &found.as_array().unwrap()[0];
    assert_eq!(first["answer"], answer);
    assert!(!found.to_string().contains("ông A"));
    let (_, trail) = app
        .api_get(Some(&dept), "/api/v1/audit?entity=obstacle")
        .await;
    assert!(trail["total"].as_i64().unwrap() >= 5);
}

#[tokio::test]
async fn an_obstacle_without_a_route_goes_to_the_coordinating_office_and_pages_work() {
    let app = TestApp::spawn().await;
    let ward = app.signed_in("benthanh.canbo").await;
    let (status, html) = app.get(&ward, "/obstacles").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Nêu vướng mắc, kiến nghị")
            && html.contains("đất đai — Sở Nông nghiệp và Môi trường")
    );
    let r = app
        .post_form(
            &ward,
            "/obstacles",
            "/obstacles",
            &[
                ("domain", ""),
                ("title", "Kinh phí vận hành trụ sở mới"),
                ("description", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("Đã gửi vướng mắc"));
    let token = app.token("benthanh.canbo").await;
    let (_, list) = app.api_get(Some(&token), "/api/v1/obstacles").await;
    let o = &list["items"][0];
    assert_eq!(o["unit_code"], "van-phong-ubnd");
    assert_eq!(o["routed"], false);
    let id = o["id"].as_i64().unwrap();
    let (status, html) = app.get(&ward, &format!("/obstacles/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("chưa có cơ quan phụ trách lĩnh vực") && html.contains("Chờ trả lời"));
    let r = app
        .post_form(
            &ward,
            &format!("/obstacles/{id}"),
            &format!("/obstacles/{id}/act"),
            &[("action", "withdraw"), ("note", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("cần ghi lý do"),
        "{}",
        &body[body.find("<main").unwrap_or(0)..]
    );
}

#[tokio::test]
async fn the_gaps_page_lists_work_nobody_is_accountable_for() {
    let app = TestApp::spawn().await;
    let ward = app.token("benthanh.lanhdao").await;
    let (s, _) = app
        .api_post(
            &ward,
            "/api/v1/obstacles",
            json!({"title": "Không biết hỏi ai"}),
        )
        .await;
    assert_eq!(s, 201);
    let city = app.token("lanhdao").await;
    let (status, gaps) = app.api_get(Some(&city), "/api/v1/gaps").await;
    assert_eq!(status, 200);
    let kinds: Vec<&str> = gaps
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == "unit_without_leader")
            .count(),
        168
    );
    let unrouted = gaps
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["kind"] == "obstacle_unrouted")
        .unwrap();
    assert_eq!(unrouted["subject"], "Không biết hỏi ai");
    assert_eq!(unrouted["unit_code"], "26743");
    assert_eq!(app.api_get(Some(&ward), "/api/v1/gaps").await.0, 403);
    let browser = app.signed_in("lanhdao").await;
    let (status, html) = app.get(&browser, "/gaps").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Vướng mắc chưa có cơ quan phụ trách lĩnh vực (1)")
            && html.contains("Không biết hỏi ai")
    );
}

#[tokio::test]
async fn an_administrator_routes_a_new_domain() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let (status, html) = app.get(&admin, "/admin/routes").await;
    assert_eq!(status, 200);
    assert!(html.contains("đất đai") && html.contains("Sở Nông nghiệp và Môi trường"));
    let r = app
        .post_form(
            &admin,
            "/admin/routes",
            "/admin/routes",
            &[
                ("domain", "Chiếu sáng công cộng"),
                ("department", "so-xay-dung"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let r = app
        .post_form(
            &admin,
            "/admin/routes",
            "/admin/routes",
            &[("domain", "x"), ("department", "26743")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400, "only departments answer");

    let ward = app.token("benthanh.lanhdao").await;
    let (s, o) = app
        .api_post(
            &ward,
            "/api/v1/obstacles",
            json!({"domain": "chiếu sáng công cộng", "title": "Đèn đường hỏng"}),
        )
        .await;
    assert_eq!(
        (s, o["unit_code"].as_str(), o["routed"].as_bool()),
        (201, Some("so-xay-dung"), Some(true))
    );

    let r = app
        .post_form(
            &admin,
            "/admin/routes",
            "/admin/routes/delete",
            &[("domain", "chiếu sáng công cộng")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let (s, o) = app
        .api_post(
            &ward,
            "/api/v1/obstacles",
            json!({"domain": "chiếu sáng công cộng", "title": "Đèn đường hỏng"}),
        )
        .await;
    assert_eq!(
        (s, o["error"]["code"].as_str()),
        (400, Some("invalid_domain"))
    );
    let officer = app.signed_in("benthanh.lanhdao").await;
    assert_eq!(app.get(&officer, "/admin/routes").await.0, 403);
}

#[tokio::test]
async fn an_obstacle_can_name_the_task_it_blocks_but_only_the_units_own() {
    let app = TestApp::spawn().await;
    let city = app.token("lanhdao").await;
    let directive = json!({"doc_number": "12/UBND", "doc_date": common::day(-2), "signer": "L",
        "title": "Cấp giấy chứng nhận tồn đọng", "due_working_days": 15, "units": ["26743", "26740"]});
    let (status, created) = app.api_post(&city, "/api/v1/directives", directive).await;
    assert_eq!(status, 201);
    let (_, tasks) = app
        .api_get(
            Some(&city),
            &format!("/api/v1/tasks?directive={}", created["id"]),
        )
        .await;
    let task_of = |code: &str| {
        tasks["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["unit_code"] == code)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (mine, theirs) = (task_of("26743"), task_of("26740"));
    let ward = app.token("benthanh.lanhdao").await;
    let raise = |task: i64| json!({"domain": "đất đai", "title": "Thiếu hướng dẫn xác định nguồn gốc đất", "task_id": task});
    let (status, b) = app
        .api_post(&ward, "/api/v1/obstacles", raise(theirs))
        .await;
    assert_eq!(
        (status, b["error"]["code"].as_str()),
        (400, Some("invalid_task"))
    );
    let (status, o) = app.api_post(&ward, "/api/v1/obstacles", raise(mine)).await;
    assert_eq!(status, 201, "{o}");
    assert_eq!(o["task_id"], mine);

    let browser = app.signed_in("benthanh.lanhdao").await;
    let (_, html) = app.get(&browser, &format!("/tasks/{mine}")).await;
    assert!(html.contains(&format!("/obstacles?task={mine}")));
    let (_, html) = app.get(&browser, &format!("/obstacles?task={mine}")).await;
    assert!(
        html.contains("Vướng mắc khi thực hiện nhiệm vụ:")
            && html.contains("Cấp giấy chứng nhận tồn đọng")
    );
    let (_, html) = app.get(&browser, &format!("/obstacles/{}", o["id"])).await;
    assert!(html.contains(&format!("href=\"/tasks/{mine}\"")));
}

#[tokio::test]
async fn an_administrator_sets_the_answering_term_and_new_obstacles_follow_it() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let audit_before = app.audit_count().await;
    let r = app
        .post_form(
            &admin,
            "/admin/terms",
            "/admin/terms",
            &[("obstacle_answer_days", "0"), ("visit_interval_days", "30")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("nhập số từ 1 đến 60"));
    assert_eq!(app.audit_count().await, audit_before);
    let r = app
        .post_form(
            &admin,
            "/admin/terms",
            "/admin/terms",
            &[
                ("obstacle_answer_days", "10"),
                ("visit_interval_days", "45"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(app.audit_count().await >= audit_before + 2);
    let officer = app.signed_in("benthanh.canbo").await;
    let (status, _) = app.get(&officer, "/admin/terms").await;
    assert_eq!(status, 403);

    let ward = app.token("benthanh.lanhdao").await;
    let (_, o) = app
        .api_post(
            &ward,
            "/api/v1/obstacles",
            json!({"domain": "đất đai", "title": "Hỏi về thời hạn"}),
        )
        .await;
    let (_, due) = app
        .api_get(
            None,
            &format!(
                "/api/v1/calendar/add-working-days?from={}&days=10",
                common::day(0)
            ),
        )
        .await;
    assert_eq!(o["due_date"], due["due"]);
}
