//! Signing, confirming and withdrawing.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::petitions::{render_sign_surface, sign_scope, Surface};
use super::{render, see_other, with_retry_after};
use crate::db::models::signatures::{
    self as signature_rows, ConfirmOutcome, EraseOutcome, SignatureMail, SignedFrom,
    WithdrawOutcome,
};
use crate::db::models::{now, petitions};
use crate::domain::disposable::is_disposable;
use crate::domain::share::SharePanel;
use crate::domain::signer::{NewSignature, SignatureForm};
use crate::domain::token::looks_like_token;
use crate::domain::FieldErrors;
use crate::email::messages::{AlreadySigned, ConfirmSignature};
use crate::error::{rate_limited_message, AppError};
use crate::http::client_ip::{client_addr, client_ip};
use crate::http::csrf::VerifyRequest;
use crate::i18n::{Locale, Message, Ui};
use crate::security::csrf::CsrfError;
use crate::security::limits::EmailQuota;
use crate::security::limits::Limited;
use crate::state::AppState;

/// Why a submission was not recorded.
pub enum SubmitError {
    Invalid(FieldErrors),
    Closed,
    Other(AppError),
}

impl From<AppError> for SubmitError {
    fn from(err: AppError) -> Self {
        Self::Other(err)
    }
}

impl From<anyhow::Error> for SubmitError {
    fn from(err: anyhow::Error) -> Self {
        Self::Other(err.into())
    }
}

