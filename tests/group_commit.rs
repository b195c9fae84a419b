//! Writes that arrive together share a commit (SQLite's writer thread): each is still
//! acknowledged only once it is durable, and one that fails or panics is undone alone.

mod common;

use common::{TestApp, fresh_database};
use dieuhanh_store::{Store, StoreError};
use tokio::task::JoinSet;

#[derive(Debug)]
enum Outcome {
    Failed,
    Store(StoreError),
}

impl From<StoreError> for Outcome {
    fn from(e: StoreError) -> Self {
        Outcome::Store(e)
    }
}

async fn insert(tx: &mut dieuhanh_store::Tx, id: i64) -> Result<(), Outcome> {
    sqlx::query("INSERT INTO group_commit_probe (id) VALUES ($1)")
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(StoreError::from)?;
    Ok(())
}

async fn probe_ids(store: &Store) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM group_commit_probe ORDER BY id")
        .fetch_all(store.reader())
        .await
        .expect("read probe rows")
}

#[tokio::test]
async fn a_failing_or_panicking_write_is_undone_alone_and_the_rest_commit() {
    let (url, _backend) = fresh_database().await;
    let store = Store::connect(&url).await.expect("connect");
    store
        .execute_admin("CREATE TABLE group_commit_probe (id BIGINT PRIMARY KEY)")
        .await
        .expect("create probe table");
    let mut writes = JoinSet::new();
    for id in 0..60_i64 {
        let store = store.clone();
        writes.spawn(async move {
            let result = store
                .write(move |tx| {
                    Box::pin(async move {
                        insert(tx, id).await?;
                        match id % 3 {
                            0 => Err(Outcome::Failed),
                            1 if id % 2 == 1 => panic!("a write job that panics"),
                            _ => Ok(id),
                        }
                    })
                })
                .await;
            // Acknowledged means visible to every reader from now on.
            if let Ok(id) = result {
                assert!(probe_ids(&store).await.contains(&id), "{id} acknowledged");
            }
            (id, result)
        });
    }
    let mut committed = Vec::new();
    while let Some(joined) = writes.join_next().await {
        let (id, result) = joined.expect("the caller never sees the job's panic");
        match result {
            Ok(got) => committed.push(got),
            Err(Outcome::Failed) => assert_eq!(id % 3, 0),
            Err(Outcome::Store(e)) => assert_eq!((id % 3, id % 2), (1, 1), "{id}: {e}"),
        }
    }
    committed.sort();
    let expected: Vec<i64> = (0..60)
        .filter(|id| id % 3 == 2 || (id % 3 == 1 && id % 2 == 0))
        .collect();
    assert_eq!(committed, expected);
    assert_eq!(probe_ids(&store).await, expected);

    // A job that breaks a constraint fails with the database's error, alone.
    let again = store
        .write(|tx| Box::pin(async move { insert(tx, 2).await }))
        .await;
    assert!(matches!(again, Err(Outcome::Store(StoreError::Db(_)))));
    store
        .write(|tx| Box::pin(async move { insert(tx, 1_000).await }))
        .await
        .expect("the next write commits");
    assert_eq!(probe_ids(&store).await.len(), expected.len() + 1);
    store.close().await;
}

