//! Pages in a real browser: axe-core finds no problem of any impact on
//! any page, every page has a meta description, no page scrolls sideways
//! on a screen 320 px wide (WCAG 1.4.10), in English or in Korean, the Nu
//! Html Checker finds no error in any page's markup, and the sign form
//! works from the keyboard alone.
//!
//! These run on SQLite only: what they check is the markup and the
//! stylesheet, which are the same whichever database is behind them.

use std::process::{Command, Stdio};

use serde_json::{json, Value};

use crate::helpers::{signature, spawn_app, Backend, TestApp, PASSWORD};
use crate::webdriver::{keys, Browser};

/// A page to check. A page that only exists as the answer to a form is
/// reached by filling `fill` (selector, text) on `path`, then pressing the
/// button `press.0`; `press.1` is an element of the answer, which the
/// check waits for. In paths, `{slug}` is the test's petition, `{closed}`
/// a closed one, and `{confirm}`, `{withdraw}`, `{erase}`,
/// `{unsubscribe}`, `{signup}` and `{reset}` the tokens from emails.
struct Check {
    name: &'static str,
    path: &'static str,
    fill: &'static [(&'static str, &'static str)],
    press: Option<(&'static str, &'static str)>,
}

const fn visit(name: &'static str, path: &'static str) -> Check {
    Check {
        name,
        path,
        fill: &[],
        press: None,
    }
}

const fn answer(
    name: &'static str,
    path: &'static str,
    button: &'static str,
    answer: &'static str,
) -> Check {
    answer_filled(name, path, &[], button, answer)
}

const fn answer_filled(
    name: &'static str,
    path: &'static str,
    fill: &'static [(&'static str, &'static str)],
    button: &'static str,
    answer: &'static str,
) -> Check {
    Check {
        name,
        path,
        fill,
        press: Some((button, answer)),
    }
}

const NOT_FOUND: &str = "/no/such/page";

/// The answer to a form that replaces it with a message.
const NO_FORM: &str = "main:not(:has(form))";

const SIGN: &str = "form[action$='/signatures'] button[type=submit]";

const NEW_PASSWORD: &str = "a brand new passphrase for the account";

