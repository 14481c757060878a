//! The organizer's dashboard.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::{human_date, render, see_other};
use crate::db::models::{now, petitions};
use crate::domain::petition::{today_utc, NewPetition, PetitionForm};
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::security::csrf::CsrfForm;
use crate::security::session::CurrentOrganizer;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "dashboard/index.html")]
struct DashboardPage {
    organizer_name: String,
    petitions: Vec<DashboardRow>,
    csrf_token: String,
}

struct DashboardRow {
    slug: String,
    title: String,
    count: i64,
    goal: i64,
    open: bool,
    created_on: String,
}

pub async fn index(
    state: web::Data<AppState>,
    current: CurrentOrganizer,
) -> Result<HttpResponse, AppError> {
    let owner = current.organizer.id.clone();
    let rows = state
        .db
        .run(move |conn| petitions::list_for_owner(conn, &owner))
        .await?;
    let at = now();
    let petitions = rows
        .into_iter()
        .map(|p| DashboardRow {
            count: state.counts.count_of(&p.id),
            open: p.is_open_at(at),
            created_on: human_date(p.created_at),
            slug: p.slug,
            title: p.title,
            goal: p.goal,
        })
        .collect();
    render(
        StatusCode::OK,
        &DashboardPage {
            organizer_name: current.organizer.name.clone(),
            petitions,
            csrf_token: state.csrf.issue(&current.csrf_scope()),
        },
    )
}

const SESSION_EXPIRED: &str = "You have been logged out, so the petition was not published yet. \
     Your text is kept below: log in again in a new tab, then come back here and press Publish.";

#[derive(Template)]
#[template(path = "dashboard/petition_form.html")]
struct PetitionFormPage {
    values: PetitionForm,
    errors: FieldErrors,
    suggestions: Vec<String>,
    csrf_token: String,
    notice: Option<&'static str>,
}

impl PetitionFormPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }
}

async fn render_form(
    state: &AppState,
    current: &CurrentOrganizer,
    values: PetitionForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let csrf_token = state.csrf.issue(&current.csrf_scope());
    render_form_with(state, values, errors, csrf_token, None, status).await
}

async fn render_form_with(
    state: &AppState,
    values: PetitionForm,
    errors: FieldErrors,
    csrf_token: String,
    notice: Option<&'static str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let suggestions = state.db.run(petitions::suggested_targets).await?;
    render(
        status,
        &PetitionFormPage {
            values,
            errors,
            suggestions,
            csrf_token,
            notice,
        },
    )
}

pub async fn new_petition_form(
    state: web::Data<AppState>,
    current: CurrentOrganizer,
) -> Result<HttpResponse, AppError> {
    let values = PetitionForm {
        goal: "1000".into(),
        ..PetitionForm::default()
    };
    render_form(
        &state,
        &current,
        values,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn create_petition(
    state: web::Data<AppState>,
    req: HttpRequest,
    current: Option<CurrentOrganizer>,
    form: web::Form<PetitionForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let Some(current) = current else {
        // The session ended while the petition was being written. Keep the
        // text, and the token, which still works once the same organizer
        // has logged in again.
        let token = form.csrf_token.clone();
        return render_form_with(
            &state,
            form,
            FieldErrors::default(),
            token,
            Some(SESSION_EXPIRED),
            StatusCode::UNAUTHORIZED,
        )
        .await;
    };
    state
        .csrf
        .verify(&req, &current.csrf_scope(), &form.csrf_token)?;
    let new = match NewPetition::parse(&form, today_utc()) {
        Ok(new) => new,
        Err(errors) => {
            return render_form(
                &state,
                &current,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let owner = current.organizer.id.clone();
    let petition = state
        .db
        .run(move |conn| petitions::create(conn, &owner, &new))
        .await?;
    state.counts.upsert_petition(&petition);
    Ok(see_other(&format!("/petitions/{}", petition.slug)))
}

/// Closes a petition to new signatures. Only its owner may.
pub async fn close_petition(
    state: web::Data<AppState>,
    req: HttpRequest,
    current: CurrentOrganizer,
    slug: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    state
        .csrf
        .verify(&req, &current.csrf_scope(), &form.csrf_token)?;
    let owner = current.organizer.id.clone();
    let slug = slug.into_inner();
    let petition = state
        .db
        .run(move |conn| petitions::close(conn, &slug, &owner))
        .await?
        .ok_or(AppError::NotFound)?;
    state.counts.upsert_petition(&petition);
    Ok(see_other("/dashboard"))
}
