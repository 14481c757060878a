//! Bots and fraud: the honeypot.

use std::time::Duration;

use crate::app_tests;
use crate::helpers::{signature, TestApp};

app_tests!(a_bot_that_fills_the_honeypot_is_answered_as_a_person_and_ignored,);

async fn a_bot_that_fills_the_honeypot_is_answered_as_a_person_and_ignored(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let page = app.get(&format!("/petitions/{slug}")).await;
    assert_eq!(page.attr("#website", "tabindex").as_deref(), Some("-1"));
    assert_eq!(
        page.attr(".honeypot", "aria-hidden").as_deref(),
        Some("true")
    );

    let person = app.sign(&slug, &signature("person@example.com")).await;
    let mut bot_fields = signature("bot@example.com");
    bot_fields.insert("website", "http://spam.example".into());
    let bot = app.sign(&slug, &bot_fields).await;
    assert_eq!(bot.status(), person.status());
    assert_eq!(bot.headers()["location"], person.headers()["location"]);

    // Inside the widget too.
    let widget = app.get(&format!("/petitions/{slug}/embed")).await;
    let mut framed = signature("framebot@example.com");
    framed.insert("website", "x".into());
    framed.insert("csrf_token", widget.csrf_token());
    let answer = app
        .post_form(&format!("/petitions/{slug}/embed"), &framed)
        .await;
    assert_eq!(answer.status(), 303);
    assert_eq!(
        answer.headers()["location"],
        format!("/petitions/{slug}/embed?signed=1").as_str()
    );

    app.mail.wait_for("person@example.com", 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(app.mail.to("bot@example.com").is_empty());
    assert!(app.mail.to("framebot@example.com").is_empty());
    assert_eq!(
        app.db.count("signatures", "email LIKE '%bot@example.com'"),
        0
    );
    assert_eq!(app.db.count("signatures", "1 = 1"), 1);

    let metrics = app.get("/metrics").await;
    assert!(
        metrics
            .body
            .contains("undersigned_honeypot_submissions_total 2"),
        "{}",
        metrics.body
    );
}
