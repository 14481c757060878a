//! English and Korean: the language comes from `?lang=` (remembered in a
//! cookie), the cookie, or `Accept-Language`, and reaches pages, form
//! errors, country names and emails, including emails sent later.

use std::collections::HashMap;

use reqwest::header::{ACCEPT_LANGUAGE, SET_COOKIE, VARY};
use reqwest::redirect::Policy;

use crate::app_tests;
use crate::helpers::{signature, Page, TestApp, PASSWORD};

app_tests!(
    accept_language_korean_gives_a_korean_petition_page,
    english_is_the_default_language,
    lang_in_the_address_is_remembered_and_can_be_switched_back,
    a_korean_signer_gets_korean_emails_now_and_later,
    sign_form_errors_are_in_korean_and_keep_what_was_typed,
    organizer_pages_and_their_errors_are_in_korean,
    password_reset_email_speaks_the_accounts_language,
    error_pages_and_the_widget_follow_the_language,
    a_petitions_own_language_marks_its_text_on_any_page,
    a_petitions_own_language_marks_its_title_in_emails_and_on_unsubscribing,
    words_outside_pages_follow_the_readers_language,
    csv_headings_follow_the_organizers_language,
    refused_bodies_are_explained_in_the_readers_language,
    weak_password_advice_is_specific_in_korean,
    the_oembed_frame_follows_the_requests_language,
);

/// A browser of its own, with its own cookies, that asks for `language`.
fn browser(language: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(ACCEPT_LANGUAGE, language.parse().unwrap());
    reqwest::Client::builder()
        .redirect(Policy::none())
        .cookie_store(true)
        .default_headers(headers)
        .build()
        .unwrap()
}

async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> Page {
    Page::from(client.get(app.url(path)).send().await.unwrap()).await
}

/// Signs `slug` from `client`'s browser.
async fn sign_as(
    app: &TestApp,
    client: &reqwest::Client,
    slug: &str,
    fields: &HashMap<&'static str, String>,
) -> reqwest::Response {
    let token = get(app, client, &format!("/petitions/{slug}"))
        .await
        .csrf_token();
    let mut form = fields.clone();
    form.insert("csrf_token", token);
    client
        .post(app.url(&format!("/petitions/{slug}/signatures")))
        .form(&form)
        .send()
        .await
        .unwrap()
}

fn html_lang(page: &Page) -> String {
    page.attr("html", "lang").expect("<html lang>")
}

async fn accept_language_korean_gives_a_korean_petition_page(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let korean = browser("ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7");
    let response = korean
        .get(app.url(&format!("/petitions/{slug}")))
        .send()
        .await
        .unwrap();
    let vary = response.headers()[VARY].to_str().unwrap().to_owned();
    assert!(vary.contains("Accept-Language"), "{vary}");
    assert!(vary.contains("Cookie"), "{vary}");
    assert!(
        response.headers().get(SET_COOKIE).is_none(),
        "only ?lang= sets the cookie"
    );
    let page = Page::from(response).await;
    assert_eq!(page.status, 200);
    assert_eq!(html_lang(&page), "ko");
    assert_eq!(
        page.text_of("form button[type=submit]").unwrap().trim(),
        "서명하기"
    );
    assert_eq!(page.text_of("#sign-heading").unwrap(), "이 청원에 서명하기");
    assert_eq!(
        page.text_of("select#country option[value=KR]").unwrap(),
        "대한민국"
    );
    assert_eq!(
        page.text_of("select#country option[value=GB]").unwrap(),
        "영국"
    );
    assert_eq!(
        page.text_of("select#country option[value=CI]").unwrap(),
        "코트디부아르"
    );
    assert!(!page.body.contains("Republic Of Korea"));
    // The count element keeps the plain number embedding sites read.
    assert_eq!(
        page.text_of(&format!("[data-live-count=\"{slug}\"]"))
            .unwrap(),
        "0"
    );
    assert!(page.body.contains("명이 서명했습니다"), "{}", page.body);
    // The page is Korean; the petition, written in English, says so.
    assert_eq!(page.attr("h1", "lang").as_deref(), Some("en"));
    assert_eq!(
        page.attr("meta[property='og:locale']", "content")
            .as_deref(),
        Some("en_US")
    );

    // The switcher: this page in each language, the current one marked.
    let english = page
        .attr("nav.languages a[lang=en]", "href")
        .expect("a link to English");
    assert_eq!(english, format!("/petitions/{slug}?lang=en"));
    assert_eq!(page.text_of("nav.languages a[lang=en]").unwrap(), "English");
    assert_eq!(
        page.attr("nav.languages a[lang=ko]", "aria-current")
            .as_deref(),
        Some("true")
    );
    assert_eq!(page.text_of("nav.languages a[lang=ko]").unwrap(), "한국어");
    assert!(page
        .attr("nav.languages a[lang=en]", "aria-current")
        .is_none());
}

