use actix_web::HttpResponse;
use serde_json::json;

use crate::state::AppState;

/// 200 when the database answers, 503 otherwise.
pub async fn health(state: actix_web::web::Data<AppState>) -> HttpResponse {
    let db_ok = state.db.run(|conn| Ok(conn.ping()?)).await.is_ok();
    if db_ok {
        HttpResponse::Ok().json(json!({"status": "ok", "database": "ok"}))
    } else {
        HttpResponse::ServiceUnavailable()
            .json(json!({"status": "unavailable", "database": "unavailable"}))
    }
}
