//! Logging in and out.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{render, see_other};
use crate::db::models::organizers;
use crate::domain::Email;
use crate::error::AppError;
use crate::security::csrf::CsrfForm;
use crate::security::password::verify_password_async;
use crate::security::session;
use crate::state::AppState;

const LOGIN_SCOPE: &str = "anon";

#[derive(Template)]
#[template(path = "organizers/login.html")]
struct LoginPage {
    email: String,
    error: Option<&'static str>,
    csrf_token: String,
}

pub async fn login_form(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    render(
        StatusCode::OK,
        &LoginPage {
            email: String::new(),
            error: None,
            csrf_token: state.csrf.issue(LOGIN_SCOPE),
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

pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    state.csrf.verify(&req, LOGIN_SCOPE, &form.csrf_token)?;

    let organizer = match Email::parse(&form.email) {
        Ok(email) => {
            let canonical = email.canonical().to_owned();
            state
                .db
                .run(move |conn| organizers::find_by_canonical_email(conn, &canonical))
                .await?
        }
        Err(_) => None,
    };
    // An unknown account still pays for a hash, so timing does not tell
    // which accounts exist.
    let stored = organizer.as_ref().map(|o| o.password_hash.clone());
    let valid = verify_password_async(stored, form.password).await;
    match organizer {
        Some(organizer) if valid => {
            let cookie = session::start(&state, organizer.id).await?;
            let mut response = see_other("/dashboard");
            response
                .add_cookie(&cookie)
                .map_err(|e| anyhow::anyhow!("setting the session cookie: {e}"))?;
            Ok(response)
        }
        _ => render(
            StatusCode::UNAUTHORIZED,
            &LoginPage {
                email: form.email,
                error: Some("The email address or password is incorrect."),
                csrf_token: state.csrf.issue(LOGIN_SCOPE),
            },
        ),
    }
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
