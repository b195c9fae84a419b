//! Staffing: the board defines positions, officials state abilities and wishes, the
//! proposal places the right person where a mandatory requirement allows, explains why,
//! and only approval changes positions.

mod common;

use common::TestApp;

#[tokio::test]
async fn a_round_goes_from_positions_to_an_approved_proposal() {
    let app = TestApp::spawn().await;
    let board = app.signed_in("lanhdao").await;
    let add = |title: &'static str, reqs: &'static str, key: bool| {
        let board = board.clone();
        let app = &app;
        async move {
            let mut fields = vec![
                ("unit", "26743"),
                ("title", title),
                ("quota", "1"),
                ("requirements", reqs),
            ];
            if key {
                fields.push(("key_position", "1"));
            }
            app.post_form(&board, "/staffing", "/staffing/positions", &fields)
                .await
        }
    };
    let r = add("Sai", "dat dai | một | có | 5", false).await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("Yêu cầu không đúng dạng"));
    assert_eq!(
        add("Công chức địa chính", "Đất đai | 1 | có | 5", true)
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        add(
            "Công chức văn hóa - xã hội",
            "văn hóa | 1 | không | 3",
            false
        )
        .await
        .status()
        .as_u16(),
        303
    );
    let ward_leader = app.signed_in("benthanh.lanhdao").await;
    let r = app
        .post_form(
            &ward_leader,
            "/staffing",
            "/staffing/positions",
            &[("unit", "26743"), ("title", "X"), ("quota", "1")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403, "only the board defines positions");
    let positions = dieuhanh_store::staffing::positions(&app.store)
        .await
        .unwrap();
    let (cadastral, culture) = (
        positions[0].id.min(positions[1].id),
        positions[0].id.max(positions[1].id),
    );

    let r = app
        .post_form(
            &board,
            "/staffing",
            "/staffing/positions",
            &[
                ("unit", "26743"),
                ("title", "Phó"),
                ("quota", "1"),
                ("deputy_of", "99999"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Vị trí cấp trên phải là số")
    );
    let city_token = app.token("lanhdao").await;
    let (_, gaps) = app.api_get(Some(&city_token), "/api/v1/gaps").await;
    assert!(
        gaps.to_string().contains("key_position_no_deputy"),
        "a key position without a deputy is a gap"
    );
    let (_, cockpit) = app.api_get(Some(&city_token), "/api/v1/cockpit").await;
    let ward = cockpit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "26743")
        .unwrap()
        .clone();
    assert!(ward["staffing_gaps"].as_i64().unwrap() >= 2, "{ward}");

    // Officials state abilities and wishes; one comments anonymously.
    let officer = app.signed_in("benthanh.canbo").await;
    let wishes = culture.to_string();
    let r = app
        .post_form(
            &officer,
            "/staffing/profile",
            "/staffing/profile",
            &[
                ("levels", "dat dai | 1"),
                ("wishes", wishes.as_str()),
                ("comment", "Xin được làm công tác văn hóa"),
                ("anonymous", "1"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let r = app
        .post_form(
            &officer,
            "/staffing/profile",
            "/staffing/profile",
            &[("levels", "dat dai"), ("wishes", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let other = app.signed_in("26743.canbo").await;
    let r = app
        .post_form(
            &other,
            "/staffing/profile",
            "/staffing/profile",
            &[("levels", "Văn hóa | 1"), ("wishes", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);

    // The proposal: the only official meeting the cadastral post's mandatory requirement
    // takes it, though they wished for the other; the explanation shows why.
    let r = app
        .post_form(
            &board,
            "/staffing",
            "/staffing/proposals",
            &[
                ("units", "26743"),
                ("wish1", "3"),
                ("wish2", "2"),
                ("wish3", "1"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = r.headers()["location"].to_str().unwrap().to_string();
    let (status, html) = app.get(&board, &page).await;
    assert_eq!(status, 200);
    let row = |name: &str| {
        let start = html
            .find(name)
            .unwrap_or_else(|| panic!("{name} in {html}"));
        html[start..start + html[start..].find("</tr>").unwrap()].to_string()
    };
    assert!(
        row("benthanh.canbo").contains("Công chức địa chính")
            && row("benthanh.canbo").contains("dat dai: 5")
    );
    assert!(row("26743.canbo").contains("Công chức văn hóa"));
    assert!(html.contains("Tổng mức phù hợp: 8"));
    let (_, board_html) = app.get(&board, "/staffing").await;
    assert!(board_html.contains("Xin được làm công tác văn hóa") && board_html.contains("Ẩn danh"));
    let (status, _) = app.get(&officer, &page).await;
    assert_eq!(status, 403);

    let city = app.token("lanhdao").await;
    let gap_kinds = |gaps: &serde_json::Value| -> Vec<String> {
        gaps.as_array()
            .unwrap()
            .iter()
            .map(|g| {
                format!(
                    "{}:{}",
                    g["kind"].as_str().unwrap(),
                    g["subject"].as_str().unwrap()
                )
            })
            .collect()
    };
    let (_, gaps) = app.api_get(Some(&city), "/api/v1/gaps").await;
    assert!(
        gap_kinds(&gaps).contains(&"key_position_vacant:Công chức địa chính".to_string()),
        "{gaps}"
    );

    // Nothing changes until the board approves; then the positions are held.
    let profile = dieuhanh_store::staffing::profile(
        &app.store,
        dieuhanh_store::users::by_username(&app.store, "benthanh.canbo")
            .await
            .unwrap()
            .id,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(profile.position_id, None);
    let r = app
        .post_form(&board, &page, &format!("{page}/approve"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("Đã phê duyệt"));
    let r = app
        .post_form(&board, &page, &format!("{page}/approve"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 400, "approved once");
    let (_, mine) = app.get(&officer, "/staffing/profile").await;
    assert!(mine.contains("Công chức địa chính — Phường Bến Thành"));
    let officer_id = dieuhanh_store::users::by_username(&app.store, "benthanh.canbo")
        .await
        .unwrap()
        .id;
    let placed = dieuhanh_store::staffing::profile(&app.store, officer_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(placed.position_id, Some(cadastral));
    let (_, gaps) = app.api_get(Some(&city), "/api/v1/gaps").await;
    assert!(
        !gap_kinds(&gaps)
            .iter()
            .any(|g| g.starts_with("key_position_vacant"))
    );

    // A holder past the position's rotation period is listed as due.
    app.store
        .execute_admin(&format!(
            "UPDATE positions SET rotation_years = 2 WHERE id = {cadastral}"
        ))
        .await
        .unwrap();
    app.store
        .execute_admin(&format!(
            "UPDATE official_profiles SET since = '2020-03-01' WHERE user_id = {officer_id}"
        ))
        .await
        .unwrap();
    let (_, gaps) = app.api_get(Some(&city), "/api/v1/gaps").await;
    assert!(
        gap_kinds(&gaps)
            .iter()
            .any(|g| g.starts_with("rotation_due:") && g.contains("Công chức địa chính")),
        "{gaps}"
    );
}

#[tokio::test]
async fn an_officials_record_of_work_done_on_time_counts_where_a_position_asks_for_it() {
    let app = TestApp::spawn().await;
    let city = app.token("lanhdao").await;
    let ward = app.token("benthanh.lanhdao").await;
    let officer = app.token("benthanh.canbo").await;
    // Bến Thành's officer finishes a task on time.
    let (_, created) = app
        .api_post(
            &city,
            "/api/v1/directives",
            serde_json::json!({"doc_number": "5", "doc_date": common::day(-1), "signer": "L", "title": "Việc",
                               "due_working_days": 5, "units": ["26743"]}),
        )
        .await;
    let (_, tasks) = app
        .api_get(
            Some(&city),
            &format!("/api/v1/tasks?directive={}", created["id"]),
        )
        .await;
    let task = tasks["items"][0]["id"].as_i64().unwrap();
    let act = |token: &str, body: serde_json::Value| {
        let token = token.to_string();
        let app = &app;
        async move {
            let (status, b) = app
                .api_post(&token, &format!("/api/v1/tasks/{task}/actions"), body)
                .await;
            assert_eq!(status, 200, "{b}");
        }
    };
    act(
        &ward,
        serde_json::json!({"action": "assign", "assignee": "benthanh.canbo"}),
    )
    .await;
    act(
        &officer,
        serde_json::json!({"action": "request_completion"}),
    )
    .await;
    act(&city, serde_json::json!({"action": "accept_completion"})).await;

    // A position that needs a record of on-time work (80 %) can only go to them.
    let board = app.signed_in("lanhdao").await;
    let r = app
        .post_form(
            &board,
            "/staffing",
            "/staffing/positions",
            &[
                ("unit", "26743"),
                ("title", "Tổ trưởng một cửa"),
                ("quota", "1"),
                ("requirements", "Tỉ lệ đúng hạn | 0,8 | có | 4"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .post_form(
            &board,
            "/staffing",
            "/staffing/proposals",
            &[
                ("units", "26743"),
                ("wish1", "3"),
                ("wish2", "2"),
                ("wish3", "1"),
            ],
        )
        .await;
    let page = r.headers()["location"].to_str().unwrap().to_string();
    let (_, html) = app.get(&board, &page).await;
    assert!(
        html.contains("benthanh.canbo") && html.contains("ti le dung han: 4"),
        "{html}"
    );
    assert!(!html.contains("26743.canbo"));
}

#[tokio::test]
async fn abilities_go_out_to_excel_and_come_back_in_with_every_bad_row_named() {
    let app = TestApp::spawn().await;
    let board = app.signed_in("lanhdao").await;
    let upload = |bytes: Vec<u8>| {
        let board = board.clone();
        let app = &app;
        async move {
            let csrf = app.csrf(&board, "/staffing").await;
            let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name("nang-luc.xlsx"),
            );
            board
                .post(app.url("/staffing/import"))
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    let sheet = |rows: &[(&str, &str, &str)]| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let s = book.add_worksheet();
        s.set_name("Năng lực").unwrap();
        for (c, h) in ["Tên đăng nhập", "Tiêu chí", "Mức"].iter().enumerate() {
            s.write_string(0, c as u16, *h).unwrap();
        }
        for (i, (u, k, v)) in rows.iter().enumerate() {
            s.write_string(i as u32 + 1, 0, *u).unwrap();
            s.write_string(i as u32 + 1, 1, *k).unwrap();
            match v.parse::<f64>() {
                Ok(n) => s.write_number(i as u32 + 1, 2, n).unwrap(),
                Err(_) => s.write_string(i as u32 + 1, 2, *v).unwrap(),
            };
        }
        book.save_to_buffer().unwrap()
    };
    let r = upload(b"not a workbook".to_vec()).await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Không đọc được tệp Excel.")
    );
    let r = upload(sheet(&[
        ("benthanh.canbo", "Đất đai", "1"),
        ("benthanh.canbo", "Kinh nghiệm", "nhiều"),
    ]))
    .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("Các dòng chưa đúng"));
    let r = upload(sheet(&[("khong.co.ai", "Đất đai", "1")])).await;
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Không có tài khoản khong.co.ai")
    );
    let r = upload(sheet(&[
        ("benthanh.canbo", "Đất đai", "1"),
        ("benthanh.canbo", "Kinh nghiệm", "4"),
    ]))
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let officer = app.signed_in("benthanh.canbo").await;
    let (_, html) = app.get(&officer, "/staffing/profile").await;
    assert!(
        html.contains("dat dai | 1") && html.contains("kinh nghiem | 4"),
        "{html}"
    );

    // The export carries the same sheet, so it reads back as it was.
    let r = board
        .get(app.url("/staffing/export.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.unwrap();
    let rows = dieuhanh_web::pages::staffing_xlsx::read_abilities(&bytes).unwrap();
    assert!(rows.contains(&("benthanh.canbo".to_string(), "kinh nghiem".to_string(), 4.0)));
    let officer_status = officer
        .get(app.url("/staffing/export.xlsx"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(officer_status.as_u16(), 403);
}