/// Many officers filing at once through the API: every dossier gets its own code from
/// the day's sequence, each start applies once, an impossible action in the middle of
/// them is refused without touching the others, and the audit chain holds.
#[tokio::test]
async fn concurrent_intakes_and_actions_each_commit_once() {
    let app = TestApp::spawn().await;
    let desk = app.token("benthanh.canbo").await;
    let client = reqwest::Client::new();
    let mut intakes = JoinSet::new();
    for i in 0..24 {
        let (client, url, desk) = (client.clone(), app.url("/api/v1/dossiers"), desk.clone());
        intakes.spawn(async move {
            let body = serde_json::json!({"procedure": "2.000884",
                "applicant": {"name": "Người Nộp Cùng Lúc", "identity": format!("0792010{i:05}"), "phone": "0901112223"},
                "documents_handed_in": [0]});
            let r = client
                .post(url)
                .bearer_auth(desk)
                .json(&body)
                .send()
                .await
                .expect("intake sent");
            assert_eq!(r.status(), 201);
            let v: serde_json::Value = r.json().await.expect("json");
            (
                v["id"].as_i64().expect("id"),
                v["code"].as_str().expect("code").to_string(),
            )
        });
    }
    let mut filed = Vec::new();
    while let Some(joined) = intakes.join_next().await {
        filed.push(joined.expect("intake task"));
    }
    let mut codes: Vec<&str> = filed.iter().map(|(_, c)| c.as_str()).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 24, "each dossier has its own code");

    let mut actions = JoinSet::new();
    for (n, (id, _)) in filed.iter().enumerate() {
        // A received dossier cannot be approved before it is handled.
        let action = if n == 7 { "approve" } else { "start" };
        let url = app.url(&format!("/api/v1/dossiers/{id}/actions"));
        let (client, desk) = (client.clone(), desk.clone());
        actions.spawn(async move {
            let r = client
                .post(url)
                .bearer_auth(desk)
                .json(&serde_json::json!({"action": action}))
                .send()
                .await
                .expect("action sent");
            (action, r.status().as_u16())
        });
    }
    while let Some(joined) = actions.join_next().await {
        let (action, status) = joined.expect("action task");
        match action {
            "start" => assert_eq!(status, 200, "start"),
            _ => assert!((400..500).contains(&status), "approve refused: {status}"),
        }
    }
    for (n, (id, _)) in filed.iter().enumerate() {
        let (status, d) = app
            .api_get(Some(&desk), &format!("/api/v1/dossiers/{id}"))
            .await;
        assert_eq!(status, 200);
        let expected = if n == 7 { "received" } else { "in_progress" };
        assert_eq!(d["dossier"]["state"], expected, "dossier {id}");
    }
    let report = dieuhanh_store::audit::verify_all(&app.store, |_, _| {})
        .await
        .expect("verify");
    assert!(report.is_ok(), "the audit chain holds: {report:?}");
    app.assert_statistics_tallied().await;
}

/// Jobs queued while the writer is busy share the next commit; a job whose caller gave up
/// before the writer reached it is never run.
#[tokio::test]
async fn jobs_queued_behind_a_busy_writer_share_one_commit() {
    let (url, _backend) = fresh_database().await;
    if !url.starts_with("sqlite:") {
        return; // PostgreSQL runs each job in its own transaction.
    }
    let store = Store::connect(&url).await.expect("connect");
    store
        .execute_admin("CREATE TABLE group_commit_probe (id BIGINT PRIMARY KEY)")
        .await
        .expect("create probe table");
    let before = store.write_batches().expect("SQLite has a writer");
    // The first job holds the writer until the others are queued behind it.
    let (started, running) = tokio::sync::oneshot::channel::<()>();
    let (release, released) = tokio::sync::oneshot::channel::<()>();
    let holder = {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .write(move |tx| {
                    Box::pin(async move {
                        insert(tx, 0).await?;
                        let _ = started.send(());
                        let _ = released.await;
                        Ok::<_, Outcome>(())
                    })
                })
                .await
        })
    };
    running.await.expect("the first job runs");
    let mut queued = JoinSet::new();
    for id in 1..=10_i64 {
        let store = store.clone();
        queued.spawn(async move {
            store
                .write(move |tx| Box::pin(async move { insert(tx, id).await }))
                .await
        });
    }
    let abandoned = {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .write(move |tx| Box::pin(async move { insert(tx, 99).await }))
                .await
        })
    };
    // Let every caller reach the queue, then give one of them up.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    abandoned.abort();
    let _ = abandoned.await;
    release.send(()).expect("the first job waits");
    holder.await.expect("holder").expect("first job");
    while let Some(joined) = queued.join_next().await {
        joined.expect("queued task").expect("queued job");
    }
    assert_eq!(probe_ids(&store).await, (0..=10).collect::<Vec<_>>());
    assert_eq!(
        store.write_batches().expect("writer") - before,
        2,
        "the first job's commit, then one for the ten behind it"
    );
    store.close().await;
}
