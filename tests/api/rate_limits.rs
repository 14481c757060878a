//! Rate limits under `limits`, the trusted-proxy rule for the client IP, and
//! the switch that turns the limits off.

use reqwest::Response;
use serde_json::{json, Value};
use undersigned::config::{RateLimit, Settings};
use undersigned::security::client_ip::TrustedProxies;

use crate::helpers::{signature, spawn_app_with_settings, Backend, Page, TestApp, PASSWORD};
use crate::on_both_backends;

on_both_backends!(
    mail_past_the_daily_cap_per_address_waits_then_is_not_sent,
    signing_over_the_per_petition_limit_gets_429_and_keeps_the_form,
    api_signing_over_the_limit_gets_429_json,
    login_is_limited_per_account_and_per_ip,
    switched_off_limits_let_everything_through,
    forwarded_for_is_believed_only_from_trusted_proxies,
);

/// A limit of `burst` at once, then one per 100 minutes: never refilled
/// within a test.
fn tight(burst: u32) -> RateLimit {
    RateLimit {
        burst,
        per_minute: 0.01,
    }
}

async fn spawn(backend: Backend, configure: impl FnOnce(&mut Settings)) -> Option<TestApp> {
    spawn_app_with_settings(backend, configure).await
}

/// The `Retry-After` seconds of a refused response.
fn retry_after(response: &Response) -> u64 {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After is a number of seconds")
}

async fn sign_api(app: &TestApp, slug: &str, email: &str, forwarded_for: Option<&str>) -> Response {
    let mut request = app
        .client
        .post(app.url(&format!("/api/v1/petitions/{slug}/signatures")))
        .json(&json!({"name": "Jo Signer", "email": email, "country": "DE"}));
    if let Some(header) = forwarded_for {
        request = request.header("X-Forwarded-For", header);
    }
    request.send().await.unwrap()
}

fn stored_ips(app: &TestApp) -> Vec<String> {
    let mut ips: Vec<String> = app
        .db
        .strings("SELECT COALESCE(ip, 'none') AS value FROM signatures");
    assert!(
        !ips.iter().any(|ip| ip == "none"),
        "every signature has an IP"
    );
    ips.sort();
    ips
}

async fn signing_over_the_per_petition_limit_gets_429_and_keeps_the_form(backend: Backend) {
    let Some(app) = spawn(backend, |s| s.limits.sign_per_ip_per_petition = tight(2)).await else {
        return;
    };
    let slug = app.petition("Limited bees").await;
    let other = app.create_petition("Unlimited trees", "").await;
    for i in 0..2 {
        let response = app
            .sign(&slug, &signature(&format!("ok{i}@example.com")))
            .await;
        assert_eq!(response.status(), 303);
    }

    let mut fields = signature("third@example.com");
    fields.insert("name", "Zoë Third".into());
    fields.insert("comment", "Still here.".into());
    let response = app.sign(&slug, &fields).await;
    assert_eq!(response.status(), 429);
    let wait = retry_after(&response);
    assert!((61..=6000).contains(&wait), "Retry-After: {wait}");
    let page = Page::from(response).await;
    assert!(page.body.contains("Too many signatures"), "{}", page.body);
    assert_eq!(page.attr("#name", "value").unwrap(), "Zoë Third");
    assert_eq!(page.attr("#email", "value").unwrap(), "third@example.com");
    assert_eq!(page.attr("#postcode", "value").unwrap(), "10115");
    assert_eq!(page.text_of("#comment").unwrap(), "Still here.");
    assert_eq!(page.attr("#public", "checked").as_deref(), Some(""));
    assert!(!page.csrf_token().is_empty());

    // Nothing was recorded, and the limit is per petition.
    let refused = app.db.count("signatures", "email = 'third@example.com'");
    assert_eq!(refused, 0);
    assert_eq!(app.sign(&other, &fields).await.status(), 303);
}

async fn api_signing_over_the_limit_gets_429_json(backend: Backend) {
    let Some(app) = spawn(backend, |s| s.limits.sign_per_ip = tight(2)).await else {
        return;
    };
    let slug = app.petition("Limited API").await;
    let other = app.create_petition("Also limited", "").await;
    assert_eq!(
        sign_api(&app, &slug, "a@example.com", None).await.status(),
        202
    );
    assert_eq!(
        sign_api(&app, &other, "b@example.com", None).await.status(),
        202
    );

    // The overall limit covers every petition.
    let response = sign_api(&app, &other, "c@example.com", None).await;
    assert_eq!(response.status(), 429);
    assert!(retry_after(&response) > 60);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited", "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("Wait"));
    assert_eq!(stored_ips(&app).len(), 2);

    // The form shares the limit and answers with a page.
    let response = app.sign(&slug, &signature("d@example.com")).await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));

    // Both refusals are counted for the operators, by limit.
    let metrics = app.get("/metrics").await.body;
    assert!(
        metrics.contains(r#"undersigned_rate_limited_total{limit="sign_per_ip"} 2"#),
        "{metrics}"
    );
}

async fn login(app: &TestApp, email: &str, password: &str) -> (u16, Option<u64>, Page) {
    let response = app.login(email, password).await;
    let wait = response
        .headers()
        .contains_key("retry-after")
        .then(|| retry_after(&response));
    let status = response.status().as_u16();
    (status, wait, Page::from(response).await)
}

