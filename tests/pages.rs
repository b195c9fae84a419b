//! The HTML pages through HTTP, as a browser uses them: sign-in, language, forms,
//! CSRF, TOTP, accounts.

mod common;

use common::{Options, PASSWORD, TestApp, extract_csrf};
use dieuhanh_web::state::WebConfig;
use std::time::Duration;

#[tokio::test]
async fn pages_speak_vietnamese_by_default_and_english_on_request() {
    let app = TestApp::spawn().await;
    let client = app.browser();
    let (status, html) = app.get(&client, "/units").await;
    assert_eq!(status, 200);
    assert!(html.contains("<html lang=\"vi\">"));
    assert!(html.contains("Đơn vị hành chính"));
    let r = client
        .get(app.url("/lang/en?next=/units"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/units");
    let (_, html) = app.get(&client, "/units").await;
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Administrative units"));
    // An open redirect is refused.
    for evil in [
        "//evil.example",
        "/%09/evil.example",
        "/%5C/evil.example",
        "https://evil.example",
        "/%0A/x",
    ] {
        let r = client
            .get(app.url(&format!("/lang/vi?next={evil}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303, "{evil}");
        assert_eq!(r.headers()["location"], "/", "{evil}");
    }
    let (status, _) = app.get(&client, "/lang/fr").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn unit_search_ignores_diacritics_and_draws_the_map() {
    let app = TestApp::spawn().await;
    let client = app.browser();
    let (status, html) = app.get(&client, "/units?q=ben+thanh").await;
    assert_eq!(status, 200);
    assert!(html.contains("Phường Bến Thành"));
    assert!(html.contains("1 đơn vị"));
    assert_eq!(
        html.matches("<path d=\"M").count(),
        168,
        "every unit is drawn"
    );
    assert!(html.contains("unit ward hit"), "the hit is highlighted");
    let (_, html) = app.get(&client, "/units?q=%C4%91%C3%B4ng+h%C3%B2a").await; // "đông hòa"
    assert!(html.contains("Phường Đông Hòa"));
    let (status, html) = app.get(&client, "/units?kind=district").await;
    assert_eq!(status, 400);
    assert!(html.contains("Loại đơn vị không hợp lệ"));
    let (status, html) = app.get(&client, "/units/26743").await;
    assert_eq!(status, 200);
    assert!(html.contains("01/07/2025"), "dates are dd/mm/yyyy");
    assert!(html.contains("unit ward current"));
    let (status, _) = app.get(&client, "/units/00000").await;
    assert_eq!(status, 404);
    let (status, html) = app.get(&client, "/people?page=abc").await;
    assert_eq!(status, 400);
    assert!(html.contains("không hợp lệ"));
}

#[tokio::test]
async fn signing_in_and_out() {
    let app = TestApp::spawn().await;
    let client = app.browser();
    let (status, _) = app.get(&client, "/account").await;
    assert_eq!(
        status, 303,
        "signed-out visitors are sent to the login page"
    );
    let r = app
        .post_form(
            &client,
            "/login",
            "/login",
            &[("username", "lanhdao"), ("password", "wrong password")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 401);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Tên đăng nhập hoặc mật khẩu không đúng")
    );

    let r = app
        .post_form(
            &client,
            "/login?next=/people",
            "/login",
            &[
                ("username", "lanhdao"),
                ("password", PASSWORD),
                ("next", "/people"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/people");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let (status, html) = app.get(&client, "/account").await;
    assert_eq!(status, 200);
    assert!(html.contains("Trần Minh Đức"));

    let r = app.post_form(&client, "/account", "/logout", &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    let (status, _) = app.get(&client, "/account").await;
    assert_eq!(status, 303);
}

#[tokio::test]
async fn a_form_without_a_valid_csrf_token_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let other = app.signed_in("lanhdao").await;
    let users_before = app.users_count().await;
    let audit_before = app.audit_count().await;
    let fields = [
        ("username", "new.officer"),
        ("full_name", "Lý Thị Mới"),
        ("role", "unit_officer"),
        ("unit", "26743"),
        ("password", "a long password"),
    ];
    let r = admin
        .post(app.url("/admin/users"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert!(r.text().await.unwrap().contains("Biểu mẫu đã hết hạn"));
    let mut with_wrong = fields.to_vec();
    with_wrong.push(("csrf", "0000"));
    let r = admin
        .post(app.url("/admin/users"))
        .form(&with_wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // A valid token but a request the browser marks as cross-site.
    let token = app.csrf(&admin, "/admin/users").await;
    let mut with_token = fields.to_vec();
    with_token.push(("csrf", &token));
    let r = admin
        .post(app.url("/admin/users"))
        .header("sec-fetch-site", "cross-site")
        .form(&with_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // Another browser's token does not work either.
    let other_token = app.csrf(&other, "/account").await;
    let mut stolen = fields.to_vec();
    stolen.push(("csrf", &other_token));
    let r = admin
        .post(app.url("/admin/users"))
        .form(&stolen)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(app.users_count().await, users_before);
    assert_eq!(app.audit_count().await, audit_before);

    let r = admin
        .post(app.url("/admin/users"))
        .form(&with_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Đã tạo tài khoản new.officer")
    );
    assert_eq!(app.users_count().await, users_before + 1);
}

#[tokio::test]
async fn administrators_manage_accounts_with_clear_errors() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let create = |username: &'static str, unit: &'static str, password: &'static str| {
        vec![
            ("username", username),
            ("full_name", "Đỗ Văn Thử"),
            ("role", "unit_officer"),
            ("unit", unit),
            ("password", password),
        ]
    };
    for (fields, status, message) in [
        (
            create("Bad Name", "26743", "a long password"),
            400,
            "Tên đăng nhập gồm",
        ),
        (
            create("ok.name", "99999", "a long password"),
            400,
            "Không có đơn vị với mã này",
        ),
        (create("ok.name", "26743", "short"), 400, "ít nhất 10 ký tự"),
        (
            create("benthanh.canbo", "26743", "a long password"),
            409,
            "đã có người dùng",
        ),
    ] {
        let r = app
            .post_form(&admin, "/admin/users", "/admin/users", &fields)
            .await;
        assert_eq!(r.status().as_u16(), status);
        assert!(r.text().await.unwrap().contains(message));
    }
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            "/admin/users",
            &create("ok.name", "26743", "a long password"),
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);

    // Disable: the account can no longer sign in.
    let id = dieuhanh_store::users::by_username(&app.store, "ok.name")
        .await
        .unwrap()
        .id;
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            &format!("/admin/users/{id}/disable"),
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let client = app.browser();
    let r = app
        .post_form(
            &client,
            "/login",
            "/login",
            &[("username", "ok.name"), ("password", "a long password")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 401);

    // Reset a password: old sessions end, the new password works.
    let victim = app.signed_in("benthanh.canbo").await;
    let id = dieuhanh_store::users::by_username(&app.store, "benthanh.canbo")
        .await
        .unwrap()
        .id;
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            &format!("/admin/users/{id}/password"),
            &[("password", "brand new password")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let (status, _) = app.get(&victim, "/account").await;
    assert_eq!(status, 303);
    let r = app
        .post_form(
            &app.browser(),
            "/login",
            "/login",
            &[
                ("username", "benthanh.canbo"),
                ("password", "brand new password"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
}

#[tokio::test]
async fn changing_my_password() {
    let app = TestApp::spawn().await;
    let me = app.signed_in("saigon.canbo").await;
    let token = app.token("saigon.canbo").await;
    let other_browser = app.signed_in("saigon.canbo").await;
    let r = app
        .post_form(
            &me,
            "/account",
            "/account/password",
            &[
                ("current", "nope nope nope"),
                ("new_password", "another password"),
                ("confirm", "another password"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let r = app
        .post_form(
            &me,
            "/account",
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new_password", "another password"),
                ("confirm", "different password"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let r = app
        .post_form(
            &me,
            "/account",
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new_password", "another password"),
                ("confirm", "another password"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        app.get(&me, "/account").await.0,
        200,
        "this browser stays signed in"
    );
    assert_eq!(
        app.get(&other_browser, "/account").await.0,
        303,
        "other sessions end"
    );
    let (status, _) = app.api_get(Some(&token), "/api/v1/me").await;
    assert_eq!(
        status, 401,
        "API tokens issued under the old password stop working"
    );
}

fn code_for(secret: &str) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret).unwrap();
    let totp = totp_rs::Builder::new()
        .with_secret(secret)
        .with_account_name("x")
        .build()
        .unwrap();
    totp.generate_current().to_string()
}

fn secret_on(html: &str) -> String {
    let start = html.find("<code class=\"secret\">").unwrap() + "<code class=\"secret\">".len();
    html[start..start + html[start..].find('<').unwrap()].to_string()
}

fn sealed_on(html: &str) -> String {
    let start = html.find("name=\"sealed\" value=\"").unwrap() + "name=\"sealed\" value=\"".len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

#[tokio::test]
async fn leaders_must_enrol_totp_outside_demo_mode_and_then_use_it() {
    let app = TestApp::spawn_with(Options {
        demo: false,
        ..Options::default()
    })
    .await;
    let client = app.browser();
    let r = app
        .post_form(
            &client,
            "/login",
            "/login",
            &[("username", "lanhdao"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login/totp")
    );
    assert_eq!(
        app.get(&client, "/account").await.0,
        303,
        "nothing is open before the second factor"
    );
    let (_, html) = app.get(&client, "/login/totp").await;
    assert!(html.contains("bắt buộc xác thực hai lớp") && html.contains("<svg"));
    let (secret, sealed) = (secret_on(&html), sealed_on(&html));
    let csrf = extract_csrf(&html).unwrap();
    let r = client
        .post(app.url("/login/totp"))
        .form(&[("code", "000000"), ("sealed", &sealed), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let code = code_for(&secret);
    let r = client
        .post(app.url("/login/totp"))
        .form(&[
            ("code", code.as_str()),
            ("sealed", &sealed),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(app.get(&client, "/account").await.0, 200);

    // The secret is stored encrypted, never in the clear.
    let user = dieuhanh_store::users::by_username(&app.store, "lanhdao")
        .await
        .unwrap();
    let stored = user.totp_secret.unwrap();
    assert!(stored.starts_with("v1:") && !stored.contains(&secret));

    // Next sign-in asks for the code; the same code cannot be replayed.
    let again = app.browser();
    app.post_form(
        &again,
        "/login",
        "/login",
        &[("username", "lanhdao"), ("password", PASSWORD)],
    )
    .await;
    let csrf = app.csrf(&again, "/login/totp").await;
    let r = again
        .post(app.url("/login/totp"))
        .form(&[("code", code.as_str()), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "a used code is refused");

    // The API asks for the code too.
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "lanhdao", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"]["code"],
        "totp_required"
    );
}

#[tokio::test]
async fn an_officer_may_enrol_totp_from_the_account_page() {
    let app = TestApp::spawn().await;
    let me = app.signed_in("benthanh.canbo").await;
    let (_, html) = app.get(&me, "/account").await;
    let (secret, sealed, csrf) = (
        secret_on(&html),
        sealed_on(&html),
        extract_csrf(&html).unwrap(),
    );
    let code = code_for(&secret);
    let without_password = [
        ("code", code.as_str()),
        ("sealed", &sealed),
        ("csrf", &csrf),
    ];
    let r = me
        .post(app.url("/account/totp"))
        .form(&without_password)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        400,
        "enrolment needs the current password"
    );
    let with_password = [
        ("code", code.as_str()),
        ("sealed", &sealed),
        ("csrf", &csrf),
        ("password", PASSWORD),
    ];
    let r = me
        .post(app.url("/account/totp"))
        .form(&with_password)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("Đã bật xác thực hai lớp"));
    let user = dieuhanh_store::users::by_username(&app.store, "benthanh.canbo")
        .await
        .unwrap();
    assert!(user.totp_secret.is_some());
}

#[tokio::test]
async fn login_attempts_are_rate_limited_with_a_clear_message() {
    let app = TestApp::spawn_with(Options {
        demo: true,
        config: WebConfig {
            login_attempts_per_minute: 3,
            ..WebConfig::default()
        },
    })
    .await;
    let client = app.browser();
    let mut last = 0;
    for _ in 0..4 {
        let r = app
            .post_form(
                &client,
                "/login",
                "/login",
                &[("username", "admin"), ("password", "guess guess guess")],
            )
            .await;
        last = r.status().as_u16();
        if last == 429 {
            assert!(r.text().await.unwrap().contains("thử quá nhiều lần"));
            break;
        }
    }
    assert_eq!(last, 429);
    // The right password is refused too while throttled.
    let r = app
        .post_form(
            &client,
            "/login",
            "/login",
            &[("username", "admin"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 429);
}

#[tokio::test]
async fn idle_sessions_expire() {
    let config = WebConfig {
        session_idle: Duration::from_millis(300),
        login_attempts_per_minute: 1000,
        ..WebConfig::default()
    };
    let app = TestApp::spawn_with(Options { demo: true, config }).await;
    let client = app.signed_in("admin").await;
    assert_eq!(app.get(&client, "/account").await.0, 200);
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(app.get(&client, "/account").await.0, 303);
}

#[tokio::test]
async fn responses_carry_strict_security_headers() {
    let app = TestApp::spawn().await;
    let r = reqwest::get(app.url("/")).await.unwrap();
    let h = r.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(h.contains_key("x-request-id"));
}

#[tokio::test]
async fn behind_a_proxy_the_forwarded_address_is_throttled_not_the_proxy() {
    let config = WebConfig {
        login_attempts_per_minute: 2,
        client_ip_header: Some("x-forwarded-for".into()),
        ..WebConfig::default()
    };
    let app = TestApp::spawn_with(Options { demo: true, config }).await;
    let attempt = |client: reqwest::Client, ip: &'static str, user: &'static str| {
        let app = &app;
        async move {
            let token = app.csrf(&client, "/login").await;
            client
                .post(app.url("/login"))
                .header("x-forwarded-for", format!("203.0.113.9, {ip}"))
                .form(&[
                    ("username", user),
                    ("password", "wrong wrong wrong"),
                    ("csrf", &token),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    // One client exhausts its per-address allowance (2 × 5 per minute) over many accounts…
    let users = [
        "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9", "u10", "u11",
    ];
    let mut statuses = Vec::new();
    for user in users {
        statuses.push(attempt(app.browser(), "198.51.100.7", user).await);
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    // …while another client behind the same proxy is not affected.
    assert_eq!(attempt(app.browser(), "198.51.100.8", "someone").await, 401);
    // The metrics rule sees the forwarded (non-loopback) address.
    let r = reqwest::Client::new()
        .get(app.url("/metrics"))
        .header("x-forwarded-for", "198.51.100.7")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
}

#[tokio::test]
async fn malformed_forms_and_ids_get_a_page_in_vietnamese() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let r = app
        .post_form(&admin, "/admin/users", "/admin/users/abc/disable", &[])
        .await;
    assert_eq!(r.status().as_u16(), 404);
    assert!(r.text().await.unwrap().contains("Không tìm thấy"));
    let token = app.csrf(&admin, "/admin/users").await;
    let r = admin
        .post(app.url("/admin/users"))
        .header("x-csrf-token", token)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Dữ liệu biểu mẫu không hợp lệ")
    );
    let big = "x".repeat(2 * 1024 * 1024);
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            "/admin/users",
            &[("full_name", big.as_str())],
        )
        .await;
    assert_eq!(r.status().as_u16(), 413);
    assert!(r.text().await.unwrap().contains("quá lớn"));
}

#[tokio::test]
async fn an_administrator_enters_a_years_holiday_notice() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin").await;
    let (status, html) = app.get(&admin, "/admin/calendar").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Lịch ngày làm việc")
            && html.contains("2027")
            && html.contains("Chưa đầy đủ")
    );

    // Before the notice, a deadline into February 2027 is refused, not guessed.
    let url = "/api/v1/calendar/add-working-days?from=2027-02-03T09:00:00%2B07:00&days=3";
    let (status, body) = app.api_get(None, url).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("calendar_incomplete"))
    );

    // A notice with mistakes is refused line by line and changes nothing.
    let audit_before = app.audit_count().await;
    let bad = "2027-02-04, announced_tet_day, Tết\n31/02/2027, announced_tet_day, Tết\n2027-02-08, swap_work, Tết";
    let r = app
        .post_form(
            &admin,
            "/admin/calendar/2027",
            "/admin/calendar/2027",
            &[
                ("source", "TB 1/TB-BNV"),
                ("days", bad),
                ("status", "complete"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("Dòng 2: ngày không hợp lệ"), "{html}");
    assert!(html.contains("Dòng 3: ngày làm bù phải là thứ Bảy hoặc Chủ nhật"));
    assert_eq!(app.audit_count().await, audit_before);

    let notice = "01/01/2027, statutory, Tết Dương lịch\n\
                  2027-02-04, announced_tet_day, Tết\n2027-02-05, announced_tet_day, Tết\n\
                  2027-02-08, announced_tet_day, Tết\n2027-02-09, announced_tet_day, Tết\n2027-02-10, announced_tet_day, Tết\n\
                  2027-04-16, statutory, Giỗ Tổ\n2027-04-30, statutory, Chiến thắng\n2027-05-01, statutory, Lao động\n\
                  2027-05-03, make_up, Nghỉ bù\n2027-09-02, statutory, Quốc khánh\n2027-09-03, statutory, Quốc khánh\n\
                  2027-11-24, statutory, Văn hóa";
    let r = app
        .post_form(
            &admin,
            "/admin/calendar/2027",
            "/admin/calendar/2027",
            &[
                ("source", "TB 1/TB-BNV"),
                ("days", notice),
                ("status", "complete"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("Đã lưu lịch năm 2027"));
    // Wed 3/2 + 3 working days: 4–5/2 and 8–10/2 are Tết, the weekend too → Thu 11, Fri 12, Mon 15.
    let (status, body) = app.api_get(None, url).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["due"], "2027-02-15");
    let (_, year) = app.api_get(None, "/api/v1/calendar/2027").await;
    assert_eq!(year["complete"], true);
    assert_eq!(year["days"][1]["source"], "TB 1/TB-BNV");
    let (_, html) = app.get(&admin, "/audit").await;
    assert!(html.contains("Nhập thông báo lịch nghỉ"));

    // A year not entered yet is pre-filled from the law and the lunar calendar.
    let (_, html) = app.get(&admin, "/admin/calendar/2029").await;
    assert!(html.contains("# Tết Nguyên Đán: 13/02/2029"), "{html}");
    assert!(html.contains("2029-04-23, statutory, Giỗ Tổ Hùng Vương"));

    // Officials who are not administrators cannot reach the page.
    let officer = app.signed_in("benthanh.lanhdao").await;
    assert_eq!(app.get(&officer, "/admin/calendar/2027").await.0, 403);
}
