//! The petition an organizer may manage (edit, close, read the statistics
//! and signatures of, write to the signers of): their own, or any petition
//! for an admin.

use crate::db::models::organizers::Organizer;
use crate::db::models::petitions::{self, EditOutcome, Petition, Target};
use crate::error::AppError;
use crate::i18n::Message;
use crate::state::AppState;

/// What the organizer came to do with the petition, which a refusal names.
#[derive(Debug, Clone, Copy)]
pub enum Managing {
    Edit,
    Statistics,
    Export,
    Updates,
    /// Anything through the organizer API, which speaks English only.
    Api,
}

impl Managing {
    /// A petition missing (404), or someone else's (403, saying what only
    /// its organizer may do).
    pub fn refused(self, outcome: EditOutcome) -> AppError {
        match outcome {
            EditOutcome::NotYours => AppError::Forbidden(self.not_yours()),
            _ => AppError::NotFound,
        }
    }

    fn not_yours(self) -> Message {
        match self {
            Self::Edit => Message::new("error-petition-not-yours"),
            Self::Statistics => Message::new("error-statistics-not-yours"),
            Self::Export => Message::new("error-export-not-yours"),
            Self::Updates => Message::new("error-updates-not-yours"),
            Self::Api => Message::text("This petition belongs to another organizer."),
        }
    }
}

/// The petition behind `slug`, with its targets, if `organizer` may manage
/// it; otherwise the error [`Managing::refused`] gives.
pub async fn petition_to_manage(
    state: &AppState,
    organizer: &Organizer,
    slug: &str,
    managing: Managing,
) -> Result<(Petition, Vec<Target>), AppError> {
    let (id, admin, slug) = (organizer.id.clone(), organizer.is_admin, slug.to_owned());
    state
        .db
        .run(move |conn| petitions::find_editable(conn, &slug, &id, admin))
        .await?
        .map_err(|outcome| managing.refused(outcome))
}
