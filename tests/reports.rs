//! Periodic reports: the city issues a template, every unit gets one report per
//! period, a ward drafts and submits it, the city reads totals against targets.

mod common;

use common::TestApp;
use dieuhanh_core::reporting::{Frequency, Period, PeriodSystem};
use serde_json::{Value, json};

const WARD: &str = "26743";
const OTHER_WARD: &str = "26740";

fn monthly_template() -> Value {
    json!({
        "title": "Báo cáo kết quả giải quyết thủ tục hành chính",
        "frequency": "monthly",
        "period_system": "cut_off",
        "due_working_days": 2,
        "units": [WARD, OTHER_WARD],
        "fields": [
            {"key": "ho_so", "label": "Hồ sơ giải quyết", "type": "number", "unit": "hồ sơ"},
            {"key": "danh_gia", "label": "Tự đánh giá", "type": "choice", "options": ["Tốt", "Khá", "Trung bình"]},
            {"key": "ghi_chu", "label": "Khó khăn, đề xuất", "type": "text"}
        ]
    })
}

fn today() -> jiff::civil::Date {
    dieuhanh_core::time::vn_date(dieuhanh_core::time::now_us()).unwrap()
}

async fn my_report(app: &TestApp, token: &str) -> Value {
    let (status, list) = app.api_get(Some(token), "/api/v1/reports").await;
    assert_eq!(status, 200, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    let id = items[0]["id"].as_i64().unwrap();
    let (status, report) = app
        .api_get(Some(token), &format!("/api/v1/reports/{id}"))
        .await;
    assert_eq!(status, 200);
    report
}

#[tokio::test]
async fn a_monthly_report_goes_from_template_to_city_totals_against_targets() {
    let app = TestApp::spawn().await;
    let city = app.token("lanhdao").await;
    let ward_leader = app.token("benthanh.lanhdao").await;
    let audit_before = app.audit_count().await;

    // Bad templates are refused with a specific code and change nothing.
    for (patch, code) in [
        (json!({"frequency": "daily"}), "invalid_frequency"),
        (json!({"period_system": "lunar"}), "invalid_period_system"),
        (json!({"due_working_days": 99}), "invalid_due_working_days"),
        (json!({"units": []}), "invalid_units"),
        (json!({"units": ["khong-co"]}), "invalid_units"),
        (json!({"fields": []}), "invalid_fields"),
        (
            json!({"fields": [{"key": "Hồ sơ", "label": "x", "type": "text"}]}),
            "invalid_fields",
        ),
        (
            json!({"fields": [{"key": "a", "label": "A", "type": "choice", "options": ["Có"]}]}),
            "invalid_fields",
        ),
        (json!({"title": "  "}), "invalid_title"),
    ] {
        let mut body = monthly_template();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, b) = app.api_post(&city, "/api/v1/report-templates", body).await;
        assert_eq!(
            (status, b["error"]["code"].as_str()),
            (400, Some(code)),
            "{b}"
        );
    }
    let (status, _) = app
        .api_post(&ward_leader, "/api/v1/report-templates", monthly_template())
        .await;
    assert_eq!(status, 403, "a ward does not define reports for others");
    assert_eq!(app.audit_count().await, audit_before);

    let (status, template) = app
        .api_post(&city, "/api/v1/report-templates", monthly_template())
        .await;
    assert_eq!(status, 201, "{template}");
    let template_id = template["id"].as_i64().unwrap();
    assert_eq!(template["units"], 2);

    // The current period's report is open for the ward, due 2 working days after the
    // cut-off (ND 09/2019: the 14th).
    let period = Period::containing(Frequency::Monthly, PeriodSystem::CutOff, today()).unwrap();
    let officer = app.token("benthanh.canbo").await;
    let report = my_report(&app, &officer).await;
    let id = report["id"].as_i64().unwrap();
    assert_eq!(report["period"], period.key());
    assert_eq!(report["state"], "open");
    assert_eq!(report["unit_code"], WARD);
    assert!(report["due_date"].as_str().unwrap() > period.end().unwrap().to_string().as_str());
    assert_eq!(report["missing"], json!(["ho_so", "danh_gia", "ghi_chu"]));

    // Drafting: numbers as documents write them; bad values are refused field by field.
    let path = format!("/api/v1/reports/{id}/values");
    let (status, b) = app
        .api_put(
            &officer,
            &path,
            json!({"values": {"ho_so": "nhiều", "danh_gia": "Xuất sắc"}}),
        )
        .await;
    assert_eq!(
        (status, b["error"]["code"].as_str()),
        (400, Some("invalid_values"))
    );
    let message = b["error"]["message"].as_str().unwrap();
    assert!(message.contains("ho_so: not_a_number") && message.contains("danh_gia: not_an_option"));
    let (status, r) = app
        .api_put(
            &officer,
            &path,
            json!({"values": {"ho_so": "1.200", "danh_gia": "Tốt"}}),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["values"]["ho_so"], 1200.0);
    assert_eq!(r["missing"], json!(["ghi_chu"]));

    // Only the unit's leader submits, and only a complete report.
    let act = |action: &str| json!({"action": action});
    let actions = format!("/api/v1/reports/{id}/actions");
    let (status, _) = app.api_post(&officer, &actions, act("submit")).await;
    assert_eq!(status, 403);
    let (status, b) = app.api_post(&ward_leader, &actions, act("submit")).await;
    assert_eq!(
        (status, b["error"]["code"].as_str()),
        (400, Some("report_incomplete"))
    );
    let (status, _) = app
        .api_put(
            &officer,
            &path,
            json!({"values": {"ho_so": 1200, "danh_gia": "Tốt", "ghi_chu": "Thiếu máy scan"}}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, r) = app.api_post(&ward_leader, &actions, act("submit")).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["state"], "submitted");
    assert_eq!(r["sla"], "done_on_time");
    assert_eq!(r["closed_on"], today().to_string());
    // A submitted report no longer changes.
    let (status, b) = app
        .api_put(&officer, &path, json!({"values": {"ho_so": 1}}))
        .await;
    assert_eq!(
        (status, b["error"]["code"].as_str()),
        (400, Some("report_not_open"))
    );

    // Another ward sees neither this report nor the ward's figures.
    let other = app.token("26740.lanhdao").await;
    let (status, _) = app
        .api_get(Some(&other), &format!("/api/v1/reports/{id}"))
        .await;
    assert_eq!(status, 404);
    let (_, summary) = app
        .api_get(
            Some(&other),
            &format!(
                "/api/v1/report-templates/{template_id}/summary?period={}",
                period.key()
            ),
        )
        .await;
    let units = summary["units"].as_array().unwrap();
    assert_eq!(units.len(), 1);
    assert_eq!(units[0]["unit_code"], OTHER_WARD);

    // Targets: only the issuer sets them; bad lines are refused.
    let targets = format!("/api/v1/report-templates/{template_id}/targets");
    let (status, b) = app
        .api_put(
            &city,
            &targets,
            json!([{"unit": "khong-co", "field": "ho_so", "target": 1000}]),
        )
        .await;
    assert_eq!(
        (status, b["error"]["code"].as_str()),
        (400, Some("invalid_targets"))
    );
    let (status, b) = app
        .api_put(
            &city,
            &targets,
            json!([{"unit": WARD, "field": "ghi_chu", "target": 1}]),
        )
        .await;
    assert_eq!(
        (status, b["error"]["code"].as_str()),
        (400, Some("invalid_targets"))
    );
    let (status, _) = app
        .api_put(
            &ward_leader,
            &targets,
            json!([{"unit": WARD, "field": "ho_so", "target": 1}]),
        )
        .await;
    assert!(matches!(status, 403 | 404));
    let (status, _) = app
        .api_put(
            &city,
            &targets,
            json!([{"unit": WARD, "field": "ho_so", "target": 1000}]),
        )
        .await;
    assert_eq!(status, 204);

    // The city's totals: one submitted on time, one still open; actual 120% of target.
    let (status, summary) = app
        .api_get(
            Some(&city),
            &format!(
                "/api/v1/report-templates/{template_id}/summary?period={}",
                period.key()
            ),
        )
        .await;
    assert_eq!(status, 200, "{summary}");
    assert_eq!(summary["counts"]["units"], 2);
    assert_eq!(summary["counts"]["submitted_on_time"], 1);
    let ho_so = &summary["fields"][0];
    assert_eq!(ho_so["numbers"]["sum"], 1200.0);
    assert_eq!(ho_so["numbers"]["count"], 1);
    assert_eq!(ho_so["target_total"], 1000.0);
    assert_eq!(ho_so["attainment"], 120.0);
    assert_eq!(ho_so["by_old_province"][0][1]["sum"], 1200.0);
    assert_eq!(summary["fields"][1]["choices"][0], json!(["Tốt", 1]));
    let (status, b) = app
        .api_get(
            Some(&city),
            &format!("/api/v1/report-templates/{template_id}/summary?period=2026-13"),
        )
        .await;
    assert_eq!(
        (status, b["error"]["code"].as_str()),
        (400, Some("invalid_period"))
    );

    // The issuer returns it with a reason; the ward corrects and submits again.
    let (status, b) = app.api_post(&city, &actions, act("return")).await;
    assert_eq!(
        (status, b["error"]["code"].as_str()),
        (400, Some("reason_required"))
    );
    let (status, r) = app
        .api_post(
            &city,
            &actions,
            json!({"action": "return", "note": "Số hồ sơ chưa khớp"}),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["state"], "open");
    assert_eq!(r["closed_on"], Value::Null);
    let (status, _) = app
        .api_put(
            &officer,
            &path,
            json!({"values": {"ho_so": "1.150", "danh_gia": "Khá", "ghi_chu": "Đã đối chiếu"}}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = app.api_post(&ward_leader, &actions, act("submit")).await;
    assert_eq!(status, 200);
    let (status, r) = app.api_post(&city, &actions, act("accept")).await;
    assert_eq!(status, 200);
    assert_eq!(r["state"], "accepted");
    assert_eq!(r["sla"], "done_on_time");
    let trail: Vec<&str> = r["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(trail, ["create", "submit", "return", "submit", "accept"]);

    // Opening periods again opens nothing more: one report per unit and period.
    let calendar = dieuhanh_store::calendar::load(&app.store).await.unwrap();
    let opened = dieuhanh_web::reports::open_periods(&app.store, &calendar, today())
        .await
        .unwrap();
    assert_eq!(opened, 0);
}

#[tokio::test]
async fn a_ward_fills_its_report_on_the_page_and_the_city_downloads_the_totals() {
    let app = TestApp::spawn().await;
    let city = app.token("lanhdao").await;

    // Defining on the page: a bad field line is named with its line number.
    let leader_browser = app.signed_in("lanhdao").await;
    let r = app
        .post_form(
            &leader_browser,
            "/reports",
            "/reports",
            &[
                ("title", "Báo cáo tuần"),
                ("frequency", "weekly"),
                ("period_system", "calendar"),
                ("due_working_days", "1"),
                (
                    "fields",
                    "so_cuoc_hop | Số cuộc họp | number | cuộc\nBad Key | x | text",
                ),
                ("units", "26743"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("Dòng 2:"), "{html}");
    assert!(
        html.contains("so_cuoc_hop | Số cuộc họp"),
        "the form keeps what was typed"
    );

    let (status, template) = app
        .api_post(&city, "/api/v1/report-templates", monthly_template())
        .await;
    assert_eq!(status, 201);
    let template_id = template["id"].as_i64().unwrap();

    let officer = app.signed_in("benthanh.canbo").await;
    let (status, html) = app.get(&officer, "/reports").await;
    assert_eq!(status, 200);
    assert!(html.contains("Báo cáo kết quả giải quyết thủ tục hành chính"));
    let officer_token = app.token("benthanh.canbo").await;
    let id = my_report(&app, &officer_token).await["id"]
        .as_i64()
        .unwrap();
    let page = format!("/reports/{id}");
    let values = format!("/reports/{id}/values");

    let r = app
        .post_form(
            &officer,
            &page,
            &values,
            &[("f_ho_so", "abc"), ("f_danh_gia", "Tốt"), ("then", "save")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("Không phải là số."), "{html}");
    assert!(
        html.contains("value=\"abc\""),
        "what was typed stays in the form"
    );

    let r = app
        .post_form(
            &officer,
            &page,
            &values,
            &[
                ("f_ho_so", "1.234,5"),
                ("f_danh_gia", "Khá"),
                ("f_ghi_chu", "Ổn định"),
                ("then", "save"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Đã lưu số liệu."));
    assert!(
        html.contains("1.234,5"),
        "numbers are shown the Vietnamese way"
    );
    assert!(
        !html.contains("Lưu và gửi báo cáo"),
        "an officer drafts, the leader submits"
    );

    let leader = app.signed_in("benthanh.lanhdao").await;
    let r = app
        .post_form(
            &leader,
            &page,
            &values,
            &[
                ("f_ho_so", "1.234,5"),
                ("f_danh_gia", "Khá"),
                ("f_ghi_chu", "Ổn định"),
                ("then", "submit"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("Đã gửi báo cáo."));

    let (status, html) = app
        .get(
            &leader_browser,
            &format!("/reports/templates/{template_id}"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("1.234,5"), "the city total");
    assert!(html.contains("Bến Thành"));

    let r = leader_browser
        .get(app.url(&format!("/reports/templates/{template_id}/export.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx is a zip");

    // Another ward's officer cannot open the report page or post to it.
    let stranger = app.signed_in("26740.canbo").await;
    let (status, _) = app.get(&stranger, &page).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn an_overdue_report_raises_a_red_flag_and_an_orphan_template_is_a_gap() {
    let app = TestApp::spawn().await;
    let city = app.token("lanhdao").await;
    let (status, template) = app
        .api_post(&city, "/api/v1/report-templates", monthly_template())
        .await;
    assert_eq!(status, 201);
    let template_id = template["id"].as_i64().unwrap();

    // Last period's reports were due three days ago and nobody sent them.
    let stored = dieuhanh_store::reports::template(&app.store, template_id)
        .await
        .unwrap();
    let last = Period::containing(Frequency::Monthly, PeriodSystem::CutOff, today())
        .unwrap()
        .previous()
        .unwrap();
    let opened = dieuhanh_store::reports::open_period(
        &app.store,
        &stored,
        &last.key(),
        "Báo cáo kỳ trước",
        &common::day(-3),
        1,
        "open",
    )
    .await
    .unwrap();
    assert_eq!(opened, 2);

    let (_, cockpit) = app.api_get(Some(&city), "/api/v1/cockpit").await;
    let rows = cockpit["items"].as_array().unwrap();
    let ward = rows.iter().find(|r| r["code"] == WARD).unwrap();
    assert_eq!(ward["reports_overdue"], 1);
    assert_eq!(cockpit["totals"]["units_with_overdue_reports"], 2);
    let (_, summary) = app
        .api_get(
            Some(&city),
            &format!(
                "/api/v1/report-templates/{template_id}/summary?period={}",
                last.key()
            ),
        )
        .await;
    assert_eq!(summary["counts"]["overdue"], 2);
    assert_eq!(summary["units"][0]["sla"], "overdue");
    let browser = app.signed_in("lanhdao").await;
    let (_, html) = app.get(&browser, "/cockpit?measure=reports_overdue").await;
    assert!(html.contains("Báo cáo quá hạn chưa gửi"));

    // A template whose only reporting unit is closed by a reorganisation is a gap.
    let mut body = monthly_template();
    body["title"] = json!("Báo cáo riêng của một phường");
    body["units"] = json!([OTHER_WARD]);
    let (status, _) = app.api_post(&city, "/api/v1/report-templates", body).await;
    assert_eq!(status, 201);
    let (_, gaps) = app.api_get(Some(&city), "/api/v1/gaps").await;
    assert!(!gaps.to_string().contains("report_without_units"));
    app.store
        .execute_admin(&format!(
            "UPDATE units SET valid_to = '2026-07-01' WHERE code = '{OTHER_WARD}'"
        ))
        .await
        .unwrap();
    let (_, gaps) = app.api_get(Some(&city), "/api/v1/gaps").await;
    let found: Vec<&Value> = gaps
        .as_array()
        .or(gaps["items"].as_array())
        .unwrap()
        .iter()
        .filter(|g| g["kind"] == "report_without_units")
        .collect();
    assert_eq!(found.len(), 1, "{gaps}");
    assert_eq!(found[0]["subject"], "Báo cáo riêng của một phường");
}

#[tokio::test]
async fn the_demo_gives_every_unit_its_monthly_report() {
    let app = TestApp::spawn().await;
    let opened = dieuhanh_store::seed_reports::seed_demo_reports(&app.store, today())
        .await
        .unwrap();
    assert!(opened >= 168 * 2, "two monthly periods at least: {opened}");
    let city = app.token("lanhdao").await;
    let (_, templates) = app.api_get(Some(&city), "/api/v1/report-templates").await;
    let monthly = templates
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["frequency"] == "monthly")
        .unwrap();
    let last = Period::containing(Frequency::Monthly, PeriodSystem::CutOff, today())
        .unwrap()
        .previous()
        .unwrap();
    let (_, summary) = app
        .api_get(
            Some(&city),
            &format!(
                "/api/v1/report-templates/{}/summary?period={}",
                monthly["id"],
                last.key()
            ),
        )
        .await;
    let counts = &summary["counts"];
    assert_eq!(counts["units"], 168);
    let submitted =
        counts["submitted_on_time"].as_i64().unwrap() + counts["submitted_late"].as_i64().unwrap();
    assert!((125..=145).contains(&submitted), "{counts}");
    assert!(counts["submitted_late"].as_i64().unwrap() > 0);
    assert!(summary["fields"][0]["attainment"].as_f64().unwrap() > 80.0);
    // The ward's officer finds this period's report to fill in.
    let officer = app.token("benthanh.canbo").await;
    let (_, mine) = app
        .api_get(Some(&officer), "/api/v1/reports?open=true")
        .await;
    assert!(mine["total"].as_i64().unwrap() >= 1, "{mine}");
}
