use actix_web::{web, HttpResponse};

use crate::db::models::metrics;
use crate::metrics::CONTENT_TYPE;
use crate::state::AppState;

/// Prometheus text. Still answers when the database is down, with
/// `undersigned_database_up 0` and the figures kept in memory.
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let snapshot = match state.db.run(metrics::snapshot).await {
        Ok(snapshot) => Some(snapshot),
        Err(err) => {
            tracing::warn!(error = ?err, "metrics: cannot read the database");
            None
        }
    };
    state.metrics.sync_rate_limited(&state.limits.rejections());
    HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .insert_header(("Cache-Control", "no-store"))
        .body(state.metrics.render(snapshot.as_ref()))
}
