//! Signing, confirming and withdrawing: the HTTP side of `app::sign`,
//! `app::confirm` and `app::withdraw`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::petitions::{render_sign_surface, sign_scope, Surface};
use super::{render, see_other, with_retry_after};
use crate::app;
use crate::app::confirm::{Confirmation, Prompt};
use crate::app::sign::{SignError, SignRequest};
use crate::app::withdraw::Withdrawal;
use crate::db::models::petitions::Petition;
use crate::domain::share::SharePanel;
use crate::domain::signer::SignatureForm;
use crate::domain::FieldErrors;
use crate::error::{rate_limited_message, AppError};
use crate::http::client_ip::{client_addr, client_ip};
use crate::http::csrf::VerifyRequest;
use crate::i18n::{Message, Ui};
use crate::security::csrf::CsrfError;
use crate::security::limits::Limited;
use crate::state::AppState;

pub async fn sign(
    state: web::Data<AppState>,
    req: HttpRequest,
    ui: Ui,
    slug: web::Path<String>,
    form: web::Form<SignatureForm>,
) -> Result<HttpResponse, AppError> {
    sign_on(
        Surface::Page,
        &state,
        &req,
        ui,
        slug.into_inner(),
        form.into_inner(),
    )
    .await
}

/// Signing inside the embedded widget: the same rules, answered inside the
/// iframe.
pub async fn sign_embedded(
    state: web::Data<AppState>,
    req: HttpRequest,
    ui: Ui,
    slug: web::Path<String>,
    form: web::Form<SignatureForm>,
) -> Result<HttpResponse, AppError> {
    sign_on(
        Surface::Embed,
        &state,
        &req,
        ui,
        slug.into_inner(),
        form.into_inner(),
    )
    .await
}

