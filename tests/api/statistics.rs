//! The organizer's statistics page: counts by day, hour, country, source
//! and state, which agree with the public count.

use std::collections::HashMap;

use crate::app_tests;
use crate::helpers::{run_cli, signature, Page, TestApp, PASSWORD};
use crate::webdriver::Browser;

app_tests!(
    statistics_count_signatures_by_country_source_and_state,
    the_charts_are_svg_images_that_need_no_script,
    days_and_hours_without_signatures_are_drawn_as_zero,
    only_the_owner_or_an_admin_sees_the_statistics,
    the_dashboard_links_each_petition_to_its_statistics,
    a_large_petition_says_how_fresh_its_figures_are,
    the_page_draws_its_charts_in_a_real_browser_on_a_phone,
);

async fn sign_and_confirm(app: &TestApp, slug: &str, email: &str, country: &str, source: &str) {
    let mut fields = signature(email);
    fields.insert("country", country.into());
    fields.insert("source", source.into());
    assert_eq!(app.sign(slug, &fields).await.status(), 303);
    let link = app.confirmation_link(email, 1).await;
    assert_eq!(app.confirm(&link).await.status, 200);
}

async fn statistics(app: &TestApp, slug: &str) -> Page {
    app.get(&format!("/dashboard/petitions/{slug}")).await
}

/// A `data-stat` figure from the page, as a number where it is one.
fn stat(page: &Page, name: &str) -> String {
    page.text_of(&format!("[data-stat=\"{name}\"]"))
        .unwrap_or_else(|| panic!("the page shows {name}: {}", page.body))
        .trim()
        .to_owned()
}

fn number(text: &str) -> i64 {
    text.replace(',', "").parse().unwrap()
}

/// The rows of the table with this id: label → (count, share).
fn table(page: &Page, id: &str) -> HashMap<String, (i64, String)> {
    let html = page.html();
    let rows = scraper::Selector::parse(&format!("table#{id} tbody tr")).unwrap();
    let cell = scraper::Selector::parse("th, td").unwrap();
    html.select(&rows)
        .map(|row| {
            let cells: Vec<String> = row
                .select(&cell)
                .map(|c| c.text().collect::<String>().trim().to_owned())
                .collect();
            (cells[0].clone(), (number(&cells[1]), cells[2].clone()))
        })
        .collect()
}

async fn statistics_count_signatures_by_country_source_and_state(app: TestApp) {
    let slug = app.petition("Count the bees").await;
    sign_and_confirm(&app, &slug, "ana@example.com", "DE", "facebook").await;
    sign_and_confirm(&app, &slug, "ben@example.com", "FR", "facebook").await;
    sign_and_confirm(&app, &slug, "cem@example.com", "DE", "").await;

    // A share link's `?source=` reaches the sign form's hidden field.
    let shared = app.get(&format!("/petitions/{slug}?source=whatsapp")).await;
    let source = shared.attr("input[name=source]", "value").unwrap();
    assert_eq!(source, "whatsapp");
    sign_and_confirm(&app, &slug, "dan@example.com", "KR", &source).await;

    // Signed but never confirmed: pending, and in no breakdown.
    let mut pending = signature("eve@example.com");
    pending.insert("country", "JP".into());
    pending.insert("source", "telegram".into());
    app.sign(&slug, &pending).await;
    app.mail.wait_for("eve@example.com", 1).await;

    let page = statistics(&app, &slug).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(number(&stat(&page, "confirmed")), 4);
    assert_eq!(number(&stat(&page, "pending")), 1);
    assert_eq!(stat(&page, "confirmation-rate"), "80.0%");

    // The same total as the public page and the API.
    assert_eq!(app.count(&slug).await, 4);
    assert_eq!(app.page_count(&slug).await, 4);

    let countries = table(&page, "countries");
    assert_eq!(countries.len(), 3, "{countries:?}");
    assert_eq!(countries["Germany (DE)"], (2, "50.0%".into()));
    assert_eq!(countries["France (FR)"], (1, "25.0%".into()));
    assert!(
        countries.keys().any(|k| k.ends_with("(KR)")),
        "{countries:?}"
    );
    assert!(!countries.keys().any(|k| k.ends_with("(JP)")));

    let sources = table(&page, "sources");
    assert_eq!(sources.len(), 3, "{sources:?}");
    assert_eq!(sources["facebook"], (2, "50.0%".into()));
    assert_eq!(sources["whatsapp"], (1, "25.0%".into()));
    assert_eq!(sources["direct"], (1, "25.0%".into()));
    assert!(!sources.contains_key("telegram"));

    // Every confirmation happened today and within the last 48 hours.
    let days = table(&page, "per-day-table");
    assert_eq!(days.values().map(|(n, _)| n).sum::<i64>(), 4, "{days:?}");
    let hours = table(&page, "per-hour-table");
    assert_eq!(hours.values().map(|(n, _)| n).sum::<i64>(), 4, "{hours:?}");

    // Confirming the pending one moves it across, and the count with it.
    let link = app.confirmation_link("eve@example.com", 1).await;
    assert_eq!(app.confirm(&link).await.status, 200);
    let page = statistics(&app, &slug).await;
    assert_eq!(number(&stat(&page, "confirmed")), 5);
    assert_eq!(number(&stat(&page, "pending")), 0);
    assert_eq!(stat(&page, "confirmation-rate"), "100.0%");
    assert_eq!(table(&page, "sources")["telegram"].0, 1);
    assert_eq!(app.count(&slug).await, 5);
}

