//! The widget on someone else's page, in headless Chromium: a blog on
//! another site embeds the petition with embed.js, and a visitor signs
//! inside the iframe.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::app_tests;
use crate::helpers::TestApp;
use crate::webdriver::Browser;

app_tests!(
    a_blog_on_another_site_embeds_the_petition_and_a_visitor_signs_in_it,
    the_oembed_html_renders_the_widget,
);

/// Serves `html` for every request, on `localhost` rather than the app's
/// `127.0.0.1`: another origin and another site, as a real blog is.
async fn serve_blog(html: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let html = html.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{html}",
                    html.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    format!("http://localhost:{port}/blog.html")
}

async fn a_blog_on_another_site_embeds_the_petition_and_a_visitor_signs_in_it(app: TestApp) {
    let Some(browser) = Browser::launch().await else {
        return;
    };
    let slug = app.petition("Protect the wetlands").await;
    let blog = serve_blog(format!(
        "<!doctype html><html lang=\"en\"><head><title>A blog</title></head><body>\
         <h1>My blog</h1><p>Please sign:</p>\
         <div data-undersigned=\"{}/petitions/{slug}\"></div>\
         <script src=\"{}/embed.js\" async></script></body></html>",
        app.address, app.address
    ))
    .await;

    browser.goto(&blog).await;
    let frame = format!("iframe[data-undersigned-frame=\"{slug}\"]");
    // embed.js sized the frame to its content, told by the widget.
    let mut height = String::new();
    for _ in 0..50 {
        height = browser
            .script(&format!(
                "return document.querySelector('{}').style.height;",
                frame.replace('\'', "\\'")
            ))
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if height != "640px" && !height.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        height.ends_with("px") && height != "640px",
        "height {height}"
    );

    // The frame is named in the language the widget took from the browser.
    let title = browser
        .script(&format!(
            "return document.querySelector('{}').title;",
            frame.replace('\'', "\\'")
        ))
        .await;
    browser.enter_frame(&frame).await;
    let widget_lang = browser
        .script("return document.documentElement.lang;")
        .await;
    let expected = if widget_lang == "ko" {
        "청원"
    } else {
        "Petition"
    };
    assert_eq!(title, expected, "the widget is in {widget_lang}");
    assert!(browser.text("h1").await.starts_with("Protect the wetlands"));
    browser.fill("#name", "Lee Ji-eun 이지은").await;
    browser.fill("#email", "jieun@example.com").await;
    browser.click("#country option[value=KR]").await;
    browser.click("form button[type=submit]").await;
    let mut answered = false;
    for _ in 0..100 {
        if browser
            .script(
                "return !!document.body && document.body.innerText.includes('Check your inbox');",
            )
            .await
            .as_bool()
            == Some(true)
        {
            answered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(answered, "the widget did not answer inside the frame");
    browser.leave_frames().await;
    assert_eq!(browser.text("h1").await, "My blog", "the blog stayed put");

    // The widget's count moves when the signature is confirmed, without a
    // reload: the blog's page and the frame stay as they are.
    browser
        .script("window.notReloaded = true; return null;")
        .await;
    let link = app.confirmation_link("jieun@example.com", 1).await;
    assert_eq!(app.confirm(&link).await.status, 200);
    assert_eq!(app.count(&slug).await, 1);
    browser.enter_frame(&frame).await;
    let count = format!("[data-live-count=\"{slug}\"]");
    let mut live = String::new();
    for _ in 0..50 {
        live = browser.text(&count).await;
        if live == "1" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(live, "1", "the widget's count followed the confirmation");
    browser.leave_frames().await;
    assert_eq!(
        browser.script("return window.notReloaded === true;").await,
        serde_json::Value::Bool(true)
    );
    assert_eq!(app.db.count("signatures", "source = 'embed'"), 1);
}

async fn the_oembed_html_renders_the_widget(app: TestApp) {
    let Some(browser) = Browser::launch().await else {
        return;
    };
    let slug = app.petition("Clean air for schools").await;
    let url = format!("{}/petitions/{slug}", app.address);
    let oembed: serde_json::Value = app
        .client
        .get(app.url("/oembed"))
        .query(&[("url", url.as_str()), ("format", "json")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let blog = serve_blog(format!(
        "<!doctype html><html lang=\"en\"><head><title>A post</title></head><body>{}</body></html>",
        oembed["html"].as_str().unwrap()
    ))
    .await;
    browser.goto(&blog).await;
    browser.enter_frame("iframe").await;
    assert!(browser
        .text("h1")
        .await
        .starts_with("Clean air for schools"));
    assert_eq!(
        browser.text(&format!("[data-live-count=\"{slug}\"]")).await,
        "0"
    );
}
