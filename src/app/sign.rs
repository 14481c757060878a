//! Signing a petition: one use case for the web form, the widget and the
//! API. Every valid submission, new, pending or already confirmed, ends
//! the same way for the caller, so the answer tells nobody who signed.

use crate::db::models::signatures::{self as signature_rows, PreparedMail, SignedFrom};
use crate::db::models::{now, petitions};
use crate::domain::disposable::is_disposable;
use crate::domain::signer::{NewSignature, SignatureForm};
use crate::domain::token::SecretToken;
use crate::domain::FieldErrors;
use crate::email::messages::{AlreadySigned, ConfirmSignature, Prepared};
use crate::i18n::{Locale, Message};
use crate::state::AppState;

/// A submission, as the route received it.
pub struct SignRequest<'a> {
    pub slug: &'a str,
    pub form: &'a SignatureForm,
    /// The client's address, kept for fraud review.
    pub ip: Option<String>,
    /// The language the signer used, for every email they get.
    pub locale: Locale,
}

/// Why a submission was not recorded.
#[derive(Debug)]
pub enum SignError {
    NotFound,
    Closed,
    Invalid(FieldErrors),
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for SignError {
    fn from(err: anyhow::Error) -> Self {
        Self::Failed(err)
    }
}

/// Records a signature with its email. Its errors come in the order a
/// signer can act on them: no such petition, then closed, then the fields.
pub async fn sign(state: &AppState, request: SignRequest<'_>) -> Result<(), SignError> {
    let SignRequest {
        slug,
        form,
        ip,
        locale,
    } = request;
    // The petition cache answers for the petition; the writer only re-checks,
    // by key, that it is still there and open.
    let Some(petition) = state.petitions.signing_target(&state.db, slug).await? else {
        return Err(SignError::NotFound);
    };
    if !petition.is_open_at(now()) {
        return Err(SignError::Closed);
    }
    let signature = parse(state, form).map_err(SignError::Invalid)?;
    if form.filled_by_a_bot() {
        // Only now, once the answer a person would get is known: a missing
        // petition, a closed one or a mistyped field is answered as it is
        // for a person, and a valid submission gets the same success.
        // Nothing is recorded or sent.
        state.metrics.honeypot_caught();
        tracing::info!(petition = slug, "honeypot filled; submission dropped");
        return Ok(());
    }
    let canonical = signature.email.canonical();
    let erased_marker = state.erased_signers.marker(&petition.id, canonical);
    let mail = prepare_mail(state, &petition, canonical, locale)?;

    let petition_id = petition.id.clone();
    let recorded = state
        .db
        .run_batched(move |conn| {
            let at = now();
            match petitions::open_for_signing(conn, &petition_id, at)? {
                None => return Ok(Err(SignError::NotFound)),
                Some(false) => return Ok(Err(SignError::Closed)),
                Some(true) => {}
            }
            let from = SignedFrom {
                ip: ip.as_deref(),
                locale,
            };
            let outcome = signature_rows::record(
                conn,
                &petition_id,
                &signature,
                from,
                &erased_marker,
                &mail,
                at,
            )?;
            tracing::debug!(?outcome, "signature recorded");
            Ok(Ok(()))
        })
        .await?;
    recorded?;
    state.outbox_wake.notify_one();
    Ok(())
}

fn parse(state: &AppState, form: &SignatureForm) -> Result<NewSignature, FieldErrors> {
    let signature = NewSignature::try_from(form)?;
    if state.settings.fraud.block_disposable_emails && is_disposable(signature.email.domain()) {
        let mut errors = FieldErrors::default();
        errors.add("email", Message::new("error-email-disposable"));
        return Err(errors);
    }
    Ok(signature)
}

/// Both messages a submission may call for, with the tokens they carry.
fn prepare_mail(
    state: &AppState,
    petition: &petitions::SigningTarget,
    canonical: &str,
    locale: Locale,
) -> anyhow::Result<PreparedMail> {
    let confirm_token = SecretToken::generate();
    let withdraw_token = SecretToken::generate();
    let petition_url = state.petition_url(&petition.slug);
    let withdraw_url = state.url(&format!("/signatures/withdraw/{}", withdraw_token.plain));
    let confirm = Prepared::confirm_signature(
        ConfirmSignature {
            petition_title: petition.title.clone(),
            petition_language: petition.language(),
            petition_url: petition_url.clone(),
            confirm_url: state.url(&format!("/signatures/confirm/{}", confirm_token.plain)),
            withdraw_url: withdraw_url.clone(),
        },
        locale,
    )
    .to_json()?;
    let already_signed = Prepared::already_signed(
        AlreadySigned {
            petition_title: petition.title.clone(),
            petition_language: petition.language(),
            petition_url,
            withdraw_url,
        },
        locale,
    )
    .to_json()?;
    Ok(PreparedMail {
        confirm_token,
        withdraw_token,
        confirm,
        already_signed,
        due: super::mail_slot(state, canonical),
    })
}
