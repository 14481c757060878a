//! HTTP by the book: entity tags on negotiated bodies, `Vary`, CORS
//! without `Vary: Origin`, `Cache-Control` by route class, 405 with
//! `Allow`, and oEmbed's size limits.

use crate::app_tests;
use crate::helpers::{run_cli, signature, TestApp, PASSWORD};

app_tests!(
    negotiated_bodies_have_weak_etags_that_revalidate_in_every_encoding,
    every_negotiated_answer_carries_the_same_vary_even_a_304,
    public_api_answers_any_origin_without_vary_origin,
    personal_answers_are_never_stored_and_pages_are_not_shared,
    a_wrong_method_gets_405_with_allow_and_an_unknown_path_404,
    oembed_never_answers_larger_than_asked_and_takes_either_scheme,
);

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A client that neither asks for nor decodes compression unless told.
fn raw() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = raw().get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

/// The addresses whose bodies come plain, gzipped or in brotli.
async fn negotiated_addresses(app: &TestApp, slug: &str) -> Vec<String> {
    let page = app.get(&format!("/petitions/{slug}")).await;
    let css = page.attr("link[rel=stylesheet]", "href").unwrap();
    let icon = page.attr("link[rel=icon]", "href").unwrap();
    vec![
        css,
        icon,
        "/static/style.css".to_owned(),
        "/static/icon.svg".to_owned(),
        "/embed.js".to_owned(),
        format!("/petitions/{slug}/badge.svg"),
    ]
}

const ENCODINGS: [Option<&str>; 4] = [None, Some("gzip"), Some("br"), Some("deflate")];

async fn negotiated_bodies_have_weak_etags_that_revalidate_in_every_encoding(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    for path in negotiated_addresses(&app, &slug).await {
        let mut tags = Vec::new();
        for encoding in ENCODINGS {
            let asked: Vec<(&str, &str)> = encoding
                .map(|e| vec![("accept-encoding", e)])
                .unwrap_or_default();
            let response = get_with(&app, &path, &asked).await;
            assert_eq!(response.status(), 200, "{path} {encoding:?}");
            assert_eq!(
                response
                    .headers()
                    .get("content-encoding")
                    .map(|v| v.to_str().unwrap()),
                encoding,
                "{path}"
            );
            // The same tag on bodies that differ byte for byte would let a
            // cache splice one encoding's bytes into another's.
            let etag = header(&response, "etag");
            assert!(
                etag.starts_with("W/\"") && etag.ends_with('"'),
                "{path} {encoding:?}: {etag}"
            );
            let cache_control = header(&response, "cache-control");
            let vary = header(&response, "vary");
            // Revalidating works with the tag as sent and in its strong
            // form, and the 304 says what the 200 said.
            for sent in [etag.clone(), etag.trim_start_matches("W/").to_owned()] {
                let mut conditional = asked.clone();
                conditional.push(("if-none-match", &sent));
                let again = get_with(&app, &path, &conditional).await;
                assert_eq!(again.status(), 304, "{path} {encoding:?} {sent}");
                assert_eq!(header(&again, "etag"), etag, "{path}");
                assert_eq!(header(&again, "vary"), vary, "{path}");
                assert_eq!(header(&again, "cache-control"), cache_control, "{path}");
                assert!(again.headers().get("content-encoding").is_none());
                assert!(again.bytes().await.unwrap().is_empty());
            }
            let other = get_with(&app, &path, &[("if-none-match", "W/\"other\"")]).await;
            assert_eq!(other.status(), 200, "{path}");
            tags.push(etag);
        }
        tags.dedup();
        assert_eq!(
            tags.len(),
            1,
            "{path}: one weak tag for the content, {tags:?}"
        );
    }
}

