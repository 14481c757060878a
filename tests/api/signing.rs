use std::collections::HashMap;

use futures_util::future::join_all;
use serde_json::json;

use crate::helpers::{free_port, signature, spawn_app_with, Backend, MailSink, TestApp};
use crate::{app_tests, on_both_backends};

app_tests!(
    signing_and_confirming_counts_the_signature,
    duplicate_signatures_by_case_tag_and_gmail_dots_are_counted_once,
    fifty_concurrent_identical_signatures_make_one_signature,
    each_invalid_field_is_explained_and_typed_values_are_kept,
    closed_petition_refuses_signatures_with_409,
    unknown_or_expired_confirmation_links_are_404,
    withdrawing_a_confirmed_signature_lowers_the_count,
    sign_form_without_a_valid_csrf_token_is_forbidden,
    confirmed_signer_signing_again_gets_an_already_signed_email,
    only_public_signers_are_named_on_the_petition,
);

on_both_backends!(signatures_survive_an_smtp_outage_and_mail_arrives_after_it,);

async fn signing_and_confirming_counts_the_signature(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    assert_eq!(app.count(&slug).await, 0);

    let response = app.sign(&slug, &signature("jane@example.com")).await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        format!("/petitions/{slug}/signed")
    );
    let signed = app.get(&format!("/petitions/{slug}/signed")).await;
    assert!(signed.body.contains("Check your inbox"));

    // Pending signatures do not count.
    let mail = &app.mail.wait_for("jane@example.com", 1).await[0];
    assert!(mail.subject.contains("Save the bees"));
    assert!(mail.html.contains("Confirm my signature"));
    assert_eq!(app.count(&slug).await, 0);

    let link = mail.link_containing("/signatures/confirm/");
    let page = app.confirm(&link).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Thank you for signing"));
    assert_eq!(app.count(&slug).await, 1);
    assert_eq!(app.page_count(&slug).await, 1);

    // The link is single-use: a second visit counts nothing.
    let again = app.confirm(&link).await;
    assert_eq!(again.status, 200);
    assert!(again.body.contains("already confirmed"));
    assert_eq!(app.count(&slug).await, 1);
}

async fn duplicate_signatures_by_case_tag_and_gmail_dots_are_counted_once(app: TestApp) {
    let slug = app.petition("One person one signature").await;
    let spellings = [
        "Jane.Doe@gmail.com",
        "JANE.DOE@GMAIL.COM",
        "jane.doe+petitions@gmail.com",
        "j.a.n.e.d.o.e@googlemail.com",
    ];
    let mut locations = Vec::new();
    for email in spellings {
        let response = app.sign(&slug, &signature(email)).await;
        assert_eq!(response.status(), 303);
        locations.push(response.headers()["location"].to_str().unwrap().to_owned());
    }
    assert!(
        locations.iter().all(|l| *l == locations[0]),
        "{locations:?}"
    );

    // Each submission re-sent the confirmation, always to the address
    // stored with the first: a look-alike spelling cannot redirect it.
    let mails = app.mail.wait_for(spellings[0], spellings.len()).await;
    assert!(mails.iter().all(|m| m.to == [spellings[0]]), "{mails:#?}");
    for mail in &mails {
        let link = mail.link_containing("/signatures/confirm/");
        assert_eq!(app.confirm(&link).await.status, 200);
    }
    assert_eq!(app.count(&slug).await, 1);
}

async fn fifty_concurrent_identical_signatures_make_one_signature(app: TestApp) {
    let slug = app.petition("Race to sign").await;
    let body = json!({"name": "Racer", "email": "racer@example.com", "country": "FR"});
    let path = format!("/api/v1/petitions/{slug}/signatures");
    let statuses = join_all((0..50).map(|_| app.post_json(&path, &body))).await;
    assert!(statuses.iter().all(|r| r.status() == 202));

    // One signature: the email cap of 5 holds across all 50 submissions.
    let mails = app.mail.wait_for("racer@example.com", 5).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(app.mail.to("racer@example.com").len(), 5);
    for mail in &mails {
        app.confirm(&mail.link_containing("/signatures/confirm/"))
            .await;
    }
    assert_eq!(app.count(&slug).await, 1);
}

