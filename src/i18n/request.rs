//! A request's language: `?lang=` (remembered in the `lang` cookie), else
//! that cookie, else `Accept-Language`, else English.
//!
//! [`negotiate`] is a middleware: it decides the language once, sets the
//! cookie when `?lang=` asks, marks pages `Vary: Accept-Language, Cookie`,
//! and puts error pages into the request's language. Handlers take the
//! result as a [`Locale`] or, to render a page, as a [`Ui`].

use std::future::{ready, Ready};
use std::ops::Deref;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};

use super::Locale;
use crate::error::AppError;

/// The cookie that remembers a chosen language.
pub const COOKIE: &str = "lang";
const COOKIE_MAX_AGE_DAYS: i64 = 365;

/// What [`negotiate`] decided, kept in the request's extensions.
#[derive(Debug, Clone, Copy)]
struct Negotiated {
    locale: Locale,
    /// `?lang=` chose it: remember it.
    chosen: bool,
}

fn decide(req: &HttpRequest) -> Negotiated {
    if let Some(locale) = query_lang(req.query_string()) {
        return Negotiated {
            locale,
            chosen: true,
        };
    }
    let locale = req
        .cookie(COOKIE)
        .and_then(|c| Locale::parse(c.value()))
        .unwrap_or_else(|| header_locale(req));
    Negotiated {
        locale,
        chosen: false,
    }
}

/// The language `Accept-Language` asks for, or English.
fn header_locale(req: &HttpRequest) -> Locale {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(from_accept_language)
        .unwrap_or_default()
}

fn query_lang(query: &str) -> Option<Locale> {
    url::form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k == "lang")
        .find_map(|(_, v)| Locale::parse(&v))
}

/// The most wanted of our languages in an `Accept-Language` header,
/// honouring quality values; `q=0` means "not this one".
pub fn from_accept_language(header: &str) -> Option<Locale> {
    // Browsers send a handful; anything longer is not a person's choice.
    if header.len() > 512 {
        return None;
    }
    accept_language::parse_with_quality(header)
        .into_iter()
        .filter(|(_, q)| *q > 0.0)
        .find_map(|(tag, _)| Locale::parse(&tag))
}

fn negotiated(req: &HttpRequest) -> Negotiated {
    // The extensions must not stay borrowed while deciding: reading the
    // cookie stores the parsed cookies there.
    let known = req.extensions().get::<Negotiated>().copied();
    known.unwrap_or_else(|| decide(req))
}

impl FromRequest for Locale {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(negotiated(req).locale))
    }
}

/// What every page needs to speak the reader's language: the [`Locale`]
/// (templates call `l.t("id")` through it) and where the language
/// switcher's links lead.
#[derive(Debug, Clone)]
pub struct Ui {
    locale: Locale,
    /// What `Accept-Language` alone would give.
    by_header: Locale,
    /// The path the switcher links to, with the query to keep.
    path: String,
    query: String,
}

impl Default for Ui {
    fn default() -> Self {
        Self::new(Locale::En, "/", "")
    }
}

impl Deref for Ui {
    type Target = Locale;

    fn deref(&self) -> &Locale {
        &self.locale
    }
}

/// One link of the language switcher.
pub struct Switch {
    pub href: String,
    pub code: &'static str,
    pub label: &'static str,
    pub current: bool,
}

impl Ui {
    pub fn new(locale: Locale, path: &str, query: &str) -> Self {
        Self {
            locale,
            by_header: locale,
            path: path.to_owned(),
            query: query.to_owned(),
        }
    }

    /// The reader's language for `req`, decided as [`negotiate`] decides
    /// it, also where that middleware has not run (yet).
    pub fn of(req: &HttpRequest) -> Self {
        let locale = negotiated(req).locale;
        // A page answering a form post is not at an address one can fetch
        // with its query; the switcher then leads to the bare path.
        let query = if req.method() == actix_web::http::Method::GET {
            req.query_string()
        } else {
            ""
        };
        Self {
            by_header: header_locale(req),
            ..Self::new(locale, req.path(), query)
        }
    }

    /// `Some(code)` when the language was chosen (`?lang=` or the cookie)
    /// rather than asked for by the browser: addresses that must keep it
    /// without cookies, like the widget's in a third-party frame, then
    /// carry `?lang=`.
    pub fn chosen_code(&self) -> Option<&'static str> {
        (self.locale != self.by_header).then(|| self.locale.code())
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// The same, with the switcher leading to `path` instead.
    pub fn at(mut self, path: &str) -> Self {
        self.path = path.to_owned();
        self.query.clear();
        self
    }

