//! Organizer accounts that people open themselves: sign-up with a verified
//! address, and password resets. Every answer a visitor sees is the same
//! whether or not an address has an account; only the emails differ.

use anyhow::Context;
use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::api_tokens;
use super::organizers::NewOrganizer;
use super::outbox::{self, OutgoingEmail};
use crate::db::schema::{organizers as organizer_rows, sessions, tokens};
use crate::db::{write_transaction, DbConnection};
use crate::db_run;
use crate::domain::token::{hash_token, TokenPurpose};

/// Both emails a sign-up may call for, written beforehand: which one goes
/// is only known once the insert has run.
pub struct SignUpMails {
    /// The hash of the token `verify` links to.
    pub verify_token_hash: String,
    /// A new account: the link that verifies its address.
    pub verify: OutgoingEmail,
    /// The address already has an account: a note to its owner, who may
    /// simply have forgotten.
    pub already_registered: OutgoingEmail,
    /// The address's daily email cap is spent: queue neither.
    pub over_daily_cap: bool,
}

/// Opens an unverified account and queues its verification email, or, if
/// the address is taken, queues the note to its owner instead.
pub fn sign_up(
    conn: &mut DbConnection,
    new: &NewOrganizer,
    now: PrimitiveDateTime,
    mails: &SignUpMails,
) -> anyhow::Result<()> {
    write_transaction(conn, |conn| {
        // DO NOTHING rather than catching the unique violation, which
        // would abort the whole transaction on PostgreSQL.
        let inserted = db_run!(conn: {
            diesel::insert_into(organizer_rows::table)
                .values(new)
                .on_conflict(organizer_rows::email_canonical)
                .do_nothing()
                .execute(conn)
        })
        .context("inserting organizer")?;
        let mail = if inserted == 1 {
            store(
                conn,
                new.id,
                TokenPurpose::VerifyOrganizer,
                &mails.verify_token_hash,
                now,
                mails.verify.not_before,
            )?;
            &mails.verify
        } else {
            &mails.already_registered
        };
        if !mails.over_daily_cap {
            outbox::enqueue(conn, mail, None, now)?;
        }
        Ok(())
    })
}

/// Stores an organizer's token, drawn beforehand, by its hash. Its time
/// runs from when its email goes, `sent` (the daily email cap may hold an
/// email back), so a link never arrives already expired.
fn store(
    conn: &mut DbConnection,
    organizer_id: &str,
    purpose: TokenPurpose,
    token_hash: &str,
    now: PrimitiveDateTime,
    sent: Option<PrimitiveDateTime>,
) -> anyhow::Result<()> {
    db_run!(conn: {
        diesel::insert_into(tokens::table)
            .values((
                tokens::token_hash.eq(token_hash),
                tokens::purpose.eq(purpose.as_str()),
                tokens::organizer_id.eq(organizer_id),
                tokens::created_at.eq(now),
                tokens::expires_at.eq(sent.unwrap_or(now).max(now) + purpose.ttl()),
            ))
            .execute(conn)
    })
    .context("inserting an organizer token")?;
    Ok(())
}

/// Uses up a live token of `purpose`: the organizer it belongs to, or
/// `None` if it is unknown, expired or already used.
fn redeem(
    conn: &mut DbConnection,
    plain: &str,
    purpose: TokenPurpose,
    now: PrimitiveDateTime,
) -> anyhow::Result<Option<String>> {
    let hash = hash_token(plain);
    let organizer: Option<Option<String>> = db_run!(conn: {
        diesel::update(
            tokens::table
                .filter(tokens::token_hash.eq(&hash))
                .filter(tokens::purpose.eq(purpose.as_str()))
                .filter(tokens::expires_at.gt(now))
                .filter(tokens::used_at.is_null()),
        )
        .set(tokens::used_at.eq(now))
        .returning(tokens::organizer_id)
        .get_result(conn)
        .optional()
    })
    .context("redeeming an organizer token")?;
    Ok(organizer.flatten())
}

/// Whether a token of `purpose` is live, without using it (for the form
/// that will).
pub fn is_live(
    conn: &mut DbConnection,
    plain: &str,
    purpose: TokenPurpose,
    now: PrimitiveDateTime,
) -> anyhow::Result<bool> {
    let hash = hash_token(plain);
    let found: Option<String> = db_run!(conn: {
        tokens::table
            .filter(tokens::token_hash.eq(&hash))
            .filter(tokens::purpose.eq(purpose.as_str()))
            .filter(tokens::expires_at.gt(now))
            .filter(tokens::used_at.is_null())
            .select(tokens::token_hash)
            .first(conn)
            .optional()
    })
    .context("checking an organizer token")?;
    Ok(found.is_some())
}

