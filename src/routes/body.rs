//! Request bodies, read whole before any handler sees them: within a
//! deadline, within the size limit, and (for forms) as valid UTF-8.

use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes, BytesMut};
use actix_web::{HttpMessage, HttpResponse, ResponseError};
use futures_util::StreamExt;

use super::MAX_BODY_BYTES;
use crate::error::{ApiError, AppError};
use crate::http::language::error_response;
use crate::state::AppState;

enum Refusal {
    TooSlow,
    TooLarge,
    NotText,
}

pub async fn read_whole(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if !matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let deadline = req
        .app_data::<web::Data<AppState>>()
        .map(|state| Duration::from_secs(state.settings.server.body_timeout_s))
        .unwrap_or(Duration::from_secs(15));
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let payload = req.take_payload();
    let read = match tokio::time::timeout(deadline, collect(payload)).await {
        Err(_) => Err(Refusal::TooSlow),
        Ok(Err(refusal)) => Err(refusal),
        Ok(Ok(bytes)) if is_form && !form_is_utf8(&bytes) => Err(Refusal::NotText),
        Ok(Ok(bytes)) => Ok(bytes),
    };
    match read {
        Ok(bytes) => {
            req.set_payload(Payload::from(bytes));
            Ok(next.call(req).await?.map_into_left_body())
        }
        Err(refusal) => {
            let response = refuse(&req, refusal);
            Ok(req.into_response(response).map_into_right_body())
        }
    }
}

async fn collect(mut payload: Payload) -> Result<Bytes, Refusal> {
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        // A broken connection reads as a body that never arrived.
        let chunk = chunk.map_err(|_| Refusal::TooSlow)?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(Refusal::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Whether every name and value decodes to UTF-8. The form parser would
/// quietly turn bad bytes into U+FFFD and store that.
fn form_is_utf8(body: &[u8]) -> bool {
    body.split(|b| *b == b'&')
        .flat_map(|pair| pair.splitn(2, |b| *b == b'='))
        .all(|part| percent_encoding::percent_decode(part).decode_utf8().is_ok())
}

/// The refusal in the reader's language: this runs outside the language
/// middleware, so it asks the same questions that middleware does.
fn refuse(req: &ServiceRequest, refusal: Refusal) -> HttpResponse {
    let error = match refusal {
        Refusal::TooSlow => {
            let mut response = if is_api(req) {
                ApiError(AppError::TooSlow).error_response()
            } else {
                error_response(req.request(), &AppError::TooSlow)
            };
            // Whatever is still trickling in is not read: the connection goes.
            response
                .head_mut()
                .set_connection_type(actix_web::http::ConnectionType::Close);
            return response;
        }
        Refusal::TooLarge => AppError::PayloadTooLarge,
        Refusal::NotText => AppError::BadRequest(crate::i18n::Message::new("error-body-not-text")),
    };
    if is_api(req) {
        ApiError(error).error_response()
    } else {
        error_response(req.request(), &error)
    }
}

/// The JSON API answers in its own error shape, in English.
fn is_api(req: &ServiceRequest) -> bool {
    req.path().starts_with("/api/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_must_decode_to_utf8() {
        assert!(form_is_utf8(b"name=%EA%B9%80&email=a%40b.example&x"));
        assert!(form_is_utf8("name=김민지".as_bytes()));
        assert!(!form_is_utf8(b"name=%FF%FE"));
        assert!(!form_is_utf8(b"na%C3me=x"));
        assert!(!form_is_utf8(b"name=\xff"));
    }
}
