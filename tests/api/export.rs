//! The organizer's CSV export of confirmed signatures.

use crate::app_tests;
use crate::helpers::{signature, TestApp, PASSWORD};

app_tests!(
    the_owner_downloads_confirmed_signatures_as_safe_csv,
    nobody_else_can_download_the_signatures,
    an_export_spans_many_pages_without_gaps_or_repeats,
);

async fn sign_and_confirm(app: &TestApp, slug: &str, email: &str, name: &str, comment: &str) {
    let mut fields = signature(email);
    fields.insert("name", name.into());
    fields.insert("comment", comment.into());
    app.sign(slug, &fields).await;
    let link = app.confirmation_link(email, 1).await;
    assert_eq!(app.confirm(&link).await.status, 200);
}

async fn download(app: &TestApp, slug: &str) -> (u16, String, String) {
    let response = app
        .get_response(&format!("/dashboard/petitions/{slug}/signatures.csv"))
        .await;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

async fn the_owner_downloads_confirmed_signatures_as_safe_csv(app: TestApp) {
    let slug = app.petition("Export me").await;
    sign_and_confirm(
        &app,
        &slug,
        "ana@example.com",
        "Ana, \"the\" signer",
        "Line one\nline two",
    )
    .await;
    sign_and_confirm(
        &app,
        &slug,
        "evil@example.com",
        "=HYPERLINK(\"http://evil.example\")",
        "+1+2",
    )
    .await;
    // Pending signatures are not exported.
    app.sign(&slug, &signature("pending@example.com")).await;
    app.mail.wait_for("pending@example.com", 1).await;

    let (status, content_type, body) = download(&app, &slug).await;
    assert_eq!(status, 200, "{body}");
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[..3], ["name", "email", "country"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "{body}");
    assert_eq!(&rows[0][0], "Ana, \"the\" signer");
    assert_eq!(&rows[0][1], "ana@example.com");
    assert_eq!(&rows[0][4], "Line one\nline two");
    // Formulas arrive as text.
    assert_eq!(&rows[1][0], "'=HYPERLINK(\"http://evil.example\")");
    assert_eq!(&rows[1][4], "'+1+2");
    assert!(!body.contains("pending@example.com"));
}

async fn nobody_else_can_download_the_signatures(app: TestApp) {
    let slug = app.petition("Private list").await;
    sign_and_confirm(&app, &slug, "quiet@example.com", "Quiet Person", "").await;

    // Another organizer is refused.
    app.create_organizer("other@example.org").await;
    assert_eq!(app.login("other@example.org", PASSWORD).await.status(), 303);
    let (status, _, body) = download(&app, &slug).await;
    assert_eq!(status, 403);
    assert!(!body.contains("quiet@example.com"));

    // So is a visitor who is not logged in.
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = anonymous
        .get(app.url(&format!("/dashboard/petitions/{slug}/signatures.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert!(!response.text().await.unwrap().contains("quiet@example.com"));
}

async fn an_export_spans_many_pages_without_gaps_or_repeats(app: TestApp) {
    let slug = app.petition("Big list").await;
    // 2,500 confirmed signatures, more than two pages, sharing timestamps
    // so that the page boundary falls inside a run of equal times.
    let petition_id = &app.db.strings(&format!(
        "SELECT id AS value FROM petitions WHERE slug = '{slug}'"
    ))[0];
    let mut values = Vec::new();
    for i in 0..2_500 {
        values.push(format!(
            "('sig-{i:05}', '{petition_id}', 'bulk{i}@example.com', 'bulk{i}@example.com', \
             'Bulk {i}', 'DE', TRUE, FALSE, 'confirmed', 1, '2026-11-01 00:00:{:02}', '2026-11-01 00:00:{:02}')",
            i % 60,
            i % 7
        ));
    }
    app.db.execute(&format!(
        "INSERT INTO signatures (id, petition_id, email, email_canonical, name, country, public, \
         updates, state, emails_sent, created_at, confirmed_at) VALUES {}",
        values.join(",")
    ));
    let (status, _, body) = download(&app, &slug).await;
    assert_eq!(status, 200);
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let emails: std::collections::HashSet<String> =
        reader.records().map(|r| r.unwrap()[1].to_owned()).collect();
    assert_eq!(emails.len(), 2_500);
    assert_eq!(
        body.lines().count(),
        2_501,
        "a header and one line per signer"
    );
}