/// Checks that every element in `svg` is closed, in order.
fn assert_well_formed(svg: &str) {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("a tag is closed") + start;
        let tag = &rest[start + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name), "mismatched </{name}> in {svg}");
        } else if !tag.ends_with('/') {
            open.push(tag.split_whitespace().next().unwrap());
        }
        assert!(!tag.contains('<'), "a stray < in {tag}");
        rest = &rest[end + 1..];
    }
    assert!(open.is_empty(), "unclosed {open:?}");
}

async fn the_charts_are_svg_images_that_need_no_script(app: TestApp) {
    let slug = app.petition("Draw the bees").await;
    sign_and_confirm(&app, &slug, "ana@example.com", "DE", "").await;
    sign_and_confirm(&app, &slug, "ben@example.com", "DE", "").await;

    let page = statistics(&app, &slug).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<script"), "the page needs no script");
    let svgs: Vec<&str> = page
        .body
        .match_indices("<svg")
        .map(|(start, _)| {
            let end = page.body[start..].find("</svg>").unwrap() + start + "</svg>".len();
            &page.body[start..end]
        })
        .collect();
    assert_eq!(svgs.len(), 2, "a daily and an hourly chart");
    for svg in &svgs {
        assert_well_formed(svg);
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(!svg.contains("style="), "inline styles break under the CSP");
    }

    let html = page.html();
    let select = |s: &str| scraper::Selector::parse(s).unwrap();
    let titles: Vec<String> = html
        .select(&select("svg[role=img] > title"))
        .map(|t| t.text().collect())
        .collect();
    assert_eq!(
        titles,
        [
            "Confirmed signatures per day",
            "Confirmed signatures per hour, last 48 hours"
        ]
    );
    // The hourly chart has a tooltip for each of its 48 hours, and the
    // current one shows both signatures.
    let hourly = html
        .select(&select("svg[aria-labelledby^=per-hour]"))
        .next()
        .expect("the hourly chart");
    let tooltips: Vec<String> = hourly
        .select(&select("g > title"))
        .map(|t| t.text().collect())
        .collect();
    assert_eq!(tooltips.len(), 48);
    assert!(
        tooltips.last().unwrap().ends_with(": 2 signatures"),
        "{tooltips:?}"
    );
    assert_eq!(
        tooltips
            .iter()
            .filter(|t| t.ends_with(": 0 signatures"))
            .count(),
        47
    );
    let daily = html
        .select(&select("svg[aria-labelledby^=per-day]"))
        .next()
        .expect("the daily chart");
    let description: String = daily
        .select(&select("desc"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(
        description.starts_with("2 confirmed signatures"),
        "{description}"
    );
}

async fn days_and_hours_without_signatures_are_drawn_as_zero(app: TestApp) {
    let slug = app.petition("Bees over time").await;
    let petition_id = &app.db.strings(&format!(
        "SELECT id AS value FROM petitions WHERE slug = '{slug}'"
    ))[0];
    // No route confirms in the past, so earlier days are written directly,
    // with the durable count moved to match, as confirming would.
    let today = time::OffsetDateTime::now_utc().date();
    let day = |back: i64| (today - time::Duration::days(back)).to_string();
    let mut values = Vec::new();
    let spread = [(5, 30), (2, 12)];
    for (back, n) in spread {
        for i in 0..n {
            values.push(format!(
                "('old-{back}-{i}', '{petition_id}', 'old{back}x{i}@example.com', \
                 'old{back}x{i}@example.com', 'Old {i}', '{}', FALSE, FALSE, '{}', 1, \
                 '{d} 09:00:00', '{d} 10:{:02}:00')",
                if i % 3 == 0 { "FR" } else { "DE" },
                if i % 10 == 9 { "pending" } else { "confirmed" },
                i % 60,
                d = day(back),
            ));
        }
    }
    app.db.execute(&format!(
        "INSERT INTO signatures (id, petition_id, email, email_canonical, name, country, public, \
         updates, state, emails_sent, created_at, confirmed_at) VALUES {};
         UPDATE signature_count_shards SET confirmed = confirmed + 38 \
         WHERE petition_id = '{petition_id}' AND shard = 0",
        values.join(",")
    ));
    sign_and_confirm(&app, &slug, "today@example.com", "DE", "").await;

    // The public count picks up the direct write on its next refresh.
    let mut count = 0;
    for _ in 0..50 {
        count = app.count(&slug).await;
        if count == 39 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(count, 39);

    let page = statistics(&app, &slug).await;
    assert_eq!(number(&stat(&page, "confirmed")), 39);
    assert_eq!(number(&stat(&page, "pending")), 4);

    let html = page.html();
    let select = |s: &str| scraper::Selector::parse(s).unwrap();
    let daily = html
        .select(&select("svg[aria-labelledby^=per-day]"))
        .next()
        .unwrap();
    let bars: Vec<String> = daily
        .select(&select("g > title"))
        .map(|t| t.text().collect())
        .collect();
    // Six days, from five days ago to today, gaps included.
    let counts: Vec<&str> = bars
        .iter()
        .map(|t| t.rsplit(": ").next().unwrap())
        .collect();
    assert_eq!(
        counts,
        [
            "27 signatures",
            "0 signatures",
            "0 signatures",
            "11 signatures",
            "0 signatures",
            "1 signature"
        ],
        "{bars:?}"
    );
    let days = table(&page, "per-day-table");
    assert_eq!(days.len(), 3, "only days with signatures: {days:?}");
    // The hour two days back is inside the 48 hours or not, depending on
    // the time of day; five days back never is.
    let hours = table(&page, "per-hour-table");
    let in_hours: i64 = hours.values().map(|(n, _)| n).sum();
    assert!(in_hours == 1 || in_hours == 12, "{hours:?}");
    assert_eq!(table(&page, "countries")["France (FR)"].0, 12);
}

async fn only_the_owner_or_an_admin_sees_the_statistics(app: TestApp) {
    let slug = app.petition("Private numbers").await;
    sign_and_confirm(&app, &slug, "quiet@example.com", "IS", "secretsource").await;

    // The owner: an unknown slug is 404, and "new" is still the form.
    assert_eq!(statistics(&app, "no-such-petition").await.status, 404);
    let new = app.get("/dashboard/petitions/new").await;
    assert_eq!(new.status, 200);
    assert!(new.body.contains("name=\"title\""));

    // Another organizer is refused and learns nothing.
    app.create_organizer("other@example.org").await;
    assert_eq!(app.login("other@example.org", PASSWORD).await.status(), 303);
    let page = statistics(&app, &slug).await;
    assert_eq!(page.status, 403);
    assert!(!page.body.contains("Iceland"));
    assert!(!page.body.contains("secretsource"));
    assert!(!page.body.contains("<svg"));

    // A visitor who is not logged in is sent to log in.
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = anonymous
        .get(app.url(&format!("/dashboard/petitions/{slug}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert!(response.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
    assert!(!response.text().await.unwrap().contains("Iceland"));

    // An admin may look.
    let output = run_cli(
        app.db.url(),
        &[
            "organizer",
            "create",
            "--email",
            "admin@example.org",
            "--name",
            "Ada Admin",
            "--admin",
        ],
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(app.login("admin@example.org", PASSWORD).await.status(), 303);
    let page = statistics(&app, &slug).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(number(&stat(&page, "confirmed")), 1);
    assert_eq!(table(&page, "countries")["Iceland (IS)"].0, 1);
    assert_eq!(table(&page, "sources")["secretsource"].0, 1);
}

async fn the_dashboard_links_each_petition_to_its_statistics(app: TestApp) {
    let slug = app.petition("Linked numbers").await;
    let dashboard = app.get("/dashboard").await;
    let href = format!("/dashboard/petitions/{slug}");
    assert!(
        dashboard.body.contains(&format!("href=\"{href}\"")),
        "{}",
        dashboard.body
    );
    let page = app.get(&href).await;
    assert_eq!(page.status, 200);
    assert_eq!(number(&stat(&page, "confirmed")), 0);
    assert_eq!(stat(&page, "confirmation-rate"), "No signatures yet");
    // Links to the public page, the edit form and the export.
    for link in [
        format!("/petitions/{slug}"),
        format!("/dashboard/petitions/{slug}/edit"),
        format!("/dashboard/petitions/{slug}/signatures.csv"),
    ] {
        assert!(page.body.contains(&format!("href=\"{link}\"")), "{link}");
    }
}

async fn a_large_petition_says_how_fresh_its_figures_are(app: TestApp) {
    let slug = app.petition("Many bees").await;
    let note = "recounted at most every 30 seconds";
    assert!(!statistics(&app, &slug).await.body.contains(note));

    // Volume: 20,000 confirmed signatures written directly, with the
    // durable count moved to match, as confirming them would.
    let petition_id = &app.db.strings(&format!(
        "SELECT id AS value FROM petitions WHERE slug = '{slug}'"
    ))[0];
    for chunk in 0..4 {
        let values: Vec<String> = (chunk * 5_000..(chunk + 1) * 5_000)
            .map(|i| {
                format!(
                    "('bulk-{i}', '{petition_id}', 'bulk{i}@example.com', 'bulk{i}@example.com', \
                     'Bulk {i}', 'NL', FALSE, FALSE, 'confirmed', 1, \
                     '2026-11-01 00:00:00', '2026-11-01 00:{:02}:00')",
                    i % 60
                )
            })
            .collect();
        app.db.execute(&format!(
            "INSERT INTO signatures (id, petition_id, email, email_canonical, name, country, \
             public, updates, state, emails_sent, created_at, confirmed_at) VALUES {}",
            values.join(",")
        ));
    }
    app.db.execute(&format!(
        "UPDATE signature_count_shards SET confirmed = confirmed + 20000 \
         WHERE petition_id = '{petition_id}' AND shard = 0"
    ));
    if app.db.url().starts_with("postgres") {
        // Changed behind the app's back: announce it as an instance would,
        // rather than wait for the slow full refresh.
        app.db.execute(&format!(
            "SELECT pg_notify('undersigned_counts', 'test {petition_id}')"
        ));
    }
    let mut count = 0;
    for _ in 0..50 {
        count = app.count(&slug).await;
        if count == 20_000 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(count, 20_000);

    let page = statistics(&app, &slug).await;
    assert_eq!(page.status, 200);
    assert_eq!(number(&stat(&page, "confirmed")), 20_000);
    let counted = page.text_of("#counted-at").unwrap();
    assert!(counted.contains(note), "{counted}");
    assert_eq!(table(&page, "countries")["Netherlands (NL)"].0, 20_000);
}

async fn the_page_draws_its_charts_in_a_real_browser_on_a_phone(app: TestApp) {
    let Some(browser) = Browser::launch().await else {
        return;
    };
    app.create_organizer("owner@example.org").await;
    assert_eq!(app.login("owner@example.org", PASSWORD).await.status(), 303);
    let slug = app.create_petition("Bees on a small screen", "").await;
    // The longest country name there is, in the table.
    sign_and_confirm(&app, &slug, "ana@example.com", "GB", "facebook").await;

    browser.set_size(390, 844).await;
    browser.goto(&app.url("/login")).await;
    browser.fill("#email", "owner@example.org").await;
    browser.fill("#password", PASSWORD).await;
    browser.click("button[type=submit]").await;
    browser.wait_for_url("/dashboard").await;
    browser
        .click(&format!("a[href='/dashboard/petitions/{slug}']"))
        .await;
    browser
        .wait_for_url(&format!("/dashboard/petitions/{slug}"))
        .await;
    assert_eq!(browser.text("[data-stat=confirmed]").await, "1");

    // Both charts scale down to the width of the screen, with no script.
    let sizes = browser
        .script(
            "return Array.from(document.querySelectorAll('svg.chart')).map(function (svg) { \
               var box = svg.getBoundingClientRect(); return [box.width, box.height]; });",
        )
        .await;
    let sizes = sizes.as_array().unwrap();
    assert_eq!(sizes.len(), 2, "{sizes:?}");
    for size in sizes {
        let (width, height) = (size[0].as_f64().unwrap(), size[1].as_f64().unwrap());
        assert!((300.0..=390.0).contains(&width), "{sizes:?}");
        assert!(height > 80.0, "{sizes:?}");
    }
    let overflow = browser
        .script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
        )
        .await;
    assert!(
        overflow.as_i64().unwrap() <= 0,
        "page scrolls sideways by {overflow}px"
    );
}
