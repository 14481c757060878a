//! Accessibility in a real browser: axe-core finds no serious or critical
//! problem on any page, and the sign form works from the keyboard alone.
//!
//! These run on SQLite only: what they check is the markup and the
//! stylesheet, which are the same whichever database is behind them.

use serde_json::{json, Value};

use crate::helpers::{signature, spawn_app, Backend, TestApp, PASSWORD};
use crate::webdriver::{keys, Browser};

/// A page to check: what it is, its path, and for pages that only exist as
/// the answer to a form, a button to press there and an element of the
/// page that answers. In paths,
/// `{slug}` is the test's petition, `{closed}` a closed one, and
/// `{confirm}`, `{withdraw}`, `{unsubscribe}` and `{reset}` the tokens
/// from its emails.
type Check = (
    &'static str,
    &'static str,
    Option<(&'static str, &'static str)>,
);

const NOT_FOUND: &str = "/no/such/page";

/// Visited before logging in.
const PUBLIC_PAGES: &[Check] = &[
    ("home, with a petition", "/", None),
    ("petition", "/petitions/{slug}", None),
    (
        "sign form with errors (422)",
        "/petitions/{slug}",
        Some((
            "form[action$='/signatures'] button[type=submit]",
            ".error-summary",
        )),
    ),
    ("embedded sign form", "/petitions/{slug}/embed", None),
    (
        "embedded sign form with errors (422)",
        "/petitions/{slug}/embed",
        Some(("main form button[type=submit]", ".error-summary")),
    ),
    ("check your inbox", "/petitions/{slug}/signed", None),
    (
        "thank you for signing",
        "/signatures/confirm/{confirm}",
        None,
    ),
    ("withdraw", "/signatures/withdraw/{withdraw}", None),
    (
        "signature withdrawn",
        "/signatures/withdraw/{withdraw}",
        // The answer is the same page without its form.
        Some(("main form button", "main:not(:has(form))")),
    ),
    (
        "link not valid (404)",
        "/signatures/confirm/no-such-token",
        None,
    ),
    (
        "stop updates",
        "/signatures/unsubscribe/{unsubscribe}",
        None,
    ),
    (
        "updates stopped",
        "/signatures/unsubscribe/{unsubscribe}",
        Some(("main form button", "main:not(:has(form))")),
    ),
    (
        "unsubscribe link not valid (404)",
        "/signatures/unsubscribe/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        None,
    ),
    ("closed petition", "/petitions/{closed}", None),
    ("privacy notice", "/privacy", None),
    ("log in", "/login", None),
    ("sign up", "/signup", None),
    (
        "sign up with mistakes (422)",
        "/signup",
        Some(("main form button", ".error-summary")),
    ),
    (
        "sign-up link not valid (404)",
        "/signup/confirm/no-such-token",
        None,
    ),
    ("forgotten password", "/password/forgot", None),
    ("reset password", "/password/reset/{reset}", None),
    ("not found (404)", NOT_FOUND, None),
    // In Korean (remembered from here on), then back to English.
    ("petition, in Korean", "/petitions/{slug}?lang=ko", None),
    (
        "sign form with errors, in Korean (422)",
        "/petitions/{slug}",
        Some((
            "form[action$='/signatures'] button[type=submit]",
            ".error-summary",
        )),
    ),
    ("home, in English again", "/?lang=en", None),
];

