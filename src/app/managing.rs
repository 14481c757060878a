//! The petition an organizer may manage (edit, close, read the statistics
//! and signatures of, write to the signers of): their own, or any petition
//! for an admin. Routes say what a refusal means to the person asking.

use crate::db::models::organizers::Organizer;
use crate::db::models::petitions::{self, NotEditable, Petition, Target};
use crate::state::AppState;

/// Why a use case on a managed petition did not go through.
#[derive(Debug)]
pub enum ManageError {
    Refused(NotEditable),
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for ManageError {
    fn from(err: anyhow::Error) -> Self {
        Self::Failed(err)
    }
}

impl From<NotEditable> for ManageError {
    fn from(refusal: NotEditable) -> Self {
        Self::Refused(refusal)
    }
}

/// The petition behind `slug`, with its targets, if `organizer` may manage
/// it.
pub async fn petition_to_manage(
    state: &AppState,
    organizer: &Organizer,
    slug: &str,
) -> Result<(Petition, Vec<Target>), ManageError> {
    let (id, admin, slug) = (organizer.id.clone(), organizer.is_admin, slug.to_owned());
    Ok(state
        .db
        .run(move |conn| petitions::find_editable(conn, &slug, &id, admin))
        .await??)
}
