use serde_json::json;

use crate::app_tests;
use crate::helpers::TestApp;

app_tests!(
    api_signing_accepts_valid_and_duplicate_signatures_alike,
    api_rejects_invalid_signatures_with_field_messages,
    api_lists_and_shows_petitions,
    api_unknown_petitions_are_404_json,
);

async fn api_signing_accepts_valid_and_duplicate_signatures_alike(app: TestApp) {
    let slug = app.petition("Sign by API").await;
    let path = format!("/api/v1/petitions/{slug}/signatures");
    let body = json!({"name": "Ana", "email": "ana@example.com", "country": "PT",
                      "public": true, "updates": false, "source": "whatsapp"});
    for _ in 0..2 {
        let response = app.post_json(&path, &body).await;
        assert_eq!(response.status(), 202);
        let json: serde_json::Value = response.json().await.unwrap();
        assert_eq!(json, json!({"status": "pending_confirmation"}));
    }
    let link = app.confirmation_link("ana@example.com", 2).await;
    app.confirm(&link).await;
    assert_eq!(app.count(&slug).await, 1);
    let page = app.get(&format!("/petitions/{slug}")).await;
    assert!(page.text_of(".signers").unwrap().contains("Ana"));
}

async fn api_rejects_invalid_signatures_with_field_messages(app: TestApp) {
    let slug = app.petition("Strict API").await;
    let path = format!("/api/v1/petitions/{slug}/signatures");
    let response = app
        .post_json(
            &path,
            &json!({"name": "", "email": "nope", "country": "ZZ"}),
        )
        .await;
    assert_eq!(response.status(), 422);
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(json["error"]["code"], "validation_failed");
    assert_eq!(json["error"]["fields"]["name"], "Enter your name");
    assert!(json["error"]["fields"]["email"]
        .as_str()
        .unwrap()
        .contains("correct format"));
    assert!(json["error"]["fields"]["country"].is_string());

    let malformed = app
        .client
        .post(app.url(&path))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let json: serde_json::Value = malformed.json().await.unwrap();
    assert_eq!(json["error"]["code"], "bad_request");
}

async fn api_lists_and_shows_petitions(app: TestApp) {
    let first = app.petition("Plant trees").await;
    let second = app.create_petition("Clean air now", "").await;

    let (status, list) = app
        .get_json("/api/v1/petitions?sort=recent&per_page=1")
        .await;
    assert_eq!(status, 200);
    assert_eq!(list["total"], 2);
    assert_eq!(list["per_page"], 1);
    assert_eq!(list["data"][0]["slug"], second);

    let (_, search) = app.get_json("/api/v1/petitions?q=TREES&state=open").await;
    assert_eq!(search["total"], 1);
    assert_eq!(search["data"][0]["slug"], first);

    let (_, closed) = app.get_json("/api/v1/petitions?state=closed").await;
    assert_eq!(closed["total"], 0);

    let (status, bad) = app.get_json("/api/v1/petitions?page=0").await;
    assert_eq!(status, 400);
    assert_eq!(bad["error"]["code"], "bad_request");

    let (status, one) = app.get_json(&format!("/api/v1/petitions/{first}")).await;
    assert_eq!(status, 200);
    assert_eq!(one["title"], "Plant trees");
    assert_eq!(one["state"], "open");
    assert_eq!(one["signature_count"], 0);
    assert_eq!(one["url"], app.url(&format!("/petitions/{first}")));
    assert_eq!(
        one["targets"][0],
        json!({"name": "European Parliament", "kind": "eu"})
    );
    assert!(time::OffsetDateTime::parse(
        one["created_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339
    )
    .is_ok());

    let (status, count) = app
        .get_json(&format!("/api/v1/petitions/{first}/count"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(count["slug"], first);
    assert_eq!(count["goal"], 1000);
}

async fn api_unknown_petitions_are_404_json(app: TestApp) {
    for path in [
        "/api/v1/petitions/nope",
        "/api/v1/petitions/nope/count",
        "/api/v1/nothing",
    ] {
        let (status, json) = app.get_json(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(json["error"]["code"], "not_found");
    }
    let response = app
        .post_json(
            "/api/v1/petitions/nope/signatures",
            &json!({"name": "A", "email": "a@example.com", "country": "DE"}),
        )
        .await;
    assert_eq!(response.status(), 404);
}
