//! Moderation for admins: every petition, hiding and showing petitions
//! again, and making other organizers admins.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{render, see_other};
use crate::app;
use crate::app::moderation::{Hiding, ModerationError};
use crate::db::models::admin::{self as admin_rows, PromoteOutcome};
use crate::db::models::now;
use crate::domain::email::{Email, EmailError};
use crate::domain::moderation::MAX_REASON_CHARS;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::http::checked_form::{carries_csrf_token, Admin, CheckedForm};
use crate::http::security_event;
use crate::http::session::CurrentOrganizer;
use crate::i18n::{Message, Ui};
use crate::security::audit::{mask_email, Outcome};
use crate::state::AppState;

/// Petitions per page of the admin list.
const PER_PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "admin/index.html")]
struct AdminPage {
    l: Ui,
    rows: Vec<AdminRow>,
    total: i64,
    page: i64,
    newer: Option<i64>,
    older: Option<i64>,
    csrf_token: String,
    notice: Option<&'static str>,
    errors: FieldErrors,
    /// A hide form sent without a usable reason, shown again on its own.
    failed_hide: Option<FailedHide>,
    promote_email: String,
    max_reason: usize,
}

impl AdminPage {
    fn error(&self, field: &str) -> Option<&Message> {
        self.errors.get(field)
    }
}

struct AdminRow {
    slug: String,
    title: String,
    /// The petition's own language, for its title.
    lang: &'static str,
    owner_name: String,
    owner_email: String,
    count: i64,
    open: bool,
    created_on: String,
    hidden: Option<HiddenView>,
}

struct HiddenView {
    since: String,
    reason: String,
}

struct FailedHide {
    slug: String,
    title: String,
    /// The petition's own language, for its title.
    lang: &'static str,
    reason: String,
}

/// Everything on the page that is not the list itself.
#[derive(Default)]
struct PageState {
    notice: Option<&'static str>,
    errors: FieldErrors,
    failed_hide: Option<FailedHide>,
    promote_email: String,
}

async fn render_admin(
    state: &AppState,
    ui: Ui,
    current: &CurrentOrganizer,
    page: i64,
    extra: PageState,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let offset = (page - 1) * PER_PAGE;
    let (rows, total) = state
        .db
        .run(move |conn| admin_rows::list_petitions(conn, offset, PER_PAGE))
        .await?;
    let at = now();
    let rows = rows
        .into_iter()
        .map(|row| {
            let p = row.petition;
            AdminRow {
                count: state.counts.count_of(&p.id),
                open: p.is_open_at(at),
                created_on: ui.date(p.created_at),
                lang: p.language().code(),
                hidden: p.hidden_at.map(|since| HiddenView {
                    since: ui.date(since),
                    reason: p.hidden_reason.clone().unwrap_or_default(),
                }),
                slug: p.slug,
                title: p.title,
                owner_name: row.owner_name,
                owner_email: row.owner_email,
            }
        })
        .collect();
    render(
        status,
        &AdminPage {
            l: ui,
            rows,
            total,
            page,
            newer: (page > 1).then_some(page - 1),
            older: (offset + PER_PAGE < total).then_some(page + 1),
            csrf_token: state.csrf.issue(&current.csrf_scope()),
            notice: extra.notice,
            errors: extra.errors,
            failed_hide: extra.failed_hide,
            promote_email: extra.promote_email,
            max_reason: MAX_REASON_CHARS,
        },
    )
}

#[derive(Deserialize)]
pub struct IndexQuery {
    page: Option<String>,
    done: Option<String>,
}

/// What the redirect after a successful action asked to confirm. Only
/// these fixed messages, so the address cannot put words on the page.
fn notice_for(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "hidden" => "admin-done-hidden",
        "unhidden" => "admin-done-unhidden",
        "promoted" => "admin-done-promoted",
        "closed" => "admin-done-closed",
        _ => return None,
    })
}

pub async fn index(
    state: web::Data<AppState>,
    ui: Ui,
    current: CurrentOrganizer,
    query: web::Query<IndexQuery>,
) -> Result<HttpResponse, AppError> {
    current.require_admin()?;
    let page = match query.page.as_deref().map(str::trim) {
        None | Some("") => 1,
        Some(p) => p
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=1_000_000).contains(n))
            .ok_or_else(|| {
                AppError::BadRequest(Message::new("error-param-positive").arg("name", "page"))
            })?,
    };
    let extra = PageState {
        notice: notice_for(query.done.as_deref()),
        ..PageState::default()
    };
    render_admin(&state, ui, &current, page, extra, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct HideForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    csrf_token: String,
}