/// Records a signature from the web form or the API. Every valid
/// submission, new, pending or already confirmed, ends the same way.
///
/// One trip to the blocking pool: look up the petition, check it is open,
/// parse the form and record the signature with its email.
pub async fn submit(
    state: &AppState,
    slug: &str,
    form: &SignatureForm,
    ip: Option<String>,
    locale: Locale,
) -> Result<(), SubmitError> {
    if form.filled_by_a_bot() {
        // The same answer a person gets, so the bot learns nothing, and
        // nothing is recorded or sent.
        state.metrics.honeypot_caught();
        tracing::info!(petition = slug, "honeypot filled; submission dropped");
        return Ok(());
    }
    let slug = slug.to_owned();
    // Parsed here, on a request thread, so the one writer thread only
    // writes. Its errors still come after "not found" and "closed".
    let parsed = NewSignature::try_from(form).and_then(|signature| {
        if state.settings.fraud.block_disposable_emails && is_disposable(signature.email.domain()) {
            let mut errors = FieldErrors::default();
            errors.add("email", Message::new("error-email-disposable"));
            return Err(errors);
        }
        Ok(signature)
    });
    let petition_base = state.url("/petitions/");
    let confirm_base = state.url("/signatures/confirm/");
    let withdraw_base = state.url("/signatures/withdraw/");
    let limits = state.limits.clone();
    let erased_signers = state.erased_signers.clone();
    state
        .db
        .run_batched(move |conn| {
            let Some(petition) = petitions::find_signing_target(conn, &slug)? else {
                return Ok(Err(SubmitError::Other(AppError::NotFound)));
            };
            if !petition.is_open_at(now()) {
                return Ok(Err(SubmitError::Closed));
            }
            let signature = match parsed {
                Ok(signature) => signature,
                Err(errors) => return Ok(Err(SubmitError::Invalid(errors))),
            };
            let petition_url = format!("{petition_base}{}", petition.slug);
            let address_key = signature.email.canonical().to_owned();
            let language = petition.language();
            let title = petition.title;
            let outcome = signature_rows::record(
                conn,
                &petition.id,
                &signature,
                SignedFrom {
                    ip: ip.as_deref(),
                    locale,
                },
                &erased_signers,
                now(),
                |mail, to| {
                    let email = match mail {
                        SignatureMail::Confirm {
                            confirm_token,
                            withdraw_token,
                        } => ConfirmSignature {
                            petition_title: title,
                            petition_language: language,
                            petition_url,
                            confirm_url: format!("{confirm_base}{confirm_token}"),
                            withdraw_url: format!("{withdraw_base}{withdraw_token}"),
                        }
                        .to_email(to, locale),
                        SignatureMail::AlreadySigned { withdraw_token } => AlreadySigned {
                            petition_title: title,
                            petition_language: language,
                            petition_url,
                            withdraw_url: format!("{withdraw_base}{withdraw_token}"),
                        }
                        .to_email(to, locale),
                    };
                    // Past the per-address daily cap an email waits its turn,
                    // within a day; beyond that it is not sent at all.
                    let not_before = match limits.email_quota(&address_key) {
                        EmailQuota::Now => None,
                        EmailQuota::After(wait) => Some(
                            now() + time::Duration::try_from(wait).unwrap_or(time::Duration::DAY),
                        ),
                        EmailQuota::Refused => return Ok(None),
                    };
                    email.map(|mut email| {
                        email.not_before = not_before;
                        Some(email)
                    })
                },
            )?;
            tracing::debug!(?outcome, "signature recorded");
            Ok(Ok(()))
        })
        .await??;
    state.outbox_wake.notify_one();
    Ok(())
}

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
    match submit(state, &slug, &form, client_ip(req), ui.locale()).await {
        Ok(()) => Ok(see_other(&match (surface, ui.chosen_code()) {
            (Surface::Page, _) => format!("/petitions/{slug}/signed"),
            (Surface::Embed, None) => format!("/petitions/{slug}/embed?signed=1"),
            (Surface::Embed, Some(code)) => {
                format!("/petitions/{slug}/embed?signed=1&lang={code}")
            }
        })),
        Err(SubmitError::Invalid(errors)) => {
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
        Err(SubmitError::Closed) => match surface {
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
        Err(SubmitError::Other(err)) => Err(err),
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

/// The slug, if the public may see its petition. Signers' links keep
/// working for a hidden petition, but their pages must not lead to it.
fn public_slug(state: &AppState, slug: String) -> Option<String> {
    state.counts.get(&slug).is_some().then_some(slug)
}

pub async fn confirm(
    state: web::Data<AppState>,
    ui: Ui,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    if !looks_like_token(&token) {
        return link_invalid(ui, None);
    }
    let counts = state.counts.clone();
    let outcome = state
        .db
        .run(move |conn| {
            let outcome = signature_rows::confirm(conn, &token, now())?;
            if let ConfirmOutcome::Confirmed { petition_id, .. } = &outcome {
                counts.reload_one(conn, petition_id)?;
            }
            Ok(outcome)
        })
        .await?;
    let (slug, already) = match outcome {
        ConfirmOutcome::Confirmed { slug, .. } => (slug, false),
        ConfirmOutcome::AlreadyConfirmed { slug } => (slug, true),
        ConfirmOutcome::NotFound { slug } => {
            return link_invalid(ui, slug.and_then(|s| public_slug(&state, s)))
        }
    };
    // A petition hidden after someone signed it still records their
    // confirmation: they did consent, an admin may show the petition again
    // (when it counts at once), and its owner sees the true count. The
    // signature can still be withdrawn. Only the page keeps quiet about
    // which petition it was, as every public page does while it is hidden.
    let slug = public_slug(&state, slug);
    let share = match slug.clone() {
        Some(lookup) => state
            .db
            .run(move |conn| petitions::find_by_slug(conn, &lookup))
            .await?
            .map(|p| SharePanel::new(&state.petition_url(&p.slug), &p.title, ui.locale())),
        None => None,
    };
    render(
        StatusCode::OK,
        &ConfirmedPage {
            l: ui,
            slug,
            already,
            share,
        },
    )
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
    if !looks_like_token(&token) {
        return link_invalid(ui, None);
    }
    let lookup = token.clone();
    let Some(slug) = state
        .db
        .run(move |conn| signature_rows::withdrawal_slug(conn, &lookup, now()))
        .await?
    else {
        return link_invalid(ui, None);
    };
    render(
        StatusCode::OK,
        &WithdrawPage {
            l: ui,
            token,
            slug: public_slug(&state, slug),
            csrf_token: state.csrf.issue(WITHDRAW_SCOPE),
        },
    )
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
    if !looks_like_token(&token) {
        return link_invalid(ui, None);
    }
    if form.action == "erase" {
        let plain = token.clone();
        let erased_signers = state.erased_signers.clone();
        let outcome = state
            .db
            .run(move |conn| signature_rows::erase_details(conn, &plain, &erased_signers, now()))
            .await?;
        return match outcome {
            EraseOutcome::Erased { slug } => render(
                StatusCode::OK,
                &ErasedPage {
                    l: ui,
                    token,
                    slug: public_slug(&state, slug),
                },
            ),
            EraseOutcome::NotFound => link_invalid(ui, None),
        };
    }
    let counts = state.counts.clone();
    let outcome = state
        .db
        .run(move |conn| {
            let outcome = signature_rows::withdraw(conn, &token, now())?;
            if let WithdrawOutcome::Withdrawn {
                petition_id,
                was_confirmed: true,
                ..
            } = &outcome
            {
                counts.reload_one(conn, petition_id)?;
            }
            Ok(outcome)
        })
        .await?;
    match outcome {
        WithdrawOutcome::Withdrawn { slug, .. } => render(
            StatusCode::OK,
            &WithdrawnPage {
                l: ui,
                slug: public_slug(&state, slug),
            },
        ),
        WithdrawOutcome::NotFound => link_invalid(ui, None),
    }
}
