//! A request's language: `?lang=` (remembered in the `lang` cookie), else
//! that cookie, else `Accept-Language`, else English.
//!
//! [`negotiate`] is a middleware: it decides the language once, sets the
//! cookie when `?lang=` asks, marks pages `Vary: Accept-Language, Cookie`,
//! and puts error pages into the request's language. Handlers take the
//! result as a [`Locale`] or, to render a page, as a [`Ui`].

use std::future::{ready, Ready};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};

use crate::error::AppError;
use crate::i18n::ui::from_accept_language;
use crate::i18n::{Locale, Ui};
use crate::state::AppState;

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

/// The reader's [`Ui`] for `req`, decided as [`negotiate`] decides it, also
/// where that middleware has not run (yet).
pub fn ui_of(req: &HttpRequest) -> Ui {
    let locale = negotiated(req).locale;
    // A page answering a form post is not at an address one can fetch
    // with its query; the switcher then leads to the bare path.
    let query = if req.method() == actix_web::http::Method::GET {
        req.query_string()
    } else {
        ""
    };
    Ui::new(locale, req.path(), query).with_header_locale(header_locale(req))
}

impl FromRequest for Ui {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(ui_of(req)))
    }
}

/// The middleware; see the module's description.
pub async fn negotiate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let decided = decide(req.request());
    req.extensions_mut().insert(decided);
    // Whether cookies are Secure is asked only when one is set: it parses
    // the public URL.
    let state = req.app_data::<actix_web::web::Data<AppState>>().cloned();
    let mut res = next.call(req).await?.map_into_boxed_body();

    if is_html(res.headers()) {
        // Error pages are rendered where the request is not known, in
        // English; say them again in the reader's language.
        let page = res
            .response()
            .error()
            .and_then(|e| e.as_error::<AppError>())
            .map(|err| err.render_page(&ui_of(res.request())));
        if let Some(page) = page {
            res = res.map_body(|_, _| BoxBody::new(page));
        }
        add_vary(res.headers_mut());
    }
    if decided.chosen {
        let secure = state.is_some_and(|s| s.settings.secure_cookies());
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
        res = res.set_body(BoxBody::new(err.render_page(&ui_of(req))));
        add_vary(res.headers_mut());
    }
    res
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// Adds `Accept-Language, Cookie` to `Vary`, keeping what is there.
pub(crate) fn add_vary(headers: &mut HeaderMap) {
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
    fn vary_is_merged() {
        let mut headers = HeaderMap::new();
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        add_vary(&mut headers);
        assert_eq!(
            headers.get(header::VARY).unwrap(),
            "Accept-Encoding, Accept-Language, Cookie"
        );
    }
}
