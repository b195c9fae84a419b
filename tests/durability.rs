//! An acknowledged write survives `kill -9` of the server: the real binary is started,
//! a change is acknowledged over HTTP, the process is killed without warning, and the
//! change is found in the database afterwards.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

fn dieuhanh(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dieuhanh"))
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env("DIEUHANH_LOG", "error")
        .env("DIEUHANH_SECRET_KEY", "11".repeat(32))
        .env("DIEUHANH_NEW_PASSWORD", "durable password")
        .output()
        .expect("run dieuhanh")
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_minus_nine() {
    let (url, _backend) = common::fresh_database().await;
    assert!(dieuhanh(&url, &["init"]).status.success());
    let added = dieuhanh(
        &url,
        &[
            "user",
            "add",
            "--username",
            "clerk",
            "--full-name",
            "Lưu Bền",
            "--role",
            "unit_officer",
            "--unit",
            "26743",
        ],
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_dieuhanh"))
        .args(["--database-url", &url, "serve", "--addr", &addr])
        .env("DIEUHANH_LOG", "error")
        .env("DIEUHANH_SECRET_KEY", "11".repeat(32))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start server");
    let client = reqwest::Client::new();
    let mut up = false;
    for _ in 0..100 {
        if client
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "server did not start");

    let mut acknowledged = 0;
    let mut token = String::new();
    for i in 0..5 {
        let r = client
            .post(format!("http://{addr}/api/v1/auth/login"))
            .json(&serde_json::json!({"username": "clerk", "password": "durable password", "label": format!("token {i}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let body: serde_json::Value = r.json().await.unwrap();
        token = body["token"].as_str().unwrap().to_string();
        acknowledged += 1;
    }
    // Dossiers filed at once share group commits: each acknowledged one is on disk too.
    let mut filings = tokio::task::JoinSet::new();
    for i in 0..12 {
        let (client, addr, token) = (client.clone(), addr.clone(), token.clone());
        filings.spawn(async move {
            let r = client
                .post(format!("http://{addr}/api/v1/dossiers"))
                .bearer_auth(token)
                .json(&serde_json::json!({"procedure": "2.000884",
                    "applicant": {"name": "Người Bền", "identity": format!("0792010{i:05}"), "phone": "0901112223"},
                    "documents_handed_in": [0]}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 201);
        });
    }
    let mut filed = 0;
    while let Some(done) = filings.join_next().await {
        done.unwrap();
        filed += 1;
    }
    // SIGKILL: no shutdown, no flush.
    server.kill().unwrap();
    server.wait().unwrap();

    let store = dieuhanh_store::Store::connect(&url).await.unwrap();
    assert_eq!(store.count_rows("api_tokens").await.unwrap(), acknowledged);
    assert_eq!(store.count_rows("dossiers").await.unwrap(), filed);
    store.close().await;
    let verify = dieuhanh(&url, &["audit", "verify"]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}
