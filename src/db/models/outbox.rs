//! The email outbox: rows written in the same transaction as the change that
//! calls for the email, and sent later by `email::outbox`.

use anyhow::Context;
use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use super::new_id;
use crate::db::schema::email_outbox;
use crate::db::{write_transaction, DbConnection};
use crate::db_run;

/// A rendered message, ready to queue.
#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The link the message exists for, logged by the file transport.
    pub action_url: Option<String>,
    /// Held back until then by the per-address daily cap.
    pub not_before: Option<PrimitiveDateTime>,
    /// For bulk mail: the one-click unsubscribe address (RFC 8058).
    pub list_unsubscribe: Option<String>,
    /// The language it is written in, as `Content-Language`.
    pub language: &'static str,
    /// For bulk mail: the list it belongs to (RFC 2919), e.g.
    /// `<save-the-bees.updates.example.org>`.
    pub list_id: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = email_outbox)]
pub struct QueuedEmail {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub action_url: Option<String>,
    pub attempts: i32,
    pub list_unsubscribe: Option<String>,
    /// A message queued as its data, rendered when sent; its subject and
    /// bodies above are then empty.
    pub message: Option<String>,
    pub content_language: Option<String>,
    pub list_id: Option<String>,
}

/// Queues `email`. One about a signature names it, so that withdrawing or
/// purging the signature deletes the email too.
pub fn enqueue(
    conn: &mut DbConnection,
    email: &OutgoingEmail,
    signature_id: Option<&str>,
    now: PrimitiveDateTime,
) -> anyhow::Result<()> {
    insert(conn, email, signature_id, None, now)
}

/// Queues a message prepared as data (see `email::messages::Prepared`),
/// to be rendered when it is sent.
pub fn enqueue_prepared(
    conn: &mut DbConnection,
    to: &str,
    message: &str,
    signature_id: Option<&str>,
    due: PrimitiveDateTime,
    now: PrimitiveDateTime,
) -> anyhow::Result<()> {
    let due = due.max(now);
    db_run!(conn: {
        diesel::insert_into(email_outbox::table)
            .values((
                email_outbox::id.eq(new_id()),
                email_outbox::recipient.eq(to),
                email_outbox::subject.eq(""),
                email_outbox::body_text.eq(""),
                email_outbox::body_html.eq(""),
                email_outbox::message.eq(message),
                email_outbox::attempts.eq(0),
                email_outbox::next_attempt_at.eq(due),
                email_outbox::due_since.eq(due),
                email_outbox::created_at.eq(now),
                email_outbox::signature_id.eq(signature_id),
            ))
            .execute(conn)
    })
    .context("queueing email")?;
    Ok(())
}