async fn every_negotiated_answer_carries_the_same_vary_even_a_304(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let badge = format!("/petitions/{slug}/badge.svg");
    let mut paths = negotiated_addresses(&app, &slug).await;
    paths.extend([
        "/metrics".to_owned(),
        "/".to_owned(),
        format!("/petitions/{slug}"),
        format!("/api/v1/petitions/{slug}"),
        format!("/api/v1/petitions/{slug}/count"),
        "/api/v1/openapi.json".to_owned(),
        "/robots.txt".to_owned(),
    ]);
    for path in paths {
        let plain = get_with(&app, &path, &[]).await;
        assert_eq!(plain.status(), 200, "{path}");
        assert!(
            plain.headers().get("content-encoding").is_none(),
            "{path}: plain"
        );
        let vary = header(&plain, "vary");
        assert!(
            vary.to_ascii_lowercase().contains("accept-encoding"),
            "{path}: {vary}"
        );
        assert_eq!(plain.headers().get_all("vary").iter().count(), 1, "{path}");
        for encoding in ["gzip", "br"] {
            let packed = get_with(&app, &path, &[("accept-encoding", encoding)]).await;
            assert_eq!(header(&packed, "content-encoding"), encoding, "{path}");
            assert_eq!(header(&packed, "vary"), vary, "{path} in {encoding}");
        }
    }
    let etag = header(&get_with(&app, &badge, &[]).await, "etag");
    let not_modified = get_with(&app, &badge, &[("if-none-match", &etag)]).await;
    assert_eq!(not_modified.status(), 304);
    assert_eq!(header(&not_modified, "vary"), "Accept-Encoding");
    // Images that are never compressed do not vary.
    let card = get_with(&app, &format!("/petitions/{slug}/card.png"), &[]).await;
    assert!(card.headers().get("vary").is_none(), "{:?}", card.headers());
}

