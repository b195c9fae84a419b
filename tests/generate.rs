//! The workload generator on both databases, at a tiny scale: deterministic, every
//! record whole (its work item, events, codes unique and in sequence), the other kinds
//! of work (citizen reports, directives and tasks, monthly reports, obstacles) at their
//! volumes with a plausible mix of states, and the product keeps working on what it
//! wrote (new dossiers get the next codes and ids, new directives and citizen reports
//! fresh ids; the statistics and the cockpit count them).

mod common;

use common::TestApp;
use dieuhanh_web::security::keys::Keys;
use dieuhanh_web::synthetic::{Plan, generate, working_days};
use dieuhanh_web::synthetic_work::{CITIZEN_REPORTS_PER_MONTH, OBSTACLES_PER_MONTH};
use sqlx::Row;

/// One number from the database.
async fn number(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(app.store.reader())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .try_get("n")
        .unwrap()
}

/// Items of a kind matching a condition on the work item `w`.
async fn items(app: &TestApp, kind: &str, condition: &str) -> i64 {
    number(
        app,
        &format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM work_items w WHERE w.kind = '{kind}' AND ({condition})"
        ),
    )
    .await
}

/// Everything that had happened to the generated work (dossiers aside) before
/// `before_us`, without ids (the number of records written today before now shifts the
/// ids of the kinds written after them), sorted.
async fn history(app: &TestApp, before_us: i64) -> Vec<String> {
    let rows = sqlx::query(
        "SELECT w.kind, w.unit_id, w.issuer_unit_id, w.title, w.created_at_us, e.seq, e.at_us, e.actor_id, e.action, \
         e.to_state, e.note, e.progress FROM work_items w JOIN work_item_events e ON e.item_id = w.id \
         WHERE w.kind <> 'dossier' AND w.created_at_us < $1 AND e.at_us < $1",
    )
    .bind(before_us)
    .fetch_all(app.store.reader())
    .await
    .unwrap();
    let mut out: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{}|{}|{}|{}|{}|{}|{}|{:?}|{}|{}|{}|{:?}",
                r.get::<String, _>("kind"),
                r.get::<i64, _>("unit_id"),
                r.get::<i64, _>("issuer_unit_id"),
                r.get::<String, _>("title"),
                r.get::<i64, _>("created_at_us"),
                r.get::<i64, _>("seq"),
                r.get::<i64, _>("at_us"),
                r.get::<Option<i64>, _>("actor_id"),
                r.get::<String, _>("action"),
                r.get::<String, _>("to_state"),
                r.get::<String, _>("note"),
                r.get::<Option<i64>, _>("progress"),
            )
        })
        .collect();
    out.sort();
    out
}

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
        work: true,
    };
    let started_us = dieuhanh_core::time::now_us();
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

    // The other kinds, at their volumes over the 76 days.
    let months = 76.0 / 30.44;
    let citizen = app.store.count_rows("citizen_reports").await.unwrap();
    let expected = CITIZEN_REPORTS_PER_MONTH * months;
    assert!(
        (citizen as f64) > expected * 0.85 && (citizen as f64) < expected * 1.15,
        "{citizen} citizen reports, about {expected:.0} expected"
    );
    let directives = app.store.count_rows("directives").await.unwrap();
    let tasks = items(&app, "task", "1 = 1").await;
    assert!((20..=120).contains(&directives), "{directives} directives");
    assert!(tasks > 3 * directives, "{tasks} tasks");
    let reports = app.store.count_rows("report_obligations").await.unwrap();
    assert!(
        reports >= 2 * 168 && reports % 168 == 0,
        "{reports}: every unit, every period"
    );
    let obstacles = app.store.count_rows("obstacle_details").await.unwrap();
    let expected = OBSTACLES_PER_MONTH * months;
    assert!(
        (obstacles as f64) > expected * 0.6 && (obstacles as f64) < expected * 1.4,
        "{obstacles} obstacles, about {expected:.0} expected"
    );

    // Every work item is whole: one record beside it, its history from creation to the
    // state it stands in, each row on the item's unit.
    assert_eq!(
        app.store.count_rows("work_items").await.unwrap(),
        written as i64 + citizen + tasks + reports + obstacles
    );
    assert_eq!(items(&app, "citizen_report", "1 = 1").await, citizen);
    assert_eq!(items(&app, "report", "1 = 1").await, reports);
    assert_eq!(items(&app, "obstacle", "1 = 1").await, obstacles);
    for (kind, table) in [
        ("citizen_report", "citizen_reports"),
        ("report", "report_obligations"),
        ("obstacle", "obstacle_details"),
    ] {
        let beside = format!(
            "EXISTS (SELECT 1 FROM {table} x WHERE x.item_id = w.id AND x.unit_id = w.unit_id)"
        );
        assert_eq!(
            items(&app, kind, &beside).await,
            items(&app, kind, "1 = 1").await,
            "{kind}"
        );
    }
    let of_directive = "EXISTS (SELECT 1 FROM directives d WHERE d.id = w.directive_id AND d.unit_id = w.issuer_unit_id)";
    assert_eq!(items(&app, "task", of_directive).await, tasks);
    for kind in ["citizen_report", "task", "report", "obstacle", "dossier"] {
        let created = "EXISTS (SELECT 1 FROM work_item_events e WHERE e.item_id = w.id AND e.seq = 1 \
                       AND e.action = 'create' AND e.at_us = w.created_at_us)";
        let total = items(&app, kind, "1 = 1").await;
        assert_eq!(items(&app, kind, created).await, total, "{kind} created");
        let current = "EXISTS (SELECT 1 FROM work_item_events e WHERE e.item_id = w.id AND e.to_state = w.state \
                       AND e.seq = (SELECT MAX(f.seq) FROM work_item_events f WHERE f.item_id = w.id))";
        assert_eq!(items(&app, kind, current).await, total, "{kind} state");
    }
    // Every step is one the workflow engine allows, from the state the previous left.
    let steps = sqlx::query(
        "SELECT w.kind, e.action, e.from_state, e.to_state, p.to_state AS previous FROM work_item_events e \
         JOIN work_items w ON w.id = e.item_id \
         LEFT JOIN work_item_events p ON p.item_id = e.item_id AND p.seq = e.seq - 1 \
         WHERE w.kind <> 'dossier' AND e.seq > 1",
    )
    .fetch_all(app.store.reader())
    .await
    .unwrap();
    assert!(steps.len() > 20_000, "{}", steps.len());
    for r in &steps {
        let (kind, action, from, to) = (
            r.get::<String, _>("kind"),
            r.get::<String, _>("action"),
            r.get::<String, _>("from_state"),
            r.get::<String, _>("to_state"),
        );
        let spec = dieuhanh_core::workflow::kind(&kind)
            .and_then(|k| k.action(&action))
            .unwrap_or_else(|| panic!("{kind} {action}"));
        assert!(
            spec.from.contains(&from.as_str()) && spec.to == to,
            "{kind} {action}: {from} -> {to}"
        );
        assert_eq!(r.get::<Option<String>, _>("previous"), Some(from));
    }
    assert_eq!(
        number(
            &app,
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM work_item_events e JOIN work_items w ON w.id = e.item_id \
             WHERE e.unit_id <> w.unit_id"
        )
        .await,
        0,
        "events live on their item's unit"
    );
    assert_eq!(
        number(
            &app,
            "SELECT CAST(COUNT(DISTINCT public_id) AS BIGINT) AS n FROM citizen_reports"
        )
        .await,
        citizen
    );
    assert_eq!(
        number(
            &app,
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM citizen_reports WHERE lat IS NOT NULL AND lon IS NOT NULL"
        )
        .await,
        citizen,
        "every citizen report is located"
    );
    // Closed exactly when finished.
    for (kind, finished) in [
        ("citizen_report", "'resolved', 'rejected'"),
        ("task", "'done', 'cancelled'"),
        ("report", "'submitted', 'accepted'"),
        ("obstacle", "'accepted', 'withdrawn'"),
    ] {
        let wrong = format!(
            "(w.closed_on IS NULL AND w.state IN ({finished})) OR (w.closed_on IS NOT NULL AND w.state NOT IN ({finished}))"
        );
        assert_eq!(items(&app, kind, &wrong).await, 0, "{kind}");
    }

    // The mix of states: most handled on time, some late, a few reopened, the newest
    // still open; some overdue work as on any morning.
    let today_text = today.to_string();
    let open_overdue = format!("w.closed_on IS NULL AND w.due_date < '{today_text}'");
    let late = "w.closed_on IS NOT NULL AND w.closed_on > w.due_date";
    let on_time = "w.closed_on IS NOT NULL AND w.closed_on <= w.due_date";
    let reopened =
        "EXISTS (SELECT 1 FROM work_item_events e WHERE e.item_id = w.id AND e.action = 'reopen')";
    let resolved = items(&app, "citizen_report", "w.state = 'resolved'").await;
    assert!(resolved as f64 > 0.7 * citizen as f64, "{resolved}");
    assert!(items(&app, "citizen_report", "w.state = 'rejected'").await > 0);
    let resolved_late = items(&app, "citizen_report", late).await;
    assert!(
        resolved_late > 0 && (resolved_late as f64) < 0.2 * citizen as f64,
        "{resolved_late}"
    );
    assert!(items(&app, "citizen_report", reopened).await > 0);
    assert!(items(&app, "citizen_report", "w.closed_on IS NULL").await > 0);
    let done_on_time = items(&app, "task", on_time).await;
    let done_late = items(&app, "task", late).await;
    assert!(
        done_on_time > 2 * done_late && done_late > 0,
        "{done_on_time} {done_late}"
    );
    assert!(items(&app, "task", &open_overdue).await > 0);
    assert!(items(&app, "task", "w.assignee_id IS NOT NULL").await > tasks / 2);
    let submitted_on_time = items(&app, "report", on_time).await;
    assert!(
        submitted_on_time as f64 > 0.4 * reports as f64,
        "{submitted_on_time}"
    );
    assert!(items(&app, "report", late).await > 0);
    assert!(items(&app, "report", &open_overdue).await > 0);
    assert!(items(&app, "obstacle", "w.state = 'accepted'").await > 0);
    assert!(items(&app, "obstacle", "w.state = 'answered'").await > 0);
    assert!(items(&app, "obstacle", "w.closed_on IS NULL").await > 0);
    // Citizens report in office hours and at other times.
    let instants = sqlx::query("SELECT requested_at_us FROM citizen_reports")
        .fetch_all(app.store.reader())
        .await
        .unwrap();
    let outside = instants
        .iter()
        .filter(|r| {
            let at = r.get::<i64, _>("requested_at_us");
            let minutes = ((at / 60_000_000) + 7 * 60).rem_euclid(24 * 60);
            !(450..1020).contains(&minutes)
        })
        .count();
    assert!(
        outside > instants.len() / 10 && outside < instants.len() / 2,
        "{outside} of {} outside office hours",
        instants.len()
    );

    // The ward's desk carries on: the next code of today follows the generated ones, and
    // new records get fresh ids.
    let last_generated = number(&app, "SELECT MAX(id) AS n FROM work_items").await;
    let last_directive = number(&app, "SELECT MAX(id) AS n FROM directives").await;
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
    assert!(id > last_generated, "a fresh id after the generated ones");
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
    dieuhanh_store::citizen_tallies::rebuild(&app.store)
        .await
        .unwrap();
    app.assert_statistics_tallied().await;

    // The cockpit counts the generated work; a new directive and a new citizen report
    // get fresh ids.
    let (status, cockpit) = app.api_get(Some(&leader), "/api/v1/cockpit").await;
    assert_eq!(status, 200, "{cockpit}");
    assert_eq!(cockpit["total"], 168);
    assert!(cockpit["totals"]["open"].as_i64().unwrap() > 0, "{cockpit}");
    assert!(
        cockpit["totals"]["overdue"].as_i64().unwrap() > 0,
        "{cockpit}"
    );
    let (status, body) = app
        .api_post(
            &leader,
            "/api/v1/directives",
            serde_json::json!({
                "doc_number": "9999/UBND-VX", "doc_date": common::vn_day(0), "signer": "Lãnh đạo",
                "title": "Việc mới sau dữ liệu sinh", "summary": "", "due_date": common::day(20),
                "units": ["26743", "26740"],
            }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(body["id"].as_i64().unwrap() > last_directive, "{body}");
    let new_tasks = items(
        &app,
        "task",
        &format!("w.directive_id = {} AND w.id > {id}", body["id"]),
    )
    .await;
    assert_eq!(new_tasks, 2);
    let (status, _) = app.api_get(Some(&leader), "/api/v1/reports").await;
    assert_eq!(status, 200);
    let root = dieuhanh_store::units::root(&app.store).await.unwrap();
    let mut tx = app.store.begin().await.unwrap();
    dieuhanh_store::citizen::add_key(&mut tx, "Kiểm thử", "generate-key", None, root.id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let r = reqwest::Client::new()
        .post(app.url("/open311/v2/requests.json"))
        .form(&[
            ("api_key", "generate-key"),
            ("service_code", "TTDT-01"),
            ("lat", "10.7725"),
            ("long", "106.6980"),
            ("description", "Lấn chiếm vỉa hè trước chợ"),
        ])
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let created: serde_json::Value = r.json().await.unwrap();
    assert_eq!(status, 200, "{created}");
    let public_id = created[0]["service_request_id"].as_str().unwrap();
    let item: i64 = public_id.rsplit('-').next().unwrap().parse().unwrap();
    assert!(item > id, "{public_id}");
    assert_eq!(
        app.store.count_rows("citizen_reports").await.unwrap(),
        citizen + 1
    );

    // The same seed gives the same city.
    let again = TestApp::spawn().await;
    let written_again = generate(&again.store, &keys, &calendar, &plan, |_, _| {})
        .await
        .unwrap();
    // A later run only adds what arrived today in between.
    assert!(written_again >= written, "{written_again} {written}");
    let (first, second) = (
        history(&app, started_us).await,
        history(&again, started_us).await,
    );
    assert!(first.len() > 30_000, "{}", first.len());
    assert!(first == second, "the same history for the same seed");
    let dossiers = |app: &TestApp| {
        let sql = "SELECT code, procedure_code, unit_id, received_at_us FROM dossiers \
                   WHERE received_at_us < $1 ORDER BY code";
        let midnight = dieuhanh_web::synthetic::local_us(today, 0).unwrap();
        let reader = app.store.reader().clone();
        async move {
            sqlx::query(sql)
                .bind(midnight)
                .fetch_all(&reader)
                .await
                .unwrap()
                .iter()
                .map(|r| {
                    format!(
                        "{}|{}|{}|{}",
                        r.get::<String, _>("code"),
                        r.get::<String, _>("procedure_code"),
                        r.get::<i64, _>("unit_id"),
                        r.get::<i64, _>("received_at_us")
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let (first, second) = (dossiers(&app).await, dossiers(&again).await);
    assert!(first.len() > 1_000);
    assert!(first == second, "the same dossiers for the same seed");
}
