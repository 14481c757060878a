//! Telling an organizer, once, that their petition reached its goal.

use anyhow::Context;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use time::PrimitiveDateTime;

use super::outbox::{self, OutgoingEmail};
use crate::db::{write_transaction, DbConnection};
use crate::db_run;

/// A petition that has just been marked as having reached its goal.
#[derive(Debug, Clone, QueryableByName)]
pub struct GoalReached {
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    /// The petition's own language, which its title is written in.
    #[diesel(sql_type = Text)]
    pub language: String,
    #[diesel(sql_type = BigInt)]
    pub goal: i64,
    #[diesel(sql_type = Text)]
    pub owner_email: String,
    #[diesel(sql_type = Text)]
    pub owner_name: String,
    /// The organizer's language, if known.
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    pub owner_locale: Option<String>,
}

/// Marks every petition (or only `slug`) whose confirmed count has reached
/// its goal and was not marked yet, and queues the organizer's email in the
/// same transaction. The mark is a conditional UPDATE, so instances that
/// race on it tell the organizer once between them.
pub fn mark_reached(
    conn: &mut DbConnection,
    slug: Option<&str>,
    now: PrimitiveDateTime,
    compose: &dyn Fn(&GoalReached) -> anyhow::Result<OutgoingEmail>,
) -> anyhow::Result<Vec<GoalReached>> {
    write_transaction(conn, |conn| {
        let sql = match conn {
            DbConnection::Postgresql(_) => MARK_REACHED.to_owned(),
            DbConnection::Sqlite(_) => MARK_REACHED.replace('$', "?"),
        };
        let reached: Vec<GoalReached> = db_run!(conn: {
            diesel::sql_query(&sql)
                .bind::<Timestamp, _>(now)
                .bind::<Text, _>(slug.unwrap_or(""))
                .load(conn)
        })
        .context("marking petitions that reached their goal")?;
        for petition in &reached {
            outbox::enqueue(conn, &compose(petition)?, None, now)?;
        }
        Ok(reached)
    })
}

/// `$1` is now; `$2` a slug, or empty for every petition. The count is the
/// sum of the petition's shards, as everywhere else.
const MARK_REACHED: &str = "\
UPDATE petitions SET goal_reached_at = $1
WHERE goal_reached_at IS NULL
  AND ($2 = '' OR slug = $2)
  AND goal <= (SELECT COALESCE(SUM(s.confirmed), 0) FROM signature_count_shards s
               WHERE s.petition_id = petitions.id)
RETURNING slug, title, language, goal,
  (SELECT o.email FROM organizers o WHERE o.id = petitions.owner_id) AS owner_email,
  (SELECT o.name FROM organizers o WHERE o.id = petitions.owner_id) AS owner_name,
  (SELECT o.locale FROM organizers o WHERE o.id = petitions.owner_id) AS owner_locale";
