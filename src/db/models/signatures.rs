use anyhow::Context;
use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use super::outbox::{self, OutgoingEmail};
use super::{counts, new_id};
use crate::db::schema::{petitions, signatures, tokens};
use crate::db::{write_transaction, DbConnection};
use crate::db_run;
use crate::domain::signer::NewSignature;
use crate::domain::token::{hash_token, SecretToken, TokenPurpose};

/// At most this many emails go to one signature, whatever is resubmitted.
pub const MAX_EMAILS_PER_SIGNATURE: i32 = 5;
pub const CONFIRM_TOKEN_TTL: Duration = Duration::days(7);
/// Withdrawal links stay usable long after the confirmation link.
pub const WITHDRAW_TOKEN_TTL: Duration = Duration::days(365);

/// Which email a submission calls for; the HTTP response never says.
pub enum SignatureMail {
    Confirm {
        confirm_token: String,
        withdraw_token: String,
    },
    AlreadySigned {
        withdraw_token: String,
    },
}

#[derive(Debug, PartialEq, Eq)]
pub enum SignOutcome {
    Created,
    ConfirmationResent,
    AlreadySignedSent,
    EmailCapReached,
    Vanished,
}

/// Records a signature and queues its email in one write transaction.
///
/// The insert is `ON CONFLICT DO NOTHING` on (petition, canonical email), so
/// concurrent identical submissions make exactly one row; the losers fall
/// through to the resend path, which the email cap bounds.
pub fn record(
    conn: &mut DbConnection,
    petition_id: &str,
    new: &NewSignature,
    ip: Option<&str>,
    now: PrimitiveDateTime,
    compose: impl FnOnce(&SignatureMail) -> anyhow::Result<OutgoingEmail>,
) -> anyhow::Result<SignOutcome> {
    write_transaction(conn, |conn| {
        let id = new_id();
        let inserted = db_run!(conn: {
            diesel::insert_into(signatures::table)
                .values((
                    signatures::id.eq(&id),
                    signatures::petition_id.eq(petition_id),
                    signatures::email.eq(new.email.as_typed()),
                    signatures::email_canonical.eq(new.email.canonical()),
                    signatures::name.eq(&new.name),
                    signatures::country.eq(new.country.code()),
                    signatures::postcode.eq(&new.postcode),
                    signatures::comment.eq(&new.comment),
                    signatures::public.eq(new.public),
                    signatures::updates.eq(new.updates),
                    signatures::source.eq(&new.source),
                    signatures::state.eq("pending"),
                    signatures::emails_sent.eq(1),
                    signatures::ip.eq(ip),
                    signatures::created_at.eq(now),
                ))
                .on_conflict((signatures::petition_id, signatures::email_canonical))
                .do_nothing()
                .execute(conn)
        })
        .context("inserting signature")?;

        if inserted == 1 {
            let mail = SignatureMail::Confirm {
                confirm_token: issue_token(conn, &id, TokenPurpose::ConfirmSignature, now)?,
                withdraw_token: issue_token(conn, &id, TokenPurpose::WithdrawSignature, now)?,
            };
            outbox::enqueue(conn, &compose(&mail)?, now)?;
            return Ok(SignOutcome::Created);
        }

        // Someone with this canonical email already signed. Take one email
        // from the cap atomically; no row updated means the cap is spent.
        let existing: Option<(String, String)> = db_run!(conn: {
            signatures::table
                .filter(signatures::petition_id.eq(petition_id))
                .filter(signatures::email_canonical.eq(new.email.canonical()))
                .select((signatures::id, signatures::state))
                .first(conn)
                .optional()
        })
        .context("loading existing signature")?;
        // Withdrawn between our insert and this read: the signer can simply
        // sign again, so there is nothing to send.
        let Some((existing_id, state)) = existing else {
            return Ok(SignOutcome::Vanished);
        };
        let took_one = db_run!(conn: {
            diesel::update(
                signatures::table
                    .filter(signatures::id.eq(&existing_id))
                    .filter(signatures::emails_sent.lt(MAX_EMAILS_PER_SIGNATURE)),
            )
            .set(signatures::emails_sent.eq(signatures::emails_sent + 1))
            .execute(conn)
        })
        .context("counting email")?;
        if took_one == 0 {
            return Ok(SignOutcome::EmailCapReached);
        }
        let withdraw_token = issue_token(conn, &existing_id, TokenPurpose::WithdrawSignature, now)?;
        let (mail, outcome) = if state == "confirmed" {
            (
                SignatureMail::AlreadySigned { withdraw_token },
                SignOutcome::AlreadySignedSent,
            )
        } else {
            let confirm_token =
                issue_token(conn, &existing_id, TokenPurpose::ConfirmSignature, now)?;
            (
                SignatureMail::Confirm {
                    confirm_token,
                    withdraw_token,
                },
                SignOutcome::ConfirmationResent,
            )
        };
        outbox::enqueue(conn, &compose(&mail)?, now)?;
        Ok(outcome)
    })
}

fn issue_token(
    conn: &mut DbConnection,
    signature_id: &str,
    purpose: TokenPurpose,
    now: PrimitiveDateTime,
) -> anyhow::Result<String> {
    let token = SecretToken::generate();
    let ttl = match purpose {
        TokenPurpose::ConfirmSignature => CONFIRM_TOKEN_TTL,
        TokenPurpose::WithdrawSignature => WITHDRAW_TOKEN_TTL,
    };
    db_run!(conn: {
        diesel::insert_into(tokens::table)
            .values((
                tokens::token_hash.eq(&token.hash),
                tokens::purpose.eq(purpose.as_str()),
                tokens::signature_id.eq(signature_id),
                tokens::created_at.eq(now),
                tokens::expires_at.eq(now + ttl),
            ))
            .execute(conn)
    })
    .context("inserting token")?;
    Ok(token.plain)
}

