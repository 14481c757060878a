//! Telling an organizer, once, that their petition reached its goal.

use anyhow::Context;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use time::PrimitiveDateTime;

use super::outbox::{self, OutgoingEmail};
use crate::db::{write_transaction, DbConnection};
use crate::db_run;

/// A petition whose count has reached its goal, not yet marked so.
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

/// Every petition (or only `slug`) whose confirmed count has reached its
/// goal and that is not marked yet: who to tell, read outside any write so
/// that their emails are written outside one too.
pub fn reached_unmarked(
    conn: &mut DbConnection,
    slug: Option<&str>,
) -> anyhow::Result<Vec<GoalReached>> {
    let sql = match conn {
        DbConnection::Postgresql(_) => REACHED_UNMARKED.to_owned(),
        DbConnection::Sqlite(_) => REACHED_UNMARKED.replace('$', "?"),
    };
    db_run!(conn: {
        diesel::sql_query(&sql)
            .bind::<Text, _>(slug.unwrap_or(""))
            .load(conn)
    })
    .context("finding petitions that reached their goal")
}

/// Marks `petition` as having reached its goal and queues `mail`, its
/// organizer's email, in one transaction. The mark is a conditional
/// UPDATE, so instances that race on it tell the organizer once between
/// them; `false` when another got there first (or the goal changed).
pub fn mark_reached(
    conn: &mut DbConnection,
    petition: &GoalReached,
    mail: Option<&OutgoingEmail>,
    now: PrimitiveDateTime,
) -> anyhow::Result<bool> {
    write_transaction(conn, |conn| {
        let sql = match conn {
            DbConnection::Postgresql(_) => MARK_REACHED.to_owned(),
            DbConnection::Sqlite(_) => MARK_REACHED.replace('$', "?"),
        };
        let marked = db_run!(conn: {
            diesel::sql_query(&sql)
                .bind::<Timestamp, _>(now)
                .bind::<Text, _>(&petition.slug)
                .bind::<BigInt, _>(petition.goal)
                .execute(conn)
        })
        .context("marking a petition that reached its goal")?;
        if let (1, Some(mail)) = (marked, mail) {
            outbox::enqueue(conn, mail, None, now)?;
        }
        Ok(marked == 1)
    })
}

/// The goal is reached: the count is the sum of the petition's shards,
/// as everywhere else.
macro_rules! reached {
    () => {
        "goal <= (SELECT COALESCE(SUM(s.confirmed), 0) FROM signature_count_shards s
               WHERE s.petition_id = petitions.id)"
    };
}

/// `$1` a slug, or empty for every petition.
const REACHED_UNMARKED: &str = concat!(
    "SELECT slug, title, language, goal,
  (SELECT o.email FROM organizers o WHERE o.id = petitions.owner_id) AS owner_email,
  (SELECT o.name FROM organizers o WHERE o.id = petitions.owner_id) AS owner_name,
  (SELECT o.locale FROM organizers o WHERE o.id = petitions.owner_id) AS owner_locale
FROM petitions
WHERE goal_reached_at IS NULL AND ($1 = '' OR slug = $1) AND ",
    reached!()
);

/// `$1` is now, `$2` the slug, `$3` the goal the email names.
const MARK_REACHED: &str = concat!(
    "UPDATE petitions SET goal_reached_at = $1
WHERE goal_reached_at IS NULL AND slug = $2 AND goal = $3 AND ",
    reached!()
);
