//! Organizer API tokens: made and revoked on the dashboard and the command
//! line, and the Bearer API they open.

use serde_json::{json, Value};

use crate::app_tests;
use crate::helpers::{run_cli, signature, TestApp, PASSWORD};

/// A token for `email` (an organizer made here), from the command line.
async fn cli_token(app: &TestApp, email: &str) -> String {
    let output = run_cli(
        app.db.url(),
        &[
            "token",
            "create",
            "--email",
            email,
            "--name",
            "Campaign CRM",
        ],
        "",
    )
    .await;
    assert!(output.status.success(), "{output:?}");
    let token = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    assert!(token.starts_with("usg_"), "{token}");
    token
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, headers, json)
}

fn new_petition() -> Value {
    json!({
        "title": "한강 습지를 지켜 주세요",
        "summary": "봄 철새가 오기 전에 마리나 계획을 멈춰 주세요.",
        "petition_text": "습지에는 해마다 **4만** 마리의 철새가 머뭅니다.",
        "target": [{"name": "Seoul Metropolitan Government"}, "Ministry of Environment"],
        "goal": 5000,
        "language": "ko"
    })
}

app_tests!(
    tokens_are_shown_once_stored_hashed_and_revocable,
    the_api_creates_edits_and_lists_with_a_token,
    organizer_routes_refuse_bad_tokens_and_other_organizers,
    cors_is_for_public_reads_and_signing_only,
    openapi_describes_every_api_route,
);

