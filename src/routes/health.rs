use actix_web::HttpResponse;
use diesel::connection::SimpleConnection;
use serde_json::json;

use crate::db_run;
use crate::state::AppState;

/// 200 when the database answers, 503 otherwise.
pub async fn health(state: actix_web::web::Data<AppState>) -> HttpResponse {
    let db_ok = state
        .db
        .run(|conn| Ok(db_run!(conn: { conn.batch_execute("SELECT 1") })?))
        .await
        .is_ok();
    if db_ok {
        HttpResponse::Ok().json(json!({"status": "ok", "database": "ok"}))
    } else {
        HttpResponse::ServiceUnavailable()
            .json(json!({"status": "unavailable", "database": "unavailable"}))
    }
}
