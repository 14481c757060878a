//! Bots and fraud: the honeypot.

use std::time::Duration;

use crate::app_tests;
use crate::helpers::{signature, Page, TestApp};

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

app_tests!(the_other_forms_that_send_email_have_the_honeypot_too,);

/// Posts `form` to `path` with the token of the form on that page, and
/// `website` as the honeypot's value.
async fn submit_with_honeypot(
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
    website: &str,
) -> Page {
    let token = app.get(path).await.csrf_token();
    let mut fields = form.to_vec();
    fields.extend([("csrf_token", token.as_str()), ("website", website)]);
    Page::from(app.post_form(path, &fields).await).await
}

/// What a page says, with `email` written as EMAIL: the answers to two
/// addresses, compared.
fn said(page: &Page, email: &str) -> (u16, String) {
    let text = page
        .text_of("main")
        .expect("the page has a main")
        .replace(email, "EMAIL");
    (page.status, text)
}

async fn the_other_forms_that_send_email_have_the_honeypot_too(app: TestApp) {
    for path in ["/signup", "/password/forgot"] {
        let page = app.get(path).await;
        assert_eq!(
            page.attr("#website", "tabindex").as_deref(),
            Some("-1"),
            "{path}"
        );
        assert_eq!(
            page.attr(".honeypot", "aria-hidden").as_deref(),
            Some("true"),
            "{path}"
        );
    }

    // Signing up: the bot is told to check its inbox like the person, and
    // no account, token or email comes of it.
    let sign_up = |email: &'static str| {
        [
            ("name", "Nadia Organizer"),
            ("email", email),
            ("password", "violet kettle orbits the sundial 91"),
        ]
    };
    let bot = submit_with_honeypot(
        &app,
        "/signup",
        &sign_up("bot@example.org"),
        "http://spam.example",
    )
    .await;
    let person = submit_with_honeypot(&app, "/signup", &sign_up("nadia@example.org"), "").await;
    assert_eq!(person.status, 200, "{}", person.body);
    assert_eq!(
        said(&bot, "bot@example.org"),
        said(&person, "nadia@example.org")
    );
    // Input a person would be told to correct, the bot is told to as well.
    let careless = submit_with_honeypot(&app, "/signup", &sign_up("not an address"), "x").await;
    assert_eq!(careless.status, 422);

    // A forgotten password: the same page, and no reset link.
    app.create_organizer("olga@example.org").await;
    let forgot = [("email", "olga@example.org")];
    let bot = submit_with_honeypot(&app, "/password/forgot", &forgot, "x").await;
    let person = submit_with_honeypot(&app, "/password/forgot", &forgot, "").await;
    assert_eq!(person.status, 200, "{}", person.body);
    assert_eq!(
        said(&bot, "olga@example.org"),
        said(&person, "olga@example.org")
    );

    app.mail.wait_for("nadia@example.org", 1).await;
    app.mail.wait_for("olga@example.org", 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(app.mail.to("bot@example.org").is_empty());
    assert_eq!(app.mail.to("olga@example.org").len(), 1);
    assert_eq!(app.db.count("organizers", "email = 'bot@example.org'"), 0);
    assert_eq!(app.db.count("tokens", "purpose = 'verify_organizer'"), 1);
    assert_eq!(app.db.count("tokens", "purpose = 'reset_password'"), 1);

    let metrics = app.get("/metrics").await;
    assert!(
        metrics
            .body
            .contains("undersigned_honeypot_submissions_total 2"),
        "{}",
        metrics.body
    );
}

app_tests!(public_reads_and_signing_allow_any_origin_and_nothing_else_does,);

