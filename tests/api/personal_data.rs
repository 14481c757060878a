//! The outbox keeps no record of who signed what.

use std::time::Duration;

use crate::app_tests;
use crate::helpers::{signature, TestApp};

app_tests!(
    sent_emails_keep_no_recipient_subject_or_body,
    withdrawing_a_signature_deletes_its_emails,
);

/// `(recipient, subject, body_text, body_html)` of every outbox row, joined
/// with `|` so that one text column carries them.
fn outbox_rows(app: &TestApp) -> Vec<String> {
    app.db
        .texts(
            "SELECT recipient || '|' || subject || '|' || body_text || '|' || body_html AS value \
             FROM email_outbox",
        )
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect()
}

async fn sent_emails_keep_no_recipient_subject_or_body(app: TestApp) {
    let slug = app.petition("Forgetful outbox").await;
    app.sign(&slug, &signature("private@example.com")).await;
    app.mail.wait_for("private@example.com", 1).await;
    // The send is recorded right after the relay accepts it.
    for _ in 0..50 {
        if outbox_rows(&app) == ["|||"] {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the sent email was not wiped: {:?}", outbox_rows(&app));
}

async fn withdrawing_a_signature_deletes_its_emails(app: TestApp) {
    let slug = app.petition("Gone means gone").await;
    app.sign(&slug, &signature("leaving@example.com")).await;
    app.sign(&slug, &signature("leaving@example.com")).await;
    let mails = app.mail.wait_for("leaving@example.com", 2).await;
    assert_eq!(outbox_rows(&app).len(), 2);

    let withdraw_link = mails[1].link_containing("/signatures/withdraw/");
    let form = app.follow(&withdraw_link).await;
    let path = withdraw_link.strip_prefix(&app.address).unwrap();
    let done = app
        .post_form(path, &[("csrf_token", form.csrf_token())])
        .await;
    assert_eq!(done.status(), 200);
    assert!(outbox_rows(&app).is_empty(), "{:?}", outbox_rows(&app));
}