async fn tokens_are_shown_once_stored_hashed_and_revocable(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let page = app.get("/dashboard/tokens").await;
    assert_eq!(page.status, 200);
    let csrf = page.csrf_token();

    // A name is needed; what was typed stays.
    let refused = app
        .post_form(
            "/dashboard/tokens",
            &[("name", "   "), ("csrf_token", csrf.as_str())],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.unwrap();
    assert!(body.contains("Enter a name for the token"), "{body}");

    let no_csrf = app.post_form("/dashboard/tokens", &[("name", "CRM")]).await;
    assert_eq!(no_csrf.status(), 403);

    let created = app
        .post_form(
            "/dashboard/tokens",
            &[("name", "Campaign <CRM>"), ("csrf_token", csrf.as_str())],
        )
        .await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["cache-control"], "no-store");
    let created = crate::helpers::Page::from(created).await;
    let token = created.attr("#new-token", "value").expect("the new token");
    assert!(token.starts_with("usg_") && token.len() > 40, "{token}");
    assert_eq!(
        created.text_of("tbody td").as_deref(),
        Some("Campaign <CRM>")
    );
    assert!(
        !created.body.contains("Campaign <CRM>"),
        "the name is escaped"
    );

    // Only a hash is kept, and the token is never shown again.
    assert_eq!(app.db.count("api_tokens", "1 = 1"), 1);
    let stored = app.db.strings("SELECT token_hash AS value FROM api_tokens");
    assert_ne!(stored[0], token);
    assert!(!stored[0].contains(&token[4..]));
    let again = app.get("/dashboard/tokens").await;
    assert!(!again.body.contains(&token));
    assert_eq!(again.text_of("tbody td").as_deref(), Some("Campaign <CRM>"));

    let path = format!("/api/v1/petitions/{slug}/signatures");
    let (status, _, _) = send(&app, reqwest::Method::GET, &path, Some(&token), None).await;
    assert_eq!(status, 200);
    let listed = app.get("/dashboard/tokens").await;
    assert!(!listed.body.contains("Never"), "last use is shown");

    let id = app
        .db
        .strings("SELECT id AS value FROM api_tokens")
        .remove(0);
    let revoke = format!("/dashboard/tokens/{id}/revoke");
    assert_eq!(
        app.post_form(&revoke, &[("csrf_token", "")]).await.status(),
        403
    );
    let revoked = app
        .post_form(&revoke, &[("csrf_token", listed.csrf_token().as_str())])
        .await;
    assert_eq!(revoked.status(), 303);
    let (status, headers, body) = send(&app, reqwest::Method::GET, &path, Some(&token), None).await;
    assert_eq!(status, 401, "{body}");
    assert!(headers["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    assert_eq!(body["error"]["code"], "unauthorized");
    let after = app.get("/dashboard/tokens").await;
    assert!(after.body.contains("Revoked on"));
}

async fn the_api_creates_edits_and_lists_with_a_token(app: TestApp) {
    let email = "api-organizer@example.org";
    app.create_organizer(email).await;
    let token = cli_token(&app, email).await;

    let (status, headers, petition) = send(
        &app,
        reqwest::Method::POST,
        "/api/v1/petitions",
        Some(&token),
        Some(new_petition()),
    )
    .await;
    assert_eq!(status, 201, "{petition}");
    let slug = petition["slug"].as_str().unwrap().to_owned();
    assert_eq!(headers["location"], petition["url"].as_str().unwrap());
    assert_eq!(petition["language"], "ko");
    assert_eq!(petition["goal"], 5000);
    assert_eq!(petition["state"], "open");
    assert_eq!(
        petition["targets"][0]["name"],
        "Seoul Metropolitan Government"
    );
    assert_eq!(petition["targets"][1]["name"], "Ministry of Environment");
    assert!(petition["body_html"]
        .as_str()
        .unwrap()
        .contains("<strong>4만</strong>"));
    // It is public at once.
    let (status, shown) = app.get_json(&format!("/api/v1/petitions/{slug}")).await;
    assert_eq!(status, 200);
    assert_eq!(shown["title"], "한강 습지를 지켜 주세요");

    // Invalid input names each field and creates nothing.
    let (status, _, body) = send(
        &app,
        reqwest::Method::POST,
        "/api/v1/petitions",
        Some(&token),
        Some(json!({"title": "", "goal": 0, "targets": [], "language": "fr"})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    for field in ["title", "summary", "body", "targets", "goal", "language"] {
        assert!(
            body["error"]["fields"][field].is_string(),
            "{field}: {body}"
        );
    }
    assert_eq!(app.db.count("petitions", "1 = 1"), 1);
    let (status, _, body) = send(
        &app,
        reqwest::Method::POST,
        "/api/v1/petitions",
        Some(&token),
        Some(json!({"goal": "many"})),
    )
    .await;
    assert_eq!(status, 400, "{body}");

    // A PATCH changes only what it names.
    let path = format!("/api/v1/petitions/{slug}");
    let (status, _, edited) = send(
        &app,
        reqwest::Method::PATCH,
        &path,
        Some(&token),
        Some(json!({"goal": 20000, "closes_on": "2099-12-31"})),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["goal"], 20000);
    assert_eq!(edited["title"], "한강 습지를 지켜 주세요");
    assert_eq!(edited["language"], "ko");
    assert!(edited["closes_at"]
        .as_str()
        .unwrap()
        .starts_with("2100-01-01"));
    let (status, _, body) = send(
        &app,
        reqwest::Method::PATCH,
        &path,
        Some(&token),
        Some(json!({"summary": ""})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["summary"].is_string());
    let (status, _, cleared) = send(
        &app,
        reqwest::Method::PATCH,
        &path,
        Some(&token),
        Some(json!({"closes_on": null})),
    )
    .await;
    assert_eq!(status, 200);
    assert!(cleared["closes_at"].is_null());

    // Three confirmed signatures, read in pages of two.
    for (n, who) in ["ana", "bo", "chae"].iter().enumerate() {
        let email = format!("{who}@example.com");
        let mut fields = signature(&email);
        fields.insert("comment", format!("comment {n}"));
        fields.insert("updates", "on".into());
        assert_eq!(app.sign(&slug, &fields).await.status(), 303);
        let link = app.confirmation_link(&email, 1).await;
        assert_eq!(app.confirm(&link).await.status, 200);
    }
    // One that never confirmed is not listed.
    app.sign(&slug, &signature("pending@example.com")).await;

    let list = format!("/api/v1/petitions/{slug}/signatures");
    let (status, _, first) = send(
        &app,
        reqwest::Method::GET,
        &format!("{list}?per_page=2"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["data"].as_array().unwrap().len(), 2);
    let signer = &first["data"][0];
    assert_eq!(
        signer["person"]["email_addresses"][0]["address"],
        "ana@example.com"
    );
    assert_eq!(signer["person"]["postal_addresses"][0]["country"], "DE");
    assert_eq!(signer["comments"], "comment 0");
    assert_eq!(signer["email_updates"], true);
    assert!(signer["identifiers"][0]
        .as_str()
        .unwrap()
        .starts_with("undersigned:"));
    let cursor = first["next_cursor"].as_str().unwrap();
    let (status, _, second) = send(
        &app,
        reqwest::Method::GET,
        &format!("{list}?per_page=2&cursor={cursor}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(second["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        second["data"][0]["person"]["email_addresses"][0]["address"],
        "chae@example.com"
    );
    assert!(second["next_cursor"].is_null());
    let (_, _, paged) = send(
        &app,
        reqwest::Method::GET,
        &format!("{list}?per_page=2&page=2"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(paged["data"], second["data"]);
    let (status, _, body) = send(
        &app,
        reqwest::Method::GET,
        &format!("{list}?cursor=nonsense"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 400, "{body}");
}

async fn organizer_routes_refuse_bad_tokens_and_other_organizers(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let other = "other@example.org";
    app.create_organizer(other).await;
    let others_token = cli_token(&app, other).await;
    let list = format!("/api/v1/petitions/{slug}/signatures");
    let edit = format!("/api/v1/petitions/{slug}");

    for token in [None, Some("usg_nonsense"), Some("garbage"), Some("")] {
        let (status, _, body) = send(&app, reqwest::Method::GET, &list, token, None).await;
        assert_eq!(status, 401, "{token:?}: {body}");
        let (status, _, _) = send(
            &app,
            reqwest::Method::POST,
            "/api/v1/petitions",
            token,
            Some(new_petition()),
        )
        .await;
        assert_eq!(status, 401);
    }
    let (status, _, body) = send(
        &app,
        reqwest::Method::PATCH,
        &edit,
        Some(&others_token),
        Some(json!({"title": "Mine now"})),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let (status, _, _) = send(&app, reqwest::Method::GET, &list, Some(&others_token), None).await;
    assert_eq!(status, 403);
    let (status, _, _) = send(
        &app,
        reqwest::Method::PATCH,
        "/api/v1/petitions/no-such-petition",
        Some(&others_token),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _, _) = send(
        &app,
        reqwest::Method::DELETE,
        &edit,
        Some(&others_token),
        None,
    )
    .await;
    assert_eq!(status, 405);

    // The command line refuses an unknown organizer, clearly.
    let output = run_cli(
        app.db.url(),
        &[
            "token",
            "create",
            "--email",
            "nobody@example.org",
            "--name",
            "x",
        ],
        "",
    )
    .await;
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no organizer"));
    let _ = PASSWORD;
}

async fn cors_is_for_public_reads_and_signing_only(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let origin = "https://blog.example";
    let preflight = |path: String, method: &'static str| {
        let client = app.client.clone();
        let url = app.url(&path);
        async move {
            client
                .request(reqwest::Method::OPTIONS, url)
                .header("Origin", origin)
                .header("Access-Control-Request-Method", method)
                // A public read sends no header that needs asking for.
                .header(
                    "Access-Control-Request-Headers",
                    if method == "GET" {
                        "content-type"
                    } else {
                        "authorization, content-type"
                    },
                )
                .send()
                .await
                .unwrap()
        }
    };
    let allowed = preflight(format!("/api/v1/petitions/{slug}"), "GET").await;
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap()),
        Some("*"),
        "{} {:?}",
        allowed.status(),
        allowed.headers()
    );
    for (path, method) in [
        ("/api/v1/petitions".to_owned(), "POST"),
        (format!("/api/v1/petitions/{slug}"), "PATCH"),
        (format!("/api/v1/petitions/{slug}/signatures"), "GET"),
    ] {
        let refused = preflight(path.clone(), method).await;
        assert!(
            refused
                .headers()
                .get("access-control-allow-origin")
                .is_none(),
            "{method} {path}: {:?}",
            refused.headers()
        );
    }
    let token = {
        app.create_organizer("cors@example.org").await;
        cli_token(&app, "cors@example.org").await
    };
    let response = app
        .client
        .post(app.url("/api/v1/petitions"))
        .header("Origin", origin)
        .bearer_auth(&token)
        .json(&new_petition())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    let spec = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .header("Origin", origin)
        .send()
        .await
        .unwrap();
    assert_eq!(spec.headers()["access-control-allow-origin"], "*");
}

async fn openapi_describes_every_api_route(app: TestApp) {
    let (status, spec) = app.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    let paths = spec["paths"].as_object().unwrap();
    for (path, methods) in [
        ("/api/v1/petitions", &["get", "post"][..]),
        ("/api/v1/petitions/{slug}", &["get", "patch"]),
        ("/api/v1/petitions/{slug}/count", &["get"]),
        ("/api/v1/petitions/{slug}/signatures", &["get", "post"]),
        ("/api/v1/openapi.json", &["get"]),
        ("/log/key", &["get"]),
        ("/petitions/{slug}/log/head", &["get"]),
        ("/petitions/{slug}/log/heads", &["get"]),
        ("/petitions/{slug}/log/leaves", &["get"]),
        ("/petitions/{slug}/log/proof", &["get"]),
        ("/petitions/{slug}/log/consistency", &["get"]),
    ] {
        for method in methods {
            let operation = &paths[path][*method];
            assert!(operation.is_object(), "{method} {path} is described");
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.contains_key("200")
                    || responses.contains_key("201")
                    || responses.contains_key("202")
            );
        }
    }
    assert_eq!(paths.len(), 11, "no route is described that does not exist");
    assert_eq!(
        spec["components"]["securitySchemes"]["api_token"]["scheme"],
        "bearer"
    );
    assert!(paths["/api/v1/petitions"]["post"]["security"].is_array());
    assert!(paths["/api/v1/petitions/{slug}/signatures"]["post"]["responses"]["422"].is_object());
    assert!(spec["components"]["schemas"]["PetitionJson"]["example"].is_object());
    let description = spec["info"]["description"].as_str().unwrap();
    assert!(description.contains("petition_text") && description.contains("OSDI"));
}
