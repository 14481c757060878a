//! Only people confirm: opening a link from an email, by GET or HEAD, as
//! mail scanners do, changes nothing. The button or the password does.

use crate::app_tests;
use crate::helpers::{signature, TestApp, PASSWORD};

app_tests!(
    opening_a_confirmation_link_confirms_nothing_and_the_button_does,
    opening_a_sign_up_link_verifies_nothing_and_the_password_does,
    an_unverified_account_is_not_promoted_and_a_promotion_names_its_admin,
);

/// What a mail scanner does with a link: a HEAD, then a GET.
async fn scan(app: &TestApp, link: &str) {
    let head = app.client.head(link).send().await.unwrap();
    assert!(head.status().is_success(), "HEAD {link}: {}", head.status());
    assert_eq!(app.follow(link).await.status, 200, "GET {link}");
}

async fn opening_a_confirmation_link_confirms_nothing_and_the_button_does(app: TestApp) {
    let slug = app.petition("Only people sign").await;
    app.sign(&slug, &signature("scanned@example.com")).await;
    let link = app.confirmation_link("scanned@example.com", 1).await;

    for _ in 0..3 {
        scan(&app, &link).await;
    }
    assert_eq!(app.count(&slug).await, 0);
    assert_eq!(app.db.count("signatures", "state = 'pending'"), 1);

    // The page names the petition and offers one button, posting back
    // to the same address with no other field.
    let page = app.follow(&link).await;
    assert!(page.body.contains("Only people sign"), "{}", page.body);
    let path = link.strip_prefix(&app.address).unwrap();
    assert_eq!(
        page.attr("main form[method=post]", "action").as_deref(),
        Some(path)
    );
    assert_eq!(
        page.html()
            .select(&scraper::Selector::parse("main form input").unwrap())
            .count(),
        0
    );

    let thanks = app.confirm(&link).await;
    assert_eq!(thanks.status, 200);
    assert!(
        thanks.body.contains("Thank you for signing"),
        "{}",
        thanks.body
    );
    assert_eq!(app.count(&slug).await, 1);

    // Opened again, it says so and still changes nothing.
    scan(&app, &link).await;
    assert!(app.follow(&link).await.body.contains("already confirmed"));
    assert_eq!(app.count(&slug).await, 1);

    // An unknown token is refused by the button as by the page.
    let bogus = "/signatures/confirm/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let no_fields: [(&str, &str); 0] = [];
    assert_eq!(app.post_form(bogus, &no_fields).await.status(), 404);
}

async fn sign_up(app: &TestApp, email: &str, password: &str) {
    let token = app.get("/signup").await.csrf_token();
    let response = app
        .post_form(
            "/signup",
            &[
                ("name", "Vera Victim"),
                ("email", email),
                ("password", password),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
}

async fn opening_a_sign_up_link_verifies_nothing_and_the_password_does(app: TestApp) {
    // Someone signs up with another person's address and a password of
    // their own. That person's mail scanner opens the link.
    let attackers = "quiet lantern over a purple harbour";
    sign_up(&app, "vera@example.org", attackers).await;
    let link =
        app.mail.wait_for("vera@example.org", 1).await[0].link_containing("/signup/confirm/");
    for _ in 0..3 {
        scan(&app, &link).await;
    }
    assert_eq!(app.db.count("organizers", "verified_at IS NULL"), 1);
    assert_eq!(app.login("vera@example.org", attackers).await.status(), 401);

    // The owner of the address does not know that password, so the
    // account stays closed whatever they try.
    let guess = app.confirm_account(&link, PASSWORD).await;
    assert_eq!(guess.status, 422);
    assert!(guess.body.contains("not the password"), "{}", guess.body);
    assert!(guess.body.contains("name=\"password\""), "the form stays");
    let empty = app.confirm_account(&link, "").await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("Enter the password"), "{}", empty.body);
    assert_eq!(app.db.count("organizers", "verified_at IS NULL"), 1);

    // Who chose the password and reads the mail verifies it, once.
    let done = app.confirm_account(&link, attackers).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(app.db.count("organizers", "verified_at IS NULL"), 0);
    assert_eq!(app.confirm_account(&link, attackers).await.status, 404);
}

async fn an_unverified_account_is_not_promoted_and_a_promotion_names_its_admin(app: TestApp) {
    sign_up(
        &app,
        "eager@example.org",
        "an unverified person's passphrase",
    )
    .await;
    app.create_organizer("helper@example.org").await;
    app.create_admin("boss@example.org").await;
    assert_eq!(app.login("boss@example.org", PASSWORD).await.status(), 303);

    let app = &app;
    let promote = |email: &'static str| async move {
        let token = app.get("/dashboard").await.csrf_token();
        app.post_form(
            "/admin/organizers/promote",
            &[("email", email), ("csrf_token", &token)],
        )
        .await
    };
    let refused = promote("eager@example.org").await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.unwrap();
    assert!(body.contains("has not confirmed"), "{body}");
    assert_eq!(app.db.count("organizers", "is_admin"), 1);

    assert_eq!(promote("helper@example.org").await.status(), 303);
    let by = app.db.strings(
        "SELECT b.email AS value FROM organizers o JOIN organizers b ON b.id = o.promoted_by \
         WHERE o.email = 'helper@example.org' AND o.promoted_at IS NOT NULL",
    );
    assert_eq!(by, ["boss@example.org"]);
}
