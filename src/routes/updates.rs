//! Updates to signers: the organizer's page to write them, and the
//! signer's unsubscribe link.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::managing::{petition_to_manage, Managing};
use super::{render, see_other};
use crate::app;
use crate::app::updates::{PostError, Posting};
use crate::db::models::now;
use crate::db::models::petitions::Petition;
use crate::db::models::updates::{self, Allowance, PetitionUpdate};
use crate::domain::petition::PetitionLanguage;
use crate::domain::token::looks_like_token;
use crate::domain::update::UpdateForm;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::http::checked_form::{carries_csrf_token, CheckedForm};
use crate::http::csrf::VerifyRequest;
use crate::http::session::CurrentOrganizer;
use crate::i18n::{Locale, Message, Ui};
use crate::state::AppState;

/// Past updates listed on the organizer's page.
const HISTORY: i64 = 50;

#[derive(Template)]
#[template(path = "dashboard/updates.html")]
struct UpdatesPage {
    l: Ui,
    slug: String,
    title: String,
    /// The petition's own language, for its title.
    lang: &'static str,
    /// Confirmed signers who asked for news: who an update would reach.
    audience: i64,
    allowance: AllowanceView,
    values: UpdateForm,
    errors: FieldErrors,
    preview: Option<String>,
    notice: Option<&'static str>,
    history: Vec<UpdateRow>,
    csrf_token: String,
}

impl UpdatesPage {
    fn error(&self, field: &str) -> Option<&Message> {
        self.errors.get(field)
    }
}

struct AllowanceView {
    remaining: usize,
    next_on: Option<String>,
}

impl AllowanceView {
    fn new(a: Allowance, locale: Locale) -> Self {
        Self {
            remaining: a.remaining,
            next_on: a.next_at.map(|at| locale.date(at)),
        }
    }
}

struct UpdateRow {
    subject: String,
    sent_on: String,
    recipients: i64,
    finished: bool,
}

impl UpdateRow {
    fn new(u: PetitionUpdate, locale: Locale) -> Self {
        Self {
            subject: u.subject,
            sent_on: locale.date(u.created_at),
            recipients: u.recipients,
            finished: u.delivered_at.is_some(),
        }
    }
}

const SENT_NOTICE: &str = "updates-sent-notice";

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    sent: Option<String>,
}

struct PageInput {
    values: UpdateForm,
    errors: FieldErrors,
    preview: Option<String>,
    notice: Option<&'static str>,
}

async fn render_page(
    state: &AppState,
    ui: Ui,
    current: &CurrentOrganizer,
    petition: Petition,
    input: PageInput,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let id = petition.id.clone();
    let (audience, allowance, history) = state
        .db
        .run(move |conn| {
            let at = now();
            Ok((
                updates::audience(conn, &id)?,
                updates::allowance(conn, &id, at)?,
                updates::for_petition(conn, &id, HISTORY)?,
            ))
        })
        .await?;
    render(
        status,
        &UpdatesPage {
            lang: petition.language().code(),
            slug: petition.slug,
            title: petition.title,
            audience,
            allowance: AllowanceView::new(allowance, ui.locale()),
            values: input.values,
            errors: input.errors,
            preview: input.preview,
            notice: input.notice,
            history: history
                .into_iter()
                .map(|u| UpdateRow::new(u, ui.locale()))
                .collect(),
            csrf_token: state.csrf.issue(&current.csrf_scope()),
            l: ui,
        },
    )
}

pub async fn updates_page(
    state: web::Data<AppState>,
    ui: Ui,
    current: CurrentOrganizer,
    slug: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let (petition, _) =
        petition_to_manage(&state, &current.organizer, &slug, Managing::Updates).await?;
    let input = PageInput {
        values: UpdateForm::default(),
        errors: FieldErrors::default(),
        preview: None,
        notice: query.sent.is_some().then_some(SENT_NOTICE),
    };
    render_page(&state, ui, &current, petition, input, StatusCode::OK).await
}

carries_csrf_token!(UpdateForm);

