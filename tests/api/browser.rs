use crate::app_tests;
use crate::helpers::TestApp;
use crate::webdriver::Browser;

app_tests!(a_person_signs_and_confirms_in_a_real_browser,);

async fn a_person_signs_and_confirms_in_a_real_browser(app: TestApp) {
    let Some(browser) = Browser::launch().await else {
        return;
    };
    let slug = app.petition("Protect the wetlands").await;
    let page_url = app.url(&format!("/petitions/{slug}"));

    // A phone-sized window: the page must not scroll sideways.
    browser.set_size(390, 844).await;
    browser.goto(&page_url).await;
    assert_eq!(
        browser.text(&format!("[data-live-count=\"{slug}\"]")).await,
        "0"
    );
    let overflow = browser
        .script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
        )
        .await;
    assert!(
        overflow.as_i64().unwrap() <= 0,
        "page scrolls sideways by {overflow}px"
    );

    // A mistake is explained and what was typed stays.
    browser.fill("#name", "Kim Min-jun 김민준").await;
    browser.fill("#email", "kim.example.com").await;
    browser.click("#country option[value=KR]").await;
    browser
        .click("form[action$='/signatures'] button[type=submit]")
        .await;
    assert!(browser
        .text(".error-summary")
        .await
        .contains("correct format"));
    assert_eq!(browser.value("#name").await, "Kim Min-jun 김민준");
    assert_eq!(browser.value("#country").await, "KR");

    browser.fill("#email", "kim@example.com").await;
    browser
        .click("form[action$='/signatures'] button[type=submit]")
        .await;
    browser
        .wait_for_url(&format!("/petitions/{slug}/signed"))
        .await;
    assert!(browser.text("h1").await.contains("Check your inbox"));

    let link = app.confirmation_link("kim@example.com", 1).await;
    browser.goto(&link).await;
    assert_eq!(browser.text("h1").await, "Thank you for signing");

    browser.goto(&page_url).await;
    assert_eq!(
        browser.text(&format!("[data-live-count=\"{slug}\"]")).await,
        "1"
    );
}
