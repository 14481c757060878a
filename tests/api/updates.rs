//! Updates from the organizer to signers, unsubscribing, and the email
//! that tells the organizer the goal is reached.

use std::time::Duration;

use crate::app_tests;
use crate::helpers::{run_cli, signature, TestApp, PASSWORD};

app_tests!(
    an_update_reaches_only_confirmed_signers_who_asked_for_news,
    unsubscribing_works_from_the_page_and_by_one_click,
    a_petition_sends_at_most_three_updates_a_week,
    only_the_owner_or_an_admin_writes_to_signers,
    a_large_update_goes_out_in_batches_once_to_each_signer,
    the_organizer_hears_once_when_the_goal_is_reached,
    a_hidden_petition_cannot_write_to_its_signers,
);

/// Signs `slug` as `email`, asking for updates or not, and confirms.
async fn supporter(app: &TestApp, slug: &str, email: &str, updates: bool) {
    let mut fields = signature(email);
    if updates {
        fields.insert("updates", "on".into());
    }
    assert_eq!(app.sign(slug, &fields).await.status(), 303);
    let link = app.confirmation_link(email, 1).await;
    assert_eq!(app.confirm(&link).await.status, 200);
}

async fn post_update(app: &TestApp, slug: &str, subject: &str, body: &str) -> reqwest::Response {
    let path = format!("/dashboard/petitions/{slug}/updates");
    let token = app.get(&path).await.csrf_token();
    app.post_form(
        &path,
        &[("subject", subject), ("body", body), ("csrf_token", &token)],
    )
    .await
}

/// Waits until every queued email has been sent.
async fn outbox_drained(app: &TestApp) {
    for _ in 0..300 {
        // Updates first: the fan-out queues an update's last batch in the
        // transaction that marks it delivered, so once none is undelivered,
        // an empty outbox read afterwards means every batch went out. Read
        // the other way round, the last batch can slip in between.
        let undelivered = app.db.count("petition_updates", "delivered_at IS NULL");
        let unsent = app
            .db
            .count("email_outbox", "sent_at IS NULL AND failed_at IS NULL");
        if undelivered == 0 && unsent == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the outbox did not drain");
}

async fn an_update_reaches_only_confirmed_signers_who_asked_for_news(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    supporter(&app, &slug, "news@example.com", true).await;
    supporter(&app, &slug, "quiet@example.com", false).await;
    let mut pending = signature("pending@example.com");
    pending.insert("updates", "on".into());
    app.sign(&slug, &pending).await;
    app.mail.wait_for("pending@example.com", 1).await;

    let page = app
        .get(&format!("/dashboard/petitions/{slug}/updates"))
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("You can send 3 more updates"),
        "{}",
        page.body
    );
    assert_eq!(page.text_of("#audience").as_deref(), Some("1"));

    let response = post_update(
        &app,
        &slug,
        "We meet the minister on Monday",
        "Thank you all. **Bring a friend** <script>alert(1)</script>",
    )
    .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        format!("/dashboard/petitions/{slug}/updates?sent=1").as_str()
    );

    let mails = app.mail.wait_for("news@example.com", 2).await;
    let update = &mails[1];
    assert!(update.subject.contains("We meet the minister on Monday"));
    // The text part reads as text, not as Markdown.
    assert!(
        update.text.contains("Thank you all. Bring a friend"),
        "{}",
        update.text
    );
    assert!(!update.text.contains("**") && !update.text.contains("<script"));
    assert!(update.html.contains("<strong>Bring a friend</strong>"));
    assert!(!update.html.contains("<script"));
    let unsubscribe = update.link_containing("/signatures/unsubscribe/");
    assert_eq!(
        update.header("List-Unsubscribe"),
        Some(format!("<{unsubscribe}>"))
    );
    assert_eq!(
        update.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );

    outbox_drained(&app).await;
    assert_eq!(
        app.mail.to("quiet@example.com").len(),
        1,
        "only the confirmation"
    );
    assert_eq!(
        app.mail.to("pending@example.com").len(),
        1,
        "only the confirmation"
    );

    let public = app.get(&format!("/petitions/{slug}")).await;
    assert_eq!(
        public.text_of(".news h3").as_deref(),
        Some("We meet the minister on Monday")
    );
    assert!(public.body.contains("<strong>Bring a friend</strong>"));
    assert!(!public.body.contains("<script>alert"));

    let history = app
        .get(&format!("/dashboard/petitions/{slug}/updates"))
        .await;
    assert!(history.body.contains("Emailed to 1"), "{}", history.body);
    assert!(history.body.contains("You can send 2 more updates"));
}

