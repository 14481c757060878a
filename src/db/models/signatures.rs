use anyhow::Context;
use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use super::outbox;
use super::{counts, new_id, public_log};
use crate::db::schema::{email_outbox, petitions, signatures, tokens};
use crate::db::{write_transaction, DbConnection};
use crate::db_run;
use crate::domain::signer::{NewSignature, SignatureState};
use crate::domain::token::{hash_token, SecretToken, TokenPurpose};
use crate::i18n::Locale;
use crate::transparency::merkle::Hash;

/// At most this many emails go to one signature in one window, whatever
/// is resubmitted. The window rolls, so a spent cap never locks an address
/// out for good.
pub const MAX_EMAILS_PER_SIGNATURE: i32 = 5;
pub const EMAIL_WINDOW: Duration = Duration::hours(24);
/// Confirmation links expire after this; a pending signature whose last
/// link expired is purged.
pub const CONFIRM_TOKEN_TTL: Duration = TokenPurpose::ConfirmSignature.ttl();
/// Expired tokens are kept this long, so that a late click can still be
/// told which petition to sign again.
const EXPIRED_TOKEN_GRACE: Duration = Duration::days(7);

#[derive(Debug, PartialEq, Eq)]
pub enum SignOutcome {
    Created,
    ConfirmationResent,
    AlreadySignedSent,
    EmailCapReached,
    Vanished,
    /// An admin invalidated this person's signature: nothing is sent, and
    /// signing again does not bring it back.
    Invalidated,
}

/// The details a signer chose, stored with each confirmation link so that
/// the submission whose link is confirmed is the one that counts.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct SignerDetails {
    name: String,
    country: String,
    postcode: Option<String>,
    comment: Option<String>,
    public: bool,
    updates: bool,
    source: Option<String>,
    ip: Option<String>,
    /// The language they signed in; absent in details stored before.
    #[serde(default)]
    locale: Option<String>,
}

impl SignerDetails {
    fn of(new: &NewSignature, ip: Option<&str>, locale: Locale) -> Self {
        Self {
            name: new.name.clone(),
            country: new.country.code().to_owned(),
            postcode: new.postcode.clone(),
            comment: new.comment.clone(),
            public: new.public,
            updates: new.updates,
            source: new.source.clone(),
            ip: ip.map(str::to_owned),
            locale: Some(locale.code().to_owned()),
        }
    }
}

/// Where a submission came from: the network address (kept for fraud
/// review) and the language the signer used (for every later email).
#[derive(Debug, Clone, Copy)]
pub struct SignedFrom<'a> {
    pub ip: Option<&'a str>,
    pub locale: Locale,
}

/// The mail a submission may call for, prepared before the writer's
/// transaction: both tokens it may hand out and both messages it may send,
/// already serialized. `record` only picks one and writes it, so the writer
/// thread renders nothing, hashes nothing and asks nobody.
pub struct PreparedMail {
    pub confirm_token: SecretToken,
    pub withdraw_token: SecretToken,
    /// For a new or still pending signer: confirm (or withdraw).
    pub confirm: String,
    /// For a signer who has confirmed already: withdraw, if it was not them.
    pub already_signed: String,
    /// When the email may go, by the per-address daily cap; `None` when the
    /// address has had its fill for the day and nothing is sent.
    pub due: Option<PrimitiveDateTime>,
}

