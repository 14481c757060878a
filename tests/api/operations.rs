use crate::app_tests;
use crate::helpers::{signature, TestApp};

app_tests!(
    health_reports_the_database,
    oversized_bodies_are_refused_with_413,
    unknown_pages_are_404_html,
    pages_cannot_be_framed,
);

async fn health_reports_the_database(app: TestApp) {
    let (status, json) = app.get_json("/health").await;
    assert_eq!(status, 200);
    assert_eq!(json["status"], "ok", "{json}");
    assert_eq!(json["database"], "ok", "{json}");
    assert_eq!(json["email"], "ok", "{json}");
    assert_eq!(json["workers"], "ok", "{json}");
}

async fn oversized_bodies_are_refused_with_413(app: TestApp) {
    let slug = app.petition("Big bodies").await;
    let mut form = signature("big@example.com");
    form.insert("comment", "x".repeat(400 * 1024));
    let response = app.sign(&slug, &form).await;
    assert_eq!(response.status(), 413);
    let response = app
        .client
        .post(app.url(&format!("/api/v1/petitions/{slug}/signatures")))
        .header("content-type", "application/json")
        .body(format!("{{\"name\":\"{}\"}}", "x".repeat(400 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

async fn unknown_pages_are_404_html(app: TestApp) {
    for path in [
        "/nope",
        "/petitions/does-not-exist",
        "/petitions/does-not-exist/signed",
        "/petitions/nul%00byte",
        "/petitions/%F0%9F%98%80",
        "/petitions/does-not-exist/signed/x",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.body.contains("Page not found"));
    }
    // Odd bytes in a search are no error either.
    assert_eq!(app.get("/?q=nul%00byte").await.status, 200);
    let (status, json) = app.get_json("/api/v1/petitions?q=%00").await;
    assert_eq!(status, 200, "{json}");
    let (status, _) = app.get_json("/api/v1/petitions/nul%00byte").await;
    assert_eq!(status, 404);
}

async fn pages_cannot_be_framed(app: TestApp) {
    let response = app.get_response("/").await;
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
}

/// SQLite's write-ahead log is emptied after a burst, instead of staying
/// at its high-water mark beside the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_log_is_emptied_after_a_burst() {
    let Some(app) = crate::helpers::spawn_app_with_settings(crate::helpers::Backend::Sqlite, |s| {
        s.limits.enabled = false
    })
    .await
    else {
        return;
    };
    let slug = app.petition("A busy petition").await;
    let url = app.url(&format!("/api/v1/petitions/{slug}/signatures"));
    let mut burst = tokio::task::JoinSet::new();
    for worker in 0..8 {
        let (client, url) = (app.client.clone(), url.clone());
        burst.spawn(async move {
            for n in 0..150 {
                let body = serde_json::json!({
                    "name": "Burst Signer",
                    "email": format!("burst-{worker}-{n}@example.com"),
                    "country": "KR",
                    "comment": "x".repeat(300),
                });
                let response = client.post(&url).json(&body).send().await.unwrap();
                assert_eq!(response.status(), 202);
            }
        });
    }
    while let Some(done) = burst.join_next().await {
        done.unwrap();
    }
    let wal = format!("{}-wal", app.db.url().trim_start_matches("sqlite://"));
    let size = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    for _ in 0..50 {
        if size() < 1024 * 1024 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("the log is still {} bytes", size());
}
