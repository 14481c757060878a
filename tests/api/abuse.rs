//! Abuse review for admins: a petition's recent signatures by IP address,
//! email domain and country, and invalidating signatures by IP range,
//! domain and time, with an audit record and the count corrected at once.

use std::time::Duration;

use reqwest::redirect::Policy;
use reqwest::Response;
use scraper::{ElementRef, Selector};
use undersigned::security::client_ip::TrustedProxies;

use crate::helpers::{spawn_app_with_settings, Backend, Page, TestApp, PASSWORD};
use crate::live::Events;
use crate::on_both_backends;

on_both_backends!(
    only_admins_may_review_abuse_or_invalidate,
    the_abuse_page_counts_by_ip_domain_and_country_and_marks_outliers,
    invalidating_a_range_takes_its_signatures_off_everything_at_once,
    invalidating_by_domain_and_by_time_matches_only_those,
    an_invalidated_pending_signature_cannot_be_confirmed_or_revived,
    bad_criteria_get_422_with_what_was_typed,
    invalidating_needs_a_csrf_token,
    the_abuse_review_speaks_korean,
);

const ADMIN: &str = "admin@example.org";
const SOON: Duration = Duration::from_secs(5);

/// An app that believes `X-Forwarded-For` from the test client, so each
/// signature can come from its own address, and that limits nothing.
async fn spawn(backend: Backend) -> Option<TestApp> {
    spawn_app_with_settings(backend, |s| {
        s.limits.enabled = false;
        s.server.trusted_proxies = TrustedProxies::parse(&["127.0.0.0/8"]).unwrap();
    })
    .await
}

/// Signs through the API as a client at `ip`.
async fn sign_from(app: &TestApp, slug: &str, email: &str, name: &str, country: &str, ip: &str) {
    let response = app
        .client
        .post(app.url(&format!("/api/v1/petitions/{slug}/signatures")))
        .header("X-Forwarded-For", ip)
        .json(&serde_json::json!({
            "name": name, "email": email, "country": country, "public": true
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202, "{}", response.text().await.unwrap());
}

/// The confirmation link sent to `email`.
async fn confirmation_link(app: &TestApp, email: &str) -> String {
    app.confirmation_link(email, 1).await
}

async fn confirm(app: &TestApp, email: &str) {
    let page = app.confirm(&confirmation_link(app, email).await).await;
    assert_eq!(page.status, 200, "{}", page.body);
}

async fn sign_and_confirm_from(
    app: &TestApp,
    slug: &str,
    email: &str,
    name: &str,
    country: &str,
    ip: &str,
) {
    sign_from(app, slug, email, name, country, ip).await;
    confirm(app, email).await;
}

async fn login_admin(app: &TestApp) {
    app.create_admin(ADMIN).await;
    assert_eq!(app.login(ADMIN, PASSWORD).await.status(), 303);
}

fn abuse_path(slug: &str) -> String {
    format!("/admin/petitions/{slug}/abuse")
}

/// Sends the invalidation form with the abuse page's own token.
async fn invalidate(app: &TestApp, slug: &str, fields: &[(&str, &str)]) -> Response {
    let token = app.get(&abuse_path(slug)).await.csrf_token();
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf_token", &token));
    app.post_form(&format!("/admin/petitions/{slug}/invalidations"), &form)
        .await
}

/// Invalidates and follows the redirect to the page with its notice.
async fn invalidate_ok(app: &TestApp, slug: &str, fields: &[(&str, &str)]) -> Page {
    let response = invalidate(app, slug, fields).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let location = location(&response);
    assert!(
        location.starts_with(&format!("{}?invalidation=", abuse_path(slug))),
        "{location}"
    );
    let page = app.get(&location).await;
    assert_eq!(page.status, 200, "{}", page.body);
    page
}

fn location(response: &Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// What the page reads once its markup is taken away.
fn text(page: &Page) -> String {
    page.html().root_element().text().collect::<String>()
}

fn cell_text(element: ElementRef) -> String {
    element.text().collect::<String>().trim().to_owned()
}

/// One row of an abuse table, by the label in its first cell.
#[derive(Debug)]
struct Row {
    confirmed: String,
    pending: String,
    total: String,
    outlier: bool,
}

fn rows(page: &Page, table: &str) -> Vec<(String, Row)> {
    let html = page.html();
    let row_selector = Selector::parse(&format!("#{table} tbody tr")).unwrap();
    let th = Selector::parse("th").unwrap();
    let col = |name: &str| Selector::parse(&format!("td[data-col={name}]")).unwrap();
    html.select(&row_selector)
        .map(|tr| {
            let cell = |name: &str| cell_text(tr.select(&col(name)).next().unwrap());
            (
                cell_text(tr.select(&th).next().unwrap()),
                Row {
                    confirmed: cell("confirmed"),
                    pending: cell("pending"),
                    total: cell("total"),
                    outlier: tr.value().classes().any(|c| c == "outlier")
                        && tr.text().collect::<String>().contains("Outlier"),
                },
            )
        })
        .collect()
}

fn row<'a>(rows: &'a [(String, Row)], label: &str) -> &'a Row {
    rows.iter()
        .find(|(l, _)| l == label)
        .map(|(_, r)| r)
        .unwrap_or_else(|| panic!("no row {label:?} in {rows:?}"))
}

/// The first row of the audit table: (text of the row, invalidated,
/// confirmed among them).
fn last_invalidation(page: &Page) -> (String, String, String) {
    let html = page.html();
    let tr = html
        .select(&Selector::parse("#invalidations tbody tr").unwrap())
        .next()
        .expect("an invalidation is listed");
    let col = |name: &str| {
        cell_text(
            tr.select(&Selector::parse(&format!("td[data-col={name}]")).unwrap())
                .next()
                .unwrap(),
        )
    };
    (
        tr.text().collect::<String>(),
        col("matched"),
        col("confirmed"),
    )
}

/// The CSV export's text, as the logged-in admin downloads it.
async fn csv(app: &TestApp, slug: &str) -> String {
    let page = app
        .get(&format!("/dashboard/petitions/{slug}/signatures.csv"))
        .await;
    assert_eq!(page.status, 200);
    page.body
}

/// A stored time `hours` ago, as SQL text both backends compare correctly.
fn hours_ago(hours: i64) -> String {
    let at = time::OffsetDateTime::now_utc() - time::Duration::hours(hours);
    at.format(time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second]"
    ))
    .unwrap()
}