async fn unsubscribing_works_from_the_page_and_by_one_click(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    supporter(&app, &slug, "button@example.com", true).await;
    supporter(&app, &slug, "oneclick@example.com", true).await;
    assert_eq!(
        post_update(&app, &slug, "First news", "Hello")
            .await
            .status(),
        303
    );
    let by_button = app.mail.wait_for("button@example.com", 2).await[1]
        .link_containing("/signatures/unsubscribe/");
    let by_click = app.mail.wait_for("oneclick@example.com", 2).await[1]
        .link_containing("/signatures/unsubscribe/");

    // Opening the link, as a mail scanner would, changes nothing.
    let page = app.follow(&by_button).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Stop these emails"));
    assert_eq!(app.db.count("signatures", "updates = TRUE"), 2);

    // Without a form token and without the one-click body: refused.
    let path = by_button.strip_prefix(&app.address).unwrap().to_owned();
    let forged = app.post_form(&path, &[("x", "y")]).await;
    assert_eq!(forged.status(), 403);
    assert_eq!(app.db.count("signatures", "updates = TRUE"), 2);

    let token = page.csrf_token();
    let done = app
        .post_form(&path, &[("csrf_token", token.as_str())])
        .await;
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("no more updates"));

    // RFC 8058: the mail provider POSTs this body, with no cookie or token.
    let one_click = reqwest::Client::new()
        .post(&by_click)
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(one_click.status(), 200);
    // Or as multipart/form-data, which RFC 8058 prefers.
    let boundary = "----undersigned-test";
    let multipart = reqwest::Client::new()
        .post(&by_click)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\n\
             One-Click\r\n--{boundary}--\r\n"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(multipart.status(), 200);
    // Repeating it is harmless.
    let again = reqwest::Client::new()
        .post(&by_click)
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(app.db.count("signatures", "updates = TRUE"), 0);
    assert_eq!(app.count(&slug).await, 2, "the signatures still count");

    let revisit = app.follow(&by_button).await;
    assert!(
        revisit.body.contains("already asked to stop"),
        "{}",
        revisit.body
    );

    assert_eq!(
        post_update(&app, &slug, "Second news", "Hi").await.status(),
        303
    );
    outbox_drained(&app).await;
    assert_eq!(app.mail.to("button@example.com").len(), 2);
    assert_eq!(app.mail.to("oneclick@example.com").len(), 2);

    let unknown = app
        .get("/signatures/unsubscribe/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await;
    assert_eq!(unknown.status, 404);
}

async fn a_petition_sends_at_most_three_updates_a_week(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    for n in 1..=3 {
        let response = post_update(&app, &slug, &format!("News {n}"), "Text").await;
        assert_eq!(response.status(), 303, "update {n}");
    }
    let refused = post_update(&app, &slug, "A fourth one", "Typed with care").await;
    assert_eq!(refused.status(), 429);
    let page = crate::helpers::Page::from(refused).await;
    assert!(
        page.body.contains("3 updates in the last 7 days"),
        "{}",
        page.body
    );
    assert_eq!(
        page.attr("#subject", "value").as_deref(),
        Some("A fourth one")
    );
    assert_eq!(page.text_of("#body").as_deref(), Some("Typed with care"));
    assert_eq!(app.db.count("petition_updates", "1 = 1"), 3);

    // Empty fields are explained, and nothing is stored.
    let empty = post_update(&app, &slug, "", "").await;
    assert_eq!(empty.status(), 422);
}

async fn only_the_owner_or_an_admin_writes_to_signers(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let path = format!("/dashboard/petitions/{slug}/updates");
    assert_eq!(app.get(&path).await.status, 200);

    let missing_token = app
        .post_form(&path, &[("subject", "Hi"), ("body", "Text")])
        .await;
    assert_eq!(missing_token.status(), 403);

    app.create_organizer("other@example.org").await;
    assert_eq!(app.login("other@example.org", PASSWORD).await.status(), 303);
    assert_eq!(app.get(&path).await.status, 403);
    let other_token = app.get("/dashboard").await.csrf_token();
    let refused = app
        .post_form(
            &path,
            &[
                ("subject", "Hi"),
                ("body", "Text"),
                ("csrf_token", &other_token),
            ],
        )
        .await;
    assert_eq!(refused.status(), 403);
    assert_eq!(app.db.count("petition_updates", "1 = 1"), 0);

    let admin = run_cli(
        app.db.url(),
        &[
            "organizer",
            "create",
            "--email",
            "admin@example.org",
            "--name",
            "Ada",
            "--admin",
        ],
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert!(admin.status.success());
    assert_eq!(app.login("admin@example.org", PASSWORD).await.status(), 303);
    assert_eq!(
        post_update(&app, &slug, "From the admin", "Text")
            .await
            .status(),
        303
    );

    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url(&path))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 303);
}

