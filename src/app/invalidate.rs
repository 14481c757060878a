//! An admin invalidating one petition's signatures that match some
//! criteria (an address range, an email domain, a time window): they stop
//! counting, their unsent mail is dropped, and a record says who did it.

use crate::db::models::abuse as abuse_rows;
use crate::db::models::now;
use crate::db::models::organizers::Organizer;
use crate::db::models::petitions::{self, Petition};
use crate::domain::abuse::{Criteria, InvalidationForm};
use crate::domain::FieldErrors;
use crate::state::AppState;

/// What an invalidation came to.
pub enum Invalidation {
    /// Done, even if nothing matched; `record_id` names the record, which
    /// says how many did.
    Done {
        petition: Petition,
        record_id: String,
    },
    /// The criteria need correcting; the review page shows them again,
    /// about this petition.
    Invalid {
        petition: Petition,
        errors: FieldErrors,
    },
}

#[derive(Debug)]
pub enum InvalidateError {
    NotFound,
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for InvalidateError {
    fn from(err: anyhow::Error) -> Self {
        Self::Failed(err)
    }
}

/// Invalidates the matching signatures of the petition behind `slug`,
/// hidden or not. `admin` must be one: the caller has checked.
pub async fn invalidate(
    state: &AppState,
    admin: &Organizer,
    slug: &str,
    form: &InvalidationForm,
) -> Result<Invalidation, InvalidateError> {
    let lookup = slug.to_owned();
    let petition = state
        .db
        .run(move |conn| petitions::find_by_slug_including_hidden(conn, &lookup))
        .await?
        .ok_or(InvalidateError::NotFound)?;
    let criteria = match Criteria::try_from(form) {
        Ok(criteria) => criteria,
        Err(errors) => return Ok(Invalidation::Invalid { petition, errors }),
    };
    let admin_id = admin.id.clone();
    let petition_id = petition.id.clone();
    let counts = state.counts.clone();
    let done = state
        .db
        .run(move |conn| {
            let done = abuse_rows::invalidate(conn, &petition_id, &admin_id, &criteria, now())?;
            // Committed: the count store catches up now, and failing that
            // at its next refresh.
            if let Err(err) = counts.reload_one(conn, &petition_id) {
                tracing::warn!(error = %err, "reloading a count after an invalidation");
            }
            Ok(done)
        })
        .await?;
    tracing::info!(
        petition = %petition.slug,
        admin = %admin.id,
        matched = done.matched,
        confirmed = done.confirmed,
        "signatures invalidated"
    );
    state.petition_changed(&petition);
    Ok(Invalidation::Done {
        petition,
        record_id: done.id,
    })
}
