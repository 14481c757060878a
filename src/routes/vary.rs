//! One `Vary` header that names everything a response varies on.
//!
//! Which responses vary on `Accept-Encoding` is decided before `Compress`
//! runs, by [`negotiable`] (see `routes::caching`), so that the plain body
//! and a `304` say it as the compressed body does. `Compress` then adds
//! `vary: accept-encoding` to the bodies it compresses, as a second header
//! line; [`complete`] runs after it and merges every line into one.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::middleware::Next;
use actix_web::Error;

/// Whether `Compress` may encode a response with these headers, or its
/// handler chose an encoding by `Accept-Encoding` itself (and says so in
/// `Vary`, as static files do). This is `Compress`'s own rule: everything
/// but images other than SVG, and video. A response that fixes its own
/// encoding regardless of the request (the live stream says `identity`)
/// is left alone.
pub fn negotiable(headers: &HeaderMap) -> bool {
    if headers.contains_key(header::CONTENT_ENCODING) {
        return names(headers).any(|n| n.eq_ignore_ascii_case("Accept-Encoding"));
    }
    let Some(content_type) = headers.get(header::CONTENT_TYPE) else {
        return true;
    };
    let essence = content_type
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.split_once('/') {
        Some(("image", subtype)) => subtype == "svg+xml",
        Some(("video", _)) => false,
        _ => true,
    }
}

/// Every name in the `Vary` lines, in order.
fn names(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(header::VARY)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|n| !n.is_empty())
}

/// Adds `more` to `Vary`, keeping what is there, as one line without
/// repeats (names compare without case; `*` stands for everything).
pub fn add(headers: &mut HeaderMap, more: &[&str]) {
    let mut merged: Vec<String> = Vec::new();
    for name in names(headers).chain(more.iter().copied()) {
        if !merged.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            merged.push(name.to_owned());
        }
    }
    if merged.iter().any(|n| n == "*") {
        merged = vec!["*".to_owned()];
    }
    if merged.is_empty() {
        return;
    }
    if let Ok(value) = HeaderValue::from_str(&merged.join(", ")) {
        headers.insert(header::VARY, value);
    }
}

/// Merges the `Vary` lines of every response into one.
pub async fn complete(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut response = next.call(request).await?;
    if response.headers().get_all(header::VARY).nth(1).is_some() {
        add(response.headers_mut(), &[]);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name.clone(), HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn what_compress_takes_is_negotiable_and_the_stream_is_not() {
        for content_type in [
            "text/html; charset=utf-8",
            "application/json",
            "image/svg+xml",
            "text/css; charset=utf-8",
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        ] {
            assert!(
                negotiable(&headers(&[(header::CONTENT_TYPE, content_type)])),
                "{content_type}"
            );
        }
        assert!(!negotiable(&headers(&[(
            header::CONTENT_TYPE,
            "image/png"
        )])));
        assert!(!negotiable(&headers(&[
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CONTENT_ENCODING, "identity"),
        ])));
        // A static file, compressed by its handler for this client.
        assert!(negotiable(&headers(&[
            (header::CONTENT_TYPE, "text/css"),
            (header::CONTENT_ENCODING, "br"),
            (header::VARY, "Accept-Encoding"),
        ])));
    }

    #[test]
    fn lines_are_merged_without_repeats() {
        let mut map = headers(&[
            (header::VARY, "Accept-Language, Cookie, Accept-Encoding"),
            (header::VARY, "accept-encoding"),
        ]);
        add(&mut map, &[]);
        assert_eq!(map.get_all(header::VARY).count(), 1);
        assert_eq!(
            map.get(header::VARY).unwrap(),
            "Accept-Language, Cookie, Accept-Encoding"
        );
        let mut map = headers(&[(header::VARY, "*")]);
        add(&mut map, &["Accept-Encoding"]);
        assert_eq!(map.get(header::VARY).unwrap(), "*");
        let mut map = HeaderMap::new();
        add(&mut map, &[]);
        assert!(map.get(header::VARY).is_none());
    }
}
