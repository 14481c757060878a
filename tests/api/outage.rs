//! The database going away: quick 503s instead of hanging requests, and
//! recovery without a restart.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use serde_json::json;

use crate::helpers::{spawn_app, Backend, TestApp, TestDb};

/// Refuses new connections to the app's database and cuts the open ones,
/// as a stopped server would; `false` lets connections in again.
fn cut_postgres(app: &TestApp, down: bool) {
    let TestDb::Postgres {
        admin_url, name, ..
    } = &app.db
    else {
        unreachable!("a PostgreSQL test database")
    };
    let mut admin = PgConnection::establish(admin_url).unwrap();
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {name} ALLOW_CONNECTIONS {}",
            !down
        ))
        .unwrap();
    if down {
        admin
            .batch_execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            ))
            .unwrap();
    }
}

// PostgreSQL only: an embedded SQLite file cannot go away under a
// running process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_answer_503_while_postgresql_is_down_and_recover_by_themselves() {
    let Some(app) = spawn_app(Backend::Postgres).await else {
        return;
    };
    let slug = app.petition("Outage").await;
    let sign_path = format!("/api/v1/petitions/{slug}/signatures");
    let body =
        |email: &str| json!({"name": "Jane Doe", "email": email, "country": "DE", "public": false});
    // Bounds how long a request may take: a dead database must not hang
    // it (the pool used to wait 10 s for a connection).
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    cut_postgres(&app, true);

    let response = impatient
        .post(app.url(&sign_path))
        .json(&body("during@example.com"))
        .send()
        .await
        .expect("an answer, not a hang");
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    let error: serde_json::Value = response.json().await.unwrap();
    assert_eq!(error["error"]["code"], "unavailable", "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("The service is briefly unavailable"),
        "{error}"
    );

    let page = impatient
        .get(app.url(&format!("/petitions/{slug}")))
        .send()
        .await
        .expect("an answer, not a hang");
    assert_eq!(page.status(), 503);
    assert!(page.headers().contains_key("retry-after"));
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("The service is briefly unavailable"));

    cut_postgres(&app, false);

    // The pool drops the dead connections and opens new ones by itself.
    let mut status = 0;
    for _ in 0..50 {
        status = impatient
            .post(app.url(&sign_path))
            .json(&body("after@example.com"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        if status == 202 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(status, 202, "signing did not recover");
    assert_eq!(app.get(&format!("/petitions/{slug}")).await.status, 200);
}