async fn a_large_update_goes_out_in_batches_once_to_each_signer(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let petition_id = app
        .db
        .strings(&format!(
            "SELECT id AS value FROM petitions WHERE slug = '{slug}'"
        ))
        .remove(0);
    // More than two fan-out batches of 500; half asked for news.
    let rows: Vec<String> = (0..1300u32)
        .map(|n| {
            format!(
                "('{id}', '{petition_id}', 's{n}@example.net', 's{n}@example.net', 'Signer {n}', \
                 'FR', FALSE, {updates}, 'confirmed', 1, '2026-11-01 10:00:00', \
                 '2026-11-01 10:{minute:02}:00')",
                id = uuid::Uuid::new_v4(),
                updates = if n.is_multiple_of(2) { "TRUE" } else { "FALSE" },
                minute = n % 60,
            )
        })
        .collect();
    app.db.execute(&format!(
        "INSERT INTO signatures (id, petition_id, email, email_canonical, name, country, \
         public, updates, state, emails_sent, created_at, confirmed_at) VALUES {}",
        rows.join(", ")
    ));

    assert_eq!(
        post_update(&app, &slug, "Big news", "Hello all")
            .await
            .status(),
        303
    );
    outbox_drained(&app).await;
    let received = app.mail.per_recipient();
    assert_eq!(received.len(), 650, "every signer who asked, no one else");
    assert!(received.values().all(|&n| n == 1), "each exactly once");
    assert!(received.keys().all(|to| {
        let n: usize = to[1..to.find('@').unwrap()].parse().unwrap();
        n.is_multiple_of(2)
    }));
    let history = app
        .get(&format!("/dashboard/petitions/{slug}/updates"))
        .await;
    assert!(history.body.contains("Emailed to 650"), "{}", history.body);
}

async fn the_organizer_hears_once_when_the_goal_is_reached(app: TestApp) {
    app.create_organizer("olga@example.org").await;
    assert_eq!(app.login("olga@example.org", PASSWORD).await.status(), 303);
    let token = app.get("/dashboard/petitions/new").await.csrf_token();
    let created = app
        .post_form(
            "/dashboard/petitions/new",
            &[
                ("title", "Two is enough"),
                ("summary", "A small goal."),
                ("body", "Text."),
                ("targets", "City Council"),
                ("goal", "2"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let slug = created.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/petitions/")
        .to_owned();

    supporter(&app, &slug, "one@example.com", false).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(app.mail.to("olga@example.org").is_empty(), "not yet");

    supporter(&app, &slug, "two@example.com", false).await;
    let mails = app.mail.wait_for("olga@example.org", 1).await;
    assert!(
        mails[0].subject.contains("reached its goal"),
        "{}",
        mails[0].subject
    );
    assert!(mails[0].text.contains("Two is enough"));
    mails[0].link_containing(&format!("/dashboard/petitions/{slug}/updates"));

    supporter(&app, &slug, "three@example.com", false).await;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    outbox_drained(&app).await;
    assert_eq!(app.mail.to("olga@example.org").len(), 1, "told once");
}

async fn a_hidden_petition_cannot_write_to_its_signers(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    supporter(&app, &slug, "news@example.com", true).await;
    let path = format!("/dashboard/petitions/{slug}/updates");
    let token = app.get(&path).await.csrf_token();
    app.db.execute(&format!(
        "UPDATE petitions SET hidden_at = '2026-11-30 00:00:00', hidden_reason = 'Spam' \
         WHERE slug = '{slug}'"
    ));
    let refused = app
        .post_form(
            &path,
            &[("subject", "Hi"), ("body", "Text"), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(refused.status(), 403);
    assert_eq!(app.db.count("petition_updates", "1 = 1"), 0);

    // One written before the hide waits until the petition is shown again.
    app.db.execute(&format!(
        "UPDATE petitions SET hidden_at = NULL, hidden_reason = NULL WHERE slug = '{slug}'"
    ));
    app.db.execute(&format!(
        "UPDATE petitions SET hidden_at = '2026-11-30 00:00:00' WHERE slug = '{slug}'"
    ));
    let petition_id = app
        .db
        .strings(&format!(
            "SELECT id AS value FROM petitions WHERE slug = '{slug}'"
        ))
        .remove(0);
    app.db.execute(&format!(
        "INSERT INTO petition_updates (id, petition_id, subject, body_markdown, body_html, \
         created_at, recipients) VALUES ('u1', '{petition_id}', 'Queued', 'Text', '<p>Text</p>', \
         '2030-01-01 00:00:00', 0)"
    ));
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        app.mail.to("news@example.com").len(),
        1,
        "only the confirmation"
    );
    app.db.execute(&format!(
        "UPDATE petitions SET hidden_at = NULL WHERE slug = '{slug}'"
    ));
    let mails = app.mail.wait_for("news@example.com", 2).await;
    assert!(mails[1].subject.contains("Queued"));
}
