//! `GET /petitions/{slug}/live`: the count as Server-Sent Events.

use actix_web::http::header::{self, ContentEncoding};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::AppError;
use crate::state::AppState;

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
    let stream = state
        .live
        .subscribe(&slug, last_event_id)
        .ok_or(AppError::NotFound)?;
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
