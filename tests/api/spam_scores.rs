//! SpamAssassin's verdict on every kind of message the platform sends, as
//! a mail provider would give it: confirmation mail that lands in spam is
//! a signature lost. Local tests only (`spamassassin -L`): no network
//! lookups, so the score is what the message itself earns.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::app_tests;
use crate::helpers::{signature, skip_unless_ci, TestApp};
use crate::smtp::ReceivedMail;

/// Well under SpamAssassin's default threshold of 5.
const MAX_SCORE: f64 = 2.0;

app_tests!(every_kind_of_message_scores_well_under_spamassassins_threshold,);

fn spamassassin_present() -> bool {
    Command::new("spamassassin")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The score and the rules that fired.
fn score(mail: &ReceivedMail) -> (f64, String) {
    let mut child = Command::new("spamassassin")
        .args(["-L", "-t"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spamassassin runs");
    // The receiving server's Received line, as a provider's filter sees
    // the message: from a public host with reverse DNS, just now.
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc2822)
        .unwrap();
    let received = format!(
        "Received: from mail.petitions.example (mail.petitions.example [93.184.215.14])\r\n\
         \tby mx.example.org (Postfix) with ESMTPS id 4A1B2C3D5E\r\n\
         \tfor <someone@example.org>; {now}\r\n"
    );
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{received}{}", mail.raw).as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    let status = report
        .lines()
        .find(|l| l.starts_with("X-Spam-Status:"))
        .unwrap_or_else(|| panic!("no X-Spam-Status in:\n{report}"))
        .to_owned();
    let score: f64 = status
        .split("score=")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no score in {status}"));
    let rules = report
        .split("Content analysis details:")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (score, rules)
}

async fn every_kind_of_message_scores_well_under_spamassassins_threshold(app: TestApp) {
    if !spamassassin_present() {
        skip_unless_ci("spamassassin is not installed");
        return;
    }
    let slug = app.petition("Clean air for Seoul's schools").await;
    let owner = app
        .db
        .strings("SELECT email AS value FROM organizers")
        .remove(0);

    let mut fields = signature("jane@example.com");
    fields.insert("updates", "on".into());
    app.sign(&slug, &fields).await;
    app.confirm(&app.confirmation_link("jane@example.com", 1).await)
        .await;
    app.sign(&slug, &fields).await; // already signed
    assert_eq!(app.get("/?lang=ko").await.status, 200);
    app.sign(&slug, &signature("minji@example.com")).await;
    assert_eq!(app.get("/?lang=en").await.status, 200);

    let path = format!("/dashboard/petitions/{slug}/updates");
    let csrf = app.get(&path).await.csrf_token();
    let update = "We met the council on Monday. **Thank you** for signing.\n\n\
                  Read [their answer](https://example.org/answer) and share it.";
    app.post_form(
        &path,
        &[
            ("subject", "The council answered"),
            ("body", update),
            ("csrf_token", &csrf),
        ],
    )
    .await;

    let csrf = app.get("/dashboard/tokens").await.csrf_token();
    app.post_form(
        "/dashboard/tokens",
        &[("name", "Campaign CRM"), ("csrf_token", &csrf)],
    )
    .await;
    let csrf = app.get("/password/forgot").await.csrf_token();
    app.post_form(
        "/password/forgot",
        &[("email", owner.as_str()), ("csrf_token", &csrf)],
    )
    .await;
    let csrf = app.get("/signup").await.csrf_token();
    app.post_form(
        "/signup",
        &[
            ("name", "Ana Organizer"),
            ("email", "ana@example.org"),
            ("password", "quiet lantern over a purple harbour"),
            ("csrf_token", &csrf),
        ],
    )
    .await;

    // The note to an address that already has an account.
    let csrf = app.get("/signup").await.csrf_token();
    app.post_form(
        "/signup",
        &[
            ("name", "Someone Else"),
            ("email", owner.as_str()),
            ("password", "quiet lantern over a purple harbour"),
            ("csrf_token", &csrf),
        ],
    )
    .await;

    let mut messages = app.mail.wait_for("jane@example.com", 3).await;
    messages.extend(app.mail.wait_for("minji@example.com", 1).await);
    messages.extend(app.mail.wait_for(&owner, 3).await);
    messages.extend(app.mail.wait_for("ana@example.org", 1).await);
    let mut failures = Vec::new();
    for mail in &messages {
        let (score, rules) = score(mail);
        println!("spamassassin {score:>5.1}  {}", mail.subject);
        if score > MAX_SCORE {
            failures.push(format!("{score} for {:?}:{rules}", mail.subject));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
