//! Organizers opening their own accounts, and recovering lost passwords.
//!
//! What a visitor sees never depends on whether an address has an account:
//! signing up with a taken address and asking to reset an unknown one both
//! end on the same "check your inbox" page. Only the emails differ.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{render, with_retry_after};
use crate::app;
use crate::app::accounts::AddressCheck;
use crate::db::models::accounts;
use crate::db::models::now;
use crate::domain::signer::parse_name;
use crate::domain::token::{hash_token, looks_like_token, TokenPurpose};
use crate::domain::{honeypot, Email, FieldErrors};
use crate::error::{rate_limited_message, AppError};
use crate::http::checked_form::{carries_csrf_token, Anyone, CheckedForm};
use crate::http::client_ip::client_addr;
use crate::http::security_event;
use crate::i18n::{Message, Ui};
use crate::security::audit::{mask_email, Outcome};
use crate::security::password::{Password, BUSY_MESSAGE};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "accounts/notice.html")]
struct Notice {
    l: Ui,
    /// Message ids, like the link's label.
    title: &'static str,
    message: Message,
    link: Option<(&'static str, &'static str)>,
}

fn notice(
    ui: Ui,
    status: StatusCode,
    title: &'static str,
    message: Message,
    link: Option<(&'static str, &'static str)>,
) -> Result<HttpResponse, AppError> {
    render(
        status,
        &Notice {
            l: ui,
            title,
            message,
            link,
        },
    )
}

fn check_your_inbox(ui: Ui, message: Message) -> Result<HttpResponse, AppError> {
    notice(ui, StatusCode::OK, "signed-heading", message, None)
}

fn link_not_valid(ui: Ui, again: (&'static str, &'static str)) -> Result<HttpResponse, AppError> {
    notice(
        ui,
        StatusCode::NOT_FOUND,
        "account-link-invalid-heading",
        Message::new("account-link-invalid-text"),
        Some(again),
    )
}

/// Re-renders `page` with `status`, and `Retry-After` when it is a refusal
/// to try again later.
fn refused(
    page: &impl Template,
    status: StatusCode,
    wait: Duration,
) -> Result<HttpResponse, AppError> {
    Ok(with_retry_after(render(status, page)?, wait))
}

#[derive(Template)]
#[template(path = "accounts/signup.html")]
struct SignUpPage {
    l: Ui,
    name: String,
    email: String,
    errors: FieldErrors,
    csrf_token: String,
}

