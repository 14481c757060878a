use std::time::Duration;

use crate::a11y::tab_to;
use crate::app_tests;
use crate::helpers::{TestApp, PASSWORD};
use crate::webdriver::{keys, Browser};

app_tests!(
    a_person_signs_and_confirms_in_a_real_browser,
    an_organizer_signs_up_starts_a_petition_and_edits_it,
    the_progress_bar_shows_the_first_signature,
);

/// Pixels of the accent colour (#0b6e4f) in a PNG, give or take the
/// browser's smoothing at the bar's rounded ends.
fn accent_pixels(png: &[u8]) -> usize {
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(png).expect("a PNG");
    pixmap
        .pixels()
        .iter()
        .filter(|p| {
            let c = p.demultiply();
            c.red().abs_diff(0x0b) < 24
                && c.green().abs_diff(0x6e) < 24
                && c.blue().abs_diff(0x4f) < 24
        })
        .count()
}

/// One signature of a goal of 1,000 is 0.1 %, a third of a pixel on a
/// phone: the bar must still show that it has started.
async fn the_progress_bar_shows_the_first_signature(app: TestApp) {
    let Some(browser) = Browser::launch().await else {
        return;
    };
    let slug = app.petition("Protect the wetlands").await;
    let page_url = app.url(&format!("/petitions/{slug}"));
    browser.set_size(390, 844).await;
    browser.goto(&page_url).await;
    let empty = accent_pixels(&browser.screenshot(".progress-box progress").await);
    assert_eq!(empty, 0, "an empty bar shows progress");

    app.sign(&slug, &crate::helpers::signature("first@example.com"))
        .await;
    let link = app.confirmation_link("first@example.com", 1).await;
    assert_eq!(app.confirm(&link).await.status, 200);
    assert_eq!(app.count(&slug).await, 1);
    for _ in 0..50 {
        browser.goto(&page_url).await;
        if browser.text(&format!("[data-live-count=\"{slug}\"]")).await == "1" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let started = accent_pixels(&browser.screenshot(".progress-box progress").await);
    assert!(started >= 40, "one signature shows as {started} pixels");
}

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
    // Opening the link shows a button; only pressing it confirms.
    assert_eq!(
        browser.text("h1").await,
        "One more step: confirm your signature"
    );
    assert_eq!(app.count(&slug).await, 0);
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text("h1", "Thank you for signing").await;
    let receipt = browser.text("#receipt-code").await;

    browser.goto(&page_url).await;
    assert_eq!(
        browser.text(&format!("[data-live-count=\"{slug}\"]")).await,
        "1"
    );

    // The receipt is checked in the browser, against the signed log.
    crate::public_log::head_covering(&app, &slug, 1).await;
    browser
        .goto(&app.url(&format!("/petitions/{slug}/verify")))
        .await;
    browser.fill("#receipt", &receipt.to_lowercase()).await;
    browser.click("#verify-form button[type=submit]").await;
    let mut verdict = String::new();
    for _ in 0..100 {
        verdict = browser.text("#verify-result").await;
        if verdict.contains("counted") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(verdict.contains("Your signature is counted"), "{verdict}");
    assert!(
        verdict.contains("This check ran in your browser"),
        "{verdict}"
    );
    assert!(
        !verdict.contains("cannot check"),
        "Chromium checks Ed25519: {verdict}"
    );
    assert!(
        !browser.url().await.contains("receipt="),
        "the form was not sent"
    );
}

async fn an_organizer_signs_up_starts_a_petition_and_edits_it(app: TestApp) {
    let Some(browser) = Browser::launch().await else {
        return;
    };
    browser.goto(&app.url("/signup")).await;
    browser.fill("#name", "Rosa Parkes").await;
    browser.fill("#email", "rosa@example.org").await;
    browser.fill("#password", PASSWORD).await;
    browser
        .click("form[action='/signup'] button[type=submit]")
        .await;
    assert_eq!(browser.text("h1").await, "Check your inbox");

    let mail = &app.mail.wait_for("rosa@example.org", 1).await[0];
    browser
        .goto(&mail.link_containing("/signup/confirm/"))
        .await;
    // Opening the link only asks for the password chosen at sign-up.
    assert_eq!(browser.text("h1").await, "Confirm your email address");
    browser.fill("#password", PASSWORD).await;
    browser.click("main form button[type=submit]").await;
    browser
        .wait_for_text("h1", "Your email address is confirmed")
        .await;

    browser.click("main a[href='/login']").await;
    browser.wait_for_url("/login").await;
    // Logging in and starting a petition work from the keyboard alone.
    tab_to(&browser, "email").await;
    browser.type_text("rosa@example.org").await;
    tab_to(&browser, "password").await;
    browser.type_text(PASSWORD).await;
    browser.press(&[keys::ENTER]).await;
    browser.wait_for_url("/dashboard").await;
    assert!(browser.text("main").await.contains("no petitions yet"));

    tab_to(&browser, "a Start a petition").await;
    browser.press(&[keys::ENTER]).await;
    browser.wait_for_url("/dashboard/petitions/new").await;
    tab_to(&browser, "title").await;
    browser.type_text("Shade trees for every schoolyard").await;
    tab_to(&browser, "targets").await;
    browser.type_text("Ministry of Education").await;
    browser.press(&[keys::ENTER]).await;
    browser.type_text("City Council").await;
    tab_to(&browser, "summary").await;
    browser
        .type_text("Children need shade in the summer.")
        .await;
    tab_to(&browser, "body").await;
    browser
        .type_text("Playgrounds reach **50 °C** in July.")
        .await;
    tab_to(&browser, "goal").await;
    browser.type_text("2500").await;
    tab_to(&browser, "button Publish the petition").await;
    browser.press(&[keys::ENTER]).await;
    let slug = wait_for_petition_page(&browser).await;
    assert_eq!(browser.text("h1").await, "Shade trees for every schoolyard");
    let targets = browser
        .script(
            "return [...document.querySelectorAll('.targets .target')].map(t => t.textContent);",
        )
        .await;
    assert_eq!(
        targets,
        serde_json::json!(["Ministry of Education", "City Council"]),
        "one target per line"
    );

    // The dashboard lists it, with a way to edit.
    browser.goto(&app.url("/dashboard")).await;
    assert!(browser
        .text("table.petitions")
        .await
        .contains("Shade trees for every schoolyard"));
    let edit = format!("/dashboard/petitions/{slug}/edit");
    browser.click(&format!("a[href='{edit}']")).await;
    browser.wait_for_url(&edit).await;
    assert_eq!(
        browser.value("#title").await,
        "Shade trees for every schoolyard"
    );

    // A preview shows the new text and keeps the form as typed.
    browser
        .fill("#title", "Shade trees for every schoolyard by 2030")
        .await;
    browser
        .fill("#body", "Playgrounds reach **55 °C** in July.")
        .await;
    browser.click("button[name=preview]").await;
    assert_eq!(
        browser.text(".preview strong").await,
        "55 °C",
        "the preview renders the Markdown"
    );
    assert_eq!(
        browser.value("#title").await,
        "Shade trees for every schoolyard by 2030"
    );
    browser.goto(&app.url(&format!("/petitions/{slug}"))).await;
    assert_eq!(
        browser.text("h1").await,
        "Shade trees for every schoolyard",
        "a preview saves nothing"
    );

    browser.goto(&app.url(&edit)).await;
    browser
        .fill("#title", "Shade trees for every schoolyard by 2030")
        .await;
    browser
        .fill("#summary", "Every child deserves shade at break time.")
        .await;
    browser
        .click(&format!("form[action='{edit}'] button.primary"))
        .await;
    browser.wait_for_url(&format!("/petitions/{slug}")).await;

    // A fresh visit, as the public would make, shows the change.
    browser.goto(&app.url(&format!("/petitions/{slug}"))).await;
    assert_eq!(
        browser.text("h1").await,
        "Shade trees for every schoolyard by 2030"
    );
    assert!(browser
        .text("main")
        .await
        .contains("Every child deserves shade at break time."));
    let public = app.get(&format!("/petitions/{slug}")).await;
    assert!(public
        .body
        .contains("Shade trees for every schoolyard by 2030"));
}

/// Waits for a new petition's public page after its form is sent;
/// returns its slug.
async fn wait_for_petition_page(browser: &Browser) -> String {
    for _ in 0..100 {
        let url = browser.url().await;
        if let Some((_, slug)) = url.split_once("/petitions/") {
            if !url.contains("/dashboard/") {
                return slug.to_owned();
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "no petition page after creating one; at {}",
        browser.url().await
    );
}
