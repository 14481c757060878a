//! `HEAD` on every `GET` route.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;

/// Routes a `HEAD` request as the `GET` it stands for, so it gets the
/// GET's status and headers. actix-http still knows the request was HEAD
/// (its codec read the method first) and sends no body, with the length
/// the GET's body would have had.
///
/// A 405's `Allow` names the methods its resource registered; wherever
/// that includes `GET`, this adds `HEAD`, which is served there too.
pub async fn as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    let mut response = next.call(req).await?;
    if response.status() == StatusCode::METHOD_NOT_ALLOWED {
        let completed = response
            .headers()
            .get(header::ALLOW)
            .and_then(|v| v.to_str().ok())
            .and_then(with_head)
            .and_then(|v| HeaderValue::from_str(&v).ok());
        if let Some(allow) = completed {
            response.headers_mut().insert(header::ALLOW, allow);
        }
    }
    Ok(response)
}

/// `allow` with `HEAD` after `GET`, or `None` when it needs no change.
fn with_head(allow: &str) -> Option<String> {
    let methods: Vec<&str> = allow
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .collect();
    if !methods.contains(&"GET") || methods.contains(&"HEAD") {
        return None;
    }
    let mut completed = Vec::with_capacity(methods.len() + 1);
    for method in methods {
        completed.push(method);
        if method == "GET" {
            completed.push("HEAD");
        }
    }
    Some(completed.join(", "))
}

#[cfg(test)]
mod tests {
    use super::with_head;

    #[test]
    fn head_follows_get() {
        assert_eq!(with_head("GET").as_deref(), Some("GET, HEAD"));
        assert_eq!(with_head("GET, POST").as_deref(), Some("GET, HEAD, POST"));
        assert_eq!(with_head("POST"), None);
        assert_eq!(with_head("GET, HEAD, PATCH, OPTIONS"), None);
    }
}
