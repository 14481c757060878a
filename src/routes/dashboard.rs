//! The organizer's dashboard.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::managing::{petition_to_manage, Managing};
use super::{render, see_other};
use crate::app;
use crate::app::petitions::{Changes, CreateError, EditError};
use crate::db::models::{now, petitions};
use crate::domain::petition::{PetitionForm, PetitionLanguage};
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::http::checked_form::{CarriesCsrfToken, CheckedForm};
use crate::http::csrf::{CsrfForm, VerifyRequest};
use crate::http::session::CurrentOrganizer;
use crate::i18n::{Message, Ui};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "dashboard/index.html")]
struct DashboardPage {
    l: Ui,
    organizer_name: String,
    is_admin: bool,
    petitions: Vec<DashboardRow>,
    csrf_token: String,
}

struct DashboardRow {
    slug: String,
    title: String,
    /// The petition's own language, for its title.
    lang: &'static str,
    count: i64,
    goal: i64,
    open: bool,
    created_on: String,
    /// Why an admin hid it from the public, if one did.
    hidden_reason: Option<String>,
}

pub async fn index(
    state: web::Data<AppState>,
    ui: Ui,
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
            created_on: ui.date(p.created_at),
            hidden_reason: hidden_reason(&p),
            lang: p.language().code(),
            slug: p.slug,
            title: p.title,
            goal: p.goal,
        })
        .collect();
    render(
        StatusCode::OK,
        &DashboardPage {
            l: ui,
            organizer_name: current.organizer.name.clone(),
            is_admin: current.organizer.is_admin,
            petitions,
            csrf_token: state.csrf.issue(&current.csrf_scope()),
        },
    )
}

/// The admin's reason for a hidden petition; an empty reason still marks it.
fn hidden_reason(petition: &petitions::Petition) -> Option<String> {
    petition
        .hidden_at
        .map(|_| petition.hidden_reason.clone().unwrap_or_default())
}

const SESSION_EXPIRED: &str = "petition-form-session-expired";

#[derive(Template)]
#[template(path = "dashboard/petition_form.html")]
struct PetitionFormPage {
    l: Ui,
    values: PetitionForm,
    errors: FieldErrors,
    suggestions: Vec<String>,
    csrf_token: String,
    notice: Option<&'static str>,
    /// Where the form posts, and how the page and its button read.
    action: String,
    heading: &'static str,
    submit: &'static str,
    /// The text as it will appear, when the organizer asked for a preview.
    preview: Option<String>,
    /// Only the edit form previews; the new one publishes in one step.
    can_preview: bool,
    /// Why an admin hid the petition being edited, if one did.
    hidden_reason: Option<String>,
    languages: [PetitionLanguage; 2],
    /// The language of the petition being edited, for the fields that
    /// hold its words (spell checkers and screen readers follow it).
    content_lang: Option<&'static str>,
}

impl PetitionFormPage {
    fn error(&self, field: &str) -> Option<&Message> {
        self.errors.get(field)
    }
}

/// Which petition form a page shows: the new one posts to publish, the
/// edit one saves and can preview.
enum FormMode {
    New {
        notice: Option<&'static str>,
    },
    Edit {
        slug: String,
        preview: Option<String>,
        hidden_reason: Option<String>,
    },
}

async fn render_form(
    state: &AppState,
    ui: Ui,
    current: &CurrentOrganizer,
    mode: FormMode,
    values: PetitionForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let csrf_token = state.csrf.issue(&current.csrf_scope());
    render_form_with(state, ui, mode, values, errors, csrf_token, status).await
}

async fn render_form_with(
    state: &AppState,
    ui: Ui,
    mode: FormMode,
    values: PetitionForm,
    errors: FieldErrors,
    csrf_token: String,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let suggestions = state.db.run(petitions::suggested_targets).await?;
    // A new petition's language is only a default until it is chosen.
    let content_lang = match mode {
        FormMode::New { .. } => None,
        FormMode::Edit { .. } => PetitionLanguage::parse(&values.language).map(|l| l.code()),
    };
    let (action, heading, submit, notice, preview, can_preview, hidden_reason) = match mode {
        FormMode::New { notice } => (
            "/dashboard/petitions/new".to_owned(),
            "nav-start-petition",
            "petition-form-publish",
            notice,
            None,
            false,
            None,
        ),
        FormMode::Edit {
            slug,
            preview,
            hidden_reason,
        } => (
            format!("/dashboard/petitions/{slug}/edit"),
            "petition-form-edit-heading",
            "petition-form-save",
            None,
            preview,
            true,
            hidden_reason,
        ),
    };
    render(
        status,
        &PetitionFormPage {
            l: ui,
            values,
            errors,
            suggestions,
            csrf_token,
            notice,
            action,
            heading,
            submit,
            preview,
            can_preview,
            hidden_reason,
            languages: PetitionLanguage::ALL,
            content_lang,
        },
    )
}

