//! The real binary, killed with SIGKILL mid-flight.

use std::process::Stdio;
use std::time::Duration;

use crate::helpers::{free_port, signature, Backend, MailSink, TestApp, TestDb};
use crate::on_both_backends;

on_both_backends!(acknowledged_signatures_and_queued_mail_survive_kill_9);

/// Starts `undersigned serve` as its own process, configured only through
/// the environment, and waits until it answers.
async fn serve_process(
    db: TestDb,
    mail: MailSink,
    smtp_port: u16,
) -> (TestApp, tokio::process::Child) {
    let port = free_port();
    let address = format!("http://127.0.0.1:{port}");
    let workdir = tempfile::tempdir().unwrap();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .arg("serve")
        .current_dir(workdir.path())
        .env("DATABASE_URL", db.url())
        .env("UNDERSIGNED__SERVER__PORT", port.to_string())
        .env("UNDERSIGNED__SERVER__PUBLIC_URL", &address)
        .env("UNDERSIGNED__EMAIL__TRANSPORT", "smtp")
        .env(
            "UNDERSIGNED__EMAIL__SMTP_URL",
            format!("smtp://127.0.0.1:{smtp_port}"),
        )
        .env("UNDERSIGNED__EMAIL__RETRY_BASE_MS", "100")
        .env("UNDERSIGNED__EMAIL__RETRY_MAX_MS", "500")
        .env(
            "UNDERSIGNED__SECURITY__SECRET_KEY",
            "process-test-secret-key-0123456789abcdef",
        )
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start undersigned serve");
    // The work dir only holds what the server may write; keep it alive
    // with the process.
    std::mem::forget(workdir);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    for _ in 0..200 {
        if client.get(format!("{address}/health")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (
        TestApp {
            address,
            client,
            mail,
            db,
        },
        child,
    )
}

async fn acknowledged_signatures_and_queued_mail_survive_kill_9(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    // The mail relay is down while people sign.
    let smtp_port = free_port();
    let (app, mut server) = serve_process(db, MailSink::start().await, smtp_port).await;
    let slug = app.petition("Crash proof").await;
    for i in 0..5 {
        let response = app
            .sign(&slug, &signature(&format!("durable{i}@example.com")))
            .await;
        assert_eq!(response.status(), 303);
    }

    server.start_kill().unwrap(); // SIGKILL: no shutdown code runs
    server.wait().await.unwrap();

    // Restarted, with the relay back: every queued email goes out, and every
    // acknowledged signature can be confirmed.
    let relay = MailSink::start_on(smtp_port).await;
    let TestApp { db, .. } = app;
    let (app, _server) = serve_process(db, relay.clone(), smtp_port).await;
    for i in 0..5 {
        let mails = relay.wait_for(&format!("durable{i}@example.com"), 1).await;
        let link = mails[0].link_containing("/signatures/confirm/");
        let path = &link[link.find("/signatures/").unwrap()..];
        assert_eq!(app.get(path).await.status, 200);
    }
    assert_eq!(app.count(&slug).await, 5);
}
