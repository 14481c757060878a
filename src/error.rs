//! One error type for every handler. Pages render it as HTML; the JSON API
//! wraps it in [`ApiError`]. Errors a person caused are a clear 4xx; anything
//! else is an opaque 500 whose cause chain goes only to the log.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
use serde_json::json;

use crate::domain::FieldErrors;
use crate::security::csrf::CsrfError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("login required")]
    LoginRequired,
    #[error("invalid input")]
    Validation(FieldErrors),
    #[error("payload too large")]
    PayloadTooLarge,
    /// A dependency (the database) is down for now: 503 with `Retry-After`.
    #[error("service unavailable")]
    Unavailable(anyhow::Error),
    #[error(transparent)]
    Internal(anyhow::Error),
}

/// Seconds a client is asked to wait after a 503.
const RETRY_AFTER_SECS: u32 = 5;

impl From<anyhow::Error> for AppError {
    /// A database that cannot be reached is the service's state, not a bug:
    /// it becomes a 503 the client may retry; everything else is a 500.
    fn from(err: anyhow::Error) -> Self {
        if crate::db::is_unavailable(&err) {
            Self::Unavailable(err)
        } else {
            Self::Internal(err)
        }
    }
}

impl From<CsrfError> for AppError {
    fn from(_: CsrfError) -> Self {
        Self::Forbidden(
            "This form has expired or did not come from this site. Go back, reload the page and try again."
                .into(),
        )
    }
}

impl AppError {
    fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::BadRequest(_) => "bad_request",
            Self::Forbidden(_) => "forbidden",
            Self::Conflict { code, .. } => code,
            Self::LoginRequired => "unauthorized",
            Self::Validation(_) => "validation_failed",
            Self::PayloadTooLarge => "payload_too_large",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    /// What a person reads. Never includes an internal error's text.
    fn public_message(&self) -> String {
        match self {
            Self::NotFound => {
                "We could not find that page. It may have been moved or removed.".into()
            }
            Self::BadRequest(m) | Self::Forbidden(m) => m.clone(),
            Self::Conflict { message, .. } => message.clone(),
            Self::LoginRequired => "Log in to continue.".into(),
            Self::Validation(_) => "Some fields need correcting.".into(),
            Self::PayloadTooLarge => "What you sent is too large.".into(),
            Self::Unavailable(_) => {
                "The service is briefly unavailable; please try again in a moment.".into()
            }
            Self::Internal(_) => {
                "Something went wrong on our side. Please try again in a moment.".into()
            }
        }
    }

    fn log_if_internal(&self) {
        match self {
            // `{:?}` on anyhow prints the whole cause chain.
            Self::Internal(err) => tracing::error!(error = ?err, "request failed"),
            Self::Unavailable(err) => tracing::warn!(error = ?err, "request refused: unavailable"),
            _ => {}
        }
    }

    /// Headers that go with the status, whatever the body's format.
    fn extra_headers(&self, response: &mut actix_web::HttpResponseBuilder) {
        if let Self::Unavailable(_) = self {
            response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECS.to_string()));
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::LoginRequired => StatusCode::SEE_OTHER,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log_if_internal();
        if let Self::LoginRequired = self {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/login"))
                .finish();
        }
        let status = self.status_code();
        let title = match self {
            Self::NotFound => "Page not found",
            Self::Forbidden(_) => "This form could not be accepted",
            Self::Conflict { .. } => "Not possible right now",
            Self::Unavailable(_) => "Please try again in a moment",
            Self::Internal(_) => "Sorry, something went wrong",
            _ => "There is a problem",
        };
        let message = self.public_message();
        let body = ErrorPage {
            title,
            message: &message,
        }
        .render()
        .unwrap_or_else(|_| message.clone());
        let mut response = HttpResponse::build(status);
        self.extra_headers(&mut response);
        response.content_type("text/html; charset=utf-8").body(body)
    }
}

/// [`AppError`] rendered as `{"error":{"code","message","fields"}}`.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ApiError(#[from] pub AppError);

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> Self {
        Self(AppError::from(err))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match &self.0 {
            AppError::LoginRequired => StatusCode::UNAUTHORIZED,
            other => other.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.0.log_if_internal();
        let mut error = json!({
            "code": self.0.code(),
            "message": self.0.public_message(),
        });
        if let AppError::Validation(fields) = &self.0 {
            let fields: serde_json::Map<String, serde_json::Value> = fields
                .iter()
                .map(|(f, m)| (f.to_owned(), json!(m)))
                .collect();
            error["fields"] = fields.into();
        }
        let mut response = HttpResponse::build(self.status_code());
        self.0.extra_headers(&mut response);
        response.json(json!({ "error": error }))
    }
}
