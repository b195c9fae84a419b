//! Files and co-operating units: a directive carries its signed document, a ward
//! attaches evidence to its task, a co-operating department sees and supports the task,
//! and nobody else reads any of it.

mod common;

use common::TestApp;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

fn file(name: &str, content: &[u8]) -> Form {
    Form::new().part(
        "file",
        Part::bytes(content.to_vec()).file_name(name.to_string()),
    )
}

async fn upload(app: &TestApp, token: &str, path: &str, form: Form) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn evidence_and_documents_reach_those_involved_and_nobody_else() {
    let app = TestApp::spawn().await;
    let city = app.token("lanhdao").await;
    let directive = json!({"doc_number": "77/UBND", "doc_date": common::day(-1), "signer": "Lãnh đạo",
        "title": "Rà soát nhà trọ", "due_working_days": 10, "units": ["26743", "26740"],
        "cooperating_units": ["so-xay-dung"]});
    let (status, created) = app.api_post(&city, "/api/v1/directives", directive).await;
    assert_eq!(status, 201, "{created}");
    let directive_id = created["id"].as_i64().unwrap();
    let (status, b) = app
        .api_post(
            &city,
            "/api/v1/directives",
            json!({"doc_number": "78", "doc_date": common::day(-1), "signer": "L", "title": "x",
                   "due_working_days": 5, "units": ["26743"], "cooperating_units": ["khong-co"]}),
        )
        .await;
    assert_eq!(
        (status, b["error"]["code"].as_str()),
        (400, Some("invalid_cooperators"))
    );

    // The signed document, attached by the issuer.
    let (status, doc) = upload(
        &app,
        &city,
        &format!("/api/v1/directives/{directive_id}/files"),
        file("Công văn 77.pdf", b"%PDF-1.7 signed"),
    )
    .await;
    assert_eq!(status, 201, "{doc}");
    assert_eq!(doc["content_type"], "application/pdf");

    let ward = app.token("benthanh.canbo").await;
    let (_, tasks) = app
        .api_get(
            Some(&ward),
            &format!("/api/v1/tasks?directive={directive_id}"),
        )
        .await;
    let task = tasks["items"][0]["id"].as_i64().expect("the ward's task");

    // Evidence: accepted kinds only, within the size limit.
    let path = format!("/api/v1/tasks/{task}/files");
    let (status, b) = upload(
        &app,
        &ward,
        &path,
        file("trang.html", b"<script>alert(1)</script>"),
    )
    .await;
    assert_eq!(
        (status, b["error"]["code"].as_str()),
        (400, Some("file_kind"))
    );
    let (status, b) = upload(&app, &ward, &path, file("rong.pdf", b"")).await;
    assert_eq!(
        (status, b["error"]["code"].as_str()),
        (400, Some("file_empty"))
    );
    let big = vec![b'x'; dieuhanh_core::files::MAX_FILE_BYTES + 1];
    let (status, _) = upload(&app, &ward, &path, file("lon.pdf", &big)).await;
    assert!(matches!(status, 400 | 413), "{status}");
    let (status, evidence) = upload(
        &app,
        &ward,
        &path,
        file("ảnh hiện trường.jpg", b"\xff\xd8\xff jpeg"),
    )
    .await;
    assert_eq!(status, 201, "{evidence}");
    let href = evidence["href"].as_str().unwrap().to_string();

    // The ward, the city and the co-operating department read it; another ward cannot.
    for (who, expected) in [
        ("benthanh.canbo", 200),
        ("lanhdao", 200),
        ("so-xay-dung.canbo", 200),
        ("26740.canbo", 404),
        ("so.nnmt", 404),
    ] {
        let token = app.token(who).await;
        let r = reqwest::Client::new()
            .get(app.url(&href))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), expected, "{who}");
        if expected == 200 {
            let disposition = r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .to_string();
            assert!(disposition.starts_with("attachment;"), "{disposition}");
            assert_eq!(r.bytes().await.unwrap().as_ref(), b"\xff\xd8\xff jpeg");
        }
    }

    // The co-operating department finds the task in its list and may add evidence;
    // the other ward sees the directive's document only through its own task.
    let department = app.token("so-xay-dung.canbo").await;
    let (_, theirs) = app.api_get(Some(&department), "/api/v1/tasks").await;
    assert!(
        theirs["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == task),
        "{theirs}"
    );
    let (status, _) = upload(&app, &department, &path, file("y-kien.docx", b"PK docx")).await;
    assert_eq!(status, 201);
    let other_ward = app.token("26740.canbo").await;
    let r = reqwest::Client::new()
        .get(app.url(doc["href"].as_str().unwrap()))
        .bearer_auth(&other_ward)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        200,
        "a unit with a task of the directive reads its document"
    );
    let (status, _) = upload(&app, &other_ward, &path, file("x.pdf", b"%PDF")).await;
    assert_eq!(status, 404);

    // On the page: the task shows the document, the files and the co-operating unit;
    // an upload from the page needs its CSRF token.
    let browser = app.signed_in("benthanh.canbo").await;
    let (status, html) = app.get(&browser, &format!("/tasks/{task}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Công văn 77.pdf") && html.contains("ảnh hiện trường.jpg"));
    assert!(html.contains("Sở Xây dựng"));
    assert!(html.contains("enctype=\"multipart/form-data\""));
    let csrf = common::extract_csrf(&html).unwrap();
    let page_form = Form::new().text("csrf", csrf).part(
        "file",
        Part::bytes(b"%PDF-1.4 bien ban".to_vec()).file_name("biên bản.pdf"),
    );
    let r = browser
        .post(app.url(&format!("/tasks/{task}/files")))
        .multipart(page_form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let forged = Form::new().part("file", Part::bytes(b"%PDF".to_vec()).file_name("gia.pdf"));
    let r = browser
        .post(app.url(&format!("/tasks/{task}/files")))
        .multipart(forged)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403, "no CSRF token, no upload");
    let (_, html) = app.get(&browser, &format!("/tasks/{task}")).await;
    assert!(html.contains("biên bản.pdf") && !html.contains("gia.pdf"));
}