/// Records a signature and queues its email. It must run inside a write
/// transaction, which makes it all or nothing: the group-commit writer runs
/// each job in a savepoint of its batch, so a savepoint of its own here
/// would only add statements (round trips, on PostgreSQL) to every
/// signature.
///
/// The insert is `ON CONFLICT DO NOTHING` on (petition, canonical email), so
/// concurrent identical submissions make exactly one row; the losers fall
/// through to the resend path, which the email cap bounds. `erased_marker`
/// is what this signer's address would have become had they erased their
/// details (see `security::erasure`).
pub fn record(
    conn: &mut DbConnection,
    petition_id: &str,
    new: &NewSignature,
    from: SignedFrom<'_>,
    erased_marker: &str,
    mail: &PreparedMail,
    now: PrimitiveDateTime,
) -> anyhow::Result<SignOutcome> {
    let details = SignerDetails::of(new, from.ip, from.locale);
    // Someone who signed, then erased their details, left a fingerprint
    // instead of their address: they have signed already. Mail goes to
    // the address just typed, the only one left, which has the same
    // canonical form.
    let erased: Option<(String, SignatureState)> = db_run!(conn: {
        signatures::table
            .filter(signatures::petition_id.eq(petition_id))
            .filter(signatures::email_canonical.eq(erased_marker))
            .select((signatures::id, signatures::state))
            .first(conn)
            .optional()
    })
    .context("looking for an erased signature")?;
    match erased {
        Some((_, SignatureState::Invalidated)) => return Ok(SignOutcome::Invalidated),
        Some((erased_id, SignatureState::Confirmed)) => {
            return send_already_signed(conn, &erased_id, new.email.as_typed(), mail, now);
        }
        // Erased before it was confirmed: its links are gone, so it
        // never counts, and the purge takes it. Signing anew is right.
        Some((_, SignatureState::Pending)) | None => {}
    }
    let id = new_id();
    let inserted = db_run!(conn: {
        diesel::insert_into(signatures::table)
            .values((
                signatures::id.eq(&id),
                signatures::petition_id.eq(petition_id),
                signatures::email.eq(new.email.as_typed()),
                signatures::email_canonical.eq(new.email.canonical()),
                signatures::name.eq(&details.name),
                signatures::country.eq(&details.country),
                signatures::postcode.eq(&details.postcode),
                signatures::comment.eq(&details.comment),
                signatures::public.eq(details.public),
                signatures::updates.eq(details.updates),
                signatures::source.eq(&details.source),
                signatures::state.eq(SignatureState::Pending),
                signatures::emails_sent.eq(1),
                signatures::emails_window_start.eq(now),
                signatures::pending_until.eq(now + CONFIRM_TOKEN_TTL),
                signatures::ip.eq(&details.ip),
                signatures::locale.eq(&details.locale),
                signatures::created_at.eq(now),
            ))
            .on_conflict((signatures::petition_id, signatures::email_canonical))
            .do_nothing()
            .execute(conn)
    })
    .context("inserting signature")?;

    if inserted == 1 {
        store_links(conn, &id, Some(&details), mail, now)?;
        let to = new.email.as_typed();
        return queue(
            conn,
            to,
            &mail.confirm,
            &id,
            mail,
            now,
            SignOutcome::Created,
        );
    }

    // Someone with this canonical email already signed. Mail goes to the
    // address stored with that signature, never to the one just typed.
    let existing: Option<(String, SignatureState, String)> = db_run!(conn: {
        signatures::table
            .filter(signatures::petition_id.eq(petition_id))
            .filter(signatures::email_canonical.eq(new.email.canonical()))
            .select((signatures::id, signatures::state, signatures::email))
            .first(conn)
            .optional()
    })
    .context("loading existing signature")?;
    // Withdrawn between our insert and this read: the signer can simply
    // sign again, so there is nothing to send.
    let Some((existing_id, state, stored_address)) = existing else {
        return Ok(SignOutcome::Vanished);
    };
    match state {
        SignatureState::Invalidated => Ok(SignOutcome::Invalidated),
        SignatureState::Confirmed => {
            send_already_signed(conn, &existing_id, &stored_address, mail, now)
        }
        SignatureState::Pending => {
            if !take_email_from_cap(conn, &existing_id, now)? {
                return Ok(SignOutcome::EmailCapReached);
            }
            store_links(conn, &existing_id, Some(&details), mail, now)?;
            db_run!(conn: {
                diesel::update(signatures::table.filter(signatures::id.eq(&existing_id)))
                    .set(signatures::pending_until.eq(now + CONFIRM_TOKEN_TTL))
                    .execute(conn)
            })
            .context("extending a pending signature")?;
            queue(
                conn,
                &stored_address,
                &mail.confirm,
                &existing_id,
                mail,
                now,
                SignOutcome::ConfirmationResent,
            )
        }
    }
}

/// Tells a signer who has confirmed already that they have, with a fresh
/// withdrawal link in case it was not them.
fn send_already_signed(
    conn: &mut DbConnection,
    signature_id: &str,
    to: &str,
    mail: &PreparedMail,
    now: PrimitiveDateTime,
) -> anyhow::Result<SignOutcome> {
    if !take_email_from_cap(conn, signature_id, now)? {
        return Ok(SignOutcome::EmailCapReached);
    }
    store_links(conn, signature_id, None, mail, now)?;
    queue(
        conn,
        to,
        &mail.already_signed,
        signature_id,
        mail,
        now,
        SignOutcome::AlreadySignedSent,
    )
}

