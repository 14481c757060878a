//! Admins hiding a petition from the public, with a reason its owner
//! reads, and showing it again. Hidden, it keeps its signatures and its
//! signers' links work; its public pages are 404.

use crate::db::models::admin as admin_rows;
use crate::db::models::organizers::Organizer;
use crate::db::models::petitions::{self, Petition};
use crate::domain::moderation::HideReason;
use crate::i18n::Message;
use crate::state::AppState;

/// What hiding came to.
pub enum Hiding {
    /// The petition as it now is.
    Hidden(Petition),
    /// The reason will not do; the admin page asks again, beside this
    /// petition.
    InvalidReason {
        petition: Petition,
        message: Message,
    },
}

#[derive(Debug)]
pub enum ModerationError {
    NotFound,
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for ModerationError {
    fn from(err: anyhow::Error) -> Self {
        Self::Failed(err)
    }
}

/// Hides the petition behind `slug`; hiding it again replaces the reason.
/// `admin` must be one: the caller has checked.
pub async fn hide(
    state: &AppState,
    admin: &Organizer,
    slug: &str,
    reason: &str,
) -> Result<Hiding, ModerationError> {
    let slug = slug.to_owned();
    let reason = match HideReason::parse(reason) {
        Ok(reason) => reason,
        Err(message) => {
            let petition = state
                .db
                .run(move |conn| petitions::find_by_slug_including_hidden(conn, &slug))
                .await?
                .ok_or(ModerationError::NotFound)?;
            return Ok(Hiding::InvalidReason { petition, message });
        }
    };
    let admin_id = admin.id.clone();
    let petition = state
        .db
        .run(move |conn| admin_rows::hide(conn, &slug, reason.as_str(), &admin_id))
        .await?
        .ok_or(ModerationError::NotFound)?;
    state.petition_changed(&petition);
    Ok(Hiding::Hidden(petition))
}

/// Shows the petition behind `slug` to the public again.
pub async fn unhide(state: &AppState, slug: &str) -> Result<(), ModerationError> {
    let slug = slug.to_owned();
    let petition = state
        .db
        .run(move |conn| admin_rows::unhide(conn, &slug))
        .await?
        .ok_or(ModerationError::NotFound)?;
    state.petition_changed(&petition);
    Ok(())
}
