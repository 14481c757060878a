//! Creating, editing and closing a petition, from the dashboard or the
//! organizer API. Each change reaches the page cache and the count store
//! before the caller answers, so the organizer's next page shows it.

use super::managing::{petition_to_manage, ManageError};
use super::preview::Preview;
use crate::db::models::organizers::Organizer;
use crate::db::models::petitions::{self, NotEditable, Petition, Target};
use crate::db::DbConnection;
use crate::domain::petition::{today_utc, NewPetition, PetitionForm};
use crate::domain::FieldErrors;
use crate::state::AppState;

/// A petition as it now stands, with its targets in order.
pub struct Saved {
    pub petition: Petition,
    pub targets: Vec<Target>,
}

#[derive(Debug)]
pub enum CreateError {
    Invalid(FieldErrors),
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for CreateError {
    fn from(err: anyhow::Error) -> Self {
        Self::Failed(err)
    }
}

/// Publishes a new petition: it takes signatures at once.
pub async fn create(
    state: &AppState,
    owner: &Organizer,
    form: &PetitionForm,
) -> Result<Saved, CreateError> {
    let new = NewPetition::parse(form, today_utc()).map_err(CreateError::Invalid)?;
    let owner_id = owner.id.clone();
    let saved = state
        .db
        .run(move |conn| {
            let petition = petitions::create(conn, &owner_id, &new)?;
            let targets = targets_of(conn, &petition)?;
            Ok(Saved { petition, targets })
        })
        .await?;
    state.petition_changed(&saved.petition);
    Ok(saved)
}

/// What an editor sends.
pub enum Changes<'a> {
    /// Every field, as the dashboard's form posts them.
    Whole(&'a PetitionForm),
    /// Only some fields, laid over the petition as it stands (the API's
    /// PATCH), so that one parser checks the result either way.
    Patch(Box<dyn FnOnce(PetitionForm) -> PetitionForm + 'a>),
}

#[derive(Debug)]
pub enum EditError {
    Refused(NotEditable),
    Invalid(FieldErrors),
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for EditError {
    fn from(err: anyhow::Error) -> Self {
        Self::Failed(err)
    }
}

impl From<NotEditable> for EditError {
    fn from(refusal: NotEditable) -> Self {
        Self::Refused(refusal)
    }
}

impl From<ManageError> for EditError {
    fn from(err: ManageError) -> Self {
        match err {
            ManageError::Refused(refusal) => Self::Refused(refusal),
            ManageError::Failed(err) => Self::Failed(err),
        }
    }
}

/// Rewrites a petition the editor may manage. The slug stays, so every
/// link already shared keeps working.
pub async fn edit(
    state: &AppState,
    editor: &Organizer,
    slug: &str,
    changes: Changes<'_>,
) -> Result<Saved, EditError> {
    let (existing, targets) = petition_to_manage(state, editor, slug).await?;
    let patched;
    let form = match changes {
        Changes::Whole(form) => form,
        Changes::Patch(patch) => {
            patched = patch(existing.as_form(&targets));
            &patched
        }
    };
    let edited = NewPetition::parse_edit(form, today_utc(), existing.closes_at)
        .map_err(EditError::Invalid)?;
    let (id, admin, slug) = (editor.id.clone(), editor.is_admin, slug.to_owned());
    let saved = state
        .db
        .run(move |conn| {
            // Checked again where it is written: the first look was outside
            // this transaction.
            let petition = match petitions::update(conn, &slug, &id, admin, &edited)? {
                Ok(petition) => petition,
                Err(refusal) => return Ok(Err(refusal)),
            };
            let targets = targets_of(conn, &petition)?;
            Ok(Ok(Saved { petition, targets }))
        })
        .await??;
    state.petition_changed(&saved.petition);
    Ok(saved)
}

/// An edit as it would look, saving nothing.
pub async fn preview_edit(
    state: &AppState,
    editor: &Organizer,
    slug: &str,
    form: &PetitionForm,
) -> Result<Preview, ManageError> {
    let (existing, _) = petition_to_manage(state, editor, slug).await?;
    let parsed = NewPetition::parse_edit(form, today_utc(), existing.closes_at);
    Ok(Preview::of(&form.body, parsed))
}

/// Closes a petition the closer may manage to new signatures.
pub async fn close(
    state: &AppState,
    closer: &Organizer,
    slug: &str,
) -> Result<Petition, ManageError> {
    let (id, admin, slug) = (closer.id.clone(), closer.is_admin, slug.to_owned());
    let petition = state
        .db
        .run(move |conn| petitions::close(conn, &slug, &id, admin))
        .await??;
    state.petition_changed(&petition);
    Ok(petition)
}

fn targets_of(conn: &mut DbConnection, petition: &Petition) -> anyhow::Result<Vec<Target>> {
    Ok(
        petitions::targets_of(conn, std::slice::from_ref(&petition.id))?
            .remove(&petition.id)
            .unwrap_or_default(),
    )
}
