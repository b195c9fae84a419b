//! Browser tests in real headless Chromium through chromedriver (Debian's `chromium`
//! and `chromium-driver`, installed by `scripts/test.sh`). Without chromedriver the test
//! says so loudly and passes, unless `DIEUHANH_REQUIRE_BROWSER=1` demands it.

mod common;

use common::{PASSWORD, TestApp};
use fantoccini::{Client, ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

struct Driver {
    child: Child,
    _profile: tempfile::TempDir,
    client: Client,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn driver() -> Option<Driver> {
    if !std::path::Path::new(CHROMEDRIVER).exists() || !std::path::Path::new(CHROMIUM).exists() {
        if std::env::var("DIEUHANH_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!(
                "chromium and chromedriver are required (apt-get install chromium chromium-driver)"
            );
        }
        eprintln!(
            "\n*** SKIPPED browser tests: {CHROMEDRIVER} not found (run scripts/test.sh to install it) ***\n"
        );
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
                     "--window-size=1400,1000", "--lang=vi-VN", format!("--user-data-dir={}", profile.path().display())]
        }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let mut last_error = None;
    for _ in 0..50 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => {
                return Some(Driver {
                    child,
                    _profile: profile,
                    client,
                });
            }
            Err(e) => last_error = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("chromedriver did not start: {last_error:?}");
}

