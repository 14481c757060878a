//! The outbox keeps no record of who signed what.

use std::time::Duration;

use crate::app_tests;
use crate::helpers::{signature, TestApp};

app_tests!(
    sent_emails_keep_no_recipient_subject_or_body,
    withdrawing_a_signature_deletes_its_emails,
    unconfirmed_signatures_are_purged_once_their_link_expires,
    a_signer_can_erase_their_details_and_keep_their_signature,
    a_signer_who_erased_their_details_is_not_counted_twice,
);

/// `(recipient, subject, body_text, body_html)` of every outbox row, joined
/// with `|` so that one text column carries them.
fn outbox_rows(app: &TestApp) -> Vec<String> {
    app.db.strings(
        "SELECT recipient || '|' || subject || '|' || body_text || '|' || body_html AS value \
         FROM email_outbox",
    )
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

async fn unconfirmed_signatures_are_purged_once_their_link_expires(app: TestApp) {
    let slug = app.petition("Never confirmed").await;
    app.sign(&slug, &signature("late@example.com")).await;
    app.sign(&slug, &signature("prompt@example.com")).await;
    let late_link = app.confirmation_link("late@example.com", 1).await;
    let prompt_link = app.confirmation_link("prompt@example.com", 1).await;
    assert_eq!(app.confirm(&prompt_link).await.status, 200);

    // A week passes without the first signer confirming.
    app.db.execute(
        "UPDATE signatures SET pending_until = '2000-01-01 00:00:00' WHERE state = 'pending'",
    );
    // The janitor runs as an instance starts, then on a schedule.
    app.start_another_instance().await;
    for _ in 0..100 {
        if app.db.count("signatures", "state = 'pending'") == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.db.count("signatures", "state = 'pending'"), 0);
    assert_eq!(app.db.count("signatures", "state = 'confirmed'"), 1);
    // Its tokens and emails went with it; the confirmed signature's stayed.
    assert_eq!(app.db.count("tokens", "purpose = 'confirm_signature'"), 1);
    assert_eq!(outbox_rows(&app).len(), 1);
    assert_eq!(app.confirm(&late_link).await.status, 404);
    assert_eq!(app.count(&slug).await, 1);

    // The address is free to sign again.
    app.sign(&slug, &signature("late@example.com")).await;
    let link = app.confirmation_link("late@example.com", 2).await;
    assert_eq!(app.confirm(&link).await.status, 200);
    assert_eq!(app.count(&slug).await, 2);
}

async fn a_signer_can_erase_their_details_and_keep_their_signature(app: TestApp) {
    let slug = app.petition("Keep my voice, not my name").await;
    let mut fields = signature("erase-me@example.com");
    fields.insert("name", "Erin Erasable".into());
    fields.insert("comment", "A comment of mine".into());
    fields.insert("postcode", "10115".into());
    fields.insert("updates", "on".into());
    app.sign(&slug, &fields).await;
    let link = app.confirmation_link("erase-me@example.com", 1).await;
    assert_eq!(app.confirm(&link).await.status, 200);
    app.sign(&slug, &signature("stays@example.com")).await;
    let link = app.confirmation_link("stays@example.com", 1).await;
    assert_eq!(app.confirm(&link).await.status, 200);
    assert_eq!(app.count(&slug).await, 2);
    let page = app
        .get_when(&format!("/petitions/{slug}"), |p| {
            p.body.contains("Erin Erasable")
        })
        .await;
    assert_eq!(page.status, 200);

    let mails = app.mail.wait_for("erase-me@example.com", 1).await;
    let withdraw_link = mails[0].link_containing("/signatures/withdraw/");
    let form = app.follow(&withdraw_link).await;
    assert!(form.body.contains("Erase my details"), "{}", form.body);
    let path = withdraw_link.strip_prefix(&app.address).unwrap();
    let done = app
        .post_form(
            path,
            &[
                ("csrf_token", form.csrf_token().as_str()),
                ("action", "erase"),
            ],
        )
        .await;
    assert_eq!(done.status(), 200);
    let done = crate::helpers::Page::from(done).await;
    assert!(
        done.body.contains("Your details are erased"),
        "{}",
        done.body
    );

    // The signature still counts, with its country; nothing else is left.
    assert_eq!(app.count(&slug).await, 2);
    let erased = app.db.strings(
        "SELECT name || '|' || email || '|' || COALESCE(postcode, '') || '|' || \
         COALESCE(comment, '') || '|' || COALESCE(ip, '') || '|' || country || '|' || state AS value \
         FROM signatures WHERE email_canonical LIKE 'erased:%'",
    );
    assert_eq!(erased, ["|||||DE|confirmed"]);
    // The public log is told of no change: it still holds two adds.
    assert_eq!(app.db.log_entries("revoke"), 0);
    assert_eq!(app.db.log_entries("add"), 2);
    assert!(app
        .db
        .strings("SELECT email AS value FROM signatures")
        .iter()
        .all(|e| e != "erase-me@example.com"));
    let shown = app
        .get_when(&format!("/petitions/{slug}"), |p| {
            !p.body.contains("Erin Erasable")
        })
        .await;
    assert_eq!(shown.status, 200);
    let csv = app
        .get_response(&format!("/dashboard/petitions/{slug}/signatures.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!csv.contains("Erin") && !csv.contains("erase-me"), "{csv}");
    assert!(csv.contains("stays@example.com"), "{csv}");

    // The link still withdraws the signature itself.
    let again = app.follow(&withdraw_link).await;
    assert_eq!(again.status, 200);
    let withdrawn = app
        .post_form(path, &[("csrf_token", again.csrf_token())])
        .await;
    assert_eq!(withdrawn.status(), 200);
    assert_eq!(app.count(&slug).await, 1);
    assert_eq!(app.db.log_entries("revoke"), 1);
}

/// Signs, confirms and erases `address`'s details on `slug`; returns the
/// withdrawal link, which survives the erasure.
async fn sign_then_erase(app: &TestApp, slug: &str, address: &str) -> String {
    app.sign(slug, &signature(address)).await;
    let link = app.confirmation_link(address, 1).await;
    assert_eq!(app.confirm(&link).await.status, 200);
    let mails = app.mail.wait_for(address, 1).await;
    let withdraw_link = mails[0].link_containing("/signatures/withdraw/");
    let form = app.follow(&withdraw_link).await;
    let path = withdraw_link.strip_prefix(&app.address).unwrap();
    let done = app
        .post_form(
            path,
            &[
                ("csrf_token", form.csrf_token().as_str()),
                ("action", "erase"),
            ],
        )
        .await;
    assert_eq!(done.status(), 200);
    withdraw_link
}

async fn a_signer_who_erased_their_details_is_not_counted_twice(app: TestApp) {
    let slug = app.petition("Count me once").await;
    let other = app.petition("Another cause").await;
    sign_then_erase(&app, &slug, "twice@example.com").await;
    assert_eq!(app.count(&slug).await, 1);
    // Nothing readable is left where the address was.
    let left = app
        .db
        .strings("SELECT email_canonical AS value FROM signatures");
    assert_eq!(left.len(), 1);
    assert!(
        left[0].starts_with("erased:") && !left[0].contains("twice"),
        "{left:?}"
    );

    // The same person, typed differently, signs again: they are told they
    // signed already, at the address they typed, and still count once.
    app.sign(&slug, &signature("Twice@Example.com")).await;
    let mails = app.mail.wait_for("twice@example.com", 2).await;
    let again = &mails[1];
    assert!(
        again.subject.starts_with("You have already signed"),
        "{}",
        again.subject
    );
    assert_eq!(again.to, ["Twice@Example.com"]);
    assert_eq!(app.count(&slug).await, 1);
    assert_eq!(
        app.db
            .strings("SELECT CAST(COUNT(*) AS TEXT) AS value FROM signatures"),
        ["1"]
    );

    // Its withdrawal link removes the erased signature itself.
    let withdraw_link = again.link_containing("/signatures/withdraw/");
    let form = app.follow(&withdraw_link).await;
    let path = withdraw_link.strip_prefix(&app.address).unwrap();
    let withdrawn = app
        .post_form(path, &[("csrf_token", form.csrf_token())])
        .await;
    assert_eq!(withdrawn.status(), 200);
    assert_eq!(app.count(&slug).await, 0);

    // The fingerprint is per petition: the same address signs another
    // petition as anyone would.
    app.sign(&other, &signature("twice@example.com")).await;
    let link = app.confirmation_link("twice@example.com", 3).await;
    assert_eq!(app.confirm(&link).await.status, 200);
    assert_eq!(app.count(&other).await, 1);
}
