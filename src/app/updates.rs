//! An organizer's update to the signers who asked for news: stored here,
//! mailed by the fan-out worker, which finds it on its next round.

use time::PrimitiveDateTime;

use super::managing::{petition_to_manage, ManageError};
use super::preview::Preview;
use crate::db::models::now;
use crate::db::models::organizers::Organizer;
use crate::db::models::petitions::{NotEditable, Petition};
use crate::db::models::updates::{self, PostOutcome};
use crate::domain::update::{NewUpdate, UpdateForm};
use crate::domain::FieldErrors;
use crate::state::AppState;

/// What became of an update. Every outcome but `Sent` leaves the author on
/// the updates page, so it carries the petition that page is about.
pub enum Posting {
    /// Stored, and on the petition's page; the signers get it by mail.
    Sent { slug: String },
    /// The author asked to see it first; nothing is stored.
    Previewed {
        petition: Petition,
        preview: Preview,
    },
    Invalid {
        petition: Petition,
        errors: FieldErrors,
    },
    /// The petition has sent its updates for the week; the next may go
    /// out at `next_at`.
    WeeklyLimit {
        petition: Petition,
        next_at: PrimitiveDateTime,
    },
}

/// Why the author may not write to the petition's signers at all.
#[derive(Debug)]
pub enum PostError {
    Refused(NotEditable),
    /// An admin hid the petition.
    Hidden,
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for PostError {
    fn from(err: anyhow::Error) -> Self {
        Self::Failed(err)
    }
}

impl From<ManageError> for PostError {
    fn from(err: ManageError) -> Self {
        match err {
            ManageError::Refused(refusal) => Self::Refused(refusal),
            ManageError::Failed(err) => Self::Failed(err),
        }
    }
}

/// Posts an update, or previews it when the form asks for a preview.
pub async fn post(
    state: &AppState,
    author: &Organizer,
    slug: &str,
    form: &UpdateForm,
) -> Result<Posting, PostError> {
    let (petition, _) = petition_to_manage(state, author, slug).await?;
    if petition.hidden_at.is_some() {
        // Moderation stops the mail too, not only the page; and there is
        // no point previewing what cannot be sent.
        return Err(PostError::Hidden);
    }
    let parsed = NewUpdate::parse(form);
    if form.preview.is_some() {
        let preview = Preview::of(&form.body, parsed);
        return Ok(Posting::Previewed { petition, preview });
    }
    let new = match parsed {
        Ok(new) => new,
        Err(errors) => return Ok(Posting::Invalid { petition, errors }),
    };
    let (petition_id, author_id) = (petition.id.clone(), author.id.clone());
    let outcome = state
        .db
        .run(move |conn| updates::post(conn, &petition_id, &author_id, &new, now()))
        .await?;
    Ok(match outcome {
        PostOutcome::Posted(_) => {
            state.petitions.invalidate(&petition.slug);
            Posting::Sent {
                slug: petition.slug,
            }
        }
        PostOutcome::WeeklyLimit { next_at } => Posting::WeeklyLimit { petition, next_at },
    })
}