pub async fn post_update(
    state: web::Data<AppState>,
    ui: Ui,
    slug: web::Path<String>,
    CheckedForm {
        sender: current,
        form,
    }: CheckedForm<UpdateForm>,
) -> Result<HttpResponse, AppError> {
    let posting = match app::updates::post(&state, &current.organizer, &slug, &form).await {
        Ok(posting) => posting,
        Err(PostError::Refused(refusal)) => return Err(Managing::Updates.refused(refusal)),
        Err(PostError::Hidden) => {
            return Err(AppError::Forbidden(Message::new("error-updates-hidden")))
        }
        Err(PostError::Failed(err)) => return Err(err.into()),
    };
    let (petition, input, status) = match posting {
        Posting::Sent { slug } => {
            return Ok(see_other(&format!(
                "/dashboard/petitions/{slug}/updates?sent=1"
            )))
        }
        Posting::Previewed { petition, preview } => {
            let input = PageInput {
                values: form,
                errors: preview.errors,
                preview: Some(preview.body_html),
                notice: None,
            };
            (petition, input, StatusCode::OK)
        }
        Posting::Invalid { petition, errors } => {
            let input = PageInput {
                values: form,
                errors,
                preview: None,
                notice: None,
            };
            (petition, input, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Posting::WeeklyLimit { petition, next_at } => {
            let mut errors = FieldErrors::default();
            errors.add(
                "subject",
                Message::new("error-updates-weekly-limit")
                    .arg("limit", updates::WEEKLY_LIMIT)
                    .arg("date", ui.locale().date(next_at)),
            );
            let input = PageInput {
                values: form,
                errors,
                preview: None,
                notice: None,
            };
            (petition, input, StatusCode::TOO_MANY_REQUESTS)
        }
    };
    render_page(&state, ui, &current, petition, input, status).await
}

#[derive(Template)]
#[template(path = "signatures/unsubscribe.html")]
struct UnsubscribePage {
    l: Ui,
    token: String,
    slug: String,
    title: String,
    /// The petition's own language, for its title.
    lang: &'static str,
    subscribed: bool,
    csrf_token: String,
}

#[derive(Template)]
#[template(path = "signatures/unsubscribed.html")]
struct UnsubscribedPage {
    l: Ui,
    slug: String,
    title: String,
    /// The petition's own language, for its title.
    lang: &'static str,
}

const UNSUBSCRIBE_SCOPE: &str = "unsubscribe";

#[derive(Template)]
#[template(path = "signatures/unsubscribe_invalid.html")]
struct UnsubscribeInvalidPage {
    l: Ui,
}

fn unknown_link(ui: Ui) -> Result<HttpResponse, AppError> {
    render(StatusCode::NOT_FOUND, &UnsubscribeInvalidPage { l: ui })
}

/// Asks before unsubscribing: link scanners in mail systems open every
/// link, and must not unsubscribe anyone by doing so.
pub async fn unsubscribe_form(
    state: web::Data<AppState>,
    ui: Ui,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    if !looks_like_token(&token) {
        return unknown_link(ui);
    }
    let lookup = token.clone();
    let Some(found) = state
        .db
        .run(move |conn| updates::subscription(conn, &lookup, now()))
        .await?
    else {
        return unknown_link(ui);
    };
    render(
        StatusCode::OK,
        &UnsubscribePage {
            l: ui,
            token,
            lang: PetitionLanguage::parse(&found.language)
                .unwrap_or_default()
                .code(),
            slug: found.slug,
            title: found.title,
            subscribed: found.subscribed,
            csrf_token: state.csrf.issue(UNSUBSCRIBE_SCOPE),
        },
    )
}

/// What a POST to an unsubscribe link carries: our own page's form token,
/// or (RFC 8058) a mail provider's `List-Unsubscribe=One-Click`, which may
/// come urlencoded or as `multipart/form-data` and carries no cookies or
/// form token.
fn one_click_or_token(body: &[u8]) -> (bool, String) {
    let has = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
    // urlencoded, or a multipart part named List-Unsubscribe.
    let one_click = has(b"List-Unsubscribe=One-Click")
        || (has(b"name=\"List-Unsubscribe\"") && has(b"One-Click"));
    let token = url::form_urlencoded::parse(body)
        .find(|(key, _)| key == "csrf_token")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    (one_click, token)
}

pub async fn unsubscribe(
    state: web::Data<AppState>,
    req: HttpRequest,
    ui: Ui,
    token: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    // The unguessable token in the address is what authorises this; the
    // CSRF token only guards the button on our own page.
    let (one_click, csrf_token) = one_click_or_token(&body);
    if !one_click {
        state.csrf.verify(&req, UNSUBSCRIBE_SCOPE, &csrf_token)?;
    }
    let token = token.into_inner();
    if !looks_like_token(&token) {
        return unknown_link(ui);
    }
    let Some(done) = state
        .db
        .run(move |conn| updates::unsubscribe(conn, &token, now()))
        .await?
    else {
        return unknown_link(ui);
    };
    render(
        StatusCode::OK,
        &UnsubscribedPage {
            l: ui,
            lang: PetitionLanguage::parse(&done.language)
                .unwrap_or_default()
                .code(),
            slug: done.slug,
            title: done.title,
        },
    )
}
