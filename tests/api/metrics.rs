//! `/metrics`: Prometheus text for operators.

use crate::helpers::{free_port, signature, spawn_app_with, Backend, MailSink, TestApp};
use crate::{app_tests, on_both_backends};

app_tests!(
    metrics_count_signatures_and_requests_by_route,
    metrics_speak_the_classic_text_format_when_asked,
);
on_both_backends!(metrics_show_mail_waiting_while_the_relay_is_down);

impl TestApp {
    /// The `/metrics` text, checked to be served as OpenMetrics.
    async fn metrics(&self) -> String {
        let response = self.get_response("/metrics").await;
        assert_eq!(response.status(), 200);
        let content_type = response.headers()["content-type"].to_str().unwrap();
        assert!(
            content_type.starts_with("application/openmetrics-text"),
            "{content_type}"
        );
        response.text().await.unwrap()
    }
}

/// The value of the sample named exactly `series` (name and labels).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| {
        let (name, value) = line.rsplit_once(' ')?;
        (name == series).then(|| value.parse().unwrap())
    })
}

async fn metrics_count_signatures_and_requests_by_route(app: TestApp) {
    let slug = app.petition("Measured").await;
    for email in ["one@example.com", "two@example.com"] {
        assert_eq!(app.sign(&slug, &signature(email)).await.status(), 303);
    }
    let link = app.confirmation_link("one@example.com", 1).await;
    assert_eq!(app.confirm(&link).await.status, 200);
    app.confirmation_link("two@example.com", 1).await;
    assert_eq!(app.get("/no/such/page").await.status, 404);

    // Both emails went out; the worker marks them sent just after.
    let mut text = app.metrics().await;
    for _ in 0..100 {
        if sample(&text, "undersigned_email_outbox_depth") == Some(0.0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        text = app.metrics().await;
    }
    assert!(text.ends_with("# EOF\n"), "{text}");
    assert_eq!(
        sample(&text, r#"undersigned_signatures{state="pending"}"#),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, r#"undersigned_signatures{state="confirmed"}"#),
        Some(1.0),
        "{text}"
    );
    assert_eq!(sample(&text, "undersigned_database_up"), Some(1.0));
    assert_eq!(
        sample(&text, "undersigned_email_outbox_depth"),
        Some(0.0),
        "{text}"
    );
    assert_eq!(sample(&text, "undersigned_emails_failed"), Some(0.0));

    // Requests are counted under their route pattern, never their path.
    let page_views = sample(
        &text,
        r#"undersigned_http_requests_total{method="GET",route="/petitions/{slug}",status="2xx"}"#,
    )
    .unwrap_or_default();
    assert!(page_views >= 2.0, "{text}");
    assert_eq!(
        sample(
            &text,
            r#"undersigned_http_requests_total{method="GET",route="/signatures/confirm/{token}",status="2xx"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert!(text.contains(
        r#"undersigned_http_request_duration_seconds_count{method="GET",route="/signatures/confirm/{token}",status="2xx"} 1"#
    ));
    assert_eq!(
        sample(
            &text,
            r#"undersigned_http_requests_total{method="GET",route="unmatched",status="4xx"}"#
        ),
        Some(1.0),
        "{text}"
    );
    let token = link.rsplit('/').next().unwrap();
    assert!(!text.contains(token), "a token leaked into the metrics");
    assert!(!text.contains(&slug), "a path leaked into the metrics");
    assert!(
        !text.contains("no/such/page"),
        "a path leaked into the metrics"
    );
    for kind in ["temporary", "permanent"] {
        assert_eq!(
            sample(
                &text,
                &format!(r#"undersigned_email_send_failures_total{{kind="{kind}"}}"#)
            ),
            Some(0.0),
            "{text}"
        );
    }
}

async fn metrics_show_mail_waiting_while_the_relay_is_down(backend: Backend) {
    // Nothing listens on this port.
    let Some(app) = spawn_app_with(backend, MailSink::start().await, free_port()).await else {
        return;
    };
    let slug = app.petition("Waiting mail").await;
    for i in 0..3 {
        let response = app
            .sign(&slug, &signature(&format!("waiting{i}@example.com")))
            .await;
        assert_eq!(response.status(), 303);
    }
    let text = app.metrics().await;
    assert_eq!(
        sample(&text, "undersigned_email_outbox_depth"),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, r#"undersigned_signatures{state="pending"}"#),
        Some(3.0)
    );
    let age = sample(&text, "undersigned_email_oldest_due_age_seconds").unwrap();
    assert!(age >= 0.0, "{text}");

    // Each refused connection is a temporary failure, counted.
    let temporary = r#"undersigned_email_send_failures_total{kind="temporary"}"#;
    for _ in 0..100 {
        if sample(&app.metrics().await, temporary).unwrap_or(0.0) >= 3.0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("send failures were not counted: {}", app.metrics().await);
}

async fn metrics_speak_the_classic_text_format_when_asked(app: TestApp) {
    assert_eq!(app.get("/health").await.status, 200);
    let response = app
        .client
        .get(app.url("/metrics"))
        .header("Accept", "text/plain;version=0.0.4")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let vary = response.headers()["vary"].to_str().unwrap().to_owned();
    assert!(vary.contains("Accept"), "{vary}");
    let text = response.text().await.unwrap();
    // A counter's TYPE line names its samples, `_total` included.
    assert!(
        text.contains("# TYPE undersigned_http_requests_total counter\n"),
        "{text}"
    );
    assert!(!text.contains("# EOF"), "{text}");
    // Prometheus itself asks for OpenMetrics first, and gets it.
    let scrape = app
        .client
        .get(app.url("/metrics"))
        .header(
            "Accept",
            "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5",
        )
        .send()
        .await
        .unwrap();
    let content_type = scrape.headers()["content-type"].to_str().unwrap();
    assert!(content_type.starts_with("application/openmetrics-text"));
    assert!(scrape.text().await.unwrap().ends_with("# EOF\n"));
}
