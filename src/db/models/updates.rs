//! Updates from an organizer to a petition's signers: posting them under a
//! weekly cap, handing them to the outbox in batches, and unsubscribing.

use anyhow::Context;
use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use super::new_id;
use super::outbox::{self, OutgoingEmail};
use super::signatures::store_token;
use crate::db::schema::{email_outbox, petition_updates, petitions, signatures, tokens};
use crate::db::{write_transaction, DbConnection};
use crate::db_run;
use crate::domain::petition::PetitionLanguage;
use crate::domain::signer::SignatureState;
use crate::domain::token::{hash_token, TokenPurpose};
use crate::domain::update::NewUpdate;

/// Updates a petition may send in any seven days: news, not a newsletter.
pub const WEEKLY_LIMIT: usize = 3;
const WEEK: Duration = Duration::days(7);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = petition_updates)]
pub struct PetitionUpdate {
    pub id: String,
    pub petition_id: String,
    pub subject: String,
    pub body_markdown: String,
    pub body_html: String,
    pub created_at: PrimitiveDateTime,
    /// Emails queued so far.
    pub recipients: i64,
    /// When the last batch was queued.
    pub delivered_at: Option<PrimitiveDateTime>,
}

pub enum PostOutcome {
    Posted(PetitionUpdate),
    /// The cap is used up until `next_at`.
    WeeklyLimit {
        next_at: PrimitiveDateTime,
    },
}

/// The updates of the last seven days, oldest first.
fn sent_this_week(
    conn: &mut DbConnection,
    petition_id: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<Vec<PrimitiveDateTime>> {
    db_run!(conn: {
        petition_updates::table
            .filter(petition_updates::petition_id.eq(petition_id))
            .filter(petition_updates::created_at.gt(now - WEEK))
            .order(petition_updates::created_at.asc())
            .select(petition_updates::created_at)
            .load(conn)
    })
    .context("loading this week's updates")
}

/// When the next update may go out, if the cap is used up now.
fn next_slot(this_week: &[PrimitiveDateTime]) -> Option<PrimitiveDateTime> {
    (this_week.len() >= WEEKLY_LIMIT).then(|| this_week[this_week.len() - WEEKLY_LIMIT] + WEEK)
}

/// How much of the weekly cap is left.
pub struct Allowance {
    pub remaining: usize,
    pub next_at: Option<PrimitiveDateTime>,
}

pub fn allowance(
    conn: &mut DbConnection,
    petition_id: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<Allowance> {
    let this_week = sent_this_week(conn, petition_id, now)?;
    Ok(Allowance {
        remaining: WEEKLY_LIMIT.saturating_sub(this_week.len()),
        next_at: next_slot(&this_week),
    })
}

/// Stores an update, unless the petition has used its weekly cap. The
/// fan-out worker then emails it.
pub fn post(
    conn: &mut DbConnection,
    petition_id: &str,
    author_id: &str,
    new: &NewUpdate,
    now: PrimitiveDateTime,
) -> anyhow::Result<PostOutcome> {
    write_transaction(conn, |conn| {
        // Two posts at once must not both take the last slot. SQLite's
        // IMMEDIATE transaction already serialises them; PostgreSQL locks
        // the petition row.
        if let DbConnection::Postgresql(c) = conn {
            petitions::table
                .filter(petitions::id.eq(petition_id))
                .select(petitions::id)
                .for_update()
                .first::<String>(c)
                .context("locking petition")?;
        }
        let this_week = sent_this_week(conn, petition_id, now)?;
        if let Some(next_at) = next_slot(&this_week) {
            return Ok(PostOutcome::WeeklyLimit { next_at });
        }
        let update = db_run!(conn: {
            diesel::insert_into(petition_updates::table)
                .values((
                    petition_updates::id.eq(new_id()),
                    petition_updates::petition_id.eq(petition_id),
                    petition_updates::author_id.eq(author_id),
                    petition_updates::subject.eq(&new.subject),
                    petition_updates::body_markdown.eq(&new.body_markdown),
                    petition_updates::body_html.eq(&new.body_html),
                    petition_updates::created_at.eq(now),
                    petition_updates::recipients.eq(0i64),
                ))
                .returning(PetitionUpdate::as_returning())
                .get_result(conn)
        })
        .context("inserting update")?;
        Ok(PostOutcome::Posted(update))
    })
}

/// A petition's updates, newest first.
pub fn for_petition(
    conn: &mut DbConnection,
    petition_id: &str,
    limit: i64,
) -> anyhow::Result<Vec<PetitionUpdate>> {
    db_run!(conn: {
        petition_updates::table
            .filter(petition_updates::petition_id.eq(petition_id))
            .order((petition_updates::created_at.desc(), petition_updates::id.desc()))
            .limit(limit)
            .select(PetitionUpdate::as_select())
            .load(conn)
    })
    .context("loading updates")
}

/// How many confirmed signers asked for news: who an update would reach.
pub fn audience(conn: &mut DbConnection, petition_id: &str) -> anyhow::Result<i64> {
    db_run!(conn: {
        signatures::table
            .filter(signatures::petition_id.eq(petition_id))
            .filter(signatures::state.eq(SignatureState::Confirmed))
            .filter(signatures::updates.eq(true))
            .count()
            .get_result(conn)
    })
    .context("counting update audience")
}

/// Updates still being handed to the outbox, oldest first.
pub fn undelivered(conn: &mut DbConnection) -> anyhow::Result<Vec<String>> {
    db_run!(conn: {
        petition_updates::table
            .filter(petition_updates::delivered_at.is_null())
            .order(petition_updates::created_at)
            .select(petition_updates::id)
            .load(conn)
    })
    .context("loading undelivered updates")
}

/// Emails of `update_id` queued but not yet sent or given up.
pub fn unsent_emails(conn: &mut DbConnection, update_id: &str) -> anyhow::Result<i64> {
    db_run!(conn: {
        email_outbox::table
            .filter(email_outbox::update_id.eq(update_id))
            .filter(email_outbox::sent_at.is_null())
            .filter(email_outbox::failed_at.is_null())
            .count()
            .get_result(conn)
    })
    .context("counting unsent update emails")
}

/// What an update email is written from.
pub struct UpdateMail<'a> {
    pub update: &'a PetitionUpdate,
    pub petition_slug: &'a str,
    pub petition_title: &'a str,
    /// The petition's own language, which its title is written in.
    pub petition_language: PetitionLanguage,
    pub to: &'a str,
    /// The recipient's language, from when they signed.
    pub locale: crate::i18n::Locale,
    /// The plain unsubscribe token for this recipient.
    pub unsubscribe_token: &'a str,
}

/// Where an update's delivery stands: the last signer queued, in the
/// order signers confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub confirmed_at: Option<PrimitiveDateTime>,
    pub signature_id: Option<String>,
}

