use crate::app_tests;
use crate::helpers::{Page, TestApp, PASSWORD};

app_tests!(
    wrong_password_and_unknown_email_get_identical_responses,
    logging_in_opens_the_dashboard_with_a_secure_cookie,
    creating_a_petition_validates_and_keeps_what_was_typed,
    dashboard_requires_login,
    logging_out_ends_the_session,
    petitions_with_the_same_title_get_distinct_addresses,
    home_page_lists_open_petitions_and_searches_them,
    a_petition_written_across_a_session_expiry_is_kept_and_can_be_published,
    the_session_id_is_rotated_at_login,
);

/// The session cookie's value from a login response.
fn session_value(response: &reqwest::Response) -> String {
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    let pair = cookie.split(';').next().unwrap();
    pair.split_once('=').unwrap().1.to_owned()
}

/// A browser that sends only the given session cookie.
async fn dashboard_with(app: &TestApp, session: &str) -> u16 {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/dashboard"))
        .header("cookie", format!("undersigned_session={session}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn the_session_id_is_rotated_at_login(app: TestApp) {
    app.create_organizer("olga@example.org").await;
    let first = session_value(&app.login("olga@example.org", PASSWORD).await);
    assert_eq!(dashboard_with(&app, &first).await, 200);

    // Logging in again, from the same browser, gives a new id and ends
    // the one it came with.
    let second = session_value(&app.login("olga@example.org", PASSWORD).await);
    assert_ne!(first, second);
    assert_eq!(dashboard_with(&app, &second).await, 200);
    assert_eq!(dashboard_with(&app, &first).await, 303);

    // An id planted in the browser before login is never the one that is
    // logged in.
    let planted = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login_page = client
        .get(app.url("/login"))
        .header("cookie", format!("undersigned_session={planted}"))
        .send()
        .await
        .unwrap();
    let token = Page::from(login_page).await.csrf_token();
    let response = client
        .post(app.url("/login"))
        .header("cookie", format!("undersigned_session={planted}"))
        .form(&[
            ("email", "olga@example.org"),
            ("password", PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let third = session_value(&response);
    assert_ne!(third, planted);
    assert_eq!(dashboard_with(&app, &third).await, 200);
    assert_eq!(dashboard_with(&app, planted).await, 303);
}

/// The page without its per-render CSRF token.
fn without_token(page: &Page) -> String {
    page.body.replace(&page.csrf_token(), "TOKEN")
}

async fn wrong_password_and_unknown_email_get_identical_responses(app: TestApp) {
    app.create_organizer("known@example.org").await;

    let wrong = app
        .login("known@example.org", "not the right password")
        .await;
    let wrong_status = wrong.status();
    let wrong_cookie = wrong.headers().get("set-cookie").is_some();
    let wrong = Page::from(wrong).await;
    let unknown = app
        .login("nobody@example.org", "not the right password")
        .await;
    let unknown_status = unknown.status();
    let unknown = Page::from(unknown).await;

    assert_eq!(wrong_status, 401);
    assert_eq!(wrong_status, unknown_status);
    assert!(!wrong_cookie);
    assert!(wrong
        .body
        .contains("The email address or password is incorrect."));
    assert_eq!(
        without_token(&wrong).replace("known@", "X@"),
        without_token(&unknown).replace("nobody@", "X@")
    );
}

async fn logging_in_opens_the_dashboard_with_a_secure_cookie(app: TestApp) {
    app.create_organizer("olga@example.org").await;
    let response = app.login("OLGA@example.org", PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/dashboard");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");

    let dashboard = app.get("/dashboard").await;
    assert_eq!(dashboard.status, 200);
    assert!(dashboard.body.contains("You have no petitions yet"));

    let slug = app.create_petition("Clean rivers for <everyone>", "").await;
    assert_eq!(slug, "clean-rivers-for-everyone");
    let dashboard = app.get("/dashboard").await;
    assert!(
        dashboard
            .body
            .contains("Clean rivers for &#60;everyone&#62;")
            || dashboard.body.contains("Clean rivers for &lt;everyone&gt;")
    );
    assert_eq!(
        dashboard
            .text_of("[data-live-count=\"clean-rivers-for-everyone\"]")
            .unwrap(),
        "0"
    );

    let page = app.get(&format!("/petitions/{slug}")).await;
    assert_eq!(page.status, 200);
    assert!(page
        .text_of(".targets")
        .unwrap()
        .contains("European Parliament"));
    assert!(page.body.contains("<strong>a third</strong>"));
    assert_eq!(page.attr("progress", "max").as_deref(), Some("100"));
    assert!(page
        .text_of(".progress-box")
        .unwrap()
        .contains("Let’s get to 1,000!"));
    assert_eq!(
        page.attr("meta[property='og:title']", "content").as_deref(),
        Some("Clean rivers for <everyone>")
    );
    assert_eq!(
        page.attr("meta[property='og:url']", "content"),
        Some(app.url(&format!("/petitions/{slug}")))
    );
}

async fn creating_a_petition_validates_and_keeps_what_was_typed(app: TestApp) {
    app.petition("First").await;
    let token = app.get("/dashboard/petitions/new").await.csrf_token();
    let response = app
        .post_form(
            "/dashboard/petitions/new",
            &[
                ("title", "Kept title"),
                ("summary", ""),
                ("body", "<script>alert(1)</script> text"),
                ("targets", "\n  \n"),
                ("goal", "lots"),
                ("closes_on", "2001-01-01"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = Page::from(response).await;
    for message in [
        "Enter a summary",
        "Enter at least one institution",
        "Enter a signature goal as a whole number",
        "The closing date must be in the future",
    ] {
        assert!(page.body.contains(message), "missing {message:?}");
    }
    assert_eq!(page.attr("#title", "value").unwrap(), "Kept title");
    assert_eq!(
        page.text_of("#body").unwrap(),
        "<script>alert(1)</script> text"
    );
    assert!(!page.body.contains("<script>alert(1)"));

    // The body is sanitized once accepted.
    let token = page.csrf_token();
    let created = app
        .post_form(
            "/dashboard/petitions/new",
            &[
                ("title", "Kept title"),
                ("summary", "A summary"),
                ("body", "<script>alert(1)</script> **text**"),
                ("targets", "UNHCR\nMy Town Council"),
                ("goal", "10,000"),
                ("closes_on", "2099-12-31"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let (_, json) = app.get_json("/api/v1/petitions/kept-title").await;
    assert_eq!(json["goal"], 10000);
    assert_eq!(json["closes_at"], "2100-01-01T00:00:00Z");
    assert_eq!(json["targets"][0]["kind"], "un");
    assert_eq!(json["targets"][1]["kind"], "other");
    assert!(!json["body_html"].as_str().unwrap().contains("<script"));
}

async fn dashboard_requires_login(app: TestApp) {
    for path in ["/dashboard", "/dashboard/petitions/new"] {
        let response = app.get_response(path).await;
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(response.headers()["location"], "/login");
    }
    // A post without a session publishes nothing; it is answered with the
    // form kept and a way to log in.
    let response = app
        .post_form("/dashboard/petitions/new", &[("title", "x")])
        .await;
    assert_eq!(response.status(), 401);
    assert!(response.text().await.unwrap().contains("href=\"/login\""));
    let close = app
        .post_form("/dashboard/petitions/x/close", &[("csrf_token", "x")])
        .await;
    assert_eq!(close.status(), 303);
    assert_eq!(close.headers()["location"], "/login");
    let (_, list) = app.get_json("/api/v1/petitions").await;
    assert_eq!(list["total"], 0);
}

async fn logging_out_ends_the_session(app: TestApp) {
    app.petition("Before logout").await;
    let token = app.get("/dashboard").await.csrf_token();
    assert_eq!(
        app.post_form("/logout", &[("csrf_token", token)])
            .await
            .status(),
        303
    );
    assert_eq!(app.get_response("/dashboard").await.status(), 303);
}

async fn petitions_with_the_same_title_get_distinct_addresses(app: TestApp) {
    let first = app.petition("Same title").await;
    let second = app.create_petition("Same title", "").await;
    assert_eq!(first, "same-title");
    assert_ne!(first, second);
    assert!(second.starts_with("same-title-"), "{second}");
    assert_eq!(app.get(&format!("/petitions/{second}")).await.status, 200);
    // Many more, in quick succession: each suffix is drawn anew, so none
    // runs out of tries on the ones before it.
    let mut slugs = std::collections::HashSet::from([first, second]);
    for _ in 0..8 {
        let next = app.create_petition("Same title", "").await;
        assert!(slugs.insert(next.clone()), "{next} given twice");
    }

    // "new" would be the new-petition form's address on the dashboard.
    let new = app.create_petition("New", "").await;
    assert_eq!(new, "new-petition");
    assert_eq!(
        app.get(&format!("/dashboard/petitions/{new}")).await.status,
        200
    );
}

async fn home_page_lists_open_petitions_and_searches_them(app: TestApp) {
    let bees = app.petition("Save the bees").await;
    let trees = app.create_petition("Plant more trees", "").await;
    let home = app.get("/").await;
    assert_eq!(home.status, 200);
    for slug in [&bees, &trees] {
        assert!(
            home.body.contains(&format!("href=\"/petitions/{slug}\"")),
            "{slug}"
        );
    }
    let search = app.get("/?q=BEES").await;
    assert!(search.body.contains(&format!("href=\"/petitions/{bees}\"")));
    assert!(!search
        .body
        .contains(&format!("href=\"/petitions/{trees}\"")));
    assert_eq!(search.attr("#q", "value").as_deref(), Some("BEES"));
    let nothing = app.get("/?q=%25").await;
    assert!(nothing
        .body
        .contains("No open petitions match your search."));
}

async fn a_petition_written_across_a_session_expiry_is_kept_and_can_be_published(app: TestApp) {
    app.petition("Warm up").await;
    let token = app.get("/dashboard/petitions/new").await.csrf_token();
    let form = [
        ("title", "Written slowly"),
        ("summary", "A summary"),
        ("body", "A long text, written over an hour."),
        ("targets", "UNHCR"),
        ("goal", "500"),
        ("closes_on", ""),
        ("csrf_token", &token),
    ];

    // Another browser, without the session: as if it had expired.
    let logged_out = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = logged_out
        .post(app.url("/dashboard/petitions/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let page = Page::from(response).await;
    assert!(page.body.contains("Log in again to publish"));
    assert_eq!(
        page.attr("#title", "value").as_deref(),
        Some("Written slowly")
    );
    assert_eq!(
        page.text_of("#body").unwrap(),
        "A long text, written over an hour."
    );
    assert_eq!(page.csrf_token(), token);
    let (status, _) = app.get_json("/api/v1/petitions/written-slowly").await;
    assert_eq!(status, 404, "nothing was published without a session");

    // Logged in again, the same form goes through.
    let published = app.post_form("/dashboard/petitions/new", &form).await;
    assert_eq!(published.status(), 303);
    assert_eq!(published.headers()["location"], "/petitions/written-slowly");
}
