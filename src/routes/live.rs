//! `GET /petitions/{slug}/live`: the count as Server-Sent Events.

use actix_web::http::header::{self, ContentEncoding};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::AppError;
use crate::http::client_ip::client_addr;
use crate::live::NotOpened;
use crate::state::AppState;

/// How long a refused stream should wait before asking again.
const RETRY_AFTER_S: &str = "30";

fn refused(status: StatusCode, message: &'static str) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::RETRY_AFTER, RETRY_AFTER_S))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("text/plain; charset=utf-8")
        .body(message)
}

pub async fn live(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let last_event_id = req
        .headers()
        .get("Last-Event-ID")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    let stream = match state
        .live
        .subscribe(&slug, last_event_id, client_addr(&req))
    {
        Ok(stream) => stream,
        Err(NotOpened::Gone) => return Err(AppError::NotFound),
        // EventSource gives up on these, and the page keeps the count it
        // was served with; a script that retries is told when.
        Err(NotOpened::ClientFull) => {
            return Ok(refused(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many live counts are open from your network. Close some pages and try again.",
            ))
        }
        Err(NotOpened::ServerFull) => {
            return Ok(refused(
                StatusCode::SERVICE_UNAVAILABLE,
                "Too many live counts are open on this server right now. The count on the page is still right; reload it later.",
            ))
        }
    };
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        // Proxies such as nginx would otherwise hold events back to fill
        // their buffers.
        .insert_header(("X-Accel-Buffering", "no"))
        // Keeps any compression middleware from buffering the stream.
        .insert_header(ContentEncoding::Identity)
        .streaming(stream))
}
