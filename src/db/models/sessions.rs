use anyhow::Context;
use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use super::organizers::Organizer;
use crate::db::schema::{organizers, sessions};
use crate::db::DbConnection;
use crate::db_run;

/// Sessions end after this long without a request…
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// …and after this long in any case.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_INTERVAL: Duration = Duration::minutes(1);

pub fn create(
    conn: &mut DbConnection,
    token_hash: &str,
    organizer_id: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<()> {
    db_run!(conn: {
        diesel::insert_into(sessions::table)
            .values((
                sessions::token_hash.eq(token_hash),
                sessions::organizer_id.eq(organizer_id),
                sessions::created_at.eq(now),
                sessions::last_seen_at.eq(now),
                sessions::expires_at.eq(now + ABSOLUTE_TIMEOUT),
            ))
            .execute(conn)
    })
    .context("inserting session")?;
    Ok(())
}

/// The organizer behind a live session, refreshing its idle timer.
pub fn find_organizer(
    conn: &mut DbConnection,
    token_hash: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<Option<Organizer>> {
    let found: Option<(PrimitiveDateTime, Organizer)> = db_run!(conn: {
        sessions::table
            .inner_join(organizers::table)
            .filter(sessions::token_hash.eq(token_hash))
            .filter(sessions::expires_at.gt(now))
            .filter(sessions::last_seen_at.gt(now - IDLE_TIMEOUT))
            .select((sessions::last_seen_at, Organizer::as_select()))
            .first(conn)
            .optional()
    })
    .context("loading session")?;
    let Some((last_seen, organizer)) = found else {
        return Ok(None);
    };
    if now - last_seen > TOUCH_INTERVAL {
        db_run!(conn: {
            diesel::update(sessions::table.filter(sessions::token_hash.eq(token_hash)))
                .set(sessions::last_seen_at.eq(now))
                .execute(conn)
        })
        .context("touching session")?;
    }
    Ok(Some(organizer))
}

pub fn delete(conn: &mut DbConnection, token_hash: &str) -> anyhow::Result<()> {
    db_run!(conn: {
        diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash))).execute(conn)
    })
    .context("deleting session")?;
    Ok(())
}

/// Deletes sessions past their absolute or idle timeout.
pub fn purge_expired(conn: &mut DbConnection, now: PrimitiveDateTime) -> anyhow::Result<usize> {
    db_run!(conn: {
        diesel::delete(
            sessions::table.filter(
                sessions::expires_at
                    .le(now)
                    .or(sessions::last_seen_at.le(now - IDLE_TIMEOUT)),
            ),
        )
        .execute(conn)
    })
    .context("purging expired sessions")
}
