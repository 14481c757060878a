//! `/dashboard/tokens`: an organizer's API tokens, made and revoked.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{render, see_other};
use crate::app;
use crate::db::models::api_tokens::{self, ApiToken, MAX_NAME_CHARS};
use crate::db::models::now;
use crate::domain::petition::required_text;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::http::checked_form::{carries_csrf_token, CheckedForm};
use crate::http::csrf::CsrfForm;
use crate::http::security_event;
use crate::http::session::CurrentOrganizer;
use crate::i18n::{Locale, Ui};
use crate::security::audit::Outcome;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "dashboard/tokens.html")]
struct TokensPage {
    l: Ui,
    tokens: Vec<TokenRow>,
    /// The token just made: shown on this response only, never again.
    created: Option<String>,
    notice: Option<&'static str>,
    name: String,
    errors: FieldErrors,
    csrf_token: String,
}

struct TokenRow {
    id: String,
    name: String,
    created_on: String,
    last_used_on: Option<String>,
    revoked_on: Option<String>,
    expires_on: Option<String>,
    expired: bool,
}

impl TokenRow {
    fn new(token: ApiToken, l: Locale) -> Self {
        Self {
            id: token.id,
            name: token.name,
            created_on: l.date(token.created_at),
            last_used_on: token.last_used_at.map(|at| l.date(at)),
            revoked_on: token.revoked_at.map(|at| l.date(at)),
            expires_on: token.expires_at.map(|at| l.date(at)),
            expired: token.expires_at.is_some_and(|at| at <= now()),
        }
    }
}

#[derive(Deserialize)]
pub struct IndexQuery {
    done: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct TokenForm {
    name: String,
    csrf_token: String,
}

carries_csrf_token!(TokenForm);

async fn page(
    state: &AppState,
    ui: Ui,
    current: &CurrentOrganizer,
    status: StatusCode,
    view: PageView,
) -> Result<HttpResponse, AppError> {
    let owner = current.organizer.id.clone();
    let tokens = state
        .db
        .run(move |conn| api_tokens::list_for(conn, &owner))
        .await?;
    let mut response = render(
        status,
        &TokensPage {
            tokens: tokens
                .into_iter()
                .map(|t| TokenRow::new(t, ui.locale()))
                .collect(),
            l: ui,
            created: view.created,
            notice: view.notice,
            name: view.name,
            errors: view.errors,
            csrf_token: state.csrf.issue(&current.csrf_scope()),
        },
    )?;
    // The page may hold a secret: keep it out of every cache.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

#[derive(Default)]
struct PageView {
    created: Option<String>,
    notice: Option<&'static str>,
    name: String,
    errors: FieldErrors,
}

pub async fn index(
    state: web::Data<AppState>,
    ui: Ui,
    current: CurrentOrganizer,
    query: web::Query<IndexQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = match query.done.as_deref() {
        Some("revoked") => Some("tokens-revoked-notice"),
        _ => None,
    };
    page(
        &state,
        ui,
        &current,
        StatusCode::OK,
        PageView {
            notice,
            ..PageView::default()
        },
    )
    .await
}

pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    ui: Ui,
    CheckedForm {
        sender: current,
        form,
    }: CheckedForm<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let name = match required_text(&form.name, MAX_NAME_CHARS, "token", false) {
        Ok(name) => name,
        Err(message) => {
            let mut errors = FieldErrors::default();
            errors.add("name", message);
            return page(
                &state,
                ui,
                &current,
                StatusCode::UNPROCESSABLE_ENTITY,
                PageView {
                    name: form.name,
                    errors,
                    ..PageView::default()
                },
            )
            .await;
        }
    };
    let owner = &current.organizer;
    // The notice is a security notice: it takes a slot of the address's
    // daily email cap, but is never held back or dropped by it, or filling
    // an owner's cap would hide a token made in their name.
    let _ = app::mail_slot(&state, &owner.email_canonical);
    let issued = app::api_tokens::issue(
        &state.db,
        &state.settings.server.public_url,
        owner,
        name,
        state.settings.security.api_token_days,
        Some(now()),
    )
    .await?;
    security_event(
        &req,
        "api_token_created",
        Some(&owner.id),
        Some(&issued.token.id),
        Outcome::Success,
    );
    page(
        &state,
        ui,
        &current,
        StatusCode::CREATED,
        PageView {
            created: Some(issued.secret),
            ..PageView::default()
        },
    )
    .await
}

pub async fn revoke(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    CheckedForm {
        sender: current, ..
    }: CheckedForm<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    let owner = current.organizer.id.clone();
    let id = id.into_inner();
    let token = id.clone();
    let revoked = state
        .db
        .run(move |conn| api_tokens::revoke(conn, &owner, &token))
        .await?;
    security_event(
        &req,
        "api_token_revoked",
        Some(&current.organizer.id),
        Some(&id),
        if revoked {
            Outcome::Success
        } else {
            Outcome::Refused
        },
    );
    if !revoked {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/dashboard/tokens?done=revoked"))
}
