use anyhow::Context;
use diesel::prelude::*;

use crate::db::schema::organizers;
use crate::db::{is_unique_violation, DbConnection};
use crate::db_run;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organizers)]
pub struct Organizer {
    pub id: String,
    pub email: String,
    pub email_canonical: String,
    pub name: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub verified_at: Option<time::PrimitiveDateTime>,
    pub created_at: time::PrimitiveDateTime,
    /// The language account emails are written in; see [`Organizer::locale`].
    #[diesel(column_name = locale)]
    pub locale_code: Option<String>,
}

impl Organizer {
    /// The language the organizer last used the site in.
    pub fn locale(&self) -> crate::i18n::Locale {
        crate::i18n::Locale::from_stored(self.locale_code.as_deref())
    }
}

#[derive(Insertable)]
#[diesel(table_name = organizers)]
pub struct NewOrganizer<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub email_canonical: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub is_admin: bool,
    pub verified_at: Option<time::PrimitiveDateTime>,
    pub created_at: time::PrimitiveDateTime,
    pub locale: Option<&'a str>,
}

/// Remembers the language the organizer uses the site in.
pub fn set_locale(
    conn: &mut DbConnection,
    organizer_id: &str,
    locale: crate::i18n::Locale,
) -> anyhow::Result<()> {
    db_run!(conn: {
        diesel::update(organizers::table.filter(organizers::id.eq(organizer_id)))
            .set(organizers::locale.eq(locale.code()))
            .execute(conn)
    })
    .context("storing an organizer's language")?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum CreateOrganizerError {
    #[error("an organizer with that email address already exists")]
    EmailTaken,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

pub fn create(conn: &mut DbConnection, new: &NewOrganizer) -> Result<(), CreateOrganizerError> {
    let result = db_run!(conn: {
        diesel::insert_into(organizers::table).values(new).execute(conn)
    });
    match result {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(CreateOrganizerError::EmailTaken),
        Err(e) => Err(anyhow::Error::new(e).context("inserting organizer").into()),
    }
}

pub fn find_by_canonical_email(
    conn: &mut DbConnection,
    canonical: &str,
) -> anyhow::Result<Option<Organizer>> {
    db_run!(conn: {
        organizers::table
            .filter(organizers::email_canonical.eq(canonical))
            .select(Organizer::as_select())
            .first(conn)
            .optional()
    })
    .context("loading organizer by email")
}
