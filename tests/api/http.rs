//! HTTP as clients expect it: HEAD everywhere GET works, and the files
//! every site is asked for.

use crate::helpers::{signature, spawn_app_with_settings, Backend, TestApp};
use crate::{app_tests, on_both_backends};

app_tests!(
    head_answers_as_get_without_a_body,
    favicon_robots_and_sitemap_are_served,
);

async fn head_answers_as_get_without_a_body(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    app.sign(&slug, &signature("ana@example.com")).await;
    let paths = [
        "/".to_owned(),
        "/login".to_owned(),
        "/signup".to_owned(),
        "/privacy".to_owned(),
        "/dashboard".to_owned(),
        format!("/petitions/{slug}"),
        format!("/petitions/{slug}/embed"),
        format!("/petitions/{slug}/badge.svg"),
        format!("/petitions/{slug}/signed"),
        format!("/api/v1/petitions/{slug}"),
        "/api/v1/openapi.json".to_owned(),
        "/health".to_owned(),
        "/robots.txt".to_owned(),
        "/no-such-page".to_owned(),
        "/signatures/confirm/nonsense".to_owned(),
    ];
    for path in paths {
        let get = app.get_response(&path).await;
        let head = app.client.head(app.url(&path)).send().await.unwrap();
        assert_eq!(head.status(), get.status(), "{path}");
        for name in ["content-type", "cache-control", "content-security-policy"] {
            assert_eq!(
                head.headers().get(name),
                get.headers().get(name),
                "{path}: {name}"
            );
        }
        let length = get.headers().get("content-length").cloned();
        let body = get.bytes().await.unwrap();
        if let Some(length) = length {
            assert_eq!(
                head.headers().get("content-length"),
                Some(&length),
                "{path}"
            );
            assert_eq!(length.to_str().unwrap(), body.len().to_string(), "{path}");
        }
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "{path}: HEAD has no body"
        );
    }
    // HEAD on the live stream answers at once rather than streaming.
    let live = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        app.client
            .head(app.url(&format!("/petitions/{slug}/live")))
            .send(),
    )
    .await
    .expect("HEAD on the stream answers")
    .unwrap();
    assert_eq!(live.status(), 200);
}

async fn favicon_robots_and_sitemap_are_served(app: TestApp) {
    let open = app.petition("Save the bees").await;
    let closed = app.create_petition("Old news", "").await;
    let token = app.get("/dashboard").await.csrf_token();
    let closing = app
        .post_form(
            &format!("/dashboard/petitions/{closed}/close"),
            &[("csrf_token", token)],
        )
        .await;
    assert_eq!(closing.status(), 303);

    let icon = app.get_response("/favicon.ico").await;
    assert_eq!(icon.status(), 200);
    assert_eq!(icon.headers()["content-type"], "image/x-icon");
    let bytes = icon.bytes().await.unwrap();
    assert_eq!(&bytes[..4], &[0, 0, 1, 0]);
    let page = app.get(&format!("/petitions/{open}")).await;
    let svg = page
        .attr("link[rel=icon]", "href")
        .expect("pages link an icon");
    let svg = app.get_response(&svg).await;
    assert_eq!(svg.status(), 200);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");

    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.status, 200);
    assert!(robots.body.contains("Disallow: /dashboard"));
    assert!(robots
        .body
        .contains(&format!("Sitemap: {}/sitemap.xml", app.address)));

    let sitemap = app.get_response("/sitemap.xml").await;
    assert_eq!(sitemap.status(), 200);
    assert!(sitemap.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/xml"));
    let xml = sitemap.text().await.unwrap();
    assert!(
        xml.contains(&format!("<loc>{}/petitions/{open}</loc>", app.address)),
        "{xml}"
    );
    assert!(
        !xml.contains(&format!("/petitions/{closed}<")),
        "closed petitions are left out: {xml}"
    );
}

app_tests!(pages_and_json_are_compressed_and_the_stream_is_not,);

async fn pages_and_json_are_compressed_and_the_stream_is_not(app: TestApp) {
    use std::io::Read;
    let slug = app.petition("Save the bees").await;
    for (path, encoding) in [
        (format!("/petitions/{slug}"), "br"),
        ("/".to_owned(), "gzip"),
        (format!("/api/v1/petitions/{slug}"), "br"),
        (format!("/petitions/{slug}/badge.svg"), "gzip"),
    ] {
        let plain = app.get_response(&path).await;
        // Uncompressed, it still says what it would vary on: a cache must
        // not hand this plain copy to clients that take brotli.
        let vary = plain.headers()["vary"].to_str().unwrap().to_owned();
        assert!(vary.contains("Accept-Encoding"), "{path}: {vary}");
        let plain = plain.bytes().await.unwrap();
        let response = app
            .client
            .get(app.url(&path))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-encoding"], encoding, "{path}");
        let vary: Vec<String> = response
            .headers()
            .get_all("vary")
            .iter()
            .map(|v| v.to_str().unwrap().to_ascii_lowercase())
            .collect();
        assert_eq!(vary.len(), 1, "{path}: one Vary line, not {vary:?}");
        assert_eq!(
            vary[0].matches("accept-encoding").count(),
            1,
            "{path}: {vary:?}"
        );
        let packed = response.bytes().await.unwrap();
        assert!(
            packed.len() < plain.len(),
            "{path}: {} ≥ {}",
            packed.len(),
            plain.len()
        );
        let mut unpacked = Vec::new();
        if encoding == "br" {
            brotli::Decompressor::new(&packed[..], 4096)
                .read_to_end(&mut unpacked)
                .unwrap();
        } else {
            flate2::read::GzDecoder::new(&packed[..])
                .read_to_end(&mut unpacked)
                .unwrap();
        }
        // Pages carry a fresh CSRF token each time; compare their shape.
        assert!(unpacked.len().abs_diff(plain.len()) < 64, "{path}");
    }
    // The live stream is never held back in a compressor's buffer.
    let live = app
        .client
        .get(app.url(&format!("/petitions/{slug}/live")))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_ne!(
        live.headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap()),
        Some("br")
    );
    assert_ne!(
        live.headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap()),
        Some("gzip")
    );
}