async fn sign_on(
    surface: Surface,
    state: &AppState,
    req: &HttpRequest,
    ui: Ui,
    slug: String,
    mut form: SignatureForm,
) -> Result<HttpResponse, AppError> {
    if let Err(err) = state.csrf.verify(req, &sign_scope(&slug), &form.csrf_token) {
        // Keep what was typed and offer a fresh token.
        let notice = match err {
            CsrfError::Expired => "error-sign-form-expired",
            _ => "error-sign-form-refused",
        };
        form.csrf_token.clear();
        return render_sign_surface(
            state,
            ui,
            surface,
            &slug,
            form,
            FieldErrors::default(),
            Some(Message::new(notice)),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    if let Err(limited) = state.limits.sign(client_addr(req), &slug) {
        return rate_limited(state, ui, surface, &slug, form, limited).await;
    }
    let request = SignRequest {
        slug: &slug,
        form: &form,
        ip: client_ip(req),
        locale: ui.locale(),
    };
    match app::sign::sign(state, request).await {
        Ok(()) => Ok(see_other(&match (surface, ui.chosen_code()) {
            (Surface::Page, _) => format!("/petitions/{slug}/signed"),
            (Surface::Embed, None) => format!("/petitions/{slug}/embed?signed=1"),
            (Surface::Embed, Some(code)) => {
                format!("/petitions/{slug}/embed?signed=1&lang={code}")
            }
        })),
        Err(SignError::Invalid(errors)) => {
            render_sign_surface(
                state,
                ui,
                surface,
                &slug,
                form,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(SignError::Closed) => match surface {
            Surface::Page => render_closed(ui, &slug),
            // The widget shows itself closed.
            Surface::Embed => {
                render_sign_surface(
                    state,
                    ui,
                    surface,
                    &slug,
                    SignatureForm::default(),
                    FieldErrors::default(),
                    None,
                    StatusCode::CONFLICT,
                )
                .await
            }
        },
        Err(SignError::NotFound) => Err(AppError::NotFound),
        Err(SignError::Failed(err)) => Err(err.into()),
    }
}

/// 429: the form again, with what was typed and when to retry.
async fn rate_limited(
    state: &AppState,
    ui: Ui,
    surface: Surface,
    slug: &str,
    form: SignatureForm,
    limited: Limited,
) -> Result<HttpResponse, AppError> {
    let notice = Message::new("error-rate-limited-kept")
        .arg("message", ui.locale().msg(&rate_limited_message(&limited)));
    let page = render_sign_surface(
        state,
        ui,
        surface,
        slug,
        form,
        FieldErrors::default(),
        Some(notice),
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await?;
    Ok(with_retry_after(page, limited.retry_after))
}

#[derive(Template)]
#[template(path = "signatures/closed.html")]
struct ClosedPage<'a> {
    l: Ui,
    slug: &'a str,
}

fn render_closed(ui: Ui, slug: &str) -> Result<HttpResponse, AppError> {
    render(
        StatusCode::CONFLICT,
        &ClosedPage {
            l: ui.at(&format!("/petitions/{slug}")),
            slug,
        },
    )
}

#[derive(Template)]
#[template(path = "signatures/signed.html")]
struct SignedPage {
    l: Ui,
    slug: String,
}

/// "Check your inbox": the same page whatever happened to the submission.
pub async fn signed(
    state: web::Data<AppState>,
    ui: Ui,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let petition = state.counts.get(&slug).ok_or(AppError::NotFound)?;
    render(
        StatusCode::OK,
        &SignedPage {
            l: ui,
            slug: petition.slug,
        },
    )
}

#[derive(Template)]
#[template(path = "signatures/confirmed.html")]
struct ConfirmedPage {
    l: Ui,
    /// `None` when the petition is hidden: the page then names no petition.
    slug: Option<String>,
    already: bool,
    share: Option<SharePanel>,
    /// The receipt code, shown this once.
    receipt: Option<String>,
}

#[derive(Template)]
#[template(path = "signatures/link_invalid.html")]
struct LinkInvalidPage {
    l: Ui,
    slug: Option<String>,
}

fn link_invalid(ui: Ui, slug: Option<String>) -> Result<HttpResponse, AppError> {
    render(StatusCode::NOT_FOUND, &LinkInvalidPage { l: ui, slug })
}

#[derive(Template)]
#[template(path = "signatures/confirm.html")]
struct ConfirmPage {
    l: Ui,
    token: String,
    /// `None` when the petition is hidden.
    petition: Option<Box<Petition>>,
}

/// Opening a confirmation link: the petition and one button. Nothing
/// changes here; mail scanners open every link they see.
pub async fn confirm_form(
    state: web::Data<AppState>,
    ui: Ui,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    match app::confirm::prompt(&state, token.clone()).await? {
        Prompt::Confirm { petition } => render(
            StatusCode::OK,
            &ConfirmPage {
                l: ui,
                token,
                petition,
            },
        ),
        Prompt::Settled(done) => confirmation_page(&state, ui, done),
    }
}

/// The button: the signer confirms. The token in the address is the
/// secret that a forged cross-site request lacks, so the form carries
/// nothing else.
pub async fn confirm(
    state: web::Data<AppState>,
    ui: Ui,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let done = app::confirm::confirm(&state, token.into_inner()).await?;
    confirmation_page(&state, ui, done)
}

fn confirmation_page(
    state: &AppState,
    ui: Ui,
    done: Confirmation,
) -> Result<HttpResponse, AppError> {
    match done {
        Confirmation::Counted {
            already,
            petition,
            receipt,
        } => {
            let share = petition
                .as_ref()
                .map(|p| SharePanel::new(&state.petition_url(&p.slug), &p.title, ui.locale()));
            render(
                StatusCode::OK,
                &ConfirmedPage {
                    l: ui,
                    slug: petition.map(|p| p.slug),
                    already,
                    share,
                    receipt: receipt.map(|r| r.code()),
                },
            )
        }
        Confirmation::LinkInvalid { slug } => link_invalid(ui, slug),
    }
}

const WITHDRAW_SCOPE: &str = "withdraw";

#[derive(Template)]
#[template(path = "signatures/withdraw.html")]
struct WithdrawPage {
    l: Ui,
    token: String,
    slug: Option<String>,
    csrf_token: String,
}

pub async fn withdraw_form(
    state: web::Data<AppState>,
    ui: Ui,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    match app::withdraw::find(&state, token.clone()).await? {
        Withdrawal::Live { slug } => render(
            StatusCode::OK,
            &WithdrawPage {
                l: ui,
                token,
                slug,
                csrf_token: state.csrf.issue(WITHDRAW_SCOPE),
            },
        ),
        Withdrawal::LinkInvalid => link_invalid(ui, None),
    }
}

#[derive(Template)]
#[template(path = "signatures/withdrawn.html")]
struct WithdrawnPage {
    l: Ui,
    slug: Option<String>,
}

#[derive(Template)]
#[template(path = "signatures/erased.html")]
struct ErasedPage {
    l: Ui,
    token: String,
    slug: Option<String>,
}

impl ErasedPage {
    fn withdraw_path(&self) -> String {
        format!("/signatures/withdraw/{}", self.token)
    }
}

/// The withdrawal form: `action=erase` keeps the signature and erases the
/// signer's details; anything else withdraws it.
#[derive(Default, serde::Deserialize)]
#[serde(default)]
pub struct WithdrawForm {
    action: String,
    csrf_token: String,
}

pub async fn withdraw(
    state: web::Data<AppState>,
    req: HttpRequest,
    ui: Ui,
    token: web::Path<String>,
    form: web::Form<WithdrawForm>,
) -> Result<HttpResponse, AppError> {
    state.csrf.verify(&req, WITHDRAW_SCOPE, &form.csrf_token)?;
    let token = token.into_inner();
    if form.action == "erase" {
        return match app::withdraw::erase(&state, token.clone()).await? {
            Withdrawal::Live { slug } => render(StatusCode::OK, &ErasedPage { l: ui, token, slug }),
            Withdrawal::LinkInvalid => link_invalid(ui, None),
        };
    }
    match app::withdraw::withdraw(&state, token).await? {
        Withdrawal::Live { slug } => render(StatusCode::OK, &WithdrawnPage { l: ui, slug }),
        Withdrawal::LinkInvalid => link_invalid(ui, None),
    }
}
