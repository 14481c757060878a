use crate::app_tests;
use crate::helpers::{signature, TestApp};

app_tests!(
    health_reports_the_database,
    oversized_bodies_are_refused_with_413,
    unknown_pages_are_404_html,
    pages_cannot_be_framed,
);

async fn health_reports_the_database(app: TestApp) {
    let (status, json) = app.get_json("/health").await;
    assert_eq!(status, 200);
    assert_eq!(json["status"], "ok", "{json}");
    assert_eq!(json["database"], "ok", "{json}");
    assert_eq!(json["email"], "ok", "{json}");
    assert_eq!(json["workers"], "ok", "{json}");
}

async fn oversized_bodies_are_refused_with_413(app: TestApp) {
    let slug = app.petition("Big bodies").await;
    let mut form = signature("big@example.com");
    form.insert("comment", "x".repeat(400 * 1024));
    let response = app.sign(&slug, &form).await;
    assert_eq!(response.status(), 413);
    let response = app
        .client
        .post(app.url(&format!("/api/v1/petitions/{slug}/signatures")))
        .header("content-type", "application/json")
        .body(format!("{{\"name\":\"{}\"}}", "x".repeat(400 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

async fn unknown_pages_are_404_html(app: TestApp) {
    for path in [
        "/nope",
        "/petitions/does-not-exist",
        "/petitions/does-not-exist/signed",
        "/petitions/nul%00byte",
        "/petitions/%F0%9F%98%80",
        "/petitions/does-not-exist/signed/x",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.body.contains("Page not found"));
    }
    // Odd bytes in a search are no error either.
    assert_eq!(app.get("/?q=nul%00byte").await.status, 200);
    let (status, json) = app.get_json("/api/v1/petitions?q=%00").await;
    assert_eq!(status, 200, "{json}");
    let (status, _) = app.get_json("/api/v1/petitions/nul%00byte").await;
    assert_eq!(status, 404);
}

async fn pages_cannot_be_framed(app: TestApp) {
    let response = app.get_response("/").await;
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
}
