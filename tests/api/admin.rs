//! Admins: every petition, hiding and showing again, promoting organizers,
//! closing anyone's petition.

use std::time::{Duration, Instant};

use reqwest::redirect::Policy;

use crate::app_tests;
use crate::helpers::{signature, Page, TestApp, PASSWORD};

app_tests!(
    an_admin_sees_every_petition_and_nobody_else_may_moderate,
    a_hidden_petition_is_gone_for_the_public_until_shown_again,
    admin_forms_need_a_csrf_token,
    a_hide_reason_is_required_and_limited,
    promoting_makes_an_organizer_an_admin,
    an_admin_can_close_another_organizers_petition,
    a_petition_past_its_closing_date_is_closed_everywhere,
    another_instance_hides_the_count_within_a_refresh,
    the_admin_list_comes_in_pages_newest_first,
);

const ADMIN: &str = "admin@example.org";

/// Logs in as a fresh admin (made with the CLI's `--admin`).
async fn login_admin(app: &TestApp) {
    app.create_admin(ADMIN).await;
    assert_eq!(app.login(ADMIN, PASSWORD).await.status(), 303);
}

/// The logged-in organizer's form token, from a page only they see.
async fn organizer_token(app: &TestApp) -> String {
    app.get("/dashboard").await.csrf_token()
}

async fn hide(app: &TestApp, slug: &str, reason: &str) -> reqwest::Response {
    let token = organizer_token(app).await;
    app.post_form(
        &format!("/admin/petitions/{slug}/hide"),
        &[("reason", reason), ("csrf_token", &token)],
    )
    .await
}

async fn unhide(app: &TestApp, slug: &str) -> reqwest::Response {
    let token = organizer_token(app).await;
    app.post_form(
        &format!("/admin/petitions/{slug}/unhide"),
        &[("csrf_token", token.as_str())],
    )
    .await
}

async fn promote(app: &TestApp, email: &str) -> reqwest::Response {
    let token = organizer_token(app).await;
    app.post_form(
        "/admin/organizers/promote",
        &[("email", email), ("csrf_token", &token)],
    )
    .await
}

async fn close(app: &TestApp, slug: &str) -> reqwest::Response {
    let token = organizer_token(app).await;
    app.post_form(
        &format!("/dashboard/petitions/{slug}/close"),
        &[("csrf_token", token.as_str())],
    )
    .await
}

async fn api_sign(app: &TestApp, slug: &str) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/petitions/{slug}/signatures"),
        &serde_json::json!({
            "name": "Api Signer", "email": "api@example.com", "country": "DE"
        }),
    )
    .await
}

