//! Organizers opening accounts themselves and recovering lost passwords,
//! without the pages ever telling whether an address has an account.

use crate::app_tests;
use crate::helpers::{TestApp, PASSWORD};

app_tests!(
    a_new_organizer_verifies_the_address_before_logging_in,
    a_weak_password_is_refused_with_the_reason_and_the_form_kept,
    signing_up_with_a_taken_address_looks_the_same_and_changes_nothing,
    a_password_reset_ends_every_session_and_works_once,
    a_reset_link_expires_after_an_hour,
);

const STRONG: &str = "violet kettle orbits the sundial 91";

async fn sign_up(app: &TestApp, name: &str, email: &str, password: &str) -> (u16, String) {
    let token = app.get("/signup").await.csrf_token();
    let response = app
        .post_form(
            "/signup",
            &[
                ("name", name),
                ("email", email),
                ("password", password),
                ("csrf_token", &token),
            ],
        )
        .await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn ask_for_reset(app: &TestApp, email: &str) -> (u16, String) {
    let token = app.get("/password/forgot").await.csrf_token();
    let response = app
        .post_form(
            "/password/forgot",
            &[("email", email), ("csrf_token", &token)],
        )
        .await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// The first `h1` of a page, which names what happened.
fn heading(body: &str) -> String {
    let start = body.find("<h1>").expect("a heading") + 4;
    body[start..start + body[start..].find("</h1>").unwrap()].to_owned()
}

async fn a_new_organizer_verifies_the_address_before_logging_in(app: TestApp) {
    let (status, body) = sign_up(&app, "Nadia Organizer", "nadia@example.org", STRONG).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(heading(&body), "Check your inbox");

    // Not verified yet: the same answer as a wrong password.
    let refused = app.login("nadia@example.org", STRONG).await;
    assert_eq!(refused.status(), 401);
    let wrong = app
        .login("nadia@example.org", "not the password at all")
        .await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(
        heading(&refused.text().await.unwrap()),
        heading(&wrong.text().await.unwrap())
    );

    let mail = &app.mail.wait_for("nadia@example.org", 1).await[0];
    assert!(
        !mail.text.contains("Nadia"),
        "no name to an unproved address"
    );
    let link = mail.link_containing("/signup/confirm/");
    // Opening the link verifies nothing: it asks for the password.
    let form = app.follow(&link).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("type=\"password\""), "{}", form.body);
    assert_eq!(app.login("nadia@example.org", STRONG).await.status(), 401);
    let wrong = app.confirm_account(&link, "somebody else's secret").await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("not the password"), "{}", wrong.body);
    assert_eq!(app.login("nadia@example.org", STRONG).await.status(), 401);
    let right = app.confirm_account(&link, STRONG).await;
    assert_eq!(right.status, 200, "{}", right.body);
    assert_eq!(app.follow(&link).await.status, 404, "the link works once");

    let response = app.login("nadia@example.org", STRONG).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/dashboard");
}

async fn a_weak_password_is_refused_with_the_reason_and_the_form_kept(app: TestApp) {
    for weak in ["short", "password1234", "qwertyuiopasdf"] {
        let (status, body) = sign_up(&app, "Weak Wanda", "wanda@example.org", weak).await;
        assert_eq!(status, 422, "{weak}");
        assert!(body.contains("Error: "), "{body}");
        assert!(body.contains("value=\"Weak Wanda\""), "{body}");
        assert!(body.contains("value=\"wanda@example.org\""), "{body}");
        assert!(!body.contains(weak), "the password is never echoed");
    }
    let (status, body) = sign_up(&app, "Weak Wanda", "wanda@example.org", "password1234").await;
    assert_eq!(status, 422);
    assert!(body.contains("harder to guess"), "{body}");
    // A password made of the person's own name is weak too.
    let (status, _) = sign_up(
        &app,
        "Wanda Wandaworth",
        "wanda@example.org",
        "Wanda Wandaworth",
    )
    .await;
    assert_eq!(status, 422);
    assert!(app.mail.all().is_empty());
}

async fn signing_up_with_a_taken_address_looks_the_same_and_changes_nothing(app: TestApp) {
    app.create_organizer("taken@example.org").await;
    let (fresh_status, fresh) = sign_up(&app, "New Person", "fresh@example.org", STRONG).await;
    let (taken_status, taken) = sign_up(&app, "Someone Else", "Taken@Example.org", STRONG).await;
    assert_eq!((fresh_status, taken_status), (200, 200));
    assert_eq!(heading(&fresh), heading(&taken));

    // The owner hears about it; the account keeps its password and name.
    let mail = &app.mail.wait_for("taken@example.org", 1).await[0];
    assert!(mail.subject.contains("already have"), "{}", mail.subject);
    assert!(mail.links().iter().all(|l| !l.contains("/signup/confirm/")));
    assert_eq!(app.login("taken@example.org", PASSWORD).await.status(), 303);
    assert_eq!(app.login("taken@example.org", STRONG).await.status(), 401);
}

async fn a_password_reset_ends_every_session_and_works_once(app: TestApp) {
    app.create_organizer("forgetful@example.org").await;
    assert_eq!(
        app.login("forgetful@example.org", PASSWORD).await.status(),
        303
    );
    assert_eq!(app.get("/dashboard").await.status, 200);

    // An unknown address gets the same page, and no email.
    let (unknown_status, unknown) = ask_for_reset(&app, "nobody@example.org").await;
    let (known_status, known) = ask_for_reset(&app, "Forgetful@example.org").await;
    assert_eq!((unknown_status, known_status), (200, 200));
    assert_eq!(heading(&unknown), heading(&known));
    let mail = &app.mail.wait_for("forgetful@example.org", 1).await[0];
    assert!(app.mail.to("nobody@example.org").is_empty());

    let link = mail.link_containing("/password/reset/");
    let form = app.follow(&link).await;
    assert_eq!(form.status, 200);
    let path = link.strip_prefix(&app.address).unwrap();
    let weak = app
        .post_form(
            path,
            &[
                ("password", "password1234"),
                ("csrf_token", &form.csrf_token()),
            ],
        )
        .await;
    assert_eq!(weak.status(), 422);
    let done = app
        .post_form(
            path,
            &[("password", STRONG), ("csrf_token", &form.csrf_token())],
        )
        .await;
    assert_eq!(done.status(), 200);

    // The session opened with the old password is over.
    let dashboard = app.get_response("/dashboard").await;
    assert_eq!(dashboard.status(), 303);
    assert_eq!(
        app.login("forgetful@example.org", PASSWORD).await.status(),
        401
    );
    assert_eq!(
        app.login("forgetful@example.org", STRONG).await.status(),
        303
    );

    // The link worked once.
    assert_eq!(app.follow(&link).await.status, 404);
    let again = app
        .post_form(
            path,
            &[
                ("password", "another strong pass phrase 42"),
                ("csrf_token", &form.csrf_token()),
            ],
        )
        .await;
    assert_eq!(again.status(), 404);
}

async fn a_reset_link_expires_after_an_hour(app: TestApp) {
    app.create_organizer("slow@example.org").await;
    ask_for_reset(&app, "slow@example.org").await;
    let link =
        app.mail.wait_for("slow@example.org", 1).await[0].link_containing("/password/reset/");
    assert_eq!(
        app.db.count(
            "tokens",
            "purpose = 'reset_password' AND expires_at > created_at"
        ),
        1
    );
    // An hour and a bit later.
    app.db.execute(
        "UPDATE tokens SET expires_at = '2000-01-01 00:00:00' WHERE purpose = 'reset_password'",
    );
    assert_eq!(app.follow(&link).await.status, 404);
}
