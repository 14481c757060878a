//! What a refusal to manage a petition (see `app::managing`) means over
//! HTTP.

use crate::app::managing::{self, ManageError};
use crate::db::models::organizers::Organizer;
use crate::db::models::petitions::{NotEditable, Petition, Target};
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
    pub fn refused(self, refusal: NotEditable) -> AppError {
        match refusal {
            NotEditable::NotYours => AppError::Forbidden(self.not_yours()),
            NotEditable::NotFound => AppError::NotFound,
        }
    }

    /// A refusal as [`Managing::refused`] says it; a failure is a 500.
    pub fn error(self, err: ManageError) -> AppError {
        match err {
            ManageError::Refused(refusal) => self.refused(refusal),
            ManageError::Failed(err) => err.into(),
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

/// The petition behind `slug`, with its targets, for the pages that only
/// show it to whoever may manage it.
pub async fn petition_to_manage(
    state: &AppState,
    organizer: &Organizer,
    slug: &str,
    managing: Managing,
) -> Result<(Petition, Vec<Target>), AppError> {
    managing::petition_to_manage(state, organizer, slug)
        .await
        .map_err(|err| managing.error(err))
}