async fn login_is_limited_per_account_and_per_ip(backend: Backend) {
    let Some(app) = spawn(backend, |s| {
        s.limits.login_per_account = tight(2);
        s.limits.login_per_ip = tight(5);
    })
    .await
    else {
        return;
    };
    app.create_organizer("olga@example.org").await;
    for _ in 0..2 {
        let (status, _, _) = login(&app, "olga@example.org", "not the password").await;
        assert_eq!(status, 401);
    }
    // Over the account's limit, even the right password is refused, before
    // any hashing, and the form keeps the email.
    let (status, wait, page) = login(&app, "OLGA@example.org", PASSWORD).await;
    assert_eq!(status, 429);
    assert!(wait.unwrap() > 60);
    assert!(
        page.body
            .contains("too many login attempts for this account"),
        "{}",
        page.body
    );
    assert_eq!(page.attr("#email", "value").unwrap(), "OLGA@example.org");
    assert!(!page.csrf_token().is_empty());
    assert_eq!(app.get("/dashboard").await.status, 303);

    // Other accounts still get in from this address, until its own limit.
    for email in ["other@example.org", "third@example.org"] {
        let (status, wait, _) = login(&app, email, "not the password").await;
        assert_eq!((status, wait), (401, None));
    }
    let (status, wait, page) = login(&app, "fourth@example.org", "not the password").await;
    assert_eq!(status, 429);
    assert!(wait.is_some());
    assert!(page
        .body
        .contains("too many login attempts from your network"));
    assert_eq!(page.attr("#email", "value").unwrap(), "fourth@example.org");
}

async fn switched_off_limits_let_everything_through(backend: Backend) {
    let Some(app) = spawn(backend, |s| {
        s.limits.enabled = false;
        s.limits.sign_per_ip = tight(1);
        s.limits.sign_per_ip_per_petition = tight(1);
        s.limits.login_per_ip = tight(1);
        s.limits.login_per_account = tight(1);
    })
    .await
    else {
        return;
    };
    app.create_organizer("olga@example.org").await;
    for _ in 0..3 {
        let (status, _, _) = login(&app, "olga@example.org", "not the password").await;
        assert_eq!(status, 401);
    }
    assert_eq!(app.login("olga@example.org", PASSWORD).await.status(), 303);
    let slug = app.create_petition("No limits", "").await;
    for i in 0..3 {
        let form = app
            .sign(&slug, &signature(&format!("form{i}@example.com")))
            .await;
        assert_eq!(form.status(), 303);
        let api = sign_api(&app, &slug, &format!("api{i}@example.com"), None).await;
        assert_eq!(api.status(), 202);
    }
    assert_eq!(stored_ips(&app).len(), 6);
}

async fn forwarded_for_is_believed_only_from_trusted_proxies(backend: Backend) {
    // No trusted proxies (the default): the header is anyone's to forge, so
    // the socket address is the client, for the limit and for the record.
    let Some(direct) = spawn(backend, |s| s.limits.sign_per_ip = tight(1)).await else {
        return;
    };
    let slug = direct.petition("Direct").await;
    let first = sign_api(&direct, &slug, "a@example.com", Some("203.0.113.7")).await;
    assert_eq!(first.status(), 202);
    let forged = sign_api(&direct, &slug, "b@example.com", Some("203.0.113.8")).await;
    assert_eq!(forged.status(), 429);
    assert_eq!(stored_ips(&direct), ["127.0.0.1"]);

    // Behind a trusted proxy, the right-most address it did not add is the
    // client; what the client put further left is ignored.
    let Some(proxied) = spawn(backend, |s| {
        s.limits.sign_per_ip = tight(1);
        s.server.trusted_proxies = TrustedProxies::parse(&["127.0.0.0/8"]).unwrap();
    })
    .await
    else {
        return;
    };
    let slug = proxied.petition("Proxied").await;
    let spoofed = "198.51.100.1, 203.0.113.7";
    assert_eq!(
        sign_api(&proxied, &slug, "a@example.com", Some(spoofed))
            .await
            .status(),
        202
    );
    assert_eq!(
        sign_api(&proxied, &slug, "b@example.com", Some("203.0.113.8"))
            .await
            .status(),
        202
    );
    let again = sign_api(&proxied, &slug, "c@example.com", Some("203.0.113.7")).await;
    assert_eq!(again.status(), 429);
    // Without the header, the proxy itself is the client.
    assert_eq!(
        sign_api(&proxied, &slug, "d@example.com", None)
            .await
            .status(),
        202
    );
    assert_eq!(
        stored_ips(&proxied),
        ["127.0.0.1", "203.0.113.7", "203.0.113.8"]
    );
}

async fn mail_past_the_daily_cap_per_address_waits_then_is_not_sent(backend: Backend) {
    let Some(app) = spawn(backend, |s| s.limits.emails_per_address_per_day = 1).await else {
        return;
    };
    // One address signs three petitions: every signature is acknowledged.
    let mut slugs = vec![app.petition("First").await];
    slugs.push(app.create_petition("Second", "").await);
    slugs.push(app.create_petition("Third", "").await);
    for slug in &slugs {
        assert_eq!(
            app.sign(slug, &signature("busy@example.com"))
                .await
                .status(),
            303
        );
    }
    assert_eq!(app.db.count("signatures", "email = 'busy@example.com'"), 3);

    // The first email goes now, the second waits a day, the third is not
    // queued at all.
    app.mail.wait_for("busy@example.com", 1).await;
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    assert_eq!(app.mail.to("busy@example.com").len(), 1);
    assert_eq!(app.db.count("email_outbox", "sent_at IS NULL"), 1);
    assert_eq!(
        app.db
            .count("email_outbox", "sent_at IS NULL AND due_since > created_at"),
        1,
        "the waiting email is held back"
    );
}
