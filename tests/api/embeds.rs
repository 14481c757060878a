//! The embeddable widget, embed.js, oEmbed and the badge.

use crate::app_tests;
use crate::helpers::{signature, Page, TestApp};

app_tests!(
    the_widget_is_framable_and_nothing_else_is,
    a_visitor_signs_inside_the_widget_without_cookies,
    oembed_describes_petitions_and_nothing_else,
    the_badge_shows_the_count_and_revalidates_cheaply,
);

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

async fn the_widget_is_framable_and_nothing_else_is(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let widget = app.get_response(&format!("/petitions/{slug}/embed")).await;
    assert_eq!(widget.status(), 200);
    let csp = header(&widget, "content-security-policy");
    assert!(csp.contains("frame-ancestors *"), "{csp}");
    assert!(!csp.contains("'unsafe-inline'"), "{csp}");
    let page = Page::from(widget).await;
    assert_eq!(
        page.attr("form", "action"),
        Some(format!("/petitions/{slug}/embed"))
    );
    assert_eq!(
        page.attr("input[name=source]", "value").as_deref(),
        Some("embed")
    );
    assert_eq!(
        page.text_of(&format!("[data-live-count=\"{slug}\"]"))
            .as_deref(),
        Some("0")
    );
    assert!(page
        .html()
        .select(&scraper::Selector::parse(".site-header").unwrap())
        .next()
        .is_none());

    for path in [
        format!("/petitions/{slug}"),
        "/".to_owned(),
        "/login".to_owned(),
    ] {
        let response = app.get_response(&path).await;
        let csp = header(&response, "content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    }

    let script = app.get_response("/embed.js").await;
    assert_eq!(script.status(), 200);
    assert!(header(&script, "content-type").starts_with("text/javascript"));
    assert!(script.text().await.unwrap().contains("data-undersigned"));

    let public = app.get(&format!("/petitions/{slug}")).await;
    let snippet = public.text_of("#embed-script").unwrap();
    assert!(snippet.contains(&format!(
        "data-undersigned=\"{}/petitions/{slug}\"",
        app.address
    )));
    assert!(snippet.contains("/embed.js"));
}

async fn a_visitor_signs_inside_the_widget_without_cookies(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    // A browser inside a cross-site iframe sends none of our cookies.
    let visitor = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let widget = Page::from(
        visitor
            .get(app.url(&format!("/petitions/{slug}/embed")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let mut fields = signature("framed@example.com");
    fields.insert("csrf_token", widget.csrf_token());
    fields.insert("source", "embed".into());

    let mut bad = fields.clone();
    bad.insert("email", "not an address".into());
    let rejected = visitor
        .post(app.url(&format!("/petitions/{slug}/embed")))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(rejected.status(), 422);
    assert!(header(&rejected, "content-security-policy").contains("frame-ancestors *"));
    let rejected = Page::from(rejected).await;
    assert_eq!(rejected.attr("#name", "value").as_deref(), Some("Jane Doe"));
    assert!(rejected.body.contains("class=\"field-error\""));

    let signed = visitor
        .post(app.url(&format!("/petitions/{slug}/embed")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 303);
    let location = header(&signed, "location");
    assert_eq!(location, format!("/petitions/{slug}/embed?signed=1"));
    let thanks = Page::from(visitor.get(app.url(&location)).send().await.unwrap()).await;
    assert!(thanks.body.contains("Check your inbox"));

    let link = app.confirmation_link("framed@example.com", 1).await;
    app.confirm(&link).await;
    assert_eq!(app.count(&slug).await, 1);
    assert_eq!(app.db.count("signatures", "source = 'embed'"), 1);
}

async fn oembed_describes_petitions_and_nothing_else(app: TestApp) {
    let slug = app.petition("Bees <and> \"honey\"").await;
    let page = app.get(&format!("/petitions/{slug}")).await;
    let discovery = page
        .attr("link[type=\"application/json+oembed\"]", "href")
        .expect("the discovery link");
    let path = discovery.strip_prefix(&app.address).unwrap().to_owned();
    let (status, json) = app.get_json(&path).await;
    assert_eq!(status, 200);
    assert_eq!(json["version"], "1.0");
    assert_eq!(json["type"], "rich");
    assert_eq!(json["title"], "Bees <and> \"honey\"");
    assert_eq!(json["provider_name"], "undersigned");
    let html = json["html"].as_str().unwrap();
    assert!(
        html.starts_with(&format!(
            "<iframe src=\"{}/petitions/{slug}/embed\"",
            app.address
        )),
        "{html}"
    );
    assert!(!html.contains("<and>"), "escaped: {html}");
    assert!(json["width"].as_u64().unwrap() > 0 && json["height"].as_u64().unwrap() > 0);

    let url = format!("{}/petitions/{slug}", app.address);
    let narrow = app
        .client
        .get(app.url("/oembed"))
        .query(&[
            ("url", url.as_str()),
            ("format", "json"),
            ("maxwidth", "300"),
            ("maxheight", "400"),
        ])
        .send()
        .await
        .unwrap();
    let narrow: serde_json::Value = narrow.json().await.unwrap();
    assert_eq!(narrow["width"], 300);
    assert_eq!(narrow["height"], 400);

    let xml = app
        .client
        .get(app.url("/oembed"))
        .query(&[("url", url.as_str()), ("format", "xml")])
        .send()
        .await
        .unwrap();
    assert_eq!(xml.status(), 501);
    for unknown in [
        format!("{}/petitions/no-such-petition", app.address),
        format!("https://elsewhere.example/petitions/{slug}"),
        format!("{}/dashboard", app.address),
    ] {
        let response = app
            .client
            .get(app.url("/oembed"))
            .query(&[("url", unknown.as_str()), ("format", "json")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{unknown}");
    }
}

async fn the_badge_shows_the_count_and_revalidates_cheaply(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let path = format!("/petitions/{slug}/badge.svg");
    let first = app.get_response(&path).await;
    assert_eq!(first.status(), 200);
    assert!(header(&first, "content-type").starts_with("image/svg+xml"));
    assert!(header(&first, "cache-control").contains("max-age=10"));
    let etag = header(&first, "etag");
    assert!(!etag.is_empty());
    assert!(first
        .text()
        .await
        .unwrap()
        .contains("0 of 1,000 signatures"));

    let again = app
        .client
        .get(app.url(&path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(header(&again, "etag"), etag);

    app.sign(&slug, &signature("jane@example.com")).await;
    let link = app.confirmation_link("jane@example.com", 1).await;
    app.confirm(&link).await;
    let changed = app
        .client
        .get(app.url(&path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_ne!(header(&changed, "etag"), etag);
    assert!(changed
        .text()
        .await
        .unwrap()
        .contains("1 of 1,000 signatures"));

    assert_eq!(
        app.get_response("/petitions/nope/badge.svg").await.status(),
        404
    );
}

app_tests!(petition_pages_preview_with_a_drawn_card_even_in_korean);

async fn petition_pages_preview_with_a_drawn_card_even_in_korean(app: TestApp) {
    let slug = app.petition("꿀벌을 지켜주세요").await;
    let page = app.get(&format!("/petitions/{slug}")).await;
    let image = page
        .attr("meta[property=\"og:image\"]", "content")
        .expect("og:image");
    assert_eq!(image, format!("{}/petitions/{slug}/card.png", app.address));
    assert_eq!(
        page.attr("meta[name=\"twitter:card\"]", "content")
            .as_deref(),
        Some("summary_large_image")
    );
    assert_eq!(
        page.attr("meta[property=\"og:url\"]", "content"),
        page.attr("link[rel=canonical]", "href")
    );

    let path = image.strip_prefix(&app.address).unwrap().to_owned();
    let card = app.get_response(&path).await;
    assert_eq!(card.status(), 200);
    assert_eq!(header(&card, "content-type"), "image/png");
    let etag = header(&card, "etag");
    let png = card.bytes().await.unwrap();
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).expect("a PNG");
    assert_eq!((pixmap.width(), pixmap.height()), (1200, 630));
    let dark = (155..215)
        .flat_map(|y| (80..600).map(move |x| (x, y)))
        .filter(|&(x, y)| pixmap.pixel(x, y).unwrap().red() < 80)
        .count();
    assert!(
        dark > 500,
        "the Hangul title was drawn ({dark} dark pixels)"
    );

    let again = app
        .client
        .get(app.url(&path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(
        app.get_response("/petitions/nope/card.png").await.status(),
        404
    );
}

app_tests!(static_files_are_compressed_and_cached_for_a_year_under_hashed_names);

async fn static_files_are_compressed_and_cached_for_a_year_under_hashed_names(app: TestApp) {
    let page = app.get("/").await;
    let css = page
        .attr("link[rel=stylesheet]", "href")
        .expect("a stylesheet");
    assert!(
        css.starts_with("/static/style.") && css != "/static/style.css",
        "{css}"
    );

    // This client neither asks for nor decodes compression unless told.
    let raw = reqwest::Client::new();
    let brotli = raw
        .get(app.url(&css))
        .header("accept-encoding", "gzip, deflate, br")
        .send()
        .await
        .unwrap();
    assert_eq!(brotli.status(), 200);
    assert_eq!(header(&brotli, "content-encoding"), "br");
    assert_eq!(
        header(&brotli, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(header(&brotli, "vary").contains("Accept-Encoding"));
    let etag = header(&brotli, "etag");
    let compressed = brotli.bytes().await.unwrap();

    let plain = raw.get(app.url(&css)).send().await.unwrap();
    assert_eq!(header(&plain, "content-encoding"), "");
    let plain = plain.bytes().await.unwrap();
    assert!(
        compressed.len() * 2 < plain.len(),
        "{} vs {}",
        compressed.len(),
        plain.len()
    );

    let gzip = raw
        .get(app.url(&css))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&gzip, "content-encoding"), "gzip");

    let revalidated = raw
        .get(app.url(&css))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 304);

    // The plain name still works for old links, with a short lifetime.
    let old = raw.get(app.url("/static/style.css")).send().await.unwrap();
    assert_eq!(old.status(), 200);
    assert_eq!(header(&old, "cache-control"), "public, max-age=3600");
    assert_eq!(
        raw.get(app.url("/static/nope.css"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let embed = raw.get(app.url("/embed.js")).send().await.unwrap();
    assert_eq!(header(&embed, "access-control-allow-origin"), "*");
}