/// Stores the links the prepared mail carries: always a withdrawal link,
/// and a confirmation link (with the details it will confirm) for a
/// signature still to be confirmed.
fn store_links(
    conn: &mut DbConnection,
    signature_id: &str,
    to_confirm: Option<&SignerDetails>,
    mail: &PreparedMail,
    now: PrimitiveDateTime,
) -> anyhow::Result<()> {
    store_token(
        conn,
        signature_id,
        TokenPurpose::WithdrawSignature,
        None,
        &mail.withdraw_token.hash,
        now,
    )?;
    if let Some(details) = to_confirm {
        store_token(
            conn,
            signature_id,
            TokenPurpose::ConfirmSignature,
            Some(details),
            &mail.confirm_token.hash,
            now,
        )?;
    }
    Ok(())
}

/// Queues `message` to `to` and answers `sent`, or `EmailCapReached` when
/// the address has had its fill of mail for the day: the signature stands
/// and nothing is sent.
fn queue(
    conn: &mut DbConnection,
    to: &str,
    message: &str,
    signature_id: &str,
    mail: &PreparedMail,
    now: PrimitiveDateTime,
    sent: SignOutcome,
) -> anyhow::Result<SignOutcome> {
    let Some(due) = mail.due else {
        return Ok(SignOutcome::EmailCapReached);
    };
    outbox::enqueue_prepared(conn, to, message, Some(signature_id), due, now)?;
    Ok(sent)
}

