//! Confirming a signature from the link in its email: from then on it
//! counts. Opening the link only shows a button; pressing it confirms.
//! Mail scanners open every link in a message, and a signature typed in
//! someone else's name must not count because their mail system looked.

use crate::db::models::now;
use crate::db::models::petitions::{self, Petition};
use crate::db::models::signatures::{self as signature_rows, ConfirmOutcome};
use crate::domain::token::looks_like_token;
use crate::state::AppState;
use crate::transparency::receipt::Receipt;

/// What following a confirmation link did.
pub enum Confirmation {
    /// The signature counts, as of now or (`already`) from before.
    /// `petition` is `None` while the petition is hidden: signers' links
    /// keep working, but their pages must not lead to it.
    Counted {
        already: bool,
        petition: Option<Box<Petition>>,
        /// The receipt of the signature's leaf in the public log: shown
        /// this once, when it was just confirmed, and never stored.
        receipt: Option<Receipt>,
    },
    /// Unknown, expired or invalidated. The slug, when the link expired
    /// and the petition is public, lets the page offer to sign again.
    LinkInvalid { slug: Option<String> },
}

/// What opening a confirmation link shows.
pub enum Prompt {
    /// The signature waits for the signer's button. `petition` is `None`
    /// while the petition is hidden.
    Confirm { petition: Option<Box<Petition>> },
    /// Nothing left to press: confirmed before, or the link is not valid.
    Settled(Confirmation),
}

/// Reads what a confirmation link would do, changing nothing.
pub async fn prompt(state: &AppState, token: String) -> anyhow::Result<Prompt> {
    if !looks_like_token(&token) {
        return Ok(Prompt::Settled(Confirmation::LinkInvalid { slug: None }));
    }
    let found = state
        .db
        .run(move |conn| signature_rows::confirmation_prompt(conn, &token, now()))
        .await?;
    match found {
        Ok(slug) => Ok(Prompt::Confirm {
            petition: petition_if_public(state, slug).await?,
        }),
        Err(settled) => Ok(Prompt::Settled(
            settled_outcome(state, settled, None).await?,
        )),
    }
}

/// Confirms the signature behind a link: the signer pressed the button.
pub async fn confirm(state: &AppState, token: String) -> anyhow::Result<Confirmation> {
    if !looks_like_token(&token) {
        return Ok(Confirmation::LinkInvalid { slug: None });
    }
    let counts = state.counts.clone();
    let receipt = Receipt::generate();
    let commitment = receipt.commitment();
    let outcome = state
        .db
        .run(move |conn| {
            let outcome = signature_rows::confirm(conn, &token, commitment, now())?;
            if let ConfirmOutcome::Confirmed { petition_id, .. } = &outcome {
                counts.reload_one(conn, petition_id)?;
            }
            Ok(outcome)
        })
        .await?;
    settled_outcome(state, outcome, Some(receipt)).await
}

async fn settled_outcome(
    state: &AppState,
    outcome: ConfirmOutcome,
    receipt: Option<Receipt>,
) -> anyhow::Result<Confirmation> {
    // A petition hidden after someone signed it still records their
    // confirmation: they did consent, an admin may show the petition again
    // (when it counts at once), and its owner sees the true count. The
    // signature can still be withdrawn. Only the page keeps quiet about
    // which petition it was, as every public page does while it is hidden.
    let (slug, already, receipt) = match outcome {
        ConfirmOutcome::Confirmed { slug, .. } => (slug, false, receipt),
        ConfirmOutcome::AlreadyConfirmed { slug } => (slug, true, None),
        ConfirmOutcome::NotFound { slug } => {
            return Ok(Confirmation::LinkInvalid {
                slug: slug.and_then(|s| public_slug(state, s)),
            })
        }
    };
    Ok(Confirmation::Counted {
        already,
        petition: petition_if_public(state, slug).await?,
        receipt,
    })
}

/// The petition, unless it is hidden. Read afresh, not through the page
/// cache: filling it here would keep the page's recent signers from
/// showing this very signer for a while.
async fn petition_if_public(
    state: &AppState,
    slug: String,
) -> anyhow::Result<Option<Box<Petition>>> {
    let Some(slug) = public_slug(state, slug) else {
        return Ok(None);
    };
    let petition = state
        .db
        .run(move |conn| petitions::find_by_slug(conn, &slug))
        .await?;
    Ok(petition.map(Box::new))
}

/// The slug, if the public may see its petition.
pub(crate) fn public_slug(state: &AppState, slug: String) -> Option<String> {
    state.counts.get(&slug).is_some().then_some(slug)
}