async fn only_admins_may_review_abuse_or_invalidate(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    // The petition's own organizer is not an admin.
    let slug = app.petition("Save the bees").await;
    assert_eq!(app.get(&abuse_path(&slug)).await.status, 403);
    let token = app.get("/dashboard").await.csrf_token();
    let response = app
        .post_form(
            &format!("/admin/petitions/{slug}/invalidations"),
            &[("ip", "127.0.0.1"), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), 403);

    // Nobody logged in: sent to the login page.
    let anonymous = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let response = anonymous
        .get(app.url(&abuse_path(&slug)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert!(location(&response).starts_with("/login"));

    // An admin sees it, reached from the admin list, and 404 for no petition.
    login_admin(&app).await;
    let admin = app.get("/admin").await;
    assert!(
        admin
            .body
            .contains(&format!("href=\"{}\"", abuse_path(&slug))),
        "{}",
        admin.body
    );
    let page = app.get(&abuse_path(&slug)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(text(&page).contains("Abuse review: Save the bees"));
    assert!(text(&page).contains("No signatures of this petition have been invalidated."));
    assert_eq!(app.get(&abuse_path("no-such-petition")).await.status, 404);
    assert_eq!(app.db.count("signature_invalidations", "1 = 1"), 0);
}

async fn the_abuse_page_counts_by_ip_domain_and_country_and_marks_outliers(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    let slug = app.petition("Save the bees").await;
    // A burst from one address: 12 signatures, 9 of them confirmed.
    for i in 0..12 {
        let email = format!("bot{i}@spam.example");
        sign_from(&app, &slug, &email, "Bot", "FR", "203.0.113.7").await;
        if i < 9 {
            confirm(&app, &email).await;
        }
    }
    // And three people, one from each of three addresses.
    for i in 1..=3 {
        let email = format!("person{i}@example.org");
        let ip = format!("198.51.100.{i}");
        sign_and_confirm_from(&app, &slug, &email, "Person", "DE", &ip).await;
    }
    // One of them signed three hours ago, one three days ago.
    app.db.execute(&format!(
        "UPDATE signatures SET created_at = '{}' WHERE email = 'person2@example.org'; \
         UPDATE signatures SET created_at = '{}' WHERE email = 'person3@example.org';",
        hours_ago(3),
        hours_ago(72)
    ));

    login_admin(&app).await;
    let page = app.get(&abuse_path(&slug)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(text(&page).contains("at least 10 signatures"));
    assert!(text(&page).contains("20 %"));

    let hour_ip = rows(&page, "hour-ip");
    let burst = row(&hour_ip, "203.0.113.7");
    assert_eq!(
        (&*burst.confirmed, &*burst.pending, &*burst.total),
        ("9", "3", "12")
    );
    assert!(burst.outlier, "{burst:?}");
    let person = row(&hour_ip, "198.51.100.1");
    assert_eq!((&*person.confirmed, &*person.total), ("1", "1"));
    assert!(!person.outlier);
    assert_eq!(hour_ip.len(), 2, "{hour_ip:?}");
    // The one from three hours ago counts in the last day, not the hour.
    let day_ip = rows(&page, "day-ip");
    assert_eq!(day_ip.len(), 3, "{day_ip:?}");
    assert_eq!(day_ip[0].0, "203.0.113.7", "biggest first");
    assert_eq!(row(&day_ip, "198.51.100.2").total, "1");

    let hour_domain = rows(&page, "hour-domain");
    let spam = row(&hour_domain, "spam.example");
    assert_eq!((&*spam.confirmed, &*spam.pending), ("9", "3"));
    assert!(spam.outlier);
    let people = row(&hour_domain, "example.org");
    assert_eq!(people.total, "1");
    assert!(!people.outlier);
    assert_eq!(row(&rows(&page, "day-domain"), "example.org").total, "2");

    let hour_country = rows(&page, "hour-country");
    assert_eq!(row(&hour_country, "France (FR)").total, "12");
    assert!(row(&hour_country, "France (FR)").outlier);
    assert_eq!(row(&hour_country, "Germany (DE)").total, "1");
    assert_eq!(row(&rows(&page, "day-country"), "Germany (DE)").total, "2");

    // A row's link fills the form in.
    let prefilled = app
        .get(&format!("{}?ip=203.0.113.7", abuse_path(&slug)))
        .await;
    assert_eq!(prefilled.attr("#ip", "value").unwrap(), "203.0.113.7");
    assert!(page
        .body
        .contains(&format!("{}?ip=203.0.113.7#invalidate", abuse_path(&slug))));
}

async fn invalidating_a_range_takes_its_signatures_off_everything_at_once(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    let slug = app.petition("Save the bees").await;
    for i in 1..=3 {
        let email = format!("bot{i}@mail.example");
        let ip = format!("203.0.113.{i}");
        sign_and_confirm_from(&app, &slug, &email, &format!("Robot Number{i}"), "FR", &ip).await;
    }
    for (i, who) in ["Alice", "Bob"].iter().enumerate() {
        let email = format!("{}@example.org", who.to_lowercase());
        let ip = format!("198.51.100.{}", i + 1);
        sign_and_confirm_from(&app, &slug, &email, who, "DE", &ip).await;
    }
    // One more from the range, not yet confirmed.
    sign_from(
        &app,
        &slug,
        "bot9@mail.example",
        "Robot Number9",
        "FR",
        "203.0.113.9",
    )
    .await;
    let pending_link = confirmation_link(&app, "bot9@mail.example").await;
    assert_eq!(app.count(&slug).await, 5);
    assert!(text(&app.get(&format!("/petitions/{slug}")).await).contains("Robot Number1"));

    let mut events = Events::open(&app.client, &app.url(&format!("/petitions/{slug}/live"))).await;
    assert_eq!(events.next_count(SOON).await, 5);

    login_admin(&app).await;
    let page = invalidate_ok(&app, &slug, &[("ip", "203.0.113.0/24")]).await;

    // The count is right at once, on the API and on the live stream.
    assert_eq!(app.count(&slug).await, 2);
    events.until_count(2, SOON).await;

    let notice = page.text_of("#notice").expect("a notice");
    assert!(
        notice.contains("Invalidated 4 signatures matching IP 203.0.113.0/24"),
        "{notice}"
    );
    assert!(notice.contains("3 confirmed"), "{notice}");
    let (record, matched, confirmed) = last_invalidation(&page);
    assert!(record.contains("IP 203.0.113.0/24"), "{record}");
    assert!(record.contains(ADMIN), "{record}");
    assert_eq!((&*matched, &*confirmed), ("4", "3"));
    // The tables no longer count them.
    let hour_ip = rows(&page, "hour-ip");
    assert_eq!(hour_ip.len(), 2, "{hour_ip:?}");
    assert!(hour_ip.iter().all(|(ip, _)| ip.starts_with("198.51.100.")));

    // Nor do the export, the public page or its list of signers; the rows
    // themselves are kept.
    let export = csv(&app, &slug).await;
    assert!(export.contains("alice@example.org") && export.contains("bob@example.org"));
    assert!(!export.contains("mail.example"), "{export}");
    let public = app.get(&format!("/petitions/{slug}")).await;
    assert!(!text(&public).contains("Robot Number"), "{}", public.body);
    assert_eq!(app.page_count(&slug).await, 2);
    assert_eq!(app.db.count("signatures", "state = 'invalidated'"), 4);
    assert_eq!(app.db.count("signatures", "1 = 1"), 6);
    // The public log takes back each of the three that counted.
    assert_eq!(app.db.log_entries("revoke"), 3);

    // The pending one's link is no longer valid, and nothing moves.
    let confirmed = app.confirm(&pending_link).await;
    assert_eq!(confirmed.status, 404);
    assert!(text(&confirmed).contains("not valid"), "{}", confirmed.body);
    assert_eq!(app.count(&slug).await, 2);

    // Doing it again matches nothing, and says so.
    let again = invalidate_ok(&app, &slug, &[("ip", "203.0.113.0/24")]).await;
    assert!(again
        .text_of("#notice")
        .unwrap()
        .contains("No signatures matched IP 203.0.113.0/24"));
    assert_eq!(app.count(&slug).await, 2);
    assert_eq!(app.db.count("signature_invalidations", "1 = 1"), 2);
}

async fn invalidating_by_domain_and_by_time_matches_only_those(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    let slug = app.petition("Save the bees").await;
    for email in [
        "a1@spam.example",
        "a2@spam.example",
        "b1@example.org",
        "b2@example.org",
        "c1@other.example",
    ] {
        sign_and_confirm_from(&app, &slug, email, "Signer", "DE", "192.0.2.1").await;
    }
    assert_eq!(app.count(&slug).await, 5);
    login_admin(&app).await;

    // Criteria are ANDed: this address, but not this domain.
    let page = invalidate_ok(
        &app,
        &slug,
        &[("ip", "192.0.2.1"), ("domain", "nobody.example")],
    )
    .await;
    assert!(text(&page).contains("No signatures matched"));
    assert_eq!(app.count(&slug).await, 5);

    // By domain, as typed in any case.
    let page = invalidate_ok(&app, &slug, &[("domain", "SPAM.example")]).await;
    assert!(page
        .text_of("#notice")
        .unwrap()
        .contains("Invalidated 2 signatures matching email domain spam.example"));
    assert_eq!(app.count(&slug).await, 3);
    let export = csv(&app, &slug).await;
    assert!(!export.contains("spam.example"));
    assert!(export.contains("b1@example.org") && export.contains("c1@other.example"));

    // By time: from 09:00 up to, not including, 11:00 UTC.
    app.db.execute(
        "UPDATE signatures SET created_at = '2026-01-01 10:00:00' WHERE email = 'b1@example.org'; \
         UPDATE signatures SET created_at = '2026-01-01 11:00:00' WHERE email = 'b2@example.org'; \
         UPDATE signatures SET created_at = '2026-01-01 08:59:00' WHERE email = 'c1@other.example';",
    );
    let page = invalidate_ok(
        &app,
        &slug,
        &[("since", "2026-01-01T09:00"), ("until", "2026-01-01T11:00")],
    )
    .await;
    let (record, matched, confirmed) = last_invalidation(&page);
    assert_eq!((&*matched, &*confirmed), ("1", "1"));
    assert!(
        record.contains(
            "signed at or after 2026-01-01 09:00 UTC and signed before 2026-01-01 11:00 UTC"
        ),
        "{record}"
    );
    assert_eq!(app.count(&slug).await, 2);
    let export = csv(&app, &slug).await;
    assert!(!export.contains("b1@example.org"));
    assert!(export.contains("b2@example.org") && export.contains("c1@other.example"));
    assert_eq!(
        app.db.strings(
            "SELECT email AS value FROM signatures WHERE state = 'invalidated' ORDER BY email"
        ),
        ["a1@spam.example", "a2@spam.example", "b1@example.org"]
    );
}

async fn an_invalidated_pending_signature_cannot_be_confirmed_or_revived(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    let slug = app.petition("Save the bees").await;
    sign_from(
        &app,
        &slug,
        "maybe@example.com",
        "Maybe",
        "DE",
        "2001:db8::7",
    )
    .await;
    let link = confirmation_link(&app, "maybe@example.com").await;

    login_admin(&app).await;
    let page = invalidate_ok(&app, &slug, &[("ip", "2001:db8::/32")]).await;
    let (_, matched, confirmed) = last_invalidation(&page);
    assert_eq!((&*matched, &*confirmed), ("1", "0"));

    let response = app.confirm(&link).await;
    assert_eq!(response.status, 404);
    assert!(text(&response).contains("not valid"));
    assert_eq!(app.count(&slug).await, 0);
    assert_eq!(app.db.count("signatures", "state = 'invalidated'"), 1);

    // Signing again gets the usual answer, but brings nothing back and
    // queues no email (sent ones stay in the outbox for a while).
    let queued = app.db.count("email_outbox", "1 = 1");
    sign_from(&app, &slug, "maybe@example.com", "Maybe", "DE", "192.0.2.1").await;
    assert_eq!(app.db.count("signatures", "state = 'invalidated'"), 1);
    assert_eq!(app.db.count("signatures", "state <> 'invalidated'"), 0);
    assert_eq!(app.db.count("email_outbox", "1 = 1"), queued);
    assert_eq!(app.count(&slug).await, 0);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(app.mail.to("maybe@example.com").len(), 1);
}

async fn bad_criteria_get_422_with_what_was_typed(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    let slug = app.petition("Save the bees").await;
    login_admin(&app).await;

    let response = invalidate(
        &app,
        &slug,
        &[("ip", " "), ("domain", ""), ("since", ""), ("until", "")],
    )
    .await;
    assert_eq!(response.status(), 422);
    let page = Page::from(response).await;
    let summary = page.text_of(".error-summary").expect("an error summary");
    assert!(summary.contains("at least one"), "{summary}");
    assert!(page.body.contains("href=\"#criteria\""));

    let response = invalidate(
        &app,
        &slug,
        &[
            ("ip", "203.0.113.0/33"),
            ("domain", "spam.example"),
            ("since", "2026-01-01T09:00"),
            ("until", "yesterday"),
        ],
    )
    .await;
    assert_eq!(response.status(), 422);
    let page = Page::from(response).await;
    assert!(page
        .text_of(".error-summary")
        .unwrap()
        .contains("/0 to /32"));
    assert_eq!(page.attr("#ip", "value").unwrap(), "203.0.113.0/33");
    assert_eq!(page.attr("#domain", "value").unwrap(), "spam.example");
    assert_eq!(page.attr("#since", "value").unwrap(), "2026-01-01T09:00");
    assert_eq!(page.attr("#until", "value").unwrap(), "yesterday");
    let messages: Vec<String> = page
        .html()
        .select(&Selector::parse(".field.has-error .field-error").unwrap())
        .map(cell_text)
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(!page.csrf_token().is_empty());

    // What was typed comes back escaped, never as markup.
    let response = invalidate(&app, &slug, &[("domain", "\"><script>x</script>")]).await;
    assert_eq!(response.status(), 422);
    let page = Page::from(response).await;
    assert!(!page.body.contains("<script>x"));
    assert_eq!(
        page.attr("#domain", "value").unwrap(),
        "\"><script>x</script>"
    );

    assert_eq!(app.db.count("signature_invalidations", "1 = 1"), 0);
}

async fn invalidating_needs_a_csrf_token(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    let slug = app.petition("Save the bees").await;
    sign_and_confirm_from(&app, &slug, "real@example.org", "Real", "DE", "192.0.2.1").await;
    login_admin(&app).await;
    let path = format!("/admin/petitions/{slug}/invalidations");
    let missing = app.post_form(&path, &[("ip", "192.0.2.1")]).await;
    assert_eq!(missing.status(), 403);
    let wrong = app
        .post_form(&path, &[("ip", "192.0.2.1"), ("csrf_token", "forged")])
        .await;
    assert_eq!(wrong.status(), 403);
    assert_eq!(app.count(&slug).await, 1);
    assert_eq!(app.db.count("signature_invalidations", "1 = 1"), 0);
}

async fn the_abuse_review_speaks_korean(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    let slug = app.petition("Save the bees").await;
    for i in 0..12 {
        let email = format!("bot{i}@spam.example");
        sign_from(&app, &slug, &email, "Bot", "FR", "203.0.113.7").await;
        if i < 9 {
            confirm(&app, &email).await;
        }
    }
    sign_and_confirm_from(
        &app,
        &slug,
        "person@example.org",
        "Person",
        "KR",
        "198.51.100.1",
    )
    .await;
    login_admin(&app).await;

    // ?lang=ko, then remembered for the rest.
    let page = app.get(&format!("{}?lang=ko", abuse_path(&slug))).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.attr("html", "lang").as_deref(), Some("ko"));
    assert_eq!(page.text_of("h1").unwrap(), "부정 서명 검토: Save the bees");
    assert_eq!(page.attr("h1 span", "lang").as_deref(), Some("en"));
    assert_eq!(page.text_of("#hour-heading").unwrap(), "최근 1시간");
    assert_eq!(page.text_of("#day-ip-heading").unwrap(), "IP 주소별");
    assert_eq!(
        page.text_of("#hour-domain caption").unwrap(),
        "최근 1시간 동안의 이메일 도메인별 서명"
    );
    assert_eq!(
        page.text_of("#hour-ip-summary").unwrap(),
        "IP 주소 2개에서 서명 13건, 주소당 중앙값 6.5건입니다."
    );
    assert_eq!(page.text_of("#hour-country th[scope=col]").unwrap(), "국가");
    let hour_country = rows(&page, "hour-country");
    assert_eq!(row(&hour_country, "프랑스 (FR)").total, "12");
    assert_eq!(row(&hour_country, "대한민국 (KR)").total, "1");
    let burst = page.html();
    let burst = burst
        .select(&Selector::parse("#hour-ip tbody tr.outlier").unwrap())
        .next()
        .expect("the burst is marked");
    let burst = burst.text().collect::<String>();
    assert!(burst.contains("92.3%"), "{burst}");
    assert!(burst.contains("이상치"), "{burst}");
    assert!(burst.contains("(203.0.113.7에서 온 서명)"), "{burst}");
    let rule = page.text_of("#outlier-rule").unwrap();
    assert!(rule.contains("서명이 10건 이상이면서"), "{rule}");
    assert!(rule.contains("20% 이상"), "{rule}");
    assert_eq!(
        page.text_of("#invalidations-heading ~ p").unwrap(),
        "이 청원에서 무효화된 서명이 없습니다."
    );
    // Nothing of the English page is left, but what is the same in both.
    let text = text(&page);
    for english in [
        "Abuse review",
        "The last hour",
        "signatures",
        "Outlier",
        "Invalidate",
        "Confirmed",
        "UTC, not your own",
    ] {
        assert!(!text.contains(english), "{english:?} in {text}");
    }

    // Notices and the audit list describe the criteria in Korean.
    let page = invalidate_ok(&app, &slug, &[("ip", "203.0.113.0/24")]).await;
    assert_eq!(
        page.text_of("#notice").unwrap(),
        "IP 203.0.113.0/24 조건에 맞는 서명 12건을 무효화했습니다. \
         확인된 9건은 이제 서명 수에서 빠졌고, \
         대기 중이던 3건은 확인 링크가 더 이상 작동하지 않습니다."
    );
    let page = invalidate_ok(
        &app,
        &slug,
        &[("domain", "nobody.example"), ("since", "2026-01-01T09:00")],
    )
    .await;
    assert_eq!(
        page.text_of("#notice").unwrap(),
        "이메일 도메인 nobody.example 및 서명 시각 2026-01-01 09:00 UTC 이후 \
         조건에 맞는 서명이 없어 아무것도 무효화하지 않았습니다."
    );
    let (record, matched, _) = last_invalidation(&page);
    assert!(
        record.contains("이메일 도메인 nobody.example 및 서명 시각 2026-01-01 09:00 UTC 이후"),
        "{record}"
    );
    assert_eq!(matched, "0");
    assert_eq!(
        page.text_of("#invalidations caption").unwrap(),
        "이 청원 서명의 최근 무효화 기록, 최신순"
    );

    // A form sent back with mistakes, in Korean too.
    let response = invalidate(&app, &slug, &[("ip", " ")]).await;
    assert_eq!(response.status(), 422);
    let page = Page::from(response).await;
    assert!(
        page.text_of("title")
            .unwrap()
            .starts_with("오류: 부정 서명 검토:"),
        "{}",
        page.body
    );
    assert_eq!(
        page.text_of("legend").unwrap(),
        "입력한 조건에 모두 맞는 서명"
    );
    assert_eq!(page.text_of("label[for=domain]").unwrap(), "이메일 도메인");
    assert_eq!(app.count(&slug).await, 1);
}