/// The next recipients of an update, read outside any write so that their
/// emails are written outside one too.
pub struct Batch {
    pub update: PetitionUpdate,
    pub petition_slug: String,
    pub petition_title: String,
    pub petition_language: PetitionLanguage,
    /// The cursor these recipients follow; the batch is queued only if the
    /// update still stands there.
    pub after: Cursor,
    pub recipients: Vec<Recipient>,
}

pub struct Recipient {
    pub signature_id: String,
    pub email: String,
    /// The address as the per-address email cap knows it.
    pub email_canonical: String,
    pub confirmed_at: Option<PrimitiveDateTime>,
    /// The language they signed in.
    pub locale: crate::i18n::Locale,
}

impl Batch {
    /// What `recipient`'s email is written from.
    pub fn mail_for<'a>(
        &'a self,
        recipient: &'a Recipient,
        unsubscribe_token: &'a str,
    ) -> UpdateMail<'a> {
        UpdateMail {
            update: &self.update,
            petition_slug: &self.petition_slug,
            petition_title: &self.petition_title,
            petition_language: self.petition_language,
            to: &recipient.email,
            locale: recipient.locale,
            unsubscribe_token,
        }
    }
}

/// One recipient's written email, and the hash of the unsubscribe link it
/// carries.
pub struct WrittenMail {
    pub signature_id: String,
    pub unsubscribe_hash: String,
    pub email: OutgoingEmail,
}

type UpdateRow = (
    PetitionUpdate,
    Option<PrimitiveDateTime>,
    Option<String>,
    String,
    String,
    String,
);

/// An update still to deliver, with its cursor and petition, unless its
/// petition is hidden (its mail waits until it is shown again).
fn deliverable(conn: &mut DbConnection, update_id: &str) -> anyhow::Result<Option<UpdateRow>> {
    db_run!(conn: {
        petition_updates::table
            .inner_join(petitions::table)
            .filter(petition_updates::id.eq(update_id))
            .filter(petition_updates::delivered_at.is_null())
            .filter(petitions::hidden_at.is_null())
            .select((
                PetitionUpdate::as_select(),
                petition_updates::cursor_confirmed_at,
                petition_updates::cursor_signature_id,
                petitions::slug,
                petitions::title,
                petitions::language,
            ))
            .get_result(conn)
            .optional()
    })
    .context("loading update to deliver")
}