async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_officer_signs_in_switches_language_searches_and_uses_the_map() {
    let Some(driver) = driver().await else { return };
    let app = TestApp::spawn().await;
    let c = &driver.client;

    // Sign in through the form.
    c.goto(&app.url("/login")).await.unwrap();
    assert_eq!(text_of(c, "h1").await, "Đăng nhập");
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys("benthanh.canbo")
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("form.stack button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("p.lead")).await.unwrap();
    let welcome = text_of(c, "p.lead").await;
    assert!(
        welcome.contains("Phạm Thị Thu Đào") && welcome.contains("Phường Bến Thành"),
        "{welcome}"
    );

    // Switch to English and back.
    c.find(Locator::Css("a[hreflang=en]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("html[lang=en]"))
        .await
        .unwrap();
    assert_eq!(text_of(c, "h1").await, "Overview");
    c.find(Locator::Css("a[hreflang=vi]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("html[lang=vi]"))
        .await
        .unwrap();
    assert_eq!(text_of(c, "h1").await, "Tổng quan");

    // Search units without diacritics.
    c.goto(&app.url("/units")).await.unwrap();
    let search = c.find(Locator::Id("q")).await.unwrap();
    search.send_keys("ben thanh").await.unwrap();
    c.find(Locator::Css("form.search button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Wait for the results page, not the list already on the page before submitting.
    for _ in 0..50 {
        if c.current_url().await.unwrap().as_str().contains("q=ben") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .contains("q=ben+thanh")
    );
    let items = c.find_all(Locator::Css(".unit-list li")).await.unwrap();
    assert_eq!(items.len(), 1);
    assert!(items[0].text().await.unwrap().contains("Phường Bến Thành"));

    // The map: 168 units drawn by the server, each a link to its unit.
    let shapes = c
        .find_all(Locator::Css("figure.map svg path"))
        .await
        .unwrap();
    assert_eq!(shapes.len(), 168);
    let hit = c.find(Locator::Css("path.hit")).await.unwrap();
    assert!(hit.attr("class").await.unwrap().unwrap().contains("ward"));
    c.find(Locator::Css("a[href='/units/26743'] path"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_url(&url::Url::parse(&app.url("/units/26743")).unwrap())
        .await
        .unwrap();
    assert!(text_of(c, "h1").await.starts_with("Phường Bến Thành"));
    assert!(c.source().await.unwrap().contains("01/07/2025"));

    // The audit trail shows this session.
    c.goto(&app.url("/audit")).await.unwrap();
    let timeline = text_of(c, "ol.timeline").await;
    assert!(timeline.contains("Đăng nhập"), "{timeline}");

    c.clone().close().await.unwrap();
}

async fn sign_in(c: &Client, app: &TestApp, username: &str) {
    c.goto(&app.url("/login")).await.unwrap();
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys(username)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("form.stack button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("form[action='/logout']"))
        .await
        .unwrap();
}

async fn sign_out(c: &Client) {
    c.find(Locator::Css("form[action='/logout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("a[href='/login']"))
        .await
        .unwrap();
}

async fn fill(c: &Client, id: &str, value: &str) {
    let field = c.find(Locator::Id(id)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

async fn submit_and_wait(c: &Client, form: &str, expect: &str) {
    c.find(Locator::Css(&format!("{form} button[type=submit]")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    for _ in 0..50 {
        if c.source().await.unwrap().contains(expect) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{expect:?} did not appear after submitting {form}");
}

#[tokio::test]
async fn a_directive_to_all_units_is_worked_by_a_ward_and_followed_by_the_city() {
    let Some(driver) = driver().await else { return };
    let app = TestApp::spawn().await;
    let c = &driver.client;

    // The city leader issues a directive to every unit.
    sign_in(c, &app, "lanhdao").await;
    c.goto(&app.url("/directives")).await.unwrap();
    c.find(Locator::Css("details summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(c, "d-number", "777/UBND-VP").await;
    fill(c, "d-date", &common::vn_day(0)).await;
    fill(c, "d-signer", "Trần Minh Đức").await;
    fill(c, "d-title", "Rà soát hộ nghèo cuối năm").await;
    fill(c, "d-due", &common::vn_day(20)).await;
    fill(c, "d-units", "all").await;
    submit_and_wait(c, "form[action='/directives']", "giao 168 nhiệm vụ").await;
    sign_out(c).await;

    // The ward leader assigns the ward's task to the one-stop officer.
    sign_in(c, &app, "benthanh.lanhdao").await;
    c.goto(&app.url("/tasks")).await.unwrap();
    c.find(Locator::LinkText("Rà soát hộ nghèo cuối năm"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("select[name=assignee]"))
        .await
        .unwrap();
    c.find(Locator::Css(
        "select[name=assignee] option[value='benthanh.canbo']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    submit_and_wait(
        c,
        "form.action-form:has(input[value=assign])",
        "Đã thực hiện: Phân công",
    )
    .await;
    sign_out(c).await;

    // The officer reports progress.
    sign_in(c, &app, "benthanh.canbo").await;
    c.goto(&app.url("/tasks")).await.unwrap();
    c.find(Locator::LinkText("Rà soát hộ nghèo cuối năm"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("input[name=progress]"))
        .await
        .unwrap();
    fill(c, "progress-report_progress", "45").await;
    fill(c, "note-report_progress", "Đã rà soát 45% số hộ").await;
    submit_and_wait(
        c,
        "form.action-form:has(input[value=report_progress])",
        "Đã thực hiện: Báo cáo tiến độ",
    )
    .await;
    sign_out(c).await;

    // The city sees it on the directive and in the cockpit.
    sign_in(c, &app, "lanhdao").await;
    c.goto(&app.url("/directives")).await.unwrap();
    c.find(Locator::LinkText("Rà soát hộ nghèo cuối năm"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("table.grid"))
        .await
        .unwrap();
    let table = text_of(c, "table.grid").await;
    let row = table
        .lines()
        .find(|l| l.contains("Phường Bến Thành"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        row.contains("45%") && row.contains("Phạm Thị Thu Đào"),
        "{row}"
    );
    c.goto(&app.url("/cockpit")).await.unwrap();
    assert_eq!(text_of(c, ".stats .stat:nth-child(2) strong").await, "168");
    assert_eq!(
        c.find_all(Locator::Css("figure.map svg path"))
            .await
            .unwrap()
            .len(),
        168
    );
    c.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_monthly_report_is_defined_filled_submitted_and_totalled() {
    let Some(driver) = driver().await else { return };
    let app = TestApp::spawn().await;
    let c = &driver.client;

    // The city defines a monthly report every unit owes.
    sign_in(c, &app, "lanhdao").await;
    c.goto(&app.url("/reports")).await.unwrap();
    fill(c, "r-title", "Báo cáo phát triển đảng viên").await;
    fill(
        c,
        "r-fields",
        "dang_vien_moi | Đảng viên mới kết nạp | number | người\nnhan_xet | Nhận xét | text",
    )
    .await;
    fill(c, "r-units", "all").await;
    submit_and_wait(c, "form[action='/reports']", "168").await;
    sign_out(c).await;

    // The ward's officer drafts it, writing the number the Vietnamese way.
    sign_in(c, &app, "benthanh.canbo").await;
    c.goto(&app.url("/reports")).await.unwrap();
    c.find(Locator::Css(
        "table.grid a[href^='/reports/']:not([href^='/reports/templates'])",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.wait()
        .for_element(Locator::Id("f-dang_vien_moi"))
        .await
        .unwrap();
    fill(c, "f-dang_vien_moi", "1.234,5").await;
    fill(c, "f-nhan_xet", "Vượt kế hoạch").await;
    submit_and_wait(c, "form.report-form", "Đã lưu số liệu.").await;
    sign_out(c).await;

    // The ward leader submits it.
    sign_in(c, &app, "benthanh.lanhdao").await;
    c.goto(&app.url("/reports")).await.unwrap();
    c.find(Locator::Css(
        "table.grid a[href^='/reports/']:not([href^='/reports/templates'])",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.wait()
        .for_element(Locator::Css("button[value=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    for _ in 0..50 {
        if c.source().await.unwrap().contains("Đã gửi báo cáo.") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(c.source().await.unwrap().contains("Đã gửi báo cáo."));
    sign_out(c).await;

    // The city reads the total and which units are still to report.
    sign_in(c, &app, "lanhdao").await;
    c.goto(&app.url("/reports")).await.unwrap();
    c.find(Locator::LinkText("Báo cáo phát triển đảng viên"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("ul.figures"))
        .await
        .unwrap();
    let totals = text_of(c, "table.grid").await;
    assert!(totals.contains("1.234,5"), "{totals}");
    let figures = text_of(c, "ul.figures").await;
    assert!(figures.contains("168"), "{figures}");
    c.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_resident_clicks_the_map_reports_a_problem_and_the_ward_resolves_it() {
    use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
    let Some(driver) = driver().await else { return };
    let app = TestApp::spawn().await;
    let c = &driver.client;
    c.set_window_size(1400, 2200).await.unwrap();

    // Click Bến Thành market on the picker map (an image input: no JavaScript).
    let geo = dieuhanh_web::load_geography(&app.store)
        .await
        .unwrap()
        .unwrap();
    let (x, y) = geo.map.projection.to_pixel(10.7725, 106.6980);
    c.goto(&app.url("/phan-anh/moi")).await.unwrap();
    let picker = c.find(Locator::Css("input[name=pick]")).await.unwrap();
    let offset = (
        x - geo.map.width.round() / 2.0,
        y - geo.map.height.round() / 2.0,
    );
    let click = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: picker,
            duration: None,
            x: offset.0.round(),
            y: offset.1.round(),
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    c.perform_actions(click).await.unwrap();
    c.wait()
        .for_element(Locator::LinkText("Lấn chiếm vỉa hè, lòng đường"))
        .await
        .unwrap();
    assert!(
        c.source()
            .await
            .unwrap()
            .contains("Vị trí thuộc Phường Bến Thành")
    );
    c.find(Locator::LinkText("Lấn chiếm vỉa hè, lòng đường"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("p-description"))
        .await
        .unwrap();
    fill(c, "p-description", "Quán nước chiếm hết vỉa hè trước chợ").await;
    submit_and_wait(c, "form[action='/phan-anh']", "Đã gửi phản ánh").await;
    let source = c.source().await.unwrap();
    let start = source.find("Mã phản ánh của bạn: ").unwrap() + "Mã phản ánh của bạn: ".len();
    let id = source[start..start + 14].to_string();

    // The ward's officer resolves it with a public note.
    sign_in(c, &app, "benthanh.canbo").await;
    c.goto(&app.url("/citizen-reports")).await.unwrap();
    c.find(Locator::Css("table.grid a[href^='/citizen-reports/']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css(
            "form.action-form:has(input[value=acknowledge])",
        ))
        .await
        .unwrap();
    submit_and_wait(
        c,
        "form.action-form:has(input[value=acknowledge])",
        "Đã thực hiện: Xác nhận đã nhận",
    )
    .await;
    c.wait()
        .for_element(Locator::Id("note-resolve"))
        .await
        .unwrap();
    fill(c, "note-resolve", "Đã nhắc nhở, vỉa hè đã thông thoáng").await;
    submit_and_wait(
        c,
        "form.action-form:has(input[value=resolve])",
        "Đã thực hiện: Đã xử lý xong",
    )
    .await;
    sign_out(c).await;

    // The resident's page shows the outcome.
    c.goto(&app.url(&format!("/phan-anh/{id}"))).await.unwrap();
    let text = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("Đã xử lý xong") && text.contains("vỉa hè đã thông thoáng"),
        "{text}"
    );
    c.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_secret_ballot_goes_from_open_to_result() {
    let Some(driver) = driver().await else { return };
    let app = TestApp::spawn().await;
    let c = &driver.client;
    sign_in(c, &app, "benthanh.lanhdao").await;
    c.goto(&app.url("/ballots")).await.unwrap();
    fill(c, "b-title", "Giới thiệu nhân sự Phó Chủ tịch").await;
    fill(c, "b-options", "Nguyễn Văn An\nTrần Thị Bình").await;
    // A datetime-local input takes keys in the browser's locale order: set it directly.
    let closes = format!("{}T17:00", common::day(1));
    c.execute(
        "document.getElementById('b-closes').value = arguments[0];",
        vec![serde_json::Value::String(closes)],
    )
    .await
    .unwrap();
    fill(c, "b-voters", "benthanh.canbo, benthanh.lanhdao").await;
    submit_and_wait(c, "form[action='/ballots']", "Phiếu của bạn").await;
    let page = c.current_url().await.unwrap().to_string();
    c.find(Locator::Css("input[name=option][value='0']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    submit_and_wait(c, "form[action$='/vote']", "Đã ghi nhận phiếu của bạn.").await;
    sign_out(c).await;

    sign_in(c, &app, "benthanh.canbo").await;
    c.goto(&page).await.unwrap();
    c.find(Locator::Css("input[name=option][value='1']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    submit_and_wait(c, "form[action$='/vote']", "Đã ghi nhận phiếu của bạn.").await;
    assert!(
        c.source()
            .await
            .unwrap()
            .contains("Kết quả được công bố sau khi kết thúc.")
    );

    // Once closed, everyone invited sees the counts.
    app.store
        .execute_admin("UPDATE ballots SET closes_at_us = 1")
        .await
        .unwrap();
    c.goto(&page).await.unwrap();
    let result = text_of(c, "table.grid").await;
    assert!(
        result.contains("Nguyễn Văn An") && result.contains("Trần Thị Bình"),
        "{result}"
    );
    assert!(c.source().await.unwrap().contains("2/2 người đã bỏ phiếu."));
    c.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_staffing_round_goes_from_positions_to_an_approved_proposal() {
    let Some(driver) = driver().await else { return };
    let app = TestApp::spawn().await;
    let c = &driver.client;

    // The officer states an ability.
    sign_in(c, &app, "benthanh.canbo").await;
    c.goto(&app.url("/staffing/profile")).await.unwrap();
    fill(c, "p-levels", "Đất đai | 1").await;
    submit_and_wait(
        c,
        "form[action='/staffing/profile']",
        "Đã lưu hồ sơ, nguyện vọng.",
    )
    .await;
    sign_out(c).await;

    // The board adds a position needing it, proposes and approves.
    sign_in(c, &app, "lanhdao").await;
    c.goto(&app.url("/staffing")).await.unwrap();
    fill(c, "s-unit", "26743").await;
    fill(c, "s-title", "Công chức địa chính").await;
    fill(c, "s-reqs", "dat dai | 1 | có | 5").await;
    submit_and_wait(
        c,
        "form[action='/staffing/positions']",
        "Công chức địa chính",
    )
    .await;
    fill(c, "r-units", "26743").await;
    submit_and_wait(c, "form[action='/staffing/proposals']", "Tổng mức phù hợp").await;
    let table = text_of(c, "table.grid").await;
    assert!(
        table.contains("benthanh.canbo") && table.contains("dat dai: 5"),
        "{table}"
    );
    submit_and_wait(c, "form[action$='/approve']", "Đã phê duyệt").await;
    sign_out(c).await;

    sign_in(c, &app, "benthanh.canbo").await;
    c.goto(&app.url("/staffing/profile")).await.unwrap();
    assert!(
        c.source()
            .await
            .unwrap()
            .contains("Công chức địa chính — Phường Bến Thành")
    );
    c.clone().close().await.unwrap();
}

/// Clicks the button of an action form on a dossier page and waits for `expect`.
async fn dossier_action(c: &Client, action: &str, note: Option<&str>, expect: &str) {
    let form = format!("form.action-form:has(input[value={action}])");
    c.wait()
        .for_element(Locator::Css(&form))
        .await
        .unwrap_or_else(|e| panic!("{action}: {e}"));
    if let Some(note) = note {
        fill(c, &format!("note-{action}"), note).await;
    }
    submit_and_wait(c, &form, expect).await;
}

#[tokio::test]
async fn a_citizen_files_online_supplements_once_and_rates_the_result() {
    let Some(driver) = driver().await else { return };
    let app = TestApp::spawn().await;
    let c = &driver.client;
    c.set_window_size(1400, 2200).await.unwrap();
    let files = tempfile::tempdir().unwrap();
    let pdf = |name: &str| {
        let path = files.path().join(name);
        std::fs::write(&path, b"%PDF-1.4 giay to").unwrap();
        path.display().to_string()
    };

    // The 766 page of the ward before: nothing received.
    sign_in(c, &app, "lanhdao").await;
    c.goto(&app.url("/dossiers/statistics")).await.unwrap();
    let before = text_of(c, "#ranking").await;
    assert!(before.contains("Phường Bến Thành"), "{before}");
    sign_out(c).await;

    // A citizen finds the procedure without diacritics and files online.
    sign_in(c, &app, "congdan").await;
    c.goto(&app.url("/dich-vu-cong?q=dang+ky+khai+sinh"))
        .await
        .unwrap();
    c.find(Locator::LinkText("Đăng ký khai sinh"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("doc_1")).await.unwrap();
    c.find(Locator::Css("#unit option[value='26743']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(c, "name", "Công Dân Thử").await;
    fill(c, "identity", "079099000123").await;
    fill(c, "phone", "0909000123").await;
    c.find(Locator::Id("doc_0"))
        .await
        .unwrap()
        .send_keys(&pdf("to-khai.pdf"))
        .await
        .unwrap();
    c.find(Locator::Id("doc_1"))
        .await
        .unwrap()
        .send_keys(&pdf("giay-chung-sinh.pdf"))
        .await
        .unwrap();
    submit_and_wait(c, "form[enctype='multipart/form-data']", "Đã nộp hồ sơ").await;
    let code = text_of(c, "#dossier-code").await;
    sign_out(c).await;

    // The ward's desk receives it and asks, once, for a missing paper.
    sign_in(c, &app, "benthanh.canbo").await;
    c.goto(&app.url("/dossiers")).await.unwrap();
    c.find(Locator::LinkText(&code))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    dossier_action(c, "receive", None, "Đã thực hiện: Tiếp nhận").await;
    dossier_action(
        c,
        "request_supplement",
        Some("Bản sao CCCD của cha hoặc mẹ"),
        "Tạm dừng: chờ người dân bổ sung",
    )
    .await;
    sign_out(c).await;

    // The citizen sees what is asked on "my dossiers" and sends it.
    sign_in(c, &app, "congdan").await;
    c.goto(&app.url("/ho-so-cua-toi")).await.unwrap();
    c.find(Locator::LinkText(&code))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("supplement-0"))
        .await
        .unwrap();
    assert!(
        c.source()
            .await
            .unwrap()
            .contains("Bản sao CCCD của cha hoặc mẹ")
    );
    c.find(Locator::Id("supplement-0"))
        .await
        .unwrap()
        .send_keys(&pdf("cccd-me.pdf"))
        .await
        .unwrap();
    submit_and_wait(
        c,
        "form[action='/tra-cuu/bo-sung']",
        "Đã gửi giấy tờ bổ sung",
    )
    .await;
    sign_out(c).await;

    // The ward's chairman approves; the result is returned.
    sign_in(c, &app, "benthanh.lanhdao").await;
    c.goto(&app.url("/dossiers")).await.unwrap();
    c.find(Locator::LinkText(&code))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(c.source().await.unwrap().contains("cccd-me.pdf"));
    dossier_action(c, "approve", None, "Đã thực hiện: Phê duyệt").await;
    dossier_action(c, "return_result", None, "Đã thực hiện: Trả kết quả").await;
    sign_out(c).await;

    // Anyone looks it up by code: status, no personal data.
    c.goto(&app.url(&format!("/tra-cuu?code={code}")))
        .await
        .unwrap();
    let public = text_of(c, "main").await;
    assert!(public.contains("Đã trả kết quả"), "{public}");
    assert!(!public.contains("Công Dân Thử") && !public.contains("079099000123"));

    // The citizen rates it.
    sign_in(c, &app, "congdan").await;
    c.goto(&app.url(&format!("/tra-cuu?code={code}")))
        .await
        .unwrap();
    c.find(Locator::Css("input[name=rating][value=very_satisfied]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    submit_and_wait(
        c,
        "form[action='/tra-cuu/danh-gia']",
        "Cảm ơn bạn đã đánh giá",
    )
    .await;
    sign_out(c).await;

    // The city's statistics and cockpit count it.
    sign_in(c, &app, "lanhdao").await;
    c.goto(&app.url("/dossiers/statistics/26743"))
        .await
        .unwrap();
    let indicators = text_of(c, "#indicators").await;
    assert!(indicators.contains("1 / 1"), "{indicators}");
    c.goto(&app.url("/dossiers/statistics")).await.unwrap();
    let after = text_of(c, "#ranking").await;
    assert_ne!(before, after, "the ranking changed");
    c.goto(&app.url("/cockpit")).await.unwrap();
    let cockpit = c.source().await.unwrap();
    assert!(cockpit.contains("/dossiers/statistics/26743"));
    c.clone().close().await.unwrap();
}