async fn english_is_the_default_language(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    for language in [None, Some("de-DE,fr;q=0.8"), Some("ko;q=0, en;q=0.5")] {
        let mut request = reqwest::Client::new().get(app.url(&format!("/petitions/{slug}")));
        if let Some(language) = language {
            request = request.header(ACCEPT_LANGUAGE, language);
        }
        let page = Page::from(request.send().await.unwrap()).await;
        assert_eq!(html_lang(&page), "en", "{language:?}");
        assert_eq!(
            page.text_of("select#country option[value=KR]").unwrap(),
            "South Korea"
        );
        assert_eq!(
            page.text_of("select#country option[value=CI]").unwrap(),
            "Côte d’Ivoire"
        );
        assert_eq!(
            page.text_of("form button[type=submit]").unwrap().trim(),
            "Sign"
        );
    }
}

async fn lang_in_the_address_is_remembered_and_can_be_switched_back(app: TestApp) {
    let client = browser("en");
    let response = client.get(app.url("/?lang=ko")).send().await.unwrap();
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("lang=ko"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Max-Age=31536000"), "{cookie}");
    let page = Page::from(response).await;
    assert_eq!(html_lang(&page), "ko");
    assert_eq!(page.text_of("h1").unwrap(), "청원");

    // Later visits without it stay Korean, though the browser asks for
    // English: the choice wins.
    let later = get(&app, &client, "/privacy").await;
    assert_eq!(html_lang(&later), "ko");
    assert_eq!(later.text_of("h1").unwrap(), "개인정보 처리방침");
    assert_eq!(
        later.attr("nav.languages a[lang=en]", "href").as_deref(),
        Some("/privacy?lang=en")
    );

    // Other parameters are kept when switching.
    let search = get(&app, &client, "/?q=bees").await;
    assert_eq!(
        search.attr("nav.languages a[lang=en]", "href").as_deref(),
        Some("/?q=bees&lang=en")
    );

    let back = get(&app, &client, "/?lang=en").await;
    assert_eq!(html_lang(&back), "en");
    let after = get(&app, &client, "/privacy").await;
    assert_eq!(html_lang(&after), "en");
    assert_eq!(after.text_of("h1").unwrap(), "Privacy");

    // An unknown language changes nothing.
    let odd = client.get(app.url("/?lang=xx")).send().await.unwrap();
    assert!(odd.headers().get(SET_COOKIE).is_none());
    assert_eq!(html_lang(&Page::from(odd).await), "en");
}

async fn a_korean_signer_gets_korean_emails_now_and_later(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let korean = browser("ko");
    let mut fields = signature("minjun@example.com");
    fields.insert("updates", "on".into());
    let response = sign_as(&app, &korean, &slug, &fields).await;
    assert_eq!(response.status(), 303);
    let signed = get(&app, &korean, &format!("/petitions/{slug}/signed")).await;
    assert_eq!(signed.text_of("h1").unwrap(), "받은편지함을 확인하세요");

    let mail = &app.mail.wait_for("minjun@example.com", 1).await[0];
    assert_eq!(mail.subject, "서명을 확인해 주세요: Save the bees");
    assert!(mail.html.contains("<html lang=\"ko\">"), "{}", mail.html);
    assert!(mail.html.contains("서명 확인하기"), "{}", mail.html);
    assert!(
        mail.text.contains("링크는 7일 동안 유효합니다."),
        "{}",
        mail.text
    );
    assert!(!mail.text.contains("Hello"), "{}", mail.text);
    assert_eq!(
        app.db
            .strings("SELECT locale AS value FROM signatures")
            .as_slice(),
        ["ko"]
    );

    // The confirmation page, in the browser that signed.
    let link = mail.link_containing("/signatures/confirm/");
    let path = link.strip_prefix(&app.address).unwrap();
    let prompt = get(&app, &korean, path).await;
    assert_eq!(
        prompt.text_of("h1").unwrap(),
        "마지막 단계: 서명을 확인해 주세요"
    );
    let confirmed = Page::from(korean.post(app.url(path)).send().await.unwrap()).await;
    assert_eq!(confirmed.text_of("h1").unwrap(), "서명해 주셔서 감사합니다");

    // Signing again from an English browser: the stored signer is told
    // again, in the language of this submission.
    let english = browser("en");
    assert_eq!(sign_as(&app, &english, &slug, &fields).await.status(), 303);
    let again = &app.mail.wait_for("minjun@example.com", 2).await[1];
    assert!(
        again.subject.starts_with("You have already signed"),
        "{}",
        again.subject
    );

    // An update written later, by an organizer browsing in English, reaches
    // the signer in Korean.
    let path = format!("/dashboard/petitions/{slug}/updates");
    let token = app.get(&path).await.csrf_token();
    let response = app
        .post_form(
            &path,
            &[
                ("subject", "We did it"),
                ("body", "Thank you all."),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let update = &app.mail.wait_for("minjun@example.com", 3).await[2];
    assert_eq!(update.subject, "We did it – Save the bees");
    assert!(
        update
            .text
            .contains("서명하신 ‘Save the bees’ 청원의 소식입니다"),
        "{}",
        update.text
    );
    assert!(update.html.contains("이메일 그만 받기"), "{}", update.html);
}

async fn sign_form_errors_are_in_korean_and_keep_what_was_typed(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let korean = browser("ko");
    let mut fields = signature("not-an-address");
    fields.insert("name", "  ".into());
    fields.insert("country", "KR".into());
    fields.insert("comment", "꿀벌이 사라지면 안 됩니다".into());
    let response = sign_as(&app, &korean, &slug, &fields).await;
    assert_eq!(response.status(), 422);
    let page = Page::from(response).await;
    assert_eq!(html_lang(&page), "ko");
    assert_eq!(page.text_of("#name-error").unwrap(), "이름을 입력하세요");
    assert_eq!(
        page.text_of("#email-error").unwrap(),
        "name@example.com과 같은 올바른 형식으로 이메일 주소를 입력하세요"
    );
    assert_eq!(
        page.text_of(".error-summary h3").unwrap(),
        "문제가 있습니다"
    );
    assert_eq!(
        page.attr("input#email", "value").as_deref(),
        Some("not-an-address")
    );
    assert_eq!(
        page.attr("select#country option[selected]", "value")
            .as_deref(),
        Some("KR")
    );
    assert_eq!(
        page.text_of("textarea#comment").unwrap(),
        "꿀벌이 사라지면 안 됩니다"
    );
    // The switcher leads back to the petition, not to the form's address.
    assert_eq!(
        page.attr("nav.languages a[lang=en]", "href").as_deref(),
        Some(format!("/petitions/{slug}?lang=en").as_str())
    );

    // The same mistake in English reads in English; the JSON API too.
    let response = sign_as(&app, &browser("en"), &slug, &fields).await;
    let page = Page::from(response).await;
    assert_eq!(page.text_of("#name-error").unwrap(), "Enter your name");
    let korean_api = browser("ko")
        .post(app.url(&format!("/api/v1/petitions/{slug}/signatures")))
        .json(&serde_json::json!({"name": "", "email": "x@example.com", "country": "DE"}))
        .send()
        .await
        .unwrap();
    assert_eq!(korean_api.status(), 422);
    let body: serde_json::Value = korean_api.json().await.unwrap();
    assert_eq!(body["error"]["fields"]["name"], "Enter your name");
}

async fn organizer_pages_and_their_errors_are_in_korean(app: TestApp) {
    app.create_organizer("olga@example.org").await;
    let korean = browser("ko");
    let login = get(&app, &korean, "/login").await;
    assert_eq!(html_lang(&login), "ko");
    assert_eq!(login.text_of("h1").unwrap(), "로그인");
    let token = login.csrf_token();
    let wrong = korean
        .post(app.url("/login"))
        .form(&[
            ("email", "olga@example.org"),
            ("password", "not the password at all"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let wrong = Page::from(wrong).await;
    assert!(
        wrong
            .body
            .contains("이메일 주소 또는 비밀번호가 올바르지 않습니다."),
        "{}",
        wrong.body
    );

    let token = wrong.csrf_token();
    let ok = korean
        .post(app.url("/login"))
        .form(&[
            ("email", "olga@example.org"),
            ("password", PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 303);
    let dashboard = get(&app, &korean, "/dashboard").await;
    assert_eq!(dashboard.text_of("h1").unwrap(), "내 청원");

    // A petition form with mistakes explains them in Korean.
    let new = get(&app, &korean, "/dashboard/petitions/new").await;
    assert_eq!(new.text_of("h1").unwrap(), "청원 시작하기");
    let response = korean
        .post(app.url("/dashboard/petitions/new"))
        .form(&[
            ("title", ""),
            ("summary", "요약"),
            ("body", "본문"),
            ("targets", "국회"),
            ("goal", "많이"),
            ("closes_on", ""),
            ("csrf_token", &new.csrf_token()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let page = Page::from(response).await;
    assert!(page.body.contains("제목을 입력하세요"), "{}", page.body);
    assert!(page.body.contains("서명 목표는 1부터"), "{}", page.body);
}

async fn password_reset_email_speaks_the_accounts_language(app: TestApp) {
    app.create_organizer("olga@example.org").await;
    // Logging in from a Korean browser records the account's language.
    let korean = browser("ko");
    let token = get(&app, &korean, "/login").await.csrf_token();
    let ok = korean
        .post(app.url("/login"))
        .form(&[
            ("email", "olga@example.org"),
            ("password", PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 303);

    // Whoever asks for the reset, and in whatever language, the owner
    // reads it in theirs.
    let english = browser("en");
    let page = get(&app, &english, "/password/forgot").await;
    let response = english
        .post(app.url("/password/forgot"))
        .form(&[
            ("email", "olga@example.org"),
            ("csrf_token", &page.csrf_token()),
        ])
        .send()
        .await
        .unwrap();
    let answer = Page::from(response).await;
    assert_eq!(answer.text_of("h1").unwrap(), "Check your inbox");
    let mail = &app.mail.wait_for("olga@example.org", 1).await[0];
    assert_eq!(mail.subject, "undersigned 새 비밀번호 정하기");
    assert!(mail.html.contains("새 비밀번호 정하기"), "{}", mail.html);

    // A new account gets its verification email in the sign-up's language.
    let page = get(&app, &korean, "/signup?lang=ko").await;
    let response = korean
        .post(app.url("/signup"))
        .form(&[
            ("name", "김민준"),
            ("email", "minjun@example.org"),
            ("password", "꿀벌 지키기 위한 긴 비밀번호 문장"),
            ("csrf_token", &page.csrf_token()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let verify = &app.mail.wait_for("minjun@example.org", 1).await[0];
    assert_eq!(verify.subject, "이메일 주소를 확인하고 청원을 시작하세요");
}

async fn error_pages_and_the_widget_follow_the_language(app: TestApp) {
    let korean = browser("ko");
    let response = korean
        .get(app.url("/petitions/no-such-petition"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let page = Page::from(response).await;
    assert_eq!(html_lang(&page), "ko");
    assert_eq!(page.text_of("h1").unwrap(), "페이지를 찾을 수 없습니다");
    let english = get(&app, &browser("en"), "/petitions/no-such-petition").await;
    assert_eq!(english.text_of("h1").unwrap(), "Page not found");

    let slug = app.petition("Save the bees").await;
    // A widget in a third-party frame gets no cookies; ?lang= and
    // Accept-Language still work, and its form keeps the language.
    let widget = get(
        &app,
        &reqwest::Client::new(),
        &format!("/petitions/{slug}/embed?lang=ko"),
    )
    .await;
    assert_eq!(html_lang(&widget), "ko");
    assert_eq!(
        widget.attr("form", "action"),
        Some(format!("/petitions/{slug}/embed?lang=ko"))
    );
    let widget = get(&app, &korean, &format!("/petitions/{slug}/embed")).await;
    assert_eq!(html_lang(&widget), "ko");
    assert_eq!(
        widget.text_of("form button[type=submit]").unwrap().trim(),
        "서명하기"
    );

    // A Korean page offers Korean snippets, and the badge speaks Korean
    // when its address asks.
    let page = get(&app, &korean, &format!("/petitions/{slug}")).await;
    let snippet = page.text_of("#embed-script").unwrap();
    assert!(snippet.contains("data-lang=\"ko\""), "{snippet}");
    let badge = page.text_of("#embed-badge").unwrap();
    assert!(badge.contains("/badge.svg?lang=ko"), "{badge}");
    let svg = get(
        &app,
        &korean,
        &format!("/petitions/{slug}/badge.svg?lang=ko"),
    )
    .await;
    assert!(svg.body.contains("서명 0명 / 목표 1,000명"), "{}", svg.body);
    let svg = get(&app, &korean, &format!("/petitions/{slug}/badge.svg")).await;
    assert!(svg.body.contains("0 of 1,000 signatures"), "{}", svg.body);
}

/// The Korean petition `KOREAN_TITLE`, with `goal`, by the organizer
/// logged in on `app`; returns its slug.
async fn korean_petition(app: &TestApp, goal: &str) -> String {
    let token = app.get("/dashboard/petitions/new").await.csrf_token();
    let response = app
        .post_form(
            "/dashboard/petitions/new",
            &[
                ("title", KOREAN_TITLE),
                ("summary", "꽃가루받이 곤충을 보호해야 합니다."),
                ("body", "우리가 먹는 음식의 **3분의 1**은 꿀벌 덕분입니다."),
                ("targets", "국회"),
                ("goal", goal),
                ("closes_on", ""),
                ("language", "ko"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let path = response.headers()["location"].to_str().unwrap().to_owned();
    path.trim_start_matches("/petitions/").to_owned()
}

const KOREAN_TITLE: &str = "꿀벌을 지켜 주세요";

async fn a_petitions_own_language_marks_its_text_on_any_page(app: TestApp) {
    app.petition("Save the bees").await;
    let ko = korean_petition(&app, "1000").await;
    let path = format!("/petitions/{ko}");

    // An English page around a Korean petition.
    let page = get(&app, &browser("en"), &path).await;
    assert_eq!(html_lang(&page), "en");
    assert_eq!(page.attr("h1", "lang").as_deref(), Some("ko"));
    assert_eq!(page.attr("p.summary", "lang").as_deref(), Some("ko"));
    assert_eq!(page.attr("section.body", "lang").as_deref(), Some("ko"));
    assert_eq!(
        page.attr("meta[property='og:locale']", "content")
            .as_deref(),
        Some("ko_KR")
    );
    let home = get(&app, &browser("en"), "/").await;
    assert_eq!(
        home.text_of(".cards h3 a[lang=ko]").as_deref(),
        Some(KOREAN_TITLE)
    );
    assert_eq!(
        home.text_of(".cards h3 a[lang=en]").as_deref(),
        Some("Save the bees")
    );

    // The organizer's English pages: the title in headings, links and
    // what only screen readers hear.
    let marked = |page: &Page, selector: &str| {
        assert_eq!(
            page.text_of(&format!("{selector} [lang=ko]")).as_deref(),
            Some(KOREAN_TITLE),
            "{selector}: {}",
            page.body
        );
    };
    let dashboard = app.get("/dashboard").await;
    marked(&dashboard, &format!("a[href='/dashboard/petitions/{ko}']"));
    marked(
        &dashboard,
        &format!("a[href='/dashboard/petitions/{ko}/updates']"),
    );
    let statistics = app.get(&format!("/dashboard/petitions/{ko}")).await;
    assert_eq!(
        statistics.text_of("h1").as_deref(),
        Some("Statistics: 꿀벌을 지켜 주세요")
    );
    marked(&statistics, "h1");
    let updates = app.get(&format!("/dashboard/petitions/{ko}/updates")).await;
    assert_eq!(updates.attr(".lede a", "lang").as_deref(), Some("ko"));

    // Its words are typed and previewed in its language.
    let edit_path = format!("/dashboard/petitions/{ko}/edit");
    let edit = app.get(&edit_path).await;
    for field in ["#title", "#summary", "#body"] {
        assert_eq!(edit.attr(field, "lang").as_deref(), Some("ko"), "{field}");
    }
    let preview = app
        .post_form(
            &edit_path,
            &[
                ("title", KOREAN_TITLE),
                ("summary", "꽃가루받이 곤충을 보호해야 합니다."),
                ("body", "꿀벌 **덕분입니다**."),
                ("targets", "국회"),
                ("goal", "1000"),
                ("closes_on", ""),
                ("language", "ko"),
                ("preview", "1"),
                ("csrf_token", &edit.csrf_token()),
            ],
        )
        .await;
    assert_eq!(preview.status(), 200);
    let preview = Page::from(preview).await;
    assert_eq!(
        preview.attr(".preview .petition-body", "lang").as_deref(),
        Some("ko")
    );
    assert_eq!(preview.attr("#body", "lang").as_deref(), Some("ko"));
    // A new petition's language is not chosen until it is published.
    let new = app.get("/dashboard/petitions/new").await;
    assert_eq!(new.attr("#title", "lang"), None);

    // An admin's list, and a hide sent back for its reason.
    app.create_admin("admin@example.org").await;
    assert_eq!(app.login("admin@example.org", PASSWORD).await.status(), 303);
    let admin = app.get("/admin").await;
    let hide = format!("form[action='/admin/petitions/{ko}/hide']");
    marked(&admin, &format!("{hide} label"));
    marked(&admin, &format!("{hide} button"));
    marked(
        &admin,
        &format!("form[action='/dashboard/petitions/{ko}/close'] button"),
    );
    marked(&admin, &format!("a[href='/admin/petitions/{ko}/abuse']"));
    let hide_path = format!("/admin/petitions/{ko}/hide");
    let refused = app
        .post_form(
            &hide_path,
            &[("reason", ""), ("csrf_token", &admin.csrf_token())],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let refused = Page::from(refused).await;
    marked(&refused, "#hide-heading");
    let hidden = app
        .post_form(
            &hide_path,
            &[("reason", "Spam"), ("csrf_token", &refused.csrf_token())],
        )
        .await;
    assert_eq!(hidden.status(), 303);
    let admin = app.get("/admin").await;
    marked(
        &admin,
        &format!("form[action='/admin/petitions/{ko}/unhide'] button"),
    );

    // And a Korean page around an English one.
    let slug = app.petition("Protect the wetlands").await;
    let page = get(&app, &browser("ko"), &format!("/petitions/{slug}")).await;
    assert_eq!(html_lang(&page), "ko");
    assert_eq!(page.attr("h1", "lang").as_deref(), Some("en"));
    assert_eq!(
        page.attr("meta[property='og:locale']", "content")
            .as_deref(),
        Some("en_US")
    );
    let edit = app.get(&format!("/dashboard/petitions/{slug}/edit")).await;
    assert_eq!(edit.attr("#title", "lang").as_deref(), Some("en"));
}

async fn a_petitions_own_language_marks_its_title_in_emails_and_on_unsubscribing(app: TestApp) {
    // The organizer is told in English when the Korean petition reaches
    // its goal of one.
    app.create_organizer("olga@example.org").await;
    assert_eq!(app.login("olga@example.org", PASSWORD).await.status(), 303);
    let ko = korean_petition(&app, "1").await;
    let marked = format!(" lang=\"ko\">{KOREAN_TITLE}</a>");

    // An English signer's emails name it in Korean.
    let signer = browser("en");
    let mut fields = signature("ana@example.com");
    fields.insert("updates", "on".into());
    assert_eq!(sign_as(&app, &signer, &ko, &fields).await.status(), 303);
    let confirmation = &app.mail.wait_for("ana@example.com", 1).await[0];
    assert!(confirmation.html.contains("<html lang=\"en\">"));
    assert!(confirmation.html.contains(&marked), "{}", confirmation.html);
    let link = confirmation.link_containing("/signatures/confirm/");
    assert_eq!(app.confirm(&link).await.status, 200);

    let goal = &app.mail.wait_for("olga@example.org", 1).await[0];
    assert!(
        goal.subject.contains("reached its goal"),
        "{}",
        goal.subject
    );
    assert!(goal.html.contains(&marked), "{}", goal.html);

    assert_eq!(sign_as(&app, &signer, &ko, &fields).await.status(), 303);
    let again = &app.mail.wait_for("ana@example.com", 2).await[1];
    assert!(again.subject.starts_with("You have already signed"));
    assert!(again.html.contains(&marked), "{}", again.html);

    let path = format!("/dashboard/petitions/{ko}/updates");
    let token = app.get(&path).await.csrf_token();
    let posted = app
        .post_form(
            &path,
            &[
                ("subject", "월요일에 장관을 만납니다"),
                ("body", "고맙습니다."),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(posted.status(), 303);
    let update = &app.mail.wait_for("ana@example.com", 3).await[2];
    assert!(update.html.contains(&marked), "{}", update.html);

    // The pages its unsubscribe link leads to.
    let unsubscribe = update.link_containing("/signatures/unsubscribe/");
    let path = unsubscribe.strip_prefix(&app.address).unwrap().to_owned();
    let page = get(&app, &signer, &path).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.text_of("main p a[lang=ko]").as_deref(),
        Some(KOREAN_TITLE),
        "{}",
        page.body
    );
    let done = signer
        .post(app.url(&path))
        .form(&[("csrf_token", page.csrf_token())])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    let done = Page::from(done).await;
    assert_eq!(
        done.text_of("main p a[lang=ko]").as_deref(),
        Some(KOREAN_TITLE),
        "{}",
        done.body
    );
}

async fn words_outside_pages_follow_the_readers_language(app: TestApp) {
    let korean = browser("ko");
    let english = browser("en");

    // A file that is not there.
    let missing = korean
        .get(app.url("/static/no-such-file.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let vary = missing.headers()[VARY].to_str().unwrap().to_owned();
    assert!(vary.contains("Accept-Language"), "{vary}");
    assert_eq!(missing.text().await.unwrap(), "그런 파일이 없습니다.");
    let missing = english
        .get(app.url("/static/no-such-file.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.text().await.unwrap(), "There is no such file.");

    // oEmbed in a format it does not speak.
    let slug = app.petition("Save the bees").await;
    let url = format!("{}/petitions/{slug}", app.address);
    let query = [("url", url.as_str()), ("format", "xml")];
    let xml = korean
        .get(app.url("/oembed"))
        .query(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(xml.status(), 501);
    assert_eq!(xml.text().await.unwrap(), "format=json만 지원합니다.");
    let xml = english
        .get(app.url("/oembed"))
        .query(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(xml.text().await.unwrap(), "Only format=json is supported.");

    // embed.js names its frame from the catalogues, in every language.
    let script = english.get(app.url("/embed.js")).send().await.unwrap();
    let script = script.text().await.unwrap();
    assert!(
        script.contains(r#"var titles = {"en":"Petition","ko":"청원"};"#),
        "{script}"
    );

    // A malformed address or form: Korean pages say so in Korean, without
    // the parser's English; English pages keep its detail.
    let page = get(&app, &korean, "/?q=bees&q=honey").await;
    assert_eq!(page.status, 400);
    assert_eq!(html_lang(&page), "ko");
    let text = page.text_of("main").unwrap();
    assert!(
        text.contains("주소의 쿼리 형식이 잘못되었습니다."),
        "{text}"
    );
    assert!(!text.contains("duplicate field"), "{text}");
    let page = get(&app, &english, "/?q=bees&q=honey").await;
    assert_eq!(page.status, 400);
    let text = page.text_of("main").unwrap();
    assert!(
        text.contains("The address has a malformed query: ") && text.contains("duplicate field"),
        "{text}"
    );
    for (client, expected, english_detail) in [
        (&korean, "양식을 읽을 수 없습니다.", false),
        (&english, "The form could not be read: ", true),
    ] {
        let response = client
            .post(app.url("/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("email=a%40example.org&email=b%40example.org&password=x")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let text = Page::from(response).await.text_of("main").unwrap();
        assert!(text.contains(expected), "{text}");
        assert_eq!(text.contains("duplicate field"), english_detail, "{text}");
    }
}

async fn csv_headings_follow_the_organizers_language(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let path = format!("/dashboard/petitions/{slug}/signatures.csv");
    let first_line = |body: String| body.lines().next().unwrap_or_default().to_owned();

    let english = app.get(&path).await;
    assert_eq!(english.status, 200);
    assert_eq!(
        first_line(english.body),
        "name,email,country,postcode,comment,source,confirmed_at"
    );

    // The organizer switches the dashboard to Korean; the download follows.
    assert_eq!(html_lang(&app.get("/dashboard?lang=ko").await), "ko");
    let korean = app.get(&path).await;
    assert_eq!(korean.status, 200);
    assert_eq!(
        first_line(korean.body),
        "이름,이메일,국가,우편번호,서명 이유,유입 경로,확인 시각(UTC)"
    );
    // And back.
    let english = app.get(&format!("{path}?lang=en")).await;
    assert!(english.body.starts_with("name,email,"), "{}", english.body);
}

async fn refused_bodies_are_explained_in_the_readers_language(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let path = format!("/petitions/{slug}/signatures");
    // A language chosen with ?lang= and remembered in the cookie, though
    // the browser asks for English.
    let client = browser("en");
    assert_eq!(html_lang(&get(&app, &client, "/?lang=ko").await), "ko");
    let mut form = signature("big@example.com");
    form.insert("comment", "x".repeat(400 * 1024));
    let response = client
        .post(app.url(&path))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let vary = response.headers()[VARY].to_str().unwrap().to_owned();
    assert!(vary.contains("Accept-Language"), "{vary}");
    let page = Page::from(response).await;
    assert_eq!(html_lang(&page), "ko");
    assert_eq!(page.text_of("h1").unwrap(), "문제가 있습니다");
    assert!(
        page.body.contains("보낸 내용이 너무 큽니다."),
        "{}",
        page.body
    );

    // Accept-Language alone, and bytes that are not UTF-8.
    let response = browser("ko-KR,ko;q=0.9")
        .post(app.url(&path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=Ana%FF%FE&email=ana%40example.com&country=DE")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let page = Page::from(response).await;
    assert_eq!(html_lang(&page), "ko");
    assert!(
        page.body.contains("올바른 텍스트(UTF-8)가 아닌 바이트"),
        "{}",
        page.body
    );

    // And ?lang= on the address of the post itself.
    let response = browser("en")
        .post(app.url(&format!("{path}?lang=ko")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(html_lang(&Page::from(response).await), "ko");

    // English stays the default.
    let response = browser("en")
        .post(app.url(&path))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let page = Page::from(response).await;
    assert_eq!(html_lang(&page), "en");
    assert!(
        page.body.contains("What you sent is too large."),
        "{}",
        page.body
    );
    assert_eq!(app.db.count("signatures", "1 = 1"), 0);
}

async fn weak_password_advice_is_specific_in_korean(app: TestApp) {
    let advice = |language: &'static str| {
        let app = &app;
        async move {
            let client = browser(language);
            let token = get(app, &client, "/signup").await.csrf_token();
            let response = client
                .post(app.url("/signup"))
                .form(&[
                    ("name", "Weak Wanda"),
                    ("email", "wanda@example.org"),
                    ("password", "password1234"),
                    ("csrf_token", &token),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 422);
            let page = Page::from(response).await;
            page.text_of("#password-hint ~ .field-error")
                .expect("the password's error")
        }
    };
    assert_eq!(
        advice("ko").await,
        "추측하기 더 어려운 비밀번호를 정하세요. 아주 흔한 비밀번호입니다. \
         단어를 한두 개 더 넣으세요. 잘 쓰지 않는 단어일수록 좋습니다."
    );
    assert_eq!(
        advice("en").await,
        "Choose a password that is harder to guess. This is a very common password. \
         Add another word or two. Uncommon words are better."
    );
    assert!(app.mail.all().is_empty());
}

async fn the_oembed_frame_follows_the_requests_language(app: TestApp) {
    let slug = app.petition("Save the bees").await;
    let url = format!("{}/petitions/{slug}", app.address);
    let oembed = |client: reqwest::Client, lang: Option<&'static str>| {
        let app = &app;
        let url = url.clone();
        async move {
            let mut query = vec![("url", url), ("format", "json".to_owned())];
            if let Some(lang) = lang {
                query.push(("lang", lang.to_owned()));
            }
            let response = client
                .get(app.url("/oembed"))
                .query(&query)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            let vary = response.headers()[VARY].to_str().unwrap().to_owned();
            assert!(vary.contains("Accept-Language"), "{vary}");
            let json: serde_json::Value = response.json().await.unwrap();
            json["html"].as_str().unwrap().to_owned()
        }
    };
    let widget = format!("{}/petitions/{slug}/embed", app.address);

    let korean = oembed(browser("ko"), None).await;
    assert!(korean.contains("title=\"청원: Save the bees\""), "{korean}");
    // The widget in the frame speaks the same language as its title.
    assert!(
        korean.contains(&format!("src=\"{widget}?lang=ko\"")),
        "{korean}"
    );
    let asked = oembed(browser("en"), Some("ko")).await;
    assert!(asked.contains("title=\"청원: Save the bees\""), "{asked}");

    let english = oembed(reqwest::Client::new(), None).await;
    assert!(
        english.contains("title=\"Petition: Save the bees\""),
        "{english}"
    );
    assert!(english.contains(&format!("src=\"{widget}\"")), "{english}");
}
