//! The direction pages as officials use them: the city issues a directive from the
//! form, a ward assigns and works its task, the city sees the progress.

mod common;

use common::TestApp;

fn task_link(html: &str) -> String {
    let start = html.find("href=\"/tasks/").expect("a task link") + "href=\"".len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

#[tokio::test]
async fn a_directive_is_issued_worked_and_followed_through_the_pages() {
    let app = TestApp::spawn().await;
    let city = app.signed_in("lanhdao").await;
    let (status, html) = app.get(&city, "/directives").await;
    assert_eq!(status, 200);
    assert!(html.contains("Ban hành chỉ đạo mới"));

    // A mistake is explained in Vietnamese and nothing is created.
    let (doc_date, due) = (common::vn_day(0), common::vn_day(20));
    let mut fields = vec![
        ("doc_number", "512/UBND-KT"),
        ("doc_date", doc_date.as_str()),
        ("signer", "Trần Minh Đức"),
        ("title", "Kiểm tra an toàn phòng cháy chợ truyền thống"),
        ("summary", ""),
        ("due_date", due.as_str()),
        ("priority", "high"),
        ("units", "26743, 99999"),
    ];
    let before = app.audit_count().await;
    let r = app
        .post_form(&city, "/directives", "/directives", &fields)
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Danh sách đơn vị không hợp lệ")
    );
    assert_eq!(app.audit_count().await, before, "nothing was created");
    fields[7] = ("units", "26743, 26740");
    let r = app
        .post_form(&city, "/directives", "/directives", &fields)
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("giao 2 nhiệm vụ"), "{html}");

    // The ward leader finds it in the inbox and assigns it.
    let ward = app.signed_in("benthanh.lanhdao").await;
    let (_, inbox) = app.get(&ward, "/tasks").await;
    assert!(
        inbox.contains("Kiểm tra an toàn phòng cháy chợ truyền thống")
            && inbox.contains("Mới nhận")
    );
    let task = task_link(&inbox);
    let (_, page) = app.get(&ward, &task).await;
    assert!(page.contains("Phân công") && page.contains("benthanh.canbo"));
    let act = format!("{task}/act");
    let r = app
        .post_form(
            &ward,
            &task,
            &act,
            &[("action", "assign"), ("assignee", "benthanh.canbo")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("Đã thực hiện: Phân công"));

    // The officer reports progress; a wrong figure is refused with a clear message.
    let officer = app.signed_in("benthanh.canbo").await;
    let r = app
        .post_form(
            &officer,
            &task,
            &act,
            &[("action", "report_progress"), ("progress", "250")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Tiến độ phải là số từ 0 đến 100")
    );
    let r = app
        .post_form(
            &officer,
            &task,
            &act,
            &[
                ("action", "report_progress"),
                ("progress", "70"),
                ("note", "Đã kiểm tra 7/10 chợ"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("70% — Đã kiểm tra 7/10 chợ"));

    // Another ward cannot open it; the city follows progress on the directive page.
    let other = app.signed_in("saigon.canbo").await;
    assert_eq!(app.get(&other, &task).await.0, 404);
    let (_, list) = app.get(&city, "/directives").await;
    assert!(
        list.contains("0/2 hoàn thành; 0 quá hạn"),
        "the list counts the tasks"
    );
    let start = list.find("href=\"/directives/").unwrap() + "href=\"".len();
    let directive = &list[start..start + list[start..].find('"').unwrap()];
    let (status, html) = app.get(&city, directive).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Phường Bến Thành")
            && html.contains("Phường Sài Gòn")
            && html.contains("Trong hạn")
    );
    assert!(html.contains("70%"));
    assert_eq!(
        app.get(&ward, directive).await.0,
        404,
        "a ward does not see the city's overview"
    );
}