/// Takes one email from the signature's cap, atomically: a new window if
/// the last one is over, else one more in the current window if any is left.
fn take_email_from_cap(
    conn: &mut DbConnection,
    signature_id: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<bool> {
    let window_over = now - EMAIL_WINDOW;
    let restarted = db_run!(conn: {
        diesel::update(
            signatures::table.filter(signatures::id.eq(signature_id)).filter(
                signatures::emails_window_start
                    .is_null()
                    .or(signatures::emails_window_start.le(window_over)),
            ),
        )
        .set((signatures::emails_sent.eq(1), signatures::emails_window_start.eq(now)))
        .execute(conn)
    })
    .context("starting an email window")?;
    if restarted == 1 {
        return Ok(true);
    }
    let took_one = db_run!(conn: {
        diesel::update(
            signatures::table
                .filter(signatures::id.eq(signature_id))
                .filter(signatures::emails_sent.lt(MAX_EMAILS_PER_SIGNATURE)),
        )
        .set(signatures::emails_sent.eq(signatures::emails_sent + 1))
        .execute(conn)
    })
    .context("counting email")?;
    Ok(took_one == 1)
}

/// Stores a token generated beforehand, by its hash.
pub(crate) fn store_token(
    conn: &mut DbConnection,
    signature_id: &str,
    purpose: TokenPurpose,
    details: Option<&SignerDetails>,
    token_hash: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<()> {
    let payload = details
        .map(serde_json::to_string)
        .transpose()
        .context("encoding signer details")?;
    db_run!(conn: {
        diesel::insert_into(tokens::table)
            .values((
                tokens::token_hash.eq(token_hash),
                tokens::purpose.eq(purpose.as_str()),
                tokens::signature_id.eq(signature_id),
                tokens::created_at.eq(now),
                tokens::expires_at.eq(now + purpose.ttl()),
                tokens::payload.eq(&payload),
            ))
            .execute(conn)
    })
    .context("inserting token")?;
    Ok(())
}

/// A live token's signature, with its petition's id and slug.
struct TokenTarget {
    signature_id: String,
    used: bool,
    petition_id: String,
    slug: String,
    state: SignatureState,
    payload: Option<String>,
}

fn find_token(
    conn: &mut DbConnection,
    plain: &str,
    purpose: TokenPurpose,
    now: PrimitiveDateTime,
) -> anyhow::Result<Option<TokenTarget>> {
    type Row = (
        String,
        Option<PrimitiveDateTime>,
        String,
        String,
        SignatureState,
        Option<String>,
    );
    let row: Option<Row> = db_run!(conn: {
        tokens::table
            .inner_join(signatures::table.on(tokens::signature_id.eq(signatures::id.nullable())))
            .inner_join(petitions::table.on(signatures::petition_id.eq(petitions::id)))
            .filter(tokens::token_hash.eq(hash_token(plain)))
            .filter(tokens::purpose.eq(purpose.as_str()))
            .filter(tokens::expires_at.gt(now))
            .select((signatures::id, tokens::used_at, petitions::id, petitions::slug, signatures::state, tokens::payload))
            .first(conn)
            .optional()
    })
    .context("loading token")?;
    Ok(row.map(
        |(signature_id, used_at, petition_id, slug, state, payload)| TokenTarget {
            signature_id,
            used: used_at.is_some(),
            petition_id,
            slug,
            state,
            payload,
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

/// A confirmation link's token while it can still confirm; otherwise what
/// following it tells the signer.
fn confirmable(
    conn: &mut DbConnection,
    plain: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<Result<TokenTarget, ConfirmOutcome>> {
    let Some(token) = find_token(conn, plain, TokenPurpose::ConfirmSignature, now)? else {
        let expired = find_token(
            conn,
            plain,
            TokenPurpose::ConfirmSignature,
            time::macros::datetime!(2000-01-01 0:00),
        )?;
        return Ok(Err(ConfirmOutcome::NotFound {
            slug: expired.map(|t| t.slug),
        }));
    };
    // An invalidated signature's link is simply no longer valid, whether
    // or not it had been used.
    if token.state == SignatureState::Invalidated {
        return Ok(Err(ConfirmOutcome::NotFound { slug: None }));
    }
    if token.used || token.state == SignatureState::Confirmed {
        return Ok(Err(ConfirmOutcome::AlreadyConfirmed { slug: token.slug }));
    }
    Ok(Ok(token))
}

/// What a confirmation link would do, read without using it: the slug of
/// the petition whose pending signature it would confirm, or the outcome
/// it already has. Opening a link only reads, since mail scanners open
/// every link in a message; a person confirms with the button.
pub fn confirmation_prompt(
    conn: &mut DbConnection,
    plain: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<Result<String, ConfirmOutcome>> {
    Ok(confirmable(conn, plain, now)?.map(|token| token.slug))
}

/// Confirms the signature behind a confirmation token, and adds it to the
/// petition's count shards in the same transaction.
/// `commitment` is the new receipt's, for the signature's leaf in the
/// public log, queued in the same transaction.
pub fn confirm(
    conn: &mut DbConnection,
    plain: &str,
    commitment: Hash,
    now: PrimitiveDateTime,
) -> anyhow::Result<ConfirmOutcome> {
    write_transaction(conn, |conn| {
        let token = match confirmable(conn, plain, now)? {
            Ok(token) => token,
            Err(settled) => return Ok(settled),
        };
        let pending = signatures::table
            .filter(signatures::id.eq(&token.signature_id))
            .filter(signatures::state.eq(SignatureState::Pending));
        let confirmed = (
            signatures::state.eq(SignatureState::Confirmed),
            signatures::confirmed_at.eq(now),
            signatures::pending_until.eq(None::<PrimitiveDateTime>),
            signatures::commitment.eq(commitment.as_slice()),
        );
        // The details that count are those of the submission this link
        // was sent for.
        let details: Option<SignerDetails> = token
            .payload
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .context("decoding signer details")?;
        let changed = match details {
            Some(d) => db_run!(conn: {
                diesel::update(pending)
                    .set((
                        confirmed,
                        signatures::name.eq(&d.name),
                        signatures::country.eq(&d.country),
                        signatures::postcode.eq(&d.postcode),
                        signatures::comment.eq(&d.comment),
                        signatures::public.eq(d.public),
                        signatures::updates.eq(d.updates),
                        signatures::source.eq(&d.source),
                        signatures::ip.eq(&d.ip),
                        signatures::locale.eq(&d.locale),
                    ))
                    .execute(conn)
            }),
            None => db_run!(conn: { diesel::update(pending).set(confirmed).execute(conn) }),
        }
        .context("confirming signature")?;
        // The token is spent after the signature row is locked, never
        // before: a withdrawal deletes the row and then its tokens, and the
        // opposite order deadlocks the two on PostgreSQL.
        let hash = hash_token(plain);
        db_run!(conn: {
            diesel::update(tokens::table.filter(tokens::token_hash.eq(&hash)))
                .set(tokens::used_at.eq(now))
                .execute(conn)
        })
        .context("using token")?;
        if changed == 0 {
            return Ok(ConfirmOutcome::AlreadyConfirmed { slug: token.slug });
        }
        counts::add(conn, &token.petition_id, 1)?;
        public_log::queue_add(conn, &token.petition_id, &commitment, now)?;
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
        // The state as deleted, not as read before: on PostgreSQL a
        // confirmation may commit in between, and its leaf must be revoked.
        let deleted: Option<(SignatureState, Option<Vec<u8>>)> = db_run!(conn: {
            diesel::delete(signatures::table.filter(signatures::id.eq(&token.signature_id)))
                .returning((signatures::state, signatures::commitment))
                .get_result(conn)
                .optional()
        })
        .context("deleting signature")?;
        let Some((state, commitment)) = deleted else {
            return Ok(WithdrawOutcome::NotFound);
        };
        let was_confirmed = state == SignatureState::Confirmed;
        if was_confirmed {
            counts::add(conn, &token.petition_id, -1)?;
            if let Some(commitment) = commitment {
                let commitment = public_log::to_hash(commitment)?;
                public_log::queue_revoke(conn, &token.petition_id, &commitment, now)?;
            }
        }
        Ok(WithdrawOutcome::Withdrawn {
            petition_id: token.petition_id,
            slug: token.slug,
            was_confirmed,
        })
    })
}

/// Who a withdrawal link belongs to, for fingerprinting before erasure:
/// the petition and the canonical address, if any is left.
pub fn erasure_subject(
    conn: &mut DbConnection,
    plain: &str,
    now: PrimitiveDateTime,
) -> anyhow::Result<Option<(String, String)>> {
    let Some(token) = find_token(conn, plain, TokenPurpose::WithdrawSignature, now)? else {
        return Ok(None);
    };
    let canonical: String = db_run!(conn: {
        signatures::table
            .filter(signatures::id.eq(&token.signature_id))
            .select(signatures::email_canonical)
            .first(conn)
    })
    .context("loading the address to fingerprint")?;
    Ok(Some((token.petition_id, canonical)))
}

/// A canonical address and the fingerprint that replaces it on erasure,
/// computed outside the writer's transaction.
pub struct Fingerprint {
    pub canonical: String,
    pub marker: String,
}

/// What a signer's request to erase their details found.
#[derive(Debug, PartialEq, Eq)]
pub enum EraseOutcome {
    Erased { slug: String },
    NotFound,
}

/// Erases the signer's details at their request and keeps their signature:
/// it still counts, with its country, source and dates, as the retention
/// pass leaves signatures of long-closed petitions. Unsent emails and every
/// link but this withdrawal link go, so the signer can still withdraw.
pub fn erase_details(
    conn: &mut DbConnection,
    plain: &str,
    fingerprint: &Fingerprint,
    now: PrimitiveDateTime,
) -> anyhow::Result<EraseOutcome> {
    write_transaction(conn, |conn| {
        let Some(token) = find_token(conn, plain, TokenPurpose::WithdrawSignature, now)? else {
            return Ok(EraseOutcome::NotFound);
        };
        let id = token.signature_id.as_str();
        db_run!(conn: {
            diesel::delete(
                email_outbox::table
                    .filter(email_outbox::signature_id.eq(id))
                    .filter(email_outbox::sent_at.is_null()),
            )
            .execute(conn)
        })
        .context("dropping unsent email to an erased signer")?;
        db_run!(conn: {
            diesel::delete(
                tokens::table
                    .filter(tokens::signature_id.eq(id))
                    .filter(tokens::purpose.ne(TokenPurpose::WithdrawSignature.as_str())),
            )
            .execute(conn)
        })
        .context("dropping an erased signer's links")?;
        // The fingerprint keeps the row unique per petition and lets a
        // second signing find it (see `record`), and cannot be read back.
        let canonical: String = db_run!(conn: {
            signatures::table
                .filter(signatures::id.eq(id))
                .select(signatures::email_canonical)
                .first(conn)
        })
        .context("loading the address to erase")?;
        let marker = if !canonical.contains('@') {
            // Erased or anonymised already: nothing is left to fingerprint.
            canonical
        } else if canonical == fingerprint.canonical {
            fingerprint.marker.clone()
        } else {
            // Only erasure changes an address, and it leaves none.
            anyhow::bail!("the address to erase changed while it was fingerprinted");
        };
        db_run!(conn: {
            diesel::update(signatures::table.filter(signatures::id.eq(id)))
                .set((
                    signatures::name.eq(""),
                    signatures::email.eq(""),
                    signatures::email_canonical.eq(&marker),
                    signatures::postcode.eq(None::<String>),
                    signatures::comment.eq(None::<String>),
                    signatures::ip.eq(None::<String>),
                    signatures::public.eq(false),
                    signatures::updates.eq(false),
                ))
                .execute(conn)
        })
        .context("erasing a signer's details")?;
        Ok(EraseOutcome::Erased { slug: token.slug })
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
            .filter(signatures::state.eq(SignatureState::Confirmed))
            .filter(signatures::public.eq(true))
            .order(signatures::confirmed_at.desc())
            .limit(limit)
            .select((signatures::name, signatures::country, signatures::confirmed_at))
            .load(conn)
    })
    .context("loading recent signers")
}

/// Deletes pending signatures whose last confirmation link has expired
/// (their tokens and queued emails go with them), and tokens long expired.
/// Returns (signatures, tokens) deleted.
pub fn purge_expired(
    conn: &mut DbConnection,
    now: PrimitiveDateTime,
) -> anyhow::Result<(usize, usize)> {
    let signatures = db_run!(conn: {
        diesel::delete(
            signatures::table
                // Written out, not bound: `signatures_pending_until_idx` is
                // partial (`WHERE state = 'pending'`), and SQLite, keeping
                // its first plan (see `db::plan_statements_once`), matches a
                // partial index against literals only. A bound state made
                // this a scan of every signature.
                .filter(diesel::dsl::sql::<diesel::sql_types::Bool>("state = 'pending'"))
                .filter(signatures::pending_until.lt(now)),
        )
        .execute(conn)
    })
    .context("purging expired pending signatures")?;
    let tokens = db_run!(conn: {
        diesel::delete(tokens::table.filter(tokens::expires_at.lt(now - EXPIRED_TOKEN_GRACE)))
            .execute(conn)
    })
    .context("purging expired tokens")?;
    Ok((signatures, tokens))
}

/// One confirmed signature as the organizer exports it.
#[derive(Debug, Clone, Queryable)]
pub struct ExportRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub country: String,
    pub postcode: Option<String>,
    pub comment: Option<String>,
    pub source: Option<String>,
    pub confirmed_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    pub updates: bool,
    pub public: bool,
}

/// Where the next page of an export starts: after this (confirmed_at, id).
pub type ExportCursor = (PrimitiveDateTime, String);

/// Where a page of confirmed signatures starts: after a cursor, or (for
/// API clients that count pages) after skipping some rows.
pub enum After {
    Cursor(ExportCursor),
    Offset(i64),
}

/// Up to `limit` confirmed signatures of a petition, oldest first, after
/// `after`. Keyset pages cost the same at row 200,000 as at row 1, so an
/// export streams in constant memory and time per page.
pub fn export_page(
    conn: &mut DbConnection,
    petition_id: &str,
    after: Option<&After>,
    limit: i64,
) -> anyhow::Result<Vec<ExportRow>> {
    let columns = (
        signatures::id,
        signatures::name,
        signatures::email,
        signatures::country,
        signatures::postcode,
        signatures::comment,
        signatures::source,
        signatures::confirmed_at,
        signatures::created_at,
        signatures::updates,
        signatures::public,
    );
    db_run!(conn: {
        let mut query = signatures::table
            .filter(signatures::petition_id.eq(petition_id))
            .filter(signatures::state.eq(SignatureState::Confirmed))
            // Erased or anonymised signers still count, but have no details
            // left to export.
            .filter(signatures::email.ne(""))
            .order((signatures::confirmed_at, signatures::id))
            .limit(limit)
            .select(columns)
            .into_boxed();
        if let Some(After::Offset(skip)) = after {
            query = query.offset(*skip);
        }
        if let Some(After::Cursor((at, id))) = after {
            query = query.filter(
                signatures::confirmed_at
                    .gt(*at)
                    .or(signatures::confirmed_at.eq(*at).and(signatures::id.gt(id.clone()))),
            );
        }
        query.load(conn)
    })
    .context("loading signatures to export")
}
