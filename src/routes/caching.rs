//! What caches may do with each answer, decided in one place.
//!
//! [`rules`] runs just inside `Compress`, so it sees every body before it
//! is compressed. For each response it
//!
//! - names `Accept-Encoding` in `Vary` when the body's encoding is
//!   negotiated ([`vary::negotiable`]), so that the plain body, the
//!   compressed one and a 304 all say the same;
//! - makes the `ETag` of such a body weak (`W/"…"`): the plain, gzip and
//!   brotli bodies are the same content, not the same bytes, and only a
//!   weak tag may be shared between them (RFC 9110 §8.8.3);
//! - answers a GET or HEAD whose `If-None-Match` names that tag, weak or
//!   strong (the weak comparison of RFC 9110 §13.1.2), with 304 and the
//!   headers the 200 would have had, body metadata aside;
//! - sets `Cache-Control` by route class:
//!
//! | class | `Cache-Control` |
//! |---|---|
//! | personal: `/dashboard…`, `/admin…`, links carrying a token, the API's signature list, any request with `Authorization`, any method but GET and HEAD, any error | `no-store` |
//! | `/health`, `/metrics` | `no-store` |
//! | pages (they carry CSRF tokens and live counts) | `private, no-cache` |
//! | static files under content-hashed names | `public, max-age=31536000, immutable` |
//! | static files under plain names, `/embed.js`, `/oembed`, `openapi.json`, the sitemap | `public, max-age=3600` |
//! | `/favicon.ico`, `/robots.txt` | `public, max-age=86400` |
//! | the badge | `public, max-age=10` |
//! | the share card | `public, max-age=600` |
//! | the API's petitions and petition | `public, max-age=5` |
//! | the API's count | `public, max-age=1` |
//! | the live stream | `no-cache` |
//! | anything else | its handler's own, or `no-cache` |
//!
//! Handlers only make the body and its `ETag`; conditional requests and
//! these headers are answered here.

use actix_web::body::{BodySize, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest, HttpResponse};

use super::{assets, vary};

const NO_STORE: &str = "no-store";
const NO_CACHE: &str = "no-cache";
/// Pages: a browser may keep one but asks again before showing it, and no
/// shared cache hands one person's page (its CSRF token, its count of the
/// moment) to another.
const PAGE: &str = "private, no-cache";
const HOUR: &str = "public, max-age=3600";
const DAY: &str = "public, max-age=86400";

/// What a route's class says, before the status and the request's
/// credentials are considered.
enum Class<'a> {
    Fixed(&'static str),
    /// A static file, by the name it was asked for.
    Asset(&'a str),
    /// Pages by default; other answers keep their handler's, if any.
    Other,
}

/// Segments the route classes look at, at most.
const MAX_SEGMENTS: usize = 6;

/// The route classes, by path. Paths are compared segment by segment,
/// which costs less than looking up the route pattern again, and the
/// segments are held on the stack: this runs for every response.
fn class(path: &str) -> Class<'_> {
    let mut held = [""; MAX_SEGMENTS];
    let mut count = 0;
    for segment in path.split('/').skip(1) {
        if count == MAX_SEGMENTS {
            // Longer than any fixed route: only the open-ended classes
            // below can match, by their first segment.
            return match held[0] {
                "dashboard" | "admin" | "deliveries" => Class::Fixed(NO_STORE),
                _ => Class::Other,
            };
        }
        held[count] = segment;
        count += 1;
    }
    match &held[..count] {
        ["dashboard", ..] | ["admin", ..] => Class::Fixed(NO_STORE),
        // Links from emails: the token in the address is a secret, and the
        // page shows what it unlocks.
        ["signatures", _, _]
        | ["signup", "confirm", _]
        | ["password", "reset", _]
        | ["deliveries", ..] => Class::Fixed(NO_STORE),
        ["api", "v1", "petitions", _, "signatures"] => Class::Fixed(NO_STORE),
        ["health"] | ["metrics"] => Class::Fixed(NO_STORE),
        ["static", file] => Class::Asset(file),
        ["embed.js"] | ["oembed"] | ["sitemap.xml"] => Class::Fixed(HOUR),
        ["api", "v1", "openapi.json"] => Class::Fixed(HOUR),
        ["favicon.ico"] | ["robots.txt"] => Class::Fixed(DAY),
        ["petitions", _, "badge.svg"] => Class::Fixed("public, max-age=10"),
        ["petitions", _, "card.png"] => Class::Fixed("public, max-age=600"),
        ["petitions", _, "live"] => Class::Fixed(NO_CACHE),
        ["api", "v1", "petitions"] | ["api", "v1", "petitions", _] => {
            Class::Fixed("public, max-age=5")
        }
        ["api", "v1", "petitions", _, "count"] => Class::Fixed("public, max-age=1"),
        _ => Class::Other,
    }
}

