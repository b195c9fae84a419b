//! Secret ballots: organised for a unit, one vote per eligible official even when two
//! arrive at once, results hidden until closing, and nothing stored that links a voter
//! to a choice.

mod common;

use common::TestApp;
use sqlx::Row;

fn closes_tomorrow() -> String {
    format!("{}T17:00", common::day(1))
}

#[tokio::test]
async fn a_confidence_vote_is_secret_counted_once_and_published_after_closing() {
    let app = TestApp::spawn().await;
    let leader = app.signed_in("benthanh.lanhdao").await;
    let form = |options: &'static str| {
        vec![
            (
                "title",
                "Lấy phiếu tín nhiệm Phó Chủ tịch phường".to_string(),
            ),
            ("kind", "confidence".to_string()),
            ("options", options.to_string()),
            ("threshold", "50".to_string()),
            ("closes", closes_tomorrow()),
            ("voters", "26743".to_string()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let leader = leader.clone();
        let app = &app;
        async move {
            let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(&leader, "/ballots", "/ballots", &refs).await
        }
    };
    let r = post(form("Chỉ một lựa chọn")).await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Cần từ 2 đến 100 lựa chọn")
    );
    let r = post(form("Tín nhiệm\nKhông tín nhiệm")).await;
    assert_eq!(r.status().as_u16(), 303);
    let page = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();

    // Officials of the ward vote; a second vote, even sent twice at once, counts once.
    let officer = app.signed_in("benthanh.canbo").await;
    let (status, html) = app.get(&officer, &page).await;
    assert_eq!(status, 200);
    assert!(html.contains("type=\"radio\" name=\"option\""));
    let r = app
        .post_form(&officer, &page, &format!("{page}/vote"), &[("option", "0")])
        .await;
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Đã ghi nhận phiếu của bạn.")
    );
    let r = app
        .post_form(&officer, &page, &format!("{page}/vote"), &[("option", "1")])
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let other = app.signed_in("26743.canbo").await;
    let csrf = app.csrf(&other, &page).await;
    let send = |choice: &'static str| {
        other
            .post(app.url(&format!("{page}/vote")))
            .form(&[("csrf", csrf.as_str()), ("option", choice)])
            .send()
    };
    let (a, b) = tokio::join!(send("1"), send("1"));
    let statuses = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
    assert!(
        statuses.contains(&200) && statuses.contains(&400),
        "{statuses:?}"
    );
    let ballot = dieuhanh_store::ballots::get(&app.store, id).await.unwrap();
    assert_eq!((ballot.voted, ballot.eligible >= 3), (2, true));

    // Before closing nobody sees the count; another ward does not see the ballot.
    let (_, html) = app.get(&leader, &page).await;
    assert!(html.contains("Kết quả được công bố sau khi kết thúc.") && !html.contains("Số phiếu"));
    let outsider = app.signed_in("saigon.canbo").await;
    assert_eq!(app.get(&outsider, &page).await.0, 404);

    // What the database holds: who took part, and counters. No row names a voter and a
    // choice, and the trail records participation without content.
    let voters = sqlx::query("SELECT * FROM ballot_voters WHERE ballot_id = $1")
        .bind(id)
        .fetch_all(app.store.reader())
        .await
        .unwrap();
    for row in &voters {
        let columns: Vec<String> = row
            .columns()
            .iter()
            .map(|c| sqlx::Column::name(c).to_string())
            .collect();
        assert_eq!(columns, ["ballot_id", "unit_id", "user_id", "voted"]);
    }
    let tallies =
        sqlx::query("SELECT * FROM ballot_tallies WHERE ballot_id = $1 ORDER BY option_index")
            .bind(id)
            .fetch_all(app.store.reader())
            .await
            .unwrap();
    for row in &tallies {
        let columns: Vec<String> = row
            .columns()
            .iter()
            .map(|c| sqlx::Column::name(c).to_string())
            .collect();
        assert_eq!(columns, ["ballot_id", "unit_id", "option_index", "votes"]);
    }
    let counts: Vec<i64> = tallies
        .iter()
        .map(|r| r.try_get("votes").unwrap())
        .collect();
    assert_eq!(counts, [1, 1]);
    let trail = sqlx::query(
        "SELECT summary FROM audit_log WHERE entity = 'ballot' AND action = 'ballot.participate'",
    )
    .fetch_all(app.store.reader())
    .await
    .unwrap();
    assert_eq!(trail.len(), 2);
    for row in &trail {
        let summary: String = row.try_get("summary").unwrap();
        assert!(
            !summary.contains("option") && !summary.contains("Tín nhiệm"),
            "{summary}"
        );
    }

    // After closing, the result: 1 of at least 3 invited is not more than half.
    app.store
        .execute_admin(&format!(
            "UPDATE ballots SET closes_at_us = 1 WHERE id = {id}"
        ))
        .await
        .unwrap();
    let (_, html) = app.get(&leader, &page).await;
    assert!(html.contains("Số phiếu") && html.contains("2/"), "{html}");
    assert!(!html.contains(">Đạt<"));
    let r = app
        .post_form(&officer, &page, &format!("{page}/vote"), &[("option", "0")])
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("chưa bắt đầu hoặc đã kết thúc")
    );
}
