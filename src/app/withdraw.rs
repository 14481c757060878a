//! Withdrawing a signature, or erasing the signer's details and keeping
//! it, from the withdrawal link every signing email carries.

use super::confirm::public_slug;
use crate::db::models::now;
use crate::db::models::signatures::{
    self as signature_rows, EraseOutcome, Fingerprint, WithdrawOutcome,
};
use crate::domain::token::looks_like_token;
use crate::state::AppState;

/// Where a withdrawal link leads.
pub enum Withdrawal {
    /// Live. `slug` is `None` while the petition is hidden, so that the
    /// page does not lead to it.
    Live {
        slug: Option<String>,
    },
    LinkInvalid,
}

/// Whether a withdrawal link is live, before the signer chooses.
pub async fn find(state: &AppState, token: String) -> anyhow::Result<Withdrawal> {
    if !looks_like_token(&token) {
        return Ok(Withdrawal::LinkInvalid);
    }
    let slug = state
        .db
        .run(move |conn| signature_rows::withdrawal_slug(conn, &token, now()))
        .await?;
    Ok(match slug {
        Some(slug) => Withdrawal::Live {
            slug: public_slug(state, slug),
        },
        None => Withdrawal::LinkInvalid,
    })
}

/// Deletes the signature, taking it off the count if it had counted.
pub async fn withdraw(state: &AppState, token: String) -> anyhow::Result<Withdrawal> {
    if !looks_like_token(&token) {
        return Ok(Withdrawal::LinkInvalid);
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
    Ok(match outcome {
        WithdrawOutcome::Withdrawn { slug, .. } => Withdrawal::Live {
            slug: public_slug(state, slug),
        },
        WithdrawOutcome::NotFound => Withdrawal::LinkInvalid,
    })
}

/// Erases the signer's details and keeps the signature. The address is
/// fingerprinted here, outside the write, so that signing again later is
/// still recognised (see `security::erasure`).
pub async fn erase(state: &AppState, token: String) -> anyhow::Result<Withdrawal> {
    if !looks_like_token(&token) {
        return Ok(Withdrawal::LinkInvalid);
    }
    let lookup = token.clone();
    let subject = state
        .db
        .run(move |conn| signature_rows::erasure_subject(conn, &lookup, now()))
        .await?;
    let Some((petition_id, canonical)) = subject else {
        return Ok(Withdrawal::LinkInvalid);
    };
    let fingerprint = Fingerprint {
        marker: state.erased_signers.marker(&petition_id, &canonical),
        canonical,
    };
    let outcome = state
        .db
        .run(move |conn| signature_rows::erase_details(conn, &token, &fingerprint, now()))
        .await?;
    Ok(match outcome {
        EraseOutcome::Erased { slug } => Withdrawal::Live {
            slug: public_slug(state, slug),
        },
        EraseOutcome::NotFound => Withdrawal::LinkInvalid,
    })
}
