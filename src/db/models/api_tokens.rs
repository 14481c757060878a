//! Organizers' API tokens: made and revoked on the dashboard or the
//! command line, presented as `Authorization: Bearer`.

use anyhow::Context;
use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use super::organizers::Organizer;
use super::outbox::{self, OutgoingEmail};
use super::{new_id, now};
use crate::db::schema::{api_tokens, organizers};
use crate::db::{write_transaction, DbConnection};
use crate::db_run;

/// A token as its owner sees it listed; never the secret itself.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub created_at: PrimitiveDateTime,
    pub last_used_at: Option<PrimitiveDateTime>,
    pub revoked_at: Option<PrimitiveDateTime>,
    /// Set on every token made since tokens expire.
    pub expires_at: Option<PrimitiveDateTime>,
}

/// The longest name a token may be given, on the dashboard or the command
/// line.
pub const MAX_NAME_CHARS: usize = 100;

/// `last_used_at` is written at most this often per token, so a busy
/// script does not turn every read into a write.
const LAST_USED_RESOLUTION: Duration = Duration::minutes(1);

/// A token about to be stored, by its hash, with the note to its owner.
pub struct NewApiToken<'a> {
    pub organizer_id: &'a str,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub created_at: PrimitiveDateTime,
    pub expires_at: PrimitiveDateTime,
    /// Tells the owner a token was made, in case it was not them. `None`
    /// when the address's daily email cap is spent.
    pub notice: Option<&'a OutgoingEmail>,
}

/// Stores a token and queues the note to its owner, together.
pub fn create(conn: &mut DbConnection, new: &NewApiToken) -> anyhow::Result<ApiToken> {
    write_transaction(conn, |conn| {
        let token = db_run!(conn: {
            diesel::insert_into(api_tokens::table)
                .values((
                    api_tokens::id.eq(new_id()),
                    api_tokens::organizer_id.eq(new.organizer_id),
                    api_tokens::name.eq(new.name),
                    api_tokens::token_hash.eq(new.token_hash),
                    api_tokens::created_at.eq(new.created_at),
                    api_tokens::expires_at.eq(new.expires_at),
                ))
                .returning(ApiToken::as_returning())
                .get_result(conn)
        })
        .context("inserting API token")?;
        if let Some(notice) = new.notice {
            outbox::enqueue(conn, notice, None, new.created_at)?;
        }
        Ok(token)
    })
}

/// Revokes every live token of an organizer: their password was reset,
/// so whatever the old one unlocked is closed too.
pub fn revoke_all(
    conn: &mut DbConnection,
    organizer_id: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<usize> {
    db_run!(conn: {
        diesel::update(
            api_tokens::table
                .filter(api_tokens::organizer_id.eq(organizer_id))
                .filter(api_tokens::revoked_at.is_null()),
        )
        .set(api_tokens::revoked_at.eq(now))
        .execute(conn)
    })
    .context("revoking every API token of an organizer")
}

/// The organizer's tokens, newest first, revoked ones included.
pub fn list_for(conn: &mut DbConnection, organizer_id: &str) -> anyhow::Result<Vec<ApiToken>> {
    db_run!(conn: {
        api_tokens::table
            .filter(api_tokens::organizer_id.eq(organizer_id))
            .order((api_tokens::created_at.desc(), api_tokens::id))
            .select(ApiToken::as_select())
            .load(conn)
    })
    .context("listing API tokens")
}

/// Revokes one of the organizer's own tokens. `false` when there is no
/// such live token of theirs, so nobody learns about another's tokens.
pub fn revoke(conn: &mut DbConnection, organizer_id: &str, id: &str) -> anyhow::Result<bool> {
    let changed = db_run!(conn: {
        diesel::update(
            api_tokens::table
                .filter(api_tokens::id.eq(id))
                .filter(api_tokens::organizer_id.eq(organizer_id))
                .filter(api_tokens::revoked_at.is_null()),
        )
        .set(api_tokens::revoked_at.eq(now()))
        .execute(conn)
    })
    .context("revoking API token")?;
    Ok(changed == 1)
}

/// The verified organizer behind a live token, noting its use.
pub fn authenticate(
    conn: &mut DbConnection,
    token_hash: &str,
) -> anyhow::Result<Option<Organizer>> {
    let found: Option<(String, Option<PrimitiveDateTime>, Organizer)> = db_run!(conn: {
        api_tokens::table
            .inner_join(organizers::table)
            .filter(api_tokens::token_hash.eq(token_hash))
            .filter(api_tokens::revoked_at.is_null())
            .filter(api_tokens::expires_at.gt(now()))
            .filter(organizers::verified_at.is_not_null())
            .select((api_tokens::id, api_tokens::last_used_at, Organizer::as_select()))
            .first(conn)
            .optional()
    })
    .context("looking up API token")?;
    let Some((id, last_used_at, organizer)) = found else {
        return Ok(None);
    };
    let at = now();
    if last_used_at.is_none_or(|last| at - last >= LAST_USED_RESOLUTION) {
        db_run!(conn: {
            diesel::update(api_tokens::table.filter(api_tokens::id.eq(&id)))
                .set(api_tokens::last_used_at.eq(at))
                .execute(conn)
        })
        .context("noting API token use")?;
    }
    Ok(Some(organizer))
}
