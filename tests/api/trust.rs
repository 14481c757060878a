//! Only people confirm: opening a link from an email, by GET or HEAD, as
//! mail scanners do, changes nothing. The button or the password does.

use undersigned::config::RateLimit;
use undersigned::security::client_ip::TrustedProxies;

use crate::helpers::{
    free_port, signature, spawn_app_with_settings, Backend, MailSink, Page, TestApp, TestDb,
    PASSWORD,
};
use crate::process::{process_app, ServeConfig, ServerProcess};
use crate::{app_tests, on_both_backends};

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

on_both_backends!(
    wrong_passwords_from_other_networks_never_lock_the_owner_out,
    every_email_to_an_address_counts_toward_its_daily_cap,
    updates_count_toward_the_daily_cap_too,
    security_events_are_logged_with_addresses_masked,
);

app_tests!(
    a_password_reset_revokes_every_api_token_and_every_other_reset_link,
    api_tokens_expire_and_the_dashboard_says_when,
);

/// A token made on the dashboard by the logged-in organizer.
async fn dashboard_token(app: &TestApp, name: &str) -> String {
    let csrf = app.get("/dashboard/tokens").await.csrf_token();
    let made = app
        .post_form(
            "/dashboard/tokens",
            &[("name", name), ("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(made.status(), 201);
    Page::from(made)
        .await
        .attr("#new-token", "value")
        .expect("the new token is shown once")
}

async fn api_status(app: &TestApp, slug: &str, token: &str) -> u16 {
    app.client
        .get(app.url(&format!("/api/v1/petitions/{slug}/signatures")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The password-reset links among `mails`, which arrive in any order.
fn reset_links(mails: &[crate::smtp::ReceivedMail]) -> Vec<String> {
    let links: Vec<String> = mails
        .iter()
        .filter(|m| m.text.contains("/password/reset/"))
        .map(|m| m.link_containing("/password/reset/"))
        .collect();
    assert!(
        !links.is_empty(),
        "no reset link among {} mails",
        mails.len()
    );
    links
}

async fn ask_for_reset(app: &TestApp, email: &str) {
    let csrf = app.get("/password/forgot").await.csrf_token();
    let asked = app
        .post_form(
            "/password/forgot",
            &[("email", email), ("csrf_token", csrf.as_str())],
        )
        .await;
    assert_eq!(asked.status(), 200);
}

async fn a_password_reset_revokes_every_api_token_and_every_other_reset_link(app: TestApp) {
    let slug = app.petition("Tokens end with the password").await;
    let token = dashboard_token(&app, "Campaign CRM").await;
    assert_eq!(api_status(&app, &slug, &token).await, 200);

    // The owner hears of the new token.
    let owner = app
        .db
        .strings("SELECT email AS value FROM organizers")
        .remove(0);
    let owner = owner.as_str();
    let notice = &app.mail.wait_for(owner, 1).await[0];
    assert!(notice.subject.contains("API token"), "{}", notice.subject);
    assert!(notice.text.contains("Campaign CRM"), "{}", notice.text);
    assert!(notice
        .links()
        .iter()
        .any(|l| l.ends_with("/dashboard/tokens")));

    ask_for_reset(&app, owner).await;
    ask_for_reset(&app, owner).await;
    // The three mails may arrive in any order; either link will do.
    let links = reset_links(&app.mail.wait_for(owner, 3).await);
    let [second, first] = [&links[0], &links[1]].map(String::clone);
    assert_ne!(first, second);

    let path = second.strip_prefix(&app.address).unwrap();
    let csrf = app.get(path).await.csrf_token();
    let reset = app
        .post_form(
            path,
            &[
                ("password", "an entirely new passphrase for the account"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(reset.status(), 200);

    assert_eq!(
        api_status(&app, &slug, &token).await,
        401,
        "the token is revoked"
    );
    assert_eq!(app.follow(&first).await.status, 404, "the other link ended");
    let listed = app.get("/dashboard/tokens").await;
    assert_eq!(listed.status, 303, "logged out everywhere");
}

async fn api_tokens_expire_and_the_dashboard_says_when(app: TestApp) {
    let slug = app.petition("Tokens expire").await;
    let token = dashboard_token(&app, "Newsletter tool").await;
    assert_eq!(api_status(&app, &slug, &token).await, 200);

    // Ninety days from today by default, shown beside the token.
    let expires = app
        .db
        .strings("SELECT CAST(expires_at AS TEXT) AS value FROM api_tokens");
    let in_90_days = (time::OffsetDateTime::now_utc() + time::Duration::days(90)).date();
    assert!(
        expires[0].starts_with(&in_90_days.to_string()),
        "{expires:?}"
    );
    let page = app.get("/dashboard/tokens").await;
    let shown = page
        .text_of("td[data-label=Expires]")
        .expect("an expiry column");
    assert!(shown.contains(&in_90_days.year().to_string()), "{shown}");

    app.db
        .execute("UPDATE api_tokens SET expires_at = created_at");
    assert_eq!(api_status(&app, &slug, &token).await, 401);
    let page = app.get("/dashboard/tokens").await;
    assert!(page.body.contains("Expired"), "{}", page.body);
}

async fn wrong_passwords_from_other_networks_never_lock_the_owner_out(backend: Backend) {
    let Some(app) = spawn_app_with_settings(backend, |s| {
        s.server.trusted_proxies = TrustedProxies::parse(&["127.0.0.0/8"]).unwrap();
        // A tight ceiling for the account, so strangers reach it here.
        s.limits.login_per_account = RateLimit {
            burst: 5,
            per_minute: 0.01,
        };
    })
    .await
    else {
        return;
    };
    app.create_organizer("owner@example.org").await;
    // Everyone comes through the proxy, which names their network.
    let login_from = |network: String, password: &'static str| {
        let app = &app;
        async move {
            let csrf = app.get("/login").await.csrf_token();
            app.client
                .post(app.url("/login"))
                .header("X-Forwarded-For", network)
                .form(&[
                    ("email", "owner@example.org"),
                    ("password", password),
                    ("csrf_token", csrf.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let home = || "203.0.113.7".to_owned();
    // The owner has logged in from home before.
    assert_eq!(login_from(home(), PASSWORD).await, 303);
    // Eleven strangers, each from a network of their own, guess wrong: the
    // first four are told so (the owner's login took the fifth attempt),
    // then the account's ceiling refuses them.
    let wrong = "a wrong guess at it";
    for n in 1..=11 {
        let expected = if n <= 4 { 401 } else { 429 };
        let status = login_from(format!("198.51.100.{n}"), wrong).await;
        assert_eq!(status, expected, "stranger {n}");
    }
    // The owner, from theirs, still gets in, and may still ask for a reset.
    assert_eq!(login_from(home(), PASSWORD).await, 303);
    ask_for_reset(&app, "owner@example.org").await;
    assert_eq!(login_from("198.51.100.12".into(), wrong).await, 429);
}

async fn every_email_to_an_address_counts_toward_its_daily_cap(backend: Backend) {
    let Some(app) = spawn_app_with_settings(backend, |s| {
        s.limits.emails_per_address_per_day = 3;
        // Request limits out of the way: the cap on mail is what is tried.
        s.limits.signup_per_address.burst = 100;
        s.limits.signup_per_ip.burst = 100;
        s.limits.password_reset_per_address.burst = 100;
        s.limits.password_reset_per_ip.burst = 100;
    })
    .await
    else {
        return;
    };
    let flood = "a passphrase nobody will guess";
    sign_up(&app, "flooded@example.org", flood).await;
    for _ in 0..4 {
        ask_for_reset(&app, "flooded@example.org").await;
    }
    for _ in 0..7 {
        sign_up(&app, "flooded@example.org", flood).await;
    }
    app.mail.wait_for("flooded@example.org", 3).await;
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    assert_eq!(app.mail.to("flooded@example.org").len(), 3);
    // A reset link held back by the cap is valid for its hour from when
    // it goes, not from when it was asked for.
    let held = app.db.count(
        "email_outbox",
        "sent_at IS NULL AND due_since > created_at AND action_url LIKE '%/password/reset/%'",
    );
    assert!(held > 0, "a reset email is held back");
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let lifetimes: Vec<time::Duration> = app
        .db
        .strings(
            "SELECT CAST(created_at AS TEXT) || '|' || CAST(expires_at AS TEXT) AS value \
             FROM tokens WHERE purpose = 'reset_password'",
        )
        .iter()
        .map(|row| {
            let (made, ends) = row.split_once('|').unwrap();
            let at = |t: &str| time::PrimitiveDateTime::parse(&t[..19], &format).unwrap();
            at(ends) - at(made)
        })
        .collect();
    assert!(
        lifetimes.iter().any(|l| *l > time::Duration::hours(2)),
        "{lifetimes:?}"
    );
}

async fn security_events_are_logged_with_addresses_masked(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        return;
    };
    let mail = MailSink::start().await;
    let port = mail.port();
    let config = ServeConfig::new(db.url(), free_port(), port).env("RUST_LOG", "info");
    let server = ServerProcess::start(&config).await;
    let app = process_app(&config, db, mail);
    app.create_organizer("olga@example.org").await;
    assert_eq!(
        app.login("olga@example.org", "not it at all")
            .await
            .status(),
        401
    );
    assert_eq!(app.login("olga@example.org", PASSWORD).await.status(), 303);
    dashboard_token(&app, "Campaign CRM").await;
    let tokens = app.get("/dashboard/tokens").await;
    let revoke = tokens
        .attr("form[action$='/revoke']", "action")
        .expect("a revoke form");
    let csrf = tokens.csrf_token();
    let revoked = app
        .post_form(&revoke, &[("csrf_token", csrf.as_str())])
        .await;
    assert_eq!(revoked.status(), 303);

    ask_for_reset(&app, "olga@example.org").await;
    // The token notice and the reset link may arrive in either order.
    let link = reset_links(&app.mail.wait_for("olga@example.org", 2).await).remove(0);
    let path = link.strip_prefix(&app.address).unwrap().to_owned();
    let csrf = app.get(&path).await.csrf_token();
    let new_password = "an entirely new passphrase for olga";
    let reset = app
        .post_form(&path, &[("password", new_password), ("csrf_token", &csrf)])
        .await;
    assert_eq!(reset.status(), 200);

    // An admin promotes her, and hides and shows a petition.
    let slug = app.petition("Audited").await;
    app.create_admin("boss@example.org").await;
    assert_eq!(app.login("boss@example.org", PASSWORD).await.status(), 303);
    let admin_form = |path: String, fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let mut fields = fields;
            fields.push(("csrf_token", app.get("/dashboard").await.csrf_token()));
            app.post_form(&path, &fields).await.status()
        }
    };
    let promote = vec![("email", "olga@example.org".to_owned())];
    assert_eq!(
        admin_form("/admin/organizers/promote".into(), promote).await,
        303
    );
    let hide = vec![("reason", "Checking the audit log".to_owned())];
    assert_eq!(
        admin_form(format!("/admin/petitions/{slug}/hide"), hide).await,
        303
    );
    assert_eq!(
        admin_form(format!("/admin/petitions/{slug}/unhide"), vec![]).await,
        303
    );

    let log = server.log();
    let events: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("security event"))
        .collect();
    let has = |action: &str, outcome: &str| {
        events.iter().any(|l| {
            l.contains(&format!("action=\"{action}\""))
                && l.contains(&format!("outcome={outcome}"))
                && l.contains("client_ip=127.0.0.1")
        })
    };
    assert!(has("login", "failure"), "{log}");
    assert!(has("login", "success"), "{log}");
    assert!(has("api_token_created", "success"), "{log}");
    assert!(has("password_reset_requested", "success"), "{log}");
    assert!(has("api_token_revoked", "success"), "{log}");
    assert!(has("password_reset", "success"), "{log}");
    assert!(has("admin_promoted", "success"), "{log}");
    assert!(has("petition_hidden", "success"), "{log}");
    assert!(has("petition_unhidden", "success"), "{log}");
    assert!(
        events.iter().any(|l| l.contains("o***@example.org")),
        "{log}"
    );
    assert!(
        !log.contains("olga@example.org"),
        "an address in the log:\n{log}"
    );
}

app_tests!(mail_carries_the_headers_providers_trust,);

async fn mail_carries_the_headers_providers_trust(app: TestApp) {
    let slug = app.petition("Mail by the book").await;
    // A Korean signer, who asks for news.
    assert_eq!(app.get("/?lang=ko").await.status, 200);
    let mut fields = signature("minji@example.com");
    fields.insert("updates", "on".into());
    assert_eq!(app.sign(&slug, &fields).await.status(), 303);
    let confirmation = app.mail.wait_for("minji@example.com", 1).await.remove(0);
    assert_eq!(
        confirmation.header("Content-Language").as_deref(),
        Some("ko")
    );
    assert!(
        confirmation.html.contains("<title>"),
        "{}",
        confirmation.html
    );
    assert!(
        confirmation.html.contains("<head>"),
        "{}",
        confirmation.html
    );
    let host = app
        .address
        .trim_start_matches("http://")
        .split(':')
        .next()
        .unwrap()
        .to_owned();
    let id = confirmation.header("Message-ID").expect("a Message-ID");
    assert!(
        id.starts_with('<') && id.ends_with(&format!("@{host}>")),
        "{id}"
    );
    assert_eq!(app.get("/?lang=en").await.status, 200);
    app.confirm(&confirmation.link_containing("/signatures/confirm/"))
        .await;

    // An update carries its list's id, in the signer's language, and no
    // remote image that would tell who opened it.
    let path = format!("/dashboard/petitions/{slug}/updates");
    let csrf = app.get(&path).await.csrf_token();
    let body = "We met the council.\n\n![](https://tracker.example/open.gif?who=signer)";
    let posted = app
        .post_form(
            &path,
            &[("subject", "News"), ("body", body), ("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(posted.status(), 303);
    let update = app.mail.wait_for("minji@example.com", 2).await.remove(1);
    assert_eq!(
        update.header("List-Id"),
        Some(format!("<{slug}.updates.{host}>"))
    );
    assert_eq!(update.header("Content-Language").as_deref(), Some("ko"));
    assert_ne!(
        update.header("Message-ID"),
        confirmation.header("Message-ID")
    );
    assert!(!update.html.contains("tracker.example"), "{}", update.html);
    assert!(!update.text.contains("tracker.example"), "{}", update.text);
    // The page itself keeps the image, behind its Content-Security-Policy.
    let page = app.get(&format!("/petitions/{slug}")).await;
    assert!(page.body.contains("tracker.example"), "{}", page.body);
}

on_both_backends!(one_client_with_many_live_streams_cannot_knock_the_site_over,);

async fn one_client_with_many_live_streams_cannot_knock_the_site_over(backend: Backend) {
    let Some(app) = spawn_app_with_settings(backend, |s| {
        s.live.max_streams_per_client = 20;
        s.live.max_streams = 30;
        // A departed client is noticed when the next heartbeat fails.
        s.live.heartbeat_ms = 200;
        s.server.trusted_proxies = TrustedProxies::parse(&["127.0.0.0/8"]).unwrap();
    })
    .await
    else {
        return;
    };
    let slug = app.petition("Many tabs").await;
    let live = app.url(&format!("/petitions/{slug}/live"));
    let open = |from: &'static str| {
        let request = app.client.get(&live).header("X-Forwarded-For", from);
        async move { request.send().await.unwrap() }
    };
    // One client opens its share and then some: the rest are refused.
    let mut streams = Vec::new();
    for _ in 0..20 {
        let stream = open("198.51.100.7").await;
        assert_eq!(stream.status(), 200);
        streams.push(stream);
    }
    let refused = open("198.51.100.7").await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("Too many live counts"));

    // Others still get theirs, up to the instance's cap.
    for _ in 0..10 {
        let stream = open("203.0.113.5").await;
        assert_eq!(stream.status(), 200);
        streams.push(stream);
    }
    assert_eq!(open("192.0.2.44").await.status(), 503);

    // Everything else still answers.
    assert_eq!(app.get("/health").await.status, 200);
    assert_eq!(app.get(&format!("/petitions/{slug}")).await.status, 200);

    // A closed stream gives its place back.
    streams.truncate(0);
    let mut reopened = None;
    for _ in 0..50 {
        let stream = open("198.51.100.7").await;
        if stream.status() == 200 {
            reopened = Some(stream);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(reopened.is_some(), "the seats came back");
}

app_tests!(
    a_bot_filling_the_honeypot_gets_exactly_the_answer_a_person_would,
    language_links_never_leave_the_site,
);

async fn a_bot_filling_the_honeypot_gets_exactly_the_answer_a_person_would(app: TestApp) {
    let slug = app.petition("No bots").await;
    // A mistyped address: a person gets 422, and so does the bot.
    let mut person = signature("not an address");
    let bad_person = Page::from(app.sign(&slug, &person).await).await;
    assert_eq!(bad_person.status, 422);
    person.insert("website", "http://spam.example".into());
    let bad_bot = Page::from(app.sign(&slug, &person).await).await;
    assert_eq!(bad_bot.status, 422);
    assert_eq!(
        bad_bot.text_of(".error-summary"),
        bad_person.text_of(".error-summary")
    );

    // No such petition: 404 for both, through the API.
    let api = |slug: &str, website: Option<&str>| {
        let mut body = serde_json::json!({
            "name": "Jo Signer", "email": "jo@example.com", "country": "DE"
        });
        if let Some(website) = website {
            body["website"] = website.into();
        }
        app.client
            .post(app.url(&format!("/api/v1/petitions/{slug}/signatures")))
            .json(&body)
            .send()
    };
    assert_eq!(api("no-such-petition", None).await.unwrap().status(), 404);
    let bot = api("no-such-petition", Some("http://spam.example"))
        .await
        .unwrap();
    assert_eq!(bot.status(), 404);
    // A valid one: 202 for both, and only the person's is recorded.
    assert_eq!(api(&slug, None).await.unwrap().status(), 202);
    assert_eq!(
        api(&slug, Some("http://spam.example"))
            .await
            .unwrap()
            .status(),
        202
    );
    assert_eq!(app.db.count("signatures", "1 = 1"), 1);
}

async fn language_links_never_leave_the_site(app: TestApp) {
    for path in ["//evil.example/x", "/%5Cevil.example/x"] {
        let page = app.get(path).await;
        assert_eq!(page.status, 404);
        let links: Vec<String> = page
            .html()
            .select(&scraper::Selector::parse("nav.languages a").unwrap())
            .filter_map(|a| a.value().attr("href").map(str::to_owned))
            .collect();
        assert_eq!(links.len(), 2, "{}", page.body);
        for link in links {
            assert!(
                link.starts_with('/') && !link.starts_with("//") && !link.starts_with("/\\"),
                "{link}"
            );
        }
    }
}

async fn updates_count_toward_the_daily_cap_too(backend: Backend) {
    let Some(app) = spawn_app_with_settings(backend, |s| {
        s.limits.emails_per_address_per_day = 2;
    })
    .await
    else {
        return;
    };
    let slug = app.petition("Capped news").await;
    let mut fields = signature("reader@example.com");
    fields.insert("updates", "on".into());
    app.sign(&slug, &fields).await;
    app.confirm(&app.confirmation_link("reader@example.com", 1).await)
        .await;
    let path = format!("/dashboard/petitions/{slug}/updates");
    for subject in ["First news", "Second news"] {
        let csrf = app.get(&path).await.csrf_token();
        let posted = app
            .post_form(
                &path,
                &[
                    ("subject", subject),
                    ("body", "Thank you."),
                    ("csrf_token", &csrf),
                ],
            )
            .await;
        assert_eq!(posted.status(), 303);
    }
    // The confirmation and the first update use the day's two; the second
    // update waits for the next free slot.
    app.mail.wait_for("reader@example.com", 2).await;
    for _ in 0..100 {
        if app.db.count("petition_updates", "delivered_at IS NULL") == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(1_000)).await;
    assert_eq!(app.mail.to("reader@example.com").len(), 2);
    assert_eq!(
        app.db
            .count("email_outbox", "sent_at IS NULL AND due_since > created_at"),
        1,
        "the second update is held back"
    );
}