/// Visited logged in as the petition's owner, who is also an admin.
const ORGANIZER_PAGES: &[Check] = &[
    ("dashboard", "/dashboard", None),
    ("statistics", "/dashboard/petitions/{slug}", None),
    ("new petition", "/dashboard/petitions/new", None),
    (
        "new petition with mistakes (422)",
        "/dashboard/petitions/new",
        Some(("main form button.primary", ".error-summary")),
    ),
    ("edit petition", "/dashboard/petitions/{slug}/edit", None),
    (
        "edit petition, preview",
        "/dashboard/petitions/{slug}/edit",
        Some(("button[name=preview]", "#preview-heading")),
    ),
    (
        "updates to signers",
        "/dashboard/petitions/{slug}/updates",
        None,
    ),
    (
        "updates to signers with mistakes (422)",
        "/dashboard/petitions/{slug}/updates",
        Some(("main form button.primary", ".error-summary")),
    ),
    ("admin", "/admin", None),
    (
        "admin, hiding without a reason (422)",
        "/admin",
        Some(("form[action$='/hide'] button", ".error-summary")),
    ),
    ("abuse review", "/admin/petitions/{slug}/abuse", None),
    (
        "abuse review, invalidating without criteria (422)",
        "/admin/petitions/{slug}/abuse",
        Some(("form[action$='/invalidations'] button", ".error-summary")),
    ),
];

/// Runs axe-core on the page and resolves with its violations, each cut
/// down to what a failure message needs. The library is evaluated at
/// global scope once per page.
const RUN_AXE: &str = r#"
const done = arguments[arguments.length - 1];
if (!window.axe) { (0, eval)(arguments[0]); }
window.axe.run(document, { resultTypes: ["violations"] })
  .then(r => done(r.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
  }))))
  .catch(e => done({ error: String(e) }));
"#;

/// axe-core's script, installed by `npm ci` in tests/a11y; `None` (a
/// failure under CI) when it is not.
fn axe_source() -> Option<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/a11y/node_modules/axe-core/axe.min.js"
    );
    match std::fs::read_to_string(path) {
        Ok(source) => Some(source),
        Err(_) => {
            crate::helpers::skip_unless_ci("run `npm ci` in tests/a11y to check accessibility");
            None
        }
    }
}

