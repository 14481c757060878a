//! What admins see and change: every petition, hidden or not, and who may
//! moderate.

use anyhow::Context;
use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::now;
use super::petitions::Petition;
use crate::db::schema::{organizers, petitions};
use crate::db::{write_transaction, DbConnection};
use crate::db_run;
use crate::domain::petition::is_plausible_slug;

/// A petition with its owner, as the admin list shows it.
pub struct AdminPetition {
    pub petition: Petition,
    pub owner_name: String,
    pub owner_email: String,
}

/// One page of every petition, newest first, and how many there are in all.
pub fn list_petitions(
    conn: &mut DbConnection,
    offset: i64,
    limit: i64,
) -> anyhow::Result<(Vec<AdminPetition>, i64)> {
    let (rows, total) = db_run!(conn: {
        let total: i64 = petitions::table.count().get_result(conn)?;
        let rows: Vec<(Petition, String, String)> = petitions::table
            .inner_join(organizers::table)
            .order((petitions::created_at.desc(), petitions::id.desc()))
            .offset(offset)
            .limit(limit)
            .select((Petition::as_select(), organizers::name, organizers::email))
            .load(conn)?;
        Ok::<_, diesel::result::Error>((rows, total))
    })
    .context("listing every petition")?;
    let rows = rows
        .into_iter()
        .map(|(petition, owner_name, owner_email)| AdminPetition {
            petition,
            owner_name,
            owner_email,
        })
        .collect();
    Ok((rows, total))
}

/// Hides a petition from the public with the admin's reason, which its
/// owner sees. Hiding it again replaces the reason. `None` if no such
/// petition.
pub fn hide(
    conn: &mut DbConnection,
    slug: &str,
    reason: &str,
    admin_id: &str,
) -> anyhow::Result<Option<Petition>> {
    if !is_plausible_slug(slug) {
        return Ok(None);
    }
    let at = now();
    db_run!(conn: {
        diesel::update(petitions::table.filter(petitions::slug.eq(slug)))
            .set((
                petitions::hidden_at.eq(Some(at)),
                petitions::hidden_reason.eq(Some(reason)),
                petitions::hidden_by.eq(Some(admin_id)),
                petitions::updated_at.eq(at),
            ))
            .returning(Petition::as_returning())
            .get_result(conn)
            .optional()
    })
    .context("hiding petition")
}

/// Shows a hidden petition to the public again; a visible one stays as it
/// is. `None` if no such petition.
pub fn unhide(conn: &mut DbConnection, slug: &str) -> anyhow::Result<Option<Petition>> {
    if !is_plausible_slug(slug) {
        return Ok(None);
    }
    db_run!(conn: {
        diesel::update(petitions::table.filter(petitions::slug.eq(slug)))
            .set((
                petitions::hidden_at.eq(None::<time::PrimitiveDateTime>),
                petitions::hidden_reason.eq(None::<String>),
                petitions::hidden_by.eq(None::<String>),
                petitions::updated_at.eq(now()),
            ))
            .returning(Petition::as_returning())
            .get_result(conn)
            .optional()
    })
    .context("showing petition again")
}

#[derive(Debug, PartialEq, Eq)]
pub enum PromoteOutcome {
    Promoted,
    AlreadyAdmin,
    NoSuchOrganizer,
    /// The account never proved its address: whoever opened it may not
    /// own it, and must not be handed every petition.
    Unverified,
}

/// Makes the organizer with this canonical email an admin, recording who
/// did it and when.
pub fn promote(
    conn: &mut DbConnection,
    canonical_email: &str,
    promoted_by: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<PromoteOutcome> {
    write_transaction(conn, |conn| {
        let found: Option<(bool, Option<PrimitiveDateTime>)> = db_run!(conn: {
            organizers::table
                .filter(organizers::email_canonical.eq(canonical_email))
                .select((organizers::is_admin, organizers::verified_at))
                .first(conn)
                .optional()
        })
        .context("loading organizer to promote")?;
        match found {
            None => return Ok(PromoteOutcome::NoSuchOrganizer),
            Some((true, _)) => return Ok(PromoteOutcome::AlreadyAdmin),
            Some((false, None)) => return Ok(PromoteOutcome::Unverified),
            Some((false, Some(_))) => {}
        }
        db_run!(conn: {
            diesel::update(
                organizers::table
                    .filter(organizers::email_canonical.eq(canonical_email))
                    .filter(organizers::verified_at.is_not_null())
                    .filter(organizers::is_admin.eq(false)),
            )
            .set((
                organizers::is_admin.eq(true),
                organizers::promoted_by.eq(promoted_by),
                organizers::promoted_at.eq(now),
            ))
            .execute(conn)
        })
        .context("promoting organizer")?;
        Ok(PromoteOutcome::Promoted)
    })
}
