//! Logging in and out.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{render, see_other, with_retry_after};
use crate::db::models::organizers;
use crate::domain::Email;
use crate::error::{rate_limited_message, AppError};
use crate::http::checked_form::{carries_csrf_token, Anyone, CheckedForm};
use crate::http::client_ip::client_addr;
use crate::http::csrf::{CsrfForm, VerifyRequest};
use crate::http::security_event;
use crate::http::session;
use crate::i18n::{Message, Ui};
use crate::security::audit::{mask_email, Outcome};
use crate::security::password::BUSY_MESSAGE;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "organizers/login.html")]
struct LoginPage {
    l: Ui,
    email: String,
    error: Option<Message>,
    csrf_token: String,
}

pub async fn login_form(state: web::Data<AppState>, ui: Ui) -> Result<HttpResponse, AppError> {
    render(
        StatusCode::OK,
        &LoginPage {
            l: ui,
            email: String::new(),
            error: None,
            csrf_token: state.csrf.issue(Anyone::CSRF_SCOPE),
        },
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
}

carries_csrf_token!(LoginForm);

pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    ui: Ui,
    CheckedForm { form, .. }: CheckedForm<LoginForm, Anyone>,
) -> Result<HttpResponse, AppError> {
    let email = Email::parse(&form.email).ok();
    let account = email
        .as_ref()
        .map_or(form.email.as_str(), |e| e.canonical());
    let masked = mask_email(account);
    if let Err(limited) = state.limits.login(client_addr(&req), account) {
        security_event(&req, "login", None, Some(&masked), Outcome::Refused);
        let message = rate_limited_message(&limited);
        let status = StatusCode::TOO_MANY_REQUESTS;
        return login_refused(&state, ui, form.email, status, limited.retry_after, message);
    }
    let organizer = match email {
        Some(email) => {
            let canonical = email.canonical().to_owned();
            state
                .db
                .run(move |conn| organizers::find_by_canonical_email(conn, &canonical))
                .await?
        }
        None => None,
    };
    // An unknown account still pays for a hash, so timing does not tell
    // which accounts exist.
    let stored = organizer.as_ref().map(|o| o.password_hash.clone());
    let valid = match state.hashing.verify(stored, form.password).await {
        Ok(valid) => valid,
        Err(busy) => {
            let message = Message::new(BUSY_MESSAGE);
            let status = StatusCode::SERVICE_UNAVAILABLE;
            return login_refused(&state, ui, form.email, status, busy.retry_after, message);
        }
    };
    match organizer {
        // An unverified account gets the same answer as a wrong password.
        Some(organizer) if valid && organizer.verified_at.is_some() => {
            security_event(
                &req,
                "login",
                Some(&organizer.id),
                Some(&masked),
                Outcome::Success,
            );
            // This network may now skip the account's ceiling.
            let client = client_addr(&req);
            state
                .limits
                .login_succeeded(client, &organizer.email_canonical);
            // A new session id at every login, and the one the browser came
            // with ends: a session planted before login is worth nothing.
            session::end(&state, &req).await?;
            // Account emails sent later speak the language they log in in.
            if organizer.locale() != ui.locale() || organizer.locale_code.is_none() {
                let (id, locale) = (organizer.id.clone(), ui.locale());
                state
                    .db
                    .run(move |conn| organizers::set_locale(conn, &id, locale))
                    .await?;
            }
            let cookie = session::start(&state, organizer.id).await?;
            let mut response = see_other("/dashboard");
            response
                .add_cookie(&cookie)
                .map_err(|e| anyhow::anyhow!("setting the session cookie: {e}"))?;
            Ok(response)
        }
        _ => {
            let actor = organizer.as_ref().map(|o| o.id.as_str());
            security_event(&req, "login", actor, Some(&masked), Outcome::Failure);
            render(
                StatusCode::UNAUTHORIZED,
                &LoginPage {
                    l: ui,
                    email: form.email,
                    error: Some(Message::new("error-login-incorrect")),
                    csrf_token: state.csrf.issue(Anyone::CSRF_SCOPE),
                },
            )
        }
    }
}

/// 429 or 503: the login form again with the email kept, and `Retry-After`.
fn login_refused(
    state: &AppState,
    ui: Ui,
    email: String,
    status: StatusCode,
    wait: Duration,
    message: Message,
) -> Result<HttpResponse, AppError> {
    let page = render(
        status,
        &LoginPage {
            l: ui,
            email,
            error: Some(message),
            csrf_token: state.csrf.issue(Anyone::CSRF_SCOPE),
        },
    )?;
    Ok(with_retry_after(page, wait))
}

pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    organizer: Option<session::CurrentOrganizer>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    if let Some(current) = &organizer {
        state
            .csrf
            .verify(&req, &current.csrf_scope(), &form.csrf_token)?;
    }
    let cookie = session::end(&state, &req).await?;
    let mut response = see_other("/");
    response
        .add_cookie(&cookie)
        .map_err(|e| anyhow::anyhow!("clearing the session cookie: {e}"))?;
    Ok(response)
}