    /// The language switcher: this page in each language.
    pub fn switcher(&self) -> Vec<Switch> {
        Locale::ALL
            .into_iter()
            .map(|to| Switch {
                href: self.href_in(to),
                code: to.code(),
                label: to.native_name(),
                current: to == self.locale,
            })
            .collect()
    }

    fn href_in(&self, to: Locale) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in url::form_urlencoded::parse(self.query.as_bytes()) {
            if k != "lang" {
                query.append_pair(&k, &v);
            }
        }
        query.append_pair("lang", to.code());
        format!("{}?{}", self.path, query.finish())
    }
}

impl FromRequest for Ui {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self::of(req)))
    }
}

/// The middleware; see the module's description.
pub async fn negotiate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let decided = decide(req.request());
    req.extensions_mut().insert(decided);
    let secure = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .is_some_and(|s| s.settings.secure_cookies());
    let mut res = next.call(req).await?.map_into_boxed_body();

    if is_html(res.headers()) {
        // Error pages are rendered where the request is not known, in
        // English; say them again in the reader's language.
        let page = res
            .response()
            .error()
            .and_then(|e| e.as_error::<AppError>())
            .map(|err| err.render_page(&Ui::of(res.request())));
        if let Some(page) = page {
            res = res.map_body(|_, _| BoxBody::new(page));
        }
        add_vary(res.headers_mut());
    }
    if decided.chosen {
        let cookie = Cookie::build(COOKIE, decided.locale.code())
            .path("/")
            .same_site(SameSite::Lax)
            .secure(secure)
            .max_age(CookieDuration::days(COOKIE_MAX_AGE_DAYS))
            .finish();
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            res.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    Ok(res)
}

/// `err` as a response whose page is in the language of `req`, for
/// middleware that answers before [`negotiate`] runs.
pub fn error_response(req: &HttpRequest, err: &AppError) -> HttpResponse {
    let mut res = err.error_response();
    if is_html(res.headers()) {
        res = res.set_body(BoxBody::new(err.render_page(&Ui::of(req))));
        add_vary(res.headers_mut());
    }
    res
}

fn is_html(headers: &actix_web::http::header::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// Adds `Accept-Language, Cookie` to `Vary`, keeping what is there.
pub(crate) fn add_vary(headers: &mut actix_web::http::header::HeaderMap) {
    let mut names: Vec<String> = headers
        .get_all(header::VARY)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect();
    if names.iter().any(|n| n == "*") {
        return;
    }
    for add in ["Accept-Language", "Cookie"] {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(add)) {
            names.push(add.to_owned());
        }
    }
    if let Ok(value) = HeaderValue::from_str(&names.join(", ")) {
        headers.insert(header::VARY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_honours_quality() {
        assert_eq!(
            from_accept_language("ko-KR,ko;q=0.9,en;q=0.8"),
            Some(Locale::Ko)
        );
        assert_eq!(from_accept_language("en;q=0.5, ko"), Some(Locale::Ko));
        assert_eq!(
            from_accept_language("de, ko;q=0.3, en;q=0.2"),
            Some(Locale::Ko)
        );
        assert_eq!(from_accept_language("ko;q=0, en;q=0.1"), Some(Locale::En));
        assert_eq!(from_accept_language("de-DE, fr"), None);
        assert_eq!(from_accept_language(""), None);
        assert_eq!(from_accept_language("*"), None);
    }

    #[test]
    fn the_switcher_keeps_the_query_but_lang() {
        let ui = Ui::new(Locale::Ko, "/", "q=bees&lang=ko");
        let links = ui.switcher();
        assert_eq!(links[0].href, "/?q=bees&lang=en");
        assert!(!links[0].current);
        assert_eq!(links[1].href, "/?q=bees&lang=ko");
        assert!(links[1].current);
        assert_eq!(
            ui.at("/petitions/x").switcher()[0].href,
            "/petitions/x?lang=en"
        );
    }

    #[test]
    fn vary_is_merged() {
        let mut headers = actix_web::http::header::HeaderMap::new();
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        add_vary(&mut headers);
        assert_eq!(
            headers.get(header::VARY).unwrap(),
            "Accept-Encoding, Accept-Language, Cookie"
        );
    }
}
