//! The live count in a real browser: an open petition page follows a
//! confirmation without being reloaded.

use std::time::{Duration, Instant};

use crate::app_tests;
use crate::helpers::{signature, TestApp};
use crate::webdriver::Browser;

app_tests!(an_open_petition_page_counts_a_confirmation_without_a_reload,);

async fn an_open_petition_page_counts_a_confirmation_without_a_reload(app: TestApp) {
    let Some(browser) = Browser::launch().await else {
        return;
    };
    let slug = app.petition("Protect the wetlands").await;
    browser.goto(&app.url(&format!("/petitions/{slug}"))).await;
    let count = format!("[data-live-count=\"{slug}\"]");
    assert_eq!(browser.text(&count).await, "0");
    // Survives only as long as the page is not reloaded.
    browser.script("window.stillTheSamePage = true;").await;

    assert_eq!(
        app.sign(&slug, &signature("kim@example.com"))
            .await
            .status(),
        303
    );
    let link = app.confirmation_link("kim@example.com", 1).await;
    assert_eq!(app.confirm(&link).await.status, 200);

    let started = Instant::now();
    while browser.text(&count).await != "1" {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the open page still shows {}",
            browser.text(&count).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        browser
            .script("return window.stillTheSamePage === true;")
            .await,
        serde_json::Value::Bool(true),
        "the page was reloaded"
    );
}