/// The next `size` recipients of an update: the confirmed signers who
/// asked for updates and had confirmed when it was written, in the order
/// they confirmed. `None` when there is nothing to deliver now.
pub fn next_batch(
    conn: &mut DbConnection,
    update_id: &str,
    size: i64,
) -> anyhow::Result<Option<Batch>> {
    let Some((update, cursor_at, cursor_id, slug, title, language)) = deliverable(conn, update_id)?
    else {
        return Ok(None);
    };
    type Row = (
        String,
        String,
        String,
        Option<PrimitiveDateTime>,
        Option<String>,
    );
    let rows: Vec<Row> = db_run!(conn: {
        let mut query = signatures::table
            .filter(signatures::petition_id.eq(&update.petition_id))
            .filter(signatures::state.eq(SignatureState::Confirmed))
            .filter(signatures::confirmed_at.le(update.created_at))
            .filter(signatures::updates.eq(true))
            .order((signatures::confirmed_at, signatures::id))
            .limit(size)
            .select((
                signatures::id,
                signatures::email,
                signatures::email_canonical,
                signatures::confirmed_at,
                signatures::locale,
            ))
            .into_boxed();
        if let (Some(at), Some(id)) = (cursor_at, cursor_id.clone()) {
            let after = BoolExpressionMethods::and(
                signatures::confirmed_at.eq(at),
                signatures::id.gt(id),
            );
            query = query.filter(BoolExpressionMethods::or(
                signatures::confirmed_at.gt(at),
                after,
            ));
        }
        query.load(conn)
    })
    .context("loading update recipients")?;
    Ok(Some(Batch {
        petition_language: PetitionLanguage::parse(&language).unwrap_or_default(),
        update,
        petition_slug: slug,
        petition_title: title,
        after: Cursor {
            confirmed_at: cursor_at,
            signature_id: cursor_id,
        },
        recipients: rows
            .into_iter()
            .map(
                |(signature_id, email, email_canonical, confirmed_at, locale)| Recipient {
                    signature_id,
                    email,
                    email_canonical,
                    confirmed_at,
                    locale: crate::i18n::Locale::from_stored(locale.as_deref()),
                },
            )
            .collect(),
    }))
}

/// Queues a batch's written emails, with their unsubscribe links, and
/// moves the update's cursor past them, in one transaction. Returns how
/// many were queued: 0 when the update moved on meanwhile (another
/// instance queued this batch, or it was hidden or deleted), so nothing is
/// queued twice. A batch smaller than `size` marks the update delivered.
pub fn queue_batch(
    conn: &mut DbConnection,
    batch: &Batch,
    mails: &[WrittenMail],
    size: i64,
    now: PrimitiveDateTime,
) -> anyhow::Result<usize> {
    let update_id = batch.update.id.as_str();
    write_transaction(conn, |conn| {
        // Instances sharing PostgreSQL take turns on an update. (SQLite's
        // IMMEDIATE transaction already excludes other writers.)
        if let DbConnection::Postgresql(c) = conn {
            petition_updates::table
                .filter(petition_updates::id.eq(update_id))
                .select(petition_updates::id)
                .for_update()
                .first::<String>(c)
                .optional()
                .context("locking update")?;
        }
        let Some((update, cursor_at, cursor_id, ..)) = deliverable(conn, update_id)? else {
            return Ok(0);
        };
        let still_there = Cursor {
            confirmed_at: cursor_at,
            signature_id: cursor_id,
        };
        if still_there != batch.after {
            return Ok(0);
        }
        // Signers can withdraw, erase their details, unsubscribe or be
        // invalidated between the read and now: mail only those still
        // confirmed, still asking, at the address it was written to.
        let ids: Vec<&str> = mails.iter().map(|m| m.signature_id.as_str()).collect();
        let still_asking: std::collections::HashSet<(String, String)> = db_run!(conn: {
            signatures::table
                .filter(signatures::id.eq_any(&ids))
                .filter(signatures::state.eq(SignatureState::Confirmed))
                .filter(signatures::updates.eq(true))
                .select((signatures::id, signatures::email))
                .load::<(String, String)>(conn)
        })
        .context("rechecking update recipients")?
        .into_iter()
        .collect();
        let mails: Vec<&WrittenMail> = mails
            .iter()
            .filter(|m| still_asking.contains(&(m.signature_id.clone(), m.email.to.clone())))
            .collect();
        for mail in &mails {
            store_token(
                conn,
                &mail.signature_id,
                TokenPurpose::Unsubscribe,
                None,
                &mail.unsubscribe_hash,
                now,
            )?;
            outbox::enqueue_for_update(conn, &mail.email, &mail.signature_id, update_id, now)?;
        }
        let next = match batch.recipients.last() {
            Some(last) => Cursor {
                confirmed_at: last.confirmed_at,
                signature_id: Some(last.signature_id.clone()),
            },
            None => still_there,
        };
        let queued = mails.len();
        let finished = (batch.recipients.len() as i64) < size;
        db_run!(conn: {
            diesel::update(petition_updates::table.filter(petition_updates::id.eq(update_id)))
                .set((
                    petition_updates::cursor_confirmed_at.eq(next.confirmed_at),
                    petition_updates::cursor_signature_id.eq(&next.signature_id),
                    petition_updates::recipients.eq(update.recipients + queued as i64),
                    petition_updates::delivered_at.eq(finished.then_some(now)),
                ))
                .execute(conn)
        })
        .context("advancing update cursor")?;
        Ok(queued)
    })
}