/// The serious and critical violations on the page the browser shows.
async fn serious_violations(browser: &Browser, axe: &str) -> Vec<String> {
    let result = browser.async_script(RUN_AXE, json!([axe])).await;
    if let Some(error) = result.get("error") {
        panic!("axe-core failed: {error}");
    }
    result
        .as_array()
        .expect("a list of violations")
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .map(|v| {
            let targets: Vec<&str> = v["targets"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            format!(
                "{} ({}): {} at {}",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or("?"),
                targets.join(", ")
            )
        })
        .collect()
}

struct Tokens {
    slug: String,
    closed: String,
    confirm: String,
    withdraw: String,
    unsubscribe: String,
    reset: String,
}

impl Tokens {
    fn path(&self, template: &str) -> String {
        template
            .replace("{slug}", &self.slug)
            .replace("{closed}", &self.closed)
            .replace("{confirm}", &self.confirm)
            .replace("{withdraw}", &self.withdraw)
            .replace("{unsubscribe}", &self.unsubscribe)
            .replace("{reset}", &self.reset)
    }
}

/// The last path segment of a link from an email.
fn token(link: &str) -> String {
    link.rsplit('/').next().unwrap().to_owned()
}

/// An admin organizer with a closed petition, a hidden one, and an open one
/// that has
/// one confirmed public signer who asked for news, an update sent to them,
/// and one signature waiting for confirmation, and a password reset asked
/// for; returns the organizer's email and the tokens.
async fn prepare(app: &TestApp) -> (String, Tokens) {
    let email = "olga@example.org";
    app.create_admin(email).await;
    assert_eq!(app.login(email, PASSWORD).await.status(), 303);
    let slug = app.create_petition("Protect the wetlands", "").await;
    let closed = app.create_petition("Keep the night bus", "").await;
    let csrf = app.get("/dashboard").await.csrf_token();
    let close = app
        .post_form(
            &format!("/dashboard/petitions/{closed}/close"),
            &[("csrf_token", csrf.as_str())],
        )
        .await;
    assert_eq!(close.status(), 303);
    let hidden = app.create_petition("Cheap watches here", "").await;
    let hide = app
        .post_form(
            &format!("/admin/petitions/{hidden}/hide"),
            &[
                ("reason", "Advertising, not a petition"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(hide.status(), 303);

    let mut early = signature("early@example.com");
    early.insert("updates", "on".into());
    app.sign(&slug, &early).await;
    let confirm = app.confirmation_link("early@example.com", 1).await;
    assert_eq!(app.follow(&confirm).await.status, 200);

    let updates = format!("/dashboard/petitions/{slug}/updates");
    let csrf = app.get(&updates).await.csrf_token();
    let posted = app
        .post_form(
            &updates,
            &[
                ("subject", "We meet the council on Monday"),
                ("body", "Thank you all. **Bring a friend.**"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(posted.status(), 303);
    let update = &app.mail.wait_for("early@example.com", 2).await[1];
    let unsubscribe = token(&update.link_containing("/signatures/unsubscribe/"));

    app.sign(&slug, &signature("later@example.com")).await;
    let mail = &app.mail.wait_for("later@example.com", 1).await[0];
    let confirm = token(&mail.link_containing("/signatures/confirm/"));
    let withdraw = token(&mail.link_containing("/signatures/withdraw/"));

    let csrf = app.get("/password/forgot").await.csrf_token();
    let asked = app
        .post_form(
            "/password/forgot",
            &[("email", email), ("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(asked.status(), 200);
    let reset = token(&app.mail.wait_for(email, 1).await[0].link_containing("/password/reset/"));

    let tokens = Tokens {
        slug,
        closed,
        confirm,
        withdraw,
        unsubscribe,
        reset,
    };
    (email.to_owned(), tokens)
}

struct Run<'a> {
    app: &'a TestApp,
    browser: &'a Browser,
    axe: String,
    tokens: Tokens,
    /// The heading of the not-found page, which no other page may show:
    /// a mistyped path must not pass for a checked page.
    not_found: String,
    problems: Vec<String>,
}

impl Run<'_> {
    async fn check(&mut self, pages: &[Check]) {
        for (name, template, press) in pages {
            let path = self.tokens.path(template);
            eprintln!("a11y: checking {name}");
            self.browser.goto(&self.app.url(&path)).await;
            if let Some((button, answer)) = press {
                self.browser.click(button).await;
                self.browser.text(answer).await;
            }
            if *template != NOT_FOUND && self.browser.text("h1").await == self.not_found {
                self.problems
                    .push(format!("{name} ({path}): shows the not-found page"));
            }
            for violation in serious_violations(self.browser, &self.axe).await {
                self.problems.push(format!("{name} ({path}): {violation}"));
            }
        }
    }
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_no_serious_or_critical_problem_on_any_page() {
    let Some(axe) = axe_source() else { return };
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let Some(browser) = Browser::launch().await else {
        return;
    };
    let (email, tokens) = prepare(&app).await;
    browser.goto(&app.url(NOT_FOUND)).await;
    let not_found = browser.text("h1").await;
    let mut run = Run {
        app: &app,
        browser: &browser,
        axe,
        tokens,
        not_found,
        problems: Vec::new(),
    };

    run.check(PUBLIC_PAGES).await;

    browser.goto(&app.url("/login")).await;
    browser.fill("#email", &email).await;
    browser.fill("#password", PASSWORD).await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
    browser.wait_for_url("/dashboard").await;
    run.check(ORGANIZER_PAGES).await;

    assert!(
        run.problems.is_empty(),
        "{} serious or critical accessibility problem(s):\n{}",
        run.problems.len(),
        run.problems.join("\n")
    );
}

/// Where focus is and whether it can be seen: the focused element's id
/// (or its tag and text) and whether it has an outline or a ring.
const FOCUS: &str = r#"
const el = document.activeElement;
const style = getComputedStyle(el);
const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
return {
  id: el.id || (el.tagName.toLowerCase() + " " + (el.innerText || "").trim().slice(0, 40)),
  visible: outlined || style.boxShadow !== "none",
  style: `outline ${style.outlineStyle} ${style.outlineWidth}, box-shadow ${style.boxShadow}`,
};
"#;

async fn focused(browser: &Browser) -> (String, bool) {
    let focus = browser.script(FOCUS).await;
    (
        focus["id"].as_str().unwrap_or_default().to_owned(),
        focus["visible"].as_bool().unwrap_or(false),
    )
}

/// Tab, then say where focus landed, failing if it cannot be seen there.
pub async fn tab(browser: &Browser) -> String {
    browser.press(&[keys::TAB]).await;
    let (id, visible) = focused(browser).await;
    if !visible {
        let style = browser.script(FOCUS).await["style"].clone();
        panic!("focus on {id} cannot be seen: {style}");
    }
    id
}

/// Tabs until focus reaches `target` (as [`tab`] names it), at most 40
/// times; returns every stop on the way.
pub async fn tab_to(browser: &Browser, target: &str) -> Vec<String> {
    let mut stops = Vec::new();
    while stops.last().map(String::as_str) != Some(target) {
        assert!(stops.len() < 40, "Tab never reached {target}: {stops:?}");
        stops.push(tab(browser).await);
    }
    stops
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_with_the_keyboard_alone() {
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let Some(browser) = Browser::launch().await else {
        return;
    };
    let slug = app.petition("Light the cycle paths").await;
    browser.goto(&app.url(&format!("/petitions/{slug}"))).await;

    // From the top of the page, every stop on the way shows focus.
    let stops = tab_to(&browser, "name").await;
    assert!(
        stops[0].contains("Skip to content"),
        "the skip link comes first: {stops:?}"
    );

    browser.type_text("Ama Mensah").await;
    assert_eq!(tab(&browser).await, "email");
    // A slip of the finger first.
    browser.type_text("ama.example.com").await;
    assert_eq!(tab(&browser).await, "country");
    // A closed list picks the option whose name is typed.
    browser.type_text("Ghana").await;
    assert_eq!(browser.value("#country").await, "GH");
    assert_eq!(tab(&browser).await, "postcode");
    assert_eq!(tab(&browser).await, "comment");
    browser.type_text("Safe roads at night.").await;
    assert_eq!(tab(&browser).await, "public");
    browser.press(&[keys::SPACE]).await;
    assert_eq!(tab(&browser).await, "updates");
    browser.press(&[keys::SPACE]).await;
    // The consent line's link to the privacy notice, then the button.
    assert!(tab(&browser).await.starts_with("a privacy notice"));
    assert_eq!(tab(&browser).await, "button Sign");
    browser.press(&[keys::ENTER]).await;

    // The mistake is explained where focus lands, and its link leads to
    // the field, with everything else still filled in.
    browser.text(".error-summary").await;
    let (at, visible) = focused(&browser).await;
    assert!(
        at.contains("There is a problem") && visible,
        "focus goes to the visible error summary, not {at}"
    );
    assert!(tab(&browser).await.contains("Enter an email address"));
    browser.press(&[keys::ENTER]).await;
    assert_eq!(focused(&browser).await, ("email".to_owned(), true));
    browser.chord(&[keys::CONTROL, "a"]).await;
    browser.type_text("ama@example.com").await;
    tab_to(&browser, "button Sign").await;
    browser.press(&[keys::ENTER]).await;

    browser
        .wait_for_url(&format!("/petitions/{slug}/signed"))
        .await;
    assert!(browser.text("h1").await.contains("Check your inbox"));

    // What was typed and ticked arrived.
    let link = app.confirmation_link("ama@example.com", 1).await;
    assert_eq!(app.follow(&link).await.status, 200);
    let page = app
        .get_when(&format!("/petitions/{slug}"), |p| {
            p.text_of(".signers").is_some()
        })
        .await;
    assert!(
        page.text_of(".signers")
            .unwrap_or_default()
            .contains("Ama Mensah (Ghana)"),
        "the ticked box shows the name: {:?}",
        page.text_of(".signers")
    );
    assert_eq!(
        app.db.count(
            "signatures",
            "email = 'ama@example.com' AND updates = TRUE AND comment = 'Safe roads at night.'"
        ),
        1
    );
}
