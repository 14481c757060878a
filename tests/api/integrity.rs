//! Each signature stands for what its owner confirmed, and nobody can use
//! the resend path to put words in their mouth or lock them out.

use std::time::Duration;

use serde_json::json;

use crate::app_tests;
use crate::helpers::{signature, TestApp};

app_tests!(
    the_details_that_count_are_those_of_the_confirmed_link,
    the_resend_cap_rolls_over_instead_of_locking_an_address_out,
    invisible_names_and_unroutable_domains_are_refused,
);

async fn the_details_that_count_are_those_of_the_confirmed_link(app: TestApp) {
    let slug = app.petition("Whose words").await;
    // Someone else gets in first with the owner's address and their own
    // details...
    let mut impostor = signature("Owner@Example.com");
    impostor.insert("name", "Impostor".into());
    impostor.insert("comment", "Words the owner never wrote".into());
    app.sign(&slug, &impostor).await;
    app.mail.wait_for("owner@example.com", 1).await;

    // ...then the owner signs with theirs.
    let mut owner = signature("owner@example.com");
    owner.insert("name", "Real Owner".into());
    app.sign(&slug, &owner).await;
    let mails = app.mail.wait_for("owner@example.com", 2).await;

    // Neither email repeats a typed name to the unconfirmed address, and
    // both went to the address stored with the first submission.
    for mail in &mails {
        assert!(!mail.text.contains("Real Owner") && !mail.text.contains("Impostor"));
        assert!(!mail.html.contains("Real Owner") && !mail.html.contains("Impostor"));
        assert_eq!(mail.to, ["Owner@Example.com"]);
    }

    // The owner confirms the link sent for their own submission: their
    // details count, not the impostor's.
    let link = mails[1].link_containing("/signatures/confirm/");
    assert_eq!(app.confirm(&link).await.status, 200);
    let page = app
        .get_when(&format!("/petitions/{slug}"), |p| {
            p.text_of(".signers").is_some()
        })
        .await;
    let signers = page.text_of(".signers").unwrap();
    assert!(signers.contains("Real Owner"), "{signers}");
    assert!(!page.body.contains("Impostor"));
    assert_eq!(app.count(&slug).await, 1);
    // The first link now finds the signature already confirmed, and
    // changes nothing.
    let first = mails[0].link_containing("/signatures/confirm/");
    assert!(app.follow(&first).await.body.contains("already confirmed"));
    let page = app.get(&format!("/petitions/{slug}")).await;
    assert!(!page.body.contains("Impostor"));
}

async fn the_resend_cap_rolls_over_instead_of_locking_an_address_out(app: TestApp) {
    let slug = app.petition("Capped").await;
    for _ in 0..7 {
        assert_eq!(
            app.sign(&slug, &signature("capped@example.com"))
                .await
                .status(),
            303
        );
    }
    app.mail.wait_for("capped@example.com", 5).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        app.mail.to("capped@example.com").len(),
        5,
        "the cap is 5 a day"
    );

    // A day later the cap has rolled over.
    app.db
        .execute("UPDATE signatures SET emails_window_start = '2000-01-01 00:00:00'");
    assert_eq!(
        app.sign(&slug, &signature("capped@example.com"))
            .await
            .status(),
        303
    );
    let mails = app.mail.wait_for("capped@example.com", 6).await;
    let link = mails[5].link_containing("/signatures/confirm/");
    assert_eq!(app.confirm(&link).await.status, 200);
    assert_eq!(app.count(&slug).await, 1);
}

async fn invisible_names_and_unroutable_domains_are_refused(app: TestApp) {
    let slug = app.petition("Strict").await;
    let path = format!("/api/v1/petitions/{slug}/signatures");
    let response = app
        .post_json(
            &path,
            &json!({"name": "Jane\u{200B}Doe", "email": "jane@localhost", "country": "DE"}),
        )
        .await;
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.unwrap();
    let fields = &body["error"]["fields"];
    assert!(
        fields["name"].as_str().unwrap().contains("invisible"),
        "{body}"
    );
    assert!(fields["email"].is_string(), "{body}");

    for email in ["jane@[127.0.0.1]", "jane@192.168.1.1"] {
        let response = app
            .post_json(
                &path,
                &json!({"name": "Jane", "email": email, "country": "DE"}),
            )
            .await;
        assert_eq!(response.status(), 422, "{email}");
    }
    assert!(app.mail.all().is_empty());
}
