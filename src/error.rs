//! One error type for every handler. Pages render it as HTML; the JSON API
//! wraps it in [`ApiError`]. Errors a person caused are a clear 4xx; anything
//! else is an opaque 500 whose cause chain goes only to the log.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
use serde_json::json;

use crate::domain::FieldErrors;
use crate::i18n::{Locale, Message, Ui};
use crate::security::csrf::CsrfError;
use crate::security::limits::{retry_after_secs, Limited};
use crate::security::password::Overloaded;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("{}", .0.english())]
    BadRequest(Message),
    #[error("{}", .0.english())]
    Forbidden(Message),
    #[error("{}", .message.english())]
    Conflict {
        code: &'static str,
        message: Message,
    },
    #[error("login required")]
    LoginRequired,
    #[error("invalid input")]
    Validation(FieldErrors),
    #[error("payload too large")]
    PayloadTooLarge,
    /// The body did not arrive within `server.body_timeout_s`.
    #[error("request body too slow")]
    TooSlow,
    #[error("rate limited by {}", .0.limit)]
    RateLimited(Limited),
    #[error("overloaded")]
    Overloaded(Overloaded),
    /// The database cannot be reached; the request may succeed later.
    #[error("service unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        if crate::db::is_unavailable(&err) {
            tracing::warn!(error = ?err, "database unavailable");
            Self::Unavailable
        } else {
            Self::Internal(err)
        }
    }
}

impl From<CsrfError> for AppError {
    fn from(_: CsrfError) -> Self {
        Self::Forbidden(Message::new("error-csrf"))
    }
}

impl From<Limited> for AppError {
    fn from(limited: Limited) -> Self {
        Self::RateLimited(limited)
    }
}

impl From<Overloaded> for AppError {
    fn from(overloaded: Overloaded) -> Self {
        Self::Overloaded(overloaded)
    }
}

impl From<Limited> for ApiError {
    fn from(limited: Limited) -> Self {
        Self(limited.into())
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
            Self::TooSlow => "request_timeout",
            Self::RateLimited(_) => "rate_limited",
            Self::Overloaded(_) => "overloaded",
            Self::Unavailable => "unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    /// What a person reads. Never includes an internal error's text.
    fn public_message(&self) -> Message {
        match self {
            Self::NotFound => Message::new("error-not-found"),
            Self::BadRequest(m) | Self::Forbidden(m) => m.clone(),
            Self::Conflict { message, .. } => message.clone(),
            Self::LoginRequired => Message::new("error-login-required"),
            Self::Validation(_) => Message::new("error-validation"),
            Self::PayloadTooLarge => Message::new("error-too-large"),
            Self::TooSlow => Message::new("error-too-slow"),
            Self::RateLimited(limited) => rate_limited_message(limited),
            Self::Overloaded(_) => Message::new("error-overloaded"),
            Self::Unavailable => Message::new("error-unavailable"),
            Self::Internal(_) => Message::new("error-internal"),
        }
    }

    /// The page's heading.
    fn title(&self) -> &'static str {
        match self {
            Self::NotFound => "error-title-not-found",
            Self::Forbidden(_) => "error-title-forbidden",
            Self::Conflict { .. } => "error-title-conflict",
            Self::RateLimited(_) => "error-title-rate-limited",
            Self::Overloaded(_) => "error-title-overloaded",
            Self::Unavailable => "error-title-unavailable",
            Self::Internal(_) => "error-title-internal",
            _ => "error-title-problem",
        }
    }

    /// The error page in `l`'s language.
    pub fn render_page(&self, l: &Ui) -> String {
        let message = l.msg(&self.public_message());
        ErrorPage {
            l,
            title: l.t(self.title()),
            message: &message,
        }
        .render()
        .unwrap_or(message)
    }

    /// How long the client should wait, for `Retry-After`.
    fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Self::RateLimited(limited) => Some(limited.retry_after),
            Self::Overloaded(overloaded) => Some(overloaded.retry_after),
            Self::Unavailable => Some(std::time::Duration::from_secs(5)),
            _ => None,
        }
    }

    fn log_if_internal(&self) {
        if let Self::Internal(err) = self {
            // `{:?}` on anyhow prints the whole cause chain.
            tracing::error!(error = ?err, "request failed");
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    l: &'a Ui,
    title: String,
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
            Self::TooSlow => StatusCode::REQUEST_TIMEOUT,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Overloaded(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
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
        // In English here, where the request is not known; the language
        // middleware says it again in the reader's language.
        let body = self.render_page(&Ui::default());
        let mut response = HttpResponse::build(status);
        with_retry_after(&mut response, self.retry_after());
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
        let message = match &self.0 {
            AppError::LoginRequired => {
                "A valid API token is needed: send it as Authorization: Bearer TOKEN.".to_owned()
            }
            other => other.public_message().english(),
        };
        let mut error = json!({
            "code": self.0.code(),
            "message": message,
        });
        if let AppError::Validation(fields) = &self.0 {
            let fields: serde_json::Map<String, serde_json::Value> = fields
                .iter()
                .map(|(f, m)| (f.to_owned(), json!(m.english())))
                .collect();
            error["fields"] = fields.into();
        }
        let mut response = HttpResponse::build(self.status_code());
        with_retry_after(&mut response, self.0.retry_after());
        if matches!(self.0, AppError::LoginRequired) {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"undersigned\""));
        }
        response.json(json!({ "error": error }))
    }
}

fn with_retry_after(
    response: &mut actix_web::HttpResponseBuilder,
    wait: Option<std::time::Duration>,
) {
    if let Some(wait) = wait {
        response.insert_header((header::RETRY_AFTER, retry_after_secs(wait)));
    }
}

/// What a person reads when a rate limit refuses them.
pub fn rate_limited_message(limited: &Limited) -> Message {
    let secs = limited.retry_after_secs();
    let (unit, amount) = match secs {
        0..=90 => ("seconds", secs.max(1)),
        91..=5400 => ("minutes", secs.div_ceil(60)),
        _ => ("hours", secs.div_ceil(3600)),
    };
    let what = match limited.limit {
        "sign_per_ip" | "sign_per_ip_per_petition" => "signatures",
        "login_per_ip" => "login-network",
        "login_per_account" | "login_per_account_per_client" => "login-account",
        "signup_per_ip"
        | "signup_per_address"
        | "password_reset_per_ip"
        | "password_reset_per_address" => "account-email",
        _ => "requests",
    };
    Message::new("error-rate-limited")
        .arg("what", what)
        .arg("unit", unit)
        .arg("amount", amount)
}

/// A rate-limit message put into words, for templates.
pub fn rate_limited_text(locale: Locale, limited: &Limited) -> String {
    locale.msg(&rate_limited_message(limited))
}