on_both_backends!(a_body_that_trickles_in_gets_408_and_the_connection_closes);

async fn a_body_that_trickles_in_gets_408_and_the_connection_closes(backend: Backend) {
    let Some(app) = spawn_app_with_settings(backend, |s| s.server.body_timeout_s = 1).await else {
        return;
    };
    let slug = app.petition("Save the bees").await;
    let started = std::time::Instant::now();
    let answer = trickle(
        &app,
        &format!("/petitions/{slug}/signatures"),
        "application/x-www-form-urlencoded",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // A person gets a page that says what happened, like any other error.
    let (head, page) = answer.split_once("\r\n\r\n").expect("a head and a body");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/html"),
        "{head}"
    );
    assert!(
        page.contains("<html") && page.contains("took too long to arrive"),
        "{page}"
    );

    // The API says so in its own error shape.
    let answer = trickle(
        &app,
        &format!("/api/v1/petitions/{slug}/signatures"),
        "application/json",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let (head, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{head}"
    );
    let body: serde_json::Value = serde_json::from_str(body).expect("a JSON body");
    assert_eq!(body["error"]["code"], "request_timeout", "{body}");
    assert_eq!(
        body["error"]["message"],
        "The request took too long to arrive. Try again."
    );
    assert_eq!(app.db.count("signatures", "1 = 1"), 0);
}

/// POSTs to `path` a body of 100 bytes, one byte every 300 ms, far slower
/// than the deadline allows; returns what the server answered before it
/// closed the connection.
async fn trickle(app: &TestApp, path: &str, content_type: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\n\
         Content-Type: {content_type}\r\nContent-Length: 100\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    let closed = async {
        loop {
            tokio::select! {
                read = stream.read(&mut buffer) => match read {
                    Ok(0) | Err(_) => break,
                    Ok(n) => answer.extend_from_slice(&buffer[..n]),
                },
                _ = tokio::time::sleep(std::time::Duration::from_millis(300)) => {
                    if stream.write_all(b"n").await.is_err() {
                        break;
                    }
                }
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), closed)
        .await
        .expect("the server closes the connection");
    String::from_utf8_lossy(&answer).into_owned()
}

app_tests!(invalid_utf8_in_a_form_is_refused_like_the_api_does,);

async fn invalid_utf8_in_a_form_is_refused_like_the_api_does(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let token = app.get(&format!("/petitions/{slug}")).await.csrf_token();
    let body = format!("name=Ana%FF%FE&email=ana%40example.com&country=DE&csrf_token={token}");
    let response = app
        .client
        .post(app.url(&format!("/petitions/{slug}/signatures")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let page = response.text().await.unwrap();
    assert!(page.contains("not valid text"), "{page}");
    assert_eq!(app.db.count("signatures", "1 = 1"), 0);

    let api = app
        .client
        .post(app.url(&format!("/api/v1/petitions/{slug}/signatures")))
        .header("content-type", "application/json")
        .body(
            b"{\"name\": \"Ana\xff\", \"email\": \"ana@example.com\", \"country\": \"DE\"}"
                .to_vec(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 400);
    assert_eq!(app.db.count("signatures", "1 = 1"), 0);

    // Korean typed as UTF-8 is, of course, fine.
    let mut fields = signature("minji@example.com");
    fields.insert("name", "김민지".into());
    assert_eq!(app.sign(&slug, &fields).await.status(), 303);
}

app_tests!(the_progress_bar_shows_any_signature,);

async fn the_progress_bar_shows_any_signature(app: TestApp) {
    let slug = app.petition("Save the bees").await; // a goal of 1,000
    app.sign(&slug, &signature("first@example.com")).await;
    let link = app.confirmation_link("first@example.com", 1).await;
    assert_eq!(app.confirm(&link).await.status, 200);
    let page = app
        .get_when(&format!("/petitions/{slug}"), |p| {
            p.text_of(&format!("[data-live-count=\"{slug}\"]"))
                .as_deref()
                == Some("1")
        })
        .await;
    assert_eq!(page.attr("progress", "value").as_deref(), Some("0.1"));
}
