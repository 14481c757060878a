//! The real binary, killed with SIGKILL mid-flight.

use crate::helpers::{free_port, signature, Backend, MailSink, TestApp, TestDb};
use crate::on_both_backends;
use crate::process::serve_process;

on_both_backends!(acknowledged_signatures_and_queued_mail_survive_kill_9);

async fn acknowledged_signatures_and_queued_mail_survive_kill_9(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    // The mail relay is down while people sign.
    let smtp_port = free_port();
    let (app, server) = serve_process(db, MailSink::start().await, smtp_port).await;
    let slug = app.petition("Crash proof").await;
    for i in 0..5 {
        let response = app
            .sign(&slug, &signature(&format!("durable{i}@example.com")))
            .await;
        assert_eq!(response.status(), 303);
    }

    server.kill_9().await;

    // Restarted, with the relay back: every queued email goes out, and every
    // acknowledged signature can be confirmed.
    let relay = MailSink::start_on(smtp_port).await;
    let TestApp { db, .. } = app;
    let (app, _server) = serve_process(db, relay.clone(), smtp_port).await;
    for i in 0..5 {
        let mails = relay.wait_for(&format!("durable{i}@example.com"), 1).await;
        let link = mails[0].link_containing("/signatures/confirm/");
        let path = &link[link.find("/signatures/").unwrap()..];
        assert_eq!(app.confirm(&app.url(path)).await.status, 200);
    }
    assert_eq!(app.count(&slug).await, 5);
}
