//! One `Vary` header that names everything a response varies on.
//!
//! actix's `Compress` adds `Vary: accept-encoding` only to the responses
//! it compresses, as a second header line. A cache that stored the plain
//! answer to a client without `Accept-Encoding` would then hand it to every
//! client. Every compressible response says `Accept-Encoding`, and the
//! names are merged into one line.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::Error;

/// What `Compress` would compress (it leaves images and the live stream).
fn compressible(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    (essence.starts_with("text/") && essence != "text/event-stream")
        || matches!(
            essence,
            "application/json" | "application/javascript" | "image/svg+xml" | "application/xml"
        )
}

pub async fn complete(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut response = next.call(request).await?;
    let headers = response.headers_mut();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let add_encoding = compressible(content_type);
    let mut names: Vec<String> = Vec::new();
    for value in headers
        .get_all(header::VARY)
        .filter_map(|v| v.to_str().ok())
    {
        for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                names.push(name.to_owned());
            }
        }
    }
    if add_encoding
        && !names
            .iter()
            .any(|n| n.eq_ignore_ascii_case("Accept-Encoding"))
    {
        names.push("Accept-Encoding".to_owned());
    }
    if names.iter().any(|n| n == "*") {
        names = vec!["*".to_owned()];
    }
    if !names.is_empty() {
        if let Ok(value) = HeaderValue::from_str(&names.join(", ")) {
            headers.insert(header::VARY, value);
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::compressible;

    #[test]
    fn pages_json_and_svg_are_compressible_and_the_stream_is_not() {
        assert!(compressible("text/html; charset=utf-8"));
        assert!(compressible("application/json"));
        assert!(compressible("image/svg+xml"));
        assert!(!compressible("text/event-stream"));
        assert!(!compressible("image/png"));
        assert!(!compressible(""));
    }
}