/// Visited before logging in, in this order: some use up a token.
const PUBLIC_PAGES: &[Check] = &[
    visit("home, with petitions", "/"),
    visit("home, search results", "/?q=wetlands"),
    visit("home, nothing found", "/?q=no-such-petition-anywhere"),
    visit("petition", "/petitions/{slug}"),
    answer(
        "sign form with errors (422)",
        "/petitions/{slug}",
        SIGN,
        ".error-summary",
    ),
    visit("embedded sign form", "/petitions/{slug}/embed"),
    answer(
        "embedded sign form with errors (422)",
        "/petitions/{slug}/embed",
        "main form button[type=submit]",
        ".error-summary",
    ),
    visit(
        "embedded, signed: check your inbox",
        "/petitions/{slug}/embed?signed=1",
    ),
    visit("embedded, closed petition", "/petitions/{closed}/embed"),
    visit("check your inbox", "/petitions/{slug}/signed"),
    visit("check a signature", "/petitions/{slug}/verify"),
    visit(
        "check a signature, answered by the server",
        "/petitions/{slug}/verify?receipt=AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA",
    ),
    visit("confirm your signature", "/signatures/confirm/{confirm}"),
    answer(
        "thank you for signing",
        "/signatures/confirm/{confirm}",
        "main form button",
        NO_FORM,
    ),
    visit(
        "thank you, already confirmed",
        "/signatures/confirm/{confirm}",
    ),
    visit("withdraw", "/signatures/withdraw/{withdraw}"),
    answer(
        "signature withdrawn",
        "/signatures/withdraw/{withdraw}",
        "main form button",
        NO_FORM,
    ),
    answer(
        "details erased",
        "/signatures/withdraw/{erase}",
        "form:has(input[value=erase]) button",
        NO_FORM,
    ),
    visit("link not valid (404)", "/signatures/confirm/no-such-token"),
    visit("stop updates", "/signatures/unsubscribe/{unsubscribe}"),
    answer(
        "updates stopped",
        "/signatures/unsubscribe/{unsubscribe}",
        "main form button",
        NO_FORM,
    ),
    visit(
        "unsubscribe link not valid (404)",
        "/signatures/unsubscribe/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ),
    visit("closed petition", "/petitions/{closed}"),
    visit("privacy notice", "/privacy"),
    visit("log in", "/login"),
    answer_filled(
        "log in with a wrong password",
        "/login",
        &[
            ("#email", "nobody@example.org"),
            ("#password", NEW_PASSWORD),
        ],
        "main form button[type=submit]",
        ".error-summary",
    ),
    visit("sign up", "/signup"),
    answer(
        "sign up with mistakes (422)",
        "/signup",
        "main form button",
        ".error-summary",
    ),
    answer_filled(
        "signed up, check your inbox",
        "/signup",
        &[
            ("#name", "Ana Organizer"),
            ("#email", "ana@example.org"),
            ("#password", PASSWORD),
        ],
        "main form button",
        NO_FORM,
    ),
    visit("confirm your address", "/signup/confirm/{signup}"),
    answer_filled(
        "confirm your address with a wrong password (422)",
        "/signup/confirm/{signup}",
        &[("#password", NEW_PASSWORD)],
        "main form button",
        ".error-summary",
    ),
    answer_filled(
        "sign-up confirmed",
        "/signup/confirm/{signup}",
        &[("#password", PASSWORD)],
        "main form button",
        NO_FORM,
    ),
    visit(
        "sign-up link not valid (404)",
        "/signup/confirm/no-such-token",
    ),
    visit("forgotten password", "/password/forgot"),
    answer(
        "forgotten password with mistakes (422)",
        "/password/forgot",
        "main form button",
        ".error-summary",
    ),
    answer_filled(
        "forgotten password, link sent",
        "/password/forgot",
        &[("#email", "nobody@example.org")],
        "main form button",
        NO_FORM,
    ),
    visit("reset password", "/password/reset/{reset}"),
    answer(
        "reset password with mistakes (422)",
        "/password/reset/{reset}",
        "main form button",
        ".error-summary",
    ),
    answer_filled(
        "password changed",
        "/password/reset/{reset}",
        &[("#password", NEW_PASSWORD)],
        "main form button",
        NO_FORM,
    ),
    visit(
        "reset link not valid (404)",
        "/password/reset/no-such-token",
    ),
    visit("not found (404)", NOT_FOUND),
];

/// Korean samples for axe-core, which the layout check crawls whole in
/// Korean instead: the language is remembered from the first, and the
/// last goes back to English.
const KOREAN_SAMPLES: &[Check] = &[
    visit("petition, in Korean", "/petitions/{slug}?lang=ko"),
    answer(
        "sign form with errors, in Korean (422)",
        "/petitions/{slug}",
        SIGN,
        ".error-summary",
    ),
    visit("home, in English again", "/?lang=en"),
];

/// Visited logged in as the petition's owner, who is also an admin.
const ORGANIZER_PAGES: &[Check] = &[
    visit("dashboard", "/dashboard"),
    visit("statistics", "/dashboard/petitions/{slug}"),
    visit("new petition", "/dashboard/petitions/new"),
    answer(
        "new petition with mistakes (422)",
        "/dashboard/petitions/new",
        "main form button.primary",
        ".error-summary",
    ),
    visit("edit petition", "/dashboard/petitions/{slug}/edit"),
    answer(
        "edit petition, preview",
        "/dashboard/petitions/{slug}/edit",
        "button[name=preview]",
        "#preview-heading",
    ),
    visit("updates to signers", "/dashboard/petitions/{slug}/updates"),
    answer(
        "updates to signers with mistakes (422)",
        "/dashboard/petitions/{slug}/updates",
        "main form button.primary",
        ".error-summary",
    ),
    visit("API tokens, none yet", "/dashboard/tokens"),
    answer(
        "API tokens with mistakes (422)",
        "/dashboard/tokens",
        "main form button.primary",
        ".error-summary",
    ),
    answer_filled(
        "API token, freshly shown",
        "/dashboard/tokens",
        &[("#name", "Campaign website")],
        "main form button.primary",
        "#new-token",
    ),
    answer(
        "API token revoked",
        "/dashboard/tokens",
        "form[action$='/revoke'] button",
        "main:not(:has(form[action$='/revoke']))",
    ),
    visit("admin", "/admin"),
    answer(
        "admin, hiding without a reason (422)",
        "/admin",
        "form[action$='/hide'] button",
        ".error-summary",
    ),
    visit("abuse review", "/admin/petitions/{slug}/abuse"),
    answer(
        "abuse review, invalidating without criteria (422)",
        "/admin/petitions/{slug}/abuse",
        "form[action$='/invalidations'] button",
        ".error-summary",
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

/// Every violation axe-core finds on the page the browser shows, whatever
/// its impact: a minor one is still a barrier to someone.
async fn violations(browser: &Browser, axe: &str) -> Vec<String> {
    let result = browser.async_script(RUN_AXE, json!([axe])).await;
    if let Some(error) = result.get("error") {
        panic!("axe-core failed: {error}");
    }
    result
        .as_array()
        .expect("a list of violations")
        .iter()
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

/// How wide the page is, and the first few elements that reach past the
/// right edge of the window, outermost first, to say what to fix. What
/// overflows inside a box that scrolls or clips is that box's business.
const WIDTH: &str = r##"
const describe = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
  + (e.classList.length ? "." + [...e.classList].join(".") : "")
  + ` (${Math.round(e.getBoundingClientRect().right)} px)`;
// An absolutely positioned box is clipped by its containing block's
// ancestors only, not by whatever lies between.
const up = e => getComputedStyle(e).position === "absolute" ? e.offsetParent : e.parentElement;
const contained = e => {
  for (let p = up(e); p && p !== document.body; p = up(p)) {
    if (getComputedStyle(p).overflowX !== "visible") return true;
  }
  return false;
};
return {
  width: document.documentElement.scrollWidth,
  wide: [...document.body.querySelectorAll("*")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5 && !contained(e))
    .slice(0, 4)
    .map(describe),
};
"##;

/// What each page is checked for, besides having a meta description.
struct Inspect {
    /// axe-core's source; it must find nothing.
    axe: String,
    /// When set, the page fits the window, which is this narrow, and its
    /// stacked tables are still tables to a screen reader.
    fits: Option<i64>,
    /// Whether to keep each page's HTML as served, for the Nu Html Checker.
    keep_html: bool,
}

/// A page's HTML as the server sent it, and what to call the page.
struct Served {
    page: String,
    html: String,
}

/// The Nu Html Checker (npm's vnu-jar, installed by `npm ci` in
/// tests/a11y), which needs Java 17 or later; `None` (a failure under
/// CI) when either is missing.
fn nu_checker() -> Option<&'static str> {
    let jar = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/a11y/node_modules/vnu-jar/build/dist/vnu.jar"
    );
    if !std::path::Path::new(jar).is_file() {
        crate::helpers::skip_unless_ci("run `npm ci` in tests/a11y to check the markup");
        return None;
    }
    let java = Command::new("java")
        .arg("-version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !java.is_ok_and(|status| status.success()) {
        crate::helpers::skip_unless_ci(
            "install Java (default-jre-headless) to run the Nu Html Checker",
        );
        return None;
    }
    Some(jar)
}

/// Every error the Nu Html Checker finds in the pages, each with its
/// page, line and message. One run checks them all: Java is slow to start.
fn markup_errors(jar: &str, pages: &[Served]) -> Vec<String> {
    assert!(!pages.is_empty(), "no page to check");
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<_> = pages
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let file = dir.path().join(format!("{i}.html"));
            std::fs::write(&file, &page.html).unwrap();
            file
        })
        .collect();
    let output = Command::new("java")
        .args(["-jar", jar, "--errors-only", "--no-langdetect"])
        .args(["--format", "json", "--stdout", "--exit-zero-always"])
        .args(&files)
        .output()
        .expect("run the Nu Html Checker");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "the Nu Html Checker gave no report ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let messages = report["messages"].as_array().expect("a list of messages");
    messages
        .iter()
        // Only warnings and notes are "info"; errors, and files it could
        // not read, are not.
        .filter(|m| m["type"] != "info")
        .map(|m| {
            let page = m["url"]
                .as_str()
                .and_then(|url| url.rsplit('/').next())
                .and_then(|file| file.strip_suffix(".html"))
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| pages.get(i))
                .map_or("?", |served| served.page.as_str());
            let line = m["lastLine"].as_u64().unwrap_or_default();
            let message = m["message"].as_str().unwrap_or("?");
            let extract = m["extract"].as_str().unwrap_or_default();
            let extract = extract.split_whitespace().collect::<Vec<_>>().join(" ");
            format!("{page}: line {line}: {message} (at `{extract}`)")
        })
        .collect()
}

