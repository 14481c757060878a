//! Where HTTP meets the mechanisms: the middleware and extractors that read
//! requests (cookies, headers, the peer's address) and hand plain values to
//! `i18n`, `security` and the database, so that those never see actix.
//! Route handlers themselves live in `routes`.

pub mod api_token;
pub mod checked_form;
pub mod client_ip;
pub mod csrf;
pub mod language;
pub mod metrics;
pub mod session;

use actix_web::{web, HttpRequest};

use crate::error::AppError;
use crate::state::AppState;

/// The application state an extractor needs. It is always registered, so
/// its absence is a wiring bug: an opaque 500, never a panic.
pub(crate) fn state_of(req: &HttpRequest) -> Result<&web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .ok_or_else(|| anyhow::anyhow!("application state missing").into())
}

/// Logs a security event about this request: `security::audit` with the
/// client's address filled in.
pub fn security_event(
    req: &HttpRequest,
    action: &'static str,
    actor: Option<&str>,
    target: Option<&str>,
    outcome: crate::security::audit::Outcome,
) {
    crate::security::audit::Event {
        action,
        actor,
        target,
        outcome,
        client_ip: client_ip::client_addr(req),
    }
    .log();
}
