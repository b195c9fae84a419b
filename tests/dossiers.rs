//! Public services through HTTP on a real database: the portal finds procedures without
//! diacritics, a counter intake runs the legal clock (one supplement, one
//! re-appointment) to its result, the public lookup never shows personal data, the
//! applicant rates once, bad input changes nothing, another unit's officer gets nothing,
//! and competence decisions route dossiers (or refuse them on a conflict).

mod common;

use common::TestApp;

const UNIT: &str = "26743";
const PROCEDURE: &str = "1.004873";

fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let s = html.find(start)? + start.len();
    let e = html[s..].find(end)?;
    Some(&html[s..s + e])
}

/// Files a dossier at the Bến Thành counter; answers (item id, dossier code).
async fn counter_intake(app: &TestApp, name: &str, identity: &str) -> (i64, String) {
    let officer = app.signed_in("benthanh.canbo").await;
    let r = app
        .post_form(
            &officer,
            "/dossiers/new",
            "/dossiers",
            &[
                ("procedure", PROCEDURE),
                ("name", name),
                ("identity", identity),
                ("phone", "0901234567"),
                ("doc_0", "1"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "intake redirects to the dossier");
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = location.trim_start_matches("/dossiers/").parse().unwrap();
    let code = dieuhanh_store::dossiers::get(&app.store, id)
        .await
        .expect("dossier stored")
        .code;
    (id, code)
}

async fn act(app: &TestApp, user: &str, id: i64, fields: &[(&str, &str)]) -> (u16, String) {
    let client = app.signed_in(user).await;
    let r = app
        .post_form(
            &client,
            &format!("/dossiers/{id}"),
            &format!("/dossiers/{id}/act"),
            fields,
        )
        .await;
    let status = r.status().as_u16();
    (status, r.text().await.unwrap_or_default())
}

#[tokio::test]
async fn the_portal_finds_procedures_without_diacritics() {
    let app = TestApp::spawn().await;
    let client = app.browser();
    for q in [
        "khai sinh",
        "khai+sinh",
        "dang+ky+khai+sinh",
        "%C4%90%C4%83ng+k%C3%BD+khai+sinh",
    ] {
        let (status, html) = app.get(&client, &format!("/dich-vu-cong?q={q}")).await;
        assert_eq!(status, 200);
        assert!(html.contains("Đăng ký khai sinh"), "{q}");
        assert!(
            !html.contains("Chứng thực chữ ký"),
            "{q} matches only what was asked"
        );
    }
    let (_, html) = app.get(&client, "/dich-vu-cong?q=chung+thuc").await;
    assert!(html.contains("Chứng thực chữ ký"));
    let (status, html) = app.get(&client, "/dich-vu-cong/1.001193").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Luật Hộ tịch 2014"),
        "the legal basis is shown"
    );
    assert!(html.contains("enctype=\"multipart/form-data\""));
    let (status, _) = app.get(&client, "/dich-vu-cong/9.999999").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_counter_dossier_runs_the_legal_clock_to_its_rated_result() {
    let app = TestApp::spawn().await;
    let (id, code) = counter_intake(&app, "Lê Văn Tám", "079201001234").await;
    assert!(code.ends_with("-0001"), "first dossier of the day: {code}");
    assert!(code.starts_with("267.43.00.A00-"), "{code}");
    let officer = app.signed_in("benthanh.canbo").await;
    let (_, html) = app.get(&officer, &format!("/dossiers/{id}")).await;
    assert!(html.contains("Đã tiếp nhận"));
    assert!(html.contains("0792******34"), "identity masked");
    assert!(!html.contains("079201001234"));

    // Reading the full number is possible, and audited.
    let before = app.audit_count().await;
    let r = app
        .post_form(
            &officer,
            &format!("/dossiers/{id}"),
            &format!("/dossiers/{id}/identity"),
            &[],
        )
        .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("079201001234"));
    assert_eq!(app.audit_count().await, before + 1);

    // One supplement request with the complete list; the clock pauses.
    let (status, _) = act(&app, "benthanh.canbo", id, &[("action", "start")]).await;
    assert_eq!(status, 200);
    let (status, html) = act(
        &app,
        "benthanh.canbo",
        id,
        &[("action", "request_supplement"), ("note", "")],
    )
    .await;
    assert_eq!(status, 400, "the list of what is missing is required");
    assert!(html.contains("lý do"), "{html}");
    let (status, html) = act(
        &app,
        "benthanh.canbo",
        id,
        &[
            ("action", "request_supplement"),
            ("note", "Bản sao giấy khai sinh"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("Tạm dừng: chờ người dân bổ sung"));
    let (status, _) = act(&app, "benthanh.canbo", id, &[("action", "supplement")]).await;
    assert_eq!(status, 200);
    let (status, html) = act(
        &app,
        "benthanh.canbo",
        id,
        &[("action", "request_supplement"), ("note", "Thêm giấy tờ")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(html.contains("Chỉ yêu cầu bổ sung một lần"));

    // One re-appointment, by the leader, to a later working day.
    let (status, html) = act(
        &app,
        "benthanh.lanhdao",
        id,
        &[
            ("action", "extend"),
            ("note", "Cần xác minh"),
            ("new_date", "01/01/2020"),
        ],
    )
    .await;
    assert_eq!(status, 400, "an earlier date is refused");
    assert!(html.contains("Ngày hẹn mới phải sau ngày hẹn hiện tại"));
    let calendar = dieuhanh_store::calendar::load(&app.store).await.unwrap();
    let today = dieuhanh_core::time::vn_date(dieuhanh_core::time::now_us()).unwrap();
    let later = calendar.add_working_days(today, 12).unwrap();
    let later_text = later.strftime("%d/%m/%Y").to_string();
    let (status, _) = act(
        &app,
        "benthanh.lanhdao",
        id,
        &[
            ("action", "extend"),
            ("note", "Cần xác minh"),
            ("new_date", &later_text),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let even_later = calendar.add_working_days(today, 15).unwrap();
    let (status, html) = act(
        &app,
        "benthanh.lanhdao",
        id,
        &[
            ("action", "extend"),
            ("note", "Lần nữa"),
            ("new_date", &even_later.strftime("%d/%m/%Y").to_string()),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert!(html.contains("Chỉ được hẹn lại ngày trả kết quả một lần"));

    // The officer cannot approve; the leader can; the desk returns the result.
    let (status, _) = act(&app, "benthanh.canbo", id, &[("action", "approve")]).await;
    assert_eq!(status, 400);
    let (status, _) = act(&app, "benthanh.lanhdao", id, &[("action", "approve")]).await;
    assert_eq!(status, 200);
    let (status, _) = act(&app, "benthanh.canbo", id, &[("action", "return_result")]).await;
    assert_eq!(status, 200);

    // The public lookup: status and steps, no personal data.
    let visitor = app.browser();
    let (status, html) = app.get(&visitor, &format!("/tra-cuu?code={code}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Đã trả kết quả"));
    assert!(html.contains("Yêu cầu bổ sung"), "the steps are listed");
    assert!(!html.contains("Lê Văn Tám"));
    assert!(!html.contains("079201001234") && !html.contains("0901234567"));
    assert!(
        !html.contains("Bản sao giấy khai sinh"),
        "officers' notes stay inside"
    );

    // Rating: only with the identity number given when filing, and once.
    let r = app
        .post_form(
            &visitor,
            &format!("/tra-cuu?code={code}"),
            "/tra-cuu/danh-gia",
            &[
                ("code", &code),
                ("identity", "079201009999"),
                ("rating", "satisfied"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Chỉ người nộp hồ sơ được đánh giá")
    );
    let r = app
        .post_form(
            &visitor,
            &format!("/tra-cuu?code={code}"),
            "/tra-cuu/danh-gia",
            &[
                ("code", &code),
                ("identity", "079201001234"),
                ("rating", "unsatisfied"),
                ("comment", "Phải chờ lâu"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let r = app
        .post_form(
            &visitor,
            "/dich-vu-cong/1.001193",
            "/tra-cuu/danh-gia",
            &[
                ("code", &code),
                ("identity", "079201001234"),
                ("rating", "satisfied"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400, "a second rating is refused");

    // The statistics count it, and its unsatisfied rating costs the unit in 5.3.
    let leader = app.signed_in("lanhdao").await;
    let (status, html) = app
        .get(&leader, &format!("/dossiers/statistics/{UNIT}"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Hài lòng trong tiếp nhận"), "{html}");
    assert!(
        html.contains("0 / 1"),
        "5.3: one dossier, rated unsatisfied"
    );
    app.assert_statistics_tallied().await;
}

#[tokio::test]
async fn bad_filings_are_refused_clearly_and_write_nothing() {
    let app = TestApp::spawn().await;
    let client = app.browser();
    let csrf = app.csrf(&client, "/dich-vu-cong/1.001193").await;
    let before = app.store.count_rows("dossiers").await.unwrap();
    let audit_before = app.audit_count().await;
    let post = |fields: Vec<(&'static str, String)>,
                files: Vec<(&'static str, &'static str, Vec<u8>)>| {
        let mut form = reqwest::multipart::Form::new().text("csrf", csrf.clone());
        for (k, v) in fields {
            form = form.text(k, v);
        }
        for (k, name, bytes) in files {
            form = form.part(k, reqwest::multipart::Part::bytes(bytes).file_name(name));
        }
        client
            .post(app.url("/dich-vu-cong/1.001193"))
            .multipart(form)
            .send()
    };
    let person = || {
        vec![
            ("unit", UNIT.to_string()),
            ("name", "Nguyễn Thị Hoa".to_string()),
            ("identity", "079301004567".to_string()),
            ("phone", "0912345678".to_string()),
        ]
    };
    let pdf = b"%PDF-1.4 to khai".to_vec();
    // A required document missing.
    let r = post(person(), vec![("doc_0", "to-khai.pdf", pdf.clone())])
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Còn thiếu thành phần hồ sơ bắt buộc")
    );
    // A file of a kind that is not accepted.
    let r = post(
        person(),
        vec![
            ("doc_0", "to-khai.pdf", pdf.clone()),
            ("doc_1", "giay-chung-sinh.exe", b"MZ".to_vec()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    // A malformed identity number.
    let mut bad = person();
    bad[2].1 = "12345".into();
    let r = post(
        bad,
        vec![
            ("doc_0", "to-khai.pdf", pdf.clone()),
            ("doc_1", "giay-chung-sinh.pdf", pdf.clone()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("12 chữ số"));
    // A unit that does not exist.
    let mut bad = person();
    bad[0].1 = "00000".into();
    let r = post(
        bad,
        vec![
            ("doc_0", "a.pdf", pdf.clone()),
            ("doc_1", "b.pdf", pdf.clone()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(app.store.count_rows("dossiers").await.unwrap(), before);
    assert_eq!(app.audit_count().await, audit_before, "nothing was written");

    // The good filing gets a code, and the lookup answers without personal data.
    let r = post(
        person(),
        vec![
            ("doc_0", "to-khai.pdf", pdf.clone()),
            ("doc_1", "giay-chung-sinh.pdf", pdf.clone()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    let code = between(&html, "id=\"dossier-code\">", "<")
        .expect("code")
        .to_string();
    let (status, html) = app.get(&client, &format!("/tra-cuu?code={code}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Đã nộp trực tuyến, chờ tiếp nhận"));
    assert!(!html.contains("Nguyễn Thị Hoa"));
    // Lookup input: malformed, unknown.
    let (status, html) = app.get(&client, "/tra-cuu?code=abc%27%3B--").await;
    assert_eq!(status, 400);
    assert!(html.contains("không đúng định dạng"));
    let (status, _) = app
        .get(&client, "/tra-cuu?code=267.43.00.A00-200101-0001")
        .await;
    assert_eq!(status, 404);
    // The ward's desk sees it with its two files, and receives it.
    let officer = app.signed_in("benthanh.canbo").await;
    let (_, list) = app.get(&officer, "/dossiers").await;
    assert!(list.contains(&code));
    let id: i64 = between(&list, "<td><a href=\"/dossiers/", "\"")
        .and_then(|s| s.parse().ok())
        .expect("link");
    let (_, html) = app.get(&officer, &format!("/dossiers/{id}")).await;
    assert!(html.contains("giay-chung-sinh.pdf"));
    let (status, _) = act(&app, "benthanh.canbo", id, &[("action", "receive")]).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn another_units_officer_gets_nothing() {
    let app = TestApp::spawn().await;
    let (id, code) = counter_intake(&app, "Trương Văn Bí Mật", "079201005555").await;
    for user in ["saigon.canbo", "so.nnmt", "congdan"] {
        let client = app.signed_in(user).await;
        let (status, html) = app.get(&client, &format!("/dossiers/{id}")).await;
        assert!(matches!(status, 403 | 404), "{user}: {status}");
        assert!(!html.contains("Trương Văn Bí Mật"));
        let (_, list) = app.get(&client, "/dossiers?all=1").await;
        assert!(!list.contains(&code), "{user} lists it");
        let r = app
            .post_form(
                &client,
                "/account",
                &format!("/dossiers/{id}/act"),
                &[("action", "start")],
            )
            .await;
        assert!(matches!(r.status().as_u16(), 403 | 404), "{user} acted");
    }
    let officer = app.signed_in("benthanh.canbo").await;
    let (_, html) = app.get(&officer, &format!("/dossiers/{id}")).await;
    assert!(html.contains("Đã tiếp nhận"), "untouched");
}

#[tokio::test]
async fn competence_decisions_route_dossiers_and_conflicts_show_as_gaps() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let today = common::vn_day(0);
    // The city decentralises civil-status certificates of marital status to… the
    // Department of Justice, from today.
    let r = app
        .post_form(
            &admin,
            "/admin/competence",
            "/admin/competence",
            &[
                ("kind", "decentralisation"),
                ("number", "15/2026/QĐ-UBND"),
                ("signed", &today),
                ("signer", "Chủ tịch UBND Thành phố"),
                ("from", "commune"),
                ("to", "department:so-tu-phap"),
                ("procedures", PROCEDURE),
                ("valid_from", &today),
            ],
        )
        .await;
    let status = r.status().as_u16();
    let html = r.text().await.unwrap();
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("15/2026/QĐ-UBND"));
    let (id, _) = counter_intake(&app, "Võ Thị Sáu", "079201007777").await;
    let d = dieuhanh_store::dossiers::get(&app.store, id).await.unwrap();
    let department = dieuhanh_store::units::by_code(&app.store, "so-tu-phap")
        .await
        .unwrap();
    assert_eq!(d.unit_id, department.id, "the department handles it now");

    // A second decision moving the same power elsewhere: a conflict, refused at intake
    // and listed on the gaps page.
    let r = app
        .post_form(
            &admin,
            "/admin/competence",
            "/admin/competence",
            &[
                ("kind", "decentralisation"),
                ("number", "16/2026/QĐ-UBND"),
                ("signed", &today),
                ("signer", "Chủ tịch UBND Thành phố"),
                ("from", "commune"),
                ("to", "city"),
                ("domains", "Hộ tịch"),
                ("valid_from", &today),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let officer = app.signed_in("benthanh.canbo").await;
    let r = app
        .post_form(
            &officer,
            "/dossiers/new",
            "/dossiers",
            &[
                ("procedure", PROCEDURE),
                ("name", "Võ Văn Kiệt"),
                ("identity", "079201008888"),
                ("phone", "0901234567"),
                ("doc_0", "1"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("chồng chéo"));
    let leader = app.signed_in("lanhdao").await;
    let (_, gaps) = app.get(&leader, "/gaps").await;
    assert!(gaps.contains("Thủ tục chưa có đúng một cơ quan có thẩm quyền"));
    assert!(gaps.contains("Cấp Giấy xác nhận tình trạng hôn nhân"));

    // A bad decision is refused with the reason.
    let r = app
        .post_form(
            &admin,
            "/admin/competence",
            "/admin/competence",
            &[
                ("kind", "decentralisation"),
                ("number", ""),
                ("signed", &today),
                ("signer", "X"),
                ("from", "commune"),
                ("to", "city"),
                ("domains", "Hộ tịch"),
                ("valid_from", &today),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("Ghi số văn bản"));
}

#[tokio::test]
async fn the_json_api_files_looks_up_and_ranks_without_leaking() {
    let app = TestApp::spawn().await;
    let (status, found) = app
        .api_get(None, "/api/v1/procedures?q=chung+thuc+chu+ky")
        .await;
    assert_eq!(status, 200);
    assert_eq!(found[0]["code"], "2.000884");
    assert_eq!(found[0]["fee_vnd"], 10_000);
    let desk = app.token("benthanh.canbo").await;
    let (status, body) = app
        .api_post(
            &desk,
            "/api/v1/dossiers",
            serde_json::json!({"procedure": PROCEDURE, "applicant": {"name": "Đỗ Thị Kín", "identity": "079201003333", "phone": "0901112223"},
                               "documents_handed_in": [0]}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    let code = body["code"].as_str().unwrap().to_string();
    // Missing a required document: a stable error code, nothing written.
    let before = app.store.count_rows("dossiers").await.unwrap();
    let (status, body) = app
        .api_post(
            &desk,
            "/api/v1/dossiers",
            serde_json::json!({"procedure": PROCEDURE, "applicant": {"name": "A", "identity": "079201003334", "phone": "0901112223"}}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("missing_document"))
    );
    let (status, body) = app
        .api_post(
            &desk,
            "/api/v1/dossiers",
            serde_json::json!({"procedure": "0.000000", "applicant": {"name": "A", "identity": "079201003334", "phone": "0901112223"}}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("unknown_procedure"))
    );
    assert_eq!(app.store.count_rows("dossiers").await.unwrap(), before);

    // Public lookup: no personal data anywhere in the answer.
    let (status, public) = app
        .api_get(None, &format!("/api/v1/dossiers/lookup/{code}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(public["state"], "received");
    let text = public.to_string();
    assert!(
        !text.contains("Đỗ Thị Kín")
            && !text.contains("079201003333")
            && !text.contains("0901112223")
    );
    let (status, body) = app
        .api_get(None, "/api/v1/dossiers/lookup/not-a-code")
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_code"))
    );

    // The desk sees the name and a masked number; another ward gets 404.
    let (status, detail) = app
        .api_get(Some(&desk), &format!("/api/v1/dossiers/{id}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(detail["applicant_name"], "Đỗ Thị Kín");
    assert_eq!(detail["applicant_identity_masked"], "0792******33");
    let other = app.token("saigon.canbo").await;
    let (status, _) = app
        .api_get(Some(&other), &format!("/api/v1/dossiers/{id}"))
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .api_post(
            &other,
            &format!("/api/v1/dossiers/{id}/actions"),
            serde_json::json!({"action": "start"}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, d) = app
        .api_post(
            &desk,
            &format!("/api/v1/dossiers/{id}/actions"),
            serde_json::json!({"action": "start"}),
        )
        .await;
    assert_eq!((status, d["state"].as_str()), (200, Some("in_progress")));

    // The 766 ranking: every communal unit, Bến Thành with its one dossier on time.
    let leader = app.token("lanhdao").await;
    let (status, ranking) = app.api_get(Some(&leader), "/api/v1/index766").await;
    assert_eq!(status, 200);
    assert_eq!(ranking.as_array().unwrap().len(), 168);
    let ward = ranking
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_code"] == UNIT)
        .unwrap();
    assert_eq!(ward["received"], 1);
    assert_eq!(ward["pending_within"], 1);
    let progress = ward["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "2.1")
        .unwrap();
    assert_eq!(progress["points"], 20.0);
    let (status, body) = app
        .api_get(Some(&leader), "/api/v1/index766?period=2026-13")
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_period"))
    );
    let citizen = app.token("congdan").await;
    let (status, _) = app.api_get(Some(&citizen), "/api/v1/index766").await;
    assert_eq!(status, 403);
    app.assert_statistics_tallied().await;
}

#[tokio::test]
async fn administrators_edit_export_and_import_the_catalogue() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    // The export reads back as the same catalogue.
    let r = admin
        .get(app.url("/admin/procedures.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    let read = dieuhanh_web::pages::procedures_admin::read(&bytes).expect("readable");
    let stored = dieuhanh_store::procedures::all(&app.store).await.unwrap();
    assert_eq!(read.len(), stored.len());
    assert!(
        read.iter()
            .any(|p| p.code == "1.001193" && p.documents.iter().all(|d| d.required))
    );
    // Importing it back is accepted whole.
    let csrf = app.csrf(&admin, "/admin/procedures").await;
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(bytes.clone()).file_name("thu-tuc.xlsx"),
    );
    let r = admin
        .post(app.url("/admin/procedures/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains(&format!("Đã nhập {} thủ tục", stored.len()))
    );
    // A workbook that is not one is refused.
    let csrf = app.csrf(&admin, "/admin/procedures").await;
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(b"not excel".to_vec()).file_name("x.xlsx"),
    );
    let r = admin
        .post(app.url("/admin/procedures/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);

    // The form: a fee set by the People's Council is entered; the portal shows it.
    let mut fields: Vec<(&str, String)> = vec![
        ("code", "1.004873".into()),
        ("name", "Cấp Giấy xác nhận tình trạng hôn nhân".into()),
        ("domain", "Hộ tịch".into()),
        ("level", "commune".into()),
        ("term_value", "3".into()),
        ("term_unit", "working_days".into()),
        ("term_note", "3 ngày làm việc".into()),
        ("fee_vnd", "15.000".into()),
        ("fee_note", "15.000 đ (thử nghiệm)".into()),
        (
            "documents",
            "Tờ khai theo mẫu *\nBản sao giấy tờ khác".into(),
        ),
        ("online_level", "full".into()),
        ("valid_from", "01/07/2025".into()),
    ];
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app
        .post_form(&admin, "/admin/procedures", "/admin/procedures", &form)
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let p = dieuhanh_store::procedures::get(&app.store, "1.004873")
        .await
        .unwrap();
    assert_eq!(p.fee_vnd, 15_000);
    assert_eq!(p.documents.len(), 2);
    assert!(p.documents[0].required && !p.documents[1].required);
    let (_, html) = app.get(&app.browser(), "/dich-vu-cong/1.004873").await;
    assert!(html.contains("15.000 đ (thử nghiệm)"));
    // A dossier filed while the procedure is fully online stays counted so after the
    // catalogue changes: the tallies move exactly what they added.
    let (id, _) = counter_intake(&app, "Trần Văn Mức", "079201005555").await;
    fields[10].1 = "partial".into();
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app
        .post_form(&admin, "/admin/procedures", "/admin/procedures", &form)
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let (status, _) = act(&app, "benthanh.canbo", id, &[("action", "start")]).await;
    assert_eq!(status, 200);
    let (status, _) = act(
        &app,
        "benthanh.canbo",
        id,
        &[("action", "request_supplement"), ("note", "Thêm tờ khai")],
    )
    .await;
    assert_eq!(status, 200);
    app.assert_statistics_tallied().await;
    fields[10].1 = "full".into();
    // A bad term is refused and changes nothing.
    fields[4].1 = "0".into();
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app
        .post_form(&admin, "/admin/procedures", "/admin/procedures", &form)
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(
        dieuhanh_store::procedures::get(&app.store, "1.004873")
            .await
            .unwrap()
            .term
            .value,
        3
    );
    // A ward officer cannot reach the catalogue.
    let officer = app.signed_in("benthanh.canbo").await;
    let (status, _) = app.get(&officer, "/admin/procedures").await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn rotating_the_key_reseals_applicants_and_keeps_them_findable() {
    use dieuhanh_web::security::keys::Keys;
    let app = TestApp::spawn().await;
    let (id, _) = counter_intake(&app, "Hồ Thị Xoay", "079201006666").await;
    let old = Keys::from_master(&common::MASTER_KEY);
    let new = Keys::from_master(&[7u8; 32]);
    // A wrong "current" key opens nothing and changes nothing.
    let before = dieuhanh_store::dossiers::get(&app.store, id).await.unwrap();
    let wrong = Keys::from_master(&[9u8; 32]);
    assert!(
        dieuhanh_web::security::rotation::rotate(&app.store, &wrong, &new)
            .await
            .is_err()
    );
    let same = dieuhanh_store::dossiers::get(&app.store, id).await.unwrap();
    assert_eq!(same.applicant_sealed, before.applicant_sealed);

    let done = dieuhanh_web::security::rotation::rotate(&app.store, &old, &new)
        .await
        .unwrap();
    assert_eq!(done.applicants, 1);
    let after = dieuhanh_store::dossiers::get(&app.store, id).await.unwrap();
    let context = dieuhanh_web::dossiers::seal_context(&after.code);
    assert!(old.open(&after.applicant_sealed, &context).is_none());
    let plain = new
        .open(&after.applicant_sealed, &context)
        .expect("opens with the new key");
    assert!(String::from_utf8(plain).unwrap().contains("Hồ Thị Xoay"));
    assert_eq!(
        dieuhanh_store::dossiers::identity_hash(&app.store, id)
            .await
            .unwrap(),
        new.lookup_hash("079201006666")
    );
}

#[tokio::test]
async fn an_applicant_sees_and_supplements_only_their_own_dossiers() {
    let app = TestApp::spawn().await;
    // A second citizen, with the demo password.
    let congdan = dieuhanh_store::users::by_username(&app.store, "congdan")
        .await
        .unwrap();
    let mut tx = app.store.begin().await.unwrap();
    dieuhanh_store::users::create(
        &mut tx,
        &dieuhanh_store::users::NewUser {
            unit_id: congdan.unit_id,
            username: "congdan2",
            full_name: "Lâm Văn Khác",
            title: None,
            role: dieuhanh_core::policy::Role::Citizen,
            password_hash: &congdan.password_hash,
        },
        None,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    // congdan files online, signed in; the desk receives it and asks for a paper.
    let mine = app.signed_in("congdan").await;
    let csrf = app.csrf(&mine, "/dich-vu-cong/1.004873").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("unit", UNIT)
        .text("name", "Huỳnh Thị Mai")
        .text("identity", "079301001111")
        .text("email", "mai@example.vn")
        .part(
            "doc_0",
            reqwest::multipart::Part::bytes(b"%PDF-1.4".to_vec()).file_name("to-khai.pdf"),
        );
    let r = mine
        .post(app.url("/dich-vu-cong/1.004873"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    let code = between(&html, "id=\"dossier-code\">", "<")
        .expect("filed")
        .to_string();
    let d = dieuhanh_store::dossiers::by_code(&app.store, &code)
        .await
        .unwrap();
    assert_eq!(d.applicant_user_id, Some(congdan.id));
    for action in [
        ("receive", ""),
        ("request_supplement", "Bản sao sổ hộ khẩu"),
    ] {
        let (status, _) = act(
            &app,
            "benthanh.canbo",
            d.item_id,
            &[("action", action.0), ("note", action.1)],
        )
        .await;
        assert_eq!(status, 200);
    }
    // The bare action, without the papers, does not restart the term; nor can the
    // applicant declare the fee paid.
    let r = app
        .post_form(
            &mine,
            "/account",
            &format!("/dossiers/{}/act", d.item_id),
            &[("action", "supplement")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let r = app
        .post_form(
            &mine,
            "/account",
            &format!("/dossiers/{}/pay", d.item_id),
            &[("channel", "online")],
        )
        .await;
    assert!(matches!(r.status().as_u16(), 400 | 403));
    let still = dieuhanh_store::dossiers::get(&app.store, d.item_id)
        .await
        .unwrap();
    assert_eq!(still.state, "awaiting_supplement");
    let (_, list) = app.get(&mine, "/ho-so-cua-toi").await;
    assert!(list.contains(&code));
    let (_, page) = app.get(&mine, &format!("/tra-cuu?code={code}")).await;
    assert!(page.contains("Huỳnh Thị Mai") && page.contains("Bản sao sổ hộ khẩu"));

    // The other citizen: not in their list, no name on the lookup, cannot supplement.
    let other = app.signed_in("congdan2").await;
    let (_, list) = app.get(&other, "/ho-so-cua-toi").await;
    assert!(!list.contains(&code));
    let (_, page) = app.get(&other, &format!("/tra-cuu?code={code}")).await;
    assert!(!page.contains("Huỳnh Thị Mai") && !page.contains("Bản sao sổ hộ khẩu"));
    let csrf = app.csrf(&other, "/account").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("code", code.clone())
        .part(
            "doc_0",
            reqwest::multipart::Part::bytes(b"%PDF-1.4".to_vec()).file_name("x.pdf"),
        );
    let r = other
        .post(app.url("/tra-cuu/bo-sung"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let still = dieuhanh_store::dossiers::get(&app.store, d.item_id)
        .await
        .unwrap();
    assert_eq!(still.state, "awaiting_supplement");
    app.assert_statistics_tallied().await;
}

/// A visitor who is not signed in cannot try identity numbers by the thousand: past the
/// minute's allowance from one address, ratings are refused with 429 and a clear message
/// (the right number included), and nothing is rated.
#[tokio::test]
async fn anonymous_ratings_from_one_address_are_limited() {
    let app = TestApp::spawn_with(common::Options {
        config: dieuhanh_web::state::WebConfig {
            login_attempts_per_minute: 1000,
            public_posts_per_minute: 3,
            ..dieuhanh_web::state::WebConfig::default()
        },
        ..common::Options::default()
    })
    .await;
    let (id, code) = counter_intake(&app, "Trần Thị Thử", "079201005555").await;
    let visitor = app.browser();
    let rate = |identity: &'static str| {
        let (app, visitor, code) = (&app, &visitor, code.clone());
        async move {
            app.post_form(
                visitor,
                "/dich-vu-cong/1.001193",
                "/tra-cuu/danh-gia",
                &[
                    ("code", code.as_str()),
                    ("identity", identity),
                    ("rating", "satisfied"),
                ],
            )
            .await
        }
    };
    // Guesses within the allowance are answered as usual (not yet finished or not the
    // applicant: the same refusal either way).
    for guess in ["079201000001", "079201000002", "079201000003"] {
        assert_eq!(rate(guess).await.status().as_u16(), 400);
    }
    let r = rate("079201005555").await;
    assert_eq!(r.status().as_u16(), 429);
    let html = r.text().await.unwrap();
    assert!(html.contains("Vui lòng thử lại sau"), "{html}");
    let d = dieuhanh_store::dossiers::get(&app.store, id).await.unwrap();
    assert!(d.rating.is_empty(), "nothing was rated");
}
