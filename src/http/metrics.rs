//! The middleware that feeds request counts and latencies to
//! [`Metrics`](crate::metrics::Metrics).

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

use crate::state::AppState;
use crate::telemetry::MatchedRoute;

/// Middleware: counts and times every request under its route pattern.
pub async fn track_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let route = MatchedRoute::take(&req);
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.metrics.clone());
    let outcome = next.call(req).await;
    if let Some(metrics) = metrics {
        let status = match &outcome {
            Ok(response) => response.status(),
            Err(err) => err.as_response_error().status_code(),
        };
        metrics.observe_request(
            &method,
            route.as_deref(),
            status.as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    outcome
}