pub async fn signup_form(state: web::Data<AppState>, ui: Ui) -> Result<HttpResponse, AppError> {
    render(
        StatusCode::OK,
        &SignUpPage {
            l: ui,
            name: String::new(),
            email: String::new(),
            errors: FieldErrors::default(),
            csrf_token: state.csrf.issue(Anyone::CSRF_SCOPE),
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignUpForm {
    name: String,
    email: String,
    password: String,
    csrf_token: String,
    /// The honeypot.
    website: String,
}

carries_csrf_token!(SignUpForm);

pub async fn signup(
    state: web::Data<AppState>,
    req: HttpRequest,
    ui: Ui,
    CheckedForm { form, .. }: CheckedForm<SignUpForm, Anyone>,
) -> Result<HttpResponse, AppError> {
    let locale = ui.locale();
    let mut page = SignUpPage {
        l: ui.clone(),
        name: form.name.clone(),
        email: form.email.clone(),
        errors: FieldErrors::default(),
        csrf_token: state.csrf.issue(Anyone::CSRF_SCOPE),
    };

    let mut errors = FieldErrors::default();
    let name = errors.check("name", parse_name(&form.name));
    let email = errors.check("email", Email::parse(&form.email));
    // What the person typed elsewhere is the first thing an attacker tries.
    let mut known: Vec<&str> = form.name.split_whitespace().collect();
    known.extend([form.name.as_str(), form.email.as_str()]);
    known.extend(form.email.split('@').next());
    let password = errors.check("password", Password::parse_strong(form.password, &known));
    let (Some(name), Some(email), Some(password)) = (name, email, password) else {
        page.errors = errors;
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    // Only a sign-up that would send an email spends the allowance.
    if let Err(limited) = state.limits.signup(client_addr(&req), email.canonical()) {
        page.errors.add("email", rate_limited_message(&limited));
        return refused(&page, StatusCode::TOO_MANY_REQUESTS, limited.retry_after);
    }
    if honeypot::filled(&form.website) {
        // Checked once the answer a person would get is known, so the bot
        // learns nothing from it; the password is hashed all the same, so
        // nor does the answer's speed tell.
        let _ = state.hashing.hash(password).await;
        state.metrics.honeypot_caught();
        tracing::info!(form = "signup", "honeypot filled; submission dropped");
        return signup_check_inbox(ui, &form.email);
    }

    let hash = match state.hashing.hash(password).await {
        Ok(hash) => hash?,
        Err(busy) => {
            page.errors.add("password", Message::new(BUSY_MESSAGE));
            return refused(&page, StatusCode::SERVICE_UNAVAILABLE, busy.retry_after);
        }
    };
    app::accounts::sign_up(
        &state,
        app::accounts::SignUp {
            email,
            name,
            password_hash: hash,
            locale,
        },
    )
    .await?;
    signup_check_inbox(ui, &form.email)
}

fn signup_check_inbox(ui: Ui, email: &str) -> Result<HttpResponse, AppError> {
    check_your_inbox(
        ui,
        Message::new("signup-check-inbox").arg("email", email.trim()),
    )
}

#[derive(Template)]
#[template(path = "accounts/confirm.html")]
struct ConfirmAddressPage {
    l: Ui,
    token: String,
    errors: FieldErrors,
}

const SIGNUP_AGAIN: (&str, &str) = ("/signup", "signup-again");

/// Opening a verification link: a page asking for the account's password.
/// Nothing is verified by opening it.
pub async fn signup_confirm_form(
    state: web::Data<AppState>,
    ui: Ui,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    if !looks_like_token(&token) {
        return link_not_valid(ui, SIGNUP_AGAIN);
    }
    let lookup = token.clone();
    let live = state
        .db
        .run(move |conn| accounts::is_live(conn, &lookup, TokenPurpose::VerifyOrganizer, now()))
        .await?;
    if !live {
        return link_not_valid(ui, SIGNUP_AGAIN);
    }
    render(
        StatusCode::OK,
        &ConfirmAddressPage {
            l: ui,
            token,
            errors: FieldErrors::default(),
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConfirmAddressForm {
    password: String,
}

/// The password for a verification link. Only the person who chose the
/// password and reads the mail verifies the address. The link's secret
/// is what a forged cross-site form would lack, so there is no other field.
pub async fn signup_confirm(
    state: web::Data<AppState>,
    req: HttpRequest,
    ui: Ui,
    token: web::Path<String>,
    form: web::Form<ConfirmAddressForm>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    if !looks_like_token(&token) {
        return link_not_valid(ui, SIGNUP_AGAIN);
    }
    let mut page = ConfirmAddressPage {
        l: ui.clone(),
        token: token.clone(),
        errors: FieldErrors::default(),
    };
    // Guesses at one link spend that link's own bucket.
    let bucket = format!("signup-confirm:{}", hash_token(&token));
    if let Err(limited) = state.limits.login(client_addr(&req), &bucket) {
        page.errors.add("password", rate_limited_message(&limited));
        return refused(&page, StatusCode::TOO_MANY_REQUESTS, limited.retry_after);
    }
    if form.password.is_empty() {
        page.errors
            .add("password", Message::new("signup-confirm-password-missing"));
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let password = form.into_inner().password;
    let checked = app::accounts::verify_address(&state, token, password).await?;
    let (outcome, account) = match &checked {
        AddressCheck::Verified(id) => (Outcome::Success, Some(id.as_str())),
        AddressCheck::WrongPassword(id) => (Outcome::Failure, Some(id.as_str())),
        AddressCheck::LinkInvalid => (Outcome::Failure, None),
        AddressCheck::Busy(_) => (Outcome::Refused, None),
    };
    security_event(&req, "address_verified", account, account, outcome);
    match checked {
        AddressCheck::Verified(_) => notice(
            ui,
            StatusCode::OK,
            "signup-confirmed-heading",
            Message::new("signup-confirmed-text"),
            Some(("/login", "signup-confirmed-login")),
        ),
        AddressCheck::WrongPassword(_) => {
            page.errors
                .add("password", Message::new("signup-confirm-password-wrong"));
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        AddressCheck::LinkInvalid => link_not_valid(ui, SIGNUP_AGAIN),
        AddressCheck::Busy(retry_after) => {
            page.errors.add("password", Message::new(BUSY_MESSAGE));
            refused(&page, StatusCode::SERVICE_UNAVAILABLE, retry_after)
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/forgot.html")]
struct ForgotPage {
    l: Ui,
    email: String,
    errors: FieldErrors,
    csrf_token: String,
}

pub async fn forgot_form(state: web::Data<AppState>, ui: Ui) -> Result<HttpResponse, AppError> {
    render(
        StatusCode::OK,
        &ForgotPage {
            l: ui,
            email: String::new(),
            errors: FieldErrors::default(),
            csrf_token: state.csrf.issue(Anyone::CSRF_SCOPE),
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ForgotForm {
    email: String,
    csrf_token: String,
    /// The honeypot.
    website: String,
}

carries_csrf_token!(ForgotForm);

pub async fn forgot(
    state: web::Data<AppState>,
    req: HttpRequest,
    ui: Ui,
    CheckedForm { form, .. }: CheckedForm<ForgotForm, Anyone>,
) -> Result<HttpResponse, AppError> {
    let locale = ui.locale();
    let mut page = ForgotPage {
        l: ui.clone(),
        email: form.email.clone(),
        errors: FieldErrors::default(),
        csrf_token: state.csrf.issue(Anyone::CSRF_SCOPE),
    };
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(err) => {
            page.errors.add("email", err.into());
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    if let Err(limited) = state
        .limits
        .password_reset(client_addr(&req), email.canonical())
    {
        page.errors.add("email", rate_limited_message(&limited));
        return refused(&page, StatusCode::TOO_MANY_REQUESTS, limited.retry_after);
    }
    if honeypot::filled(&form.website) {
        state.metrics.honeypot_caught();
        tracing::info!(form = "forgot", "honeypot filled; submission dropped");
        return forgot_check_inbox(ui, &form.email);
    }
    app::accounts::request_reset(&state, &email, locale).await?;
    let masked = mask_email(email.canonical());
    security_event(
        &req,
        "password_reset_requested",
        None,
        Some(&masked),
        Outcome::Success,
    );
    forgot_check_inbox(ui, &form.email)
}

fn forgot_check_inbox(ui: Ui, email: &str) -> Result<HttpResponse, AppError> {
    check_your_inbox(
        ui,
        Message::new("forgot-check-inbox").arg("email", email.trim()),
    )
}

#[derive(Template)]
#[template(path = "accounts/reset.html")]
struct ResetPage {
    l: Ui,
    token: String,
    errors: FieldErrors,
    csrf_token: String,
}

const FORGOT_AGAIN: (&str, &str) = ("/password/forgot", "reset-ask-again");

pub async fn reset_form(
    state: web::Data<AppState>,
    ui: Ui,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    if !looks_like_token(&token) {
        return link_not_valid(ui, FORGOT_AGAIN);
    }
    let lookup = token.clone();
    let live = state
        .db
        .run(move |conn| accounts::is_live(conn, &lookup, TokenPurpose::ResetPassword, now()))
        .await?;
    if !live {
        return link_not_valid(ui, FORGOT_AGAIN);
    }
    render(
        StatusCode::OK,
        &ResetPage {
            l: ui,
            token,
            errors: FieldErrors::default(),
            csrf_token: state.csrf.issue(Anyone::CSRF_SCOPE),
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetForm {
    password: String,
    csrf_token: String,
}

carries_csrf_token!(ResetForm);

pub async fn reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    ui: Ui,
    token: web::Path<String>,
    CheckedForm { form, .. }: CheckedForm<ResetForm, Anyone>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    if !looks_like_token(&token) {
        return link_not_valid(ui, FORGOT_AGAIN);
    }
    let mut page = ResetPage {
        l: ui.clone(),
        token: token.clone(),
        errors: FieldErrors::default(),
        csrf_token: state.csrf.issue(Anyone::CSRF_SCOPE),
    };
    // The per-account bucket is the token's own, so guessing at one link
    // cannot lock everyone else out of resetting.
    let bucket = format!("password-reset:{}", hash_token(&token));
    if let Err(limited) = state.limits.login(client_addr(&req), &bucket) {
        page.errors.add("password", rate_limited_message(&limited));
        return refused(&page, StatusCode::TOO_MANY_REQUESTS, limited.retry_after);
    }
    let password = match Password::parse_strong(form.password, &[]) {
        Ok(password) => password,
        Err(message) => {
            page.errors.add("password", message);
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let hash = match state.hashing.hash(password).await {
        Ok(hash) => hash?,
        Err(busy) => {
            page.errors.add("password", Message::new(BUSY_MESSAGE));
            return refused(&page, StatusCode::SERVICE_UNAVAILABLE, busy.retry_after);
        }
    };
    let done = state
        .db
        .run(move |conn| accounts::reset_password(conn, &token, &hash, now()))
        .await?;
    let Some(done) = done else {
        return link_not_valid(ui, FORGOT_AGAIN);
    };
    security_event(
        &req,
        "password_reset",
        Some(&done.organizer_id),
        Some(&done.organizer_id),
        Outcome::Success,
    );
    if done.tokens_revoked > 0 {
        security_event(
            &req,
            "api_tokens_revoked_by_reset",
            Some(&done.organizer_id),
            Some(&done.organizer_id),
            Outcome::Success,
        );
    }
    notice(
        ui,
        StatusCode::OK,
        "reset-done-heading",
        Message::new("reset-done-text"),
        Some(("/login", "login-heading")),
    )
}
