use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::db::models::metrics;
use crate::metrics::Format;
use crate::state::AppState;

/// Prometheus text, OpenMetrics or the classic format as `Accept` asks.
/// Still answers when the database is down, with
/// `undersigned_database_up 0` and the figures kept in memory.
pub async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let format = Format::from_accept(
        req.headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok()),
    );
    let snapshot = match state.db.run(metrics::snapshot).await {
        Ok(snapshot) => Some(snapshot),
        Err(err) => {
            tracing::warn!(error = ?err, "metrics: cannot read the database");
            None
        }
    };
    state.metrics.sync_rate_limited(&state.limits.rejections());
    HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header(("Cache-Control", "no-store"))
        .insert_header((header::VARY, "Accept"))
        .body(state.metrics.render(snapshot.as_ref(), format))
}