/// The petition an unsubscribe link is about.
#[derive(Debug, Clone)]
pub struct Subscription {
    pub slug: String,
    pub title: String,
    /// The petition's own language, which its title is written in.
    pub language: String,
    pub signature_id: String,
    /// Whether the signer still gets updates.
    pub subscribed: bool,
}

/// What a live unsubscribe link points at, without using it.
pub fn subscription(
    conn: &mut DbConnection,
    plain: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<Option<Subscription>> {
    let row: Option<(String, String, String, String, bool)> = db_run!(conn: {
        tokens::table
            .inner_join(signatures::table.on(tokens::signature_id.eq(signatures::id.nullable())))
            .inner_join(petitions::table.on(signatures::petition_id.eq(petitions::id)))
            .filter(tokens::token_hash.eq(hash_token(plain)))
            .filter(tokens::purpose.eq(TokenPurpose::Unsubscribe.as_str()))
            .filter(tokens::expires_at.gt(now))
            .select((
                petitions::slug,
                petitions::title,
                petitions::language,
                signatures::id,
                signatures::updates,
            ))
            .first(conn)
            .optional()
    })
    .context("loading unsubscribe token")?;
    Ok(row.map(
        |(slug, title, language, signature_id, subscribed)| Subscription {
            slug,
            title,
            language,
            signature_id,
            subscribed,
        },
    ))
}

/// Stops updates to the signer behind an unsubscribe link. Doing it again
/// is harmless: mail providers may repeat a one-click POST.
pub fn unsubscribe(
    conn: &mut DbConnection,
    plain: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<Option<Subscription>> {
    write_transaction(conn, |conn| {
        let Some(found) = subscription(conn, plain, now)? else {
            return Ok(None);
        };
        db_run!(conn: {
            diesel::update(signatures::table.filter(signatures::id.eq(&found.signature_id)))
                .set(signatures::updates.eq(false))
                .execute(conn)
        })
        .context("unsubscribing")?;
        db_run!(conn: {
            diesel::update(
                tokens::table
                    .filter(tokens::token_hash.eq(hash_token(plain)))
                    .filter(tokens::used_at.is_null()),
            )
            .set(tokens::used_at.eq(now))
            .execute(conn)
        })
        .context("using unsubscribe token")?;
        // Nor send what is still queued for them (a lease means a send is
        // under way and cannot be called back).
        db_run!(conn: {
            diesel::delete(
                email_outbox::table
                    .filter(email_outbox::signature_id.eq(&found.signature_id))
                    .filter(email_outbox::update_id.is_not_null())
                    .filter(email_outbox::sent_at.is_null())
                    .filter(email_outbox::locked_until.is_null().or(email_outbox::locked_until.lt(now))),
            )
            .execute(conn)
        })
        .context("dropping queued updates")?;
        Ok(Some(Subscription {
            subscribed: false,
            ..found
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_cap_frees_a_slot_a_week_after_the_oldest_of_the_last_three() {
        let week = [
            datetime!(2026-11-01 10:00),
            datetime!(2026-11-03 10:00),
            datetime!(2026-11-05 10:00),
        ];
        assert_eq!(next_slot(&week[..2]), None);
        assert_eq!(next_slot(&week), Some(datetime!(2026-11-08 10:00)));
    }
}