async fn public_api_answers_any_origin_without_vary_origin(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let origin = "https://blog.example";
    for path in [
        "/api/v1/petitions".to_owned(),
        format!("/api/v1/petitions/{slug}"),
        format!("/api/v1/petitions/{slug}/count"),
        "/api/v1/openapi.json".to_owned(),
    ] {
        for from in [Some(origin), None] {
            let asked: Vec<(&str, &str)> = from.map(|o| vec![("origin", o)]).unwrap_or_default();
            let response = get_with(&app, &path, &asked).await;
            assert_eq!(response.status(), 200, "{path}");
            // The same answer for every origin, so nothing to vary on.
            assert_eq!(
                header(&response, "access-control-allow-origin"),
                "*",
                "{path} from {from:?}"
            );
            let vary = header(&response, "vary").to_ascii_lowercase();
            assert!(!vary.contains("origin"), "{path}: {vary}");
            assert!(!vary.contains("access-control"), "{path}: {vary}");
        }
    }
    let signing = format!("/api/v1/petitions/{slug}/signatures");
    let preflight = raw()
        .request(reqwest::Method::OPTIONS, app.url(&signing))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(header(&preflight, "access-control-allow-origin"), "*");
    assert!(!header(&preflight, "vary")
        .to_ascii_lowercase()
        .contains("origin"));
    let signed = raw()
        .post(app.url(&signing))
        .header("origin", origin)
        .json(
            &serde_json::json!({"name": "Jane Doe", "email": "jane@example.com", "country": "DE"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 202);
    assert_eq!(header(&signed, "access-control-allow-origin"), "*");
    assert!(!header(&signed, "vary")
        .to_ascii_lowercase()
        .contains("origin"));
    // A preflight for what only organizers may do is still refused.
    let refused = raw()
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/petitions"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(refused
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}

async fn personal_answers_are_never_stored_and_pages_are_not_shared(app: TestApp) {
    const ADMIN: &str = "admin@example.org";
    app.create_admin(ADMIN).await;
    assert_eq!(app.login(ADMIN, PASSWORD).await.status(), 303);
    let slug = app.create_petition("Save the bees", "").await;
    let cache_control = |response: &reqwest::Response| header(response, "cache-control");

    // Signed in: the dashboard, the admin pages (the abuse review shows
    // addresses), the forms that edit and write to signers.
    for path in [
        "/dashboard".to_owned(),
        "/dashboard/petitions/new".to_owned(),
        format!("/dashboard/petitions/{slug}"),
        format!("/dashboard/petitions/{slug}/edit"),
        format!("/dashboard/petitions/{slug}/updates"),
        format!("/dashboard/petitions/{slug}/signatures.csv"),
        "/dashboard/tokens".to_owned(),
        "/admin".to_owned(),
        format!("/admin/petitions/{slug}/abuse"),
    ] {
        let response = app.get_response(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(cache_control(&response), "no-store", "{path}");
    }
    // Signed out, the dashboard's redirect is not stored either.
    let signed_out = raw().get(app.url("/dashboard")).send().await.unwrap();
    assert_eq!(signed_out.status(), 303);
    assert_eq!(cache_control(&signed_out), "no-store");

    // The API with a token: the signature list has names and emails.
    let output = run_cli(
        app.db.url(),
        &["token", "create", "--email", ADMIN, "--name", "CRM"],
        "",
    )
    .await;
    assert!(output.status.success(), "{output:?}");
    let token = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    for path in [
        format!("/api/v1/petitions/{slug}/signatures"),
        format!("/api/v1/petitions/{slug}"),
    ] {
        let response = raw()
            .get(app.url(&path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(cache_control(&response), "no-store", "{path}");
    }
    let unauthorized = raw()
        .get(app.url(&format!("/api/v1/petitions/{slug}/signatures")))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.status(), 401);
    assert_eq!(cache_control(&unauthorized), "no-store");

    // A page reached through an emailed link, whose token is a secret.
    app.sign(&slug, &signature("jane@example.com")).await;
    let link = app.confirmation_link("jane@example.com", 1).await;
    let path = link.strip_prefix(&app.address).unwrap();
    let confirm = raw().get(app.url(path)).send().await.unwrap();
    assert_eq!(confirm.status(), 200);
    assert_eq!(cache_control(&confirm), "no-store");

    // A form sent back with its errors holds what the signer typed.
    let token = app.get(&format!("/petitions/{slug}")).await.csrf_token();
    let invalid = app
        .post_form(
            &format!("/petitions/{slug}/signatures"),
            &[
                ("name", "Jane Doe"),
                ("email", "not an address"),
                ("country", "DE"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(invalid.status(), 422);
    assert_eq!(cache_control(&invalid), "no-store");

    // Public pages carry a CSRF token or a live count: a browser may keep
    // them but asks again, and no shared cache may hand them on.
    for path in [
        "/".to_owned(),
        format!("/petitions/{slug}"),
        format!("/petitions/{slug}/embed"),
        "/login".to_owned(),
        "/signup".to_owned(),
    ] {
        let response = raw().get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(cache_control(&response), "private, no-cache", "{path}");
    }
    // Public reads say how long they keep; static files keep theirs.
    for (path, expected) in [
        (
            format!("/api/v1/petitions/{slug}/count"),
            "public, max-age=1",
        ),
        (format!("/api/v1/petitions/{slug}"), "public, max-age=5"),
        ("/api/v1/petitions".to_owned(), "public, max-age=5"),
        (format!("/petitions/{slug}/badge.svg"), "public, max-age=10"),
        ("/embed.js".to_owned(), "public, max-age=3600"),
        ("/static/style.css".to_owned(), "public, max-age=3600"),
    ] {
        let response = raw().get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(cache_control(&response), expected, "{path}");
    }
    let css = app
        .get("/")
        .await
        .attr("link[rel=stylesheet]", "href")
        .unwrap();
    let css = raw().get(app.url(&css)).send().await.unwrap();
    assert_eq!(cache_control(&css), "public, max-age=31536000, immutable");
    // Errors are not kept.
    let missing = raw().get(app.url("/no-such-page")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(cache_control(&missing), "no-store");
}

async fn a_wrong_method_gets_405_with_allow_and_an_unknown_path_404(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let request = |method: &str, path: &str| {
        raw().request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            app.url(path),
        )
    };
    for (method, path, allow) in [
        ("PUT", "/".to_owned(), "GET, HEAD"),
        ("POST", format!("/petitions/{slug}"), "GET, HEAD"),
        (
            "DELETE",
            format!("/petitions/{slug}/badge.svg"),
            "GET, HEAD",
        ),
        ("PUT", format!("/petitions/{slug}/embed"), "GET, HEAD, POST"),
        ("GET", format!("/petitions/{slug}/signatures"), "POST"),
        ("HEAD", format!("/petitions/{slug}/signatures"), "POST"),
        ("POST", "/static/style.css".to_owned(), "GET, HEAD"),
        ("POST", "/embed.js".to_owned(), "GET, HEAD"),
        ("POST", "/oembed".to_owned(), "GET, HEAD"),
        ("POST", "/health".to_owned(), "GET, HEAD"),
        ("DELETE", "/login".to_owned(), "GET, HEAD, POST"),
        ("GET", "/logout".to_owned(), "POST"),
        ("PATCH", "/dashboard".to_owned(), "GET, HEAD"),
        ("GET", format!("/dashboard/petitions/{slug}/close"), "POST"),
        ("DELETE", "/admin".to_owned(), "GET, HEAD"),
        (
            "PUT",
            "/signatures/confirm/some-token".to_owned(),
            "GET, HEAD, POST",
        ),
    ] {
        let response = request(method, &path).send().await.unwrap();
        assert_eq!(response.status(), 405, "{method} {path}");
        assert_eq!(header(&response, "allow"), allow, "{method} {path}");
    }
    // The API answers in JSON, on every address alike.
    for (method, path, allow) in [
        (
            "DELETE",
            "/api/v1/petitions".to_owned(),
            "GET, HEAD, POST, OPTIONS",
        ),
        (
            "DELETE",
            format!("/api/v1/petitions/{slug}"),
            "GET, HEAD, PATCH, OPTIONS",
        ),
        (
            "PUT",
            format!("/api/v1/petitions/{slug}/signatures"),
            "GET, HEAD, POST, OPTIONS",
        ),
        (
            "POST",
            format!("/api/v1/petitions/{slug}/count"),
            "GET, HEAD, OPTIONS",
        ),
        (
            "DELETE",
            "/api/v1/openapi.json".to_owned(),
            "GET, HEAD, OPTIONS",
        ),
    ] {
        let response = request(method, &path).send().await.unwrap();
        assert_eq!(response.status(), 405, "{method} {path}");
        assert_eq!(header(&response, "allow"), allow, "{method} {path}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "method_not_allowed", "{path}");
        // A plain OPTIONS names the same methods.
        let options = request("OPTIONS", &path).send().await.unwrap();
        assert_eq!(options.status(), 204, "{path}");
        assert_eq!(header(&options, "allow"), allow, "{path}");
    }
    // What is allowed still works, HEAD included.
    let head = request("HEAD", &format!("/api/v1/petitions/{slug}/count"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(
        request("HEAD", &format!("/petitions/{slug}"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Unknown addresses are 404 whatever the method.
    for (method, path) in [
        ("GET", "/no-such-page"),
        ("POST", "/no-such-page"),
        ("DELETE", "/petitions/x/no-such-thing"),
        ("POST", "/api/v1/no-such-thing"),
    ] {
        let response = request(method, path).send().await.unwrap();
        assert_eq!(response.status(), 404, "{method} {path}");
    }
}

async fn oembed_never_answers_larger_than_asked_and_takes_either_scheme(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let url = format!("{}/petitions/{slug}", app.address);
    let oembed = |url: String, sizes: &'static [(&'static str, &'static str)]| {
        let client = raw();
        let endpoint = app.url("/oembed");
        async move {
            let mut query = vec![("url", url), ("format", "json".to_owned())];
            query.extend(sizes.iter().map(|(k, v)| (*k, (*v).to_owned())));
            client.get(endpoint).query(&query).send().await.unwrap()
        }
    };
    // Nothing of use fits in 100 × 50: oEmbed's answer is 404, never a
    // frame larger than the consumer allowed.
    for sizes in [
        &[("maxwidth", "100"), ("maxheight", "50")][..],
        &[("maxwidth", "100")],
        &[("maxheight", "150")],
        &[("maxwidth", "300"), ("maxheight", "0")],
    ] {
        let response = oembed(url.clone(), sizes).await;
        assert_eq!(response.status(), 404, "{sizes:?}");
    }
    for (sizes, width, height) in [
        (&[("maxwidth", "250"), ("maxheight", "250")][..], 250, 250),
        (&[("maxwidth", "200"), ("maxheight", "200")], 200, 200),
        (&[("maxwidth", "1000"), ("maxheight", "300")], 400, 300),
        (&[], 400, 640),
    ] {
        let response = oembed(url.clone(), sizes).await;
        assert_eq!(response.status(), 200, "{sizes:?}");
        let json: serde_json::Value = response.json().await.unwrap();
        assert_eq!(json["width"], width, "{sizes:?}");
        assert_eq!(json["height"], height, "{sizes:?}");
        let html = json["html"].as_str().unwrap();
        assert!(
            html.contains(&format!("width=\"{width}\" height=\"{height}\"")),
            "{html}"
        );
    }
    // The petition's address on the other scheme is the same petition.
    let other_scheme = url.replacen("http://", "https://", 1);
    assert_ne!(other_scheme, url);
    let response = oembed(other_scheme, &[]).await;
    assert_eq!(response.status(), 200);
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(json["title"], "Save the bees");
    let html = json["html"].as_str().unwrap();
    assert!(
        html.contains(&format!("src=\"{url}/embed\"")),
        "the frame points at the public address: {html}"
    );
}
