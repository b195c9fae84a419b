//! Open311 GeoReport v2 conformance (spec `open311-georeport-v2.md` §15): every endpoint
//! in both formats, errors in the spec's shape, the query rules, routing by place and
//! category, and no reporter data in any GET.

mod common;

use common::TestApp;
use serde_json::Value;

const KEY: &str = "test-integrator-key";
/// Bến Thành market (ward 26743).
const BEN_THANH: (&str, &str) = ("10.7725", "106.6980");

async fn app_with_key() -> TestApp {
    let app = TestApp::spawn().await;
    let root = dieuhanh_store::units::root(&app.store).await.unwrap();
    let mut tx = app.store.begin().await.unwrap();
    dieuhanh_store::citizen::add_key(&mut tx, "Kiểm thử", KEY, None, root.id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    app
}

async fn get(app: &TestApp, path: &str) -> (u16, String, String) {
    let r = reqwest::get(app.url(path)).await.unwrap();
    let status = r.status().as_u16();
    let content_type = r.headers()["content-type"].to_str().unwrap().to_string();
    (status, content_type, r.text().await.unwrap())
}

async fn get_json(app: &TestApp, path: &str) -> (u16, Value) {
    let (status, content_type, body) = get(app, path).await;
    assert!(
        content_type.starts_with("application/json"),
        "{path}: {content_type}"
    );
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

async fn post(app: &TestApp, format: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let r = reqwest::Client::new()
        .post(app.url(&format!("/open311/v2/requests.{format}")))
        .form(fields)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn discovery_and_services_answer_in_both_formats() {
    let app = app_with_key().await;
    for path in ["/open311/discovery", "/open311/v2/discovery"] {
        let (status, _, xml) = get(&app, &format!("{path}.xml")).await;
        assert_eq!(status, 200);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
        assert!(
            xml.contains("<specification>http://wiki.open311.org/GeoReport_v2</specification>")
        );
        let (status, json) = get_json(&app, &format!("{path}.json")).await;
        assert_eq!(status, 200);
        for field in ["changeset", "contact", "key_service"] {
            assert!(json[field].is_string(), "{field}");
        }
        let endpoint = &json["endpoints"][0];
        assert!(endpoint["url"].as_str().unwrap().ends_with("/open311/v2"));
        assert!(["production", "test"].contains(&endpoint["type"].as_str().unwrap()));
        assert_eq!(
            endpoint["formats"],
            serde_json::json!(["text/xml", "application/json"])
        );
    }

    let (status, services) = get_json(&app, "/open311/v2/services.json").await;
    assert_eq!(status, 200);
    let list = services.as_array().unwrap();
    assert!(list.len() >= 8);
    for s in list {
        for field in [
            "service_code",
            "service_name",
            "description",
            "type",
            "keywords",
            "group",
        ] {
            assert!(s[field].is_string(), "{field} of {s}");
        }
        assert_eq!(s["type"], "realtime");
        // metadata=true exactly when a definition with attributes exists.
        let code = s["service_code"].as_str().unwrap();
        let (status, def) = get_json(&app, &format!("/open311/v2/services/{code}.json")).await;
        assert_eq!(status, 200);
        assert_eq!(
            s["metadata"].as_bool().unwrap(),
            !def["attributes"].as_array().unwrap().is_empty()
        );
        let mut orders: Vec<i64> = def["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["order"].as_i64().unwrap())
            .collect();
        orders.dedup();
        assert_eq!(
            orders.len(),
            def["attributes"].as_array().unwrap().len(),
            "orders are unique"
        );
        for a in def["attributes"].as_array().unwrap() {
            let list_type = matches!(
                a["datatype"].as_str().unwrap(),
                "singlevaluelist" | "multivaluelist"
            );
            assert_eq!(a.get("values").is_some(), list_type, "{a}");
        }
    }
    let (_, _, xml) = get(&app, "/open311/v2/services.xml").await;
    assert!(
        xml.contains("<service_name>Ngập nước, tắc cống thoát nước</service_name>"),
        "Vietnamese round-trips"
    );
    let (_, _, xml) = get(&app, "/open311/v2/services/TNG-01.xml").await;
    assert!(xml.contains(
        "<service_definition><service_code>TNG-01</service_code><attributes><attribute>"
    ));

    // Errors: unknown code, unknown suffix, jurisdiction present/empty/wrong.
    let (status, errors) = get_json(&app, "/open311/v2/services/KHONG-CO.json").await;
    assert_eq!(status, 404);
    assert_eq!(errors[0]["code"], 404);
    assert!(errors[0]["description"].is_string());
    let (status, _, body) = get(&app, "/open311/v2/services.html").await;
    assert_eq!(status, 400);
    assert!(body.contains("<errors><error><code>400</code>"));
    assert_eq!(
        get(
            &app,
            "/open311/v2/services.json?jurisdiction_id=hochiminhcity.gov.vn"
        )
        .await
        .0,
        200
    );
    assert_eq!(
        get(&app, "/open311/v2/services.json?jurisdiction_id=")
            .await
            .0,
        200
    );
    let (status, errors) = get_json(
        &app,
        "/open311/v2/services.json?jurisdiction_id=hanoi.gov.vn",
    )
    .await;
    assert_eq!((status, errors[0]["code"].as_i64()), (404, Some(404)));
    let (status, _, _) = get(&app, "/open311/v2/tokens/abc.json").await;
    assert_eq!(status, 404);
    // The OpenAPI document describes the GeoReport endpoints too.
    let (_, openapi) = get_json(&app, "/api/openapi.json").await;
    for path in [
        "/open311/v2/{file}",
        "/open311/v2/services/{file}",
        "/open311/v2/requests/{file}",
    ] {
        assert!(openapi["paths"][path].is_object(), "{path} in OpenAPI");
    }
}

#[tokio::test]
async fn a_request_is_posted_routed_and_followed_without_personal_data() {
    let app = app_with_key().await;
    let base = |extra: &[(&'static str, &'static str)]| {
        let mut f = vec![
            ("api_key", KEY),
            ("service_code", "VSMT-01"),
            ("lat", BEN_THANH.0),
            ("long", BEN_THANH.1),
            ("attribute[KHOI_LUONG]", "VUA"),
            ("description", "Xà bần đổ cạnh trạm xe buýt chợ Bến Thành"),
            ("email", "nguoidan@example.vn"),
            ("phone", "0901234567"),
            ("first_name", "Lan"),
        ];
        for (k, v) in extra {
            f.retain(|(key, _)| key != k);
            f.push((k, v));
        }
        f
    };
    let audit_before = app.audit_count().await;
    // Errors, each with its status and a description; several at once.
    let (status, body) = post(&app, "json", &base(&[("api_key", "")])).await;
    assert_eq!(status, 403, "{body}");
    let (status, _) = post(&app, "json", &base(&[("api_key", "sai")])).await;
    assert_eq!(status, 403);
    let (status, _) = post(&app, "json", &base(&[("service_code", "KHONG-CO")])).await;
    assert_eq!(status, 404);
    let (status, body) = post(&app, "xml", &base(&[("service_code", "")])).await;
    assert_eq!(status, 400);
    assert!(body.contains("<errors>"));
    let (status, body) = post(&app, "json", &base(&[("lat", ""), ("long", "")])).await;
    assert_eq!(status, 400);
    assert!(body.contains("Thiếu vị trí"), "{body}");
    let (status, _) = post(&app, "json", &base(&[("long", "")])).await;
    assert_eq!(status, 400, "lat without long");
    let (status, body) = post(
        &app,
        "json",
        &base(&[("lat", "21.0285"), ("long", "105.8542")]),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("nằm ngoài Thành phố"), "{body}");
    let long_text = "x".repeat(4001);
    let (status, _) = post(
        &app,
        "json",
        &base(&[("description", Box::leak(long_text.into_boxed_str()))]),
    )
    .await;
    assert_eq!(status, 400);
    let (status, body) = post(
        &app,
        "json",
        &base(&[("attribute[KHOI_LUONG]", ""), ("jurisdiction_id", "")]),
    )
    .await;
    assert_eq!(status, 400);
    let errors: Value = serde_json::from_str(&body).unwrap();
    assert!(
        errors[0]["description"]
            .as_str()
            .unwrap()
            .contains("Cần trả lời attribute[KHOI_LUONG]")
    );
    let (status, _) = post(&app, "json", &base(&[("jurisdiction_id", "hanoi.gov.vn")])).await;
    assert_eq!(status, 404);
    assert_eq!(app.audit_count().await, audit_before, "nothing was written");

    // A good request: multi-value attribute, the ward is responsible.
    let mut fields = base(&[]);
    fields.push(("attribute[LOAI][]", "SH"));
    fields.push(("attribute[LOAI][]", "XB"));
    let (status, body) = post(&app, "json", &fields).await;
    assert_eq!(status, 200, "{body}");
    let created: Value = serde_json::from_str(&body).unwrap();
    let id = created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(id.starts_with("PA-"));
    assert!(created[0].get("token").is_none());
    assert!(
        created[0]["service_notice"]
            .as_str()
            .unwrap()
            .contains("Phường Bến Thành")
    );

    // Followed by anyone, in both formats, with no personal data.
    let (status, one) = get_json(&app, &format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(status, 200);
    let r = &one.as_array().unwrap()[0];
    assert_eq!(r["status"], "open");
    assert_eq!(r["service_code"], "VSMT-01");
    assert_eq!(r["agency_responsible"], "Phường Bến Thành");
    assert!(
        r["requested_datetime"]
            .as_str()
            .unwrap()
            .ends_with("+07:00")
    );
    assert!(r["expected_datetime"].as_str().unwrap().ends_with("+07:00"));
    assert_eq!(r["lat"].as_f64(), Some(10.7725));
    let (_, _, xml) = get(&app, &format!("/open311/v2/requests/{id}.xml")).await;
    for secret in ["nguoidan@example.vn", "0901234567", "Lan<"] {
        assert!(
            !xml.contains(secret) && !one.to_string().contains(secret),
            "{secret} leaked"
        );
    }
    assert_eq!(
        get(&app, "/open311/v2/requests/PA-1999-000001.json")
            .await
            .0,
        404
    );

    // The cockpit counts it for the ward.
    let city = app.token("lanhdao").await;
    let ward_row = |cockpit: &Value| {
        cockpit["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == "26743")
            .unwrap()
            .clone()
    };
    let (_, cockpit) = app.api_get(Some(&city), "/api/v1/cockpit").await;
    assert_eq!(ward_row(&cockpit)["citizen_open"], 1);
    assert_eq!(cockpit["totals"]["citizen_open"], 1);

    // The ward handles it in the product; the resolution note becomes public.
    let ward = app.token("benthanh.lanhdao").await;
    let item = dieuhanh_store::citizen::reports(
        &app.store,
        &dieuhanh_store::citizen::ReportQuery {
            public_ids: vec![id.clone()],
            limit: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap()[0]
        .item_id;
    let act = |action: &'static str, note: &'static str| serde_json::json!({"action": action, "note": note});
    let (status, b) = app
        .api_post(
            &ward,
            &format!("/api/v1/citizen-reports/{item}/actions"),
            act("acknowledge", ""),
        )
        .await;
    assert_eq!(status, 200, "{b}");
    let (status, _) = app
        .api_post(
            &ward,
            &format!("/api/v1/citizen-reports/{item}/actions"),
            act("resolve", "Đã thu gom xà bần"),
        )
        .await;
    assert_eq!(status, 200);
    let (_, one) = get_json(&app, &format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(one[0]["status"], "closed");
    assert_eq!(one[0]["status_notes"], "Đã thu gom xà bần");
    assert!(
        one[0]["updated_datetime"].as_str() >= one[0]["requested_datetime"].as_str(),
        "updated when it changed"
    );

    let (_, cockpit) = app.api_get(Some(&city), "/api/v1/cockpit").await;
    assert_eq!(ward_row(&cockpit)["citizen_open"], 0);
    assert_eq!(ward_row(&cockpit)["citizen_median_days"], 0);
    // Made exactly three days before it was resolved: three days to resolve, whatever the
    // hour (Vietnam keeps no summer time).
    for sql in [
        "UPDATE work_items SET created_at_us = \
           (SELECT updated_at_us FROM citizen_reports WHERE item_id = $1) - 3 * 86400000000 WHERE id = $1",
        "UPDATE citizen_reports SET requested_at_us = updated_at_us - 3 * 86400000000 WHERE item_id = $1",
    ] {
        sqlx::query(sql)
            .bind(item)
            .execute(app.store.reader())
            .await
            .unwrap();
    }
    let (_, cockpit) = app.api_get(Some(&city), "/api/v1/cockpit").await;
    assert_eq!(ward_row(&cockpit)["citizen_median_days"], 3);

    // Another ward cannot act on it.
    let other = app.token("26740.lanhdao").await;
    let (status, _) = app
        .api_post(
            &other,
            &format!("/api/v1/citizen-reports/{item}/actions"),
            act("reopen", "x"),
        )
        .await;
    assert_eq!(status, 404);

    // The PAKN figures (766 items 5.1, 5.2) read from the tallies follow the report through
    // its answer, a reopening and a second answer.
    app.assert_statistics_tallied().await;
    let (status, b) = app
        .api_post(
            &ward,
            &format!("/api/v1/citizen-reports/{item}/actions"),
            act("reopen", "Người dân phản ánh vẫn còn xà bần"),
        )
        .await;
    assert_eq!(status, 200, "{b}");
    app.assert_statistics_tallied().await;
    let (status, _) = app
        .api_post(
            &ward,
            &format!("/api/v1/citizen-reports/{item}/actions"),
            act("resolve", "Đã thu gom hết"),
        )
        .await;
    assert_eq!(status, 200);
    app.assert_statistics_tallied().await;
    let period = dieuhanh_web::statistics::requested_period(None).unwrap();
    let lines = dieuhanh_web::statistics::compute(&app.state, &period)
        .await
        .unwrap();
    let sum = |f: fn(&dieuhanh_web::statistics::UnitCounts) -> u64| {
        lines.iter().map(|l| f(&l.counts)).sum::<u64>()
    };
    assert_eq!(sum(|c| c.pakn), 1, "one report this quarter");
    assert_eq!(sum(|c| c.pakn_on_time), 1, "answered within its term");
    assert_eq!(sum(|c| c.pakn_satisfied), 0, "but reopened once");
}

#[tokio::test]
async fn queries_follow_the_filters_window_and_paging_rules() {
    let app = app_with_key().await;
    // A department category goes to the department, wherever it is; an address-only ward
    // category goes to the city's triage office.
    let (status, body) = post(
        &app,
        "xml",
        &[
            ("api_key", KEY),
            ("service_code", "DCS-01"),
            ("lat", BEN_THANH.0),
            ("long", BEN_THANH.1),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<service_requests><request><service_request_id>PA-"));
    let (status, body) = post(
        &app,
        "json",
        &[
            ("api_key", KEY),
            ("service_code", "TTDT-01"),
            ("address_string", "12 Nguyễn Huệ, Phường Sài Gòn"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, all) = get_json(&app, "/open311/v2/requests.json").await;
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 2);
    let agency = |code: &str| {
        all.iter().find(|r| r["service_code"] == code).unwrap()["agency_responsible"].clone()
    };
    assert_eq!(agency("DCS-01"), "Sở Xây dựng");
    assert_eq!(agency("TTDT-01"), "Văn phòng Ủy ban nhân dân Thành phố");
    assert_eq!(all[0]["service_code"], "TTDT-01", "newest first");
    assert_eq!(all[1]["address"], "");

    // The city's triage office hands the address-only report to the ward.
    let triage = app.token("van-phong-ubnd.canbo").await;
    let (_, queue) = app
        .api_get(Some(&triage), "/api/v1/citizen-reports?open=true")
        .await;
    let item = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service_code"] == "TTDT-01")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/citizen-reports/{item}/actions");
    let (status, b) = app
        .api_post(
            &triage,
            &path,
            serde_json::json!({"action": "transfer", "unit": "khong-co", "note": "x"}),
        )
        .await;
    assert_eq!(
        (status, b["error"]["code"].as_str()),
        (400, Some("invalid_unit"))
    );
    let (status, b) = app
        .api_post(&triage, &path, serde_json::json!({"action": "transfer", "unit": "26740", "note": "Địa chỉ thuộc phường Sài Gòn"}))
        .await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(b["unit_code"], "26740");
    let saigon = app.token("saigon.canbo").await;
    let (_, theirs) = app.api_get(Some(&saigon), "/api/v1/citizen-reports").await;
    assert!(
        theirs["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == item)
    );
    let (_, all) = get_json(&app, "/open311/v2/requests.json").await;
    let all = all.as_array().unwrap().clone();
    assert!(
        all.iter()
            .any(|r| r["service_code"] == "TTDT-01" && r["agency_responsible"] == "Phường Sài Gòn")
    );

    let count = |v: &Value| v.as_array().map(|a| a.len()).unwrap_or(usize::MAX);
    assert_eq!(
        count(
            &get_json(&app, "/open311/v2/requests.json?service_code=DCS-01")
                .await
                .1
        ),
        1
    );
    assert_eq!(
        count(
            &get_json(
                &app,
                "/open311/v2/requests.json?service_code=DCS-01,TTDT-01&status=open"
            )
            .await
            .1
        ),
        2
    );
    assert_eq!(
        count(
            &get_json(&app, "/open311/v2/requests.json?status=closed")
                .await
                .1
        ),
        0
    );
    assert_eq!(
        count(&get_json(&app, "/open311/v2/requests.json?status=").await.1),
        2,
        "empty is absent"
    );
    let id = all[1]["service_request_id"].as_str().unwrap();
    let (_, by_id) = get_json(
        &app,
        &format!("/open311/v2/requests.json?service_request_id={id}&service_code=NONE"),
    )
    .await;
    assert_eq!(count(&by_id), 1, "ids override other filters");
    assert_eq!(
        count(
            &get_json(&app, "/open311/v2/requests.json?page=2&page_size=1")
                .await
                .1
        ),
        1
    );
    assert_eq!(
        count(
            &get_json(&app, "/open311/v2/requests.json?page=3&page_size=1")
                .await
                .1
        ),
        0
    );
    let (_, _, empty) = get(&app, "/open311/v2/requests.xml?status=closed").await;
    assert!(empty.ends_with("<service_requests></service_requests>"));

    for bad in [
        "start_date=2026-11-01",
        "start_date=2026-01-01T00:00:00%2B07:00&end_date=2026-06-01T00:00:00%2B07:00",
        "start_date=2026-11-20T00:00:00%2B07:00&end_date=2026-11-01T00:00:00%2B07:00",
        "status=pending",
        "page_size=0",
        "page_size=5000",
    ] {
        let (status, errors) = get_json(&app, &format!("/open311/v2/requests.json?{bad}")).await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(errors[0]["code"], 400, "{bad}");
    }
    let day = common::day(-1);
    let (status, list) = get_json(
        &app,
        &format!("/open311/v2/requests.json?start_date={day}T00:00:00Z"),
    )
    .await;
    assert_eq!((status, count(&list)), (200, 2));

    // Multipart with a photo; the media URL serves it.
    let form = reqwest::multipart::Form::new()
        .text("api_key", KEY)
        .text("service_code", "CX-01")
        .text("lat", BEN_THANH.0)
        .text("long", BEN_THANH.1)
        .part(
            "media",
            reqwest::multipart::Part::bytes(b"\x89PNG fake".to_vec()).file_name("cay-do.png"),
        );
    let r = reqwest::Client::new()
        .post(app.url("/open311/v2/requests.json"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let created: Value = r.json().await.unwrap();
    assert_eq!(status, 200, "{created}");
    let (_, one) = get_json(
        &app,
        &format!(
            "/open311/v2/requests/{}.json",
            created[0]["service_request_id"].as_str().unwrap()
        ),
    )
    .await;
    let media = one[0]["media_url"].as_str().unwrap();
    let path = &media[media.find("/open311/media/").unwrap()..];
    let r = reqwest::get(app.url(path)).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"\x89PNG fake");
}

#[tokio::test]
async fn a_resident_reports_on_the_portal_by_clicking_the_map() {
    let app = app_with_key().await;
    // Where Bến Thành market is drawn on the picker map.
    let geo = dieuhanh_web::load_geography(&app.store)
        .await
        .unwrap()
        .unwrap();
    let (x, y) = geo.map.projection.to_pixel(10.7725, 106.6980);
    let visitor = app.browser();
    let (status, html) = app.get(&visitor, "/phan-anh/moi").await;
    assert_eq!(status, 200);
    assert!(html.contains("type=\"image\" name=\"pick\" src=\"/phan-anh/ban-do.svg\""));
    let (status, svg) = app.get(&visitor, "/phan-anh/ban-do.svg").await;
    assert_eq!(status, 200);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    let (_, html) = app
        .get(
            &visitor,
            &format!("/phan-anh/moi?pick.x={}&pick.y={}", x.round(), y.round()),
        )
        .await;
    assert!(html.contains("Vị trí thuộc Phường Bến Thành"), "{html}");
    let (_, html) = app.get(&visitor, "/phan-anh/moi?pick.x=2&pick.y=2").await;
    assert!(html.contains("nằm ngoài Thành phố"));

    // Step 3: the form for the chosen category, then the report.
    let form_page = "/phan-anh/moi?lat=10.7725&long=106.698&service=VSMT-01";
    let (_, html) = app.get(&visitor, form_page).await;
    assert!(
        html.contains("name=\"attribute[KHOI_LUONG]\"")
            && html.contains("enctype=\"multipart/form-data\"")
    );
    let send = |csrf: String, volume: &'static str| {
        reqwest::multipart::Form::new()
            .text("csrf", csrf)
            .text("service_code", "VSMT-01")
            .text("lat", "10.7725")
            .text("long", "106.698")
            .text("attribute[KHOI_LUONG]", volume)
            .text("description", "Rác chất đống trước cổng chợ")
            .text("phone", "0909000111")
    };
    let csrf = app.csrf(&visitor, form_page).await;
    let r = visitor
        .post(app.url("/phan-anh"))
        .multipart(send(csrf, ""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("Cần trả lời attribute[KHOI_LUONG]"), "{html}");
    assert!(
        html.contains("Rác chất đống trước cổng chợ"),
        "what was typed stays"
    );
    let csrf = app.csrf(&visitor, form_page).await;
    let r = visitor
        .post(app.url("/phan-anh"))
        .multipart(send(csrf, "LON"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Đã gửi phản ánh. Mã phản ánh của bạn: PA-"),
        "{html}"
    );
    assert!(!html.contains("0909000111"));
    let start = html.find("Mã phản ánh của bạn: ").unwrap() + "Mã phản ánh của bạn: ".len();
    let id = html[start..start + 14].to_string();
    // The same again nearby is flagged as a likely duplicate.
    let csrf = app.csrf(&visitor, form_page).await;
    let r = visitor
        .post(app.url("/phan-anh"))
        .multipart(send(csrf, "NHO"))
        .send()
        .await
        .unwrap();
    assert!(
        r.text()
            .await
            .unwrap()
            .contains(&format!("href=\"/phan-anh/{id}\""))
    );

    // Public pages show it without the phone; the ward sees the phone only on request,
    // and the reading is audited.
    let (status, html) = app.get(&visitor, &format!("/phan-anh/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Phường Bến Thành") && !html.contains("0909000111"));
    let (_, list) = app.get(&visitor, "/phan-anh?unit=26743").await;
    assert!(list.contains(&id) && list.contains("class=\"report-dot"));
    let officer = app.signed_in("benthanh.canbo").await;
    let (_, reports) = app.get(&officer, "/citizen-reports").await;
    assert!(reports.contains("/citizen-reports/") && reports.contains(&id));
    let start = reports.find("href=\"/citizen-reports/").unwrap() + "href=\"".len();
    let page = reports[start..start + reports[start..].find('"').unwrap()].to_string();
    let (_, html) = app.get(&officer, &page).await;
    assert!(!html.contains("0909000111"));
    let before = app.audit_count().await;
    let r = app
        .post_form(&officer, &page, &format!("{page}/contact"), &[])
        .await;
    assert!(r.text().await.unwrap().contains("0909000111"));
    assert_eq!(app.audit_count().await, before + 1);
    let outsider = app.signed_in("saigon.canbo").await;
    assert_eq!(app.get(&outsider, &page).await.0, 404);
}

#[tokio::test]
async fn the_demo_has_two_months_of_citizen_reports_across_the_city() {
    let app = TestApp::spawn().await;
    let today = dieuhanh_core::time::vn_date(dieuhanh_core::time::now_us()).unwrap();
    let created = dieuhanh_store::seed_services::seed_demo_citizen_reports(&app.store, today)
        .await
        .unwrap();
    assert_eq!(created, 300);
    let (status, all) = get_json(&app, "/open311/v2/requests.json?page_size=1000").await;
    assert_eq!(status, 200);
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 300);
    let closed = all.iter().filter(|r| r["status"] == "closed").count();
    assert!(closed > 100 && closed < 300, "{closed}");
    let agencies: std::collections::HashSet<&str> = all
        .iter()
        .map(|r| r["agency_responsible"].as_str().unwrap())
        .collect();
    assert!(
        agencies.len() > 40,
        "spread across the city: {}",
        agencies.len()
    );
    let city = app.token("lanhdao").await;
    let (_, cockpit) = app.api_get(Some(&city), "/api/v1/cockpit").await;
    assert!(cockpit["totals"]["citizen_open"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn keys_are_issued_revoked_and_rate_limited() {
    let app = TestApp::spawn_with(common::Options {
        config: dieuhanh_web::state::WebConfig {
            open311_posts_per_minute: 2,
            login_attempts_per_minute: 1000,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let cli = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_dieuhanh"))
            .args(["--database-url", &app.database_url, "open311", "key"])
            .args(args)
            .env("DIEUHANH_LOG", "error")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let issued = cli(&["add", "--label", "Ứng dụng Công dân số"]);
    let key = issued.lines().nth(1).unwrap().trim().to_string();
    assert_eq!(key.len(), 48);
    assert!(cli(&["list"]).contains("active") && !cli(&["list"]).contains(&key));
    assert_eq!(report(&app, &key).await, 200);
    assert_eq!(report(&app, &key).await, 200);
    assert_eq!(report(&app, &key).await, 429, "the third this minute waits");
    let id = issued.split_whitespace().nth(1).unwrap().to_string();
    cli(&["revoke", &id]);
    assert_eq!(report(&app, &key).await, 403, "a revoked key is refused");

    // Administrators issue keys on a page too; the key is shown once.
    let admin = app.signed_in("admin").await;
    let r = app
        .post_form(
            &admin,
            "/admin/open311",
            "/admin/open311",
            &[("label", "Cổng thông tin phường")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    let start = html.find("<code class=\"secret\">").unwrap() + "<code class=\"secret\">".len();
    let key = html[start..start + html[start..].find('<').unwrap()].to_string();
    assert_eq!(report(&app, &key).await, 200);
    let (_, html) = app.get(&admin, "/admin/open311").await;
    assert!(html.contains("Cổng thông tin phường") && !html.contains(&key));
    let officer = app.signed_in("benthanh.canbo").await;
    assert_eq!(app.get(&officer, "/admin/open311").await.0, 403);
}

async fn report(app: &TestApp, key: &str) -> u16 {
    let fields = [
        ("api_key", key),
        ("service_code", "DCS-01"),
        ("address_string", "Công viên 23/9"),
    ];
    post(app, "json", &fields).await.0
}

#[tokio::test]
async fn a_point_on_a_shared_boundary_goes_to_one_ward_and_private_categories_need_contact() {
    let app = app_with_key().await;
    // A vertex two wards share, taken from the real boundaries.
    let text = dieuhanh_store::units::boundaries_geojson(&app.store)
        .await
        .unwrap();
    let geo: Value = serde_json::from_str(&text).unwrap();
    let mut owners: std::collections::HashMap<(i64, i64), std::collections::BTreeSet<String>> =
        Default::default();
    for f in geo["features"].as_array().unwrap() {
        let code = f["properties"]["code"].as_str().unwrap().to_string();
        let rings: Vec<&Value> = match f["geometry"]["type"].as_str().unwrap() {
            "Polygon" => f["geometry"]["coordinates"]
                .as_array()
                .unwrap()
                .iter()
                .collect(),
            _ => f["geometry"]["coordinates"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|p| p.as_array().unwrap().iter())
                .collect(),
        };
        for ring in rings {
            for c in ring.as_array().unwrap() {
                let key = (
                    (c[0].as_f64().unwrap() * 1e9).round() as i64,
                    (c[1].as_f64().unwrap() * 1e9).round() as i64,
                );
                owners.entry(key).or_default().insert(code.clone());
            }
        }
    }
    let ((lon, lat), codes) = owners
        .iter()
        .find(|(_, codes)| codes.len() == 2)
        .expect("two wards share a vertex");
    let (lat, lon) = (*lat as f64 / 1e9, *lon as f64 / 1e9);
    let lowest = codes.iter().next().unwrap();
    let expected = dieuhanh_store::units::by_code(&app.store, lowest)
        .await
        .unwrap()
        .name;
    let (lat_s, lon_s) = (lat.to_string(), lon.to_string());
    let (status, body) = post(
        &app,
        "json",
        &[
            ("api_key", KEY),
            ("service_code", "TTDT-01"),
            ("lat", &lat_s),
            ("long", &lon_s),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let created: Value = serde_json::from_str(&body).unwrap();
    let id = created[0]["service_request_id"].as_str().unwrap();
    let (_, one) = get_json(&app, &format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(
        one[0]["agency_responsible"],
        expected.as_str(),
        "the lowest code of {codes:?}"
    );

    // Illegal construction is not taken anonymously.
    let anonymous = [
        ("api_key", KEY),
        ("service_code", "TTXD-01"),
        ("address_string", "Hẻm 12"),
    ];
    let (status, body) = post(&app, "json", &anonymous).await;
    assert_eq!(status, 400);
    assert!(body.contains("không nhận phản ánh ẩn danh"), "{body}");
    let mut with_phone = anonymous.to_vec();
    with_phone.push(("phone", "0912345678"));
    assert_eq!(post(&app, "json", &with_phone).await.0, 200);
}
