//! Organizers editing their petitions.

use crate::app_tests;
use crate::helpers::{signature, TestApp, PASSWORD};

app_tests!(
    the_owner_edits_text_targets_goal_and_closing_date,
    a_preview_shows_the_text_without_saving_it,
    nobody_else_can_edit_a_petition,
);

async fn edit(app: &TestApp, slug: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let path = format!("/dashboard/petitions/{slug}/edit");
    let token = app.get(&path).await.csrf_token();
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf_token", &token));
    app.post_form(&path, &form).await
}

const EDITED: &[(&str, &str)] = &[
    ("title", "Save the bees, now"),
    ("summary", "Pollinators need protecting everywhere."),
    ("body", "Bees pollinate *most* crops."),
    (
        "targets",
        "UN Secretary-General\nEuropean Parliament\nMinistry of Agriculture",
    ),
    ("goal", "50000"),
    ("closes_on", "2099-12-31"),
];

async fn the_owner_edits_text_targets_goal_and_closing_date(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    app.sign(&slug, &signature("early@example.com")).await;
    let link = app.confirmation_link("early@example.com", 1).await;
    app.confirm(&link).await;

    // The form starts from what is stored.
    let form = app.get(&format!("/dashboard/petitions/{slug}/edit")).await;
    assert_eq!(form.status, 200);
    assert_eq!(
        form.attr("input[name=title]", "value").unwrap(),
        "Save the bees"
    );
    assert!(form
        .text_of("textarea[name=targets]")
        .unwrap()
        .contains("European Commission"));

    let response = edit(&app, &slug, EDITED).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    // The slug never changes: every shared link keeps working.
    assert_eq!(response.headers()["location"], format!("/petitions/{slug}"));
    let page = app.get(&format!("/petitions/{slug}")).await;
    assert!(page.body.contains("Save the bees, now"));
    assert!(page.body.contains("<em>most</em>"));
    assert!(page.body.contains("Ministry of Agriculture"));
    assert!(
        !page.body.contains("European Commission"),
        "a removed target is gone"
    );
    let (_, json) = app
        .get_json(&format!("/api/v1/petitions/{slug}/count"))
        .await;
    assert_eq!(json["goal"], 50000);
    assert_eq!(json["signature_count"], 1);
    let again = app.get(&format!("/dashboard/petitions/{slug}/edit")).await;
    assert_eq!(
        again.attr("input[name=closes_on]", "value").unwrap(),
        "2099-12-31"
    );
}

async fn a_preview_shows_the_text_without_saving_it(app: TestApp) {
    let slug = app.petition("Preview me").await;
    let mut fields = EDITED.to_vec();
    fields.push(("preview", "1"));
    fields.retain(|(k, _)| *k != "body");
    fields.push(("body", "A **bold** claim <script>alert(1)</script>"));
    let response = edit(&app, &slug, &fields).await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    assert!(body.contains("<strong>bold</strong>"), "{body}");
    assert!(!body.contains("<script>alert"), "the preview is sanitized");
    // Nothing was saved.
    let page = app.get(&format!("/petitions/{slug}")).await;
    assert!(page.body.contains("Preview me"));
    assert!(!page.body.contains("Save the bees, now"));
}

async fn nobody_else_can_edit_a_petition(app: TestApp) {
    let slug = app.petition("Mine alone").await;
    app.create_organizer("intruder@example.org").await;
    assert_eq!(
        app.login("intruder@example.org", PASSWORD).await.status(),
        303
    );
    let form = app.get(&format!("/dashboard/petitions/{slug}/edit")).await;
    assert_eq!(form.status, 403);
    let token = app.get("/dashboard/petitions/new").await.csrf_token();
    let mut fields = EDITED.to_vec();
    fields.push(("csrf_token", &token));
    let response = app
        .post_form(&format!("/dashboard/petitions/{slug}/edit"), &fields)
        .await;
    assert_eq!(response.status(), 403);
    let page = app.get(&format!("/petitions/{slug}")).await;
    assert!(page.body.contains("Mine alone"));
    assert_eq!(
        app.get("/dashboard/petitions/no-such-petition/edit")
            .await
            .status,
        404
    );
}

app_tests!(a_petition_past_its_closing_date_can_still_be_corrected,);

async fn a_petition_past_its_closing_date_can_still_be_corrected(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    // Closed by its date yesterday, as if the organizer had set it then.
    app.db.execute(&format!(
        "UPDATE petitions SET closes_at = '2026-01-02 00:00:00' WHERE slug = '{slug}'"
    ));
    let path = format!("/dashboard/petitions/{slug}/edit");
    let form = app.get(&path).await;
    assert_eq!(
        form.attr("#closes_on", "value").as_deref(),
        Some("2026-01-01")
    );
    let token = form.csrf_token();
    let saved = app
        .post_form(
            &path,
            &[
                ("title", "Save the bees (typo fixed)"),
                ("summary", "Protect pollinators across Europe."),
                ("body", "Bees pollinate **a third** of our food."),
                ("targets", "European Parliament"),
                ("goal", "1000"),
                ("closes_on", "2026-01-01"),
                ("csrf_token", token.as_str()),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303, "{}", saved.text().await.unwrap());
    let page = app.get(&format!("/petitions/{slug}")).await;
    assert!(page.body.contains("typo fixed"));
    assert!(
        page.body.contains("This petition is closed"),
        "it stays closed"
    );
}
