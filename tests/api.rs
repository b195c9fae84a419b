//! The JSON API through HTTP, as an integrator would use it.

mod common;

use common::TestApp;
use serde_json::Value;

#[tokio::test]
async fn units_are_found_without_diacritics_and_paged() {
    let app = TestApp::spawn().await;
    let (status, body) = app.api_get(None, "/api/v1/units?q=ben%20thanh").await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], 1);
    assert_eq!(body["items"][0]["name"], "Phường Bến Thành");
    assert_eq!(body["items"][0]["kind"], "ward");
    assert_eq!(body["items"][0]["code"], "26743");
    assert_eq!(body["items"][0]["parent_code"], "79");

    // đ folds to d, and case does not matter.
    let (_, body) = app.api_get(None, "/api/v1/units?q=DONG%20HOA").await;
    let names: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert!(
        !names.is_empty() && names.iter().all(|n| n.contains("Đông Hòa")),
        "{names:?}"
    );

    let (_, body) = app
        .api_get(None, "/api/v1/units?kind=ward&page_size=500")
        .await;
    assert_eq!(body["total"], 113);
    let (_, body) = app
        .api_get(None, "/api/v1/units?kind=commune&page_size=10&page=6")
        .await;
    assert_eq!(body["total"], 54);
    assert_eq!(body["items"].as_array().unwrap().len(), 4);
    let (_, body) = app.api_get(None, "/api/v1/units?kind=special_zone").await;
    assert_eq!(body["items"][0]["name"], "Đặc khu Côn Đảo");
    let (_, body) = app.api_get(None, "/api/v1/units?kind=department").await;
    assert_eq!(body["total"], 16);
    let (_, body) = app.api_get(None, "/api/v1/units").await;
    assert_eq!(body["total"], 185);
    assert_eq!(body["items"].as_array().unwrap().len(), 50);
}

#[tokio::test]
async fn bad_list_parameters_get_stable_error_codes() {
    let app = TestApp::spawn().await;
    for (path, code) in [
        ("/api/v1/units?page_size=501", "invalid_paging"),
        ("/api/v1/units?page=0", "invalid_paging"),
        ("/api/v1/units?page=abc", "invalid_query"),
        ("/api/v1/units?kind=district", "invalid_kind"),
    ] {
        let (status, body) = app.api_get(None, path).await;
        assert_eq!(status, 400, "{path}");
        assert_eq!(body["error"]["code"], code, "{path}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    let (status, body) = app.api_get(None, "/api/v1/units/99999").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
    let (status, body) = app.api_get(None, "/api/v1/nothing-here").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn a_point_is_located_in_its_unit() {
    let app = TestApp::spawn().await;
    // Bến Thành market; Thủ Dầu Một; Côn Đảo airport.
    for (lat, lon, code) in [
        (10.7725, 106.6980, "26743"),
        (10.9804, 106.6519, "25747"),
        (8.7319, 106.6329, "26732"),
    ] {
        let (status, body) = app
            .api_get(None, &format!("/api/v1/units/at?lat={lat}&lon={lon}"))
            .await;
        assert_eq!(status, 200, "{lat},{lon}: {body}");
        assert_eq!(body["code"], code);
        assert!(body["name"].is_string() && body["kind"].is_string());
    }
    let (status, body) = app
        .api_get(None, "/api/v1/units/at?lat=21.0285&lon=105.8542")
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("outside_area"))
    );
    for (query, code) in [
        ("lat=91&lon=106", "invalid_coordinate"),
        ("lat=10.7&lon=abc", "invalid_coordinate"),
        ("lat=NaN&lon=106", "invalid_coordinate"),
        ("lon=106", "missing_coordinate"),
    ] {
        let (status, body) = app
            .api_get(None, &format!("/api/v1/units/at?{query}"))
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some(code)),
            "{query}"
        );
    }
}

#[tokio::test]
async fn login_gives_a_token_that_identifies_the_caller() {
    let app = TestApp::spawn().await;
    let token = app.token("benthanh.canbo").await;
    let (status, me) = app.api_get(Some(&token), "/api/v1/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["username"], "benthanh.canbo");
    assert_eq!(me["role"], "unit_officer");
    assert_eq!(me["unit_code"], "26743");

    let (status, body) = app.api_get(None, "/api/v1/me").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let (status, _) = app.api_get(Some("not-a-token"), "/api/v1/me").await;
    assert_eq!(status, 401);

    let client = reqwest::Client::new();
    let r = client
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "benthanh.canbo", "password": "wrong password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "invalid_credentials"
    );
}

#[tokio::test]
async fn malformed_bodies_are_rejected_and_change_nothing() {
    let app = TestApp::spawn().await;
    let before = app.audit_count().await;
    let client = reqwest::Client::new();
    let url = app.url("/api/v1/auth/login");
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (
            client
                .post(&url)
                .header("content-type", "application/json")
                .body("{not json"),
            400,
            "malformed_json",
        ),
        (
            client
                .post(&url)
                .json(&serde_json::json!({"username": 5, "password": []})),
            422,
            "invalid_body",
        ),
        (
            client
                .post(&url)
                .json(&serde_json::json!({"username": "a"})),
            422,
            "invalid_body",
        ),
        (
            client.post(&url).body("username=a&password=b"),
            415,
            "unsupported_media_type",
        ),
        (
            client
                .post(&url)
                .header("content-type", "application/json")
                .body(format!(
                    "{{\"username\":\"{}\"}}",
                    "x".repeat(2 * 1024 * 1024)
                )),
            413,
            "body_too_large",
        ),
    ];
    for (request, status, code) in cases {
        let r = request.send().await.unwrap();
        assert_eq!(r.status().as_u16(), status);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], code);
    }
    assert_eq!(app.audit_count().await, before);
}