/// A live token's signature, with its petition's id and slug.
struct TokenTarget {
    signature_id: String,
    used: bool,
    petition_id: String,
    slug: String,
    state: String,
}

fn find_token(
    conn: &mut DbConnection,
    plain: &str,
    purpose: TokenPurpose,
    now: PrimitiveDateTime,
) -> anyhow::Result<Option<TokenTarget>> {
    let row: Option<(String, Option<PrimitiveDateTime>, String, String, String)> = db_run!(conn: {
        tokens::table
            .inner_join(signatures::table.on(tokens::signature_id.eq(signatures::id.nullable())))
            .inner_join(petitions::table.on(signatures::petition_id.eq(petitions::id)))
            .filter(tokens::token_hash.eq(hash_token(plain)))
            .filter(tokens::purpose.eq(purpose.as_str()))
            .filter(tokens::expires_at.gt(now))
            .select((signatures::id, tokens::used_at, petitions::id, petitions::slug, signatures::state))
            .first(conn)
            .optional()
    })
    .context("loading token")?;
    Ok(row.map(
        |(signature_id, used_at, petition_id, slug, state)| TokenTarget {
            signature_id,
            used: used_at.is_some(),
            petition_id,
            slug,
            state,
        },
    ))
}

#[derive(Debug, PartialEq, Eq)]
pub enum ConfirmOutcome {
    Confirmed {
        petition_id: String,
        slug: String,
    },
    AlreadyConfirmed {
        slug: String,
    },
    /// Unknown or expired; the slug is known for an expired link, so the
    /// page can offer to sign again.
    NotFound {
        slug: Option<String>,
    },
}

/// Confirms the signature behind a confirmation token, and adds it to the
/// petition's count shards in the same transaction.
pub fn confirm(
    conn: &mut DbConnection,
    plain: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<ConfirmOutcome> {
    write_transaction(conn, |conn| {
        let Some(token) = find_token(conn, plain, TokenPurpose::ConfirmSignature, now)? else {
            let expired = find_token(
                conn,
                plain,
                TokenPurpose::ConfirmSignature,
                time::macros::datetime!(2000-01-01 0:00),
            )?;
            return Ok(ConfirmOutcome::NotFound {
                slug: expired.map(|t| t.slug),
            });
        };
        if token.used || token.state == "confirmed" {
            return Ok(ConfirmOutcome::AlreadyConfirmed { slug: token.slug });
        }
        let hash = hash_token(plain);
        db_run!(conn: {
            diesel::update(tokens::table.filter(tokens::token_hash.eq(&hash)))
                .set(tokens::used_at.eq(now))
                .execute(conn)
        })
        .context("using token")?;
        let changed = db_run!(conn: {
            diesel::update(
                signatures::table
                    .filter(signatures::id.eq(&token.signature_id))
                    .filter(signatures::state.eq("pending")),
            )
            .set((signatures::state.eq("confirmed"), signatures::confirmed_at.eq(now)))
            .execute(conn)
        })
        .context("confirming signature")?;
        if changed == 0 {
            return Ok(ConfirmOutcome::AlreadyConfirmed { slug: token.slug });
        }
        counts::add(conn, &token.petition_id, 1)?;
        Ok(ConfirmOutcome::Confirmed {
            petition_id: token.petition_id,
            slug: token.slug,
        })
    })
}

/// Whether a withdrawal link is live, and for which petition slug.
pub fn withdrawal_slug(
    conn: &mut DbConnection,
    plain: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<Option<String>> {
    Ok(find_token(conn, plain, TokenPurpose::WithdrawSignature, now)?.map(|t| t.slug))
}

#[derive(Debug, PartialEq, Eq)]
pub enum WithdrawOutcome {
    Withdrawn {
        petition_id: String,
        slug: String,
        was_confirmed: bool,
    },
    NotFound,
}

/// Deletes the signature (and, by cascade, its tokens), taking it off the
/// count if it had been confirmed.
pub fn withdraw(
    conn: &mut DbConnection,
    plain: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<WithdrawOutcome> {
    write_transaction(conn, |conn| {
        let Some(token) = find_token(conn, plain, TokenPurpose::WithdrawSignature, now)? else {
            return Ok(WithdrawOutcome::NotFound);
        };
        db_run!(conn: {
            diesel::delete(signatures::table.filter(signatures::id.eq(&token.signature_id)))
                .execute(conn)
        })
        .context("deleting signature")?;
        let was_confirmed = token.state == "confirmed";
        if was_confirmed {
            counts::add(conn, &token.petition_id, -1)?;
        }
        Ok(WithdrawOutcome::Withdrawn {
            petition_id: token.petition_id,
            slug: token.slug,
            was_confirmed,
        })
    })
}

#[derive(Debug, Clone, Queryable)]
pub struct PublicSigner {
    pub name: String,
    pub country: String,
    pub confirmed_at: Option<PrimitiveDateTime>,
}

/// Recent confirmed signers who chose to be shown. Nobody else's name ever
/// leaves this function.
pub fn recent_public(
    conn: &mut DbConnection,
    petition_id: &str,
    limit: i64,
) -> anyhow::Result<Vec<PublicSigner>> {
    db_run!(conn: {
        signatures::table
            .filter(signatures::petition_id.eq(petition_id))
            .filter(signatures::state.eq("confirmed"))
            .filter(signatures::public.eq(true))
            .order(signatures::confirmed_at.desc())
            .limit(limit)
            .select((signatures::name, signatures::country, signatures::confirmed_at))
            .load(conn)
    })
    .context("loading recent signers")
}