/// The id and password hash of the account a live verification link
/// belongs to, read without using the link: the page it opens asks for
/// that password.
pub fn verification_password_hash(
    conn: &mut DbConnection,
    plain: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<Option<(String, String)>> {
    let hash = hash_token(plain);
    db_run!(conn: {
        tokens::table
            .inner_join(organizer_rows::table.on(tokens::organizer_id.eq(organizer_rows::id.nullable())))
            .filter(tokens::token_hash.eq(&hash))
            .filter(tokens::purpose.eq(TokenPurpose::VerifyOrganizer.as_str()))
            .filter(tokens::expires_at.gt(now))
            .filter(tokens::used_at.is_null())
            .select((organizer_rows::id, organizer_rows::password_hash))
            .first(conn)
            .optional()
    })
    .context("loading the account behind a verification link")
}

/// Marks the address behind a verification link as verified. `false` for a
/// link that is unknown, expired or used.
pub fn verify(
    conn: &mut DbConnection,
    plain: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<bool> {
    write_transaction(conn, |conn| {
        let Some(organizer_id) = redeem(conn, plain, TokenPurpose::VerifyOrganizer, now)? else {
            return Ok(false);
        };
        mark_verified(conn, &organizer_id, now)?;
        Ok(true)
    })
}

fn mark_verified(
    conn: &mut DbConnection,
    organizer_id: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<()> {
    db_run!(conn: {
        diesel::update(
            organizer_rows::table
                .filter(organizer_rows::id.eq(organizer_id))
                .filter(organizer_rows::verified_at.is_null()),
        )
        .set(organizer_rows::verified_at.eq(now))
        .execute(conn)
    })
    .context("verifying an organizer")?;
    Ok(())
}

/// A reset link written beforehand for an account.
pub struct ResetRequest {
    pub organizer_id: String,
    pub token_hash: String,
    pub mail: OutgoingEmail,
}

/// Queues a reset link, unless the account is gone meanwhile. With no
/// request (no such account) it takes the write lock all the same, so the
/// answer takes as long either way and tells nobody whether the address
/// has an account.
pub fn request_reset(
    conn: &mut DbConnection,
    request: Option<&ResetRequest>,
    now: PrimitiveDateTime,
) -> anyhow::Result<()> {
    write_transaction(conn, |conn| {
        let Some(request) = request else {
            return Ok(());
        };
        let still_there: bool = db_run!(conn: {
            diesel::select(diesel::dsl::exists(
                organizer_rows::table.filter(organizer_rows::id.eq(&request.organizer_id)),
            ))
            .get_result(conn)
        })
        .context("looking up the account")?;
        if !still_there {
            return Ok(());
        }
        store(
            conn,
            &request.organizer_id,
            TokenPurpose::ResetPassword,
            &request.token_hash,
            now,
            request.mail.not_before,
        )?;
        outbox::enqueue(conn, &request.mail, None, now)?;
        Ok(())
    })
}

/// What a password reset ended.
pub struct ResetDone {
    pub organizer_id: String,
    /// API tokens revoked with the old password.
    pub tokens_revoked: usize,
}

/// Sets a new password through a reset link, and ends everything the old
/// password opened: every session, every API token, and every other reset
/// link of the account. Following the link also proves the address, so an
/// unverified account becomes verified. `None` for a link that is unknown,
/// expired or used.
pub fn reset_password(
    conn: &mut DbConnection,
    plain: &str,
    password_hash: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<Option<ResetDone>> {
    write_transaction(conn, |conn| {
        let Some(organizer_id) = redeem(conn, plain, TokenPurpose::ResetPassword, now)? else {
            return Ok(None);
        };
        db_run!(conn: {
            diesel::update(organizer_rows::table.filter(organizer_rows::id.eq(&organizer_id)))
                .set(organizer_rows::password_hash.eq(password_hash))
                .execute(conn)
        })
        .context("setting a new password")?;
        mark_verified(conn, &organizer_id, now)?;
        db_run!(conn: {
            diesel::delete(sessions::table.filter(sessions::organizer_id.eq(&organizer_id)))
                .execute(conn)
        })
        .context("ending the account's sessions")?;
        let tokens_revoked = api_tokens::revoke_all(conn, &organizer_id, now)?;
        db_run!(conn: {
            diesel::update(
                tokens::table
                    .filter(tokens::organizer_id.eq(&organizer_id))
                    .filter(tokens::purpose.eq(TokenPurpose::ResetPassword.as_str()))
                    .filter(tokens::used_at.is_null()),
            )
            .set(tokens::used_at.eq(now))
            .execute(conn)
        })
        .context("ending the account's other reset links")?;
        Ok(Some(ResetDone {
            organizer_id,
            tokens_revoked,
        }))
    })
}
