//! The cockpit: city leaders see every unit's work, red flags first; nobody else does.

mod common;

use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn the_cockpit_puts_overdue_units_first() {
    let app = TestApp::spawn().await;
    let leader = app.token("lanhdao").await;
    // One directive already past its deadline for two wards, one due later for all.
    let late = json!({"doc_number": "1/UBND", "doc_date": common::day(-60), "signer": "Lãnh đạo", "title": "Việc đã quá hạn",
                      "due_date": common::day(-30), "units": ["26743", "26740"]});
    let (s, _) = app.api_post(&leader, "/api/v1/directives", late).await;
    assert_eq!(s, 201);
    let later = json!({"doc_number": "2/UBND", "doc_date": common::day(0), "signer": "Lãnh đạo", "title": "Việc còn hạn",
                       "due_date": common::day(20), "units": ["all"]});
    let (s, _) = app.api_post(&leader, "/api/v1/directives", later).await;
    assert_eq!(s, 201);

    let (status, body) = app.api_get(Some(&leader), "/api/v1/cockpit").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"], 168);
    assert_eq!(body["totals"]["overdue"], 2);
    assert_eq!(body["totals"]["units_with_overdue"], 2);
    assert_eq!(body["totals"]["open"], 170);
    let first: Vec<&str> = body["items"].as_array().unwrap()[..2]
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert!(
        first.contains(&"26743") && first.contains(&"26740"),
        "{first:?}"
    );
    let (_, communes) = app
        .api_get(Some(&leader), "/api/v1/cockpit?kind=commune")
        .await;
    assert_eq!(communes["total"], 54);
    let (_, binh_duong) = app
        .api_get(
            Some(&leader),
            "/api/v1/cockpit?old_province=B%C3%ACnh%20D%C6%B0%C6%A1ng",
        )
        .await;
    assert_eq!(binh_duong["total"], 36);
    let (status, body) = app
        .api_get(Some(&leader), "/api/v1/cockpit?sort=loudest")
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_sort"))
    );

    // The page: totals, red flags first, the map coloured by overdue work.
    let browser = app.signed_in("lanhdao").await;
    let (status, html) = app.get(&browser, "/cockpit").await;
    assert_eq!(status, 200);
    assert!(html.contains("Bảng điều hành"));
    let saigon = html.find("Phường Sài Gòn").unwrap();
    let other = html.find("Phường An Đông").unwrap();
    assert!(saigon < other, "overdue units come first");
    assert!(
        html.contains("unit ward b1"),
        "units with one overdue task are coloured"
    );
    let (status, _) = app
        .get(
            &browser,
            "/cockpit?measure=on_time_rate&sort=name&kind=ward",
        )
        .await;
    assert_eq!(status, 200);

    // The same figures as an Excel workbook.
    let r = browser
        .get(app.url("/cockpit.xlsx?kind=ward"))
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
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".xlsx")
    );
    let bytes = r.bytes().await.unwrap();
    assert!(
        bytes.starts_with(b"PK") && bytes.len() > 2000,
        "an xlsx file is a zip archive"
    );

    // Ward officials and department officers do not see the cockpit.
    for username in ["benthanh.lanhdao", "so.nnmt"] {
        let token = app.token(username).await;
        assert_eq!(
            app.api_get(Some(&token), "/api/v1/cockpit").await.0,
            403,
            "{username}"
        );
        let browser = app.signed_in(username).await;
        assert_eq!(app.get(&browser, "/cockpit").await.0, 403, "{username}");
        assert_eq!(
            app.get(&browser, "/cockpit.xlsx").await.0,
            403,
            "{username}"
        );
    }
}