async fn public_reads_and_signing_allow_any_origin_and_nothing_else_does(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let origin = "https://blog.example";
    let anywhere = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let allowed = |r: &reqwest::Response| {
        r.headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    for path in [
        "/api/v1/petitions".to_owned(),
        format!("/api/v1/petitions/{slug}"),
        format!("/api/v1/petitions/{slug}/count"),
    ] {
        let read = anywhere
            .get(app.url(&path))
            .header("origin", origin)
            .send()
            .await
            .unwrap();
        assert_eq!(read.status(), 200, "{path}");
        assert_eq!(allowed(&read).as_deref(), Some("*"), "{path}");
    }

    // A script on another site may sign: the preflight passes, and so
    // does the POST.
    let path = format!("/api/v1/petitions/{slug}/signatures");
    let preflight = anywhere
        .request(reqwest::Method::OPTIONS, app.url(&path))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(allowed(&preflight).as_deref(), Some("*"));
    let signed = anywhere
        .post(app.url(&path))
        .header("origin", origin)
        .json(
            &serde_json::json!({"name": "Jane Doe", "email": "jane@example.com", "country": "DE"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 202);
    assert_eq!(allowed(&signed).as_deref(), Some("*"));

    // Nothing else: pages, the dashboard, or other methods.
    for path in [
        format!("/petitions/{slug}"),
        "/dashboard".to_owned(),
        "/login".to_owned(),
    ] {
        let response = anywhere
            .get(app.url(&path))
            .header("origin", origin)
            .send()
            .await
            .unwrap();
        assert_eq!(allowed(&response), None, "{path}");
    }
    let other_method = anywhere
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/petitions"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(allowed(&other_method), None);
}

app_tests!(the_sign_form_says_who_gets_the_details_and_links_the_privacy_notice,);

async fn the_sign_form_says_who_gets_the_details_and_links_the_privacy_notice(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    for path in [
        format!("/petitions/{slug}"),
        format!("/petitions/{slug}/embed"),
    ] {
        let page = app.get(&path).await;
        let consent = page.text_of("#consent").expect("a consent line");
        assert!(
            consent.contains("organizer of this petition receives"),
            "{consent}"
        );
        assert_eq!(page.attr("#consent a", "href").as_deref(), Some("/privacy"));
        assert_eq!(
            page.attr("form button[type=submit]", "aria-describedby")
                .as_deref(),
            Some("consent")
        );
    }
    let privacy = app.get("/privacy").await;
    assert_eq!(privacy.status, 200);
    assert!(privacy.body.contains("Withdraw your signature"));
    assert_eq!(
        app.get("/")
            .await
            .attr("footer a[href=\"/privacy\"]", "href")
            .as_deref(),
        Some("/privacy")
    );
}

app_tests!(signers_of_long_closed_petitions_are_made_anonymous_and_still_count,);

async fn signers_of_long_closed_petitions_are_made_anonymous_and_still_count(app: TestApp) {
    let old = app.petition("Closed long ago").await;
    let recent = app.create_petition("Closed last week", "").await;
    for (slug, email) in [
        (&old, "ana@example.com"),
        (&old, "ben@example.com"),
        (&recent, "cy@example.com"),
    ] {
        app.sign(slug, &signature(email)).await;
        let link = app.confirmation_link(email, 1).await;
        assert_eq!(app.confirm(&link).await.status, 200);
    }
    app.db.execute(&format!(
        "UPDATE petitions SET state = 'closed', closed_at = '2025-01-01 00:00:00' WHERE slug = '{old}'"
    ));
    app.db.execute(&format!(
        "UPDATE petitions SET state = 'closed', closed_at = '2026-11-20 00:00:00' WHERE slug = '{recent}'"
    ));

    let run = crate::helpers::run_cli(app.db.url(), &["anonymise"], "").await;
    assert!(run.status.success(), "{run:?}");
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(out.starts_with("2 signature(s) anonymised"), "{out}");

    assert_eq!(
        app.db.count(
            "signatures",
            "email = '' AND name = '' AND postcode IS NULL AND ip IS NULL"
        ),
        2
    );
    assert_eq!(app.db.count("signatures", "email LIKE '%@example.com'"), 1);
    assert_eq!(
        app.db
            .count("signatures", "country = 'DE' AND state = 'confirmed'"),
        3
    );
    assert_eq!(app.count(&old).await, 2, "the count stays");
    let csv = app
        .get(&format!("/dashboard/petitions/{old}/signatures.csv"))
        .await;
    assert!(!csv.body.contains("ana@example.com"));

    let again = crate::helpers::run_cli(app.db.url(), &["anonymise"], "").await;
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("0 signature(s)"));
}

crate::on_both_backends!(disposable_addresses_are_refused_when_the_operator_asks);

async fn disposable_addresses_are_refused_when_the_operator_asks(backend: crate::helpers::Backend) {
    // Off by default: the same address signs.
    let Some(app) = crate::helpers::spawn_app(backend).await else {
        return;
    };
    let slug = app.petition("Save the bees").await;
    assert_eq!(
        app.sign(&slug, &signature("pat@mailinator.com"))
            .await
            .status(),
        303
    );

    let Some(app) = crate::helpers::spawn_app_with_settings(backend, |s| {
        s.fraud.block_disposable_emails = true;
    })
    .await
    else {
        return;
    };
    let slug = app.petition("Save the bees").await;
    for address in ["pat@mailinator.com", "pat@inbox.mailinator.com"] {
        let refused = app.sign(&slug, &signature(address)).await;
        assert_eq!(refused.status(), 422, "{address}");
        let page = crate::helpers::Page::from(refused).await;
        assert!(
            page.body.contains("disposable email services"),
            "{}",
            page.body
        );
        assert_eq!(page.attr("#email", "value").as_deref(), Some(address));
    }
    let api = app
        .post_json(
            &format!("/api/v1/petitions/{slug}/signatures"),
            &serde_json::json!({"name": "Pat", "email": "pat@mailinator.com", "country": "DE"}),
        )
        .await;
    assert_eq!(api.status(), 422);
    let body: serde_json::Value = api.json().await.unwrap();
    assert!(body["error"]["fields"]["email"]
        .as_str()
        .unwrap()
        .contains("disposable"));

    assert_eq!(
        app.sign(&slug, &signature("pat@example.com"))
            .await
            .status(),
        303
    );
    assert_eq!(app.db.count("signatures", "1 = 1"), 1);
}

crate::on_both_backends!(the_reconciler_repairs_a_count_changed_behind_its_back);
crate::on_both_backends!(the_reconciler_reports_a_signature_the_public_log_lacks);

async fn the_reconciler_reports_a_signature_the_public_log_lacks(backend: crate::helpers::Backend) {
    let Some(app) = crate::helpers::spawn_app_with_settings(backend, |s| {
        s.counts.reconcile_every_s = 1;
    })
    .await
    else {
        return;
    };
    let slug = app.petition("Save the bees").await;
    app.sign(&slug, &signature("ana@example.com")).await;
    let link = app.confirmation_link("ana@example.com", 1).await;
    app.confirm(&link).await;
    // An honest log shows no gap; a confirmed row it never heard of shows
    // as one signature.
    app.get_when("/metrics", |p| {
        p.body.contains("undersigned_public_log_gap 0\n")
    })
    .await;
    app.db.forge_confirmed_signature();
    app.get_when("/metrics", |p| {
        p.body.contains("undersigned_public_log_gap 1\n")
    })
    .await;
    // It corrects the count, never the log.
    assert_eq!(app.db.log_entries("add"), 1);
}

async fn the_reconciler_repairs_a_count_changed_behind_its_back(backend: crate::helpers::Backend) {
    let Some(app) = crate::helpers::spawn_app_with_settings(backend, |s| {
        s.counts.reconcile_every_s = 1;
    })
    .await
    else {
        return;
    };
    let slug = app.petition("Save the bees").await;
    for email in ["ana@example.com", "ben@example.com"] {
        app.sign(&slug, &signature(email)).await;
        let link = app.confirmation_link(email, 1).await;
        app.confirm(&link).await;
    }
    assert_eq!(app.count(&slug).await, 2);
    app.db.execute(&format!(
        "UPDATE signature_count_shards SET confirmed = confirmed + 5 \
         WHERE shard = 0 AND petition_id = (SELECT id FROM petitions WHERE slug = '{slug}')"
    ));
    let mut repaired = false;
    for _ in 0..100 {
        let metrics = app.get("/metrics").await.body;
        if metrics.contains("undersigned_count_drift_total 5") && app.count(&slug).await == 2 {
            repaired = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        repaired,
        "the drift of 5 was found and the count put back to 2"
    );
    let shards = app.db.strings(&format!(
        "SELECT CAST(SUM(confirmed) AS TEXT) AS value FROM signature_count_shards \
         WHERE petition_id = (SELECT id FROM petitions WHERE slug = '{slug}')"
    ));
    assert_eq!(shards, ["2"]);
}
