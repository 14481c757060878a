//! The signing pipeline under a burst and against relays that misbehave:
//! every acknowledged signature gets its email, once.

use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};
use serde_json::json;

use crate::helpers::{free_port, spawn_configured, Backend, MailSink, TestApp};
use crate::on_both_backends;
use crate::smtp::SilentRelay;

on_both_backends!(
    a_burst_of_5000_signatures_gets_every_email_exactly_once,
    mail_flows_again_after_a_relay_that_never_answers_recovers,
    one_hung_send_does_not_hold_back_the_others,
    health_reports_mail_waiting_on_a_relay_that_refuses_connections,
    health_probes_an_idle_relay,
);

/// Signs `emails` through the API with `clients` requests in flight, and
/// asserts that each was acknowledged.
async fn sign_all(app: &TestApp, slug: &str, emails: Vec<String>, clients: usize) {
    let path = format!("/api/v1/petitions/{slug}/signatures");
    let statuses: Vec<u16> = stream::iter(emails)
        .map(|email| {
            let body = json!({"name": "Burst Signer", "email": email, "country": "KR",
                              "public": false, "updates": false});
            let path = path.clone();
            async move { app.post_json(&path, &body).await.status().as_u16() }
        })
        .buffer_unordered(clients)
        .collect()
        .await;
    let refused: Vec<_> = statuses.iter().filter(|s| **s != 202).collect();
    assert!(refused.is_empty(), "not acknowledged: {refused:?}");
}