/// Whether the page reads `text` once its markup is taken away, which also
/// proves that `text` was escaped rather than taken as markup.
fn reads(page: &Page, text: &str) -> bool {
    page.html()
        .root_element()
        .text()
        .collect::<String>()
        .contains(text)
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

async fn an_admin_sees_every_petition_and_nobody_else_may_moderate(app: TestApp) {
    // An ordinary organizer: 403 everywhere under /admin, even with a
    // valid form token.
    let slug = app.petition("Save the bees").await;
    assert_eq!(app.get("/admin").await.status, 403);
    assert_eq!(hide(&app, &slug, "Spam").await.status(), 403);
    assert_eq!(unhide(&app, &slug).await.status(), 403);
    assert_eq!(promote(&app, "someone@example.org").await.status(), 403);
    assert_eq!(app.get(&format!("/petitions/{slug}")).await.status, 200);

    // Nobody logged in: sent to the login page.
    let anonymous = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let response = anonymous.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert!(location(&response).starts_with("/login"));

    login_admin(&app).await;
    let own = app.create_petition("Plant more trees", "").await;
    let page = app.get("/admin").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Save the bees"));
    assert!(page.body.contains("Plant more trees"));
    assert!(page.body.contains(ADMIN));
    assert!(
        page.body.contains("organizer-"),
        "the other owner's address"
    );
    // Newest first.
    let trees = page
        .body
        .find(&format!("/admin/petitions/{own}/hide"))
        .unwrap();
    let bees = page
        .body
        .find(&format!("/admin/petitions/{slug}/hide"))
        .unwrap();
    assert!(trees < bees);
    assert!(page.body.contains("2 in all"));
    // The dashboard leads admins here.
    assert!(app.get("/dashboard").await.body.contains("href=\"/admin\""));
    assert_eq!(app.get("/admin?page=abc").await.status, 400);
}

async fn a_hidden_petition_is_gone_for_the_public_until_shown_again(app: TestApp) {
    let owner_email = "owner@example.org";
    app.create_organizer(owner_email).await;
    app.login(owner_email, PASSWORD).await;
    let slug = app.create_petition("Bees are secretly robots", "").await;
    app.sign(&slug, &signature("first@example.com")).await;
    let link = app.confirmation_link("first@example.com", 1).await;
    app.confirm(&link).await;
    // Someone signs but confirms only after the petition is hidden.
    app.sign(&slug, &signature("late@example.com")).await;
    let late_link = app.confirmation_link("late@example.com", 1).await;
    // A sign form fetched before hiding, with its valid token.
    let sign_token = app.get(&format!("/petitions/{slug}")).await.csrf_token();
    assert_eq!(app.count(&slug).await, 1);

    login_admin(&app).await;
    let response = hide(&app, &slug, "Misleading <claims> about bees").await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/admin?done=hidden");
    let admin_page = app.get("/admin?done=hidden").await;
    assert!(admin_page.body.contains("The petition is hidden"));
    assert!(admin_page.body.contains("Hidden"));
    assert!(reads(&admin_page, "Misleading <claims> about bees"));
    assert!(admin_page
        .body
        .contains(&format!("/admin/petitions/{slug}/unhide")));

    assert_public_404(&app, &slug, &sign_token).await;

    // The late signer's confirmation still counts, but its page does not
    // lead to the hidden petition.
    let confirmed = app.confirm(&late_link).await;
    assert_eq!(confirmed.status, 200);
    assert!(!confirmed.body.contains(&format!("/petitions/{slug}")));
    // Withdrawing stays possible, without a link to the petition either.
    let withdraw_link =
        app.mail.wait_for("first@example.com", 1).await[0].link_containing("/signatures/withdraw/");
    let withdraw = app.follow(&withdraw_link).await;
    assert_eq!(withdraw.status, 200);
    assert!(withdraw.body.contains("Withdraw my signature"));
    assert!(!withdraw.body.contains(&format!("/petitions/{slug}")));
    assert_eq!(
        app.get_json(&format!("/api/v1/petitions/{slug}/count"))
            .await
            .0,
        404
    );

    // Its owner sees why, and can still edit, export and close it.
    app.login(owner_email, PASSWORD).await;
    let dashboard = app.get("/dashboard").await;
    assert!(dashboard.body.contains("Hidden"));
    assert!(reads(&dashboard, "Misleading <claims> about bees"));
    assert!(!dashboard
        .body
        .contains(&format!("href=\"/petitions/{slug}\"")));
    let edit = app.get(&format!("/dashboard/petitions/{slug}/edit")).await;
    assert_eq!(edit.status, 200);
    assert!(reads(&edit, "Misleading <claims> about bees"));
    let csv = app
        .get(&format!("/dashboard/petitions/{slug}/signatures.csv"))
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains("first@example.com"));
    assert!(csv.body.contains("late@example.com"));
    let token = organizer_token(&app).await;
    let edited = app
        .post_form(
            &format!("/dashboard/petitions/{slug}/edit"),
            &[
                ("title", "Bees are secretly robots"),
                ("summary", "Toned down."),
                ("body", "A calmer text."),
                ("targets", "European Parliament"),
                ("goal", "1000"),
                ("closes_on", ""),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(edited.status(), 303);
    assert_eq!(location(&edited), "/dashboard", "not to its 404 page");
    assert_eq!(app.get(&format!("/petitions/{slug}")).await.status, 404);

    // Shown again: back everywhere, with both signatures counted, and as
    // its owner left it.
    app.login(ADMIN, PASSWORD).await;
    let response = unhide(&app, &slug).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/admin?done=unhidden");
    let page = app.get(&format!("/petitions/{slug}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("A calmer text."));
    assert_eq!(app.count(&slug).await, 2);
    let (_, list) = app.get_json("/api/v1/petitions").await;
    assert_eq!(list["total"], 1);
    let (status, json) = app.get_json(&format!("/api/v1/petitions/{slug}")).await;
    assert_eq!(status, 200);
    assert_eq!(json["summary"], "Toned down.");
    assert!(app.get("/").await.body.contains("Bees are secretly robots"));
    assert_eq!(
        app.get(&format!("/petitions/{slug}/signed")).await.status,
        200
    );
    app.login(owner_email, PASSWORD).await;
    assert!(!app.get("/dashboard").await.body.contains("Misleading"));

    // Hidden again, its owner can still close it.
    app.login(ADMIN, PASSWORD).await;
    assert_eq!(hide(&app, &slug, "Still misleading").await.status(), 303);
    app.login(owner_email, PASSWORD).await;
    let closed = close(&app, &slug).await;
    assert_eq!(closed.status(), 303);
    assert_eq!(location(&closed), "/dashboard");
    let dashboard = app.get("/dashboard").await;
    assert!(dashboard.body.contains("Still misleading"));
    assert!(!dashboard
        .body
        .contains(&format!("/dashboard/petitions/{slug}/close")));
}

/// Every public route answers 404 for the hidden petition `slug`.
async fn assert_public_404(app: &TestApp, slug: &str, sign_token: &str) {
    let page = app.get(&format!("/petitions/{slug}")).await;
    assert_eq!(page.status, 404, "{}", page.body);
    assert!(!page.body.contains("Bees are secretly robots"));
    let mut form = signature("new@example.com");
    form.insert("csrf_token", sign_token.to_owned());
    let signed = app
        .post_form(&format!("/petitions/{slug}/signatures"), &form)
        .await;
    assert_eq!(signed.status(), 404);
    assert_eq!(api_sign(app, slug).await.status(), 404);
    assert_eq!(
        app.get(&format!("/petitions/{slug}/signed")).await.status,
        404
    );
    assert!(!app.get("/").await.body.contains("Bees are secretly robots"));
    assert!(!app
        .get("/?q=robots")
        .await
        .body
        .contains("Bees are secretly robots"));
    let (status, list) = app.get_json("/api/v1/petitions").await;
    assert_eq!(status, 200);
    assert_eq!(list["total"], 0, "{list}");
    assert_eq!(list["data"].as_array().unwrap().len(), 0);
    let (_, search) = app.get_json("/api/v1/petitions?q=robots").await;
    assert_eq!(search["total"], 0);
    assert_eq!(
        app.get_json(&format!("/api/v1/petitions/{slug}")).await.0,
        404
    );
    assert_eq!(
        app.get_json(&format!("/api/v1/petitions/{slug}/count"))
            .await
            .0,
        404
    );
    assert_eq!(
        app.db.count("signatures", "1 = 1"),
        2,
        "no signature was taken"
    );
}

async fn admin_forms_need_a_csrf_token(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    app.create_organizer("other@example.org").await;
    login_admin(&app).await;
    let hide = app
        .post_form(
            &format!("/admin/petitions/{slug}/hide"),
            &[("reason", "Spam")],
        )
        .await;
    assert_eq!(hide.status(), 403);
    assert_eq!(app.get(&format!("/petitions/{slug}")).await.status, 200);
    let forged = app
        .post_form(
            &format!("/admin/petitions/{slug}/hide"),
            &[("reason", "Spam"), ("csrf_token", "forged")],
        )
        .await;
    assert_eq!(forged.status(), 403);
    assert_eq!(app.get(&format!("/petitions/{slug}")).await.status, 200);

    assert_eq!(self::hide(&app, &slug, "Spam").await.status(), 303);
    let unhide = app
        .post_form(&format!("/admin/petitions/{slug}/unhide"), &[("x", "")])
        .await;
    assert_eq!(unhide.status(), 403);
    assert_eq!(app.get(&format!("/petitions/{slug}")).await.status, 404);

    let promote = app
        .post_form(
            "/admin/organizers/promote",
            &[("email", "other@example.org")],
        )
        .await;
    assert_eq!(promote.status(), 403);
    app.login("other@example.org", PASSWORD).await;
    assert_eq!(app.get("/admin").await.status, 403);
}

async fn a_hide_reason_is_required_and_limited(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    login_admin(&app).await;

    let empty = hide(&app, &slug, "   ").await;
    assert_eq!(empty.status(), 422);
    let page = Page::from(empty).await;
    assert!(page.body.contains("Say why the petition is hidden"));
    assert_eq!(
        page.attr("form[action$=\"/hide\"] textarea[name=reason]", "id")
            .as_deref(),
        Some("reason")
    );
    assert!(
        page.body.contains("href=\"#reason\""),
        "the summary links to the field"
    );

    let long = format!("Too long {}", "x".repeat(500));
    let response = hide(&app, &slug, &long).await;
    assert_eq!(response.status(), 422);
    let page = Page::from(response).await;
    assert!(page.body.contains("500 characters or fewer"));
    assert_eq!(
        page.text_of("textarea#reason").unwrap(),
        long,
        "typed text kept"
    );

    assert_eq!(app.get(&format!("/petitions/{slug}")).await.status, 200);
    assert_eq!(hide(&app, "no-such-petition", "Spam").await.status(), 404);
    assert_eq!(unhide(&app, "no-such-petition").await.status(), 404);
    // Exactly at the limit is fine.
    assert_eq!(hide(&app, &slug, &"y".repeat(500)).await.status(), 303);
    assert_eq!(app.get(&format!("/petitions/{slug}")).await.status, 404);
}

async fn promoting_makes_an_organizer_an_admin(app: TestApp) {
    app.create_organizer("helper@example.org").await;
    app.login("helper@example.org", PASSWORD).await;
    assert_eq!(app.get("/admin").await.status, 403);

    login_admin(&app).await;
    let unknown = promote(&app, "nobody@example.org").await;
    assert_eq!(unknown.status(), 422);
    let page = Page::from(unknown).await;
    assert!(page
        .body
        .contains("No organizer has the email address nobody@example.org"));
    assert_eq!(
        page.attr("input#email", "value").as_deref(),
        Some("nobody@example.org")
    );
    let malformed = promote(&app, "not an address").await;
    assert_eq!(malformed.status(), 422);
    assert_eq!(
        Page::from(malformed)
            .await
            .attr("input#email", "value")
            .as_deref(),
        Some("not an address")
    );
    assert_eq!(promote(&app, "").await.status(), 422);

    let response = promote(&app, " Helper@Example.org ").await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/admin?done=promoted");
    assert!(app
        .get("/admin?done=promoted")
        .await
        .body
        .contains("now an admin"));
    // Again: nothing to do, still a success.
    assert_eq!(promote(&app, "helper@example.org").await.status(), 303);

    app.login("helper@example.org", PASSWORD).await;
    assert_eq!(app.get("/admin").await.status, 200);
}

async fn an_admin_can_close_another_organizers_petition(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    app.create_organizer("stranger@example.org").await;
    app.login("stranger@example.org", PASSWORD).await;
    assert_eq!(close(&app, &slug).await.status(), 403);
    let (_, json) = app.get_json(&format!("/api/v1/petitions/{slug}")).await;
    assert_eq!(json["state"], "open");

    login_admin(&app).await;
    let response = close(&app, &slug).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/admin?done=closed");
    let (_, json) = app.get_json(&format!("/api/v1/petitions/{slug}")).await;
    assert_eq!(json["state"], "closed");
    assert_eq!(api_sign(&app, &slug).await.status(), 409);
}

async fn a_petition_past_its_closing_date_is_closed_everywhere(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    app.create_petition("Plant more trees", "").await;
    app.db.execute(&format!(
        "UPDATE petitions SET closes_at = '2000-01-02 00:00:00' WHERE slug = '{slug}'"
    ));

    let (_, json) = app.get_json(&format!("/api/v1/petitions/{slug}")).await;
    assert_eq!(json["state"], "closed");
    let (_, open) = app.get_json("/api/v1/petitions?state=open").await;
    assert_eq!(open["total"], 1);
    assert_eq!(open["data"][0]["title"], "Plant more trees");
    let (_, closed) = app.get_json("/api/v1/petitions?state=closed").await;
    assert_eq!(closed["total"], 1);
    assert_eq!(closed["data"][0]["slug"], slug.as_str());
    assert!(!app.get("/").await.body.contains("Save the bees"));
    let dashboard = app.get("/dashboard").await;
    assert!(!dashboard
        .body
        .contains(&format!("/dashboard/petitions/{slug}/close")));
    assert_eq!(api_sign(&app, &slug).await.status(), 409);
}

async fn another_instance_hides_the_count_within_a_refresh(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let other = app.start_another_instance().await;
    let count_url = format!("{other}/api/v1/petitions/{slug}/count");
    let status = || async {
        app.client
            .get(&count_url)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    wait_for_status(&status, 200).await;

    login_admin(&app).await;
    assert_eq!(hide(&app, &slug, "Spam").await.status(), 303);
    // At once here, and within a couple of refreshes there.
    assert_eq!(
        app.get_json(&format!("/api/v1/petitions/{slug}/count"))
            .await
            .0,
        404
    );
    wait_for_status(&status, 404).await;

    assert_eq!(unhide(&app, &slug).await.status(), 303);
    assert_eq!(app.count(&slug).await, 0);
    wait_for_status(&status, 200).await;
}

async fn wait_for_status<F, Fut>(status: &F, want: u16)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = u16>,
{
    let started = Instant::now();
    loop {
        let got = status().await;
        if got == want {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "still {got}, not {want}, after 3 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn the_admin_list_comes_in_pages_newest_first(app: TestApp) {
    login_admin(&app).await;
    let newest = app.create_petition("The newest one", "").await;
    let mut sql = String::new();
    for i in 0..54 {
        sql.push_str(&format!(
            "INSERT INTO petitions (id, slug, owner_id, title, summary, body_markdown, \
             body_html, goal, state, signature_count, created_at, updated_at) \
             SELECT 'old-{i}', 'old-petition-{i:02}', id, 'Old petition {i:02}', 's', 'b', \
             '<p>b</p>', 100, 'open', 0, '2020-01-01 00:00:{i:02}', '2020-01-01 00:00:00' \
             FROM organizers WHERE email = '{ADMIN}';"
        ));
    }
    app.db.execute(&sql);

    let hide_forms = |page: &Page| {
        let selector = scraper::Selector::parse("form[action$=\"/hide\"]").unwrap();
        page.html()
            .select(&selector)
            .map(|f| f.value().attr("action").unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let first = app.get("/admin").await;
    assert!(first.body.contains("55 in all"));
    let forms = hide_forms(&first);
    assert_eq!(forms.len(), 50);
    assert_eq!(forms[0], format!("/admin/petitions/{newest}/hide"));
    assert_eq!(forms[1], "/admin/petitions/old-petition-53/hide");
    assert_eq!(
        first.attr("a[rel=next]", "href").as_deref(),
        Some("/admin?page=2")
    );
    assert!(first.attr("a[rel=prev]", "href").is_none());

    let second = app.get("/admin?page=2").await;
    let forms = hide_forms(&second);
    assert_eq!(forms.len(), 5);
    assert_eq!(forms[4], "/admin/petitions/old-petition-00/hide");
    assert_eq!(
        second.attr("a[rel=prev]", "href").as_deref(),
        Some("/admin?page=1")
    );
    assert!(second.attr("a[rel=next]", "href").is_none());
}