carries_csrf_token!(HideForm, UnhideForm, PromoteForm);

pub async fn hide(
    state: web::Data<AppState>,
    req: HttpRequest,
    ui: Ui,
    slug: web::Path<String>,
    CheckedForm {
        sender: Admin(current),
        form,
    }: CheckedForm<HideForm, Admin>,
) -> Result<HttpResponse, AppError> {
    match app::moderation::hide(&state, &current.organizer, &slug, &form.reason).await {
        Ok(Hiding::Hidden(_)) => {
            let admin = Some(current.organizer.id.as_str());
            security_event(
                &req,
                "petition_hidden",
                admin,
                Some(&slug),
                Outcome::Success,
            );
            Ok(see_other("/admin?done=hidden"))
        }
        Ok(Hiding::InvalidReason { petition, message }) => {
            let mut errors = FieldErrors::default();
            errors.add("reason", message);
            let extra = PageState {
                errors,
                failed_hide: Some(FailedHide {
                    lang: petition.language().code(),
                    slug: petition.slug,
                    title: petition.title,
                    reason: form.reason,
                }),
                ..PageState::default()
            };
            render_admin(
                &state,
                ui,
                &current,
                1,
                extra,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(err) => Err(moderation_error(err)),
    }
}

#[derive(Deserialize)]
pub struct UnhideForm {
    #[serde(default)]
    csrf_token: String,
}

pub async fn unhide(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    CheckedForm {
        sender: Admin(current),
        ..
    }: CheckedForm<UnhideForm, Admin>,
) -> Result<HttpResponse, AppError> {
    app::moderation::unhide(&state, &slug)
        .await
        .map_err(moderation_error)?;
    let admin = Some(current.organizer.id.as_str());
    security_event(
        &req,
        "petition_unhidden",
        admin,
        Some(&slug),
        Outcome::Success,
    );
    Ok(see_other("/admin?done=unhidden"))
}

fn moderation_error(err: ModerationError) -> AppError {
    match err {
        ModerationError::NotFound => AppError::NotFound,
        ModerationError::Failed(err) => err.into(),
    }
}

#[derive(Deserialize)]
pub struct PromoteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    csrf_token: String,
}

pub async fn promote(
    state: web::Data<AppState>,
    req: HttpRequest,
    ui: Ui,
    CheckedForm {
        sender: Admin(current),
        form,
    }: CheckedForm<PromoteForm, Admin>,
) -> Result<HttpResponse, AppError> {
    let problem = match Email::parse(&form.email) {
        Err(EmailError::Empty) => Some(Message::new("error-promote-empty")),
        Err(err) => Some(err.into()),
        Ok(email) => {
            let canonical = email.canonical().to_owned();
            let admin_id = current.organizer.id.clone();
            // Admins are trusted, so saying that nobody has this address
            // leaks nothing; public pages never say so.
            let masked = mask_email(email.canonical());
            let promoted = state
                .db
                .run(move |conn| admin_rows::promote(conn, &canonical, &admin_id, now()))
                .await?;
            let outcome = match promoted {
                PromoteOutcome::Promoted | PromoteOutcome::AlreadyAdmin => Outcome::Success,
                PromoteOutcome::NoSuchOrganizer => Outcome::Failure,
                PromoteOutcome::Unverified => Outcome::Refused,
            };
            let admin = Some(current.organizer.id.as_str());
            security_event(&req, "admin_promoted", admin, Some(&masked), outcome);
            match promoted {
                PromoteOutcome::Promoted | PromoteOutcome::AlreadyAdmin => None,
                PromoteOutcome::NoSuchOrganizer => {
                    Some(Message::new("error-promote-unknown").arg("email", email.as_typed()))
                }
                PromoteOutcome::Unverified => {
                    Some(Message::new("error-promote-unverified").arg("email", email.as_typed()))
                }
            }
        }
    };
    let Some(message) = problem else {
        return Ok(see_other("/admin?done=promoted"));
    };
    let mut errors = FieldErrors::default();
    errors.add("email", message);
    let extra = PageState {
        errors,
        promote_email: form.email,
        ..PageState::default()
    };
    render_admin(
        &state,
        ui,
        &current,
        1,
        extra,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}