/// Waits until `sink` has received mail for `n` distinct recipients.
async fn wait_for_recipients(sink: &MailSink, n: usize, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let got = sink.per_recipient().len();
        if got >= n {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "only {got} of {n} recipients got mail within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn assert_each_once(sink: &MailSink) {
    let twice: Vec<_> = sink
        .per_recipient()
        .into_iter()
        .filter(|(_, n)| *n != 1)
        .collect();
    assert!(twice.is_empty(), "received more than once: {twice:?}");
}

async fn a_burst_of_5000_signatures_gets_every_email_exactly_once(backend: Backend) {
    const SIGNERS: usize = 5_000;
    // A relay with Python smtpd's listen queue of 5: under a burst some
    // connections are "open" to the client but never served.
    let sink = MailSink::start_with(0, 5, 0).await;
    let port = sink.port();
    let Some(app) = spawn_configured(backend, sink.clone(), port, |settings| {
        settings.limits.enabled = false;
        settings.email.send_timeout_ms = 5_000;
    })
    .await
    else {
        return;
    };
    let slug = app.petition("Viral").await;
    let started = Instant::now();
    let emails = (0..SIGNERS)
        .map(|i| format!("burst{i}@example.com"))
        .collect();
    sign_all(&app, &slug, emails, 16).await;
    let remaining = Duration::from_secs(60).saturating_sub(started.elapsed());
    wait_for_recipients(&sink, SIGNERS, remaining).await;
    // Nothing more trickles in later.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_each_once(&sink);
    assert_eq!(sink.all().len(), SIGNERS);
}

async fn mail_flows_again_after_a_relay_that_never_answers_recovers(backend: Backend) {
    let port = free_port();
    let silent = SilentRelay::start_on(port).await;
    let Some(app) = spawn_configured(backend, MailSink::start().await, port, |settings| {
        settings.email.send_timeout_ms = 1_000;
        settings.email.max_due_age_s = 1;
    })
    .await
    else {
        return;
    };
    let slug = app.petition("Stuck relay").await;
    let emails: Vec<String> = (0..20).map(|i| format!("stuck{i}@example.com")).collect();
    sign_all(&app, &slug, emails.clone(), 4).await;

    // The relay swallows every send: health says email is delayed.
    let mut unhealthy = None;
    for _ in 0..100 {
        let (status, body) = app.get_json("/health").await;
        if status == 503 {
            unhealthy = Some(body);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let body = unhealthy.expect("/health turns 503 while email is stuck");
    assert_eq!(body["email"], "delayed", "{body}");
    assert_eq!(body["database"], "ok", "{body}");

    // The relay comes back on the same port.
    silent.stop().await;
    let relay = MailSink::start_on(port).await;
    wait_for_recipients(&relay, emails.len(), Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_each_once(&relay);

    let mut recovered = false;
    for _ in 0..50 {
        if app.get_json("/health").await.0 == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(recovered, "/health is 200 again once mail flows");
}

async fn one_hung_send_does_not_hold_back_the_others(backend: Backend) {
    // The relay's first connection is accepted and never answered; the
    // send on it waits for the (long) timeout.
    let sink = MailSink::start_with(0, 1024, 1).await;
    let port = sink.port();
    let Some(app) = spawn_configured(backend, sink.clone(), port, |settings| {
        settings.email.send_timeout_ms = 120_000;
    })
    .await
    else {
        return;
    };
    let slug = app.petition("One slow send").await;
    let first: Vec<String> = (0..10).map(|i| format!("early{i}@example.com")).collect();
    sign_all(&app, &slug, first, 10).await;
    wait_for_recipients(&sink, 9, Duration::from_secs(15)).await;

    // Mail signed after the hang began still goes out while it lasts.
    let later: Vec<String> = (0..20).map(|i| format!("later{i}@example.com")).collect();
    sign_all(&app, &slug, later.clone(), 4).await;
    for email in &later {
        sink.wait_for(email, 1).await;
    }
    assert!(sink.all().len() >= 29);
}

async fn health_reports_mail_waiting_on_a_relay_that_refuses_connections(backend: Backend) {
    // Nothing listens on the relay's port: every send fails at once and is
    // retried, so the email is never "due" for long at a time, but it has
    // been waiting since it was queued.
    let port = free_port();
    let Some(app) = spawn_configured(backend, MailSink::start().await, port, |settings| {
        settings.email.max_due_age_s = 1;
    })
    .await
    else {
        return;
    };
    let slug = app.petition("Refused").await;
    sign_all(&app, &slug, vec!["refused@example.com".into()], 1).await;
    let mut unhealthy = None;
    for _ in 0..100 {
        let (status, body) = app.get_json("/health").await;
        if status == 503 {
            unhealthy = Some(body);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let body = unhealthy.expect("/health turns 503 while the relay refuses");
    assert_eq!(body["email"], "delayed", "{body}");
    // The failed sends say why, without the address.
    assert_eq!(body["email_relay"]["transport"], "smtp", "{body}");
    assert_eq!(body["email_relay"]["state"], "failing", "{body}");
    let error = body["email_relay"]["error"].as_str().unwrap_or_default();
    assert!(error.contains("onnection"), "{body}");
    assert!(!error.contains("refused@"), "{body}");

    let relay = MailSink::start_on(port).await;
    relay.wait_for("refused@example.com", 1).await;
    for _ in 0..50 {
        let (status, body) = app.get_json("/health").await;
        if status == 200 {
            assert_eq!(body["email_relay"]["state"], "ok", "{body}");
            assert!(body["email_relay"].get("error").is_none(), "{body}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("/health stays 503 after the mail went out");
}

/// With no mail sent lately, `/health` asks the relay itself: a relay that
/// is down shows as failing before any signer's email is held up by it,
/// and the instance stays healthy while nothing waits.
async fn health_probes_an_idle_relay(backend: Backend) {
    let port = free_port();
    let Some(app) = spawn_configured(backend, MailSink::start().await, port, |_| {}).await else {
        return;
    };
    let (status, body) = app.get_json("/health").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["email"], "ok", "{body}");
    assert_eq!(body["email_relay"]["state"], "failing", "{body}");
    assert!(body["email_relay"]["error"].as_str().is_some(), "{body}");

    // The default test app has a relay that answers.
    let Some(app) = crate::helpers::spawn_app(backend).await else {
        return;
    };
    let (status, body) = app.get_json("/health").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["email_relay"]["state"], "ok", "{body}");
    assert_eq!(body["email_relay"]["transport"], "smtp", "{body}");
}
