//! What the server keeps about people outside the database: its log.

use std::process::Stdio;
use std::time::Duration;

use crate::helpers::{free_port, signature, Backend, MailSink, TestApp, TestDb};
use crate::on_both_backends;

on_both_backends!(
    link_tokens_and_queries_never_reach_the_log,
    json_log_lines_are_bounded_and_client_mistakes_are_not_errors,
);

/// `undersigned serve` as its own process with debug logging, its stderr
/// written to `log`.
async fn serve_logging_to(
    db: TestDb,
    mail: MailSink,
    log: &std::path::Path,
    workdir: &std::path::Path,
    env: &[(&str, &str)],
) -> (TestApp, tokio::process::Child) {
    let port = free_port();
    let address = format!("http://127.0.0.1:{port}");
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .arg("serve")
        .current_dir(workdir)
        .env_remove("UNDERSIGNED_ENV")
        .env("DATABASE_URL", db.url())
        .env("UNDERSIGNED__SERVER__PORT", port.to_string())
        .env("UNDERSIGNED__SERVER__PUBLIC_URL", &address)
        .env("UNDERSIGNED__EMAIL__TRANSPORT", "smtp")
        .env(
            "UNDERSIGNED__EMAIL__SMTP_URL",
            format!("smtp://127.0.0.1:{}", mail.port()),
        )
        .env(
            "UNDERSIGNED__SECURITY__SECRET_KEY",
            "process-test-secret-key-0123456789abcdef",
        )
        // As chatty as the server gets.
        .env("RUST_LOG", "debug")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .kill_on_drop(true)
        .spawn()
        .expect("start undersigned serve");
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

async fn link_tokens_and_queries_never_reach_the_log(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let workdir = tempfile::tempdir().unwrap();
    let log = workdir.path().join("server.log");
    let (app, mut server) =
        serve_logging_to(db, MailSink::start().await, &log, workdir.path(), &[]).await;

    let slug = app.petition("Quiet logs").await;
    assert_eq!(
        app.sign(&slug, &signature("private@example.com"))
            .await
            .status(),
        303
    );
    let link = app.confirmation_link("private@example.com", 1).await;
    let token = link.rsplit('/').next().unwrap().to_owned();
    assert_eq!(app.confirm(&link).await.status, 200);
    assert_eq!(app.confirm(&link).await.status, 200); // "already confirmed"
                                                      // Failures are where paths used to be logged.
    let bogus = "bogusTokenThatMustNotBeLogged0123456789";
    assert_eq!(
        app.get(&format!(
            "/signatures/confirm/{bogus}?utm_source=secretQueryValue"
        ))
        .await
        .status,
        404
    );
    assert_eq!(
        app.get(&format!("/signatures/withdraw/{bogus}"))
            .await
            .status,
        404
    );
    assert_eq!(app.get("/?q=privateSearchTerm").await.status, 200);

    server.start_kill().unwrap();
    server.wait().await.unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    // The requests were logged, by route.
    assert!(
        text.contains("route=/signatures/confirm/{token}"),
        "no request log line names the route:\n{text}"
    );
    for secret in [
        token.as_str(),
        bogus,
        "secretQueryValue",
        "privateSearchTerm",
    ] {
        assert!(
            !text.contains(secret),
            "{secret:?} reached the server log:\n{text}"
        );
    }
}

async fn json_log_lines_are_bounded_and_client_mistakes_are_not_errors(backend: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let workdir = tempfile::tempdir().unwrap();
    let log = workdir.path().join("server.log");
    let (app, mut server) = serve_logging_to(
        db,
        MailSink::start().await,
        &log,
        workdir.path(),
        &[("UNDERSIGNED__LOG__FORMAT", "json")],
    )
    .await;

    // A long unknown address, an anonymous dashboard visit, a bad form.
    let long = format!("/{}", "a".repeat(60_000));
    assert_eq!(app.get(&long).await.status, 404);
    // A link that is not valid: its response names the request's id.
    let refused = app
        .get_response("/signatures/confirm/notAToken?ref=secretRefValue")
        .await;
    assert_eq!(refused.status(), 404);
    let request_id = refused
        .headers()
        .get("x-request-id")
        .expect("an X-Request-Id header")
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(request_id.len(), 36, "{request_id}");
    assert_eq!(app.get_response("/dashboard").await.status(), 303);
    assert_eq!(
        app.post_form("/login", &[("csrf_token", "forged")])
            .await
            .status(),
        403
    );
    // A malformed header line, which actix-http itself refuses.
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut raw = tokio::net::TcpStream::connect(&address).await.unwrap();
    raw.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nNot a header\r\n\r\n")
        .await
        .unwrap();
    let mut answer = [0u8; 12];
    raw.read_exact(&mut answer).await.unwrap();
    assert_eq!(&answer, b"HTTP/1.1 400");

    server.start_kill().unwrap();
    server.wait().await.unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.is_empty());
    // The 4xx is logged with its route pattern, status and id, not its URL.
    let refusal = text
        .lines()
        .find(|line| line.contains(&request_id) && line.contains("refused"))
        .unwrap_or_else(|| panic!("no line for request {request_id}:\n{text}"));
    let event: serde_json::Value = serde_json::from_str(refusal).unwrap();
    assert_eq!(event["level"], "INFO", "{refusal}");
    assert!(refusal.contains("/signatures/confirm/{token}"), "{refusal}");
    assert!(refusal.contains("404"), "{refusal}");
    assert!(
        !refusal.contains("notAToken") && !refusal.contains("secretRefValue"),
        "{refusal}"
    );
    for line in text.lines() {
        assert!(line.len() <= 4096, "a line of {} bytes", line.len());
        let event: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_ne!(event["level"], "ERROR", "{line}");
        assert!(
            !line.contains("aaaaaaaaaa"),
            "the address reached the log: {line}"
        );
    }
}
