//! Aggregates for `/metrics`, read at scrape time. Each is one indexed or
//! small scan; none touches personal data.

use anyhow::Context;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::schema::{email_outbox, signatures};
use crate::db::DbConnection;
use crate::db_run;

#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// `(state, count)` for every state present.
    pub signatures_by_state: Vec<(String, i64)>,
    /// Emails neither sent nor given up on.
    pub outbox_depth: i64,
    /// Seconds the oldest due email has waited; 0 when none is due.
    pub oldest_due_age_s: f64,
    /// Emails given up on.
    pub emails_failed: i64,
}

pub fn snapshot(conn: &mut DbConnection) -> anyhow::Result<Snapshot> {
    let now = super::now();
    let (signatures_by_state, outbox_depth, emails_failed) = db_run!(conn: {
        let by_state = signatures::table
            .group_by(signatures::state)
            .select((signatures::state, count_star()))
            .load::<(String, i64)>(conn)
            .context("counting signatures by state")?;
        let waiting = email_outbox::table
            .filter(email_outbox::sent_at.is_null())
            .filter(email_outbox::failed_at.is_null());
        let depth = waiting
            .count()
            .get_result::<i64>(conn)
            .context("counting the outbox")?;
        let failed = email_outbox::table
            .filter(email_outbox::failed_at.is_not_null())
            .count()
            .get_result::<i64>(conn)
            .context("counting failed emails")?;
        (by_state, depth, failed)
    });
    let oldest_due_age_s = super::outbox::oldest_due_age(conn, now)?
        .map(|age| age.as_seconds_f64().max(0.0))
        .unwrap_or(0.0);
    Ok(Snapshot {
        signatures_by_state,
        outbox_depth,
        oldest_due_age_s,
        emails_failed,
    })
}
