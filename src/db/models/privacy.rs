//! Making signers anonymous once their petition is long closed.

use anyhow::Context;
use diesel::prelude::*;
use diesel::sql_types::Timestamp;
use time::{Duration, PrimitiveDateTime};

use crate::db::{write_transaction, DbConnection};
use crate::db_run;

/// Petitions closed (by hand, or by their closing date) before `$1`.
const CLOSED_BEFORE: &str = "SELECT id FROM petitions \
     WHERE (closed_at IS NOT NULL AND closed_at < $1) \
        OR (closes_at IS NOT NULL AND closes_at < $1)";

/// Wipes the personal data of every signer of a petition closed more than
/// `retention_days` ago, and returns how many signatures it changed. The
/// signature rows stay, with their state, country, source and dates, so
/// counts and statistics do not move. Emails and links about them go.
pub fn anonymise_closed(
    conn: &mut DbConnection,
    now: PrimitiveDateTime,
    retention_days: u32,
) -> anyhow::Result<usize> {
    let cutoff = now - Duration::days(i64::from(retention_days));
    let placeholders = |sql: String| match conn {
        DbConnection::Postgresql(_) => sql,
        DbConnection::Sqlite(_) => sql.replace('$', "?"),
    };
    let signers =
        format!("SELECT id FROM signatures WHERE email <> '' AND petition_id IN ({CLOSED_BEFORE})");
    let statements = [
        placeholders(format!(
            "DELETE FROM email_outbox WHERE signature_id IN ({signers})"
        )),
        placeholders(format!(
            "DELETE FROM tokens WHERE signature_id IN ({signers})"
        )),
        // The canonical address must stay unique per petition; the row id
        // is, and says nothing about the person.
        placeholders(format!(
            "UPDATE signatures SET name = '', email = '', \
             email_canonical = 'anonymised:' || id, postcode = NULL, comment = NULL, \
             ip = NULL, public = FALSE, updates = FALSE \
             WHERE email <> '' AND petition_id IN ({CLOSED_BEFORE})"
        )),
    ];
    write_transaction(conn, |conn| {
        let mut changed = 0;
        for sql in &statements {
            changed = db_run!(conn: {
                diesel::sql_query(sql).bind::<Timestamp, _>(cutoff).execute(conn)
            })
            .context("anonymising signers")?;
        }
        // The last statement's count: signatures made anonymous.
        Ok(changed)
    })
}
