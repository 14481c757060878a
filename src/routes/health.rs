//! `/health`: 200 when every part works, 503 naming the part that does not.

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::db::models::{now, outbox};
use crate::state::AppState;

/// Checks the database, the background workers and the email queue. A
/// database that does not answer, a worker that died or hangs, or an
/// email that has waited past `email.max_due_age_s` makes it 503. The
/// relay's own state is reported beside them (see `email::relay`).
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    // The relay probe and the database checks run side by side, so a slow
    // relay does not add to a slow database.
    let database = state.db.run(|conn| {
        conn.ping()?;
        outbox::oldest_due_age(conn, now())
    });
    let (due_age, relay) = tokio::join!(database, state.email_relay.report());
    let dead = state.workers.dead();
    let max_due_age = time::Duration::seconds(state.settings.email.max_due_age_s as i64);

    let database = if due_age.is_ok() { "ok" } else { "unavailable" };
    let email = match &due_age {
        Ok(Some(age)) if *age > max_due_age => "delayed",
        Ok(_) if dead.contains(&"email_outbox") => "stopped",
        Ok(_) => "ok",
        Err(_) => "unknown",
    };
    let workers = if dead.is_empty() { "ok" } else { "stopped" };
    let healthy = database == "ok" && email == "ok" && workers == "ok";
    let body = json!({
        "status": if healthy { "ok" } else { "unavailable" },
        "database": database,
        "email": email,
        "email_relay": relay,
        "workers": workers,
        "dead_workers": dead,
    });
    if healthy {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