/// Queues one email of an organizer's update to a signer. Tagged with the
/// update, so its fan-out can see how much of it is still unsent.
pub fn enqueue_for_update(
    conn: &mut DbConnection,
    email: &OutgoingEmail,
    signature_id: &str,
    update_id: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<()> {
    insert(conn, email, Some(signature_id), Some(update_id), now)
}

fn insert(
    conn: &mut DbConnection,
    email: &OutgoingEmail,
    signature_id: Option<&str>,
    update_id: Option<&str>,
    now: PrimitiveDateTime,
) -> anyhow::Result<()> {
    let due = email.not_before.unwrap_or(now).max(now);
    db_run!(conn: {
        diesel::insert_into(email_outbox::table)
            .values((
                email_outbox::id.eq(new_id()),
                email_outbox::recipient.eq(&email.to),
                email_outbox::subject.eq(&email.subject),
                email_outbox::body_text.eq(&email.text),
                email_outbox::body_html.eq(&email.html),
                email_outbox::action_url.eq(&email.action_url),
                email_outbox::attempts.eq(0),
                email_outbox::next_attempt_at.eq(due),
                email_outbox::due_since.eq(due),
                email_outbox::created_at.eq(now),
                email_outbox::signature_id.eq(signature_id),
                email_outbox::update_id.eq(update_id),
                email_outbox::list_unsubscribe.eq(&email.list_unsubscribe),
                email_outbox::content_language.eq(email.language),
                email_outbox::list_id.eq(&email.list_id),
            ))
            .execute(conn)
    })
    .context("queueing email")?;
    Ok(())
}

/// Claims up to `limit` due messages for `lease`. A claimed row is invisible
/// to other workers until the lease runs out, so a worker that dies
/// mid-send only delays its messages. On PostgreSQL several instances claim
/// side by side with `FOR UPDATE SKIP LOCKED`.
pub fn claim_due(
    conn: &mut DbConnection,
    now: PrimitiveDateTime,
    lease: Duration,
    limit: i64,
) -> anyhow::Result<Vec<QueuedEmail>> {
    write_transaction(conn, |conn| {
        macro_rules! due {
            () => {
                email_outbox::table
                    .filter(email_outbox::sent_at.is_null())
                    .filter(email_outbox::failed_at.is_null())
                    .filter(email_outbox::next_attempt_at.le(now))
                    .filter(
                        email_outbox::locked_until
                            .is_null()
                            .or(email_outbox::locked_until.lt(now)),
                    )
                    .order(email_outbox::next_attempt_at)
                    .limit(limit)
                    .select(QueuedEmail::as_select())
            };
        }
        let rows: Vec<QueuedEmail> = match conn {
            DbConnection::Postgresql(c) => due!().for_update().skip_locked().load(c),
            // SQLite: the IMMEDIATE transaction already excludes other writers.
            DbConnection::Sqlite(c) => due!().load(c),
        }
        .context("claiming due emails")?;
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        if !ids.is_empty() {
            db_run!(conn: {
                diesel::update(email_outbox::table.filter(email_outbox::id.eq_any(&ids)))
                    .set(email_outbox::locked_until.eq(now + lease))
                    .execute(conn)
            })
            .context("leasing emails")?;
        }
        Ok(rows)
    })
}

/// How one delivery attempt ended.
#[derive(Debug, Clone)]
pub enum Attempt {
    Sent,
    RetryAt(PrimitiveDateTime, String),
    GaveUp(String),
}

/// One finished attempt, as the worker reports it.
#[derive(Debug, Clone)]
pub struct AttemptRecord {
    pub id: String,
    pub attempts: i32,
    pub attempt: Attempt,
}

/// Records a batch of attempts in one transaction.
pub fn record_attempts(
    conn: &mut DbConnection,
    records: &[AttemptRecord],
    now: PrimitiveDateTime,
) -> anyhow::Result<()> {
    write_transaction(conn, |conn| {
        // Almost every attempt is a send the relay took: those are one
        // statement for the whole batch, not a round trip each.
        let sent: Vec<&str> = records
            .iter()
            .filter(|r| matches!(r.attempt, Attempt::Sent))
            .map(|r| r.id.as_str())
            .collect();
        for chunk in sent.chunks(500) {
            db_run!(conn: {
                diesel::update(email_outbox::table.filter(email_outbox::id.eq_any(chunk)))
                    .set((
                        // The claim holds the row, so nothing else moved it.
                        email_outbox::attempts.eq(email_outbox::attempts + 1),
                        email_outbox::locked_until.eq(None::<PrimitiveDateTime>),
                        wiped(),
                        email_outbox::sent_at.eq(now),
                    ))
                    .execute(conn)
            })
            .context("recording sent emails")?;
        }
        for record in records
            .iter()
            .filter(|r| !matches!(r.attempt, Attempt::Sent))
        {
            record_attempt(conn, &record.id, record.attempts, &record.attempt, now)?;
        }
        Ok(())
    })
}

/// How long the oldest unsent email has been waiting since it first became
/// due, retries included; `None` when nothing is waiting.
pub fn oldest_due_age(
    conn: &mut DbConnection,
    now: PrimitiveDateTime,
) -> anyhow::Result<Option<Duration>> {
    let oldest: Option<PrimitiveDateTime> = db_run!(conn: {
        email_outbox::table
            .filter(email_outbox::sent_at.is_null())
            .filter(email_outbox::failed_at.is_null())
            .filter(email_outbox::due_since.le(now))
            .select(diesel::dsl::min(email_outbox::due_since))
            .first(conn)
    })
    .context("reading the oldest due email")?;
    Ok(oldest.map(|at| now - at))
}

/// Records an attempt and releases the claim. A message that is done with,
/// sent or given up, loses its recipient, subject, bodies and data: they
/// say who signed what, and hold live token links.
fn record_attempt(
    conn: &mut DbConnection,
    id: &str,
    attempts: i32,
    attempt: &Attempt,
    now: PrimitiveDateTime,
) -> anyhow::Result<()> {
    let row = email_outbox::table.filter(email_outbox::id.eq(id));
    let released = (
        email_outbox::attempts.eq(attempts),
        email_outbox::locked_until.eq(None::<PrimitiveDateTime>),
    );
    db_run!(conn: {
        match attempt {
            Attempt::Sent => diesel::update(row)
                .set((released, wiped(), email_outbox::sent_at.eq(now)))
                .execute(conn),
            Attempt::RetryAt(at, error) => diesel::update(row)
                .set((released, email_outbox::next_attempt_at.eq(at), email_outbox::last_error.eq(error)))
                .execute(conn),
            Attempt::GaveUp(error) => diesel::update(row)
                .set((released, wiped(), email_outbox::failed_at.eq(now), email_outbox::last_error.eq(error)))
                .execute(conn),
        }
    })
    .context("recording an email attempt")?;
    Ok(())
}

#[allow(clippy::type_complexity)]
fn wiped() -> (
    diesel::dsl::Eq<email_outbox::recipient, &'static str>,
    diesel::dsl::Eq<email_outbox::subject, &'static str>,
    diesel::dsl::Eq<email_outbox::body_text, &'static str>,
    diesel::dsl::Eq<email_outbox::body_html, &'static str>,
    diesel::dsl::Eq<email_outbox::action_url, Option<String>>,
    diesel::dsl::Eq<email_outbox::message, Option<String>>,
) {
    (
        email_outbox::recipient.eq(""),
        email_outbox::subject.eq(""),
        email_outbox::body_text.eq(""),
        email_outbox::body_html.eq(""),
        email_outbox::action_url.eq(None::<String>),
        email_outbox::message.eq(None::<String>),
    )
}

/// Deletes messages that were sent or given up on more than `keep` ago;
/// until then their (wiped) rows serve the metrics.
pub fn purge_finished(
    conn: &mut DbConnection,
    now: PrimitiveDateTime,
    keep: Duration,
) -> anyhow::Result<usize> {
    let before = now - keep;
    db_run!(conn: {
        diesel::delete(
            email_outbox::table.filter(
                email_outbox::sent_at
                    .lt(before)
                    .or(email_outbox::failed_at.lt(before)),
            ),
        )
        .execute(conn)
    })
    .context("purging finished emails")
}

/// Clears every claim, for a single-process backend after a restart.
pub fn release_all_leases(conn: &mut DbConnection) -> anyhow::Result<()> {
    db_run!(conn: {
        diesel::update(email_outbox::table.filter(email_outbox::locked_until.is_not_null()))
            .set(email_outbox::locked_until.eq(None::<PrimitiveDateTime>))
            .execute(conn)
    })
    .context("releasing email claims")?;
    Ok(())
}