async fn each_invalid_field_is_explained_and_typed_values_are_kept(app: TestApp) {
    let slug = app.petition("Careful forms").await;
    let cases: [(&str, &str, &str); 6] = [
        ("name", "", "Enter your name"),
        (
            "email",
            "jane.example.com",
            "Enter an email address in the correct format",
        ),
        ("email", "", "Enter your email address"),
        ("country", "XX", "Select a country from the list"),
        (
            "postcode",
            &"9".repeat(17),
            "Postcode must be 16 characters or fewer",
        ),
        (
            "comment",
            &"x".repeat(501),
            "Comment must be 500 characters or fewer",
        ),
    ];
    for (field, value, message) in cases {
        let mut fields: HashMap<&'static str, String> = signature("kept@example.com");
        fields.insert("name", "Kim <Min-jun> 김민준".into());
        fields.insert(field, value.to_owned());
        let response = app.sign(&slug, &fields).await;
        assert_eq!(response.status(), 422, "{field}={value:?}");
        let page = crate::helpers::Page::from(response).await;
        assert!(page.body.contains(message), "{field}: no {message:?}");
        assert!(page.body.starts_with("<!doctype html>"));
        assert!(page.text_of("title").unwrap().starts_with("Error: "));
        // What was typed comes back, escaped.
        if field != "name" {
            assert_eq!(page.attr("#name", "value").unwrap(), "Kim <Min-jun> 김민준");
            assert!(
                page.body.contains("Kim &#60;Min-jun&#62;")
                    || page.body.contains("Kim &lt;Min-jun&gt;")
            );
        }
        if field == "comment" {
            assert_eq!(page.text_of("#comment").unwrap(), value);
        } else if field != "country" {
            assert_eq!(page.attr(&format!("#{field}"), "value").unwrap(), value);
        }
        assert_eq!(page.attr("#public", "checked").as_deref(), Some(""));
    }
    assert!(app.mail.all().is_empty());
}

async fn closed_petition_refuses_signatures_with_409(app: TestApp) {
    let slug = app.petition("Closing soon").await;
    let sign_token = app.get(&format!("/petitions/{slug}")).await.csrf_token();

    let dashboard = app.get("/dashboard").await;
    let close = app
        .post_form(
            &format!("/dashboard/petitions/{slug}/close"),
            &[("csrf_token", dashboard.csrf_token())],
        )
        .await;
    assert_eq!(close.status(), 303);

    let mut form = signature("late@example.com");
    form.insert("csrf_token", sign_token);
    let response = app
        .post_form(&format!("/petitions/{slug}/signatures"), &form)
        .await;
    assert_eq!(response.status(), 409);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("This petition is closed"));

    let api = app
        .post_json(
            &format!("/api/v1/petitions/{slug}/signatures"),
            &json!({"name": "Late", "email": "late@example.com", "country": "DE"}),
        )
        .await;
    assert_eq!(api.status(), 409);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"]["code"], "petition_closed");

    let page = app.get(&format!("/petitions/{slug}")).await;
    assert!(page.body.contains("This petition is closed"));
    assert!(page.attr("form[action$='/signatures']", "action").is_none());
}