#[tokio::test]
async fn the_openapi_document_lists_every_api_route() {
    let app = TestApp::spawn().await;
    let (status, doc) = app.api_get(None, "/api/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for route in dieuhanh_web::routes() {
        if route.path.starts_with("/api/v1") || route.path == "/healthz" || route.path == "/metrics"
        {
            let item = paths
                .get(route.path)
                .unwrap_or_else(|| panic!("{} missing from OpenAPI", route.path));
            assert!(
                item.get(route.method.to_lowercase()).is_some(),
                "{} {} missing",
                route.method,
                route.path
            );
        }
    }
}

#[tokio::test]
async fn health_and_metrics() {
    let app = TestApp::spawn().await;
    let (status, body) = app.api_get(None, "/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    let _ = app.api_get(None, "/api/v1/units").await;
    let (status, body) = app.api_get(None, "/metrics").await;
    assert_eq!(status, 200, "loopback clients may scrape");
    assert!(body.as_str().unwrap().contains("http_requests_total"));
}

#[tokio::test]
async fn the_working_day_calendar_answers_deadlines() {
    let app = TestApp::spawn().await;
    // specs/vn-admin-rules.md §2.7.
    for (from, days, due) in [
        ("2026-04-24T16:10:00%2B07:00", 3, "2026-05-04"),
        ("2026-02-11T03:00:00Z", 5, "2026-02-25"),
        ("2026-11-20T09:00:00%2B07:00", 3, "2026-11-26"),
        ("2026-01-09T11:00:00%2B07:00", 1, "2026-01-10"),
        ("2026-08-21T08:30", 2, "2026-08-24"),
        ("2026-12-31T14:00:00%2B07:00", 2, "2027-01-05"),
        ("2026-02-13", 1, "2026-02-23"),
    ] {
        let (status, body) = app
            .api_get(
                None,
                &format!("/api/v1/calendar/add-working-days?from={from}&days={days}"),
            )
            .await;
        assert_eq!(status, 200, "{from}: {body}");
        assert_eq!(body["due"], due, "{from} + {days}");
    }
    // 2026-04-30T20:00Z is already 1 May in Vietnam: the day of receipt is 1 May.
    let (_, body) = app
        .api_get(
            None,
            "/api/v1/calendar/add-working-days?from=2026-04-30T20:00:00Z&days=1",
        )
        .await;
    assert_eq!(body["start_date"], "2026-05-01");
    assert_eq!(body["due"], "2026-05-04");

    for (query, status, code) in [
        (
            "from=2027-01-25T09:00:00%2B07:00&days=10",
            422,
            "calendar_incomplete",
        ),
        ("from=2024-06-03&days=1", 422, "calendar_unknown_year"),
        ("from=yesterday&days=1", 400, "invalid_from"),
        ("days=1", 400, "missing_from"),
        ("from=2026-04-24&days=-1", 400, "invalid_days"),
        ("from=2026-04-24&days=99999", 400, "invalid_days"),
        ("from=2026-04-24", 400, "missing_days"),
    ] {
        let (s, body) = app
            .api_get(None, &format!("/api/v1/calendar/add-working-days?{query}"))
            .await;
        assert_eq!(
            (s, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{query}: {body}"
        );
    }
}

#[tokio::test]
async fn a_calendar_year_lists_its_days_with_sources() {
    let app = TestApp::spawn().await;
    let (status, body) = app.api_get(None, "/api/v1/calendar/2026").await;
    assert_eq!(status, 200);
    assert_eq!(body["complete"], true);
    let days = body["days"].as_array().unwrap();
    let find = |date: &str| days.iter().find(|d| d["date"] == date).unwrap().clone();
    assert_eq!(find("2026-01-10")["kind"], "swap_work");
    assert_eq!(find("2026-01-10")["working"], true);
    assert_eq!(find("2026-04-27")["kind"], "make_up");
    assert_eq!(find("2026-02-17")["kind"], "announced_tet_day");
    assert!(
        find("2026-02-17")["source"]
            .as_str()
            .unwrap()
            .contains("9441")
    );
    let (_, body) = app.api_get(None, "/api/v1/calendar/2027").await;
    assert_eq!(body["complete"], false);
    assert_eq!(body["pending_from"], "2027-01-30");
    let (status, body) = app.api_get(None, "/api/v1/calendar/2031").await;
    assert_eq!(
        (
            status,
            body["complete"].as_bool(),
            body["days"].as_array().map(Vec::len)
        ),
        (200, Some(false), Some(0))
    );
    let (status, body) = app.api_get(None, "/api/v1/calendar/twenty").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_year"))
    );
}
