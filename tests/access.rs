//! Walks every route of the product (taken from the route table, so a new route cannot
//! be forgotten) as every kind of caller, and proves that nobody outside a unit gets
//! that unit's records: not in pages, not in the API, not by changing them.

mod common;

use common::{PASSWORD, TestApp};
use dieuhanh_web::routes::{Access, Surface};

/// A unit and a person whose name must stay inside it.
const UNIT: &str = "26743";
const OFFICER: &str = "benthanh.canbo";
const MARKER: &str = "Phạm Thị Thu Đào";

enum Caller {
    Anonymous,
    Browser(reqwest::Client, &'static str),
    Token(String, &'static str),
}

/// Records of the protected unit that path parameters point at.
struct Samples {
    officer: i64,
    task: i64,
    directive: i64,
    obstacle: i64,
    report_template: i64,
    report: i64,
    file: i64,
    dossier: i64,
}

/// Path parameters get values that point into the protected unit.
fn concrete(path: &str, ids: &Samples) -> String {
    let id = if path.contains("/files/{id}") {
        ids.file
    } else if path.contains("/reports/templates/") || path.contains("/report-templates/") {
        ids.report_template
    } else if path.contains("/reports/") {
        ids.report
    } else if path.contains("/obstacles/") {
        ids.obstacle
    } else if path.contains("/tasks/") {
        ids.task
    } else if path.contains("/directives/") {
        ids.directive
    } else if path.contains("/dossiers/") {
        ids.dossier
    } else {
        ids.officer
    };
    let filled = path
        .replace("{code}", UNIT)
        .replace("{id}", &id.to_string())
        .replace("{year}", "2026")
        .replace("{file}", "requests.json");
    assert!(
        !filled.contains('{'),
        "add a sample value for the parameters of {path} to tests/access.rs"
    );
    filled
}

fn queries(officer_id: i64) -> Vec<String> {
    vec![
        String::new(),
        format!("?unit={UNIT}"),
        "?q=dao".to_string(),
        format!("?entity=user&entity_id={officer_id}"),
        format!("?unit={UNIT}&page_size=500"),
    ]
}

async fn callers(app: &TestApp, usernames: &[&'static str]) -> Vec<Caller> {
    let mut out = vec![Caller::Anonymous];
    for &u in usernames {
        out.push(Caller::Browser(app.signed_in(u).await, u));
        out.push(Caller::Token(app.token(u).await, u));
    }
    out
}

async fn fetch(app: &TestApp, caller: &Caller, method: &str, path: &str) -> (u16, String) {
    let (client, token) = match caller {
        Caller::Anonymous => (app.browser(), None),
        // A fresh session for each change, so that signing out does not end the walk.
        Caller::Browser(_, u) if method != "GET" => (app.signed_in(u).await, None),
        Caller::Browser(c, _) => (c.clone(), None),
        Caller::Token(t, _) => (app.browser(), Some(t.clone())),
    };
    let mut req = if method == "GET" {
        client.get(app.url(path))
    } else {
        // Reach the handler: a valid CSRF token and plausible fields.
        let csrf_page = if matches!(caller, Caller::Browser(..)) {
            "/account"
        } else {
            "/login"
        };
        let csrf = app.csrf(&client, csrf_page).await;
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        client.request(method, app.url(path)).form(&[
            ("csrf", csrf.as_str()),
            ("username", "intruder.made"),
            ("full_name", "Kẻ Xâm Nhập"),
            ("role", "system_admin"),
            ("unit", UNIT),
            ("password", "intruder password"),
            ("new_password", "intruder password"),
            ("confirm", "intruder password"),
            ("current", "intruder password"),
        ])
    };
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.expect("request");
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

fn who(caller: &Caller) -> String {
    match caller {
        Caller::Anonymous => "anonymous".into(),
        Caller::Browser(_, u) => format!("{u} (browser)"),
        Caller::Token(_, u) => format!("{u} (token)"),
    }
}

#[tokio::test]
async fn nobody_outside_a_unit_sees_or_changes_its_records() {
    let app = TestApp::spawn().await;
    let officer = dieuhanh_store::users::by_username(&app.store, OFFICER)
        .await
        .unwrap();
    // A directive to the protected unit and its neighbour; the protected unit's task is
    // assigned to its officer, so the marker is in the task too.
    let leader = app.token("lanhdao").await;
    let client = reqwest::Client::new();
    let created: serde_json::Value = client
        .post(app.url("/api/v1/directives"))
        .bearer_auth(&leader)
        .json(&serde_json::json!({"doc_number": "1/UBND", "doc_date": "2026-11-27", "signer": "Lãnh đạo", "title": "Việc",
                                  "due_date": "2026-12-31", "units": [UNIT, "26740"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let directive = created["id"].as_i64().unwrap();
    let (_, tasks) = app
        .api_get(
            Some(&leader),
            &format!("/api/v1/tasks?directive={directive}"),
        )
        .await;
    let task = tasks["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["unit_code"] == UNIT)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let ward_leader = app.token("benthanh.lanhdao").await;
    let r = client
        .post(app.url(&format!("/api/v1/tasks/{task}/actions")))
        .bearer_auth(&ward_leader)
        .json(&serde_json::json!({"action": "assign", "assignee": OFFICER}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // An obstacle raised by the protected unit, its description naming the marker.
    let obstacle: serde_json::Value = client
        .post(app.url("/api/v1/obstacles"))
        .bearer_auth(&ward_leader)
        .json(&serde_json::json!({"domain": "giáo dục phổ thông", "title": "Vướng mắc", "description": format!("Liên hệ {MARKER}")}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // A report template with a text field; the protected unit's officer drafts its
    // report naming the marker.
    let template: serde_json::Value = client
        .post(app.url("/api/v1/report-templates"))
        .bearer_auth(&leader)
        .json(&serde_json::json!({"title": "Báo cáo tuần", "frequency": "weekly", "units": [UNIT, "26740"],
            "fields": [{"key": "lien_he", "label": "Người liên hệ", "type": "text"}]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let report_template = template["id"].as_i64().expect("template created");
    let officer_token = app.token(OFFICER).await;
    let (_, reports) = app.api_get(Some(&officer_token), "/api/v1/reports").await;
    let report = reports["items"][0]["id"].as_i64().expect("report opened");
    let r = client
        .put(app.url(&format!("/api/v1/reports/{report}/values")))
        .bearer_auth(&officer_token)
        .json(&serde_json::json!({"values": {"lien_he": format!("Liên hệ {MARKER}")}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // Evidence on the protected unit's task naming the marker.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(format!("Người liên hệ: {MARKER}").into_bytes())
            .file_name("lien-he.txt"),
    );
    let uploaded: serde_json::Value = client
        .post(app.url(&format!("/api/v1/tasks/{task}/files")))
        .bearer_auth(&ward_leader)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let file = uploaded["id"].as_i64().expect("file uploaded");
    // A dossier received at the protected unit's counter, its applicant the marker.
    let desk = app.signed_in(OFFICER).await;
    let r = app
        .post_form(
            &desk,
            "/dossiers/new",
            "/dossiers",
            &[
                ("procedure", "1.004873"),
                ("name", MARKER),
                ("identity", "079201001234"),
                ("phone", "0901234567"),
                ("doc_0", "1"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "dossier received");
    let dossier: i64 = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/dossiers/")
        .parse()
        .unwrap();
    let (_, html) = app.get(&desk, &format!("/dossiers/{dossier}")).await;
    assert!(html.contains(MARKER), "the desk sees its applicant");
    let ids = Samples {
        file,
        dossier,
        report_template,
        report,
        officer: officer.id,
        task,
        directive,
        obstacle: obstacle["id"].as_i64().expect("obstacle created"),
    };
    // Another ward's officer and leader, a department officer and a citizen.
    let outsiders = callers(
        &app,
        &["saigon.canbo", "26740.lanhdao", "so.nnmt", "congdan"],
    )
    .await;
    let routes = dieuhanh_web::routes();
    assert!(routes.len() > 20);
    let users_before = app.users_count().await;

    for route in &routes {
        let path = concrete(route.path, &ids);
        for caller in &outsiders {
            let variants: Vec<String> = if route.method == "GET" {
                queries(officer.id)
                    .iter()
                    .map(|q| format!("{path}{q}"))
                    .collect()
            } else {
                vec![path.clone()]
            };
            for target in variants {
                let (status, body) = fetch(&app, caller, route.method, &target).await;
                let label = format!("{} {target} as {}", route.method, who(caller));
                assert!(status < 500, "{label}: server error {status}");
                assert!(
                    !body.contains(MARKER),
                    "{label} leaked a person of unit {UNIT}"
                );
                let signed_in = !matches!(caller, Caller::Anonymous);
                let admin_only = route.access == Access::Admin;
                if admin_only || (route.access == Access::SignedIn && !signed_in) {
                    let refused = matches!(status, 303 | 401 | 403 | 404);
                    // Bearer tokens do not open pages: a page answers as to a visitor.
                    assert!(refused, "{label}: expected refusal, got {status}");
                }
                if route.surface == Surface::Api
                    && route.access == Access::SignedIn
                    && matches!(caller, Caller::Anonymous)
                {
                    assert_eq!(status, 401, "{label}");
                }
            }
        }
    }

    // Nothing was changed by all those requests.
    let after = dieuhanh_store::users::by_username(&app.store, OFFICER)
        .await
        .unwrap();
    assert_eq!(after.password_hash, officer.password_hash);
    assert!(!after.disabled);
    assert_eq!(app.users_count().await, users_before);
    assert!(
        dieuhanh_store::users::by_username(&app.store, "intruder.made")
            .await
            .is_err()
    );
}

/// The same walk finds the marker for people who may see it: the check above would
/// notice a leak.
#[tokio::test]
async fn insiders_and_city_leaders_do_see_the_records() {
    let app = TestApp::spawn().await;
    for username in ["benthanh.lanhdao", "lanhdao", "admin"] {
        let token = app.token(username).await;
        let (status, body) = app
            .api_get(Some(&token), &format!("/api/v1/people?unit={UNIT}"))
            .await;
        assert_eq!(status, 200, "{username}");
        assert!(
            body.to_string().contains(MARKER),
            "{username} should see the unit's people"
        );
        let browser = app.signed_in(username).await;
        let (_, html) = app.get(&browser, &format!("/units/{UNIT}")).await;
        assert!(
            html.contains(MARKER),
            "{username} should see the unit's people on its page"
        );
        let (_, html) = app.get(&browser, &format!("/audit?unit={UNIT}")).await;
        assert!(
            html.contains(MARKER),
            "{username} should see the unit's audit trail"
        );
    }
    // Another unit's trail answers 404, not 403: no hint that it exists.
    let token = app.token("saigon.canbo").await;
    let (status, body) = app
        .api_get(Some(&token), &format!("/api/v1/audit?unit={UNIT}"))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, _) = app
        .api_get(Some(&token), &format!("/api/v1/people?unit={UNIT}"))
        .await;
    assert_eq!(status, 404);
    let _ = PASSWORD;
}