async fn unknown_or_expired_confirmation_links_are_404(app: TestApp) {
    let slug = app.petition("Links expire").await;

    let unknown = app
        .get("/signatures/confirm/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("sign again"));
    assert_eq!(app.get("/signatures/confirm/garbage").await.status, 404);

    app.sign(&slug, &signature("slow@example.com")).await;
    let link = app.confirmation_link("slow@example.com", 1).await;
    app.db.execute(
        "UPDATE tokens SET expires_at = '2001-01-01 00:00:00' WHERE purpose = 'confirm_signature'",
    );
    let expired = app.confirm(&link).await;
    assert_eq!(expired.status, 404);
    assert!(expired.body.contains(&format!("/petitions/{slug}")));
    assert_eq!(app.count(&slug).await, 0);
}

async fn withdrawing_a_confirmed_signature_lowers_the_count(app: TestApp) {
    let slug = app.petition("Changed my mind").await;
    app.sign(&slug, &signature("fickle@example.com")).await;
    let mail = &app.mail.wait_for("fickle@example.com", 1).await[0];
    app.confirm(&mail.link_containing("/signatures/confirm/"))
        .await;
    assert_eq!(app.count(&slug).await, 1);

    let withdraw_link = mail.link_containing("/signatures/withdraw/");
    let form = app.follow(&withdraw_link).await;
    assert_eq!(form.status, 200);
    assert_eq!(app.count(&slug).await, 1, "a GET must not withdraw");

    let path = withdraw_link.strip_prefix(&app.address).unwrap();
    let done = app
        .post_form(path, &[("csrf_token", form.csrf_token())])
        .await;
    assert_eq!(done.status(), 200);
    assert_eq!(app.count(&slug).await, 0);
    assert_eq!(app.page_count(&slug).await, 0);
    assert_eq!(app.follow(&withdraw_link).await.status, 404);
}

async fn sign_form_without_a_valid_csrf_token_is_forbidden(app: TestApp) {
    let slug = app.petition("Forgery").await;
    let path = format!("/petitions/{slug}/signatures");

    let missing = app.post_form(&path, &signature("forged@example.com")).await;
    assert_eq!(missing.status(), 403);
    let page = crate::helpers::Page::from(missing).await;
    assert_eq!(page.attr("#email", "value").unwrap(), "forged@example.com");

    let mut forged = signature("forged@example.com");
    forged.insert("csrf_token", "1999999999.bm90LWEtbWFj".into());
    assert_eq!(app.post_form(&path, &forged).await.status(), 403);

    // A valid token from another petition's form does not transfer.
    let other = app.create_petition("Another one", "").await;
    let mut wrong_scope = signature("forged@example.com");
    wrong_scope.insert(
        "csrf_token",
        app.get(&format!("/petitions/{other}")).await.csrf_token(),
    );
    assert_eq!(app.post_form(&path, &wrong_scope).await.status(), 403);

    // A valid token posted from another site is refused too.
    let mut cross_site = signature("forged@example.com");
    cross_site.insert(
        "csrf_token",
        app.get(&format!("/petitions/{slug}")).await.csrf_token(),
    );
    let response = app
        .client
        .post(app.url(&path))
        .header("Origin", "https://evil.example")
        .form(&cross_site)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(app.mail.all().is_empty());
}

async fn signatures_survive_an_smtp_outage_and_mail_arrives_after_it(backend: Backend) {
    let smtp_port = free_port();
    // Nothing listens on smtp_port yet: the relay is down.
    let placeholder = MailSink::start().await;
    let Some(app) = spawn_app_with(backend, placeholder, smtp_port).await else {
        return;
    };
    let slug = app.petition("Mail server down").await;
    for i in 0..3 {
        let response = app
            .sign(&slug, &signature(&format!("patient{i}@example.com")))
            .await;
        assert_eq!(response.status(), 303);
    }
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;

    let relay = MailSink::start_on(smtp_port).await;
    for i in 0..3 {
        let mails = relay.wait_for(&format!("patient{i}@example.com"), 1).await;
        let link = mails[0].link_containing("/signatures/confirm/");
        assert_eq!(app.confirm(&link).await.status, 200);
    }
    assert_eq!(app.count(&slug).await, 3);
}

async fn confirmed_signer_signing_again_gets_an_already_signed_email(app: TestApp) {
    let slug = app.petition("Signed twice").await;
    app.sign(&slug, &signature("twice@example.com")).await;
    let link = app.confirmation_link("twice@example.com", 1).await;
    app.confirm(&link).await;

    let again = app.sign(&slug, &signature("Twice@Example.com")).await;
    assert_eq!(again.status(), 303);
    assert_eq!(
        again.headers()["location"],
        format!("/petitions/{slug}/signed")
    );
    // The sink matches addresses case-insensitively: this is the second
    // mail, sent to the address stored with the signature.
    let mails = app.mail.wait_for("Twice@Example.com", 2).await;
    assert_eq!(mails[1].to, ["twice@example.com"]);
    assert!(
        mails[1].subject.contains("already signed"),
        "{}",
        mails[1].subject
    );
    assert_eq!(app.count(&slug).await, 1);
}

async fn only_public_signers_are_named_on_the_petition(app: TestApp) {
    let slug = app.petition("Names").await;
    let mut shy = signature("shy@example.com");
    shy.insert("name", "Shy Person".into());
    shy.remove("public");
    let mut proud = signature("proud@example.com");
    proud.insert("name", "Proud <b>Person</b>".into());
    for (fields, email) in [(shy, "shy@example.com"), (proud, "proud@example.com")] {
        app.sign(&slug, &fields).await;
        let link = app.confirmation_link(email, 1).await;
        app.confirm(&link).await;
    }
    let page = app
        .get_when(&format!("/petitions/{slug}"), |p| {
            p.text_of(".signers").is_some()
        })
        .await;
    assert!(!page.body.contains("Shy Person"));
    assert!(page
        .text_of(".signers")
        .unwrap()
        .contains("Proud <b>Person</b>"));
    assert!(!page.body.contains("<b>Person</b>"));
}