pub async fn edit_petition_form(
    state: web::Data<AppState>,
    ui: Ui,
    current: CurrentOrganizer,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (petition, targets) =
        petition_to_manage(&state, &current.organizer, &slug, Managing::Edit).await?;
    let hidden_reason = hidden_reason(&petition);
    let values = petition.as_form(&targets);
    render_form(
        &state,
        ui,
        &current,
        FormMode::Edit {
            slug: slug.clone(),
            preview: None,
            hidden_reason,
        },
        values,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct EditForm {
    #[serde(flatten)]
    petition: PetitionForm,
    /// Present when the organizer pressed Preview rather than Save.
    #[serde(default)]
    preview: Option<String>,
}

impl CarriesCsrfToken for EditForm {
    fn csrf_token(&self) -> &str {
        &self.petition.csrf_token
    }
}

pub async fn edit_petition(
    state: web::Data<AppState>,
    ui: Ui,
    slug: web::Path<String>,
    CheckedForm {
        sender: current,
        form: EditForm {
            petition: form,
            preview,
        },
    }: CheckedForm<EditForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    if preview.is_some() {
        let preview = app::petitions::preview_edit(&state, &current.organizer, &slug, &form)
            .await
            .map_err(|err| Managing::Edit.error(err))?;
        return render_form(
            &state,
            ui,
            &current,
            FormMode::Edit {
                slug: slug.clone(),
                preview: Some(preview.body_html),
                hidden_reason: None,
            },
            form,
            preview.errors,
            StatusCode::OK,
        )
        .await;
    }
    match app::petitions::edit(&state, &current.organizer, &slug, Changes::Whole(&form)).await {
        // A hidden petition's page is 404, even to its owner.
        Ok(saved) if saved.petition.hidden_at.is_some() => Ok(see_other("/dashboard")),
        Ok(_) => Ok(see_other(&format!("/petitions/{slug}"))),
        Err(EditError::Invalid(errors)) => {
            render_form(
                &state,
                ui,
                &current,
                FormMode::Edit {
                    slug: slug.clone(),
                    preview: None,
                    hidden_reason: None,
                },
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(EditError::Refused(refusal)) => Err(Managing::Edit.refused(refusal)),
        Err(EditError::Failed(err)) => Err(err.into()),
    }
}

pub async fn new_petition_form(
    state: web::Data<AppState>,
    ui: Ui,
    current: CurrentOrganizer,
) -> Result<HttpResponse, AppError> {
    let values = PetitionForm {
        goal: "1000".into(),
        ..PetitionForm::default()
    };
    render_form(
        &state,
        ui,
        &current,
        FormMode::New { notice: None },
        values,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn create_petition(
    state: web::Data<AppState>,
    ui: Ui,
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
            ui,
            FormMode::New {
                notice: Some(SESSION_EXPIRED),
            },
            form,
            FieldErrors::default(),
            token,
            StatusCode::UNAUTHORIZED,
        )
        .await;
    };
    state
        .csrf
        .verify(&req, &current.csrf_scope(), &form.csrf_token)?;
    match app::petitions::create(&state, &current.organizer, &form).await {
        Ok(saved) => Ok(see_other(&format!("/petitions/{}", saved.petition.slug))),
        Err(CreateError::Invalid(errors)) => {
            render_form(
                &state,
                ui,
                &current,
                FormMode::New { notice: None },
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(CreateError::Failed(err)) => Err(err.into()),
    }
}

/// Closes a petition to new signatures. Its owner may, and so may an
/// admin, who is sent back to the admin page.
pub async fn close_petition(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    CheckedForm {
        sender: current, ..
    }: CheckedForm<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    let petition = app::petitions::close(&state, &current.organizer, &slug)
        .await
        .map_err(|err| Managing::Edit.error(err))?;
    if petition.owner_id != current.organizer.id {
        return Ok(see_other("/admin?done=closed"));
    }
    Ok(see_other("/dashboard"))
}