/// The `Cache-Control` for a response; `None` keeps the handler's.
fn cache_control<B>(safe: bool, response: &ServiceResponse<B>) -> Option<&'static str> {
    let request = response.request();
    let status = response.status();
    if !safe
        || status.is_client_error()
        || status.is_server_error()
        || request.headers().contains_key(header::AUTHORIZATION)
    {
        return Some(NO_STORE);
    }
    match class(request.path()) {
        Class::Fixed(value) => Some(value),
        Class::Asset(file) => Some(assets::cache_control(file)),
        Class::Other if response.headers().contains_key(header::CACHE_CONTROL) => None,
        Class::Other if is_html(response.headers()) => Some(PAGE),
        Class::Other => Some(NO_CACHE),
    }
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// The middleware; see the module's description.
pub async fn rules<B: MessageBody + 'static>(
    request: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, Error> {
    // `head::as_get` turns a HEAD into a GET further in.
    let safe = matches!(*request.method(), Method::GET | Method::HEAD);
    let mut response = next.call(request).await?;
    let has_body = !matches!(
        response.response().body().size(),
        BodySize::None | BodySize::Sized(0)
    );
    if has_body && vary::negotiable(response.headers()) {
        vary::add(response.headers_mut(), &["Accept-Encoding"]);
        weaken_etag(response.headers_mut());
    }
    if let Some(value) = cache_control(safe, &response) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    if safe && response.status() == StatusCode::OK && fresh(response.request(), response.headers())
    {
        return Ok(not_modified(response).map_into_right_body());
    }
    Ok(response.map_into_left_body())
}

fn weaken_etag(headers: &mut HeaderMap) {
    let Some(etag) = headers.get(header::ETAG).and_then(|v| v.to_str().ok()) else {
        return;
    };
    if etag.starts_with("W/") {
        return;
    }
    if let Ok(weak) = HeaderValue::from_str(&format!("W/{etag}")) {
        headers.insert(header::ETAG, weak);
    }
}

/// An entity tag without its weakness, for the weak comparison.
fn opaque(tag: &str) -> &str {
    let tag = tag.trim();
    tag.strip_prefix("W/").unwrap_or(tag)
}

/// Whether the request's `If-None-Match` names the response's `ETag`.
fn fresh(request: &HttpRequest, headers: &HeaderMap) -> bool {
    let Some(etag) = headers.get(header::ETAG).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == "*" || opaque(tag) == opaque(etag))
}

/// The 304 for `response`: its headers (ETag, Cache-Control, Vary and the
/// rest), less those that describe the body it does not send.
fn not_modified<B>(response: ServiceResponse<B>) -> ServiceResponse {
    let mut answer = HttpResponse::NotModified();
    for (name, value) in response.headers() {
        let describes_body = [
            header::CONTENT_TYPE,
            header::CONTENT_LENGTH,
            header::CONTENT_ENCODING,
            header::CONTENT_LANGUAGE,
            header::CONTENT_RANGE,
            header::TRANSFER_ENCODING,
        ]
        .contains(name);
        if !describes_body {
            answer.append_header((name.clone(), value.clone()));
        }
    }
    response.into_response(answer.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn fixed(path: &str) -> Option<&'static str> {
        match class(path) {
            Class::Fixed(value) => Some(value),
            _ => None,
        }
    }

    #[test]
    fn personal_addresses_are_never_stored() {
        for path in [
            "/dashboard",
            "/dashboard/petitions/bees/edit",
            "/dashboard/petitions/bees/updates",
            "/admin",
            "/admin/petitions/bees/abuse",
            "/signatures/confirm/abc",
            "/signatures/withdraw/abc",
            "/signup/confirm/abc",
            "/password/reset/abc",
            "/api/v1/petitions/bees/signatures",
        ] {
            assert_eq!(fixed(path), Some(NO_STORE), "{path}");
        }
        assert_eq!(fixed("/dashboard/a/b/c/d/e/f/g"), Some(NO_STORE));
        assert_eq!(fixed("/deliveries/abc/x/y/z/w/v"), Some(NO_STORE));
        assert!(matches!(class("/health/a/b/c/d/e/f"), Class::Other));
        assert_eq!(
            fixed("/api/v1/petitions/bees/count"),
            Some("public, max-age=1")
        );
        assert!(matches!(class("/petitions/bees"), Class::Other));
        assert!(matches!(class("/dashboards"), Class::Other));
        assert!(matches!(
            class("/static/style.css"),
            Class::Asset("style.css")
        ));
    }

    #[test]
    fn tags_compare_weakly() {
        let request = |value: &'static str| {
            TestRequest::default()
                .insert_header((header::IF_NONE_MATCH, value))
                .to_http_request()
        };
        let mut headers = HeaderMap::new();
        headers.insert(header::ETAG, HeaderValue::from_static("W/\"abc\""));
        assert!(fresh(&request("\"abc\""), &headers));
        assert!(fresh(&request("W/\"abc\""), &headers));
        assert!(fresh(&request("\"x\", W/\"abc\""), &headers));
        assert!(fresh(&request("*"), &headers));
        assert!(!fresh(&request("\"abcd\""), &headers));
        assert!(!fresh(&TestRequest::default().to_http_request(), &headers));
        weaken_etag(&mut headers);
        assert_eq!(headers.get(header::ETAG).unwrap(), "W/\"abc\"");
        headers.insert(header::ETAG, HeaderValue::from_static("\"abc\""));
        weaken_etag(&mut headers);
        assert_eq!(headers.get(header::ETAG).unwrap(), "W/\"abc\"");
    }
}