/// The roles that a stacked table (class `stack`, laid out as blocks on a
/// narrow screen) must keep for assistive technology, by selector.
const STACKED_TABLE_ROLES: &[(&str, &str)] = &[
    ("table.stack", "table"),
    ("table.stack thead tr", "row"),
    ("table.stack th", "columnheader"),
    ("table.stack tbody tr", "row"),
    ("table.stack td", "cell"),
];

struct Tokens {
    slug: String,
    closed: String,
    closing: String,
    confirm: String,
    withdraw: String,
    erase: String,
    unsubscribe: String,
    signup: String,
    reset: String,
}

impl Tokens {
    fn path(&self, template: &str) -> String {
        template
            .replace("{slug}", &self.slug)
            .replace("{closed}", &self.closed)
            .replace("{confirm}", &self.confirm)
            .replace("{withdraw}", &self.withdraw)
            .replace("{erase}", &self.erase)
            .replace("{unsubscribe}", &self.unsubscribe)
            .replace("{signup}", &self.signup)
            .replace("{reset}", &self.reset)
    }
}

/// The last path segment of a link from an email.
fn token(link: &str) -> String {
    link.rsplit('/').next().unwrap().to_owned()
}

/// An admin organizer with a closed petition, a hidden one, one about to
/// close, and an open one that has one confirmed public signer who asked
/// for news, an update sent to them, and two signatures waiting for
/// confirmation; an organizer who signed up and has not yet confirmed;
/// another who asked for a new password. Returns the admin's email and
/// the tokens.
async fn prepare(app: &TestApp) -> (String, Tokens) {
    let email = "olga@example.org";
    app.create_admin(email).await;
    assert_eq!(app.login(email, PASSWORD).await.status(), 303);
    let slug = app.create_petition("Protect the wetlands", "").await;
    let closed = app.create_petition("Keep the night bus", "").await;
    let closing = app.create_petition("Open the library on Sundays", "").await;
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
    assert_eq!(app.confirm(&confirm).await.status, 200);

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
    app.sign(&slug, &signature("forget-me@example.com")).await;
    let mail = &app.mail.wait_for("forget-me@example.com", 1).await[0];
    let erase = token(&mail.link_containing("/signatures/withdraw/"));

    let csrf = app.get("/signup").await.csrf_token();
    let signed_up = app
        .post_form(
            "/signup",
            &[
                ("name", "Sana Organizer"),
                ("email", "sana@example.org"),
                ("password", PASSWORD),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(signed_up.status(), 200);
    let signup = token(
        &app.mail.wait_for("sana@example.org", 1).await[0].link_containing("/signup/confirm/"),
    );

    let forgetful = "forgetful@example.org";
    app.create_organizer(forgetful).await;
    let csrf = app.get("/password/forgot").await.csrf_token();
    let asked = app
        .post_form(
            "/password/forgot",
            &[("email", forgetful), ("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(asked.status(), 200);
    let reset =
        token(&app.mail.wait_for(forgetful, 1).await[0].link_containing("/password/reset/"));

    let tokens = Tokens {
        slug,
        closed,
        closing,
        confirm,
        withdraw,
        erase,
        unsubscribe,
        signup,
        reset,
    };
    (email.to_owned(), tokens)
}

struct Run<'a> {
    app: &'a TestApp,
    browser: &'a Browser,
    inspect: Inspect,
    tokens: Tokens,
    /// The heading of the not-found page, which no other page may show:
    /// a mistyped path must not pass for a checked page.
    not_found: String,
    problems: Vec<String>,
    served: Vec<Served>,
}

impl Run<'_> {
    async fn check(&mut self, pages: &[Check]) {
        for page in pages {
            let path = self.tokens.path(page.path);
            eprintln!("pages: checking {}", page.name);
            self.browser.goto(&self.app.url(&path)).await;
            for (field, text) in page.fill {
                self.browser.fill(field, text).await;
            }
            if let Some((button, answer)) = page.press {
                self.browser.click(button).await;
                self.browser.text(answer).await;
            }
            if page.path != NOT_FOUND && self.browser.text("h1").await == self.not_found {
                self.problems
                    .push(format!("{} ({path}): shows the not-found page", page.name));
            }
            self.inspect(&format!("{} ({path})", page.name)).await;
        }
    }

    /// Checks the page the browser shows.
    async fn inspect(&mut self, page: &str) {
        let description = self
            .browser
            .script(
                "const m = document.querySelector('meta[name=description]'); \
                 return m ? m.content.trim() : '';",
            )
            .await;
        if description.as_str().unwrap_or_default().is_empty() {
            self.problems.push(format!("{page}: no meta description"));
        }
        if self.inspect.keep_html {
            let html = self.browser.served_html().await;
            self.served.push(Served {
                page: page.to_owned(),
                html,
            });
        }
        for violation in violations(self.browser, &self.inspect.axe).await {
            self.problems.push(format!("{page}: {violation}"));
        }
        if let Some(window) = self.inspect.fits {
            let measured = self.browser.script(WIDTH).await;
            let width = measured["width"].as_i64().unwrap();
            if width > window {
                self.problems.push(format!(
                    "{page}: {width} px wide, past {}",
                    measured["wide"]
                ));
            }
            self.stacked_tables(page).await;
        }
    }

    /// A table that stacks its cells on a narrow screen is still a table,
    /// with rows, headers and cells, to a screen reader.
    async fn stacked_tables(&mut self, page: &str) {
        let stacked = self
            .browser
            .script("return document.querySelector('table.stack tbody td') !== null;")
            .await;
        if stacked != json!(true) {
            return;
        }
        for &(css, role) in STACKED_TABLE_ROLES {
            let found = self.browser.role(css).await;
            if found != role {
                self.problems.push(format!(
                    "{page}: a stacked table's `{css}` is exposed as {found:?}, not as {role}"
                ));
            }
        }
    }

    /// A petition that closes while someone has its sign form open: they
    /// press Sign and hear that it closed (409).
    async fn closed_while_signing(&mut self) {
        let closing = self.tokens.closing.clone();
        eprintln!("pages: checking closed while signing");
        self.browser
            .goto(&self.app.url(&format!("/petitions/{closing}")))
            .await;
        let csrf = self.app.get("/dashboard").await.csrf_token();
        let close = self
            .app
            .post_form(
                &format!("/dashboard/petitions/{closing}/close"),
                &[("csrf_token", csrf.as_str())],
            )
            .await;
        assert_eq!(close.status(), 303);
        self.browser.click(SIGN).await;
        self.browser.text(NO_FORM).await;
        self.inspect("closed while signing (409)").await;
    }

    /// Logs the browser in as the admin, then checks the organizer pages.
    async fn check_logged_in(&mut self, email: &str) {
        self.browser.goto(&self.app.url("/login")).await;
        self.browser.fill("#email", email).await;
        self.browser.fill("#password", PASSWORD).await;
        self.browser
            .click("form[action='/login'] button[type=submit]")
            .await;
        self.browser.wait_for_url("/dashboard").await;
        self.check(ORGANIZER_PAGES).await;
    }
}

/// Checks every page in the interface's `language`, with the samples in
/// between the public pages and the organizer's; returns the problems,
/// and the pages as served when `inspect` keeps them.
async fn crawl(
    app: &TestApp,
    browser: &Browser,
    language: &str,
    inspect: Inspect,
    samples: &[Check],
) -> (Vec<String>, Vec<Served>) {
    let (email, tokens) = prepare(app).await;
    if inspect.keep_html {
        browser.keep_responses().await;
    }
    browser.goto(&app.url(&format!("/?lang={language}"))).await;
    browser.goto(&app.url(NOT_FOUND)).await;
    let not_found = browser.text("h1").await;
    let mut run = Run {
        app,
        browser,
        inspect,
        tokens,
        not_found,
        problems: Vec::new(),
        served: Vec::new(),
    };
    run.check(PUBLIC_PAGES).await;
    run.closed_while_signing().await;
    run.check(samples).await;
    run.check_logged_in(&email).await;
    (run.problems, run.served)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_no_problem_on_any_page() {
    let Some(axe) = axe_source() else { return };
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let Some(browser) = Browser::launch().await else {
        return;
    };
    let inspect = Inspect {
        axe,
        fits: None,
        keep_html: false,
    };
    let (problems, _) = crawl(&app, &browser, "en", inspect, KOREAN_SAMPLES).await;
    assert!(
        problems.is_empty(),
        "{} accessibility problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// WCAG 1.4.10, Reflow: at 320 CSS pixels wide nothing needs scrolling
/// sideways. Korean is checked whole, as it only breaks between words.
/// axe-core runs here too: narrow, a table is laid out as blocks, which
/// is another page to a screen reader, so its roles are checked as well.
///
/// As this is the crawl that visits every page in both languages, the Nu
/// Html Checker checks the markup of each here (the server sends the same
/// whatever the window's size), all in one run at the end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_scrolls_sideways_on_a_320_px_screen() {
    const WINDOW: i64 = 320;
    let Some(axe) = axe_source() else { return };
    let checker = nu_checker();
    let Some(browser) = Browser::launch().await else {
        return;
    };
    browser.set_size(WINDOW as u32, 800).await;
    let mut problems = Vec::new();
    let mut served = Vec::new();
    for language in ["en", "ko"] {
        let Some(app) = spawn_app(Backend::Sqlite).await else {
            return;
        };
        browser.goto(&app.url("/")).await;
        assert_eq!(
            browser.script("return window.innerWidth;").await,
            json!(WINDOW),
            "the window is as narrow as asked"
        );
        let inspect = Inspect {
            axe: axe.clone(),
            fits: Some(WINDOW),
            keep_html: checker.is_some(),
        };
        let (found, pages) = crawl(&app, &browser, language, inspect, &[]).await;
        for problem in found {
            problems.push(format!("{language}: {problem}"));
        }
        served.extend(pages.into_iter().map(|page| Served {
            page: format!("{language}: {}", page.page),
            html: page.html,
        }));
    }
    if let Some(jar) = checker {
        eprintln!("pages: the Nu Html Checker reads {} pages", served.len());
        let errors = tokio::task::spawn_blocking(move || markup_errors(jar, &served))
            .await
            .unwrap();
        problems.extend(errors);
    }
    assert!(
        problems.is_empty(),
        "{} problem(s) at {WINDOW} px:\n{}",
        problems.len(),
        problems.join("\n")
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
    assert_eq!(app.confirm(&link).await.status, 200);
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
