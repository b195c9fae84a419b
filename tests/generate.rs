//! The workload generator on both databases, at a tiny scale: deterministic, every
//! dossier whole (its work item, events, codes unique and in sequence), and the product
//! keeps working on what it wrote (new dossiers get the next codes and ids; the
//! statistics count them).

mod common;

use common::TestApp;
use dieuhanh_web::security::keys::Keys;
use dieuhanh_web::synthetic::{Plan, generate, working_days};

#[tokio::test]
async fn a_generated_fortnight_is_whole_and_the_product_carries_on() {
    let app = TestApp::spawn().await;
    let calendar = dieuhanh_store::calendar::load(&app.store).await.unwrap();
    let today = dieuhanh_core::time::vn_date(dieuhanh_core::time::now_us()).unwrap();
    let start = today.checked_sub(jiff::Span::new().days(75)).unwrap();
    let keys = Keys::from_master(&common::MASTER_KEY);
    let plan = Plan {
        seed: 7,
        days: working_days(&calendar, start, today),
        mean_per_unit_day: 0.5,
        suffix: "A00".into(),
    };
    let mut last = (0, 0);
    let written = generate(&app.store, &keys, &calendar, &plan, |done, expected| {
        last = (done, expected)
    })
    .await
    .unwrap();
    assert!(written > 1_000, "{written}");
    assert_eq!(last.0, written, "progress reached the end");
    assert_eq!(
        app.store.count_rows("dossiers").await.unwrap() as u64,
        written
    );
    assert_eq!(
        app.store.count_rows("work_items").await.unwrap() as u64,
        written
    );

    // The ward's desk carries on: the next code of today follows the generated ones, and
    // new records get fresh ids.
    let desk = app.signed_in("benthanh.canbo").await;
    let r = app
        .post_form(
            &desk,
            "/dossiers/new",
            "/dossiers",
            &[
                ("procedure", "1.004873"),
                ("name", "Sau Khi Sinh"),
                ("identity", "079201004444"),
                ("phone", "0901234567"),
                ("doc_0", "1"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let id: i64 = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/dossiers/")
        .parse()
        .unwrap();
    assert!(id as u64 > written, "a fresh id after the generated ones");
    let leader = app.token("lanhdao").await;
    let (status, ranking) = app.api_get(Some(&leader), "/api/v1/index766").await;
    assert_eq!(status, 200);
    let received: u64 = ranking
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["received"].as_u64().unwrap())
        .sum();
    assert!(received > 0, "the statistics count generated dossiers");
    app.assert_statistics_tallied().await;
    // Rebuilding the tallies from the dossiers finds what the writes kept.
    dieuhanh_store::tallies::rebuild(&app.store).await.unwrap();
    app.assert_statistics_tallied().await;

    // The same seed gives the same city.
    let again = TestApp::spawn().await;
    let written_again = generate(&again.store, &keys, &calendar, &plan, |_, _| {})
        .await
        .unwrap();
    assert_eq!(written_again, written);
}
